/*
 * unwind_ehabi.c: ARM EHABI unwind information: find a function's entry
 * in .ARM.exidx, collect its opcode bytes (inline, or in .ARM.extab), and
 * run them.  The decoder turns each opcode into an action (ehabi_decode);
 * one loop applies the actions (ehabi_execute).
 *
 * Entries are data: their words are read in the kernel's data byte order
 * (big-endian in a BE8 kernel, whose code alone is little-endian).
 */
#include <stdio.h>

#include "endian.h"
#include "unwind.h"

#define EXIDX_CANTUNWIND	1u

/* Sign-extend a 31-bit place-relative offset and add its place. */
static uint32_t
prel31(uint32_t word, uint32_t place)
{
	uint32_t off = word & 0x7fffffffu;

	if (off & 0x40000000u)
		off |= 0x80000000u;
	return place + off;
}

size_t
ehabi_decode(const unsigned char *ops, size_t n, struct ehabi_action *a)
{
	unsigned op = ops[0], op2 = n > 1 ? ops[1] : 0;

	a->kind = EA_BAD;
	a->what = "spare";
	a->len = 1;
	a->delta = 0;
	a->mask = 0;
	a->reg = 0;
	/* Two-byte opcodes whose second byte is missing. */
	if (n < 2 && ((op & 0xf0) == 0x80 || op == 0xb1 || op == 0xb2 ||
	    op == 0xb3 || (op >= 0xc6 && op <= 0xc9))) {
		a->what = "truncated";
		return a->len;
	}
	if (op < 0x40) {		/* 00xxxxxx: vsp += (x << 2) + 4 */
		a->kind = EA_VSP;
		a->delta = (int64_t)((op & 0x3f) << 2) + 4;
	} else if (op < 0x80) {		/* 01xxxxxx: vsp -= (x << 2) + 4 */
		a->kind = EA_VSP;
		a->delta = -((int64_t)((op & 0x3f) << 2) + 4);
	} else if (op < 0x90) {		/* 1000iiii iiiiiiii: pop r4..r15 */
		unsigned mask = (op & 0x0f) << 8 | op2;
		a->len = 2;
		a->kind = mask == 0 ? EA_REFUSE : EA_POP;
		a->mask = (uint16_t)(mask << 4);
	} else if (op < 0xa0) {		/* 1001nnnn: vsp = r[n] */
		a->reg = op & 0x0f;
		if (a->reg == 13 || a->reg == 15)
			a->what = "reserved";
		else
			a->kind = EA_SET_VSP;
	} else if (op < 0xb0) {		/* 1010Lnnn: pop r4..r[4+n] (+ r14) */
		a->kind = EA_POP;
		a->mask = (uint16_t)(((1u << ((op & 7) + 1)) - 1) << 4);
		if (op & 0x08)
			a->mask |= 1u << 14;
	} else if (op == 0xb0) {
		a->kind = EA_FINISH;
	} else if (op == 0xb1) {	/* 10110001 0000iiii: pop r0..r3 */
		a->len = 2;
		if (op2 != 0 && (op2 & 0xf0) == 0) {
			a->kind = EA_POP;
			a->mask = (uint16_t)op2;
		}
	} else if (op == 0xb2) {	/* vsp += 0x204 + (uleb128 << 2) */
		uint64_t v = 0;
		unsigned shift = 0;
		size_t i = 1;

		for (; i < n && shift < 35; i++, shift += 7) {
			v |= (uint64_t)(ops[i] & 0x7f) << shift;
			if (!(ops[i] & 0x80))
				break;
		}
		if (i >= n || shift >= 35) {
			a->what = i >= n ? "truncated" : "overlong";
			a->len = i < n ? i + 1 : n;
			return a->len;
		}
		a->len = i + 1;
		a->kind = EA_VSP;
		a->delta = 0x204 + (int64_t)(v << 2);
	} else if (op == 0xb3) {	/* VFP d[s]..d[s+c], FSTMFDX: 8/reg + 4 */
		a->len = 2;
		a->kind = EA_VSP;
		a->delta = ((op2 & 0x0f) + 1) * 8 + 4;
	} else if (op < 0xb8) {		/* 101101nn: spare */
		;
	} else if (op < 0xc0) {		/* 10111nnn: d8..d[8+n], FSTMFDX */
		a->kind = EA_VSP;
		a->delta = ((op & 7) + 1) * 8 + 4;
	} else if (op < 0xc6) {		/* 11000nnn: iWMMX wR10..wR[10+n] */
		a->kind = EA_VSP;
		a->delta = ((op & 7) + 1) * 8;
	} else if (op == 0xc6) {	/* wR[s]..wR[s+c] */
		a->len = 2;
		a->kind = EA_VSP;
		a->delta = ((op2 & 0x0f) + 1) * 8;
	} else if (op == 0xc7) {	/* 11000111 0000iiii: wCGR under mask */
		a->len = 2;
		if (op2 != 0 && (op2 & 0xf0) == 0) {
			a->kind = EA_VSP;
			for (unsigned m = op2; m; m &= m - 1)
				a->delta += 4;
		}
	} else if (op == 0xc8 || op == 0xc9) {	/* VPUSH d[16+s].. / d[s]..*/
		a->len = 2;
		a->kind = EA_VSP;
		a->delta = ((op2 & 0x0f) + 1) * 8;
	} else if (op >= 0xd0 && op < 0xd8) {	/* 11010nnn: d8..d[8+n] */
		a->kind = EA_VSP;
		a->delta = ((op & 7) + 1) * 8;
	}
	/* else 11001yyy (yyy > 1) and 11xxxyyy (xxx > 2): spare */
	return a->len;
}

