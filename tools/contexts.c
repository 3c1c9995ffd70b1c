/*
 * contexts.c: the list of register contexts of a dump, with the ids every
 * exporter shows them under (the scheme is in contexts.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contexts.h"

#define PC_SP_LR	(1u << 13 | 1u << 14 | 1u << 15)

/* Fresh ids: up from one above every tid kept; past INT_MAX, from 1 up. */
struct idgen {
	int *used;		/* the tids kept as ids, ascending */
	size_t nused;
	long long next;
};

struct loader {
	kvm_t *kd;
	struct dump_contexts *cs;
	size_t cap;
	int oom;
	int full;
	struct idgen ids;
	/* while unwinding one thread: the index of its context, frames seen */
	size_t parent;
	unsigned int frames;
};

/* A new zeroed entry at the end, or NULL (oom or full set). */
static struct dump_context *
add(struct loader *l)
{
	struct dump_contexts *cs = l->cs;

	if (cs->n >= DUMP_CONTEXTS_MAX) {
		l->full = 1;
		return NULL;
	}
	if (cs->n == l->cap) {
		size_t cap = l->cap == 0 ? 64 : l->cap * 2;
		struct dump_context *v;

		if (cap > DUMP_CONTEXTS_MAX)
			cap = DUMP_CONTEXTS_MAX;
		v = realloc(cs->v, cap * sizeof(*v));
		if (v == NULL) {
			l->oom = 1;
			return NULL;
		}
		cs->v = v;
		l->cap = cap;
	}
	memset(&cs->v[cs->n], 0, sizeof(cs->v[0]));
	return &cs->v[cs->n++];
}

static int
on_thread(const struct kvm_arm_thread *t, void *arg)
{
	struct loader *l = arg;
	struct dump_context *c = add(l);
	int k;

	if (c == NULL)
		return 0;
	c->tid = t->tid;
	c->pid = t->pid;
	c->crashed = t->crashed;
	c->oncpu = t->oncpu;
	c->thread = t->thread;
	c->regs = t->regs;
	if (!(c->regs.valid & 1u << KVM_ARM_REG_CPSR)) {
		c->regs.cpsr = DUMP_CONTEXT_CPSR_PCB;
		c->regs.valid |= 1u << KVM_ARM_REG_CPSR;
		c->cpsr_implied = 1;
	}
	/* comm and name are NUL-terminated by the walk; %.19s bounds them
	 * anyway. */
	snprintf(c->name, sizeof(c->name), "%.19s/%.19s", t->comm, t->name);
	k = snprintf(c->note, sizeof(c->note), "%s",
	    t->crashed ? "crashed" : "");
	if (t->oncpu >= 0)
		snprintf(c->note + k, sizeof(c->note) - (size_t)k, "%son CPU %d",
		    k > 0 ? ", " : "", t->oncpu);
	return 1;
}

static int
on_frame(const struct kvm_arm_frame *f, void *arg)
{
	struct loader *l = arg;
	struct dump_context *c, *p;

	if (++l->frames > DUMP_CONTEXTS_FRAMES)
		return 0;
	if (!f->trapframe)
		return 1;
	if ((c = add(l)) == NULL)
		return 0;
	p = &l->cs->v[l->parent];	/* after add: it may have moved */
	c->tid = p->tid;
	c->pid = p->pid;
	c->oncpu = -1;
	c->thread = p->thread;
	c->is_trapframe = 1;
	c->trapframe = f->trapframe_addr;
	snprintf(c->trapframe_kind, sizeof(c->trapframe_kind), "%s",
	    f->trapframe_kind != NULL ? f->trapframe_kind : "trap");
	c->regs = f->regs;
	memcpy(c->name, p->name, sizeof(c->name));
	snprintf(c->note, sizeof(c->note), "%s trapframe at 0x%08llx, tid %d",
	    c->trapframe_kind, (unsigned long long)c->trapframe, p->tid);
	return 1;
}

