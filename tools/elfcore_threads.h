/*
 * elfcore_threads.h: the register sets an exported core carries, one
 * NT_PRSTATUS (one debugger thread) each.
 *
 * Every kernel thread gives one, from its pcb, under its own tid; the
 * crashed thread comes first, so debuggers select it.  Each trapframe the
 * unwinder (kvm_arm_unwind) crosses on a thread's stack gives one more,
 * right after that thread's: the interrupted context (r0..r15 and cpsr
 * from the trapframe), so that a debugger that cannot unwind through a
 * trapframe by itself (gdb) shows the faulting function and its callers
 * as a thread of their own.  Ids must be unique
 * and positive for gdb: a thread whose tid repeats an earlier one's (a
 * corrupt list) or is not positive gets a fresh id, as an extra context
 * does.  Fresh ids are allocated upward from one above the highest tid in
 * the dump (so none can clash with a real thread), wrapping to the lowest
 * unused ids only if that would pass 2^31-1.
 */
#ifndef KVMARM_ELFCORE_THREADS_H
#define KVMARM_ELFCORE_THREADS_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

struct ectx {
	int32_t id;			/* pr_pid in the core: gdb's LWP */
	int tid, pid;			/* the kernel thread's td_tid, p_pid */
	int crashed;
	int extra;			/* a trapframe's interrupted context */
	kvaddr_t trapframe;		/* its address, when extra */
	char kind[24];			/* "data abort", ..., when extra */
	char comm[20], name[20];
	struct kvm_arm_regs regs;
};

struct ethreads {
	struct ectx *v;
	size_t n, cap;
	int walk;		/* kvm_arm_walk_threads's result */
	char why[512];		/* why the walk failed or ended early, or "" */
	size_t threads;		/* kernel threads (the others are extra) */
	size_t renamed;		/* threads whose tid could not be their id */
	size_t unwind_failed;	/* threads kvm_arm_unwind could not start */
	char unwind_why[512];	/* the first such failure */
};

/* Walk kd's threads into t.  0, or -1 when out of memory. */
int ethreads_gather(kvm_t *kd, struct ethreads *t);
void ethreads_free(struct ethreads *t);

#endif /* KVMARM_ELFCORE_THREADS_H */
