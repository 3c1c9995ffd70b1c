/*
 * baseline.h: a minimal minidump reader that works the way FreeBSD's libkvm
 * reads an arm minidump, so the benchmarks can compare against it in the
 * same process.  Written from the format facts (shared FORMATS.md 2-4 and
 * the notes on libkvm's lookup), not from FreeBSD's code.
 *
 * It reads only what the benchmark writes: a little-endian version 2 dump
 * with v6 (short-descriptor) PTEs.
 */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct baseline {
	int fd;
	uint64_t kernbase;
	uint32_t *ptes;		/* the PTE array, read into memory */
	uint64_t npte;
	uint64_t *bitmap;	/* the bitmap as 64-bit words */
	uint64_t nbits;
	uint32_t *popcounts;	/* set bits before bit k * 1024 */
	uint64_t *avail;	/* dump_avail pairs, up to the first end of 0 */
	size_t navail;
	uint64_t data_off;	/* first dumped page */
	uint64_t pages;		/* set bits in the bitmap */
};

/* 0, or -1 with a reason in err. */
int baseline_open(struct baseline *b, const char *path, char *err, size_t errlen);
void baseline_close(struct baseline *b);

/*
 * Translate va to a file offset, as libkvm's kvatop does.  Returns the
 * bytes left in va's page, or 0 when va does not translate.
 */
size_t baseline_kvatop(const struct baseline *b, uint64_t va, off_t *off);

/* libkvm's kvm_read2 loop: translate, then one pread per page piece. */
ssize_t baseline_read(const struct baseline *b, uint64_t va, void *buf, size_t len);

/* libkvm's page walk: one callback per valid PTE; offset -1 if not dumped. */
typedef int baseline_walk_cb(uint64_t va, uint64_t pa, off_t off, void *arg);
int baseline_walk(const struct baseline *b, baseline_walk_cb *cb, void *arg);

#endif
