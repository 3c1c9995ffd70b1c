/*
 * test_corrupt.c: the corruption corpus.  A good dump and kernel are made
 * with the fixture writer, then damaged one way at a time: every header
 * field at 0, at 0xffffffff and at values that overflow size arithmetic;
 * the file cut at every section boundary and inside pages; bitmap bits with
 * no page data; PTEs that point outside the dumped memory; a kernel ELF with
 * broken section headers or a symbol table past its end.
 *
 * Each case must end in a clear error (kvm_open2 returns NULL and errbuf
 * names the file) or, for a dump cut inside its page data, in the partial
 * results the file holds.  Each case runs in its own child process so that
 * a crash or a hang (an alarm) is reported as that case's failure, and,
 * outside sanitizer builds, under an RLIMIT_DATA a few times the size of
 * the files: an allocation the file cannot justify fails, and the library
 * then reports "out of memory", which a case counts as a failure.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "kvm_arm.h"
#include "mkcore.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/*
 * Nine dumped pages: eight VA-contiguous ones (so reads can cross page
 * boundaries) and one alone; one mapped page left out of the dump at the
 * last page of the physical range.  kva_size gives an unpadded 1028-byte
 * PTE array, as the kernel writes.
 */
static const char good_desc[] =
    "version 2\nmmu v6\nendian little\n"
    "kernbase 0xc0000000\n"
    "kva_size 0x00101000\n"
    "phys 0x40000000 0x40400000\n"
    "map 0xc0000000 0x40000000 0x8000 rwx\n"
    "map 0xc0100000 0x40100000 0x1000 rw\n"
    "map 0xc0010000 0x403ff000 0x1000 rw nodump\n"
    "msgbuf 0x1000 \"hello\\n\"\n"
    "ksym version 0xc0000000 object\n"
    "ksym start 0xc0000010 func\n"
    "ksym kernbase 0xc0000000 abs\n";

#define NODUMP_VA	0xc0010000u
#define NODUMP_BIT	1023u		/* (0x403ff000 - 0x40000000) / 4096 */

static struct mapdesc desc;
static struct mkcore_layout lo;
static char core_path[256], kernel_path[256], bad_path[256];
static unsigned char *core, *kernel;
static size_t core_len, kernel_len;

/* The dumped pages in page-data order: their VAs. */
static uint64_t page_va[16];
static size_t npages;

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(2);
	}
	rewind(f);
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void
spew(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* 1 when s mentions running out of memory, in any case. */
static int
says_oom(const char *s)
{
	for (; *s; s++)
		if (strncmp(s, "out of memory", 13) == 0 ||
		    strncmp(s, "Out of memory", 13) == 0)
			return 1;
	return 0;
}

/* ---- one case per child process ---- */

static void
limit_memory(size_t files)
{
#ifndef UNDER_ASAN
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long data_kib = -1;
	struct rlimit rl;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmData:", 7) == 0)
			data_kib = strtol(line + 7, NULL, 10);
	fclose(f);
	if (data_kib < 0)
		return;
	/* What the process has, plus 8 MiB, plus four times the files. */
	rl.rlim_cur = rl.rlim_max = (rlim_t)data_kib * 1024 + (8u << 20) +
	    4 * (rlim_t)files;
	setrlimit(RLIMIT_DATA, &rl);
#else
	(void)files;	/* ASan reserves its shadow as data: no limit there */
#endif
}

static void
run_case(const char *name, void (*fn)(const void *), const void *arg)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		limit_memory(core_len + kernel_len);
		alarm(60);	/* generous for valgrind; a hang fails the case */
		fn(arg);
		fflush(stdout);
		_exit(harness_status());
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		exit(2);
	}
	if (WIFSIGNALED(status))
		check(0, "%s: killed by signal %d (%s)", name, WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? "hang" : "crash");
	else if (WEXITSTATUS(status) != 0)
		harness_failed = 1;
}

/* The limit is real: an allocation far beyond it fails in a case. */
static void
limit_case(const void *arg)
{
	const char *preload = getenv("LD_PRELOAD");
	void *p;

	(void)arg;
#ifdef UNDER_ASAN
	check(1, "allocation limit: not set under ASan");
	return;
#endif
	if (preload != NULL && strstr(preload, "vgpreload") != NULL) {
		/* valgrind's allocator does not honour the client's limit. */
		check(1, "allocation limit: not enforced under valgrind");
		return;
	}
	p = malloc(64u << 20);
	check(p == NULL, "allocation limit: a 64 MiB malloc fails in a case");
	free(p);
}

