/*
 * bench.c: libkvm_arm against a FreeBSD-libkvm-style baseline (baseline.c),
 * in one process, pinned to one CPU, the two run alternately for several
 * rounds; medians are reported as a Markdown table with the targets.
 *
 * Usage: bench [-r ROUNDS] [-n RANDOM_OPS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "input.h"
#include "kvm_arm.h"
#include "measure.h"

#define PIECE	65536u
#define NSYMS	50000u
#define NNAMES	1000u

static unsigned rounds = 5;
static size_t nops = 1000000;
static volatile uint64_t sink;	/* keeps the measured work from being elided */

static struct bench_input in;
static kvm_t *kd;
static struct baseline base;

static uint64_t
rng(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15u;	/* fixed: same VAs every run */

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "bench: %s: %s\n", what, why);
	exit(1);
}

/* ---- the addresses ---- */

static uint64_t *vas;		/* random valid KVAs, 4 bytes left in the page */
static off_t *va_off;		/* their file offsets (for the memcpy limit) */
static uint64_t *piece_va;	/* every dumped KVA in 64 KiB pieces */
static off_t *piece_off;	/* their file offsets (for the memcpy limit) */
static size_t npieces;

static void
make_addresses(void)
{
	uint64_t dumped = 0;

	for (size_t i = 0; i < in.nmaps; i++)
		dumped += in.maps[i].dumped ? in.maps[i].size : 0;
	vas = malloc(nops * sizeof(*vas));
	va_off = malloc(nops * sizeof(*va_off));
	piece_va = malloc(dumped / PIECE * sizeof(*piece_va));
	piece_off = malloc(dumped / PIECE * sizeof(*piece_off));
	for (size_t i = 0; i < nops; i++) {
		uint64_t x = rng() % dumped;	/* a byte of dumped memory */
		for (size_t m = 0; m < in.nmaps; m++) {
			if (!in.maps[m].dumped)
				continue;
			if (x < in.maps[m].size) {
				uint64_t va = in.maps[m].va + x;
				if ((va & 0xfff) > 0xffc)
					va -= 4;
				vas[i] = va;
				break;
			}
			x -= in.maps[m].size;
		}
	}
	for (size_t m = 0; m < in.nmaps; m++)
		for (uint64_t o = 0; in.maps[m].dumped && o < in.maps[m].size;
		    o += PIECE) {
			piece_va[npieces] = in.maps[m].va + o;
			if (kvm_arm_kvatop(kd, piece_va[npieces], NULL,
			    &piece_off[npieces]) == 0)
				die("kvm_arm_kvatop", kvm_geterr(kd));
			npieces++;
		}
}

/* ---- the same answers first ---- */

struct walk_sum {
	uint64_t pages, pa, off;
};

static int
lib_walk_cb(struct kvm_page *p, void *arg)
{
	struct walk_sum *s = arg;

	s->pages++;
	s->pa += p->kp_paddr;
	s->off += (uint64_t)p->kp_offset;
	return 1;
}

static int
base_walk_cb(uint64_t va, uint64_t pa, off_t off, void *arg)
{
	struct walk_sum *s = arg;

	(void)va;
	s->pages++;
	s->pa += pa;
	s->off += (uint64_t)off;
	return 1;
}

static void
verify(const unsigned char *map)
{
	unsigned char *a = malloc(PIECE), *b = malloc(PIECE);
	struct walk_sum ws1 = { 0 }, ws2 = { 0 };

	for (size_t i = 0; i < nops; i++) {
		off_t o1, o2;
		size_t n1 = kvm_arm_kvatop(kd, vas[i], NULL, &o1);
		size_t n2 = baseline_kvatop(&base, vas[i], &o2);
		if (n1 == 0 || n1 != n2 || o1 != o2)
			die("verify", "kvatop differs from the baseline");
		va_off[i] = o1;
		if (i < 100000 && (kvm_read2(kd, vas[i], a, 4) != 4 ||
		    baseline_read(&base, vas[i], b, 4) != 4 || memcmp(a, b, 4)))
			die("verify", "a 4-byte read differs from the baseline");
	}
	for (size_t i = 0; i < npieces; i++) {
		if (kvm_read2(kd, piece_va[i], a, PIECE) != PIECE ||
		    baseline_read(&base, piece_va[i], b, PIECE) != PIECE ||
		    memcmp(a, b, PIECE) != 0)
			die("verify", "a 64 KiB read differs from the baseline");
		/* The memcpy limit copies the same bytes: pieces are contiguous. */
		if (memcmp(a, map + piece_off[i], PIECE) != 0)
			die("verify", "a 64 KiB piece is not contiguous in the file");
	}
	kvm_walk_pages(kd, lib_walk_cb, &ws1);
	baseline_walk(&base, base_walk_cb, &ws2);
	if (ws1.pages != ws2.pages || ws1.pa != ws2.pa || ws1.off != ws2.off)
		die("verify", "the page walks differ");
	free(a);
	free(b);
}

