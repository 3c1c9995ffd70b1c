/*
 * cmd_elfcore.c: kvmarm elfcore [-f] OUT: the dump as an ELF core that
 * gdb-multiarch, lldb and drgn open as they are.
 *
 * Memory: one PT_LOAD per run of dumped kernel pages contiguous in VA, in
 * physical address and in the input file, with one protection (p_vaddr
 * the KVA, p_paddr the PA).  Pages mapped but not in the dump (or past the
 * end of a truncated one) are left out, so a debugger says it cannot read
 * them rather than showing zeros.  The segments' bytes are copied in input
 * file order (kvm_arm_walk_pages_fileorder), so a gzip core is
 * decompressed about once.
 *
 * Notes: see add_notes.  The file appears under OUT only when complete
 * (outfile.c).
 */
#include <stdlib.h>
#include <string.h>

#include "contexts.h"
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
	struct dump_contexts cs;	/* the register sets (contexts.h) */
	const struct dump_context **order;	/* cs in NT_PRSTATUS order */
	size_t threads;			/* kernel threads in cs */
	struct progress p;
	uint64_t copied;
	char err[1024];		/* why writing failed */
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

/* A library message without the "CORE: " cli_error puts in front. */
static const char *
unprefixed(const struct cli *c, const char *msg)
{
	size_t n = strlen(c->core);

	if (strncmp(msg, c->core, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		return msg + n + 2;
	return msg;
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

/*
 * The second walk, in file order: each page's bytes go to its place in
 * its segment.  (Both walks see the same dumped pages; ecore_end checks
 * that every segment byte came.)
 */
static int
page_data_cb(const struct kvm_page *p, const void *data, void *arg)
{
	struct export *x = arg;
	const struct ecore_load *l = load_at(&x->core, p->kp_kmap_vaddr);

	if (l == NULL)
		return 1;
	if (ecore_put(&x->core, l->offset + (p->kp_kmap_vaddr - l->vaddr),
	    data, p->kp_len, x->err, sizeof(x->err)) != 0)
		return 0;
	x->copied += p->kp_len;
	progress_update(&x->p, x->copied / 4096);
	return 1;
}

/* The core's bytes: headers and notes, then the pages in file order. */
static int
write_core(struct export *x, int fd)
{
	int r;

	x->err[0] = '\0';
	if (ecore_begin(&x->core, fd, x->err, sizeof(x->err)) != 0)
		return -1;
	r = kvm_arm_walk_pages_fileorder(x->c->kd, page_data_cb, x);
	if (x->err[0] != '\0')
		return -1;
	if (r < 0) {
		snprintf(x->err, sizeof(x->err), "%s",
		    unprefixed(x->c, kvm_geterr(x->c->kd)));
		return -1;
	}
	return ecore_end(&x->core, x->err, sizeof(x->err));
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
	const struct kvm_arm_info *in = &x->c->info;
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
	fprintf(f, "threads %zu\n", x->threads);
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
	size_t n = 0, k;

	x->order = malloc((cs->n ? cs->n : 1) * sizeof(*x->order));
	if (x->order == NULL)
		return -1;
	while (x->threads < cs->n && !cs->v[x->threads].is_trapframe)
		x->threads++;
	k = x->threads;
	for (size_t i = 0; i < x->threads; i++) {
		x->order[n++] = &cs->v[i];
		while (k < cs->n && cs->v[k].thread == cs->v[i].thread &&
		    cs->v[k].tid == cs->v[i].tid)
			x->order[n++] = &cs->v[k++];
	}
	while (k < cs->n)	/* none, by the above; kept, not lost */
		x->order[n++] = &cs->v[k++];
	return 0;
}

/*
 * The notes: NT_PRPSINFO (the "process" is the kernel: its file's name,
 * so gdb finds the core matches it, and its version string, which gdb
 * shows as "Core was generated by"), one NT_PRSTATUS per register set
 * (see order_contexts), then the libkvm_arm facts.  Without kernel threads
 * gdb still reads the memory; it just has no registers.
 */
static int
add_notes(struct export *x)
{
	struct kvm_arm_panic p;
	int have_panic = x->c->kernel != NULL &&
	    kvm_arm_panic(x->c->kd, &p) == 0;
	int32_t pid = x->cs.n > 0 ? x->order[0]->pid : 0;

	if (ecore_add_prpsinfo(&x->core, pid, base_name(x->c->kernel),
	    have_panic && p.version[0] ? p.version : "kernel") != 0)
		return -1;
	for (size_t i = 0; i < x->cs.n; i++)
		if (ecore_add_prstatus(&x->core, x->order[i]->id, 0,
		    &x->order[i]->regs, DUMP_CONTEXT_CPSR_PCB) != 0)
			return -1;
	return add_facts(x, &p, have_panic);
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
	if (!flush_run(&x) || dump_contexts_load(c->kd, &x.cs) != 0 ||
	    order_contexts(&x) != 0 || add_notes(&x) != 0) {
		cli_error(c, "out of memory");
		goto fail;
	}

	progress_start(&x.p, "elfcore", x.pages);
	if (write_core(&x, out.fd) != 0) {
		progress_end(&x.p);
		fprintf(stderr, "kvmarm: %s: %s\n", out.path, x.err);
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
	if (x.cs.walk < 0)
		cli_error(c, "note: no kernel threads in the export, memory "
		    "only: %s", unprefixed(c, x.cs.why));
	else if (x.cs.walk == 0)
		cli_error(c, "note: the thread list ended early (%s): %zu "
		    "threads exported", unprefixed(c, x.cs.why), x.threads);
	if (x.cs.unwind_failed > 0)
		cli_error(c, "note: %zu threads not unwound, so their "
		    "trapframes are not exported (%s)", x.cs.unwind_failed,
		    unprefixed(c, x.cs.unwind_why));
	if (x.cs.renamed > 0)
		cli_error(c, "note: %zu threads repeat an earlier tid or have "
		    "none; they have fresh ids (the libkvm_arm note's \"renamed\" "
		    "lines)", x.cs.renamed);
	rc = EXIT_OK;
	goto done;
fail:
	outfile_discard(&out);
done:
	free(x.order);
	dump_contexts_free(&x.cs);
	ecore_free(&x.core);
	return rc;
}
