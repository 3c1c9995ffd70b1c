/*
 * gzip_cache.c: the gzip index cache (see gzip_cache.h).
 *
 * An entry, every integer little-endian:
 *   0   "libkvm_arm gzindex" padded with NULs to 24 bytes
 *   24  u32 format version, u32 window size
 *   32  u64 file size, i64 mtime seconds, i64 mtime nanoseconds
 *   56  u64 stream start, u64 stream length
 *   72  u32 CRC-32 of the stream's first 64 KiB, u32 of its last 64 KiB
 *   80  u64 points, u64 span, u64 uncompressed size, u32 cut, u32 0
 *   112 points: u64 out, u64 in, u64 bits each
 *   then a window of GZ_WINDOW bytes per point
 *   then u32 CRC-32 of everything before it
 */
#include "gzip_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "endian.h"

#define MAGIC		"libkvm_arm gzindex"
/* 2: a file of several gzip members is indexed through all of them (1 kept
 * the first only, and must not be trusted now). */
#define VERSION		2u
#define HDR		112u
#define POINT		24u
#define EDGE		65536u		/* bytes checksummed at each end */
/* Smaller streams index in well under 100 ms: not worth a file. */
#define MIN_OUTPUT	(UINT64_C(8) << 20)
/* deflate expands at most 1032-fold. */
#define MAX_RATIO	1032u

static int
cache_disabled(void)
{
	const char *e = getenv("KVM_ARM_NO_CACHE");

	return e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
}

