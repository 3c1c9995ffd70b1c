/*
 * pagetab.h: a minidump's translation flattened at open.
 *
 * Translating a VA the long way costs three dependent memory accesses (the
 * PTE, the rank block, then the data) and a table-driven decode.  At open
 * every PTE is decoded once (minidump.c) and the result kept per 4 KiB page
 * of KVA:
 *
 *   live     one bit per PTE, set when the entry maps a page: a walk skips
 *            the empty stretches of a sparse KVA 64 entries at a time;
 *   frame    the page's PA >> 12 and its KVM_PROT_* bits: a walk decodes
 *            nothing;
 *   page     its index in the page data, or PAGETAB_SLOW when reading it
 *            needs the long way (not dumped, past the end of the file);
 *   fast     one bit per PTE: page is not PAGETAB_SLOW (32 KiB for a 1 GiB
 *            KVA, so it stays in the CPU's caches);
 *   kvmap    when the page data is a mapped file at page-aligned offsets,
 *            the file mapped again in the shape of the KVA: each run of
 *            pages contiguous in both VA and file is one mmap, so the byte
 *            at va is kvmap[va - va_start].
 *
 * With kvmap a read is a check of a cached bit and one load at an address
 * computed from va alone, so the CPU overlaps independent reads as it does
 * plain loads; without it, one table load and one data load.
 */
#ifndef KVM_ARM_PAGETAB_H
#define KVM_ARM_PAGETAB_H

#include <stdint.h>

#include "source.h"

#define PAGETAB_SLOW	UINT32_MAX

struct pagetab {
	uint64_t *live;
	uint32_t *frame;	/* PA >> 12 | prot << 28 (PAs below 2^40) */
	uint32_t *page;
	uint64_t *fast;
	uint64_t n;		/* entries (0: no table, take the long way) */
	uint64_t fast_n;	/* n when kvmap exists, else 0 */
	uint64_t va_start;	/* the VA of entry 0 */
	const unsigned char *data;	/* the page data in memory, or NULL */
	uint64_t data_off;	/* its payload offset */
	unsigned char *kvmap;	/* NULL when not made */
	uint64_t kvmap_len;
};

/* Room for n entries, none live.  0, or -1 (then there is no table). */
int pagetab_alloc(struct pagetab *pt, uint64_t n, uint64_t va_start);
/* Entry i maps the page at pa with prot; its page-data index or SLOW. */
static inline void
pagetab_set(struct pagetab *pt, uint64_t i, uint64_t pa, unsigned prot,
    uint32_t page)
{
	pt->live[i / 64] |= UINT64_C(1) << (i % 64);
	pt->frame[i] = (uint32_t)(pa >> 12) | (uint32_t)prot << 28;
	pt->page[i] = page;
	if (page != PAGETAB_SLOW)
		pt->fast[i / 64] |= UINT64_C(1) << (i % 64);
}
/*
 * After the entries: the page data is [data_off, data_off + data_len) of
 * src; make the fast paths that the source allows.
 */
void pagetab_finish(struct pagetab *pt, const struct source *src,
    uint64_t data_off, uint64_t data_len);
void pagetab_free(struct pagetab *pt);

static inline int
pagetab_fast(const struct pagetab *pt, uint64_t i)
{
	return (int)(pt->fast[i / 64] >> (i % 64) & 1);
}

#endif
