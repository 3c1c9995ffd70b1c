/*
 * pagemap.c: build the physical ranges and the rank index (see pagemap.h).
 */
#include "pagemap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"

#define PAGE_SHIFT 12

/* Version 2: the dump_avail pairs, up to the first end of 0. */
static int
ranges_from_dumpavail(struct pagemap *pm, const unsigned char *da,
    uint64_t bytes, int be, char *err, size_t errlen)
{
	size_t max = (size_t)(bytes / 16), n = 0;
	uint64_t bit = 0;

	while (n < max && load64(da + n * 16 + 8, be) != 0)
		n++;
	if (n == 0) {
		snprintf(err, errlen, "dump_avail has no physical range");
		return -1;
	}
	pm->ranges = calloc(n, sizeof(*pm->ranges));
	pm->pub = calloc(n, sizeof(*pm->pub));
	if (pm->ranges == NULL || pm->pub == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t start = load64(da + i * 16, be);
		uint64_t end = load64(da + i * 16 + 8, be);
		if (end > UINT64_C(1) << 40) {
			snprintf(err, errlen, "dump_avail range %zu ends at 0x%llx, "
			    "beyond ARM's 40-bit physical address space", i,
			    (unsigned long long)end);
			return -1;
		}
		if (start >= end) {
			snprintf(err, errlen, "dump_avail range %zu is empty or "
			    "reversed: [0x%llx, 0x%llx)", i,
			    (unsigned long long)start, (unsigned long long)end);
			return -1;
		}
		/* The kernel counts partial pages at both ends as whole. */
		uint64_t first = start >> PAGE_SHIFT;
		uint64_t last = (end >> PAGE_SHIFT) + ((end & 0xfff) != 0);
		pm->ranges[i].first_page = first;
		pm->ranges[i].npages = last - first;
		pm->ranges[i].first_bit = bit;
		pm->pub[i].start = start;
		pm->pub[i].end = end;
		bit += last - first;
	}
	pm->nranges = n;
	pm->sorted = 1;
	for (size_t i = 1; i < n; i++)
		pm->sorted &= pm->ranges[i].first_page >=
		    pm->ranges[i - 1].first_page + pm->ranges[i - 1].npages;
	pm->total_bits = bit;
	return 0;
}

int
pagemap_init(struct pagemap *pm, const unsigned char *bitmap,
    uint64_t bitmap_bytes, const unsigned char *dumpavail,
    uint64_t dumpavail_bytes, int be, char *err, size_t errlen)
{
	uint64_t nblocks, rank = 0;

	memset(pm, 0, sizeof(*pm));
	pm->nbits = bitmap_bytes * 8;
	if (dumpavail != NULL) {
		if (ranges_from_dumpavail(pm, dumpavail, dumpavail_bytes, be,
		    err, errlen) != 0)
			return -1;
		/* Bits past the ranges' pages can never be looked up. */
		if (pm->total_bits < pm->nbits)
			pm->nbits = pm->total_bits;
	} else {
		/* Version 1: bit b is physical page b. */
		pm->ranges = calloc(1, sizeof(*pm->ranges));
		pm->pub = calloc(1, sizeof(*pm->pub));
		if (pm->ranges == NULL || pm->pub == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		pm->ranges[0].npages = pm->nbits;
		pm->pub[0].end = pm->nbits << PAGE_SHIFT;
		pm->nranges = 1;
		pm->sorted = 1;
	}
	/* Bounded by the bitmap the caller checked against the file. */
	nblocks = (pm->nbits + 63) / 64;
	if (nblocks > SIZE_MAX / sizeof(*pm->blocks) - 1) {
		snprintf(err, errlen, "a %llu-byte bitmap is too large for this "
		    "host", (unsigned long long)bitmap_bytes);
		return -1;
	}
	pm->blocks = malloc((size_t)(nblocks ? nblocks : 1) * sizeof(*pm->blocks));
	if (pm->blocks == NULL) {
		snprintf(err, errlen, "out of memory for a %llu-byte bitmap",
		    (unsigned long long)bitmap_bytes);
		return -1;
	}
	for (uint64_t k = 0; k < nblocks; k++) {
		uint64_t lo = load32(bitmap + k * 8, be), hi = 0, bits;
		if (k * 8 + 4 < bitmap_bytes)
			hi = load32(bitmap + k * 8 + 4, be);
		bits = hi << 32 | lo;
		if (pm->nbits - k * 64 < 64)	/* drop bits past the last indexed */
			bits &= (UINT64_C(1) << (pm->nbits - k * 64)) - 1;
		pm->blocks[k].rank = rank;
		pm->blocks[k].bits = bits;
		rank += (uint64_t)__builtin_popcountll(pm->blocks[k].bits);
	}
	pm->set_bits = rank;
	return 0;
}

void
pagemap_free(struct pagemap *pm)
{
	free(pm->ranges);
	free(pm->pub);
	free(pm->blocks);
	memset(pm, 0, sizeof(*pm));
}
