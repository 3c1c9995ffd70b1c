/*
 * unwind.c: kvm_arm_unwind, a thread's frames from its saved registers:
 * each step by the function's EHABI entry (unwind_ehabi.c), else by the
 * DWARF CFI (unwind_cfi.c), and across FreeBSD trapframes by the registers
 * locore saved in them.  Every walk is bounded and ends with a reason.
 *
 * Per frame: one symbol lookup and one exidx lookup (binary searches), and
 * stack words from a one-page cache (allocated once per call); nothing is
 * allocated per frame, except by libdw in the CFI fallback.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"
#include "unwind.h"

#define UNWIND_MAX_DEPTH	256

/* struct trapframe (arm): 19 words. */
#define TF_SIZE		76
#define TF_SPSR		0
#define TF_R0		4
#define TF_USR_SP	56
#define TF_USR_LR	60
#define TF_SVC_SP	64
#define TF_SVC_LR	68
#define TF_PC		72
#define PSR_MODE	0x1fu
#define PSR_USR_MODE	0x10u

/* Locore's entry points that run on a trapframe, and what entered them. */
static const struct {
	const char *symbol, *kind;
} trap_entries[UNWIND_NTRAP] = {
	{ "data_abort_entry", "data abort" },
	{ "prefetch_abort_entry", "prefetch abort" },
	{ "undefined_entry", "undefined" },
	{ "exception_exit", "exception" },
	{ "irq_entry", "irq" },
	{ "swi_entry", "swi" },
	{ "swi_exit", "swi" },
};

/*
 * exception_exit is where every C handler returns: which exception built
 * the trapframe shows in the handler that returned there.
 */
static const struct {
	const char *handler, *kind;
} trap_handlers[] = {
	{ "abort_handler", "data abort" },
	{ "prefetch_abort_handler", "prefetch abort" },
	{ "undefinedinstruction", "undefined" },
	{ "intr_irq_handler", "irq" },
	{ "arm_irq_handler", "irq" },
	{ "swi_handler", "swi" },
};

/* Registers a call does not preserve: unknown in the caller's frame. */
#define CALL_CLOBBERED	(0x000fu | 1u << 12)

void
unwinder_free(struct unwinder *u)
{
	if (u == NULL)
		return;
	unwinder_dwarf_end(u);
	free(u->text);
	free(u);
}

/* Section bytes as they are in the file (entries are read by load32). */
static void
section_bytes(Elf_Scn *scn, const GElf_Shdr *sh, const unsigned char **p,
    size_t *len, uint32_t *addr)
{
	Elf_Data *d = elf_rawdata(scn, NULL);

	if (d == NULL || d->d_buf == NULL || sh->sh_type == SHT_NOBITS)
		return;
	*p = d->d_buf;
	*len = d->d_size < sh->sh_size ? d->d_size : (size_t)sh->sh_size;
	*addr = (uint32_t)sh->sh_addr;
}