/* The name of an opcode for a message: one or two bytes. */
static void
opname(char *buf, size_t len, const unsigned char *ops, size_t n,
    const struct ehabi_action *a)
{
	if (a->len >= 2 && n >= 2)
		snprintf(buf, len, "0x%02x 0x%02x", ops[0], ops[1]);
	else
		snprintf(buf, len, "0x%02x", ops[0]);
}

int
ehabi_execute(const unsigned char *ops, size_t n, struct kvm_arm_regs *regs,
    ehabi_read_fn *rd, void *ctx, char *why, size_t whylen)
{
	uint32_t vsp = regs->r[13];
	int pc_popped = 0;
	size_t i = 0;

	while (i < n) {
		struct ehabi_action a;
		char name[16];
		uint32_t val[16];

		ehabi_decode(ops + i, n - i, &a);
		switch (a.kind) {
		case EA_VSP:
			vsp += (uint32_t)a.delta;
			break;
		case EA_POP:
			/* Load first: r13 in the mask sets vsp only at the end. */
			for (unsigned r = 0; r < 16; r++) {
				if (!(a.mask & (1u << r)))
					continue;
				if (rd(ctx, vsp, &val[r]) != 0) {
					snprintf(why, whylen, "stack read failed "
					    "at 0x%08x", (unsigned)vsp);
					return EHABI_NOREAD;
				}
				vsp += 4;
			}
			for (unsigned r = 0; r < 16; r++) {
				if (!(a.mask & (1u << r)))
					continue;
				regs->r[r] = val[r];
				regs->valid |= 1u << r;
			}
			if (a.mask & (1u << 13))
				vsp = val[13];
			pc_popped |= (a.mask & (1u << 15)) != 0;
			break;
		case EA_SET_VSP:
			if (!(regs->valid & (1u << a.reg))) {
				snprintf(why, whylen, "opcode 0x%02x sets vsp from "
				    "r%u, which is not known here", ops[i], a.reg);
				return EHABI_ERROR;
			}
			vsp = regs->r[a.reg];
			break;
		case EA_FINISH:
			i = n;
			continue;
		case EA_REFUSE:
			snprintf(why, whylen, "refuse-to-unwind opcode 0x80 0x00");
			return EHABI_REFUSED;
		case EA_BAD:
			opname(name, sizeof(name), ops + i, n - i, &a);
			snprintf(why, whylen, "%s unwind opcode %s", a.what, name);
			return EHABI_ERROR;
		}
		i += a.len;
	}
	regs->r[13] = vsp;
	regs->valid |= 1u << 13;
	if (!pc_popped) {
		if (!(regs->valid & (1u << 14))) {
			snprintf(why, whylen, "the return address is lr, which "
			    "is not known here");
			return EHABI_ERROR;
		}
		regs->r[15] = regs->r[14];
		regs->valid |= 1u << 15;
	}
	return EHABI_OK;
}

