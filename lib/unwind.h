/*
 * unwind.h: the unwinder's pieces below kvm_arm_unwind: the EHABI opcode
 * decoder and interpreter, the .ARM.exidx/.ARM.extab lookup, and the DWARF
 * CFI step for functions without an EHABI entry.  Private (the unit tests
 * reach it through the static library).
 *
 * The opcodes are those of ARM's "Exception Handling ABI for the Arm
 * Architecture" (EHABI), section 10.3.  r13 of a register set is the
 * virtual stack pointer (vsp) while they run.
 */
#ifndef KVM_ARM_UNWIND_H
#define KVM_ARM_UNWIND_H

#include <elfutils/libdw.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm_arm.h"

/* A compact entry: 3 bytes; a long one: 2 + 255 words of 4. */
#define EHABI_MAX_OPS	1024

/* What one opcode (1 to a few bytes) asks for. */
enum ehabi_kind {
	EA_VSP,			/* vsp += delta (also VFP/iWMMX pops: skipped) */
	EA_POP,			/* pop the registers in mask, lowest first */
	EA_SET_VSP,		/* vsp = r[reg] */
	EA_FINISH,
	EA_REFUSE,		/* 0x80 0x00: refuse to unwind */
	EA_BAD,			/* spare/reserved, or cut short: an error */
};

struct ehabi_action {
	enum ehabi_kind kind;
	int64_t delta;		/* EA_VSP: bytes */
	uint16_t mask;		/* EA_POP: bit n is r[n] */
	unsigned reg;		/* EA_SET_VSP */
	size_t len;		/* bytes the opcode takes */
	const char *what;	/* EA_BAD: "spare", "reserved", "truncated",
				   "overlong" (a uleb128 past 32 bits) */
};

/* Decode the opcode at ops[0] (n > 0 bytes left); returns a.len. */
size_t ehabi_decode(const unsigned char *ops, size_t n, struct ehabi_action *a);

/* Read a 32-bit word of target memory: 0, or -1 when it cannot be read. */
typedef int ehabi_read_fn(void *ctx, uint32_t addr, uint32_t *value);

#define EHABI_OK	0
#define EHABI_REFUSED	1	/* refuse-to-unwind, or EXIDX_CANTUNWIND */
#define EHABI_ERROR	-1	/* a bad entry: why says */
#define EHABI_NOREAD	-2	/* memory unreadable: why names the address */

/*
 * Run n opcode bytes on regs (r[13] is vsp; a popped register becomes
 * valid).  At the end (finish, or the bytes run out) pc is lr unless pc
 * was popped.  Returns EHABI_OK, or another EHABI_* with why set.
 */
int ehabi_execute(const unsigned char *ops, size_t n, struct kvm_arm_regs *regs,
    ehabi_read_fn *rd, void *ctx, char *why, size_t whylen);

/* A kernel's unwind index and table: section bytes as in the file. */
struct ehabi_tables {
	const unsigned char *exidx;	/* .ARM.exidx: 8-byte entries */
	size_t exidx_len;
	uint32_t exidx_addr;
	const unsigned char *extab;	/* .ARM.extab */
	size_t extab_len;
	uint32_t extab_addr;
	int big_endian;			/* entries are data: BE in a BE8 kernel */
};

struct ehabi_entry {
	uint32_t fn;		/* the function's start (from the prel31) */
	uint32_t word;		/* the entry's second word */
	uint32_t word_addr;	/* where that word is */
};

/* The entry covering pc (binary search): 1 and *e, or 0 when none does. */
int ehabi_find(const struct ehabi_tables *t, uint32_t pc, struct ehabi_entry *e);

/*
 * The opcode bytes of an entry (inline compact, or in .ARM.extab in the
 * personality 0/1/2 forms or after a generic personality routine's
 * pointer, GNU's layout).  EHABI_OK and *n, EHABI_REFUSED for
 * EXIDX_CANTUNWIND, EHABI_ERROR with why.
 */
int ehabi_opcodes(const struct ehabi_tables *t, const struct ehabi_entry *e,
    unsigned char ops[EHABI_MAX_OPS], size_t *n, char *why, size_t whylen);

/* ---- unwind.c: what the unwinder keeps per dump ----------------------- */

/* The locore entry points whose frames sit on a trapframe. */
#define UNWIND_NTRAP	7

struct text_range {
	uint32_t start, end;	/* an executable section [start, end) */
};

struct unwinder {
	Elf *elf;			/* the kernel ELF (symtab.c owns it) */
	struct ehabi_tables eh;
	struct text_range *text;
	size_t ntext;
	kvaddr_t trap[UNWIND_NTRAP];	/* their addresses; 0 when absent */
	int dwarf_tried;		/* unwind_cfi.c: DWARF opened once */
	Dwarf *dw;
	Dwarf_CFI *cfi;			/* .debug_frame, else .eh_frame */
	int cfi_own;			/* from dwarf_getcfi_elf: ours to end */
};

/* The unwinder's state for kd, built on first use; NULL (kvm_geterr). */
struct unwinder *unwinder_get(kvm_t *kd);

/* ---- unwind_cfi.c --------------------------------------------------- */

/*
 * One frame by the kernel ELF's DWARF CFI (.debug_frame): at pc (the
 * lookup address), compute the caller's sp (the CFA), r4..r11 and pc from
 * regs.  1 done, 0 when there is no CFI for pc, -1 error (why).
 */
int cfi_step(struct unwinder *u, uint32_t pc, struct kvm_arm_regs *regs,
    ehabi_read_fn *rd, void *ctx, char *why, size_t whylen);

/* The kernel ELF's DWARF (opened once, on first use), or NULL. */
Dwarf *unwinder_dwarf(struct unwinder *u);
/* Release what unwind_cfi.c opened. */
void unwinder_dwarf_end(struct unwinder *u);

#endif
