/*
 * source_zstd.c: a zstd-compressed core (dumpon -Z, vmcore.N.zst).
 *
 * Unlike gzip's deflate blocks (source_gzip.c), a zstd frame cannot be
 * entered in the middle: the decoder's state is not something the library
 * lets one save.  So the stream is decompressed once, at open, into an
 * unlinked temporary file in $TMPDIR, and the source then reads that file
 * as it would an uncompressed core (mapped, no copies).  The disk space is
 * what `zstd -d` would have taken, and it is freed when the core is closed.
 * A stream cut short yields what it holds, as a truncated core does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "source.h"

#define MAX_RATIO	1024u

/* An unlinked temporary file: gone once closed, whatever happens. */
static int
temp_file(char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/kvm_arm.XXXXXX",
	    dir != NULL && dir[0] != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a temporary file for the "
		    "decompressed core in %s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Decompress the payload into fd; returns its size, or -1 with err. */
static int64_t
decompress(const struct source *src, int fd, char *err, size_t errlen)
{
	size_t inlen = ZSTD_DStreamInSize(), outlen = ZSTD_DStreamOutSize();
	/*
	 * Memory dumps compress a few times over, all-zero ones perhaps a few
	 * hundred; a stream that expands further is a bomb, not a dump, and
	 * must not fill the disk.
	 */
	uint64_t limit = src->raw_size * MAX_RATIO + (UINT64_C(16) << 20);
	unsigned char *in = malloc(inlen), *out = malloc(outlen);
	ZSTD_DStream *ds = ZSTD_createDStream();
	uint64_t at = 0, total = 0;
	int64_t rc = -1;

	if (in == NULL || out == NULL || ds == NULL) {
		snprintf(err, errlen, "out of memory for zstd");
		goto out;
	}
	ZSTD_initDStream(ds);
	for (;;) {
		int64_t n = source_read_raw(src, at, in, inlen);
		ZSTD_inBuffer ib = { in, n > 0 ? (size_t)n : 0, 0 };

		if (n <= 0)
			break;		/* the end, or a cut: keep what decoded */
		at += (uint64_t)n;
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, outlen, 0 };
			size_t r = ZSTD_decompressStream(ds, &ob, &ib);
			if (ZSTD_isError(r)) {
				snprintf(err, errlen, "corrupt zstd data near "
				    "compressed byte %llu (%s)", (unsigned long long)
				    (at - (ib.size - ib.pos)), ZSTD_getErrorName(r));
				goto out;
			}
			if (write_all(fd, out, ob.pos) != 0) {
				snprintf(err, errlen, "cannot write the "
				    "decompressed core to a temporary file: %s",
				    strerror(errno));
				goto out;
			}
			total += ob.pos;
			if (total > limit) {
				snprintf(err, errlen, "zstd stream expands more "
				    "than %u-fold: not a crash dump", MAX_RATIO);
				goto out;
			}
		}
	}
	if (total == 0) {
		snprintf(err, errlen, "zstd stream holds no data");
		goto out;
	}
	rc = (int64_t)total;
out:
	ZSTD_freeDStream(ds);
	free(in);
	free(out);
	return rc;
}

int
source_use_zstd(struct source *src, char *err, size_t errlen)
{
	int fd = temp_file(err, errlen);
	int64_t size;
	void *m = MAP_FAILED;

	if (fd < 0)
		return -1;
	size = decompress(src, fd, err, errlen);
	if (size < 0) {
		close(fd);
		return -1;
	}
	if ((uint64_t)(size_t)size == (uint64_t)size)
		m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	/* The decompressed file replaces the compressed one from now on. */
	src->stored_size = src->raw_size;
	src->compression = "zstd";
	if (src->map != NULL)
		munmap((void *)src->map, (size_t)src->file_size);
	close(src->fd);
	src->fd = fd;
	src->map = m == MAP_FAILED ? NULL : m;
	src->file_size = src->raw_size = src->size = (uint64_t)size;
	src->base = src->report_base = 0;
	return 0;
}
