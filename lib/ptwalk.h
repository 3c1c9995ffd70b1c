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

/* Read the entry of size bytes at physical address pa: 0, or -1. */
typedef int pt_read_fn(const void *ctx, uint64_t pa, unsigned int size,
    uint64_t *entry);

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

#endif
