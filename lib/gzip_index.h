/*
 * gzip_index.h: the restart points of a gzip stream, as built by
 * source_gzip.c and kept between runs by gzip_cache.c.
 *
 * As zlib's examples/zran.c shows, one pass over a deflate stream can leave
 * "access points": places at deflate block boundaries where inflation can
 * restart, each needing the 32 KiB of output before it (the window that
 * later back-references may reach into) and, when the boundary falls
 * inside a byte, that byte's leftover bits.
 */
#ifndef KVM_ARM_GZIP_INDEX_H
#define KVM_ARM_GZIP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define GZ_WINDOW	32768u		/* deflate's history */

struct gz_point {
	uint64_t out;		/* uncompressed offset of the point */
	uint64_t in;		/* compressed offset of the first full byte */
	int bits;		/* bits of the byte before 'in' still unread */
};

struct gz_index {
	struct gz_point *points;	/* ascending in out and in */
	unsigned char *windows;		/* GZ_WINDOW bytes per point, in order */
	size_t npoints, cap;
	uint64_t span;			/* output between points, at least */
	uint64_t size;			/* uncompressed bytes of the stream */
	int cut;			/* the stream ends before its end */
};

#endif
