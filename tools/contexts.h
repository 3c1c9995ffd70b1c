/*
 * contexts.h: the register contexts a debugger sees in a dump, listed once
 * for every exporter (the gdb stub, the ELF core export), so that each shows
 * the same threads under the same ids.
 *
 * The list: the kernel's threads (kvm_arm_walk_threads), the crashed one
 * first, the others in walk order, each with the registers of its pcb; then
 * one context per trapframe the unwinder finds on those threads' stacks
 * (kvm_arm_unwind), with the registers of the context the trap interrupted,
 * in the same thread order, innermost trapframe first.
 *
 * A pcb does not save cpsr; a kernel thread switches in SVC mode, ARM state,
 * so a thread whose cpsr is unknown gets DUMP_CONTEXT_CPSR_PCB, marked
 * valid, with cpsr_implied set (gdb stops unwinding at a frame whose cpsr
 * it does not know).
 *
 * Ids: a thread's id is its tid.  Every other context (each trapframe, and a
 * thread whose tid is not positive or repeats an earlier one's) gets the
 * next id after the largest tid, counting up in list order (past 2^31-1,
 * the lowest id no thread has): never 0 or negative (the remote protocol's
 * "any" and "all"), never a real tid.
 */
#ifndef KVMARM_CONTEXTS_H
#define KVMARM_CONTEXTS_H

#include <stddef.h>

#include "kvm_arm.h"

#define DUMP_CONTEXT_CPSR_PCB	0x13	/* SVC mode, ARM state, flags clear */

struct dump_context {
	int id;				/* the scheme above */
	int tid;			/* the thread's tid; for a trapframe
					   the tid of the thread it is on */
	int pid;
	char name[48];			/* "comm/tdname" (both of the thread
					   it is on, for a trapframe) */
	char note[96];			/* "crashed, on CPU 1", "data abort
					   trapframe at 0xc0a1b2c0, tid
					   100012", or "" (gdb shows it in
					   parentheses after the name) */
	int crashed;			/* the thread that panicked */
	int oncpu;			/* -1: on none */
	int is_trapframe;
	kvaddr_t trapframe;		/* its address when is_trapframe */
	char trapframe_kind[24];	/* "irq", "data abort", ... */
	kvaddr_t thread;		/* the struct thread */
	struct kvm_arm_regs regs;	/* valid says which are known */
	int cpsr_implied;		/* cpsr is DUMP_CONTEXT_CPSR_PCB, not
					   read from the dump */
};

struct dump_contexts {
	struct dump_context *v;
	size_t n;
	int walk;		/* kvm_arm_walk_threads' result: 1 complete,
				   0 cut short, -1 no threads at all */
	char why[256];		/* when walk < 1: why (kvm_geterr) */
	size_t renamed;		/* threads whose tid could not be their id */
	size_t unwind_failed;	/* threads kvm_arm_unwind could not start
				   (their trapframes, if any, are not listed) */
	char unwind_why[256];	/* the first such failure (kvm_geterr) */
};

/* Most contexts listed: a walk gone wild stops here (and says so). */
#define DUMP_CONTEXTS_MAX	(1u << 20)
/* Most frames unwound per thread when looking for trapframes. */
#define DUMP_CONTEXTS_FRAMES	256

/*
 * Fill cs with the dump's contexts.  Returns 0 (cs->n may be 0 when the
 * kernel's threads cannot be walked: cs->walk and cs->why say why), or -1
 * when out of memory.  dump_contexts_free releases it.
 */
int dump_contexts_load(kvm_t *kd, struct dump_contexts *cs);
void dump_contexts_free(struct dump_contexts *cs);

/* The context with this id, or NULL. */
const struct dump_context *dump_contexts_find(const struct dump_contexts *cs,
    int id);

#endif /* KVMARM_CONTEXTS_H */
