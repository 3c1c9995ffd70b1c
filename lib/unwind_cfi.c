/*
 * unwind_cfi.c: the fallback for functions without an EHABI entry: the
 * kernel ELF's DWARF call-frame information (.debug_frame in kernel.debug,
 * else .eh_frame), through libdw.  Also opens the DWARF once for the
 * source lines (srcline.c).
 *
 * libdw describes each rule as a small DWARF expression; the ones CFI
 * produces for ARM are few (the CFA as register + offset, a register saved
 * at CFA + offset, or held in another register), and only those are
 * evaluated here: anything else ends the unwind with its name.
 */
#include <dwarf.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvm_private.h"
#include "unwind.h"

Dwarf *
unwinder_dwarf(struct unwinder *u)
{
	if (!u->dwarf_tried) {
		u->dwarf_tried = 1;
		u->dw = kernel_dwarf_begin(u->elf);
		if (u->dw != NULL)
			u->cfi = dwarf_getcfi(u->dw);
		if (u->cfi == NULL) {
			u->cfi = dwarf_getcfi_elf(u->elf);
			u->cfi_own = u->cfi != NULL;
		}
	}
	return u->dw;
}

void
unwinder_dwarf_end(struct unwinder *u)
{
	if (u->cfi_own)
		dwarf_cfi_end(u->cfi);
	if (u->dw != NULL)
		dwarf_end(u->dw);
	u->cfi = NULL;
	u->dw = NULL;
}

/* Evaluate a CFI rule's expression: 0 and *v (*is_value: not an address). */
static int
eval(const Dwarf_Op *ops, size_t nops, uint32_t cfa,
    const struct kvm_arm_regs *r, uint32_t *v, int *is_value, char *why,
    size_t whylen)
{
	uint32_t acc = 0;

	*is_value = 0;
	for (size_t i = 0; i < nops; i++) {
		unsigned atom = ops[i].atom;
		unsigned reg = atom == DW_OP_bregx ? (unsigned)ops[i].number :
		    atom - DW_OP_breg0;
		int64_t off = atom == DW_OP_bregx ? (int64_t)ops[i].number2 :
		    (int64_t)ops[i].number;

		if (atom == DW_OP_regx ||
		    (atom >= DW_OP_reg0 && atom <= DW_OP_reg31)) {
			/* In a register of this frame: its value. */
			reg = atom == DW_OP_regx ? (unsigned)ops[i].number :
			    atom - DW_OP_reg0;
			if (reg > 15 || !(r->valid & (1u << reg))) {
				snprintf(why, whylen, "CFI needs r%u, which is "
				    "not known here", reg);
				return -1;
			}
			acc = r->r[reg];
			*is_value = 1;
		} else if (atom == DW_OP_call_frame_cfa) {
			acc = cfa;
		} else if (atom == DW_OP_plus_uconst) {
			acc += (uint32_t)ops[i].number;
		} else if (atom == DW_OP_stack_value) {
			*is_value = 1;
		} else if (atom == DW_OP_bregx ||
		    (atom >= DW_OP_breg0 && atom <= DW_OP_breg31)) {
			if (reg > 15 || !(r->valid & (1u << reg))) {
				snprintf(why, whylen, "CFI needs r%u, which is "
				    "not known here", reg);
				return -1;
			}
			acc = r->r[reg] + (uint32_t)off;
		} else {
			snprintf(why, whylen, "unsupported CFI expression "
			    "operation 0x%02x", atom);
			return -1;
		}
	}
	*v = acc;
	return 0;
}

int
cfi_step(struct unwinder *u, uint32_t pc, struct kvm_arm_regs *regs,
    ehabi_read_fn *rd, void *ctx, char *why, size_t whylen)
{
	struct kvm_arm_regs next = *regs;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op ops_mem[3], *ops;
	Dwarf_Addr start, end;
	size_t nops;
	uint32_t cfa;
	int is_value, ra, rc = -1;
	bool signal;

	unwinder_dwarf(u);
	if (u->cfi == NULL || dwarf_cfi_addrframe(u->cfi, pc, &frame) != 0)
		return 0;
	ra = dwarf_frame_info(frame, &start, &end, &signal);
	if (dwarf_frame_cfa(frame, &ops, &nops) != 0 || nops == 0) {
		snprintf(why, whylen, "CFI at 0x%08x has no CFA rule",
		    (unsigned)pc);
		goto out;
	}
	if (eval(ops, nops, 0, regs, &cfa, &is_value, why, whylen) != 0)
		goto out;
	/* pc is the return-address column's value, not a rule of its own. */
	for (int reg = 0; reg < 15; reg++) {
		uint32_t v;
		char ignored[128];

		if (reg == 13)
			continue;
		if (dwarf_frame_register(frame, reg, ops_mem, &ops, &nops) != 0) {
			snprintf(why, whylen, "CFI at 0x%08x: r%d: %s",
			    (unsigned)pc, reg, dwarf_errmsg(-1));
			goto out;
		}
		if (nops == 0) {
			if (ops != NULL)	/* undefined: clobbered */
				next.valid &= ~(1u << reg);
			continue;		/* else the same value */
		}
		/* A rule that needs what is not known loses that register. */
		if (eval(ops, nops, cfa, regs, &v, &is_value, ignored,
		    sizeof(ignored)) != 0) {
			next.valid &= ~(1u << reg);
			continue;
		}
		if (!is_value && rd(ctx, v, &v) != 0) {
			snprintf(why, whylen, "stack read failed at 0x%08x",
			    (unsigned)v);
			rc = EHABI_NOREAD;
			goto out;
		}
		next.r[reg] = v;
		next.valid |= 1u << reg;
	}
	if (ra < 0 || ra > 14 || !(next.valid & (1u << ra))) {
		snprintf(why, whylen, "CFI at 0x%08x gives no return address",
		    (unsigned)pc);
		goto out;
	}
	next.r[15] = next.r[ra];
	next.r[13] = cfa;
	next.valid |= 1u << 13 | 1u << 15;
	*regs = next;
	rc = 1;
out:
	free(frame);
	return rc;
}
