/*
 * ptwalk.c: the generic walker over page-table descriptions (ptwalk.h).
 */
#include "ptwalk.h"

#include <stddef.h>

static const struct pt_desc *const descs[] = {
	&pt_desc_v4, &pt_desc_v6, &pt_desc_lpae,
};

const struct pt_desc *
pt_desc_for(unsigned int mmuformat)
{
	const struct pte_format *leaf = pte_format_for(mmuformat);

	for (size_t i = 0; leaf != NULL && i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i]->leaf == leaf)
			return descs[i];
	return NULL;
}

int
pt_walk(const struct pt_desc *d, uint64_t root, uint64_t va,
    pt_read_fn *read, const void *ctx, struct pte_mapping *m,
    struct pt_fail *f)
{
	uint64_t table = root;

	for (unsigned int i = 0; i < d->nlevels; i++) {
		const struct pt_level *l = &d->levels[i];
		uint64_t idx = va >> l->shift & ((UINT64_C(1) << l->bits) - 1);
		uint64_t entry;
		int r;

		f->level = i + 1;
		f->entry_pa = table + idx * l->fmt->entry_size;
		f->entry = 0;
		if (read(ctx, f->entry_pa, l->fmt->entry_size, &entry) != 0) {
			f->unreadable = 1;
			f->why = "its page table is not in the core";
			return PTE_INVALID;
		}
		f->entry = entry;
		f->unreadable = 0;
		r = pte_decode(l->fmt, entry, va, m, &f->why);
		if (r == PTE_PAGE)
			return PTE_PAGE;
		if (r == PTE_INVALID)
			return PTE_INVALID;
		if (i + 1 == d->nlevels) {
			f->why = "a table entry at the last level";
			return PTE_INVALID;
		}
		table = m->pa;
	}
	f->why = "no levels";
	return PTE_INVALID;
}
