/*
 * compressed.h: the benchmark's gzip and zstd cases (compressed.c).
 */
#ifndef BENCH_COMPRESSED_H
#define BENCH_COMPRESSED_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

struct gzip_results {
	double cold_open;	/* open with no cached index: one inflation */
	double warm_open;	/* median open + close with the cached index */
	long peak_rss_kib;	/* growth over cold open, reads, file-order walk */
	double random_read;	/* median seconds per random 4-byte kvm_read2 */
	double walk;		/* median kvm_arm_walk_pages_fileorder, seconds */
	double inflate;		/* median zlib inflate of the whole file */
	uint64_t pages, bytes;	/* pages the walk gave; uncompressed bytes */
	uint64_t stored;	/* compressed bytes */
};

struct zstd_results {
	double open;		/* median open + close: one decompression */
	uint64_t temp_size;	/* the temporary copy's size */
	uint64_t temp_disk;	/* and the disk it takes (0: not found) */
	double random_read;	/* median seconds per random read, zstd core */
	double plain_read;	/* the same reads of the uncompressed core */
	uint64_t stored;
};

/*
 * Run the cases on the compressed copies of the dump (rounds alternating
 * rounds; vas are random valid KVAs with 4 bytes left in their page).
 * 0, or -1 with a message on stderr.
 */
int bench_gzip(const char *path, const char *cache_dir, const uint64_t *vas,
    size_t nvas, unsigned rounds, struct gzip_results *r);
int bench_zstd(const char *path, kvm_t *plain, const uint64_t *vas,
    size_t nvas, unsigned rounds, struct zstd_results *r);

/* zstd -3 src, then zeros zero bytes, into dst.  0, or -1. */
int zstd_copy(const char *src, const char *dst, uint64_t zeros);

#endif
