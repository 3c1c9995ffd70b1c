/*
 * ptwalk.h: hardware page tables as data, and one walker for all of them.
 *
 * A minidump holds only the last level of the kernel's page tables, as a
 * flat array; a full ELF core holds all of physical memory, so a VA is
 * translated the way the MMU does it: from the root table, level by level.
 * A description lists the levels: which VA bits index each, and the entry
 * kinds of each as a struct pte_format (pte.h), where "table" kinds lead to
 * the next level.  The last level of each description is the same format a
 * minidump of that kernel uses.
 */
#ifndef KVM_ARM_PTWALK_H
#define KVM_ARM_PTWALK_H

#include <stddef.h>

#include "pte.h"

struct pt_level {
	unsigned int shift;		/* VA bits [shift, shift + bits) index it */
	unsigned int bits;
	const struct pte_format *fmt;
};

struct pt_desc {
	const struct pte_format *leaf;	/* the minidump format it matches */
	const char *root_symbol;	/* kernel variable holding the root's PA */
	unsigned int root_size;		/* bytes of that variable: 4 or 8 */
	const struct pt_level *levels;
	unsigned int nlevels;
};

extern const struct pt_desc pt_desc_v4, pt_desc_v6, pt_desc_lpae;

/* The description for a header tag's format (0 reads as v6), or NULL. */
const struct pt_desc *pt_desc_for(unsigned int mmuformat);

/*
 * Read up to n consecutive entries of size bytes from physical address pa
 * into entries: how many were read from the start (0: the first is not in
 * the core).  One call per table rather than per entry is what makes a
 * walk of the whole kernel map cheap.
 */
typedef size_t pt_read_fn(const void *ctx, uint64_t pa, unsigned int size,
    size_t n, uint64_t *entries);

/* Why a walk stopped short. */
struct pt_fail {
	unsigned int level;		/* 1-based */
	uint64_t entry;			/* the entry, when it was read */
	uint64_t entry_pa;		/* where it is */
	int unreadable;			/* the table is not in the core */
	const char *why;
};

/* Translate va from the root table at root: PTE_PAGE and *m, or 0 and *f. */
int pt_walk(const struct pt_desc *d, uint64_t root, uint64_t va,
    pt_read_fn *read, const void *ctx, struct pte_mapping *m,
    struct pt_fail *f);

/*
 * Every 4 KiB page mapped in [lo, hi), in VA order, as pt_walk would
 * translate it (a section is its pages), reading each table once: cb gets
 * the page's VA and mapping and returns 0 to stop.  An entry that cannot
 * be read or maps nothing skips the span it covers.  1 when the walk went
 * to the end, 0 when cb stopped it.
 */
typedef int pt_page_fn(void *arg, uint64_t va, const struct pte_mapping *m);
int pt_walk_range(const struct pt_desc *d, uint64_t root, uint64_t lo,
    uint64_t hi, pt_read_fn *read, const void *ctx, pt_page_fn *cb,
    void *arg);

#endif
