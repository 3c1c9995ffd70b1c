/*
 * elfcore_threads.c: the register sets of an exported core (see
 * elfcore_threads.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfcore_threads.h"

static struct ectx *
push(struct ethreads *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct ectx *v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

struct gather {
	struct ethreads *t;
	int oom;
};

static int
on_thread(const struct kvm_arm_thread *th, void *arg)
{
	struct gather *g = arg;
	struct ectx *x = push(g->t);

	if (x == NULL) {
		g->oom = 1;
		return 0;
	}
	x->tid = th->tid;
	x->pid = th->pid;
	x->crashed = th->crashed;
	memcpy(x->comm, th->comm, sizeof(x->comm));
	memcpy(x->name, th->name, sizeof(x->name));
	x->comm[sizeof(x->comm) - 1] = x->name[sizeof(x->name) - 1] = '\0';
	x->regs = th->regs;
	return 1;
}

/* The crashed thread first, the others in walk order. */
static void
crashed_first(struct ethreads *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].crashed) {
			struct ectx c = t->v[i];

			memmove(&t->v[1], &t->v[0], i * sizeof(t->v[0]));
			t->v[0] = c;
			return;
		}
	}
}

static int
cmp_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* Fresh ids: above every tid, else (at 2^31-1) the lowest unused. */
struct idgen {
	int32_t *used;		/* sorted tids kept as ids */
	size_t nused;
	int64_t next;
};

static int32_t
fresh_id(struct idgen *g)
{
	for (;;) {
		int32_t id;

		if (g->next > INT32_MAX)
			g->next = 1;
		id = (int32_t)g->next++;
		if (bsearch(&id, g->used, g->nused, sizeof(id), cmp_int32) ==
		    NULL)
			return id;
	}
}

static const struct ectx *sort_v;

/* By tid, then by position: the first thread with a tid keeps it. */
static int
by_tid(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int x = sort_v[i].tid, y = sort_v[j].tid;

	if (sort_v[i].extra != sort_v[j].extra)
		return sort_v[i].extra - sort_v[j].extra;
	if (x != y)
		return (x > y) - (x < y);
	return (i > j) - (i < j);
}

static int
assign_ids(struct ethreads *t)
{
	struct idgen g = { .next = 1 };
	size_t *order = malloc((t->n ? t->n : 1) * sizeof(*order));

	g.used = malloc((t->n ? t->n : 1) * sizeof(*g.used));
	if (order == NULL || g.used == NULL) {
		free(order);
		free(g.used);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++)
		order[i] = i;
	sort_v = t->v;
	qsort(order, t->n, sizeof(*order), by_tid);
	/*
	 * A tid is its own id unless it is not positive or came before (extra
	 * contexts sort last and never keep one).
	 */
	for (size_t k = 0; k < t->n; k++) {
		struct ectx *x = &t->v[order[k]];

		if (x->extra || x->tid <= 0 ||
		    (k > 0 && t->v[order[k - 1]].tid == x->tid))
			continue;
		x->id = x->tid;
		g.used[g.nused++] = x->tid;	/* ascending */
		g.next = (int64_t)x->tid + 1;
	}
	free(order);
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].id == 0) {
			t->v[i].id = fresh_id(&g);
			t->renamed += !t->v[i].extra;
		}
	}
	free(g.used);
	return 0;
}

struct contexts {
	struct ethreads *t;
	const struct ectx *thread;	/* a copy: t->v moves as it grows */
	int oom;
};

/* A frame reached through a trapframe: the context it interrupted. */
static int
on_frame(const struct kvm_arm_frame *f, void *arg)
{
	struct contexts *c = arg;
	struct ectx *x;

	if (!f->trapframe)
		return 1;
	if ((x = push(c->t)) == NULL) {
		c->oom = 1;
		return 0;
	}
	*x = *c->thread;
	x->crashed = 0;
	x->extra = 1;
	x->trapframe = f->trapframe_addr;
	snprintf(x->kind, sizeof(x->kind), "%s",
	    f->trapframe_kind ? f->trapframe_kind : "trap");
	x->regs = f->regs;
	return 1;
}

/*
 * After each thread, the contexts of the trapframes on its stack; the
 * threads are already in order, so the list is rebuilt.
 */
static int
add_contexts(kvm_t *kd, struct ethreads *t)
{
	struct ectx *threads = t->v;
	size_t n = t->n;
	int oom = 0;

	t->v = NULL;
	t->n = t->cap = 0;
	for (size_t i = 0; i < n && !oom; i++) {
		struct contexts c = { .t = t, .thread = &threads[i] };
		struct ectx *x = push(t);
		char why[256];

		if (x == NULL) {
			oom = 1;
			break;
		}
		*x = threads[i];
		if ((threads[i].regs.valid & KVM_ARM_REGS_PCB) !=
		    KVM_ARM_REGS_PCB)
			continue;
		why[0] = '\0';
		if (kvm_arm_unwind(kd, &threads[i].regs, on_frame, &c, why,
		    sizeof(why)) < 0 && t->unwind_failed++ == 0)
			snprintf(t->unwind_why, sizeof(t->unwind_why), "%s",
			    kvm_geterr(kd));
		oom = c.oom;
	}
	free(threads);
	return oom ? -1 : 0;
}

int
ethreads_gather(kvm_t *kd, struct ethreads *t)
{
	struct gather g = { .t = t };

	memset(t, 0, sizeof(*t));
	t->walk = kvm_arm_walk_threads(kd, on_thread, &g);
	if (g.oom)
		return -1;
	if (t->walk != 1)
		snprintf(t->why, sizeof(t->why), "%s", kvm_geterr(kd));
	t->threads = t->n;
	crashed_first(t);
	if (add_contexts(kd, t) != 0)
		return -1;
	return assign_ids(t);
}

void
ethreads_free(struct ethreads *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
