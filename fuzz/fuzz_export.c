/*
 * fuzz_export.c: libFuzzer target for kvmarm elfcore's work
 * (tools/elfcore_export.c) over mutated dumps: the page runs, the thread
 * and trapframe contexts, the notes, and the core writer.
 *
 * An input is a dump behind one byte that picks the kernel it is opened
 * with (its value modulo the table's size: a fixture kernel, or none).
 * The export goes to an in-memory file, emptied for each input, and is
 * then read back with this file's own few lines of ELF parsing (not the
 * writer's) and checked: a well-formed ELF32 ARM core in the dump's byte
 * order; e_phnum and PN_XNUM consistent; one PT_NOTE then one PT_LOAD per
 * segment the export reports, each inside the file, in VA order, not
 * overlapping another's bytes, together as many bytes as the pages it
 * reports, the first bytes of the first segments equal to kvm_read2's;
 * notes that parse to the end of the PT_NOTE, one NT_PRSTATUS per context
 * with unique positive ids, one NT_PRPSINFO, one libkvm_arm facts text.
 * Any violation aborts.  The export is capped at MAX_PAGES pages (a
 * mutated page table can alias one page at a million VAs), so each input
 * is a bounded amount of work.  Run from the repository root (make fuzz
 * does), where the fixtures are.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tools/elfcore_export.h"
#include "endian.h"
#include "fuzz_file.h"
#include "kvm_arm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAGES	1024
#define CHECK_LOADS	8	/* segments whose bytes are compared */
#define CHECK_BYTES	64

/* Byte 0 of an input, modulo the table's size, picks the kernel. */
static const char *const kernels[] = {
	"fixtures/threads-le.kernel",		/* 0 */
	"fixtures/threads-be.kernel",		/* 1 */
	"fixtures/threads-dwarf.kernel",	/* 2 */
	"fixtures/armv7-v2.kernel",		/* 3 */
	"fixtures/armv5-v1-be.kernel",		/* 4 */
	"fixtures/elfcore-v6-be.kernel",	/* 5 */
	"fixtures/lpae-v2.kernel",		/* 6 */
	"fixtures/old-v1.kernel",		/* 7 */
	"fixtures/wrapped-v2-be.kernel",	/* 8 */
	NULL,					/* 9: no kernel */
};
#define NKERNELS	(sizeof(kernels) / sizeof(kernels[0]))

static struct fuzz_file core_file, out_file;

#define CHECK(cond)	do { if (!(cond)) fail(#cond, __LINE__); } while (0)

static void
fail(const char *what, int line)
{
	fprintf(stderr, "fuzz_export: the exported core breaks %s (line %d)\n",
	    what, line);
	abort();
}

/* The core as read back, in its byte order. */
struct elf {
	const unsigned char *b;
	uint64_t size;
	int be;
};

static uint32_t
get(const struct elf *e, uint64_t off, int n)
{
	CHECK(off <= e->size && (uint64_t)n <= e->size - off);
	return n == 2 ? load16(e->b + off, e->be) : load32(e->b + off, e->be);
}
#define U16(e, off)	get(e, off, 2)
#define U32(e, off)	get(e, off, 4)

static int
by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

struct span {
	uint64_t off, len;
};

