/*
 * fixture.h: make a core (and kernel) from an inline description in the
 * test's temporary directory, and patch bytes of a file.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "harness.h"
#include "mkcore.h"

/* Write NAME.core and NAME.kernel from text; paths go to core/kernel. */
static inline int
fixture_make(const char *name, const char *text, char *core, char *kernel,
    struct mkcore_layout *lo)
{
	struct mapdesc d;
	int rc;

	snprintf(core, 256, "%s/%s.core", harness_tmpdir(), name);
	snprintf(kernel, 256, "%s/%s.kernel", harness_tmpdir(), name);
	if (mapdesc_parse(&d, text, name) != 0)
		return -1;
	rc = mkcore_write(&d, core, kernel, NULL, lo);
	mapdesc_free(&d);
	return rc;
}

/* Overwrite len bytes of path at off. */
static inline void
fixture_patch(const char *path, long off, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || pwrite(fd, bytes, len, off) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

/*
 * The fixture writer's pattern: every aligned 8-byte word of a dumped page
 * holds its own PA as a little-endian 64-bit value.  The word at p.
 */
static inline uint64_t
fixture_word(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Overwrite a 32-bit field in the given byte order. */
static inline void
fixture_patch32(const char *path, long off, uint32_t v, int be)
{
	unsigned char b[4];

	put32(b, v, be);
	fixture_patch(path, off, b, 4);
}

/* Copy src to dst, keeping only its first len bytes (all when len < 0). */
static inline void
fixture_copy(const char *src, const char *dst, long len)
{
	char cmd[1024];

	if (len < 0)
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, dst);
	else
		snprintf(cmd, sizeof(cmd), "head -c %ld '%s' > '%s'", len, src, dst);
	if (system(cmd) != 0)
		exit(2);
}

/*
 * A 512-byte kerneldumpheader (big-endian fields) for a payload of len
 * bytes, with a fixed hostname, version and panic string, and the parity
 * word that makes the XOR of all its 32-bit words 0.
 */
static inline void
fixture_dumpheader(unsigned char *h, uint64_t len, uint32_t blocksize,
    uint32_t keysize, unsigned compression)
{
	uint32_t parity = 0;

	memset(h, 0, 512);
	memcpy(h, "FreeBSD Kernel Dump", 20);
	memcpy(h + 20, "armv7", 5);
	h[35] = 4;			/* version */
	h[39] = 1;			/* architectureversion */
	for (int i = 0; i < 8; i++)
		h[40 + i] = (unsigned char)(len >> (56 - 8 * i));
	h[55] = 100;			/* dumptime */
	for (int i = 0; i < 4; i++) {
		h[56 + i] = (unsigned char)(keysize >> (24 - 8 * i));
		h[60 + i] = (unsigned char)(blocksize >> (24 - 8 * i));
	}
	memcpy(h + 64, "board.example", 13);
	memcpy(h + 128, "FreeBSD 14.0-TEST #0", 20);
	memcpy(h + 320, "page fault", 10);
	h[495] = (unsigned char)compression;
	for (int i = 0; i < 508; i += 4)
		parity ^= (uint32_t)h[i] << 24 | h[i + 1] << 16 | h[i + 2] << 8 | h[i + 3];
	for (int i = 0; i < 4; i++)
		h[508 + i] = (unsigned char)(parity >> (24 - 8 * i));
}

#endif
