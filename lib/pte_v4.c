/*
 * pte_v4.c: ARMv4/v5 coarse-table entries (mmuformat 1).
 *
 * Type in bits [1:0].  A minidump holds only coarse-table entries, so type
 * 3 is XScale's extended small page (4 KiB, frame [31:12], AP in [5:4]),
 * not the 1 KiB tiny page of fine tables; FreeBSD's libkvm refuses it and
 * so cannot read XScale dumps.  Write permission is AP0's write bit (4);
 * the format has no execute permission.
 */
#include "pte.h"

static const struct pte_kind v4_kinds[] = {
	{ .match_mask = 3, .match_value = 0, .name = "invalid (type 0)" },
	{ .match_mask = 3, .match_value = 1, .name = "large page",
	  .page_shift = 16, .frame_mask = 0xffff0000,
	  .write_if = 1 << 4, .never_exec = 1 },
	{ .match_mask = 3, .match_value = 2, .name = "small page",
	  .page_shift = 12, .frame_mask = 0xfffff000,
	  .write_if = 1 << 4, .never_exec = 1 },
	{ .match_mask = 3, .match_value = 3, .name = "extended small page",
	  .page_shift = 12, .frame_mask = 0xfffff000,
	  .write_if = 1 << 4, .never_exec = 1 },
};

const struct pte_format pte_format_v4 = {
	.name = "v4",
	.description = "ARMv4/v5 (pmap-v4)",
	.mmuformat = 1,
	.entry_size = 4,
	.kinds = v4_kinds,
	.nkinds = sizeof(v4_kinds) / sizeof(v4_kinds[0]),
};