/* The cache directory, made when missing; 0, or -1 when there is none. */
static int
cache_dir(char *buf, size_t len, int make)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, len, "%s/.cache", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= len)
		return -1;
	if (make && mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	n = snprintf(buf + n, len - (size_t)n, "/libkvm_arm");
	if (n < 0 || strlen(buf) >= len - 1)
		return -1;
	if (make && mkdir(buf, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
entry_path(const struct file *f, uint64_t base, char *buf, size_t len,
    int make)
{
	char dir[4096];
	int n;

	if (cache_disabled() || cache_dir(dir, sizeof(dir), make) != 0)
		return -1;
	n = snprintf(buf, len, "%s/gz-%llx-%llx-%llx.idx", dir,
	    (unsigned long long)f->dev, (unsigned long long)f->ino,
	    (unsigned long long)base);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* CRC-32 of [off, off + n) of the stream; 0 and ok = 0 on a read error. */
static uint32_t
crc_of(const struct file *f, uint64_t off, size_t n, int *ok)
{
	unsigned char *b = malloc(n ? n : 1);
	uint32_t c = 0;

	if (b == NULL || file_read(f, off, b, n) != (int64_t)n)
		*ok = 0;
	else
		c = (uint32_t)crc32(0, b, (uInt)n);
	free(b);
	return c;
}

/* The header for the stream as it is now; 0, or -1 on a read error. */
static int
make_header(const struct file *f, uint64_t base, uint64_t len,
    unsigned char *h)
{
	size_t edge = len < EDGE ? (size_t)len : EDGE;
	int ok = 1;

	memset(h, 0, HDR);
	memcpy(h, MAGIC, sizeof(MAGIC) - 1);
	store32(h + 24, VERSION, 0);
	store32(h + 28, GZ_WINDOW, 0);
	store64(h + 32, f->size, 0);
	store64(h + 40, (uint64_t)f->mtime_sec, 0);
	store64(h + 48, (uint64_t)f->mtime_nsec, 0);
	store64(h + 56, base, 0);
	store64(h + 64, len, 0);
	store32(h + 72, crc_of(f, base, edge, &ok), 0);
	store32(h + 76, crc_of(f, base + len - edge, edge, &ok), 0);
	return ok ? 0 : -1;
}

/* The points of an entry must describe a stream of this length. */
static int
points_plausible(const struct gz_index *ix, uint64_t len)
{
	if (ix->npoints == 0 || ix->size == 0 || ix->span == 0 ||
	    ix->size / MAX_RATIO > len || ix->points[0].out != 0)
		return 0;
	for (size_t i = 0; i < ix->npoints; i++) {
		const struct gz_point *p = &ix->points[i];
		if (p->bits < 0 || p->bits > 7 || p->in > len ||
		    (p->bits && p->in == 0) || p->out > ix->size)
			return 0;
		if (i > 0 && (p->out <= ix->points[i - 1].out ||
		    p->in < ix->points[i - 1].in))
			return 0;
	}
	return 1;
}

int
gzip_cache_load(const struct file *f, uint64_t base, uint64_t len,
    struct gz_index *ix)
{
	unsigned char want[HDR], h[HDR], *pts = NULL, tail[4];
	char path[4200], err[64];
	struct gz_index n = { 0 };
	struct file e;
	uint64_t npoints, at;
	uint32_t crc;
	int ok = 0;

	if (entry_path(f, base, path, sizeof(path), 0) != 0 ||
	    file_open(&e, path, 0, err, sizeof(err)) != 0)
		return 0;
	/* Read, not mapped: the windows are copied out once. */
	file_unmap(&e);
	if (file_read(&e, 0, h, HDR) != HDR ||
	    make_header(f, base, len, want) != 0 || memcmp(h, want, 80) != 0)
		goto out;
	npoints = load64(h + 80, 0);
	/* Bounded by the stream, as when the index is built. */
	if (npoints == 0 || npoints > 4 + len / GZ_WINDOW ||
	    npoints > SIZE_MAX / (POINT + GZ_WINDOW) ||
	    e.size != HDR + npoints * (POINT + GZ_WINDOW) + 4)
		goto out;
	n.npoints = n.cap = (size_t)npoints;
	n.span = load64(h + 88, 0);
	n.size = load64(h + 96, 0);
	n.cut = load32(h + 104, 0) != 0;
	pts = malloc(n.npoints * POINT);
	n.points = malloc(n.npoints * sizeof(*n.points));
	n.windows = malloc(n.npoints * GZ_WINDOW);
	at = HDR + n.npoints * POINT;
	if (pts == NULL || n.points == NULL || n.windows == NULL ||
	    file_read(&e, HDR, pts, n.npoints * POINT) !=
	    (int64_t)(n.npoints * POINT) ||
	    file_read(&e, at, n.windows, n.npoints * GZ_WINDOW) !=
	    (int64_t)(n.npoints * GZ_WINDOW) ||
	    file_read(&e, at + n.npoints * GZ_WINDOW, tail, 4) != 4)
		goto out;
	crc = (uint32_t)crc32(0, h, HDR);
	crc = (uint32_t)crc32(crc, pts, (uInt)(n.npoints * POINT));
	for (size_t i = 0; i < n.npoints; i++)
		crc = (uint32_t)crc32(crc, n.windows + i * GZ_WINDOW, GZ_WINDOW);
	if (crc != load32(tail, 0))
		goto out;
	for (size_t i = 0; i < n.npoints; i++) {
		uint64_t bits = load64(pts + i * POINT + 16, 0);
		n.points[i].out = load64(pts + i * POINT, 0);
		n.points[i].in = load64(pts + i * POINT + 8, 0);
		n.points[i].bits = bits > 7 ? -1 : (int)bits;
	}
	ok = points_plausible(&n, len);
out:
	file_close(&e);
	free(pts);
	if (!ok) {
		free(n.points);
		free(n.windows);
		return 0;
	}
	*ix = n;
	return 1;
}

void
gzip_cache_store(const struct file *f, uint64_t base, uint64_t len,
    const struct gz_index *ix)
{
	unsigned char h[HDR], p[POINT], tail[4];
	char path[4200], tmp[4300];
	uint64_t at;
	uint32_t crc;
	int fd, ok;

	if (ix->size < MIN_OUTPUT ||
	    entry_path(f, base, path, sizeof(path), 1) != 0 ||
	    make_header(f, base, len, h) != 0)
		return;
	store64(h + 80, ix->npoints, 0);
	store64(h + 88, ix->span, 0);
	store64(h + 96, ix->size, 0);
	store32(h + 104, ix->cut ? 1 : 0, 0);
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return;		/* unwritable: the next open rebuilds */
	crc = (uint32_t)crc32(0, h, HDR);
	ok = fd_write_all(fd, 0, h, HDR) == 0;
	at = HDR;
	for (size_t i = 0; ok && i < ix->npoints; i++, at += POINT) {
		store64(p, ix->points[i].out, 0);
		store64(p + 8, ix->points[i].in, 0);
		store64(p + 16, (uint64_t)ix->points[i].bits, 0);
		crc = (uint32_t)crc32(crc, p, POINT);
		ok = fd_write_all(fd, at, p, POINT) == 0;
	}
	for (size_t i = 0; ok && i < ix->npoints; i++, at += GZ_WINDOW) {
		crc = (uint32_t)crc32(crc, ix->windows + i * GZ_WINDOW, GZ_WINDOW);
		ok = fd_write_all(fd, at, ix->windows + i * GZ_WINDOW,
		    GZ_WINDOW) == 0;
	}
	store32(tail, crc, 0);
	ok = ok && fd_write_all(fd, at, tail, 4) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0)
		unlink(tmp);
}
