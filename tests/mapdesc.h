/*
 * mapdesc.h: a mapping description, the fixture writer's input and the
 * tests' independent model of what a dump holds.
 *
 * A description is a text file, one directive a line ('#' starts a
 * comment):
 *
 *   version 1|2            minidump version (default 2)
 *   mmu v4|v6|lpae|N       PTE format and header tag (N: raw tag, read as v6)
 *   endian little|big
 *   arch N                 the header's arch field (default 7)
 *   kernbase VA            (default 0xc0000000)
 *   kva_size BYTES         VA span the PTE array covers (ptesize follows)
 *   phys START END         a physical range [START, END) (dump_avail in v2)
 *   map VA PA SIZE PROT [nodump] [large] [xscale] [pxn]
 *                          map SIZE bytes at VA to PA; PROT is r, rw, rx,
 *                          rwx; nodump leaves the pages out of the bitmap;
 *                          large writes 64 KiB entries; xscale writes v4
 *                          type-3 entries; pxn denies exec by LPAE's PXN
 *   pte VA VALUE           a raw entry (overrides map)
 *   dump PA SIZE           also dump these pages (not mapped)
 *   msgbuf SIZE "TEXT"     message buffer of SIZE bytes, TEXT appended to
 *                          it from sequence 0 (wrapping), \n escapes
 *   msgbuf_va VA           the ring also lives at VA (struct msgbuf after it)
 *   msgbufp VA             a kernel variable at VA points to that struct
 *   ksym NAME VALUE func|object|abs [local]   a kernel ELF symbol
 *   kdata VA "TEXT"        bytes at VA, in the kernel ELF and in the dump
 *   kernel_elf PATH        place PATH's loadable sections in the dump
 *   image PATH VA          place PATH's bytes (a raw memory image) at VA in
 *                          the dump, not in the kernel ELF; later blobs
 *                          (kdata) still win over it
 *   pad_ptes 1             page-round the PTE array (libkvm 12+ layout)
 *   no_dumpavail 1         version 2 header with dumpavailsize 0 (v1 layout)
 *   bitmap_bytes N         force the bitmap size (a multiple of 4)
 *   cpu_arch N             give the kernel ELF an .ARM.attributes section
 *                          whose Tag_CPU_arch is N (1-5 ARMv4..v5TEJ, 6+ v6..)
 *
 * A full ELF core (all of the physical ranges, and the kernel's own page
 * tables) instead of a minidump:
 *   container elf
 *   kernphys PA            the kernel's physical load address (PT_DUMP_DELTA;
 *                          kernbase maps to it)
 *   ptpool PA              where the writer builds the page tables (keep maps
 *                          away from the 2 MiB from there)
 *   l1pa_va VA             the kernel variable holding the root table's PA
 *                          (kernel_l1pa, or kernel_lpae_l1pa for lpae)
 * and map flags: section (1 MiB, v4/v6), super (16 MiB supersection, v6),
 * block (2 MiB, lpae), for the first-level (lpae: second-level) entries.
 *
 * Every aligned 8-byte word of a dumped page holds its own physical address
 * as a little-endian 64-bit value, unless kdata, kernel_elf, image or the msgbuf
 * put other bytes there.
 */
#ifndef MAPDESC_H
#define MAPDESC_H

#include <stddef.h>
#include <stdint.h>

#define MD_MAX 512

struct md_map {
	uint64_t va, pa, size;
	unsigned prot;		/* 1 r, 2 w, 4 x */
	int nodump, large, xscale, pxn;
	int section, super, block;	/* ELF cores: larger table entries */
};

struct md_raw {
	uint64_t va, value;
};

struct md_range {
	uint64_t start, end;
};

struct md_sym {
	char name[64];
	uint64_t value;
	char kind;		/* 'f' func, 'o' object, 'a' abs */
	int local;
};

/* Bytes that replace the pattern at a VA. */
struct md_blob {
	uint64_t va;
	unsigned char *bytes;
	size_t len;
	char section[32];	/* kernel ELF section they belong to, or "" */
	int in_elf;
};

/* A run of overlay bytes at a physical address (built from the blobs). */
struct md_seg {
	uint64_t pa;
	const unsigned char *bytes;
	size_t len;
};

struct mapdesc {
	unsigned version, mmu, arch;
	int big_endian;
	uint64_t kernbase, kva_size;
	struct md_range phys[MD_MAX]; size_t nphys;
	struct md_map maps[MD_MAX]; size_t nmaps;
	struct md_raw raws[MD_MAX]; size_t nraws;
	struct md_range dumps[MD_MAX]; size_t ndumps;
	struct md_sym *syms; size_t nsyms, symcap;	/* any number */
	struct md_blob blobs[MD_MAX]; size_t nblobs;
	uint32_t msgbufsize;
	char *msgtext;
	size_t msglen;
	uint64_t msgbuf_va, msgbufp;
	char kernel_elf[512];
	int pad_ptes, no_dumpavail;
	int elf;			/* container elf */
	uint64_t kernphys, ptpool, l1pa_va;
	uint32_t bitmap_bytes;
	int cpu_arch;			/* Tag_CPU_arch + 1; 0: no .ARM.attributes */
	unsigned char msgsection[65536 + 4096];	/* msgbuf ring + struct */
	struct md_seg *segs; size_t nsegs;
};

/* Parse a description from a file or a string; 0, or -1 with a message. */
int mapdesc_load(struct mapdesc *d, const char *path);
int mapdesc_parse(struct mapdesc *d, const char *text, const char *name);
void mapdesc_free(struct mapdesc *d);

/* The entry width of the description's format: 4 or 8. */
unsigned mapdesc_entry_size(const struct mapdesc *d);

/* The map covering va (last one wins), or NULL. */
const struct md_map *mapdesc_find(const struct mapdesc *d, uint64_t va);
/* 1 and *pa when va is mapped by a map line (raw ptes are not modelled). */
int mapdesc_va_to_pa(const struct mapdesc *d, uint64_t va, uint64_t *pa);
/* 1 when the page holding pa is in the dump. */
int mapdesc_pa_dumped(const struct mapdesc *d, uint64_t pa);
/* 1 when pa is inside the description's physical ranges. */
int mapdesc_pa_in_ranges(const struct mapdesc *d, uint64_t pa);
/* The byte a dump holds at physical address pa (pa must be dumped). */
unsigned char mapdesc_byte(const struct mapdesc *d, uint64_t pa);

#endif
