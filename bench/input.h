/*
 * input.h: the benchmark's dump and kernel, written at bench time into a
 * temporary directory with the fixture writer (tests/mkcore.h).
 *
 * The dump describes 4 GiB of physical memory and a 1 GiB kernel VA range
 * (a 1 MiB v6 PTE array), but dumps only 256 MiB of pages, so the file stays
 * small while the bitmap and PTE array have their full-size shapes.
 */
#ifndef BENCH_INPUT_H
#define BENCH_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct bench_map {
	uint64_t va, pa, size;
	int dumped;
};

struct bench_input {
	char dir[64];
	char core[128], kernel[128];
	char sparse[128];	/* 1% of a 1 GiB KVA dumped */
	uint64_t sparse_pages;
	char elfcore[128], elfkernel[128];	/* a full ELF core and its kernel */
	uint64_t elf_pages;	/* KVA pages its tables map */
	const struct bench_map *maps;
	size_t nmaps;
	unsigned nsyms;		/* kernel symbols, named by bench_sym_name */
	uint64_t core_bytes;
	double seconds;		/* to generate both files */
};

/* 0, or -1 with a message on stderr. */
int bench_input_make(struct bench_input *in, unsigned nsyms);
/* The sparse dump, in the same directory. */
int bench_input_sparse(struct bench_input *in);
/*
 * A full ELF core, in the same directory: 64 MiB of physical memory, 56
 * MiB of it mapped into a 1 GiB KVA through the kernel's own v6 tables
 * (48 MiB at kernbase, then 32 runs of 256 KiB spread over the rest).
 */
int bench_input_elfcore(struct bench_input *in);
void bench_input_remove(struct bench_input *in);
/* The name of kernel symbol i (its value is 0xc0000000 + 16 * i). */
void bench_sym_name(char *buf, size_t len, unsigned i);

#endif