/* ---- what every case checks ---- */

/* kvm_open2 failed cleanly: NULL, errbuf naming the file, no oversize alloc. */
static void
check_clean_error(const char *tag, kvm_t *kd, const char *err, const char *file)
{
	check(kd == NULL && err[0] != '\0' && strstr(err, file) != NULL &&
	    !says_oom(err), "%s: clear error naming the file (%s)", tag,
	    kd != NULL ? "it opened" : err);
}

/* Exercise an open handle the way a debugger would; nothing may crash. */
static void
exercise(const char *tag, kvm_t *kd)
{
	struct kvm_arm_info info;
	unsigned char buf[8192];
	size_t len;
	int bad = 0;

	kvm_arm_info(kd, &info);
	for (uint64_t va = info.kernbase; va < info.kernbase + 0x10000 &&
	    va < info.kva_end; va += 0xff0) {
		ssize_t r = kvm_read2(kd, va, buf, sizeof(buf));
		bad |= r > (ssize_t)sizeof(buf) ||
		    (r < 0 && kvm_geterr(kd)[0] == '\0');
		kvm_arm_kvatop(kd, va, NULL, NULL);
	}
	kvm_arm_msgbuf(kd, &len, NULL);
	check(!bad, "%s: reads return a count or -1 with a reason", tag);
}

static int
count_cb(struct kvm_page *p, void *arg)
{
	(void)p;
	++*(uint64_t *)arg;
	return 1;
}

/* Expected bytes of a dumped VA, from the description. */
static unsigned char
byte_at(uint64_t va)
{
	uint64_t pa = 0;

	mapdesc_va_to_pa(&desc, va, &pa);
	return mapdesc_byte(&desc, pa);
}

static int
bytes_ok(uint64_t va, const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != byte_at(va + i))
			return 0;
	return 1;
}

/* ---- header fields ---- */

struct field_case {
	const char *field;
	unsigned off;
	uint32_t value;
	int must;	/* 1 must open, -1 must fail, 0 either */
};

static void
field_case(const void *arg)
{
	const struct field_case *c = arg;
	unsigned char *p = malloc(core_len);
	char err[_POSIX2_LINE_MAX] = "", tag[128];
	kvm_t *kd;

	snprintf(tag, sizeof(tag), "header %s = 0x%x", c->field, c->value);
	memcpy(p, core, core_len);
	put32(p + c->off, c->value);
	spew(bad_path, p, core_len);
	free(p);
	kd = kvm_open2(NULL, bad_path, O_RDONLY, err, NULL);
	if (kd == NULL) {
		check_clean_error(tag, kd, err, bad_path);
		check(c->must != 1, "%s: refused%s", tag,
		    c->must == 1 ? ", but it must open" : "");
		return;
	}
	check(c->must != -1, "%s: opened%s", tag,
	    c->must == -1 ? ", but it must be refused" : "");
	exercise(tag, kd);
	uint64_t n = 0;
	kvm_walk_pages(kd, count_cb, &n);
	kvm_close(kd);
}

static void
header_fields(void)
{
	static const struct { const char *name; unsigned off; } f[] = {
		{ "version", 24 }, { "msgbufsize", 28 }, { "bitmapsize", 32 },
		{ "ptesize", 36 }, { "kernbase", 40 }, { "arch", 44 },
		{ "mmuformat", 48 }, { "dumpavailsize", 52 },
	};
	/*
	 * 0 and the maximum; 0xfffff001 and 0xfffffffc overflow a 32-bit
	 * page rounding or sum; 0x80000000 and 0x40000000 overflow a 32-bit
	 * bit count (x 8) or VA span (x 1024).
	 */
	static const uint32_t v[] = {
		0, 0xffffffff, 0xfffff001, 0xfffffffc, 0x80000000, 0x40000000,
	};
	char name[128];

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++) {
			struct field_case c = { f[i].name, f[i].off, v[j], 0 };
			int size_field = f[i].off >= 28 && f[i].off <= 36;
			if (f[i].off == 24)
				c.must = -1;	/* no such version */
			else if (f[i].off == 44)
				c.must = 1;	/* arch is informational */
			else if (f[i].off == 48)
				c.must = v[j] == 0 ? 1 : -1;
			else if ((size_field || f[i].off == 52) && v[j] >= core_len)
				c.must = -1;	/* a section past the end */
			else if (f[i].off == 40)
				/* Unaligned, or the PTE array past 4 GiB. */
				c.must = v[j] & 0xfff || v[j] >= 0xfff00000 ? -1 :
				    v[j] == 0 ? 1 : 0;
			snprintf(name, sizeof(name), "header %s = 0x%x",
			    f[i].name, v[j]);
			run_case(name, field_case, &c);
		}
}

