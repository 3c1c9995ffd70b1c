/*
 * threads.c: every kernel thread of a dump and the registers it saved, the
 * way kgdb lists them: allproc's processes (then zombproc's, on kernels
 * that still have it), each process's p_threads, and for each thread the
 * pcb its registers are in.
 *
 * A dump is evidence of a crash, so the lists are not trusted: every
 * address read is checked by kvm_read2 (a pointer outside the dump ends
 * the list), every proc and thread seen is remembered (a list that loops
 * ends there), and the whole walk is bounded.  The threads read before
 * the damage are still handed to the caller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "threads.h"

/*
 * More processes and threads than a 32-bit kernel's memory could hold (a
 * struct thread is well over 1 KiB): the walk's hard bound, and so the
 * bound of what it remembers (16 MiB of addresses at most).
 */
#define THREADS_MAX	(1u << 20)

/* struct proc and struct thread hold pointers: 4-byte aligned at least. */
#define STRUCT_ALIGN	4u

/* The addresses already visited: open addressing, grown by doubling. */
struct seen {
	uint64_t *slot;		/* 0 = empty (0 is never a struct's address) */
	size_t mask, count;
};

/* 1 if va was new (and is now remembered), 0 if seen, -1 out of memory. */
static int
seen_add(struct seen *s, uint64_t va)
{
	size_t i;

	if (s->count * 2 >= s->mask) {
		size_t n = s->mask ? (s->mask + 1) * 2 : 256;
		uint64_t *t = calloc(n, sizeof(*t));
		if (t == NULL)
			return -1;
		for (size_t k = 0; s->slot != NULL && k <= s->mask; k++) {
			if (s->slot[k] == 0)
				continue;
			for (i = (s->slot[k] * 0x9e3779b97f4a7c15u >> 20) &
			    (n - 1); t[i] != 0; i = (i + 1) & (n - 1))
				;
			t[i] = s->slot[k];
		}
		free(s->slot);
		s->slot = t;
		s->mask = n - 1;
	}
	for (i = (va * 0x9e3779b97f4a7c15u >> 20) & s->mask; s->slot[i] != 0;
	    i = (i + 1) & s->mask)
		if (s->slot[i] == va)
			return 0;
	s->slot[i] = va;
	s->count++;
	return 1;
}

/* What the walk needs besides the layout, read once. */
struct walk {
	kvm_t *kd;
	struct thread_layout l;
	int dumptid;			/* -1 when unknown */
	kvaddr_t dumppcb;
	int have_stop;			/* stoppcbs, stopped_cpus, mp_maxid */
	kvaddr_t stoppcbs, stopped_cpus;
	uint32_t mp_maxid;
	struct seen seen;
	unsigned int count;
	char warning[_POSIX2_LINE_MAX];	/* the first damage found */
};

static int
symbol_u32(kvm_t *kd, const char *name, uint32_t *v)
{
	kvaddr_t va;

	return kvm_symbol(kd, name, &va) == 0 ? kvm_read_u32(kd, va, v) : -1;
}

/*
 * Why the last read failed, for a message that already names the core: a
 * reader's error may start with the core's name too, said once is enough.
 */
static const char *
read_error(kvm_t *kd)
{
	const char *e = kvm_geterr(kd);
	size_t n = strlen(kd->corefile);

	if (strncmp(e, kd->corefile, n) == 0 && strncmp(e + n, ": ", 2) == 0)
		return e + n + 2;
	return e;
}

