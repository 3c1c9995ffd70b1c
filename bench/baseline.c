/*
 * baseline.c: FreeBSD libkvm's way of reading a minidump (see baseline.h).
 *
 * What makes it libkvm-like, and so what the benchmark measures:
 * - the bitmap is kept as 64-bit words with a running popcount every 1024
 *   bits; a lookup counts the bits between the bit and the nearer of the
 *   two surrounding bins (at most 512 bits, 8 words);
 * - the physical address is turned into a bit number by walking the
 *   dump_avail ranges;
 * - the PTE array is read into memory;
 * - a read translates each page piece and does one system call for it
 *   (libkvm does lseek then read; one pread is the kinder equivalent).
 */
#include "baseline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE		4096u
#define POPCOUNT_BITS	1024u

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint64_t
roundp(uint64_t x)
{
	return (x + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/* Read exactly len bytes at off into a new buffer, or NULL. */
static void *
read_at(int fd, uint64_t off, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	size_t done = 0;

	while (p != NULL && done < len) {
		ssize_t n = pread(fd, p + done, len - done, (off_t)(off + done));
		if (n <= 0) {
			free(p);
			return NULL;
		}
		done += (size_t)n;
	}
	return p;
}

/* Set bits in [from, to) of the bitmap words. */
static uint64_t
popcount_range(const uint64_t *w, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	while (from < to) {
		uint64_t word = w[from / 64], lo = from % 64;
		uint64_t hi = to - from + lo < 64 ? to - from + lo : 64;
		uint64_t mask = (hi == 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1) &
		    ~((UINT64_C(1) << lo) - 1);
		n += (uint64_t)__builtin_popcountll(word & mask);
		from += hi - lo;
	}
	return n;
}

int
baseline_open(struct baseline *b, const char *path, char *err, size_t errlen)
{
	unsigned char *h = NULL, *da = NULL, *ptes = NULL;
	uint32_t msgbufsize, bitmapsize, ptesize, dumpavailsize;
	uint64_t off, nbins;

	memset(b, 0, sizeof(*b));
	b->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (b->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	h = read_at(b->fd, 0, PAGE);
	if (h == NULL || memcmp(h, "minidump FreeBSD/arm", 20) != 0 ||
	    le32(h + 24) != 2 || (le32(h + 48) != 2 && le32(h + 48) != 0) ||
	    le32(h + 52) == 0 || le32(h + 32) % 8 != 0) {
		snprintf(err, errlen, "%s: not a little-endian v2 v6 minidump",
		    path);
		goto fail;
	}
	msgbufsize = le32(h + 28);
	bitmapsize = le32(h + 32);
	ptesize = le32(h + 36);
	b->kernbase = le32(h + 40);
	dumpavailsize = le32(h + 52);

	off = PAGE + roundp(msgbufsize);
	da = read_at(b->fd, off, dumpavailsize);
	off += roundp(dumpavailsize);
	b->bitmap = read_at(b->fd, off, bitmapsize);
	off += roundp(bitmapsize);
	ptes = read_at(b->fd, off, ptesize);
	/* The kernel writes the PTE array unpadded; the pages follow at once. */
	b->data_off = off + ptesize;
	if (da == NULL || b->bitmap == NULL || ptes == NULL) {
		snprintf(err, errlen, "%s: short file", path);
		goto fail;
	}

	b->avail = malloc(dumpavailsize);
	for (size_t i = 0; i + 16 <= dumpavailsize && le64(da + i + 8) != 0; i += 16) {
		b->avail[2 * b->navail] = le64(da + i);
		b->avail[2 * b->navail + 1] = le64(da + i + 8);
		b->navail++;
	}

	b->npte = ptesize / 4;
	b->ptes = malloc(ptesize ? ptesize : 1);
	for (uint64_t i = 0; i < b->npte; i++)
		b->ptes[i] = le32(ptes + i * 4);

	/* The bins: bin k holds the set bits before bit k * 1024; one more
	 * than the bins that start inside the bitmap, so bin + 1 exists. */
	b->nbits = (uint64_t)bitmapsize * 8;
	nbins = b->nbits / POPCOUNT_BITS + 2;
	b->popcounts = calloc(nbins, sizeof(*b->popcounts));
	for (uint64_t k = 1; k < nbins; k++) {
		uint64_t from = (k - 1) * POPCOUNT_BITS, to = k * POPCOUNT_BITS;
		if (from > b->nbits)
			from = b->nbits;
		if (to > b->nbits)
			to = b->nbits;
		b->popcounts[k] = b->popcounts[k - 1] +
		    (uint32_t)popcount_range(b->bitmap, from, to);
	}
	b->pages = b->popcounts[nbins - 1];
	free(h);
	free(da);
	free(ptes);
	return 0;
fail:
	free(h);
	free(da);
	free(ptes);
	baseline_close(b);
	return -1;
}

void
baseline_close(struct baseline *b)
{
	if (b->fd >= 0)
		close(b->fd);
	free(b->ptes);
	free(b->bitmap);
	free(b->popcounts);
	free(b->avail);
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

/* The bit of a physical page: walk dump_avail, counting earlier pages. */
static int64_t
pa_bit(const struct baseline *b, uint64_t pa)
{
	uint64_t adj = 0;

	for (size_t i = 0; i < b->navail; i++) {
		uint64_t start = b->avail[2 * i], end = b->avail[2 * i + 1];
		if (pa >= start && pa < end)
			return (int64_t)(adj + (pa - start) / PAGE);
		adj += (end + PAGE - 1) / PAGE - start / PAGE;
	}
	return -1;
}

/* The page's file offset, or -1: libkvm's nearest-bin popcount. */
static int64_t
pt_find(const struct baseline *b, uint64_t pa)
{
	int64_t sbit = pa_bit(b, pa);
	uint64_t bit, bin, count;

	if (sbit < 0 || (uint64_t)sbit >= b->nbits)
		return -1;
	bit = (uint64_t)sbit;
	if (!(b->bitmap[bit / 64] >> (bit % 64) & 1))
		return -1;
	bin = bit / POPCOUNT_BITS;
	if (bit % POPCOUNT_BITS < POPCOUNT_BITS / 2) {
		count = b->popcounts[bin] +
		    popcount_range(b->bitmap, bin * POPCOUNT_BITS, bit);
	} else {
		uint64_t end = (bin + 1) * POPCOUNT_BITS;
		if (end > b->nbits)
			end = b->nbits;
		count = b->popcounts[bin + 1] - popcount_range(b->bitmap, bit, end);
	}
	if (count >= b->pages)
		return -1;
	return (int64_t)(b->data_off + count * PAGE);
}

/* v6 short descriptor: the PA of va, or -1 for an invalid entry. */
static int64_t
pte_pa(uint32_t pte, uint64_t va)
{
	switch (pte & 3) {
	case 0:
		return -1;
	case 1:		/* 64 KiB large page */
		return (int64_t)((pte & 0xffff0000u) + (va & 0xffff));
	default:	/* small page; bit 0 is XN */
		return (int64_t)((pte & 0xfffff000u) + (va & 0xfff));
	}
}

size_t
baseline_kvatop(const struct baseline *b, uint64_t va, off_t *off)
{
	uint64_t idx = (va - b->kernbase) / PAGE;
	int64_t pa, page;

	if (va < b->kernbase || idx >= b->npte)
		return 0;
	pa = pte_pa(b->ptes[idx], va);
	if (pa < 0)
		return 0;
	page = pt_find(b, (uint64_t)pa & ~(uint64_t)(PAGE - 1));
	if (page < 0)
		return 0;
	*off = (off_t)(page + (int64_t)(va & (PAGE - 1)));
	return PAGE - (size_t)(va & (PAGE - 1));
}

ssize_t
baseline_read(const struct baseline *b, uint64_t va, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;

	while (done < len) {
		off_t off;
		size_t n = baseline_kvatop(b, va + done, &off);
		ssize_t got;

		if (n == 0)
			return -1;
		if (n > len - done)
			n = len - done;
		got = pread(b->fd, out + done, n, off);
		if (got < 0)
			return -1;
		done += (size_t)got;
		if ((size_t)got < n)
			break;
	}
	return (ssize_t)done;
}

int
baseline_walk(const struct baseline *b, baseline_walk_cb *cb, void *arg)
{
	for (uint64_t i = 0; i < b->npte; i++) {
		uint64_t va = b->kernbase + i * PAGE;
		int64_t pa = pte_pa(b->ptes[i], va);
		if (pa < 0)
			continue;
		if (!cb(va, (uint64_t)pa, (off_t)pt_find(b, (uint64_t)pa), arg))
			return 0;
	}
	return 1;
}