static int
by_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
fresh_id(struct idgen *g)
{
	for (;;) {
		int id;

		if (g->next > INT_MAX)
			g->next = 1;
		id = (int)g->next++;
		if (bsearch(&id, g->used, g->nused, sizeof(id), by_int) == NULL)
			return id;
	}
}

/* Sort key for finding repeated tids: the tid, then the list position. */
struct tid_at {
	int tid;
	size_t index;
};

static int
by_tid(const void *a, const void *b)
{
	const struct tid_at *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Ids for the n threads at the start of the list: its tid for the first
 * thread (in list order) with each positive tid, a fresh id for the others.
 * 0, or -1 when out of memory.
 */
static int
thread_ids(struct dump_contexts *cs, size_t n, struct idgen *g)
{
	struct tid_at *s = malloc((n ? n : 1) * sizeof(*s));

	g->next = 1;
	g->used = malloc((n ? n : 1) * sizeof(*g->used));
	if (s == NULL || g->used == NULL) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		s[i].tid = cs->v[i].tid;
		s[i].index = i;
	}
	qsort(s, n, sizeof(*s), by_tid);
	for (size_t i = 0; i < n; i++) {
		struct dump_context *c = &cs->v[s[i].index];

		/* The first in list order of equal tids comes first here. */
		if (c->tid > 0 && (i == 0 || s[i - 1].tid != c->tid)) {
			c->id = c->tid;
			g->used[g->nused++] = c->tid;
			g->next = (long long)c->tid + 1;
		}
	}
	free(s);
	for (size_t i = 0; i < n; i++) {
		if (cs->v[i].id == 0) {
			cs->v[i].id = fresh_id(g);
			cs->renamed++;
		}
	}
	return 0;
}

/* Move the crashed thread (the first one flagged) to the front. */
static void
crashed_first(struct dump_contexts *cs)
{
	size_t i = 0;
	struct dump_context c;

	while (i < cs->n && !cs->v[i].crashed)
		i++;
	if (i == 0 || i == cs->n)
		return;
	c = cs->v[i];
	memmove(&cs->v[1], &cs->v[0], i * sizeof(c));
	cs->v[0] = c;
}

int
dump_contexts_load(kvm_t *kd, struct dump_contexts *cs)
{
	struct loader l;
	size_t nthreads;

	memset(cs, 0, sizeof(*cs));
	memset(&l, 0, sizeof(l));
	l.kd = kd;
	l.cs = cs;
	cs->walk = kvm_arm_walk_threads(kd, on_thread, &l);
	if (l.oom)
		goto oom;
	if (cs->walk < 1) {
		const char *e = kvm_geterr(kd);

		snprintf(cs->why, sizeof(cs->why), "%s", l.full ?
		    "more threads than the listing's limit" :
		    e[0] != '\0' ? e : "the thread walk ended early");
	}
	crashed_first(cs);
	nthreads = cs->n;
	if (thread_ids(cs, nthreads, &l.ids) != 0)
		goto oom;

	for (size_t i = 0; i < nthreads && !l.full; i++) {
		struct kvm_arm_regs regs = cs->v[i].regs;
		size_t first = cs->n;

		if ((regs.valid & PC_SP_LR) != PC_SP_LR)
			continue;
		l.parent = i;
		l.frames = 0;
		/* A failed unwind leaves no trapframes: nothing to list. */
		if (kvm_arm_unwind(kd, &regs, on_frame, &l, NULL, 0) < 0 &&
		    cs->unwind_failed++ == 0)
			snprintf(cs->unwind_why, sizeof(cs->unwind_why), "%s",
			    kvm_geterr(kd));
		if (l.oom)
			goto oom;
		for (size_t k = first; k < cs->n; k++)
			cs->v[k].id = fresh_id(&l.ids);
	}
	free(l.ids.used);
	return 0;
oom:
	free(l.ids.used);
	dump_contexts_free(cs);
	return -1;
}

void
dump_contexts_free(struct dump_contexts *cs)
{
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

const struct dump_context *
dump_contexts_find(const struct dump_contexts *cs, int id)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].id == id)
			return &cs->v[i];
	return NULL;
}
