/*
 * pagemap.h: physical address -> position in the dump's page data.
 *
 * The bitmap has one bit per physical page; the bits are numbered through
 * a list of physical ranges (version 2's dump_avail, or one range from 0 in
 * version 1).  A dumped page's position in the page data is the number of
 * set bits before its bit, answered in O(1) by a rank index built at open.
 */
#ifndef KVM_ARM_PAGEMAP_H
#define KVM_ARM_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

/* One range of physical pages and where its bits start. */
struct pm_range {
	uint64_t first_page;	/* PA / 4096 of its first page */
	uint64_t npages;
	uint64_t first_bit;
};

/*
 * The bitmap as host-order 64-bit blocks, each beside the count of set bits
 * in all blocks before it: one cache line answers a lookup.
 */
struct pm_block {
	uint64_t rank;
	uint64_t bits;
};

struct pagemap {
	struct pm_range *ranges;
	struct kvm_arm_range *pub;	/* the same ranges, as byte addresses */
	size_t nranges;
	int sorted;			/* ranges ascending, disjoint: bisect */
	struct pm_block *blocks;
	uint64_t nbits;			/* bits indexed: those a range reaches */
	uint64_t total_bits;		/* bits the ranges number (v2) */
	uint64_t set_bits;
};

#define PAGEMAP_NO_RANGE	(-1)	/* PA in no physical range */
#define PAGEMAP_NOT_DUMPED	(-2)	/* its bit is clear (or past the bitmap) */

/*
 * Build the map from the bitmap bytes (32-bit words in target byte order;
 * bytes a multiple of 4) and the raw dump_avail section (64-bit [start, end)
 * pairs in target byte order, ending at an end of 0), or NULL for version 1.
 * Returns 0, or -1 with the reason in err.
 */
int pagemap_init(struct pagemap *pm, const unsigned char *bitmap,
    uint64_t bitmap_bytes, const unsigned char *dumpavail,
    uint64_t dumpavail_bytes, int big_endian, char *err, size_t errlen);
void pagemap_free(struct pagemap *pm);

/* The page's index in the page data, or PAGEMAP_NO_RANGE / _NOT_DUMPED. */
static inline int64_t
pagemap_lookup(const struct pagemap *pm, uint64_t pa)
{
	uint64_t page = pa >> 12, bit;
	size_t i = 0;

	if (pm->sorted) {
		/* The last range starting at or below page, then its end. */
		size_t lo = 0, hi = pm->nranges;
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (pm->ranges[mid].first_page <= page)
				lo = mid;
			else
				hi = mid;
		}
		i = lo;
		if (page - pm->ranges[i].first_page >= pm->ranges[i].npages)
			return PAGEMAP_NO_RANGE;
	} else {
		for (; i < pm->nranges; i++) {
			const struct pm_range *r = &pm->ranges[i];
			if (page - r->first_page < r->npages)	/* both bounds */
				break;
		}
		if (i == pm->nranges)
			return PAGEMAP_NO_RANGE;
	}
	bit = page - pm->ranges[i].first_page + pm->ranges[i].first_bit;
	if (bit >= pm->nbits)
		return PAGEMAP_NOT_DUMPED;
	const struct pm_block *b = &pm->blocks[bit / 64];
	uint64_t below = (UINT64_C(1) << (bit % 64)) - 1;
	if (!(b->bits >> (bit % 64) & 1))
		return PAGEMAP_NOT_DUMPED;
	return (int64_t)(b->rank + (uint64_t)__builtin_popcountll(b->bits & below));
}

#endif