/* Several sizes huge at once: their sum overflows 32 bits many times. */
static void
all_sizes_case(const void *arg)
{
	unsigned char *p = malloc(core_len);
	char err[_POSIX2_LINE_MAX] = "";
	kvm_t *kd;

	(void)arg;
	memcpy(p, core, core_len);
	for (unsigned off = 28; off <= 36; off += 4)
		put32(p + off, 0xfffff000);
	put32(p + 52, 0xfffff000);
	spew(bad_path, p, core_len);
	free(p);
	kd = kvm_open2(NULL, bad_path, O_RDONLY, err, NULL);
	check_clean_error("header: every size 0xfffff000", kd, err, bad_path);
	if (kd != NULL)
		kvm_close(kd);
}

/* ---- truncation ---- */

static void
truncated_case(const void *arg)
{
	size_t cut = *(const size_t *)arg;
	char err[_POSIX2_LINE_MAX] = "", tag[128];
	unsigned char buf[8192];
	struct kvm_arm_info info;
	kvm_t *kd;
	int bad = 0;

	snprintf(tag, sizeof(tag), "core cut at %zu of %zu", cut, core_len);
	spew(bad_path, core, cut);
	kd = kvm_open2(NULL, bad_path, O_RDONLY, err, NULL);
	if (cut < lo.data_off) {
		check_clean_error(tag, kd, err, bad_path);
		if (kd != NULL)
			kvm_close(kd);
		return;
	}
	check(kd != NULL, "%s: opens with what it holds (%s)", tag,
	    kd == NULL ? err : "");
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &info);
	check(info.truncated == (cut < core_len) &&
	    info.pages_present == (cut - lo.data_off) / 4096,
	    "%s: info says truncated, %llu whole pages", tag,
	    (unsigned long long)(cut - lo.data_off) / 4096);
	/* Each page alone: whole before the cut, short across it, 0 after. */
	for (size_t j = 0; j < npages; j++) {
		uint64_t start = lo.data_off + j * 4096;
		size_t want = cut >= start + 4096 ? 4096 :
		    cut > start ? cut - start : 0;
		ssize_t r = kvm_read2(kd, page_va[j], buf, 4096);
		if (r != (ssize_t)want || !bytes_ok(page_va[j], buf, want)) {
			bad = 1;
			printf("# page %zu (0x%llx): read %zd, want %zu\n", j,
			    (unsigned long long)page_va[j], r, want);
		}
	}
	check(!bad, "%s: each page reads whole, short or empty by the cut", tag);
	/* Reads from the middle of one page into the next. */
	bad = 0;
	for (size_t j = 0; j + 1 < npages; j++) {
		uint64_t va = page_va[j] + 2048, start = lo.data_off + j * 4096 + 2048;
		size_t want;
		ssize_t r;
		if (page_va[j + 1] != page_va[j] + 4096)
			continue;
		want = cut >= start + 4096 ? 4096 : cut > start ? cut - start : 0;
		r = kvm_read2(kd, va, buf, 4096);
		if (r != (ssize_t)want || !bytes_ok(va, buf, want)) {
			bad = 1;
			printf("# 0x%llx + 4096: read %zd, want %zu\n",
			    (unsigned long long)va, r, want);
		}
	}
	check(!bad, "%s: a read crossing the cut returns the short count", tag);
	exercise(tag, kd);
	kvm_close(kd);
}

