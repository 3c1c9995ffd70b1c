/*
 * elfcore_write.h: an ELF32 ARM core file that stock debuggers open.
 *
 * Debian's gdb-multiarch has no FreeBSD OS ABI handler, so the core is
 * written the way a Linux ARM core is: EI_OSABI 0, e_flags EABI5, notes
 * named "CORE" laid out as Linux's struct elf_prstatus / elf_prpsinfo.
 * One NT_PRSTATUS makes one thread ("LWP <pid>") in gdb, lldb and drgn.
 *
 * The caller adds memory segments (PT_LOAD) and notes, then calls
 * ecore_begin, ecore_put (bytes at an offset in the core, in any order;
 * consecutive ones are written in 1 MiB pieces) and ecore_end.  The data
 * are laid out in the order of each segment's key (the caller's input file
 * offset, so that the input is read front to back); the program headers
 * stay in the order added.
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
	uint64_t offset;		/* in the core, set by ecore_begin */
};

struct ecore {
	int big_endian;
	struct ecore_load *loads;
	size_t nloads, loadcap;
	unsigned char *notes;
	size_t noteslen, notescap;
	/* While writing: */
	size_t *order;			/* loads in data (key) order */
	int fd;
	unsigned char *buf;		/* bytes for bufoff.. not yet written */
	size_t buflen;
	uint64_t bufoff, written;
};

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
 * Each returns 0, or -1 with one line in err: the write error (errno's
 * text: "File too large", "No space left on device"), or for ecore_end,
 * segment bytes never put.
 */
/* Lay the core out, write its headers and notes to fd. */
int ecore_begin(struct ecore *e, int fd, char *err, size_t errlen);
/* len bytes of segment data at offset off of the core. */
int ecore_put(struct ecore *e, uint64_t off, const void *data, size_t len,
    char *err, size_t errlen);
/* Write what is buffered; check that the segments' byte count was put. */
int ecore_end(struct ecore *e, char *err, size_t errlen);

#endif /* KVMARM_ELFCORE_WRITE_H */
