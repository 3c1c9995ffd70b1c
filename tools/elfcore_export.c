/*
 * elfcore_export.c: a dump as an ELF core (see elfcore_export.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contexts.h"
#include "elfcore_export.h"
#include "elfcore_write.h"
#include "kvmarm.h"		/* fput_text, payload_end */

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
	kvm_t *kd;
	const struct elfcore_export_opts *o;
	struct elfcore_export_report *r;
	struct kvm_arm_info info;
	struct ecore core;
	struct run run;
	off_t data_end;		/* kp_offset a page must end by to be in the file */
	int oom;
	struct dump_contexts cs;	/* the register sets (contexts.h) */
	const struct dump_context **order;	/* cs in NT_PRSTATUS order */
	uint64_t copied, total;	/* segment bytes put, and to put */
	char *err;		/* why writing failed */
	size_t errlen;
};

static int
flush_run(struct export *x)
{
	struct run *r = &x->run;

	if (r->open && ecore_add_load(&x->core, r->va, r->pa, r->len, r->prot,
	    (uint64_t)r->offset) != 0)
		x->oom = 1;
	if (r->open)
		x->total += r->len;
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
		x->r->past_end++;
		return 1;
	}
	if (x->o->max_pages != 0 && x->r->pages >= x->o->max_pages) {
		x->r->capped = 1;
		return 0;
	}
	x->r->pages++;
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

/* The segment holding va (segments are added in VA order), or NULL. */
static const struct ecore_load *
load_at(const struct ecore *e, kvaddr_t va)
{
	size_t lo = 0, hi = e->nloads;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ecore_load *l = &e->loads[mid];

		if (va < l->vaddr)
			hi = mid;
		else if (va >= l->vaddr + l->size)
			lo = mid + 1;
		else
			return l;
	}
	return NULL;
}

static void
progress(struct export *x)
{
	if (x->o->progress != NULL)
		x->o->progress(x->o->progress_arg, x->copied / 4096,
		    x->r->pages);
}

/*
 * The second walk, in file order: each page's bytes go to its place in
 * its segment.  (Both walks see the same dumped pages; ecore_end checks
 * that as many bytes came as the segments hold.)  With max_pages, it
 * stops once that many have: the rest of the dump is not read (and a read
 * error there not seen).
 */
static int
page_data_cb(const struct kvm_page *p, const void *data, void *arg)
{
	struct export *x = arg;
	const struct ecore_load *l = load_at(&x->core, p->kp_kmap_vaddr);

	if (l == NULL)
		return 1;
	if (ecore_put(&x->core, l->offset + (p->kp_kmap_vaddr - l->vaddr),
	    data, p->kp_len, x->err, x->errlen) != 0)
		return 0;
	x->copied += p->kp_len;
	progress(x);
	return x->o->max_pages == 0 || x->copied < x->total;
}

/* The core's bytes: headers and notes, then the pages in file order. */
static int
write_core(struct export *x, int fd)
{
	int r;

	x->err[0] = '\0';
	if (ecore_begin(&x->core, fd, x->err, x->errlen) != 0)
		return -1;
	r = kvm_arm_walk_pages_fileorder(x->kd, page_data_cb, x);
	if (x->err[0] != '\0')
		return -1;
	if (r < 0) {
		snprintf(x->err, x->errlen, "%s", kvm_geterr(x->kd));
		return -1;
	}
	return ecore_end(&x->core, x->err, x->errlen);
}

/* The kernel file's name, as gdb compares it with NT_PRPSINFO's. */
static const char *
base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return path == NULL ? "kernel" : slash ? slash + 1 : path;
}

/*
 * The libkvm_arm note: "key value" lines, for tools that want the facts
 * a debugger has no place for.  Facts of the dump, never of its file, so
 * that a compressed copy exports the same bytes.
 */
static int
add_facts(struct export *x, const struct kvm_arm_panic *p, int have_panic)
{
	const struct kvm_arm_info *in = &x->info;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL)
		return -1;
	fprintf(f, "container %s\nmmu %s\n", in->container,
	    in->mmuformat_name);
	if (have_panic) {
		if (p->panicked) {
			fputs("panic ", f);
			fput_text(f, p->panicstr);
			fputc('\n', f);
		}
		fputs("version ", f);
		fput_text(f, p->version);
		fprintf(f, "\ndumptid %d\n", p->dumptid);
	}
	fprintf(f, "threads %zu\n", x->r->threads);
	/* Ids that are not a thread's tid: "context ID TID TRAPFRAME KIND". */
	for (size_t i = 0; i < x->cs.n; i++) {
		const struct dump_context *e = x->order[i];

		if (e->is_trapframe)
			fprintf(f, "context %d %d 0x%08llx %s\n", e->id,
			    e->tid, (unsigned long long)e->trapframe,
			    e->trapframe_kind);
		else if (e->id != e->tid)
			fprintf(f, "renamed %d %d\n", e->id, e->tid);
	}
	/* ELF32's p_paddr cannot hold an LPAE address past 4 GiB. */
	for (size_t i = 0; i < x->core.nloads; i++) {
		const struct ecore_load *l = &x->core.loads[i];

		if (l->paddr > UINT32_MAX)
			fprintf(f, "paddr 0x%08llx 0x%llx\n",
			    (unsigned long long)l->vaddr,
			    (unsigned long long)l->paddr);
	}
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return -1;
	}
	rc = ecore_add_note(&x->core, NOTE_NAME_KVM_ARM, NT_KVM_ARM_FACTS,
	    text, len + 1);
	free(text);
	return rc;
}

