/*
 * cmd_check.c: kvmarm check: validate a dump, a line per problem.
 *
 * What is checked: the dump-device header (when there is one), the
 * minidump header's fields, the file size against what the bitmap's set
 * bits require, and every valid PTE: is its page in the dump, and is that
 * page complete in the file.  Runs of consecutive pages with the same
 * problem are one line (after MAX_LINES runs of a kind, one line sums up
 * the rest, unless --all).  Facts that are legal but worth knowing (an old
 * dump without mmuformat, device memory that is mapped but never dumped,
 * physical page 0, which FreeBSD/arm never dumps, and in a version 1 dump,
 * which has no ranges to tell device memory from RAM, any mapped page
 * without its bit) are notes, which do not make the dump unclean.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "kvmarm.h"
#include "progress.h"

#define PAGE		4096u
#define MAX_LINES	50	/* per kind of page problem, then a summary */

struct finding {
	char kind[24];
	char detail[480];
	int summary;		/* "N more runs": stands for runs not listed */
};

struct findings {
	struct finding *v;
	size_t n, cap;
	size_t summaries;	/* of n, summary lines (not problems) */
	uint64_t elided;	/* runs a summary line stands for */
};

/* A run of consecutive pages with one page problem. */
struct page_run {
	const char *kind;	/* NULL: no run open */
	const char *last_kind;	/* the kind of the runs so far, for summaries */
	kvaddr_t va;
	kpaddr_t pa;
	uint64_t pages;
	uint64_t runs;		/* runs of this kind so far */
	uint64_t total_pages;
};

struct check {
	struct cli *c;
	struct findings problems, notes;
	struct page_run not_dumped, outside, cut, pa_zero;
	uint64_t payload_end;	/* file offset one past the payload */
	struct progress p;
};

/* Append a finding; it, or NULL when out of memory. */
static struct finding *
add(struct findings *f, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct finding *
add(struct findings *f, const char *kind, const char *fmt, ...)
{
	va_list ap;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct finding *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;	/* keep what we have */
		f->v = v;
		f->cap = cap;
	}
	snprintf(f->v[f->n].kind, sizeof(f->v[f->n].kind), "%s", kind);
	f->v[f->n].summary = 0;
	va_start(ap, fmt);
	vsnprintf(f->v[f->n].detail, sizeof(f->v[f->n].detail), fmt, ap);
	va_end(ap);
	return &f->v[f->n++];
}

static void
check_dump_header(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;
	struct kvm_arm_dumpheader dh;

	if (kvm_arm_dumpheader(k->c->kd, &dh) != 1)
		return;
	if (!dh.parity_ok)
		add(&k->problems, "dump_header", "parity check failed: the "
		    "XOR of the header's 32-bit words is not 0");
	if (dh.version != 4)
		add(&k->problems, "dump_header", "version %u (expected 4)",
		    dh.version);
	if (strcmp(dh.magic, "Cleared Kernel Dump") == 0)
		add(&k->notes, "dump_header", "the header says the dump was "
		    "cleared (savecore already saved it)");
	/* dumplength counts the bytes as stored (compressed, for gzip). */
	if (dh.dumplength > in->stored_size)
		add(&k->problems, "truncated", "the dump device header says "
		    "%llu payload bytes, only %llu follow it",
		    (unsigned long long)dh.dumplength,
		    (unsigned long long)in->stored_size);
}

/*
 * A full ELF core has no minidump header, bitmap or page-data layout to
 * check: only its size, and (below) its pages.
 */
static void
check_elfcore(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;

	if (in->truncated)
		add(&k->problems, "truncated", "the file has %llu bytes, its "
		    "segments need %llu: %llu of %llu pages are missing",
		    (unsigned long long)in->file_size,
		    (unsigned long long)in->expected_size,
		    (unsigned long long)(in->pages_dumped - in->pages_present),
		    (unsigned long long)in->pages_dumped);
	add(&k->notes, "header", "a full ELF core: the kernel's page tables "
	    "are walked from its root table");
}

static const char *
format_name(unsigned int mmuformat)
{
	return mmuformat == KVM_ARM_MMU_V4 ? "v4" :
	    mmuformat == KVM_ARM_MMU_V6 ? "v6" :
	    mmuformat == KVM_ARM_MMU_LPAE ? "lpae" : "v6";
}