static int
by_off(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* The PT_NOTE's notes: counts, and the NT_PRSTATUS ids into ids. */
static void
check_notes(const struct elf *e, uint64_t off, uint64_t len,
    const struct elfcore_export_report *r)
{
	uint64_t end = off + len;
	size_t prstatus = 0, prpsinfo = 0, facts = 0;
	uint32_t *ids = malloc((r->contexts ? r->contexts : 1) * sizeof(*ids));

	CHECK(ids != NULL);
	while (off < end) {
		uint32_t namesz, descsz, type;
		uint64_t name, desc;

		CHECK(end - off >= 12);
		namesz = U32(e, off);
		descsz = U32(e, off + 4);
		type = U32(e, off + 8);
		name = off + 12;
		desc = name + ((namesz + 3ull) & ~3ull);
		off = desc + ((descsz + 3ull) & ~3ull);
		CHECK(off <= end);
		CHECK(namesz >= 1 && e->b[name + namesz - 1] == '\0');
		CHECK(memchr(e->b + name, '\0', namesz) ==
		    e->b + name + namesz - 1);
		if (strcmp((const char *)e->b + name, "CORE") == 0) {
			if (type == 1) {	/* NT_PRSTATUS */
				CHECK(descsz == 148);
				CHECK(prstatus < r->contexts);
				ids[prstatus] = U32(e, desc + 24);
				CHECK(ids[prstatus] > 0 &&
				    ids[prstatus] <= INT32_MAX);
				prstatus++;
			} else {
				CHECK(type == 3 && descsz == 124);
				prpsinfo++;
			}
		} else if (strcmp((const char *)e->b + name, "libkvm_arm") == 0) {
			const char *text = (const char *)e->b + desc;
			char want[64];

			CHECK(descsz >= 1 && text[descsz - 1] == '\0' &&
			    strlen(text) == descsz - 1);
			snprintf(want, sizeof(want), "\nthreads %zu\n",
			    r->threads);
			CHECK(strstr(text, want) != NULL);
			facts++;
		} else {
			CHECK(strcmp((const char *)e->b + name, "LINUX") == 0 &&
			    descsz == 0);
		}
	}
	CHECK(prstatus == r->contexts && prpsinfo == 1 && facts == 1);
	qsort(ids, prstatus, sizeof(*ids), by_u32);
	for (size_t i = 1; i < prstatus; i++)
		CHECK(ids[i] != ids[i - 1]);	/* one debugger thread each */
	free(ids);
}

static void
check_core(kvm_t *kd, const struct elf *e, int big_endian,
    const struct elfcore_export_report *r)
{
	uint64_t nph, phoff, notes_end = 0, data = 0, last_va = 0, file_end;
	struct span *spans;
	size_t nspans = 0, loads = 0;

	CHECK(e->size >= 52 && memcmp(e->b, "\177ELF", 4) == 0);
	CHECK(e->b[4] == 1 && e->b[5] == (big_endian ? 2 : 1) && e->b[6] == 1);
	CHECK(U16(e, 16) == 4 && U16(e, 18) == 40 && U32(e, 20) == 1);
	CHECK(U16(e, 40) == 52 && U16(e, 42) == 32);
	phoff = U32(e, 28);
	nph = U16(e, 44);
	if (nph == 0xffff) {		/* PN_XNUM: section 0's sh_info */
		uint64_t shoff = U32(e, 32);

		CHECK(U16(e, 46) == 40 && U16(e, 48) >= 1 && shoff != 0);
		nph = U32(e, shoff + 28);
		CHECK(nph >= 0xffff);
	} else {
		CHECK(U16(e, 48) == 0);
	}
	CHECK(nph == 1 + r->segments);
	CHECK(phoff >= 52 && phoff <= e->size && nph <= (e->size - phoff) / 32);
	spans = malloc(nph * sizeof(*spans));
	CHECK(spans != NULL);
	file_end = phoff + nph * 32;
	for (uint64_t i = 0; i < nph; i++) {
		uint64_t ph = phoff + 32 * i;
		uint32_t type = U32(e, ph), off = U32(e, ph + 4);
		uint32_t va = U32(e, ph + 8), filesz = U32(e, ph + 16);
		uint32_t memsz = U32(e, ph + 20);

		CHECK((uint64_t)off + filesz <= e->size);
		if ((uint64_t)off + filesz > file_end)
			file_end = (uint64_t)off + filesz;
		if (i == 0) {		/* the notes come first */
			CHECK(type == 4);
			check_notes(e, off, filesz, r);
			notes_end = (uint64_t)off + filesz;
			continue;
		}
		CHECK(type == 1);	/* PT_LOAD */
		CHECK(filesz == memsz && filesz > 0);
		CHECK((uint64_t)va + memsz <= UINT64_C(0x100000000));
		CHECK(loads == 0 || va >= last_va);	/* VA order, no overlap */
		last_va = (uint64_t)va + memsz;
		CHECK(off >= notes_end);
		spans[nspans++] = (struct span){ off, filesz };
		data += filesz;
		if (loads++ < CHECK_LOADS) {
			unsigned char want[CHECK_BYTES];
			size_t n = filesz < CHECK_BYTES ? filesz : CHECK_BYTES;

			CHECK(kvm_read2(kd, va, want, n) == (ssize_t)n);
			CHECK(memcmp(e->b + off, want, n) == 0);
		}
	}
	qsort(spans, nspans, sizeof(*spans), by_off);
	for (size_t i = 1; i < nspans; i++)
		CHECK(spans[i - 1].off + spans[i - 1].len <= spans[i].off);
	free(spans);
	CHECK(data == r->pages * 4096);
	CHECK(e->size == file_end || (loads == 0 && e->size >= file_end));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[_POSIX2_LINE_MAX], why[1024];
	struct elfcore_export_opts o = { .max_pages = MAX_PAGES };
	struct elfcore_export_report r;
	struct kvm_arm_info info;
	struct stat st;
	struct elf e;
	unsigned char *buf;
	const char *core;
	kvm_t *kd;
	int rc;

	if (size == 0)
		return 0;
	o.kernel = kernels[data[0] % NKERNELS];
	core = fuzz_file_put(&core_file, "core", data + 1, size - 1);
	fuzz_file_put(&out_file, "out", NULL, 0);
	err[0] = '\0';
	kd = kvm_open2(o.kernel, core, O_RDONLY, err, NULL);
	if (kd == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (kvm_arm_info(kd, &info) != 0)
		abort();
	why[0] = '\0';
	rc = elfcore_export(kd, out_file.fd, &o, &r, why, sizeof(why));
	if (rc != 0) {
		/* A dump that cannot be exported says why; nothing else. */
		if (why[0] == '\0' || rc != ELFCORE_EXPORT_WRITE)
			abort();
		kvm_close(kd);
		return 0;
	}
	if (getenv("FUZZ_EXPORT_SHOW") != NULL)	/* when reproducing */
		fprintf(stderr, "fuzz_export: %s: %llu pages%s, %zu segments, "
		    "%zu contexts (%zu threads), walk %d\n",
		    o.kernel ? o.kernel : "no kernel",
		    (unsigned long long)r.pages, r.capped ? " (capped)" : "",
		    r.segments, r.contexts, r.threads, r.walk);
	CHECK(r.pages <= MAX_PAGES && r.threads <= r.contexts);
	CHECK(r.walk >= 0 || r.threads == 0);
	if (fstat(out_file.fd, &st) != 0)
		abort();
	e.size = (uint64_t)st.st_size;
	e.be = info.big_endian;
	buf = malloc(e.size ? e.size : 1);
	if (buf == NULL || pread(out_file.fd, buf, e.size, 0) != (ssize_t)e.size)
		abort();
	e.b = buf;
	check_core(kd, &e, info.big_endian, &r);
	free(buf);
	kvm_close(kd);
	return 0;
}
