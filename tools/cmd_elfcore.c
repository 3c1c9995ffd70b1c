/*
 * cmd_elfcore.c: kvmarm elfcore [-f] OUT: the dump as an ELF core that
 * gdb-multiarch, lldb and drgn open as they are.
 *
 * Memory: one PT_LOAD per run of dumped kernel pages contiguous in VA, in
 * physical address and in the input file, with one protection (p_vaddr
 * the KVA, p_paddr the PA).  Pages mapped but not in the dump (or past the
 * end of a truncated one) are left out, so a debugger says it cannot read
 * them rather than showing zeros.  The segments' bytes are copied in input
 * file order, so a gzip core is decompressed about once.
 *
 * Notes: see add_notes.  The file appears under OUT only when complete
 * (outfile.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "elfcore_write.h"
#include "kvmarm.h"
#include "outfile.h"
#include "progress.h"

/* The note of this project's own facts (a text of "key value" lines). */
#define NOTE_NAME_KVM_ARM	"libkvm_arm"
#define NT_KVM_ARM_FACTS	0x4b564d41	/* "KVMA": no type BFD reads whatever the owner */

struct run {
	int open;
	kvaddr_t va;
	kpaddr_t pa;
	off_t offset;
	unsigned int prot;
	uint64_t len;
};

struct export {
	struct cli *c;
	struct ecore core;
	struct run run;
	off_t data_end;		/* kp_offset a page must end by to be in the file */
	uint64_t pages, past_end;
	int oom;
	char no_threads[512];	/* why the export has no thread, or "" */
	struct progress p;
	uint64_t copied;
};

static int
flush_run(struct export *x)
{
	struct run *r = &x->run;

	if (r->open && ecore_add_load(&x->core, r->va, r->pa, r->len, r->prot,
	    (uint64_t)r->offset) != 0)
		x->oom = 1;
	r->open = 0;
	return !x->oom;
}

static int
page_cb(struct kvm_page *p, void *arg)
{
	struct export *x = arg;
	struct run *r = &x->run;

	if (p->kp_offset < 0)
		return 1;
	if (p->kp_offset > x->data_end - (off_t)p->kp_len) {
		x->past_end++;
		return 1;
	}
	x->pages++;
	if (r->open && p->kp_prot == r->prot &&
	    p->kp_kmap_vaddr == r->va + r->len &&
	    p->kp_paddr == r->pa + r->len &&
	    p->kp_offset == r->offset + (off_t)r->len) {
		r->len += p->kp_len;
		return 1;
	}
	if (!flush_run(x))
		return 0;
	*r = (struct run){
		.open = 1, .va = p->kp_kmap_vaddr, .pa = p->kp_paddr,
		.offset = p->kp_offset, .prot = p->kp_prot, .len = p->kp_len,
	};
	return 1;
}

/* ecore_write's source of segment bytes: the dump's memory at the VA. */
static int
fill(void *arg, const struct ecore_load *l, uint64_t off, unsigned char *buf,
    size_t len, char *why, size_t whylen)
{
	struct export *x = arg;
	ssize_t got = kvm_read2(x->c->kd, l->vaddr + off, buf, len);

	if (got < 0 || (size_t)got != len) {
		snprintf(why, whylen, "reading 0x%08llx: %s",
		    (unsigned long long)(l->vaddr + off + (got > 0 ? got : 0)),
		    kvm_geterr(x->c->kd));
		return -1;
	}
	x->copied += len;
	progress_update(&x->p, x->copied / 4096);
	return 0;
}

/* Text appended to a growing note descriptor; 0, or -1 out of memory. */
struct text {
	char *s;
	size_t len, cap;
};

static int
text_add(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL,
		    t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (t->s != NULL && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return 0;
		}
		size_t cap = t->cap ? t->cap * 2 : 1024;
		while (cap <= t->len + (size_t)n)
			cap *= 2;
		char *s = realloc(t->s, cap);
		if (s == NULL)
			return -1;
		t->s = s;
		t->cap = cap;
	}
}

/*
 * The notes: NT_PRPSINFO (the "process" is the kernel), then the
 * libkvm_arm facts.  With no kernel threads to describe, gdb still reads
 * the memory; it just has no registers.
 */
static int
add_notes(struct export *x)
{
	const struct kvm_arm_info *in = &x->c->info;
	struct text t = { 0 };
	int rc = -1;

	if (ecore_add_prpsinfo(&x->core, 0, "kernel", "kernel") != 0)
		return -1;
	/* Facts of the dump, not of its file: a gzip copy exports the same. */
	if (text_add(&t, "container %s\nmmu %s\n", in->container,
	    in->mmuformat_name) != 0)
		goto out;
	/* ELF32's p_paddr cannot hold an LPAE address past 4 GiB. */
	for (size_t i = 0; i < x->core.nloads; i++) {
		const struct ecore_load *l = &x->core.loads[i];

		if (l->paddr > UINT32_MAX && text_add(&t, "paddr 0x%08llx "
		    "0x%llx\n", (unsigned long long)l->vaddr,
		    (unsigned long long)l->paddr) != 0)
			goto out;
	}
	rc = ecore_add_note(&x->core, NOTE_NAME_KVM_ARM, NT_KVM_ARM_FACTS,
	    t.s, t.len + 1);
out:
	free(t.s);
	return rc;
}

int
cmd_elfcore(struct cli *c)
{
	const char *inputs[] = { c->core, c->kernel };
	struct export x = { .c = c };
	struct outfile out;
	char err[1024];
	int rc = EXIT_USAGE;

	ecore_init(&x.core, c->info.big_endian);
	/* Payload offsets of a compressed core count from its start. */
	x.data_end = (off_t)(c->info.file_size +
	    (strcmp(c->info.compression, "none") == 0 ?
	    c->info.payload_offset : 0));
	if (outfile_open(&out, c->args[0], c->force, inputs, 2, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "kvmarm: %s\n", err);
		ecore_free(&x.core);
		return EXIT_USAGE;
	}
	kvm_walk_pages(c->kd, page_cb, &x);
	if (!flush_run(&x) || add_notes(&x) != 0) {
		cli_error(c, "out of memory");
		goto fail;
	}
	snprintf(x.no_threads, sizeof(x.no_threads), "no kernel threads "
	    "in the export: memory only");

	progress_start(&x.p, "elfcore", x.pages);
	if (ecore_write(&x.core, out.fd, fill, &x, err, sizeof(err)) != 0) {
		progress_end(&x.p);
		fprintf(stderr, "kvmarm: %s: %s\n", out.path, err);
		goto fail;
	}
	progress_end(&x.p);
	if (outfile_commit(&out, err, sizeof(err)) != 0) {
		fprintf(stderr, "kvmarm: %s\n", err);
		goto done;
	}
	/* What the export lacks, said once it exists. */
	if (x.past_end > 0)
		cli_error(c, "note: %llu dumped pages are past the end of the "
		    "truncated file and left out",
		    (unsigned long long)x.past_end);
	if (x.no_threads[0] != '\0')
		cli_error(c, "note: %s", x.no_threads);
	rc = EXIT_OK;
	goto done;
fail:
	outfile_discard(&out);
done:
	ecore_free(&x.core);
	return rc;
}