int
ehabi_find(const struct ehabi_tables *t, uint32_t pc, struct ehabi_entry *e)
{
	size_t lo = 0, hi = t->exidx_len / 8;

	/* The last entry whose function starts at or below pc. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t place = t->exidx_addr + (uint32_t)(mid * 8);
		uint32_t fn = prel31(load32(t->exidx + mid * 8, t->big_endian),
		    place);
		if (fn <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	lo--;
	e->fn = prel31(load32(t->exidx + lo * 8, t->big_endian),
	    t->exidx_addr + (uint32_t)(lo * 8));
	e->word = load32(t->exidx + lo * 8 + 4, t->big_endian);
	e->word_addr = t->exidx_addr + (uint32_t)(lo * 8 + 4);
	return 1;
}

/* A word of .ARM.extab at addr: 0, or -1 when addr is outside it. */
static int
extab_word(const struct ehabi_tables *t, uint32_t addr, uint32_t *w)
{
	uint32_t off = addr - t->extab_addr;

	if (addr < t->extab_addr || t->extab_len < 4 || off > t->extab_len - 4)
		return -1;
	*w = load32(t->extab + off, t->big_endian);
	return 0;
}

/* The bytes of a word, most significant first, from byte 'from' (3..0). */
static size_t
word_bytes(uint32_t w, int from, unsigned char *out)
{
	size_t n = 0;

	for (int b = from; b >= 0; b--)
		out[n++] = (unsigned char)(w >> (8 * b));
	return n;
}

int
ehabi_opcodes(const struct ehabi_tables *t, const struct ehabi_entry *e,
    unsigned char ops[EHABI_MAX_OPS], size_t *n, char *why, size_t whylen)
{
	uint32_t w, addr, more;
	unsigned index;

	*n = 0;
	if (e->word == EXIDX_CANTUNWIND)
		return EHABI_REFUSED;
	if (e->word & 0x80000000u) {	/* inline: personality 0's 3 bytes */
		if ((e->word >> 24) != 0x80) {
			snprintf(why, whylen, "inline entry 0x%08x at 0x%08x "
			    "has personality %u (only 0 may be inline)",
			    (unsigned)e->word, (unsigned)e->word_addr,
			    (unsigned)(e->word >> 24 & 0x7f));
			return EHABI_ERROR;
		}
		*n = word_bytes(e->word, 2, ops);
		return EHABI_OK;
	}
	addr = prel31(e->word, e->word_addr);
	if (extab_word(t, addr, &w) != 0) {
		snprintf(why, whylen, "entry at 0x%08x points to 0x%08x, outside "
		    ".ARM.extab", (unsigned)e->word_addr, (unsigned)addr);
		return EHABI_ERROR;
	}
	if (w & 0x80000000u) {		/* compact model */
		index = w >> 24 & 0x0f;
		if ((w >> 24 & 0x70) != 0 || index > 2) {
			snprintf(why, whylen, "unsupported personality: index %u "
			    "in .ARM.extab at 0x%08x", index, (unsigned)addr);
			return EHABI_ERROR;
		}
		if (index == 0) {
			*n = word_bytes(w, 2, ops);
			return EHABI_OK;
		}
		more = w >> 16 & 0xff;	/* personality 1/2: extra words */
		*n = word_bytes(w, 1, ops);
	} else {
		/*
		 * A generic personality routine (prel31 to it); GNU puts the
		 * opcodes next, as personality 1/2 do but with the count in
		 * the top byte of their first word.
		 */
		addr += 4;
		if (extab_word(t, addr, &w) != 0) {
			snprintf(why, whylen, "unsupported personality: the "
			    "entry at 0x%08x has no opcodes inside .ARM.extab",
			    (unsigned)(addr - 4));
			return EHABI_ERROR;
		}
		more = w >> 24;
		*n = word_bytes(w, 2, ops);
	}
	for (uint32_t k = 1; k <= more; k++) {
		if (extab_word(t, addr + 4 * k, &w) != 0) {
			*n = 0;
			snprintf(why, whylen, "entry at 0x%08x runs past the end "
			    "of .ARM.extab (%u more words)", (unsigned)addr,
			    (unsigned)more);
			return EHABI_ERROR;
		}
		*n += word_bytes(w, 3, ops + *n);
	}
	return EHABI_OK;
}
