/*
 * pt_lpae.c: ARMv7 LPAE long-descriptor page tables for a 32-bit kernel VA
 * space (T1SZ 0), as a hardware walk sees them: a first level of 4 entries
 * (1 GiB each), a second of 512 (2 MiB), a third of 512 (4 KiB pages, the
 * format of pte_lpae.c).  Levels 1 and 2 hold 1 GiB / 2 MiB blocks
 * (type 1) or table links (type 3).
 *
 * FreeBSD never had an LPAE pmap, so the root is this project's choice:
 * the kernel variable kernel_lpae_l1pa, 64 bits, holds the physical
 * address of the first-level table (docs/formats.md).
 */
#include "ptwalk.h"

#define AP2	(UINT64_C(1) << 7)
#define PXN	(UINT64_C(1) << 53)
#define XN	(UINT64_C(1) << 54)

static const struct pte_kind l1_kinds[] = {
	{ .match_mask = 3, .match_value = 3, .name = "table", .table = 1,
	  .frame_mask = UINT64_C(0x000000fffffff000) },
	{ .match_mask = 3, .match_value = 1, .name = "1 GiB block",
	  .page_shift = 30, .frame_mask = UINT64_C(0x000000ffc0000000),
	  .write_unless = AP2, .exec_unless = XN | PXN },
	{ .match_mask = 1, .match_value = 0, .name = "fault (bit 0 clear)" },
};

static const struct pte_kind l2_kinds[] = {
	{ .match_mask = 3, .match_value = 3, .name = "table", .table = 1,
	  .frame_mask = UINT64_C(0x000000fffffff000) },
	{ .match_mask = 3, .match_value = 1, .name = "2 MiB block",
	  .page_shift = 21, .frame_mask = UINT64_C(0x000000ffffe00000),
	  .write_unless = AP2, .exec_unless = XN | PXN },
	{ .match_mask = 1, .match_value = 0, .name = "fault (bit 0 clear)" },
};

static const struct pte_format lpae_l1 = {
	.name = "lpae L1", .description = "LPAE first level",
	.mmuformat = 3, .entry_size = 8,
	.kinds = l1_kinds, .nkinds = sizeof(l1_kinds) / sizeof(l1_kinds[0]),
};

static const struct pte_format lpae_l2 = {
	.name = "lpae L2", .description = "LPAE second level",
	.mmuformat = 3, .entry_size = 8,
	.kinds = l2_kinds, .nkinds = sizeof(l2_kinds) / sizeof(l2_kinds[0]),
};

static const struct pt_level lpae_levels[] = {
	{ .shift = 30, .bits = 2, .fmt = &lpae_l1 },
	{ .shift = 21, .bits = 9, .fmt = &lpae_l2 },
	{ .shift = 12, .bits = 9, .fmt = &pte_format_lpae },
};

const struct pt_desc pt_desc_lpae = {
	.leaf = &pte_format_lpae, .root_symbol = "kernel_lpae_l1pa",
	.root_size = 8, .levels = lpae_levels, .nlevels = 3,
};