/*
 * The page-table format, one note for every container and format: when
 * it was assumed, and when --mmu decodes the dump otherwise than it says.
 */
static void
check_format(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;
	unsigned int natural = in->mmuformat != 0 ? in->mmuformat :
	    KVM_ARM_MMU_V6;

	if (in->mmuformat_used != natural)
		add(&k->notes, "mmu", "decoded as %s (--mmu), not as %s (%s)",
		    in->mmuformat_name, format_name(natural),
		    in->mmuformat_source);
	else if (in->mmuformat == 0)
		add(&k->notes, "mmu", "decoded as v6 (%s); use --mmu v4 for "
		    "an ARMv4/v5 kernel", in->mmuformat_source);
}

static void
check_header(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;

	if (in->arch != 0 && (in->arch < 4 || in->arch > 7))
		add(&k->problems, "header", "arch %u is not a 32-bit ARM "
		    "architecture (4..7)", in->arch);
	if (in->mmuformat_used != KVM_ARM_MMU_V4 && in->arch >= 4 &&
	    in->arch <= 5)
		add(&k->notes, "header", "arch %u kernels use v4 page "
		    "tables, but they are decoded as %s (try --mmu v4)",
		    in->arch, in->mmuformat_name);
	if (in->mmuformat_used == KVM_ARM_MMU_V4 && in->arch >= 6)
		add(&k->notes, "header", "arch %u kernels do not use v4 "
		    "page tables, but they are decoded as v4", in->arch);
	if (in->version != in->layout_version)
		add(&k->notes, "header", "version %u header without "
		    "dump_avail: laid out as version %u", in->version,
		    in->layout_version);
	if (in->msgbuf_size == 0)
		add(&k->notes, "header", "no message buffer (msgbufsize 0)");
	if (in->pte_count == 0)
		add(&k->problems, "header", "the PTE array is empty: no "
		    "kernel address can be read");
	if (in->pages_dumped == 0)
		add(&k->problems, "bitmap", "no page is marked as dumped");
}

static void
check_size(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;

	if (in->file_size < in->expected_size)
		add(&k->problems, "truncated", "the file has %llu bytes, a "
		    "complete dump %llu: %llu of the bitmap's %llu pages are "
		    "missing or incomplete", (unsigned long long)in->file_size,
		    (unsigned long long)in->expected_size,
		    (unsigned long long)(in->pages_dumped - in->pages_present),
		    (unsigned long long)in->pages_dumped);
	else if (in->file_size > in->expected_size)
		add(&k->problems, "size", "%llu bytes past the last page: the "
		    "bitmap's %llu set bits account for %llu bytes of page "
		    "data from offset 0x%llx",
		    (unsigned long long)(in->file_size - in->expected_size),
		    (unsigned long long)in->pages_dumped,
		    (unsigned long long)in->pages_dumped * PAGE,
		    (unsigned long long)in->page_data_offset);
	if (!in->page_data_chosen_by_size)
		add(&k->notes, "layout", "the file size fits neither start of "
		    "the page data; assumed 0x%llx (unpadded PTE array)",
		    (unsigned long long)in->page_data_offset);
	else if (in->page_data_rounded)
		add(&k->notes, "layout", "the page data follows a page-rounded "
		    "PTE array (the kernel writes it unpadded)");
}

static int
pa_in_ranges(const struct kvm_arm_info *in, kpaddr_t pa)
{
	for (size_t i = 0; i < in->nranges; i++)
		if (pa >= in->ranges[i].start && pa < in->ranges[i].end)
			return 1;
	return 0;
}

