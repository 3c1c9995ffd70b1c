/*
 * elfcore_export.h: a dump as an ELF core that gdb-multiarch, lldb and
 * drgn open as they are (kvmarm elfcore's work, without its command line,
 * so that a fuzzer can drive it too).
 *
 * Memory: one PT_LOAD per run of dumped kernel pages contiguous in VA, in
 * physical address and in the input file, with one protection (p_vaddr
 * the KVA, p_paddr the PA).  Pages mapped but not in the dump (or past the
 * end of a truncated one) are left out, so a debugger says it cannot read
 * them rather than showing zeros.  The segments' bytes are copied in input
 * file order (kvm_arm_walk_pages_fileorder), so a gzip core is
 * decompressed about once.
 *
 * Registers: one NT_PRSTATUS per context of contexts.h (the gdb stub's
 * list, under the same ids): each kernel thread, the crashed one first,
 * and right after each thread the contexts of the trapframes on its stack,
 * innermost first.  Then an NT_PRPSINFO and the libkvm_arm facts note
 * (elfcore_export.c says what it holds).
 */
#ifndef KVMARM_ELFCORE_EXPORT_H
#define KVMARM_ELFCORE_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

struct elfcore_export_opts {
	const char *kernel;	/* the kernel ELF's path as opened, or NULL:
				   NT_PRPSINFO's name; without it, no panic
				   facts */
	uint64_t max_pages;	/* 0: every dumped page; else the first
				   max_pages in VA order, and the input is
				   read only until their bytes are in (a
				   bound on the work, for fuzzing) */
	/* Called with 0 done before the data are written, then as pages are
	 * (done and total count 4 KiB pages); NULL for none. */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/* What the export holds and what it lacks, for the caller to say. */
struct elfcore_export_report {
	uint64_t pages;		/* dumped pages in the core */
	uint64_t past_end;	/* dumped pages past the end of a truncated
				   file, left out */
	int capped;		/* max_pages stopped the page walk */
	size_t segments;	/* PT_LOADs */
	size_t contexts;	/* NT_PRSTATUS notes */
	size_t threads;		/* of which kernel threads */
	size_t renamed;		/* threads given a fresh id (contexts.h) */
	int walk;		/* the thread walk: 1 complete, 0 cut short,
				   -1 none (why says why) */
	char why[256];
	size_t unwind_failed;	/* threads whose unwind could not start */
	char unwind_why[256];	/* the first one's reason */
};

#define ELFCORE_EXPORT_NOMEM	(-1)	/* out of memory, nothing written */
#define ELFCORE_EXPORT_WRITE	(-2)	/* writing the core failed */

/*
 * Write kd's dump as an ELF core to fd (positioned writes from offset 0;
 * fd empty).  Returns 0 with *r filled, or ELFCORE_EXPORT_NOMEM or
 * ELFCORE_EXPORT_WRITE with one line in err: the write error (errno's
 * text), the dump's read error (kvm_geterr: "CORE: ..."), or the segment
 * bytes that never came.
 */
int elfcore_export(kvm_t *kd, int fd, const struct elfcore_export_opts *o,
    struct elfcore_export_report *r, char *err, size_t errlen);

#endif /* KVMARM_ELFCORE_EXPORT_H */
