/*
 * source_zstd.c: a zstd-compressed core (dumpon -Z, vmcore.N.zst).
 *
 * Unlike gzip's deflate blocks (source_gzip.c), a zstd frame cannot be
 * entered in the middle: the decoder's state is not something the library
 * lets one save.  So the stream is decompressed once, at open, into a
 * temporary file in $TMPDIR (else /tmp), unlinked as soon as it is made,
 * and the source then reads that file as it would an uncompressed core
 * (mapped, no copies).  The file is sparse: every all-zero 4 KiB block of
 * output is skipped with lseek rather than written, so the free and zero
 * pages a dump is full of take no disk.  It costs the disk space of the
 * dump's nonzero pages for as long as the core is open, and one pass of
 * decompression per open.  A stream cut short yields what it holds, as a
 * truncated core does.
 */
#include "source_zstd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#define MAX_RATIO	1024u
#define BLOCK		4096u

/* The directory of the temporary copy: $TMPDIR, else /tmp. */
static const char *
temp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

/* An unlinked temporary file: gone once closed, whatever happens. */
static int
temp_file(char *err, size_t errlen)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/kvm_arm.XXXXXX", temp_dir());
	fd = mkstemp(path);
	if (fd < 0) {
		/* The directory: mkstemp may have filled in the name. */
		snprintf(err, errlen, "cannot make a temporary file for the "
		    "decompressed core in %s: %s", temp_dir(), strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

static int
all_zero(const unsigned char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* Write out at off, leaving holes for whole zero blocks. */
static int
write_sparse(int fd, const unsigned char *out, size_t len, uint64_t off)
{
	size_t i = 0;

	while (i < len) {
		size_t n = len - i < BLOCK ? len - i : BLOCK, j = i;
		/* Skip the zero blocks; write the run of nonzero ones at once. */
		if (n == BLOCK && all_zero(out + i, n)) {
			i += n;
			continue;
		}
		while (j < len) {
			n = len - j < BLOCK ? len - j : BLOCK;
			if (n == BLOCK && all_zero(out + j, n))
				break;
			j += n;
		}
		if (fd_write_all(fd, off + i, out + i, j - i) != 0)
			return -1;
		i = j;
	}
	return 0;
}

/* 32 MiB: zstd's own levels use at most 8 MiB, dumpon -Z far less. */
#define ZSTD_WINDOW_LOG_MAX	25

/* Decompress the stream into fd; returns its size, or -1 with err. */
static int64_t
decompress(const struct file *f, uint64_t base, uint64_t len, int fd,
    int *cut, char *err, size_t errlen)
{
	size_t inlen = ZSTD_DStreamInSize(), outlen = (size_t)1 << 20;
	/*
	 * Memory dumps compress a few times over, all-zero ones perhaps a few
	 * hundred; a stream that expands further is a bomb, not a dump, and
	 * must not fill the disk.
	 */
	uint64_t limit = len * MAX_RATIO + (UINT64_C(16) << 20);
	unsigned char *in = malloc(inlen), *out = malloc(outlen);
	ZSTD_DStream *ds = ZSTD_createDStream();
	uint64_t at = 0, total = 0;
	size_t last = 1;	/* 0 once a frame is complete */
	int64_t rc = -1;

	if (in == NULL || out == NULL || ds == NULL) {
		snprintf(err, errlen, "out of memory for zstd");
		goto out;
	}
	ZSTD_initDStream(ds);
	/*
	 * The frame header says how large a window to allocate: a hostile one
	 * asks for up to 2 GiB.  Dumps use a few MiB; refuse more than this.
	 */
	ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
	while (at < len) {
		size_t want = len - at < inlen ? (size_t)(len - at) : inlen;
		int64_t n = file_read(f, base + at, in, want);
		ZSTD_inBuffer ib = { in, n > 0 ? (size_t)n : 0, 0 };

		if (n <= 0)
			break;		/* the end, or a cut: keep what decoded */
		at += (uint64_t)n;
		while (ib.pos < ib.size) {
			ZSTD_outBuffer ob = { out, outlen, 0 };
			size_t r = ZSTD_decompressStream(ds, &ob, &ib);
			if (ZSTD_isError(r) && ZSTD_getErrorCode(r) ==
			    ZSTD_error_frameParameter_windowTooLarge) {
				snprintf(err, errlen, "zstd frame wants a window "
				    "over the %u MiB this reader allows (made with "
				    "zstd --long?)", 1u << (ZSTD_WINDOW_LOG_MAX - 20));
				goto out;
			}
			if (ZSTD_isError(r)) {
				snprintf(err, errlen, "corrupt zstd data near "
				    "compressed byte %llu (%s)", (unsigned long long)
				    (at - (ib.size - ib.pos)), ZSTD_getErrorName(r));
				goto out;
			}
			last = r;
			if (write_sparse(fd, out, ob.pos, total) != 0) {
				snprintf(err, errlen, "cannot write the "
				    "decompressed core to a temporary file in "
				    "%s: %s", temp_dir(), strerror(errno));
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
		snprintf(err, errlen, last != 0 ? "truncated zstd stream: its "
		    "%llu bytes end before any data" : "zstd stream holds no "
		    "data", (unsigned long long)len);
		goto out;
	}
	/* Trailing holes: the size must still be the stream's. */
	if (ftruncate(fd, (off_t)total) != 0) {
		snprintf(err, errlen, "cannot size the temporary file in %s: "
		    "%s", temp_dir(), strerror(errno));
		goto out;
	}
	*cut = last != 0;
	rc = (int64_t)total;
out:
	ZSTD_freeDStream(ds);
	free(in);
	free(out);
	return rc;
}

int
zstd_to_temp(const struct file *f, uint64_t base, uint64_t len,
    struct file *out, int *cut, char *err, size_t errlen)
{
	int fd = temp_file(err, errlen);
	int64_t size;

	if (fd < 0)
		return -1;
	size = decompress(f, base, len, fd, cut, err, errlen);
	if (size < 0) {
		close(fd);
		return -1;
	}
	file_adopt(out, fd, (uint64_t)size);
	return 0;
}