static void
truncation(void)
{
	size_t cuts[256], n = 0;
	char name[64];

	/* Inside and at the end of the header page and each section. */
	cuts[n++] = 1;
	cuts[n++] = 24;
	cuts[n++] = 55;
	cuts[n++] = 100;
	cuts[n++] = 4095;
	cuts[n++] = 4096;			/* header | msgbuf */
	cuts[n++] = 4096 + 6;			/* inside the msgbuf */
	cuts[n++] = 8192;			/* msgbuf | dump_avail */
	cuts[n++] = 8192 + 8;			/* half a dump_avail pair */
	cuts[n++] = 12288;			/* dump_avail | bitmap */
	cuts[n++] = 12288 + 64;			/* inside the bitmap */
	cuts[n++] = (size_t)lo.ptes_off;	/* bitmap | PTEs */
	cuts[n++] = (size_t)lo.ptes_off + 514;	/* inside the PTE array */
	for (size_t j = 0; j <= npages; j++) {
		cuts[n++] = (size_t)lo.data_off + j * 4096;	/* page boundaries */
		if (j < npages) {
			cuts[n++] = (size_t)lo.data_off + j * 4096 + 1;
			cuts[n++] = (size_t)lo.data_off + j * 4096 + 2000;
		}
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "core cut at %zu", cuts[i]);
		run_case(name, truncated_case, &cuts[i]);
	}
	/* An empty file. */
	cuts[0] = 0;
	run_case("core cut at 0", truncated_case, &cuts[0]);
}

/* ---- bitmap bits with no page data ---- */

enum { BITS_NODUMP_PAGE, BITS_ALL, BITS_PAST_RANGES };

static void
bitmap_case(const void *arg)
{
	int how = *(const int *)arg;
	static const char *const what[] = {
		"the bit of a mapped, undumped page",
		"every bitmap bit",
		"every bit past the physical ranges",
	};
	unsigned char *p = malloc(core_len), buf[4096];
	size_t bitmap_off = 12288, bitmap_len = 4096;
	char err[_POSIX2_LINE_MAX] = "", tag[128];
	kvm_t *kd;
	int bad = 0;
	ssize_t r;

	snprintf(tag, sizeof(tag), "bitmap: set %s", what[how]);
	memcpy(p, core, core_len);
	if (how == BITS_NODUMP_PAGE)
		p[bitmap_off + NODUMP_BIT / 8] |= (unsigned char)(1u << NODUMP_BIT % 8);
	else
		memset(p + bitmap_off + (how == BITS_ALL ? 0 : 1024 / 8), 0xff,
		    bitmap_len - (how == BITS_ALL ? 0 : 1024 / 8));
	spew(bad_path, p, core_len);
	free(p);
	kd = kvm_open2(NULL, bad_path, O_RDONLY, err, NULL);
	check(kd != NULL, "%s: opens as a truncated dump (%s)", tag,
	    kd ? "" : err);
	if (kd == NULL)
		return;
	/* Pages whose rank the extra bits do not move still read right. */
	for (size_t j = 0; j < npages; j++) {
		if (how == BITS_ALL && page_va[j] >= 0xc0100000)
			continue;	/* its rank moved past the data */
		r = kvm_read2(kd, page_va[j], buf, 4096);
		bad |= r != 4096 || !bytes_ok(page_va[j], buf, 4096);
	}
	check(!bad, "%s: the dumped pages still read", tag);
	if (how == BITS_NODUMP_PAGE) {
		r = kvm_read2(kd, NODUMP_VA, buf, 4096);
		check(r == 0 || (r == -1 && kvm_geterr(kd)[0] != '\0'),
		    "%s: its page has no data: empty or failed read (%zd)", tag, r);
	}
	if (how == BITS_ALL) {
		r = kvm_read2(kd, 0xc0100000, buf, 4096);
		check(r == 0 || (r == -1 && kvm_geterr(kd)[0] != '\0'),
		    "%s: a page ranked past the data: empty or failed read (%zd)",
		    tag, r);
	}
	exercise(tag, kd);
	uint64_t n = 0;
	kvm_walk_pages(kd, count_cb, &n);
	kvm_close(kd);
}

/* ---- PTEs that point outside the dumped memory ---- */

struct pte_case {
	const char *what;
	uint32_t entry;
};

