/*
 * pte_lpae.c: ARMv7 LPAE long-descriptor level-3 entries (mmuformat 3).
 *
 * FreeBSD defines the tag but never wrote such dumps; this project defines
 * the format (docs/FORMATS.md): 64-bit stage-1 level-3 page descriptors,
 * one per 4 KiB of KVA.  Only type 3 is a page; at level 3 type 1 is
 * reserved and types 0 and 2 fault.  Output address bits [39:12] give
 * 40-bit physical addresses.  AP[2] (bit 7) makes a page read-only; XN
 * (bit 54) or PXN (bit 53) deny execute.
 */
#include "pte.h"

#define LPAE_AP2	(UINT64_C(1) << 7)
#define LPAE_PXN	(UINT64_C(1) << 53)
#define LPAE_XN		(UINT64_C(1) << 54)

static const struct pte_kind lpae_kinds[] = {
	{ .match_mask = 3, .match_value = 3, .name = "page",
	  .page_shift = 12, .frame_mask = UINT64_C(0x000000fffffff000),
	  .write_unless = LPAE_AP2, .exec_unless = LPAE_XN | LPAE_PXN },
	{ .match_mask = 3, .match_value = 1,
	  .name = "reserved at level 3 (type 1, a block only at levels 1-2)" },
	{ .match_mask = 1, .match_value = 0, .name = "fault (bit 0 clear)" },
};

const struct pte_format pte_format_lpae = {
	.name = "lpae",
	.description = "ARMv7 LPAE long descriptor",
	.mmuformat = 3,
	.entry_size = 8,
	.kinds = lpae_kinds,
	.nkinds = sizeof(lpae_kinds) / sizeof(lpae_kinds[0]),
};
