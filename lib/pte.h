/*
 * pte.h: page-table entry formats as data.
 *
 * A format is its entry width and a short list of entry kinds, each told
 * apart by (entry & match_mask) == match_value.  A kind says where the frame
 * bits are, how big a page it maps, and which bits grant or deny write and
 * execute.  One generic decoder (pte_decode) reads every format; adding a
 * format is one small file holding a struct pte_format, and one row in the
 * table in pte.c.
 */
#ifndef KVM_ARM_PTE_H
#define KVM_ARM_PTE_H

#include <stdint.h>

struct pte_kind {
	uint64_t match_mask;
	uint64_t match_value;
	const char *name;		/* "small page", "large page", ... */
	unsigned int page_shift;	/* 12 (4 KiB), 16 (64 KiB), up to 30
					   (1 GiB block); 0: invalid */
	uint64_t frame_mask;		/* PA bits of the page's start */
	uint64_t write_if;		/* nonzero: writable only if one is set */
	uint64_t write_unless;		/* writable unless one is set */
	uint64_t exec_unless;		/* executable unless one is set */
	int never_exec;			/* the format has no execute permission */
	int table;			/* points to a next-level table at
					   entry & frame_mask (hardware walks) */
};

struct pte_format {
	const char *name;		/* "v4", "v6", "lpae" */
	const char *description;
	unsigned int mmuformat;		/* the minidump header's tag */
	unsigned int entry_size;	/* bytes: 4 or 8 */
	const struct pte_kind *kinds;	/* first match wins */
	unsigned int nkinds;
};

/* What one entry says about the page containing va. */
struct pte_mapping {
	uint64_t pa;			/* physical address of va itself */
	uint64_t page_size;		/* 4 KiB to 1 GiB */
	unsigned char prot;		/* KVM_PROT_* */
	const struct pte_kind *kind;
};

extern const struct pte_format pte_format_v4;
extern const struct pte_format pte_format_v6;
extern const struct pte_format pte_format_lpae;

/* The format for a header tag (0 reads as v6, as libkvm does), or NULL. */
const struct pte_format *pte_format_for(unsigned int mmuformat);

/*
 * Decode entry for va.  Returns PTE_PAGE and fills *m for a valid page (or
 * section, or block); PTE_TABLE with m->pa the next table's address for a
 * table entry; PTE_INVALID with *why naming the reason ("invalid", or the
 * kind's name when the format defines the type as a fault).
 */
#define PTE_INVALID	0
#define PTE_PAGE	1
#define PTE_TABLE	2

static inline int
pte_decode(const struct pte_format *f, uint64_t entry, uint64_t va,
    struct pte_mapping *m, const char **why)
{
	for (unsigned int i = 0; i < f->nkinds; i++) {
		const struct pte_kind *k = &f->kinds[i];
		if ((entry & k->match_mask) != k->match_value)
			continue;
		if (k->table) {
			m->pa = entry & k->frame_mask;
			m->kind = k;
			return PTE_TABLE;
		}
		if (k->page_shift == 0) {
			*why = k->name;
			return PTE_INVALID;
		}
		uint64_t in_page = (UINT64_C(1) << k->page_shift) - 1;
		unsigned char prot = 1;	/* KVM_PROT_READ */
		if ((k->write_if == 0 || (entry & k->write_if) != 0) &&
		    (entry & k->write_unless) == 0)
			prot |= 2;	/* KVM_PROT_WRITE */
		if (!k->never_exec && (entry & k->exec_unless) == 0)
			prot |= 4;	/* KVM_PROT_EXECUTE */
		m->pa = (entry & k->frame_mask & ~in_page) + (va & in_page);
		m->page_size = UINT64_C(1) << k->page_shift;
		m->prot = prot;
		m->kind = k;
		return PTE_PAGE;
	}
	*why = "invalid";
	return PTE_INVALID;
}

#endif
