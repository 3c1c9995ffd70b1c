/*
 * elfcore_threads.h: the register sets an exported core carries, one
 * NT_PRSTATUS (one debugger thread) each.
 *
 * Every kernel thread gives one, from its pcb, under its own tid; the
 * crashed thread comes first, so debuggers select it.  Ids must be unique
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
	char comm[20], name[20];
	struct kvm_arm_regs regs;
};

struct ethreads {
	struct ectx *v;
	size_t n, cap;
	int walk;		/* kvm_arm_walk_threads's result */
	char why[512];		/* why the walk failed or ended early, or "" */
	size_t renamed;		/* threads whose tid could not be their id */
};

/* Walk kd's threads into t.  0, or -1 when out of memory. */
int ethreads_gather(kvm_t *kd, struct ethreads *t);
void ethreads_free(struct ethreads *t);

#endif /* KVMARM_ELFCORE_THREADS_H */