/* ---- the measured loops: each returns seconds ---- */

static double
lib_random_reads(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		uint32_t w;
		if (kvm_read2(kd, vas[i], &w, 4) != 4)
			die("kvm_read2", kvm_geterr(kd));
		sum += w;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static double
base_random_reads(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		uint32_t w;
		if (baseline_read(&base, vas[i], &w, 4) != 4)
			die("baseline_read", "failed");
		sum += w;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static const unsigned char *filemap;

/* The practical limit: the same 4 bytes copied straight from the mmap. */
static double
memcpy_random(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		uint32_t w;
		memcpy(&w, filemap + va_off[i], 4);
		sum += w;
	}
	t = now() - t;
	sink += sum;
	return t;
}

/*
 * The same copies one after another: each address depends on the value the
 * previous read returned (through a zero the compiler cannot see), so
 * memory latency is not hidden by overlapping independent loads.  A call
 * as long as kvm_read2 overlaps little, so this is its practical limit.
 */
static volatile uint32_t zero;

static double
memcpy_random_chained(void)
{
	uint64_t sum = 0;
	uint32_t w = 0, z = zero;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		memcpy(&w, filemap + va_off[i] + (w & z), 4);
		sum += w;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static double
lib_random_kvatop(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		off_t off;
		sum += kvm_arm_kvatop(kd, vas[i], NULL, &off) + (uint64_t)off;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static double
base_random_kvatop(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < nops; i++) {
		off_t off;
		sum += baseline_kvatop(&base, vas[i], &off) + (uint64_t)off;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static unsigned char *seqbuf;

static double
lib_sequential(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < npieces; i++) {
		if (kvm_read2(kd, piece_va[i], seqbuf, PIECE) != PIECE)
			die("kvm_read2", kvm_geterr(kd));
		sum += seqbuf[i % PIECE];
	}
	t = now() - t;
	sink += sum;
	return t;
}

static double
base_sequential(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < npieces; i++) {
		if (baseline_read(&base, piece_va[i], seqbuf, PIECE) != PIECE)
			die("baseline_read", "failed");
		sum += seqbuf[i % PIECE];
	}
	t = now() - t;
	sink += sum;
	return t;
}

static double
memcpy_sequential(void)
{
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < npieces; i++) {
		memcpy(seqbuf, filemap + piece_off[i], PIECE);
		sum += seqbuf[i % PIECE];
	}
	t = now() - t;
	sink += sum;
	return t;
}

static uint64_t walked;

static double
lib_walk(void)
{
	struct walk_sum s = { 0 };
	double t = now();

	kvm_walk_pages(kd, lib_walk_cb, &s);
	t = now() - t;
	walked = s.pages;
	sink += s.off;
	return t;
}

static double
base_walk(void)
{
	struct walk_sum s = { 0 };
	double t = now();

	baseline_walk(&base, base_walk_cb, &s);
	t = now() - t;
	sink += s.off;
	return t;
}

static double
lib_open_close(void)
{
	char err[_POSIX2_LINE_MAX];
	double t = now();
	kvm_t *k = kvm_open2(NULL, in.core, O_RDONLY, err, NULL);

	if (k == NULL)
		die("kvm_open2", err);
	kvm_close(k);
	return now() - t;
}

static double
base_open_close(void)
{
	char err[256];
	struct baseline b;
	double t = now();

	if (baseline_open(&b, in.core, err, sizeof(err)) != 0)
		die("baseline_open", err);
	baseline_close(&b);
	return now() - t;
}

/* Peak RSS growth (KiB) while the dump is open, or -1 when unknown. */
static long
lib_open_rss(void)
{
	char err[_POSIX2_LINE_MAX];
	long before, peak;
	kvm_t *k;

	if (reset_peak_rss() != 0 || (before = rss_kib()) < 0)
		return -1;
	k = kvm_open2(NULL, in.core, O_RDONLY, err, NULL);
	if (k == NULL)
		die("kvm_open2", err);
	peak = peak_rss_kib();
	kvm_close(k);
	return peak < 0 ? -1 : peak - before;
}

static long
base_open_rss(void)
{
	char err[256];
	struct baseline b;
	long before, peak;

	if (reset_peak_rss() != 0 || (before = rss_kib()) < 0)
		return -1;
	if (baseline_open(&b, in.core, err, sizeof(err)) != 0)
		die("baseline_open", err);
	peak = peak_rss_kib();
	baseline_close(&b);
	return peak < 0 ? -1 : peak - before;
}

/* Run two loops alternately, which first changing each round. */
static void
alternate(double (*f)(void), double (*g)(void), double *mf, double *mg)
{
	double *tf = calloc(rounds, sizeof(double)), *tg = calloc(rounds, sizeof(double));

	for (unsigned r = 0; r < rounds; r++) {
		if (r % 2 == 0) {
			tf[r] = f();
			tg[r] = g();
		} else {
			tg[r] = g();
			tf[r] = f();
		}
	}
	*mf = median(tf, rounds);
	*mg = median(tg, rounds);
	free(tf);
	free(tg);
}

/* kvm_nlist2 of NNAMES names: open with the kernel, first call, later calls. */
static void
nlist_times(double *open_s, double *first_s, double *later_s, int *missing)
{
	struct kvm_nlist *nl = calloc(NNAMES + 1, sizeof(*nl));
	char (*names)[32] = calloc(NNAMES, sizeof(*names));
	double *to = calloc(rounds, sizeof(double)), *tf = calloc(rounds, sizeof(double));
	double *tl = calloc(rounds * 5, sizeof(double));
	char err[_POSIX2_LINE_MAX];

	for (unsigned i = 0; i < NNAMES; i++) {
		bench_sym_name(names[i], sizeof(names[i]), (unsigned)(rng() % NSYMS));
		nl[i].n_name = names[i];
	}
	for (unsigned r = 0; r < rounds; r++) {
		double t = now();
		kvm_t *k = kvm_open2(in.kernel, in.core, O_RDONLY, err, NULL);
		if (k == NULL)
			die("kvm_open2 with the kernel", err);
		to[r] = now() - t;
		t = now();
		*missing = kvm_nlist2(k, nl);
		tf[r] = now() - t;
		for (unsigned j = 0; j < 5; j++) {
			t = now();
			*missing |= kvm_nlist2(k, nl);
			tl[r * 5 + j] = now() - t;
		}
		kvm_close(k);
	}
	*open_s = median(to, rounds);
	*first_s = median(tf, rounds);
	*later_s = median(tl, rounds * 5);
	free(nl);
	free(names);
	free(to);
	free(tf);
	free(tl);
}

static const char *
verdict(int ok)
{
	return ok ? "met" : "**missed**";
}

int
main(int argc, char **argv)
{
	char err[_POSIX2_LINE_MAX], machine[256], date[64];
	double l, b, m, mc, lo, bo, no, nf, nl;
	long lrss, brss;
	int fd, cpu, missing = 0, opt;
	time_t clock = time(NULL);

	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		if (opt == 'r')
			rounds = (unsigned)strtoul(optarg, NULL, 0);
		else if (opt == 'n')
			nops = strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: bench [-r ROUNDS] [-n RANDOM_OPS]\n");
			return 2;
		}
	}
	if (rounds == 0 || nops == 0)
		die("usage", "rounds and operations must be positive");
	cpu = pin_to_one_cpu();
	machine_description(machine, sizeof(machine));
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&clock));

	if (bench_input_make(&in, NSYMS) != 0)
		die("input", "the fixture writer failed");
	fprintf(stderr, "bench: wrote %llu-byte dump and %u-symbol kernel in "
	    "%.2f s\n", (unsigned long long)in.core_bytes, NSYMS, in.seconds);

	/* Open/close and RSS first, before the benchmark's own arrays grow. */
	lrss = lib_open_rss();
	brss = base_open_rss();
	{
		unsigned saved = rounds;
		rounds = rounds * 4 + 1;
		alternate(lib_open_close, base_open_close, &lo, &bo);
		rounds = saved;
	}

	kd = kvm_open2(NULL, in.core, O_RDONLY, err, NULL);
	if (kd == NULL)
		die("kvm_open2", err);
	if (baseline_open(&base, in.core, err, sizeof(err)) != 0)
		die("baseline_open", err);
	fd = open(in.core, O_RDONLY);
	filemap = mmap(NULL, (size_t)in.core_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd < 0 || filemap == MAP_FAILED)
		die("mmap", in.core);
	seqbuf = malloc(PIECE);
	make_addresses();
	verify(filemap);	/* also warms the page cache and the mmap */
	fprintf(stderr, "bench: library and baseline agree; timing %u rounds "
	    "on CPU %d\n", rounds, cpu);

	printf("Machine: %s  \nDate: %s  \nCommand: `make bench "
	    "BENCH_ARGS='-r %u -n %zu'`  \n", machine, date, rounds, nops);
	printf("Dump: v2 little-endian v6, 4 GiB physical described, 1 GiB KVA "
	    "(%llu PTEs), %llu MiB dumped, %llu-byte file; kernel ELF with %u "
	    "symbols. Medians of %u alternating rounds.\n\n",
	    (unsigned long long)(0x40000000 / 4096),
	    (unsigned long long)(npieces * PIECE >> 20),
	    (unsigned long long)in.core_bytes, NSYMS, rounds);
	printf("| case | libkvm_arm | baseline (libkvm-style) | library/baseline "
	    "| target | |\n|---|---|---|---|---|---|\n");

	alternate(lib_random_reads, base_random_reads, &l, &b);
	alternate(memcpy_random, memcpy_random_chained, &m, &mc);
	printf("| %zu random 4-byte kvm_read2 (memcpy of the same bytes from "
	    "a warm mmap: %.1f ns overlapped, %.1f ns one after another) | "
	    "%.1f ns/read | %.1f ns/read | %.3f (%.1fx faster) | "
	    ">= 10x faster | %s |\n", nops, m / (double)nops * 1e9,
	    mc / (double)nops * 1e9, l / (double)nops * 1e9,
	    b / (double)nops * 1e9, l / b, b / l, verdict(b / l >= 10));

	alternate(lib_random_kvatop, base_random_kvatop, &l, &b);
	printf("| %zu random kvm_arm_kvatop | %.1f ns/call | %.1f ns/call | "
	    "%.3f (%.1fx faster) | | |\n", nops, l / (double)nops * 1e9,
	    b / (double)nops * 1e9, l / b, b / l);

	alternate(lib_sequential, base_sequential, &l, &b);
	{
		double *tm = calloc(rounds, sizeof(double)), gb;
		for (unsigned r = 0; r < rounds; r++)
			tm[r] = memcpy_sequential();
		m = median(tm, rounds);
		free(tm);
		gb = (double)(npieces * PIECE) / 1e9;
		printf("| sequential kvm_read2 of all dumped KVA, 64 KiB pieces | "
		    "%.2f GB/s | %.2f GB/s | %.3f | >= 0.7x memcpy from a warm "
		    "mmap (%.2f GB/s): library is %.2fx | %s |\n", gb / l, gb / b,
		    l / b, gb / m, m / l, verdict(m / l >= 0.7));
	}

	alternate(lib_walk, base_walk, &l, &b);
	printf("| kvm_walk_pages over 1 GiB KVA (%llu valid of %u PTEs) | "
	    "%.1f M pages/s | %.1f M pages/s | %.3f | | |\n",
	    (unsigned long long)walked, 0x40000000u / 4096, (double)walked / l / 1e6,
	    (double)walked / b / 1e6, l / b);

	printf("| kvm_open2 + kvm_close, 4 GiB-physical dump | %.3f ms | "
	    "%.3f ms | %.3f | < 20 ms | %s |\n", lo * 1e3, bo * 1e3, lo / bo,
	    verdict(lo < 0.020));
	printf("| peak RSS growth while open | %ld KiB | %ld KiB | | < 16 MiB "
	    "| %s |\n", lrss, brss, lrss < 0 ? "unknown" :
	    verdict(lrss < 16 * 1024));

	nlist_times(&no, &nf, &nl, &missing);
	if (missing != 0)
		die("kvm_nlist2", "names were missing");
	printf("| kvm_open2 + kernel ELF (%u symbols) | %.2f ms | | | | |\n",
	    NSYMS, no * 1e3);
	printf("| kvm_nlist2 of %u names, first call | %.3f ms | | | | |\n",
	    NNAMES, nf * 1e3);
	printf("| kvm_nlist2 of %u names, later calls | %.3f ms | | | < 5 ms "
	    "| %s |\n", NNAMES, nl * 1e3, verdict(nl < 0.005));

	kvm_close(kd);
	baseline_close(&base);
	munmap((void *)filemap, (size_t)in.core_bytes);
	close(fd);
	bench_input_remove(&in);
	free(vas);
	free(va_off);
	free(piece_va);
	free(piece_off);
	free(seqbuf);
	return 0;
}
