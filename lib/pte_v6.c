/*
 * pte_v6.c: ARMv6/v7 short-descriptor level-2 entries (mmuformat 2, and 0).
 *
 * pmap-v6 runs with TEX remap, so TEX1 serves as a software read-only bit
 * and XN denies execute.  Small pages (bit 1 set) keep XN in bit 0 and TEX1
 * in bit 7; large pages (64 KiB, type 1) keep them in bits 15 and 13.
 * FreeBSD's libkvm tests bits 0 and 7 for both, which misreads large pages.
 */
#include "pte.h"

static const struct pte_kind v6_kinds[] = {
	{ .match_mask = 3, .match_value = 0, .name = "invalid (type 0)" },
	{ .match_mask = 3, .match_value = 1, .name = "large page",
	  .page_shift = 16, .frame_mask = 0xffff0000,
	  .write_unless = 1 << 13, .exec_unless = 1 << 15 },
	{ .match_mask = 2, .match_value = 2, .name = "small page",
	  .page_shift = 12, .frame_mask = 0xfffff000,
	  .write_unless = 1 << 7, .exec_unless = 1 << 0 },
};

const struct pte_format pte_format_v6 = {
	.name = "v6",
	.description = "ARMv6/v7 short descriptor",
	.mmuformat = 2,
	.entry_size = 4,
	.kinds = v6_kinds,
	.nkinds = sizeof(v6_kinds) / sizeof(v6_kinds[0]),
};
