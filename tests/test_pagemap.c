/*
 * test_pagemap.c: the rank index against a naive count, and the numbering
 * of bits through dump_avail ranges against a direct reading of the rule
 * in FORMATS.md section 3.
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "bytes.h"
#include "pagemap.h"

/* Bit b of a bitmap of 32-bit words in the given byte order. */
static int
naive_bit(const unsigned char *bm, uint64_t b, int be)
{
	const unsigned char *w = bm + b / 32 * 4;
	unsigned k = b % 32;

	return w[be ? 3 - k / 8 : k / 8] >> (k % 8) & 1;
}

/* Version 1: bit b is page b; every bit's rank against a running count. */
static void
rank_against_naive(size_t bytes, int density, int be)
{
	unsigned char *bm = calloc(1, bytes ? bytes : 1);
	struct pagemap pm;
	char err[128];
	uint64_t count = 0, wrong = 0;

	for (size_t i = 0; i < bytes; i++) {
		unsigned char v = 0;
		for (int k = 0; k < 8; k++)
			v |= (unsigned char)(((int)(harness_random() % 100) < density) << k);
		bm[i] = v;
	}
	if (bytes >= 4) {	/* first and last bits set */
		bm[be ? 3 : 0] |= 1;
		bm[be ? bytes - 4 : bytes - 1] |= 0x80;
	}
	if (pagemap_init(&pm, bm, bytes, NULL, 0, be, err, sizeof(err)) != 0) {
		check(0, "pagemap_init %zu bytes: %s", bytes, err);
		free(bm);
		return;
	}
	for (uint64_t b = 0; b < bytes * 8; b++) {
		int64_t got = pagemap_lookup(&pm, b << 12);
		if (naive_bit(bm, b, be))
			wrong += got != (int64_t)count++;
		else
			wrong += got != PAGEMAP_NOT_DUMPED;
	}
	wrong += pagemap_lookup(&pm, (bytes * 8) << 12) != PAGEMAP_NO_RANGE;
	check(wrong == 0 && pm.set_bits == count, "rank index = naive count, %zu "
	    "bytes, %d%% set, %s (%llu wrong)", bytes, density,
	    be ? "big-endian" : "little-endian", (unsigned long long)wrong);
	pagemap_free(&pm);
	free(bm);
}

/* Version 2: ranges with holes and unaligned ends. */
static void
ranges_against_rule(int be)
{
	static const uint64_t r[][2] = {
		{ 0x40000000, 0x40800000 },
		{ 0x40a00800, 0x40b00400 },	/* partial pages at both ends */
		{ 0x100000000, 0x100010000 },	/* above 4 GiB */
	};
	unsigned char da[4096] = { 0 }, bm[4096];
	uint64_t first[3], bits = 0, wrong = 0, tested = 0;
	struct pagemap pm;
	char err[128];

	for (int i = 0; i < 3; i++) {
		put64(da + i * 16, r[i][0], be);
		put64(da + i * 16 + 8, r[i][1], be);
		first[i] = bits;
		bits += (r[i][1] + 4095) / 4096 - r[i][0] / 4096;
	}
	memset(bm, 0xff, sizeof(bm));	/* every bit set: rank = bit */
	if (pagemap_init(&pm, bm, (bits + 31) / 32 * 4, da, sizeof(da), be,
	    err, sizeof(err)) != 0) {
		check(0, "pagemap_init with dump_avail: %s", err);
		return;
	}
	check(pm.nranges == 3 && pm.pub[1].start == 0x40a00800 &&
	    pm.pub[2].end == 0x100010000, "dump_avail: three ranges read in %s "
	    "order", be ? "big-endian" : "little-endian");
	for (uint64_t pa = 0x3ffff000; pa < 0x100020000; pa += 0x1000) {
		int64_t want = PAGEMAP_NO_RANGE;
		if (pa == 0x40c00000)
			pa = 0xfffff000;	/* skip the long empty stretch */
		for (int i = 0; i < 3; i++)
			if (pa >= (r[i][0] & ~0xfffull) && pa < r[i][1])
				want = (int64_t)(first[i] + pa / 4096 - r[i][0] / 4096);
		wrong += pagemap_lookup(&pm, pa) != want;
		tested++;
	}
	check(wrong == 0, "dump_avail: bit numbering and holes for %llu pages "
	    "(%llu wrong)", (unsigned long long)tested, (unsigned long long)wrong);
	/* The hole FREEBSD-NOTES 1.5 shows libkvm aliasing into another page. */
	check(pagemap_lookup(&pm, 0x40900000) == PAGEMAP_NO_RANGE,
	    "dump_avail: a PA in a hole between ranges has no bit");
	pagemap_free(&pm);
}

static void
bad_dumpavail(void)
{
	unsigned char da[64] = { 0 }, bm[4] = { 0 };
	struct pagemap pm;
	char err[128];

	check(pagemap_init(&pm, bm, 4, da, sizeof(da), 0, err, sizeof(err)) != 0 &&
	    strstr(err, "no physical range") != NULL,
	    "dump_avail without ranges is refused: %s", err);
	pagemap_free(&pm);
	put64(da, 0x5000, 0);
	put64(da + 8, 0x4000, 0);
	check(pagemap_init(&pm, bm, 4, da, sizeof(da), 0, err, sizeof(err)) != 0 &&
	    strstr(err, "reversed") != NULL,
	    "a reversed dump_avail range is refused: %s", err);
	pagemap_free(&pm);
	put64(da, 0x5000, 0);
	put64(da + 8, (1ull << 40) + 4096, 0);
	check(pagemap_init(&pm, bm, 4, da, sizeof(da), 0, err, sizeof(err)) != 0 &&
	    strstr(err, "40-bit") != NULL,
	    "a dump_avail range past 40 bits is refused: %s", err);
	pagemap_free(&pm);
}

int
main(void)
{
	static const size_t sizes[] = { 0, 4, 8, 12, 124, 128, 132, 4096, 4100, 65532 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (int be = 0; be <= 1; be++)
			rank_against_naive(sizes[i], i % 2 ? 50 : 3, be);
	rank_against_naive(8192, 100, 0);
	rank_against_naive(8192, 0, 1);
	ranges_against_rule(0);
	ranges_against_rule(1);
	bad_dumpavail();
	return harness_status();
}
