/*
 * bench.c: libkvm_arm against a FreeBSD-libkvm-style baseline (baseline.c)
 * and against the limits (plain loads and copies from the mapped file,
 * zlib inflating a gzip core), in one process, pinned to one CPU; each pair
 * runs alternately for several rounds and medians are reported as one
 * Markdown table with every target of issue 12 and its verdict.
 *
 * Usage: bench [-p] [-r ROUNDS] [-n RANDOM_OPS]  (-p: plain cores only)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "alloc_count.h"
#include "baseline.h"
#include "compress.h"
#include "compressed.h"
#include "input.h"
#include "kvm_arm.h"
#include "measure.h"

#define PIECE	65536u
#define NSYMS	50000u
#define NNAMES	1000u
/* The zstd copy ends in this many zero bytes, as dumps hold zero pages. */
#define ZSTD_ZEROS	(UINT64_C(64) << 20)

static unsigned rounds = 5;
static int plain_only;		/* -p: leave out the compressed cores */
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

/*
 * A timed loop of nops random 4-byte reads at vas[i] through one reader:
 * CALL reads into w and gives the bytes read.  Written out for each reader
 * so that every call is a direct one, as in a program.
 */
#define RANDOM_READS(name, call)					\
static double								\
name(void)								\
{									\
	uint64_t sum = 0;						\
	double t = now();						\
									\
	for (size_t i = 0; i < nops; i++) {				\
		uint32_t w;						\
		if ((call) != 4)					\
			die(#name, "a read failed");			\
		sum += w;						\
	}								\
	t = now() - t;							\
	sink += sum;							\
	return t;							\
}

RANDOM_READS(lib_random_reads, kvm_read2(kd, vas[i], &w, 4))
RANDOM_READS(base_random_reads, baseline_read(&base, vas[i], &w, 4))

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

/*
 * The floor of any read through a library call: a call (not inlined) that
 * does nothing but the same 4-byte load.  The call and return alone keep
 * the CPU from overlapping as many reads as the plain loop does.
 */
static __attribute__((noinline)) size_t
load_call(const unsigned char *from, uint64_t off, void *buf)
{
	memcpy(buf, from + off, 4);
	return 4;
}

RANDOM_READS(call_random, load_call(filemap, (uint64_t)va_off[i], &w))

/*
 * The same call with the checks any safe read of a dump makes, and nothing
 * else: the VA inside the KVA, the read inside one page, the page marked
 * present in a bitmap, a buffer; then the load from a mapping the bench
 * lays out like the KVA itself (each dumped run of the file mapped at its
 * VA's place), as the library's fast path does.  Written here, apart from
 * the library, so that its cost over the bare call is what the checks
 * cost, whoever writes them.
 */
struct kva_view {
	unsigned char *map;	/* KVA-shaped: byte va at map[va - start] */
	uint64_t start, pages;
	uint64_t *present;	/* a bit per page */
};

static struct kva_view view;

static __attribute__((noinline)) ssize_t
checked_call(const struct kva_view *v, uint64_t va, void *buf, size_t len)
{
	uint64_t rel = va - v->start, page = rel / 4096;

	if (page >= v->pages || len > 4096 - (rel & 4095) ||
	    !(v->present[page / 64] >> (page % 64) & 1) || buf == NULL)
		return -1;
	if (len == 4)		/* one load, as in the bare call */
		memcpy(buf, v->map + rel, 4);
	else
		memcpy(buf, v->map + rel, len);
	return (ssize_t)len;
}

RANDOM_READS(checked_random, checked_call(&view, vas[i], &w, 4))

/* The view over the dumped runs of in.maps, from the core's descriptor. */
static void
make_view(int fd)
{
	const uint64_t span = 0x40000000;

	view.start = 0xc0000000;
	view.pages = span / 4096;
	view.present = calloc(view.pages / 64, sizeof(uint64_t));
	view.map = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (view.present == NULL || view.map == MAP_FAILED)
		die("view", "out of memory");
	for (size_t m = 0; m < in.nmaps; m++) {
		off_t off;
		uint64_t rel = in.maps[m].va - view.start;

		if (!in.maps[m].dumped)
			continue;
		if (kvm_arm_kvatop(kd, in.maps[m].va, NULL, &off) == 0 ||
		    mmap(view.map + rel, in.maps[m].size, PROT_READ,
		    MAP_PRIVATE | MAP_FIXED, fd, off) == MAP_FAILED)
			die("view", "cannot map a dumped run");
		for (uint64_t p = rel / 4096; p < (rel + in.maps[m].size) / 4096;
		    p++)
			view.present[p / 64] |= UINT64_C(1) << (p % 64);
	}
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

/* One kvm_walk_pages of handle k: seconds, and the pages in *pages. */
static double
timed_walk(kvm_t *k, uint64_t *pages)
{
	struct walk_sum s = { 0 };
	double t = now();

	kvm_walk_pages(k, lib_walk_cb, &s);
	t = now() - t;
	*pages = s.pages;
	sink += s.off;
	return t;
}

static double
lib_walk(void)
{
	return timed_walk(kd, &walked);
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

static kvm_t *sparse_kd;
static struct baseline sparse_base;
static uint64_t sparse_walked;

static double
lib_walk_sparse(void)
{
	return timed_walk(sparse_kd, &sparse_walked);
}

/*
 * A full ELF core: kvm_walk_pages reads each table once; the reference is
 * a translation of every page of the KVA from the root (kvm_arm_kvatop),
 * which is how the walk worked before, and all a program can do with
 * FreeBSD's libkvm, which has no page walk for these cores.
 */
static kvm_t *elf_kd;
static uint64_t elf_walked;

static double
lib_walk_elf(void)
{
	return timed_walk(elf_kd, &elf_walked);
}

static double
kvatop_walk_elf(void)
{
	struct kvm_arm_info info;
	uint64_t pages = 0, sum = 0;
	double t = now();

	kvm_arm_info(elf_kd, &info);
	for (kvaddr_t va = info.kernbase; va < info.kva_end; va += 4096) {
		off_t off;
		if (kvm_arm_kvatop(elf_kd, va, NULL, &off) != 0) {
			pages++;
			sum += (uint64_t)off;
		}
	}
	t = now() - t;
	if (pages != elf_walked)
		die("verify", "the ELF core's walk and translations differ");
	sink += sum;
	return t;
}

static double
base_walk_sparse(void)
{
	struct walk_sum s = { 0 };
	double t = now();

	baseline_walk(&sparse_base, base_walk_cb, &s);
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

/*
 * The same for loops of a few tens of milliseconds, which a neighbour on a
 * shared machine disturbs most: three times the rounds.
 */
static void
alternate_more(double (*f)(void), double (*g)(void), double *mf, double *mg)
{
	unsigned saved = rounds;

	rounds = rounds * 3;
	alternate(f, g, mf, mg);
	rounds = saved;
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

/* The allocations and read system calls of nops random 4-byte reads. */
static void
read_path_costs(uint64_t *allocs, int64_t *syscalls)
{
	/* What reading /proc/self/io itself costs, to take it off. */
	int64_t calib0 = read_syscalls(), calib1 = read_syscalls();
	int64_t before = read_syscalls(), after;

	alloc_count_start();
	lib_random_reads();
	lib_sequential();
	*allocs = alloc_count_stop();
	after = read_syscalls();
	*syscalls = calib0 < 0 || after < 0 ? -1 :
	    (after - before) - (calib1 - calib0);
}

int
main(int argc, char **argv)
{
	char err[_POSIX2_LINE_MAX], machine[256], date[64], gzpath[160] = "",
	    zstpath[160] = "", cache[160];
	double l, l2, b, m, mc, lo, bo, no, nf, nl, ls, bs, seq_l, seq_m;
	long lrss, brss;
	int fd, cpu, missing = 0, opt;
	uint64_t allocs;
	int64_t syscalls;
	struct gzip_results gr;
	struct zstd_results zr;
	time_t clock = time(NULL);

	while ((opt = getopt(argc, argv, "pr:n:")) != -1) {
		if (opt == 'p')
			plain_only = 1;
		else if (opt == 'r')
			rounds = (unsigned)strtoul(optarg, NULL, 0);
		else if (opt == 'n')
			nops = strtoul(optarg, NULL, 0);
		else {
			fprintf(stderr, "usage: bench [-p] [-r ROUNDS] [-n RANDOM_OPS]\n");
			return 2;
		}
	}
	if (rounds == 0 || nops == 0)
		die("usage", "rounds and operations must be positive");
	cpu = pin_to_one_cpu();
	machine_description(machine, sizeof(machine));
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&clock));

	if (bench_input_make(&in, NSYMS) != 0 || bench_input_sparse(&in) != 0 ||
	    bench_input_elfcore(&in) != 0)
		die("input", "the fixture writer failed");
	fprintf(stderr, "bench: wrote %llu-byte dump and %u-symbol kernel in "
	    "%.2f s\n", (unsigned long long)in.core_bytes, NSYMS, in.seconds);
	if (!plain_only) {
		double t = now();
		snprintf(gzpath, sizeof(gzpath), "%s/bench.core.gz", in.dir);
		snprintf(zstpath, sizeof(zstpath), "%s/bench.core.zst", in.dir);
		gzip_to(in.core, gzpath, -1, 6, NULL, 0, 0);
		if (zstd_copy(in.core, zstpath, ZSTD_ZEROS) != 0)
			die("zstd", zstpath);
		fprintf(stderr, "bench: gzip -6 and zstd -3 copies in %.2f s\n",
		    now() - t);
	}
	/* The gzip index cache goes to the bench's directory. */
	snprintf(cache, sizeof(cache), "%s/cache", in.dir);
	setenv("XDG_CACHE_HOME", cache, 1);
	unsetenv("KVM_ARM_NO_CACHE");

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
	sparse_kd = kvm_open2(NULL, in.sparse, O_RDONLY, err, NULL);
	if (sparse_kd == NULL)
		die("kvm_open2 sparse", err);
	if (baseline_open(&sparse_base, in.sparse, err, sizeof(err)) != 0)
		die("baseline_open sparse", err);
	elf_kd = kvm_open2(in.elfkernel, in.elfcore, O_RDONLY, err, NULL);
	if (elf_kd == NULL)
		die("kvm_open2 ELF core", err);
	fd = open(in.core, O_RDONLY);
	filemap = mmap(NULL, (size_t)in.core_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd < 0 || filemap == MAP_FAILED)
		die("mmap", in.core);
	seqbuf = malloc(PIECE);
	make_addresses();
	verify(filemap);	/* also warms the page cache and the mmap */
	make_view(fd);
	{
		struct walk_sum w1 = { 0 }, w2 = { 0 };
		kvm_walk_pages(sparse_kd, lib_walk_cb, &w1);
		baseline_walk(&sparse_base, base_walk_cb, &w2);
		if (w1.pages != w2.pages || w1.pa != w2.pa || w1.off != w2.off ||
		    w1.pages != in.sparse_pages)
			die("verify", "the sparse walks differ");
	}
	fprintf(stderr, "bench: library and baseline agree; timing %u rounds "
	    "on CPU %d\n", rounds, cpu);

	printf("Machine: %s  \nDate: %s  \nCommand: `make bench "
	    "BENCH_ARGS='-r %u -n %zu'`  \n", machine, date, rounds, nops);
	printf("Dump: v2 little-endian v6, 4 GiB physical described, 1 GiB KVA "
	    "(%llu PTEs), %llu MiB dumped, %llu-byte file; kernel ELF with %u "
	    "symbols; a sparse dump (1 GiB KVA, %llu pages = 1%% mapped and "
	    "dumped); a gzip -6 copy of the first, and a zstd -3 copy of it followed by 64 MiB of zero bytes (standing in for the zero pages real dumps hold). Medians of %u "
	    "alternating rounds (three times as many for the random reads and the sparse walk), on a shared 2-CPU VM.\n\n",
	    (unsigned long long)(0x40000000 / 4096),
	    (unsigned long long)(npieces * PIECE >> 20),
	    (unsigned long long)in.core_bytes, NSYMS,
	    (unsigned long long)in.sparse_pages, rounds);
	printf("| case | libkvm_arm | reference | ratio | target | |\n"
	    "|---|---|---|---|---|---|\n");

	/* Target 1: random reads against plain loads, same run. */
	alternate_more(lib_random_reads, memcpy_random, &l, &m);
	alternate(base_random_reads, memcpy_random_chained, &b, &mc);
	printf("| 1. %zu random 4-byte kvm_read2 vs plain independent 4-byte "
	    "loads from the mmap at the same offsets | %.1f ns | %.1f ns | "
	    "%.2fx | <= 1.6x | %s |\n", nops, l / (double)nops * 1e9,
	    m / (double)nops * 1e9, l / m, verdict(l / m <= 1.6));
	/* The floors, each timed against the plain loads in its own pairs. */
	{
		double cc, cm, kc, km;
		alternate_more(call_random, memcpy_random, &cc, &cm);
		printf("| the same reads: a bare function call doing only the "
		    "load vs the plain loads | %.1f ns | %.1f ns | %.2fx | | |\n",
		    cc / (double)nops * 1e9, cm / (double)nops * 1e9, cc / cm);
		alternate_more(checked_random, memcpy_random, &kc, &km);
		printf("| the same reads: a call making kvm_read2's checks "
		    "(range, page, present bit, buffer), written in the bench, "
		    "then the load from a KVA-shaped mapping, vs the plain loads "
		    "| %.1f ns | %.1f ns | %.2fx | | |\n", kc / (double)nops *
		    1e9, km / (double)nops * 1e9, kc / km);
		alternate_more(lib_random_reads, checked_random, &l2, &kc);
		printf("| the same reads: kvm_read2 vs that checked call | %.1f "
		    "ns | %.1f ns | %.2fx | | |\n", l2 / (double)nops * 1e9,
		    kc / (double)nops * 1e9, l2 / kc);
	}
	printf("| the same reads: libkvm-style baseline (pread per read); "
	    "plain loads one after another | %.1f ns | %.1f ns | | | |\n",
	    b / (double)nops * 1e9, mc / (double)nops * 1e9);
	printf("| the same reads: libkvm_arm vs baseline | %.1f ns | %.1f ns | "
	    "%.1fx faster | | |\n", l / (double)nops * 1e9,
	    b / (double)nops * 1e9, b / l);

	/* Target 2: walks. */
	alternate_more(lib_walk_sparse, base_walk_sparse, &ls, &bs);
	printf("| 2. kvm_walk_pages, sparse 1 GiB KVA (%llu of 262144 PTEs "
	    "valid) vs the baseline | %.1f us | %.1f us | %.1fx faster | "
	    ">= 1.5x | %s |\n", (unsigned long long)sparse_walked, ls * 1e6,
	    bs * 1e6, bs / ls, verdict(bs / ls >= 1.5));
	alternate(lib_walk, base_walk, &l, &b);
	printf("| 2. kvm_walk_pages, dense (%llu of 262144 PTEs valid) vs the "
	    "baseline | %.1f M pages/s | %.1f M pages/s | %.2fx | >= 1.0x "
	    "(was 0.6-0.75x) | %s |\n", (unsigned long long)walked,
	    (double)walked / l / 1e6, (double)walked / b / 1e6, b / l,
	    verdict(b / l >= 1.0));
	lib_walk_elf();
	if (elf_walked != in.elf_pages)
		die("verify", "the ELF core's walk misses pages");
	alternate(lib_walk_elf, kvatop_walk_elf, &l, &b);
	printf("| kvm_walk_pages, full ELF core (64 MiB of physical memory, "
	    "%llu of 262144 KVA pages mapped) vs kvm_arm_kvatop at every page "
	    "| %.2f ms | %.2f ms | %.1fx faster | | |\n",
	    (unsigned long long)elf_walked, l * 1e3, b * 1e3, b / l);

	/* Target 5: sequential reads, open, the read path's costs. */
	alternate(lib_sequential, memcpy_sequential, &seq_l, &seq_m);
	{
		double gb = (double)(npieces * PIECE) / 1e9;
		printf("| 5. sequential kvm_read2 of all dumped KVA, 64 KiB "
		    "pieces, vs memcpy from the mmap | %.2f GB/s | %.2f GB/s | "
		    "%.2fx | >= 0.7x | %s |\n", gb / seq_l, gb / seq_m,
		    seq_m / seq_l, verdict(seq_m / seq_l >= 0.7));
	}
	printf("| 5. kvm_open2 + kvm_close, 4 GiB-physical dump (baseline "
	    "as reference) | %.3f ms | %.3f ms | | < 20 ms | %s |\n",
	    lo * 1e3, bo * 1e3, verdict(lo < 0.020));
	read_path_costs(&allocs, &syscalls);
	printf("| 5. allocations and read system calls during %zu random "
	    "and %zu sequential kvm_read2 | %llu allocations, %lld system "
	    "calls | | | 0 and 0 | %s |\n", nops, npieces,
	    (unsigned long long)allocs, (long long)syscalls,
	    verdict(allocs == 0 && syscalls == 0));
	printf("| peak RSS growth while open (plain core) | %ld KiB | %ld KiB "
	    "(baseline) | | < 16 MiB | %s |\n", lrss, brss, lrss < 0 ?
	    "unknown" : verdict(lrss < 16 * 1024));
	{
		double ka, kb;
		alternate(lib_random_kvatop, base_random_kvatop, &ka, &kb);
		printf("| %zu random kvm_arm_kvatop vs the baseline | %.1f ns | "
		    "%.1f ns | %.1fx faster | | |\n", nops, ka / (double)nops *
		    1e9, kb / (double)nops * 1e9, kb / ka);
	}

	if (plain_only)
		goto nlist;
	/* Target 4: zstd. */
	if (bench_zstd(zstpath, kd, vas, nops, rounds * 3, &zr) != 0)
		die("zstd", "failed");
	printf("| 4. random 4-byte kvm_read2, zstd core vs the plain core | "
	    "%.1f ns | %.1f ns | %.2fx | <= 1.1x | %s |\n",
	    zr.random_read * 1e9, zr.plain_read * 1e9,
	    zr.random_read / zr.plain_read,
	    verdict(zr.random_read / zr.plain_read <= 1.1));
	printf("| 4. zstd core (%llu bytes): open + close (one decompression "
	    "into $TMPDIR); the temporary copy's size and disk use | %.0f ms "
	    "| %llu MiB, %llu MiB on disk | | sparse | %s |\n",
	    (unsigned long long)zr.stored, zr.open * 1e3,
	    (unsigned long long)(zr.temp_size >> 20),
	    (unsigned long long)(zr.temp_disk >> 20), zr.temp_size == 0 ?
	    "unknown" : verdict(zr.temp_disk < zr.temp_size));

	/* Target 3: gzip. */
	if (bench_gzip(gzpath, cache, vas, nops, rounds, &gr) != 0)
		die("gzip", "failed");
	printf("| 3. gzip core (%llu bytes): peak RSS growth over a first "
	    "open, random reads and a file-order walk | %.1f MiB | | | <= 64 "
	    "MiB | %s |\n", (unsigned long long)gr.stored,
	    (double)gr.peak_rss_kib / 1024, gr.peak_rss_kib < 0 ? "unknown" :
	    verdict(gr.peak_rss_kib <= 64 * 1024));
	printf("| 3. gzip core: second open + close (index from the cache) vs "
	    "the first (index built) | %.1f ms | %.1f ms | | <= 100 ms | %s "
	    "|\n", gr.warm_open * 1e3, gr.cold_open * 1e3,
	    verdict(gr.warm_open <= 0.100));
	printf("| 3. gzip core: kvm_arm_walk_pages_fileorder over every dumped "
	    "page (%llu) vs `gzip -dc` (zlib inflate of the file, %llu MiB) | "
	    "%.2f s | %.2f s | %.2fx | <= 2.5x | %s |\n",
	    (unsigned long long)gr.pages, (unsigned long long)(gr.bytes >> 20),
	    gr.walk, gr.inflate, gr.walk / gr.inflate,
	    verdict(gr.walk / gr.inflate <= 2.5));
	printf("| gzip core: random 4-byte kvm_read2 | %.1f us | | | | |\n",
	    gr.random_read * 1e6);

nlist:
	nlist_times(&no, &nf, &nl, &missing);
	if (missing != 0)
		die("kvm_nlist2", "names were missing");
	printf("| kvm_open2 + kernel ELF (%u symbols) | %.2f ms | | | | |\n",
	    NSYMS, no * 1e3);
	printf("| kvm_nlist2 of %u names, first call; later calls | %.3f ms; "
	    "%.3f ms | | | < 5 ms | %s |\n", NNAMES, nf * 1e3, nl * 1e3,
	    verdict(nl < 0.005));

	kvm_close(kd);
	kvm_close(sparse_kd);
	kvm_close(elf_kd);
	baseline_close(&base);
	baseline_close(&sparse_base);
	munmap((void *)filemap, (size_t)in.core_bytes);
	munmap(view.map, 0x40000000);
	free(view.present);
	close(fd);
	{
		char cmd[256];
		if (!plain_only) {
			unlink(gzpath);
			unlink(zstpath);
		}
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", cache);
	}
	bench_input_remove(&in);
	free(vas);
	free(va_off);
	free(piece_va);
	free(piece_off);
	free(seqbuf);
	return 0;
}