static void
pte_case(const void *arg)
{
	const struct pte_case *c = arg;
	unsigned char *p = malloc(core_len), buf[16];
	char err[_POSIX2_LINE_MAX] = "", tag[128];
	kpaddr_t pa;
	off_t off;
	kvm_t *kd;
	ssize_t r;

	snprintf(tag, sizeof(tag), "PTE 0x%08x (%s)", c->entry, c->what);
	memcpy(p, core, core_len);
	put32(p + lo.ptes_off + 4, c->entry);	/* entry 1: VA 0xc0001000 */
	spew(bad_path, p, core_len);
	free(p);
	kd = kvm_open2(NULL, bad_path, O_RDONLY, err, NULL);
	check(kd != NULL, "%s: opens (%s)", tag, kd ? "" : err);
	if (kd == NULL)
		return;
	r = kvm_read2(kd, 0xc0001000, buf, sizeof(buf));
	check(r == -1 && kvm_geterr(kd)[0] != '\0', "%s: kvm_read2 fails with "
	    "a reason (%zd: %s)", tag, r, kvm_geterr(kd));
	check(kvm_arm_kvatop(kd, 0xc0001000, &pa, &off) == 0 && off == -1,
	    "%s: kvm_arm_kvatop fails", tag);
	r = kvm_read2(kd, 0xc0000000, buf, sizeof(buf));
	check(r == 16 && bytes_ok(0xc0000000, buf, 16),
	    "%s: its neighbour still reads", tag);
	uint64_t n = 0;
	kvm_walk_pages(kd, count_cb, &n);
	kvm_close(kd);
}

/* Version 1 LPAE: a 40-bit PA far past the bitmap's bits. */
static void
pte_v1_lpae_case(const void *arg)
{
	static const char text[] =
	    "version 1\nmmu lpae\nkva_size 0x10000\n"
	    "phys 0x0 0x100000\nmap 0xc0000000 0x0 0x2000 rw\n";
	char path[300], err[_POSIX2_LINE_MAX] = "";
	struct mapdesc d;
	struct mkcore_layout l;
	unsigned char *p, buf[16];
	size_t len;
	kvm_t *kd;

	(void)arg;
	snprintf(path, sizeof(path), "%s/v1lpae.core", harness_tmpdir());
	if (mapdesc_parse(&d, text, "v1lpae") != 0 ||
	    mkcore_write(&d, path, NULL, NULL, &l) != 0) {
		check(0, "v1 LPAE: the fixture writer failed");
		return;
	}
	mapdesc_free(&d);
	p = slurp(path, &len);
	/* Entry 1: PA 0xfffffff000, valid, AF set. */
	put32(p + l.ptes_off + 8, 0xfffff403);
	put32(p + l.ptes_off + 12, 0xff);
	spew(path, p, len);
	free(p);
	kd = kvm_open2(NULL, path, O_RDONLY, err, NULL);
	check(kd != NULL, "v1 LPAE PTE to PA 0xfffffff000: opens (%s)",
	    kd ? "" : err);
	if (kd == NULL)
		return;
	check(kvm_read2(kd, 0xc0001000, buf, 16) == -1 &&
	    kvm_geterr(kd)[0] != '\0', "v1 LPAE PTE to PA 0xfffffff000: "
	    "kvm_read2 fails with a reason (%s)", kvm_geterr(kd));
	check(kvm_read2(kd, 0xc0000000, buf, 16) == 16,
	    "v1 LPAE PTE to PA 0xfffffff000: its neighbour still reads");
	kvm_close(kd);
}

/* ---- the kernel ELF ---- */

/* The offset of section header i of the (ELF32 little-endian) kernel. */
static size_t
shdr(const unsigned char *k, unsigned i)
{
	return get32(k + 0x20) + (size_t)i * (k[0x2e] | k[0x2f] << 8);
}

/* The index of the first section of this type, or 0. */
static unsigned
find_section(const unsigned char *k, uint32_t type)
{
	unsigned n = k[0x30] | k[0x31] << 8;

	for (unsigned i = 1; i < n; i++)
		if (get32(k + shdr(k, i) + 4) == type)
			return i;
	return 0;
}

struct elf_case {
	const char *what;
	int (*damage)(unsigned char *k, size_t *len);
};

