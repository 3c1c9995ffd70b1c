/*
 * elfcore_write.h: an ELF32 ARM core file that stock debuggers open.
 *
 * Debian's gdb-multiarch has no FreeBSD OS ABI handler, so the core is
 * written the way a Linux ARM core is: EI_OSABI 0, e_flags EABI5, notes
 * named "CORE" laid out as Linux's struct elf_prstatus / elf_prpsinfo.
 * One NT_PRSTATUS makes one thread ("LWP <pid>") in gdb, lldb and drgn.
 *
 * The caller adds memory segments (PT_LOAD) and notes, then ecore_write
 * puts the ELF header, program headers and notes first and asks the
 * caller for each segment's bytes, in the order of each segment's key
 * (the caller's input file offset, so that the input is read front to
 * back).  The program headers themselves stay in the order added.
 */
#ifndef KVMARM_ELFCORE_WRITE_H
#define KVMARM_ELFCORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

struct ecore_load {
	uint64_t vaddr, size;
	uint64_t paddr;			/* p_paddr 0 when past 4 GiB (LPAE) */
	unsigned int prot;		/* KVM_PROT_* */
	uint64_t key;			/* data are written in key order */
	uint64_t offset;		/* in the core, set by ecore_write */
};

struct ecore {
	int big_endian;
	struct ecore_load *loads;
	size_t nloads, loadcap;
	unsigned char *notes;
	size_t noteslen, notescap;
};

/*
 * Give len bytes of load l from byte off of it into buf; 0, or -1 with
 * a reason in why (whylen bytes).
 */
typedef int ecore_fill_fn(void *arg, const struct ecore_load *l, uint64_t off,
    unsigned char *buf, size_t len, char *why, size_t whylen);

void ecore_init(struct ecore *e, int big_endian);
void ecore_free(struct ecore *e);

/* Each returns 0, or -1 when out of memory. */
int ecore_add_load(struct ecore *e, uint64_t vaddr, uint64_t paddr,
    uint64_t size, unsigned int prot, uint64_t key);
int ecore_add_note(struct ecore *e, const char *name, uint32_t type,
    const void *desc, size_t len);

/*
 * NT_PRSTATUS for thread id tid: the registers regs->valid marks (others
 * 0), and cpsr when marked, else cpsr_default.
 */
int ecore_add_prstatus(struct ecore *e, int32_t tid, unsigned int cursig,
    const struct kvm_arm_regs *regs, uint32_t cpsr_default);
/* NT_PRPSINFO: fname is cut at 16 bytes (no NUL then), args at 79. */
int ecore_add_prpsinfo(struct ecore *e, int32_t pid, const char *fname,
    const char *args);

/* Bytes of the core's header, program headers and notes. */
uint64_t ecore_header_size(const struct ecore *e);
/* Bytes of the whole core. */
uint64_t ecore_total_size(const struct ecore *e);

/*
 * Write the core to fd from its current offset.  Returns 0, or -1 with
 * one line in err: the write error (errno's text: "File too large", "No
 * space left on device") or the fill callback's reason.
 */
int ecore_write(struct ecore *e, int fd, ecore_fill_fn *fill, void *arg,
    char *err, size_t errlen);

#endif /* KVMARM_ELFCORE_WRITE_H */
