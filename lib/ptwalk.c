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
		if (read(ctx, f->entry_pa, l->fmt->entry_size, 1, &entry) != 1) {
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

/* Entries read per call: a short-descriptor second-level table whole. */
#define BATCH	256

/*
 * The entries of the table at table (level lvl, whose entry 0 maps base)
 * that overlap [lo, hi), in order, a batch at a time; down into the next
 * level's tables, pages to cb.  Recursion is as deep as the levels (3).
 */
static int
walk_table(const struct pt_desc *d, unsigned int lvl, uint64_t table,
    uint64_t base, uint64_t lo, uint64_t hi, pt_read_fn *read,
    const void *ctx, pt_page_fn *cb, void *arg)
{
	const struct pt_level *l = &d->levels[lvl];
	const unsigned int esz = l->fmt->entry_size;
	const uint64_t span = UINT64_C(1) << l->shift;
	uint64_t i = (lo - base) >> l->shift, end = (hi - 1 - base) >> l->shift;
	uint64_t entries[BATCH];

	while (i <= end) {
		size_t want = end - i + 1 < BATCH ? (size_t)(end - i + 1) : BATCH;
		size_t got = read(ctx, table + i * esz, esz, want, entries);

		if (got == 0 || got > want) {
			i++;		/* not in the core: its span is skipped */
			continue;
		}
		for (size_t k = 0; k < got; k++, i++) {
			uint64_t at = base + i * span;
			uint64_t from = at > lo ? at : lo;
			uint64_t to = at + span < hi ? at + span : hi;
			struct pte_mapping m;
			const char *why;
			int r = pte_decode(l->fmt, entries[k], from, &m, &why);

			if (r == PTE_TABLE && lvl + 1 < d->nlevels) {
				if (!walk_table(d, lvl + 1, m.pa, at, from, to,
				    read, ctx, cb, arg))
					return 0;
				continue;
			}
			if (r != PTE_PAGE)
				continue;
			/* A section is its pages, each decoded as pt_walk would. */
			for (uint64_t va = from; va < to; va += 4096) {
				if (va != from)
					pte_decode(l->fmt, entries[k], va, &m, &why);
				if (!cb(arg, va, &m))
					return 0;
			}
		}
	}
	return 1;
}

int
pt_walk_range(const struct pt_desc *d, uint64_t root, uint64_t lo,
    uint64_t hi, pt_read_fn *read, const void *ctx, pt_page_fn *cb,
    void *arg)
{
	uint64_t vabits;

	if (d->nlevels == 0 || lo >= hi)
		return 1;
	vabits = d->levels[0].shift + d->levels[0].bits;
	if (vabits < 64 && hi > UINT64_C(1) << vabits)
		hi = UINT64_C(1) << vabits;
	if (lo >= hi)
		return 1;
	lo &= ~UINT64_C(4095);
	return walk_table(d, 0, root, 0, lo, hi, read, ctx, cb, arg);
}