static int dmg_truncate_52(unsigned char *k, size_t *len) { (void)k; *len = 52; return 0; }
static int dmg_truncate_half(unsigned char *k, size_t *len) { (void)k; *len /= 2; return 0; }
static int dmg_truncate_1(unsigned char *k, size_t *len) { (void)k; *len -= 1; return 0; }
static int dmg_truncate_10(unsigned char *k, size_t *len) { (void)k; *len = 10; return 0; }
static int dmg_shoff(unsigned char *k, size_t *len) { (void)len; put32(k + 0x20, 0xfffffff0); return 0; }
static int dmg_shoff_end(unsigned char *k, size_t *len) { put32(k + 0x20, (uint32_t)*len - 8); return 0; }
static int dmg_shnum(unsigned char *k, size_t *len) { (void)len; put16(k + 0x30, 0xffff); return 0; }
static int dmg_shentsize0(unsigned char *k, size_t *len) { (void)len; put16(k + 0x2e, 0); return 0; }
static int dmg_shentsize7(unsigned char *k, size_t *len) { (void)len; put16(k + 0x2e, 7); return 0; }
static int dmg_shstrndx(unsigned char *k, size_t *len) { (void)len; put16(k + 0x32, 0xfffe); return 0; }

static int
dmg_symtab_field(unsigned char *k, unsigned field, uint32_t v)
{
	unsigned s = find_section(k, 2);	/* SHT_SYMTAB */

	if (s == 0)
		return -1;
	put32(k + shdr(k, s) + field, v);
	return 0;
}

static int dmg_sym_offset(unsigned char *k, size_t *len) { return dmg_symtab_field(k, 16, (uint32_t)*len + 0x1000); }
static int dmg_sym_offset_max(unsigned char *k, size_t *len) { (void)len; return dmg_symtab_field(k, 16, 0xfffffff0); }
static int dmg_sym_size(unsigned char *k, size_t *len) { (void)len; return dmg_symtab_field(k, 20, 0xfffffff0); }
static int dmg_sym_size_past(unsigned char *k, size_t *len) { return dmg_symtab_field(k, 20, (uint32_t)*len); }
static int dmg_sym_link(unsigned char *k, size_t *len) { (void)len; return dmg_symtab_field(k, 24, 0xffff); }
static int dmg_sym_entsize(unsigned char *k, size_t *len) { (void)len; return dmg_symtab_field(k, 36, 0); }

static int
dmg_strtab_offset(unsigned char *k, size_t *len)
{
	unsigned s = find_section(k, 2);

	if (s == 0)
		return -1;
	s = get32(k + shdr(k, s) + 24);		/* sh_link: the strings */
	put32(k + shdr(k, s) + 16, (uint32_t)*len + 0x1000);
	return 0;
}

static void
elf_case(const void *arg)
{
	const struct elf_case *c = arg;
	unsigned char *k = malloc(kernel_len);
	char err[_POSIX2_LINE_MAX] = "", tag[128], path[300];
	struct kvm_nlist nl[4] = { { 0 } };
	size_t len = kernel_len;
	kvm_t *kd;
	int missing;

	snprintf(tag, sizeof(tag), "kernel ELF: %s", c->what);
	snprintf(path, sizeof(path), "%s/bad.kernel", harness_tmpdir());
	memcpy(k, kernel, kernel_len);
	if (c->damage(k, &len) != 0) {
		check(0, "%s: could not find what to damage", tag);
		free(k);
		return;
	}
	spew(path, k, len);
	free(k);
	kd = kvm_open2(path, core_path, O_RDONLY, err, NULL);
	if (kd == NULL) {
		check_clean_error(tag, kd, err, path);
		return;
	}
	/*
	 * It opened: then the damage must have been harmless, and the
	 * symbols must be there.  Opening and then finding no symbols
	 * would hide the damage from the user.
	 */
	nl[0].n_name = "version";
	nl[1].n_name = "start";
	nl[2].n_name = "kernbase";
	missing = kvm_nlist2(kd, nl);
	check(missing == 0 && nl[0].n_value == 0xc0000000 &&
	    nl[1].n_value == 0xc0000010, "%s: either refused with a clear error "
	    "or its symbols are all found (opened, and kvm_nlist2 returned %d)",
	    tag, missing);
	kvm_close(kd);
}