struct unwinder *
unwinder_get(kvm_t *kd)
{
	struct unwinder *u;
	Elf_Scn *scn = NULL;
	size_t shstrndx, nscn;

	if (kd->unwinder != NULL)
		return kd->unwinder;
	if (kd->symtab == NULL) {
		kvm_err(kd, "%s: no kernel ELF was given, so there are no unwind "
		    "tables", kd->corefile);
		return NULL;
	}
	u = calloc(1, sizeof(*u));
	if (u == NULL || (u->elf = symtab_elf(kd->symtab)) == NULL ||
	    elf_getshdrstrndx(u->elf, &shstrndx) != 0 ||
	    elf_getshdrnum(u->elf, &nscn) != 0 ||
	    (u->text = calloc(nscn ? nscn : 1, sizeof(*u->text))) == NULL) {
		kvm_err(kd, "%s: cannot read the kernel ELF's sections",
		    kd->corefile);
		unwinder_free(u);
		return NULL;
	}
	u->eh.big_endian = kd->big_endian;
	while ((scn = elf_nextscn(u->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		name = elf_strptr(u->elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_ARM_EXIDX ||
		    (name != NULL && strcmp(name, ".ARM.exidx") == 0))
			section_bytes(scn, &sh, &u->eh.exidx, &u->eh.exidx_len,
			    &u->eh.exidx_addr);
		else if (name != NULL && strcmp(name, ".ARM.extab") == 0)
			section_bytes(scn, &sh, &u->eh.extab, &u->eh.extab_len,
			    &u->eh.extab_addr);
		else if ((sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) ==
		    (SHF_ALLOC | SHF_EXECINSTR) && sh.sh_size != 0 &&
		    sh.sh_addr + sh.sh_size <= 0x100000000ull) {
			u->text[u->ntext].start = (uint32_t)sh.sh_addr;
			u->text[u->ntext].end = (uint32_t)(sh.sh_addr +
			    sh.sh_size - 1) + 1;
			u->ntext++;
		}
	}
	for (size_t i = 0; i < UNWIND_NTRAP; i++) {
		unsigned char type;
		if (!symtab_lookup(kd->symtab, trap_entries[i].symbol,
		    &u->trap[i], &type))
			u->trap[i] = 0;
	}
	kd->unwinder = u;
	return u;
}

static int
in_text(const struct unwinder *u, uint32_t pc)
{
	for (size_t i = 0; i < u->ntext; i++)
		if (pc >= u->text[i].start &&
		    (pc < u->text[i].end || u->text[i].end == 0))
			return 1;
	return 0;
}

/* The trapframe kind of a function starting at fn, or NULL. */
static const char *
trap_kind(const struct unwinder *u, kvaddr_t fn)
{
	for (size_t i = 0; i < UNWIND_NTRAP; i++)
		if (u->trap[i] != 0 && u->trap[i] == fn)
			return trap_entries[i].kind;
	return NULL;
}

/* A better kind for exception_exit's trapframe, from the handler before. */
static const char *
refine_kind(const char *kind, const char *handler)
{
	if (handler == NULL || strcmp(kind, "exception") != 0)
		return kind;
	for (size_t i = 0; i < sizeof(trap_handlers) / sizeof(trap_handlers[0]);
	    i++)
		if (strcmp(handler, trap_handlers[i].handler) == 0)
			return trap_handlers[i].kind;
	return kind;
}

/* Stack words through a one-page cache: most frames share a page. */
struct stack_reader {
	kvm_t *kd;
	int have;
	uint32_t page_va;
	char err[256];		/* why the last read failed */
	unsigned char page[KVM_PAGE_SIZE];
};

static int
read_stack(void *ctx, uint32_t addr, uint32_t *value)
{
	struct stack_reader *s = ctx;
	uint32_t page = addr & ~(uint32_t)KVM_PAGE_MASK;

	if ((addr & 3) == 0) {
		if (!s->have || s->page_va != page) {
			s->have = kvm_read2(s->kd, page, s->page,
			    KVM_PAGE_SIZE) == (ssize_t)KVM_PAGE_SIZE;
			s->page_va = page;
		}
		if (s->have) {
			*value = load32(s->page + (addr & KVM_PAGE_MASK),
			    s->kd->big_endian);
			return 0;
		}
	}
	/* Unaligned, or a page the file holds only part of: the word alone. */
	if (kvm_read_u32(s->kd, addr, value) != 0) {
		snprintf(s->err, sizeof(s->err), "%s", kvm_geterr(s->kd));
		return -1;
	}
	return 0;
}

/* "func+0xoff (0xpc)" or "0xpc" for messages. */
static void
where(char *buf, size_t len, const struct kvm_arm_frame *f)
{
	if (f->function != NULL)
		snprintf(buf, len, "%s+0x%llx (0x%08llx)", f->function,
		    (unsigned long long)f->offset, (unsigned long long)f->pc);
	else
		snprintf(buf, len, "0x%08llx", (unsigned long long)f->pc);
}

/*
 * The interrupted context from the trapframe at f's sp: 0 and *next, or
 * -1 with why (unreadable, or from user mode: the kernel stack ends).
 */
static int
trapframe_step(kvm_t *kd, const struct kvm_arm_frame *f,
    struct kvm_arm_regs *next, char *why, size_t whylen)
{
	unsigned char tf[TF_SIZE];
	int be = kd->big_endian;
	uint32_t spsr;

	if (kvm_read2(kd, f->sp, tf, sizeof(tf)) != (ssize_t)sizeof(tf)) {
		snprintf(why, whylen, "trapframe at 0x%08llx unreadable: %s",
		    (unsigned long long)f->sp, kvm_geterr(kd));
		return -1;
	}
	spsr = load32(tf + TF_SPSR, be);
	if ((spsr & PSR_MODE) == PSR_USR_MODE) {
		snprintf(why, whylen, "trapframe from user mode at 0x%08llx "
		    "(user pc 0x%08x)", (unsigned long long)f->sp,
		    (unsigned)load32(tf + TF_PC, be));
		return -1;
	}
	memset(next, 0, sizeof(*next));
	for (int r = 0; r <= 12; r++)
		next->r[r] = load32(tf + TF_R0 + 4 * r, be);
	next->r[13] = load32(tf + TF_SVC_SP, be);
	next->r[14] = load32(tf + TF_SVC_LR, be);
	next->r[15] = load32(tf + TF_PC, be);
	next->cpsr = spsr;
	next->valid = KVM_ARM_REGS_ALL;
	return 0;
}

/*
 * One ordinary frame: by the EHABI entry covering lookup (a return
 * address minus 2, so that a call ending its function finds that
 * function), else by the CFI.  0 and *r updated, or -1 with why.
 */
static int
call_step(struct unwinder *u, struct stack_reader *rd,
    const struct kvm_arm_frame *f, uint32_t lookup, struct kvm_arm_regs *r,
    char *why, size_t whylen)
{
	unsigned char ops[EHABI_MAX_OPS];
	struct ehabi_entry e;
	char at[160], msg[256];
	size_t n;
	int rc, found;

	where(at, sizeof(at), f);
	r->valid &= ~CALL_CLOBBERED;
	found = ehabi_find(&u->eh, lookup, &e);
	rc = found ? ehabi_opcodes(&u->eh, &e, ops, &n, msg, sizeof(msg)) :
	    EHABI_REFUSED;
	if (rc == EHABI_OK)
		rc = ehabi_execute(ops, n, r, read_stack, rd, msg, sizeof(msg));
	if (rc == EHABI_REFUSED && (!found || e.word == 1)) {
		/* No entry, or EXIDX_CANTUNWIND: the CFI may know. */
		rc = cfi_step(u, lookup, r, read_stack, rd, msg, sizeof(msg));
		if (rc == 1)
			return 0;
		if (rc == 0) {
			if (found)
				snprintf(why, whylen, "cannot unwind past %s "
				    "(EXIDX_CANTUNWIND, no CFI)", at);
			else
				snprintf(why, whylen, "no unwind entry and no "
				    "CFI for %s", at);
			return -1;
		}
		rc = rc == EHABI_NOREAD ? EHABI_NOREAD : EHABI_ERROR;
	}
	switch (rc) {
	case EHABI_OK:
		return 0;
	case EHABI_REFUSED:
		snprintf(why, whylen, "cannot unwind past %s (%s)", at, msg);
		break;
	case EHABI_NOREAD:
		snprintf(why, whylen, "%s at %s: %s", msg, at, rd->err);
		break;
	default:
		snprintf(why, whylen, "bad unwind entry for %s: %s", at, msg);
		break;
	}
	return -1;
}

int
kvm_arm_unwind(kvm_t *kd, const struct kvm_arm_regs *regs,
    kvm_arm_frame_cb_t *cb, void *arg, char *why, size_t whylen)
{
	const uint32_t need = 1u << 13 | 1u << 15;
	struct stack_reader *rd;
	struct unwinder *u;
	struct kvm_arm_frame f;
	struct kvm_arm_regs cur;
	const char *prev_fn = NULL;	/* the function of the frame before */
	char reason[1024] = "";
	int count = 0, exact = 1;

	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (kd == NULL || regs == NULL || cb == NULL)
		return -1;
	if ((regs->valid & need) != need) {
		kvm_err(kd, "unwind: the registers have no pc and sp");
		return -1;
	}
	if ((u = unwinder_get(kd)) == NULL)
		return -1;
	/* The page cache is too big for some threads' stacks. */
	if ((rd = malloc(sizeof(*rd))) == NULL) {
		kvm_err(kd, "out of memory");
		return -1;
	}
	rd->kd = kd;
	rd->have = 0;
	rd->err[0] = '\0';
	cur = *regs;
	memset(&f, 0, sizeof(f));
	for (;;) {
		uint32_t pc = cur.r[15], sp = cur.r[13];
		const char *kind = NULL, *name;
		kvaddr_t start, size;

		/*
		 * A trapframe's pc outside the text is where the fault was
		 * (a call through a NULL pointer takes a prefetch abort at
		 * 0): that frame is shown, and the walk ends after it.
		 */
		if ((pc == 0 || !in_text(u, pc)) && !f.trapframe) {
			if (pc == 0)
				snprintf(reason, sizeof(reason), "zero pc");
			else
				snprintf(reason, sizeof(reason), "pc 0x%08x is "
				    "outside the kernel's text", (unsigned)pc);
			break;
		}
		if (count >= UNWIND_MAX_DEPTH) {
			snprintf(reason, sizeof(reason), "depth limit of %d "
			    "frames reached", UNWIND_MAX_DEPTH);
			break;
		}
		f.level = (unsigned)count;
		f.pc = pc;
		f.sp = sp;
		f.function = NULL;
		f.offset = 0;
		f.regs = cur;
		if (symtab_symbolize(kd->symtab, pc, &name, &start, &size)) {
			f.function = name;
			f.offset = pc - start;
			kind = trap_kind(u, start);
		}
		count++;
		if (!cb(&f, arg)) {
			snprintf(reason, sizeof(reason), "stopped by the caller");
			break;
		}
		if (pc == 0 || !in_text(u, pc)) {
			snprintf(reason, sizeof(reason), "pc 0x%08x from the "
			    "trapframe at 0x%08llx is outside the kernel's text "
			    "(its lr: 0x%08x)", (unsigned)pc,
			    (unsigned long long)f.trapframe_addr,
			    (unsigned)cur.r[14]);
			break;
		}
		f.trapframe = 0;
		f.trapframe_addr = 0;
		f.trapframe_kind = NULL;
		if (kind != NULL) {
			const char *handler = prev_fn;
			prev_fn = f.function;
			kind = refine_kind(kind, handler);
			if (trapframe_step(kd, &f, &cur, reason,
			    sizeof(reason)) != 0)
				break;
			f.trapframe = 1;
			f.trapframe_addr = sp;
			f.trapframe_kind = kind;
			exact = 1;	/* the faulting instruction itself */
			continue;
		}
		prev_fn = f.function;
		if (call_step(u, rd, &f, exact ? pc : pc - 2, &cur, reason,
		    sizeof(reason)) != 0)
			break;
		cur.valid &= ~(1u << 14);	/* the caller's lr: unknown */
		exact = 0;
		if (cur.r[13] == sp && cur.r[15] == pc) {
			where(reason, sizeof(reason), &f);
			snprintf(reason + strlen(reason), sizeof(reason) -
			    strlen(reason), ": sp did not move (0x%08x), a loop",
			    (unsigned)sp);
			break;
		}
		if (cur.r[13] < sp) {
			snprintf(reason, sizeof(reason), "sp went down from "
			    "0x%08x to 0x%08x", (unsigned)sp,
			    (unsigned)cur.r[13]);
			break;
		}
	}
	free(rd);
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", reason);
	return count;
}