/* Close the open run of r, reporting it in f. */
static void
flush_run(struct check *k, struct page_run *r, struct findings *f)
{
	const char *what;

	if (r->kind == NULL)
		return;
	if (++r->runs <= MAX_LINES || k->c->all) {
		what = strcmp(r->kind, "not_dumped") == 0 ? (f == &k->notes ?
		    "mapped but not in the dump (the bitmap bit is clear; a "
		    "version 1 dump has no ranges to tell device memory from "
		    "RAM)" : "mapped but not in the dump (the bitmap bit is "
		    "clear)") :
		    strcmp(r->kind, "pa_zero") == 0 ? "mapped to physical "
		    "page 0, which FreeBSD/arm never dumps" :
		    strcmp(r->kind, "page_truncated") == 0 ? "in the bitmap "
		    "but past the end of the file" : "mapped to physical "
		    "memory outside the dump's ranges (device memory?)";
		add(f, r->kind, "0x%08llx-0x%08llx (pa 0x%08llx, %llu "
		    "page%s): %s", (unsigned long long)r->va,
		    (unsigned long long)(r->va + r->pages * PAGE),
		    (unsigned long long)r->pa, (unsigned long long)r->pages,
		    r->pages == 1 ? "" : "s", what);
	}
	r->total_pages += r->pages;
	r->last_kind = r->kind;
	r->kind = NULL;
}

/* Extend r with page p, or start a new run. */
static void
note_page(struct check *k, struct page_run *r, struct findings *f,
    const char *kind, const struct kvm_page *p)
{
	if (r->kind != NULL && p->kp_kmap_vaddr == r->va + r->pages * PAGE) {
		r->pages++;
		return;
	}
	flush_run(k, r, f);
	r->kind = kind;
	r->va = p->kp_kmap_vaddr;
	r->pa = p->kp_paddr;
	r->pages = 1;
}

static int
page_cb(struct kvm_page *p, void *arg)
{
	struct check *k = arg;
	const struct kvm_arm_info *in = &k->c->info;

	progress_update(&k->p, (p->kp_kmap_vaddr - in->kernbase) / PAGE);
	if (p->kp_offset < 0) {
		/* The arm writer skips pa 0 (its is_dumpable): not a loss. */
		if (p->kp_paddr < PAGE)
			note_page(k, &k->pa_zero, &k->notes, "pa_zero", p);
		else if (pa_in_ranges(in, p->kp_paddr))
			note_page(k, &k->not_dumped, strcmp(in->container,
			    "minidump") == 0 && in->layout_version == 1 ?
			    &k->notes : &k->problems, "not_dumped", p);
		else
			note_page(k, &k->outside, &k->notes, "not_in_ranges",
			    p);
	} else if ((uint64_t)p->kp_offset + PAGE > k->payload_end) {
		note_page(k, &k->cut, &k->problems, "page_truncated", p);
	}
	return 1;
}

/*
 * After MAX_LINES runs, one line for the rest, of the runs' own kind so a
 * script filtering by kind sees it; it is not a problem of its own, so it
 * is marked and left out of the count.
 */
static void
summarize_runs(struct check *k, struct page_run *r, struct findings *f)
{
	struct finding *s;

	flush_run(k, r, f);
	if (r->runs <= MAX_LINES || k->c->all)
		return;
	f->elided += r->runs - MAX_LINES;
	s = add(f, r->last_kind, "%llu more runs of such pages (%llu pages "
	    "in all)", (unsigned long long)(r->runs - MAX_LINES),
	    (unsigned long long)r->total_pages);
	if (s != NULL) {
		s->summary = 1;
		f->summaries++;
	}
}

static void
check_pages(struct check *k)
{
	const struct kvm_arm_info *in = &k->c->info;

	k->payload_end = payload_end(in);
	progress_start(&k->p, "check", in->pte_count);
	kvm_walk_pages(k->c->kd, page_cb, k);
	progress_end(&k->p);
	summarize_runs(k, &k->not_dumped, strcmp(in->container, "minidump") ==
	    0 && in->layout_version == 1 ? &k->notes : &k->problems);
	summarize_runs(k, &k->cut, &k->problems);
	summarize_runs(k, &k->outside, &k->notes);
	summarize_runs(k, &k->pa_zero, &k->notes);
}

static void
json_findings(struct json *j, const char *key, const struct findings *f)
{
	json_array(j, key, 0);
	for (size_t i = 0; i < f->n; i++) {
		json_object(j, NULL, 1);
		json_str(j, "kind", f->v[i].kind);
		json_str(j, "detail", f->v[i].detail);
		json_bool(j, "summary", f->v[i].summary);
		json_end(j);
	}
	json_end(j);
}