static void
kernel_elf(void)
{
	static const struct elf_case cases[] = {
		{ "cut to 10 bytes", dmg_truncate_10 },
		{ "cut after the ELF header", dmg_truncate_52 },
		{ "cut in half", dmg_truncate_half },
		{ "last byte cut", dmg_truncate_1 },
		{ "e_shoff 0xfffffff0", dmg_shoff },
		{ "e_shoff 8 bytes before the end", dmg_shoff_end },
		{ "e_shnum 0xffff", dmg_shnum },
		{ "e_shentsize 0", dmg_shentsize0 },
		{ "e_shentsize 7", dmg_shentsize7 },
		{ "e_shstrndx 0xfffe", dmg_shstrndx },
		{ "symbol table past the end of the file", dmg_sym_offset },
		{ "symbol table at 0xfffffff0", dmg_sym_offset_max },
		{ "symbol table size 0xfffffff0", dmg_sym_size },
		{ "symbol table runs past the end", dmg_sym_size_past },
		{ "symbol table sh_link 0xffff", dmg_sym_link },
		{ "symbol table sh_entsize 0", dmg_sym_entsize },
		{ "string table past the end of the file", dmg_strtab_offset },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(cases[i].what, elf_case, &cases[i]);
}

/* ---- setup ---- */

static void
make_good_files(void)
{
	uint64_t pa;

	snprintf(core_path, sizeof(core_path), "%s/good.core", harness_tmpdir());
	snprintf(kernel_path, sizeof(kernel_path), "%s/good.kernel",
	    harness_tmpdir());
	snprintf(bad_path, sizeof(bad_path), "%s/bad.core", harness_tmpdir());
	if (mapdesc_parse(&desc, good_desc, "good") != 0 ||
	    mkcore_write(&desc, core_path, kernel_path, NULL, &lo) != 0) {
		check(0, "the fixture writer makes the good dump");
		exit(1);
	}
	core = slurp(core_path, &core_len);
	kernel = slurp(kernel_path, &kernel_len);
	/* Page data is in physical address order, one page per set bit. */
	for (pa = 0x40000000; pa < 0x40400000 && npages < 16; pa += 4096) {
		if (!mapdesc_pa_dumped(&desc, pa))
			continue;
		for (size_t i = 0; i < desc.nmaps; i++) {
			const struct md_map *m = &desc.maps[i];
			if (!m->nodump && pa - m->pa < m->size)
				page_va[npages] = m->va + (pa - m->pa);
		}
		npages++;
	}
	check(npages == lo.pages && npages == 9 && lo.ptes_off == 16384 &&
	    lo.data_off == 16384 + 1028 && lo.file_size == core_len,
	    "the good dump: 9 pages after an unpadded 1028-byte PTE array");
}

static void
good_case(const void *arg)
{
	char err[_POSIX2_LINE_MAX] = "";
	kvm_t *kd = kvm_open2(kernel_path, core_path, O_RDONLY, err, NULL);
	unsigned char buf[4096];
	int bad = 0;

	(void)arg;
	check(kd != NULL, "the good dump opens (%s)", kd ? "" : err);
	if (kd == NULL)
		return;
	for (size_t j = 0; j < npages; j++)
		bad |= kvm_read2(kd, page_va[j], buf, 4096) != 4096 ||
		    !bytes_ok(page_va[j], buf, 4096);
	check(!bad, "the good dump: every page reads");
	kvm_close(kd);
}

int
main(void)
{
	static const struct pte_case ptes[] = {
		{ "small page past the physical ranges", 0xfffff002 },
		{ "small page below the physical ranges", 0x00000012 },
		{ "small page in range, not dumped", 0x40200012 },
		{ "large page past the physical ranges", 0xffff0011 },
		{ "small page at the undumped last page", 0x403ff012 },
	};
	static const int bits[] = { BITS_NODUMP_PAGE, BITS_ALL, BITS_PAST_RANGES };

	make_good_files();
	run_case("good dump", good_case, NULL);
	run_case("allocation limit", limit_case, NULL);
	header_fields();
	run_case("all sizes", all_sizes_case, NULL);
	truncation();
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		run_case("bitmap", bitmap_case, &bits[i]);
	for (size_t i = 0; i < sizeof(ptes) / sizeof(ptes[0]); i++)
		run_case(ptes[i].what, pte_case, &ptes[i]);
	run_case("v1 LPAE", pte_v1_lpae_case, NULL);
	kernel_elf();
	mapdesc_free(&desc);
	free(core);
	free(kernel);
	return harness_status();
}
