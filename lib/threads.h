/*
 * threads.h: where the fields the thread walker reads live in a kernel's
 * struct proc, struct thread and struct pcb.
 *
 * FreeBSD 11 and later export these offsets as `const int` variables for
 * debuggers without DWARF (proc_off_p_comm, ...); older kernels are read
 * through the DWARF of their kernel.debug.  Either way the walker sees one
 * struct.
 */
#ifndef KVM_ARM_THREADS_H
#define KVM_ARM_THREADS_H

#include <stdint.h>

#include "kvm_private.h"

struct thread_layout {
	uint32_t p_comm, p_list, p_pid, p_threads;
	uint32_t td_name, td_oncpu, td_pcb, td_plist, td_tid;
	uint32_t pcb_size;
	unsigned int oncpu_size;	/* 4 (int, FreeBSD 11+) or 1 (u_char) */
	const char *source;		/* "exported offsets" or "DWARF" */
};

/*
 * Fill *l from the kernel's exported variables, else from its DWARF.
 * 0, or -1 with the reason (what is missing) in kd's error buffer.
 */
int thread_layout_load(kvm_t *kd, struct thread_layout *l);

/* thread_layout_dwarf.c: the same from DWARF; 0, or -1 with why filled. */
int thread_layout_from_dwarf(kvm_t *kd, struct thread_layout *l, char *why,
    size_t whylen);

#endif