static int
report(struct check *k)
{
	const struct cli *c = k->c;
	int clean = k->problems.n == 0;
	/* Every problem, listed or summed up. */
	uint64_t count = k->problems.n - k->problems.summaries +
	    k->problems.elided;

	if (c->json) {
		struct json j;

		json_init(&j, stdout);
		json_object(&j, NULL, 0);
		json_str(&j, "file", c->core);
		json_bool(&j, "clean", clean);
		json_uint(&j, "problem_count", count);
		json_findings(&j, "problems", &k->problems);
		json_findings(&j, "notes", &k->notes);
		json_finish(&j);
	} else {
		for (size_t i = 0; i < k->problems.n; i++)
			printf("%s: %s\n", k->problems.v[i].kind,
			    k->problems.v[i].detail);
		for (size_t i = 0; i < k->notes.n; i++)
			printf("note: %s: %s\n", k->notes.v[i].kind,
			    k->notes.v[i].detail);
		if (clean)
			printf("%s: no problems found\n", c->core);
		else
			printf("%s: %llu problem%s found\n", c->core,
			    (unsigned long long)count, count == 1 ? "" : "s");
	}
	free(k->problems.v);
	free(k->notes.v);
	return clean ? EXIT_OK : EXIT_NO;
}

int
cmd_check(struct cli *c)
{
	struct check k;

	memset(&k, 0, sizeof(k));
	k.c = c;
	check_dump_header(&k);
	if (strcmp(k.c->info.container, "minidump") == 0) {
		check_header(&k);
		check_size(&k);
	} else {
		check_elfcore(&k);
	}
	check_format(&k);
	check_pages(&k);
	return report(&k);
}

/*
 * Where the payload starts behind a dump-device header: the header takes
 * one device block, its blocksize (big-endian at offset 60) when that is a
 * power of two from 512 to 64 KiB, else 512, as the library reads it.
 */
static long
payload_start(const unsigned char *kdh)
{
	uint32_t b = (uint32_t)kdh[60] << 24 | (uint32_t)kdh[61] << 16 |
	    (uint32_t)kdh[62] << 8 | kdh[63];

	return b >= 512 && b <= 65536 && (b & (b - 1)) == 0 ? (long)b : 512;
}

/* 1 if the file starts as a minidump, raw or behind a dump-device header. */
static int
looks_like_minidump(const char *path)
{
	/* All 24 bytes: "minidump FreeBSD/arm64" is another architecture's. */
	static const char md[] = "minidump FreeBSD/arm\0\0\0";
	static const char kdh[] = "FreeBSD Kernel Dump";
	unsigned char b[512];
	struct stat st;
	FILE *f;
	size_t n;
	int yes = 0;

	/* A FIFO would block fopen (the library has refused it already). */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(b, 1, sizeof(b), f);
	if (n >= sizeof(md) && memcmp(b, md, sizeof(md)) == 0)
		yes = 1;
	else if (n == sizeof(b) && memcmp(b, kdh, sizeof(kdh)) == 0 &&
	    fseek(f, payload_start(b), SEEK_SET) == 0 &&
	    fread(b, 1, sizeof(md), f) == sizeof(md) &&
	    memcmp(b, md, sizeof(md)) == 0)
		yes = 1;
	fclose(f);
	return yes;
}

int
cmd_check_unopenable(struct cli *c, const char *why)
{
	char errbuf[_POSIX2_LINE_MAX];
	struct check k;
	kvm_t *kd;

	/*
	 * With -N, the kernel may be what failed (missing, not an ELF, the
	 * other byte order): if the dump opens without it, the dump is not
	 * to blame and the input is unreadable, as for every other command.
	 * If it does not, its own reason is the one to report.
	 */
	if (c->kernel != NULL) {
		errbuf[0] = '\0';
		kd = kvm_open2(NULL, c->core, O_RDONLY, errbuf, NULL);
		if (kd != NULL) {
			kvm_close(kd);
			cli_open_error(c, why);
			return EXIT_USAGE;
		}
		why = errbuf;
	}
	/*
	 * A dump whose sections do not fit the file cannot be opened, and
	 * that is exactly what check should find; anything else is simply
	 * unreadable input.
	 */
	if (!looks_like_minidump(c->core)) {
		cli_open_error(c, why);
		return EXIT_USAGE;
	}
	memset(&k, 0, sizeof(k));
	k.c = c;
	add(&k.problems, strstr(why, "truncated") != NULL ? "truncated" :
	    "header", "the dump cannot be opened: %s", why);
	return report(&k);
}