/*
 * The register sets in the order of the core's NT_PRSTATUS notes: each
 * kernel thread (the crashed one first, as dump_contexts_load lists them),
 * then right after it the contexts of the trapframes on its stack,
 * innermost first, so that in gdb the thread after the crashed one is its
 * faulting function.  The list has every thread, then every trapframe, in
 * thread order; a trapframe belongs to the thread whose struct thread and
 * tid it carries (the walk never gives a struct thread twice).  0, or -1
 * when out of memory.
 */
static int
order_contexts(struct export *x)
{
	const struct dump_contexts *cs = &x->cs;
	size_t n = 0, k, threads = 0;

	x->order = malloc((cs->n ? cs->n : 1) * sizeof(*x->order));
	if (x->order == NULL)
		return -1;
	while (threads < cs->n && !cs->v[threads].is_trapframe)
		threads++;
	k = threads;
	for (size_t i = 0; i < threads; i++) {
		x->order[n++] = &cs->v[i];
		while (k < cs->n && cs->v[k].thread == cs->v[i].thread &&
		    cs->v[k].tid == cs->v[i].tid)
			x->order[n++] = &cs->v[k++];
	}
	while (k < cs->n)	/* none, by the above; kept, not lost */
		x->order[n++] = &cs->v[k++];
	x->r->threads = threads;
	return 0;
}

/*
 * The notes: NT_PRPSINFO (the "process" is the kernel: its file's name,
 * so gdb finds the core matches it, and its version string, which gdb
 * shows as "Core was generated by"), one NT_PRSTATUS per register set
 * (see order_contexts), then the libkvm_arm facts.  Without kernel
 * threads gdb still reads the memory; it just has no registers.
 */
static int
add_notes(struct export *x)
{
	struct kvm_arm_panic p;
	int have_panic = x->o->kernel != NULL &&
	    kvm_arm_panic(x->kd, &p) == 0;
	int32_t pid = x->cs.n > 0 ? x->order[0]->pid : 0;

	if (ecore_add_prpsinfo(&x->core, pid, base_name(x->o->kernel),
	    have_panic && p.version[0] ? p.version : "kernel") != 0)
		return -1;
	for (size_t i = 0; i < x->cs.n; i++)
		if (ecore_add_prstatus(&x->core, x->order[i]->id, 0,
		    &x->order[i]->regs, DUMP_CONTEXT_CPSR_PCB) != 0)
			return -1;
	return add_facts(x, &p, have_panic);
}

int
elfcore_export(kvm_t *kd, int fd, const struct elfcore_export_opts *o,
    struct elfcore_export_report *r, char *err, size_t errlen)
{
	struct export x = { .kd = kd, .o = o, .r = r, .err = err,
	    .errlen = errlen };
	int rc = ELFCORE_EXPORT_NOMEM;

	memset(r, 0, sizeof(*r));
	if (kvm_arm_info(kd, &x.info) != 0) {
		snprintf(err, errlen, "%s", kvm_geterr(kd));
		return ELFCORE_EXPORT_WRITE;
	}
	ecore_init(&x.core, x.info.big_endian);
	x.data_end = (off_t)payload_end(&x.info);
	kvm_walk_pages(kd, page_cb, &x);
	if (!flush_run(&x) || dump_contexts_load(kd, &x.cs) != 0 ||
	    order_contexts(&x) != 0 || add_notes(&x) != 0) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	r->segments = x.core.nloads;
	r->contexts = x.cs.n;
	r->renamed = x.cs.renamed;
	r->walk = x.cs.walk;
	snprintf(r->why, sizeof(r->why), "%s", x.cs.why);
	r->unwind_failed = x.cs.unwind_failed;
	snprintf(r->unwind_why, sizeof(r->unwind_why), "%s", x.cs.unwind_why);
	progress(&x);
	rc = write_core(&x, fd) == 0 ? 0 : ELFCORE_EXPORT_WRITE;
done:
	free(x.order);
	dump_contexts_free(&x.cs);
	ecore_free(&x.core);
	return rc;
}