/* Remember the first damage; later ones are consequences or repeats. */
static void
warn(struct walk *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
warn(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->warning[0] != '\0')
		return;
	n = snprintf(w->warning, sizeof(w->warning), "%s: ", w->kd->corefile);
	if (n < 0 || (size_t)n >= sizeof(w->warning))
		return;
	va_start(ap, fmt);
	vsnprintf(w->warning + n, sizeof(w->warning) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A char[20] name field, NUL-terminated whatever the dump holds. */
static int
read_name(kvm_t *kd, kvaddr_t va, char out[20])
{
	if (kvm_read2(kd, va, out, 20) != 20)
		return -1;
	out[19] = '\0';
	return 0;
}

/* kgdb's rule: dumppcb, else the stop IPI's save, else td_pcb. */
static void
choose_pcb(struct walk *w, struct kvm_arm_thread *t, kvaddr_t td_pcb)
{
	uint32_t word;

	t->pcb_kind = KVM_ARM_PCB_TD_PCB;
	t->pcb = td_pcb;
	if (w->dumptid >= 0 && t->tid == w->dumptid) {
		t->pcb_kind = KVM_ARM_PCB_DUMPPCB;
		t->pcb = w->dumppcb;
	} else if (w->have_stop && t->oncpu >= 0 &&
	    (uint32_t)t->oncpu <= w->mp_maxid &&
	    kvm_read_u32(w->kd, w->stopped_cpus + 4 * ((uint32_t)t->oncpu / 32),
	    &word) == 0 && (word >> (t->oncpu % 32) & 1)) {
		t->pcb_kind = KVM_ARM_PCB_STOPPCBS;
		t->pcb = w->stoppcbs + (kvaddr_t)t->oncpu * w->l.pcb_size;
	}
	t->pcb_name = t->pcb_kind == KVM_ARM_PCB_DUMPPCB ? "dumppcb" :
	    t->pcb_kind == KVM_ARM_PCB_STOPPCBS ? "stoppcbs" : "td_pcb";
}

/* r4..r12, sp, lr, pc: the switchframe at the start of every arm pcb. */
static void
read_pcb_regs(kvm_t *kd, kvaddr_t pcb, struct kvm_arm_regs *r)
{
	unsigned char b[48];

	memset(r, 0, sizeof(*r));
	if (pcb == 0 || kvm_read2(kd, pcb, b, sizeof(b)) != sizeof(b))
		return;
	for (int i = 0; i < 12; i++)
		r->r[4 + i] = load32(b + 4 * i, kd->big_endian);
	r->valid = KVM_ARM_REGS_PCB;
}

/*
 * One process's threads.  Returns 1 to go on, 0 when the callback stopped
 * the walk, -1 on a fatal error (out of memory).
 */
static int
walk_proc_threads(struct walk *w, kvaddr_t p, int pid, const char *comm,
    int zombie, kvm_arm_thread_cb_t *cb, void *arg)
{
	kvm_t *kd = w->kd;
	const struct thread_layout *l = &w->l;
	uint32_t td;

	if (kvm_read_u32(kd, p + l->p_threads, &td) != 0) {
		warn(w, "cannot read the thread list of pid %d (proc 0x%llx)",
		    pid, (unsigned long long)p);
		return 1;
	}
	while (td != 0) {
		struct kvm_arm_thread t;
		uint32_t tid, pcb, next, oncpu32 = 0;
		unsigned char oncpu8;
		int r;

		if (td % STRUCT_ALIGN != 0) {
			warn(w, "the thread list of pid %d points to 0x%llx, "
			    "misaligned for a struct thread", pid,
			    (unsigned long long)td);
			return 1;
		}
		if ((r = seen_add(&w->seen, td)) <= 0) {
			if (r < 0)
				return -1;
			warn(w, "the thread list of pid %d loops back to thread "
			    "0x%llx", pid, (unsigned long long)td);
			return 1;
		}
		if (++w->count > THREADS_MAX) {
			warn(w, "more than %u processes and threads: the lists "
			    "must be corrupt", THREADS_MAX);
			return 1;
		}
		memset(&t, 0, sizeof(t));
		if (kvm_read_u32(kd, td + l->td_tid, &tid) != 0 ||
		    read_name(kd, td + l->td_name, t.name) != 0 ||
		    kvm_read_u32(kd, td + l->td_pcb, &pcb) != 0 ||
		    kvm_read_u32(kd, td + l->td_plist, &next) != 0 ||
		    (l->oncpu_size == 4 ?
		    kvm_read_u32(kd, td + l->td_oncpu, &oncpu32) :
		    kvm_read2(kd, td + l->td_oncpu, &oncpu8, 1) == 1 ?
		    (oncpu32 = oncpu8 == 0xff ? UINT32_MAX : oncpu8, 0) :
		    -1) != 0) {
			warn(w, "cannot read struct thread at 0x%llx (pid %d): "
			    "%s", (unsigned long long)td, pid, read_error(kd));
			return 1;
		}
		t.pid = pid;
		t.tid = (int)tid;
		memcpy(t.comm, comm, sizeof(t.comm));
		t.oncpu = (int32_t)oncpu32 < 0 ? -1 : (int)oncpu32;
		t.crashed = w->dumptid >= 0 && t.tid == w->dumptid;
		t.zombie = zombie;
		t.proc = p;
		t.thread = td;
		choose_pcb(w, &t, pcb);
		read_pcb_regs(kd, t.pcb, &t.regs);
		if (!cb(&t, arg))
			return 0;
		td = next;
	}
	return 1;
}

/* One list of processes (allproc or zombproc); as walk_proc_threads. */
static int
walk_procs(struct walk *w, const char *list, int zombie,
    kvm_arm_thread_cb_t *cb, void *arg)
{
	kvm_t *kd = w->kd;
	const struct thread_layout *l = &w->l;
	kvaddr_t head;
	uint32_t p;

	if (kvm_symbol(kd, list, &head) != 0)
		return 1;
	if (kvm_read_u32(kd, head, &p) != 0) {
		warn(w, "cannot read %s at 0x%llx: %s", list,
		    (unsigned long long)head, read_error(kd));
		return 1;
	}
	while (p != 0) {
		char comm[20];
		uint32_t pid, next;
		int r;

		if (p % STRUCT_ALIGN != 0) {
			warn(w, "%s points to 0x%llx, misaligned for a struct "
			    "proc", list, (unsigned long long)p);
			return 1;
		}
		if ((r = seen_add(&w->seen, p)) <= 0) {
			if (r < 0)
				return -1;
			warn(w, "%s loops back to proc 0x%llx", list,
			    (unsigned long long)p);
			return 1;
		}
		if (++w->count > THREADS_MAX) {
			warn(w, "more than %u processes and threads: the lists "
			    "must be corrupt", THREADS_MAX);
			return 1;
		}
		if (kvm_read_u32(kd, p + l->p_pid, &pid) != 0 ||
		    read_name(kd, p + l->p_comm, comm) != 0 ||
		    kvm_read_u32(kd, p + l->p_list, &next) != 0) {
			warn(w, "%s: cannot read struct proc at 0x%llx: %s",
			    list, (unsigned long long)p, read_error(kd));
			return 1;
		}
		r = walk_proc_threads(w, p, (int)pid, comm, zombie, cb, arg);
		if (r <= 0)
			return r;
		p = next;
	}
	return 1;
}

int
kvm_arm_walk_threads(kvm_t *kd, kvm_arm_thread_cb_t *cb, void *arg)
{
	struct walk w;
	kvaddr_t va;
	uint32_t v;
	int r;

	if (kd == NULL || cb == NULL)
		return -1;
	memset(&w, 0, sizeof(w));
	w.kd = kd;
	if (kd->symtab == NULL && kd->resolver == NULL) {
		kvm_err(kd, "%s: listing threads needs the kernel ELF (-N)",
		    kd->corefile);
		return -1;
	}
	if (kvm_symbol(kd, "allproc", &va) != 0 ||
	    kvm_symbol(kd, "dumppcb", &w.dumppcb) != 0) {
		kvm_err(kd, "%s: the kernel has no %s: not a FreeBSD kernel, or "
		    "a stripped one (try its kernel.debug)", kd->corefile,
		    kvm_symbol(kd, "allproc", &va) != 0 ? "allproc" :
		    "dumppcb");
		return -1;
	}
	if (thread_layout_load(kd, &w.l) != 0)
		return -1;
	w.dumptid = symbol_u32(kd, "dumptid", &v) == 0 ? (int)v : -1;
	w.have_stop = kvm_symbol(kd, "stoppcbs", &w.stoppcbs) == 0 &&
	    kvm_symbol(kd, "stopped_cpus", &w.stopped_cpus) == 0 &&
	    symbol_u32(kd, "mp_maxid", &w.mp_maxid) == 0;
	r = walk_procs(&w, "allproc", 0, cb, arg);
	if (r > 0)
		r = walk_procs(&w, "zombproc", 1, cb, arg);
	free(w.seen.slot);
	if (r < 0) {
		kvm_err(kd, "%s: out of memory listing threads", kd->corefile);
		return -1;
	}
	if (r == 0) {
		kd->errbuf[0] = '\0';
		return 0;
	}
	if (w.warning[0] != '\0') {
		kvm_err(kd, "%s", w.warning);
		return 0;
	}
	return 1;
}

/* A C string of the kernel's, up to len - 1 bytes, cut where it stops. */
static void
read_string(kvm_t *kd, kvaddr_t va, char *out, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		size_t chunk = KVM_PAGE_SIZE - (size_t)((va + n) & KVM_PAGE_MASK);
		if (chunk > len - 1 - n)
			chunk = len - 1 - n;
		if (kvm_read2(kd, va + n, out + n, chunk) != (ssize_t)chunk)
			break;
		if (memchr(out + n, '\0', chunk) != NULL)
			return;
		n += chunk;
	}
	out[n] = '\0';
}

int
kvm_arm_panic(kvm_t *kd, struct kvm_arm_panic *p)
{
	kvaddr_t va;
	uint32_t v;
	size_t n;

	if (kd == NULL || p == NULL)
		return -1;
	memset(p, 0, sizeof(*p));
	p->dumptid = -1;
	if (kd->symtab == NULL && kd->resolver == NULL) {
		kvm_err(kd, "%s: the panic string needs the kernel ELF (-N)",
		    kd->corefile);
		return -1;
	}
	if (kvm_symbol(kd, "panicstr", &va) != 0) {
		kvm_err(kd, "%s: the kernel has no panicstr: not a FreeBSD "
		    "kernel, or a stripped one", kd->corefile);
		return -1;
	}
	if (kvm_read_u32(kd, va, &v) != 0) {
		char why[_POSIX2_LINE_MAX];

		/* Copied first: kvm_err writes over what kvm_geterr returns. */
		snprintf(why, sizeof(why), "%s", read_error(kd));
		kvm_err(kd, "%s: cannot read panicstr at 0x%llx: %s",
		    kd->corefile, (unsigned long long)va, why);
		return -1;
	}
	if (v != 0) {
		p->panicked = 1;
		read_string(kd, v, p->panicstr, sizeof(p->panicstr));
	}
	if (kvm_symbol(kd, "version", &va) == 0)
		read_string(kd, va, p->version, sizeof(p->version));
	n = strlen(p->version);
	while (n > 0 && (p->version[n - 1] == '\n' || p->version[n - 1] == ' '))
		p->version[--n] = '\0';
	if (symbol_u32(kd, "dumptid", &v) == 0)
		p->dumptid = (int)v;
	return 0;
}
