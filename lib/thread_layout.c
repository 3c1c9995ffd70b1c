/*
 * thread_layout.c: the offsets of the fields the thread walker reads, from
 * the variables a FreeBSD 11+ kernel exports for debuggers.
 *
 * Each variable is a `const int` whose value (not its address) is the
 * offset.  It is read from the dump when the page is there, else from the
 * kernel ELF's .rodata (the same bytes: the kernel never writes them).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "threads.h"

/* Larger than any struct proc or thread a kernel has had: a sanity cap. */
#define LAYOUT_MAX_OFFSET	65536u

static const struct {
	const char *name;
	size_t field;		/* offsetof(struct thread_layout, ...) */
} exported[] = {
	{ "proc_off_p_comm", offsetof(struct thread_layout, p_comm) },
	{ "proc_off_p_list", offsetof(struct thread_layout, p_list) },
	{ "proc_off_p_pid", offsetof(struct thread_layout, p_pid) },
	{ "proc_off_p_threads", offsetof(struct thread_layout, p_threads) },
	{ "thread_off_td_name", offsetof(struct thread_layout, td_name) },
	{ "thread_off_td_oncpu", offsetof(struct thread_layout, td_oncpu) },
	{ "thread_off_td_pcb", offsetof(struct thread_layout, td_pcb) },
	{ "thread_off_td_plist", offsetof(struct thread_layout, td_plist) },
	{ "thread_off_td_tid", offsetof(struct thread_layout, td_tid) },
	{ "pcb_size", offsetof(struct thread_layout, pcb_size) },
};

/* A kernel int variable: from the dump, else the kernel ELF.  0 or -1. */
static int
read_kernel_int(kvm_t *kd, kvaddr_t va, uint32_t *v)
{
	unsigned char b[4];

	if (kvm_read_u32(kd, va, v) == 0)
		return 0;
	if (kd->symtab == NULL || !symtab_read(kd->symtab, va, b, 4))
		return -1;
	*v = load32(b, kd->big_endian);
	return 0;
}

/* The layout, from the exported variables or DWARF; 0 or -1 (kvm_err). */
static int
layout_read(kvm_t *kd, struct thread_layout *l)
{
	char why[512];
	const char *first_missing = NULL;
	size_t n = sizeof(exported) / sizeof(exported[0]);

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		kvaddr_t va;
		uint32_t v;

		if (kvm_symbol(kd, exported[i].name, &va) != 0) {
			first_missing = exported[i].name;
			break;
		}
		if (read_kernel_int(kd, va, &v) != 0) {
			kvm_err(kd, "%s: cannot read %s at 0x%llx, in neither "
			    "the dump nor the kernel", kd->corefile,
			    exported[i].name, (unsigned long long)va);
			return -1;
		}
		if (v > LAYOUT_MAX_OFFSET) {
			kvm_err(kd, "%s: %s is %u, not a plausible struct %s",
			    kd->corefile, exported[i].name, v,
			    strcmp(exported[i].name, "pcb_size") == 0 ? "size" :
			    "offset");
			return -1;
		}
		memcpy((char *)l + exported[i].field, &v, sizeof(v));
	}
	if (first_missing == NULL) {
		if (l->pcb_size < 48) {
			kvm_err(kd, "%s: pcb_size is %u, smaller than the 48 "
			    "bytes of saved registers", kd->corefile,
			    l->pcb_size);
			return -1;
		}
		l->oncpu_size = 4;
		l->source = "exported offsets";
		return 0;
	}
	/* No exported offsets (before FreeBSD 11): the kernel's DWARF. */
	if (thread_layout_from_dwarf(kd, l, why, sizeof(why)) == 0) {
		l->source = "DWARF";
		return 0;
	}
	kvm_err(kd, "%s: the kernel has no %s (FreeBSD 11+ exports the thread "
	    "offsets) and %s", kd->corefile, first_missing, why);
	return -1;
}

/*
 * Read once per handle: a kernel.debug's DWARF takes a while to search,
 * and info, ps and bt each walk the threads.
 */
int
thread_layout_load(kvm_t *kd, struct thread_layout *l)
{
	if (kd->layout == NULL) {
		struct thread_layout *c = malloc(sizeof(*c));

		if (c == NULL) {
			kvm_err(kd, "%s: out of memory", kd->corefile);
			return -1;
		}
		if (layout_read(kd, c) != 0) {
			free(c);
			return -1;
		}
		kd->layout = c;
	}
	*l = *kd->layout;
	return 0;
}
