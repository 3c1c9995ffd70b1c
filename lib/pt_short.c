/*
 * pt_short.c: the ARM short-descriptor page tables (ARMv4/v5 and v6/v7) as
 * a hardware walk sees them: a 16 KiB first-level table of 4096 entries,
 * one per MiB, each a section (1 MiB), a supersection (16 MiB, v6) or a
 * link to a 1 KiB coarse table of 256 second-level entries, whose formats
 * are the minidump ones (pte_v4.c, pte_v6.c).  FreeBSD keeps the first-
 * level table's physical address in the kernel variable kernel_l1pa.
 *
 * v6 sections keep XN in bit 4 and, with pmap-v6's TEX remap, the software
 * read-only bit in TEX1 (bit 13); bit 0 is PXN where implemented.  v4
 * sections keep AP in bits [11:10] (writable when bit 10 is set) and have no
 * execute permission.  Supersections' extended base bits (PA above 4 GiB)
 * are not read: FreeBSD/arm's physical addresses are 32 bits.
 */
#include "ptwalk.h"

#define SUPER	(1u << 18)

static const struct pte_kind v6_l1_kinds[] = {
	{ .match_mask = 3, .match_value = 0, .name = "invalid (type 0)" },
	{ .match_mask = 3, .match_value = 1, .name = "coarse table",
	  .table = 1, .frame_mask = 0xfffffc00 },
	{ .match_mask = 2 | SUPER, .match_value = 2 | SUPER,
	  .name = "supersection", .page_shift = 24, .frame_mask = 0xff000000,
	  .write_unless = 1 << 13, .exec_unless = 1 << 4 | 1 },
	{ .match_mask = 2 | SUPER, .match_value = 2, .name = "section",
	  .page_shift = 20, .frame_mask = 0xfff00000,
	  .write_unless = 1 << 13, .exec_unless = 1 << 4 | 1 },
};

static const struct pte_format v6_l1 = {
	.name = "v6 L1", .description = "ARMv6/v7 first level",
	.mmuformat = 2, .entry_size = 4,
	.kinds = v6_l1_kinds,
	.nkinds = sizeof(v6_l1_kinds) / sizeof(v6_l1_kinds[0]),
};

static const struct pte_kind v4_l1_kinds[] = {
	{ .match_mask = 3, .match_value = 0, .name = "invalid (type 0)" },
	{ .match_mask = 3, .match_value = 1, .name = "coarse table",
	  .table = 1, .frame_mask = 0xfffffc00 },
	{ .match_mask = 3, .match_value = 2, .name = "section",
	  .page_shift = 20, .frame_mask = 0xfff00000,
	  .write_if = 1 << 10, .never_exec = 1 },
	{ .match_mask = 3, .match_value = 3,
	  .name = "fine table (FreeBSD's pmap-v4 makes none)" },
};

static const struct pte_format v4_l1 = {
	.name = "v4 L1", .description = "ARMv4/v5 first level",
	.mmuformat = 1, .entry_size = 4,
	.kinds = v4_l1_kinds,
	.nkinds = sizeof(v4_l1_kinds) / sizeof(v4_l1_kinds[0]),
};

static const struct pt_level v6_levels[] = {
	{ .shift = 20, .bits = 12, .fmt = &v6_l1 },
	{ .shift = 12, .bits = 8, .fmt = &pte_format_v6 },
};

static const struct pt_level v4_levels[] = {
	{ .shift = 20, .bits = 12, .fmt = &v4_l1 },
	{ .shift = 12, .bits = 8, .fmt = &pte_format_v4 },
};

const struct pt_desc pt_desc_v6 = {
	.leaf = &pte_format_v6, .root_symbol = "kernel_l1pa", .root_size = 4,
	.levels = v6_levels, .nlevels = 2,
};

const struct pt_desc pt_desc_v4 = {
	.leaf = &pte_format_v4, .root_symbol = "kernel_l1pa", .root_size = 4,
	.levels = v4_levels, .nlevels = 2,
};
