/*
 * test_ehabi.c: the EHABI decoder on hand-assembled opcodes (each class of
 * the EHABI's section 10.3, expected registers worked out by hand from the
 * spec), the exidx/extab lookup on hand-built tables in both byte orders,
 * the unwinder's stop conditions and a trapframe on a dump made by the
 * fixture writer, and kvm_arm_symbolize against binutils' nm.
 */
#include <gelf.h>
#include <string.h>

#include "fixture.h"
#include "kvm_arm.h"
#include "unwind.h"

/* ---- the decoder -------------------------------------------------- */

/* A stack of 64 words at SBASE; word i holds 0xa0000000 + i. */
#define SBASE	0x1000u
#define SWORDS	64

static int
read_word(void *ctx, uint32_t addr, uint32_t *v)
{
	(void)ctx;
	if (addr < SBASE || addr >= SBASE + 4 * SWORDS || (addr & 3))
		return -1;
	*v = 0xa0000000u + (addr - SBASE) / 4;
	return 0;
}

/* Registers before: r[n] = 0xf0000000 + n, sp 0x1040 (word 16), all known. */
static struct kvm_arm_regs
before(void)
{
	struct kvm_arm_regs r;

	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 16; i++)
		r.r[i] = 0xf0000000u + (uint32_t)i;
	r.r[13] = SBASE + 0x40;
	r.valid = 0xffff;
	return r;
}

struct expect {
	int reg;		/* -1 ends the list */
	uint32_t value;
};

/* Run ops on before(); check sp, pc and the listed registers. */
static void
run_ok(const char *name, const unsigned char *ops, size_t n,
    struct kvm_arm_regs r, uint32_t sp, uint32_t pc, const struct expect *ex)
{
	char why[256] = "";
	int rc = ehabi_execute(ops, n, &r, read_word, NULL, why, sizeof(why));
	int ok = rc == EHABI_OK && r.r[13] == sp && r.r[15] == pc;

	for (; ok && ex != NULL && ex->reg >= 0; ex++)
		ok = r.r[ex->reg] == ex->value &&
		    (r.valid & (1u << ex->reg)) != 0;
	check(ok, "ehabi %s: rc %d (%s) sp 0x%x (want 0x%x) pc 0x%x (want 0x%x)",
	    name, rc, why, (unsigned)r.r[13], (unsigned)sp, (unsigned)r.r[15],
	    (unsigned)pc);
}

static void
run_fail(const char *name, const unsigned char *ops, size_t n,
    struct kvm_arm_regs r, int want_rc, const char *want_why)
{
	char why[256] = "";
	int rc = ehabi_execute(ops, n, &r, read_word, NULL, why, sizeof(why));

	check(rc == want_rc && strstr(why, want_why) != NULL,
	    "ehabi %s: rc %d (want %d), \"%s\" (want \"%s\")", name, rc, want_rc,
	    why, want_why);
}

#define OPS(...)	(const unsigned char[]){ __VA_ARGS__ }, \
	sizeof((const unsigned char[]){ __VA_ARGS__ })
#define W(i)		(0xa0000000u + (i))
#define LR		0xf000000eu

static void
decoder(void)
{
	struct kvm_arm_regs r = before();

	/* 00xxxxxx: vsp += (0x3f << 2) + 4 = 0x100; then pc = lr. */
	run_ok("vsp += 0x100", OPS(0x3f), r, 0x1140, LR, NULL);
	/* 01xxxxxx: vsp -= (1 << 2) + 4. */
	run_ok("vsp -= 8", OPS(0x41), r, 0x1038, LR, NULL);
	run_ok("vsp += 4, -= 4", OPS(0x00, 0x40), r, 0x1040, LR, NULL);
	/* 1000iiii iiiiiiii, mask 0x811: r4, r8, pc from words 16, 17, 18. */
	run_ok("pop {r4, r8, pc}", OPS(0x88, 0x11), r, 0x104c, W(18),
	    (const struct expect[]){ { 4, W(16) }, { 8, W(17) }, { 14, LR },
	    { -1, 0 } });
	/*
	 * A frame-pointer function (push {r4, r5, fp, lr}; add fp, sp, #8;
	 * sub sp, sp, #16): vsp = r11 (0x1048), vsp -= 8, pop {r4, r5, r11,
	 * r14} (mask 0x483), finish: pc = the popped lr.
	 */
	{
		struct kvm_arm_regs f = before();
		f.r[11] = 0x1048;
		f.r[13] = 0x1030;
		run_ok("frame pointer: vsp = r11, vsp -= 8, pop {r4,r5,r11,lr}",
		    OPS(0x9b, 0x41, 0x84, 0x83, 0xb0), f, 0x1050, W(19),
		    (const struct expect[]){ { 4, W(16) }, { 5, W(17) },
		    { 11, W(18) }, { 14, W(19) }, { -1, 0 } });
	}
	/* 10100nnn: pop r4-r[4+2]; 10101nnn: and r14. */
	run_ok("pop r4-r6", OPS(0xa2), r, 0x104c, LR,
	    (const struct expect[]){ { 4, W(16) }, { 5, W(17) }, { 6, W(18) },
	    { 7, 0xf0000007u }, { -1, 0 } });
	run_ok("pop r4-r6, r14", OPS(0xaa), r, 0x1050, W(19),
	    (const struct expect[]){ { 4, W(16) }, { 6, W(18) }, { 14, W(19) },
	    { -1, 0 } });
	/* 10110001 0000iiii: pop r0, r2 (mask 0101). */
	run_ok("pop {r0, r2}", OPS(0xb1, 0x05), r, 0x1048, LR,
	    (const struct expect[]){ { 0, W(16) }, { 1, 0xf0000001u },
	    { 2, W(17) }, { -1, 0 } });
	/* 10110010 uleb128: 0x81 0x01 is 129: vsp += 0x204 + 516 = 0x408. */
	run_ok("vsp += 0x204 + (129 << 2)", OPS(0xb2, 0x81, 0x01), r, 0x1448, LR,
	    NULL);
	run_ok("vsp += 0x204 + (0 << 2)", OPS(0xb2, 0x00), r, 0x1244, LR, NULL);
	/*
	 * VFP and iWMMX pops are skipped: vsp moves by their size, then
	 * 0xa8 pops r4 and r14 from where vsp landed.
	 */
	run_ok("0xb3 0x12: d1-d3 FSTMFDX, 3*8+4 bytes",
	    OPS(0xb3, 0x12, 0xa8), r, 0x1064, W(24),
	    (const struct expect[]){ { 4, W(23) }, { -1, 0 } });
	run_ok("0xb9: d8-d9 FSTMFDX, 2*8+4 bytes", OPS(0xb9, 0xa8), r, 0x105c,
	    W(22), (const struct expect[]){ { 4, W(21) }, { -1, 0 } });
	run_ok("0xc8 0x03: d16-d19 VPUSH, 32 bytes", OPS(0xc8, 0x03, 0xa8), r,
	    0x1068, W(25), (const struct expect[]){ { 4, W(24) }, { -1, 0 } });
	run_ok("0xc9 0x21: d2-d3 VPUSH, 16 bytes", OPS(0xc9, 0x21, 0xa8), r,
	    0x1058, W(21), (const struct expect[]){ { 4, W(20) }, { -1, 0 } });
	run_ok("0xd2: d8-d10 VPUSH, 24 bytes", OPS(0xd2, 0xa8), r, 0x1060,
	    W(23), (const struct expect[]){ { 4, W(22) }, { -1, 0 } });
	run_ok("0xc2: wR10-wR12, 24 bytes", OPS(0xc2, 0xa8), r, 0x1060, W(23),
	    (const struct expect[]){ { 4, W(22) }, { -1, 0 } });
	run_ok("0xc6 0x01: wR0-wR1, 16 bytes", OPS(0xc6, 0x01, 0xa8), r, 0x1058,
	    W(21), (const struct expect[]){ { 4, W(20) }, { -1, 0 } });
	run_ok("0xc7 0x0b: wCGR0,1,3, 12 bytes", OPS(0xc7, 0x0b, 0xa8), r, 0x1054,
	    W(20), (const struct expect[]){ { 4, W(19) }, { -1, 0 } });
	/* Finish ends the opcodes: what follows it is not run. */
	run_ok("finish first: pc = lr, nothing popped", OPS(0xb0, 0xa8), r,
	    0x1040, LR, (const struct expect[]){ { 4, 0xf0000004u }, { -1, 0 } });
	/* r13 in the mask: vsp becomes the loaded value after the pop. */
	run_ok("pop {r4, r13}", OPS(0x82, 0x01), r, W(17), LR,
	    (const struct expect[]){ { 4, W(16) }, { -1, 0 } });
	run_ok("vsp = r7", OPS(0x97), r, 0xf0000007u, LR, NULL);

	run_fail("refuse to unwind", OPS(0x80, 0x00), r, EHABI_REFUSED,
	    "refuse-to-unwind");
	run_fail("spare 0xb4", OPS(0xb4), r, EHABI_ERROR, "spare unwind opcode 0xb4");
	run_fail("spare 0xb7", OPS(0xb7), r, EHABI_ERROR, "spare unwind opcode 0xb7");
	run_fail("spare 0xb1 0x00", OPS(0xb1, 0x00), r, EHABI_ERROR,
	    "spare unwind opcode 0xb1 0x00");
	run_fail("spare 0xb1 0x10", OPS(0xb1, 0x10), r, EHABI_ERROR,
	    "spare unwind opcode 0xb1 0x10");
	run_fail("spare 0xc7 0x00", OPS(0xc7, 0x00), r, EHABI_ERROR,
	    "spare unwind opcode 0xc7 0x00");
	run_fail("spare 0xc7 0x10", OPS(0xc7, 0x10), r, EHABI_ERROR,
	    "spare unwind opcode 0xc7 0x10");
	run_fail("spare 0xca", OPS(0xca), r, EHABI_ERROR, "spare unwind opcode 0xca");
	run_fail("spare 0xd8", OPS(0xd8), r, EHABI_ERROR, "spare unwind opcode 0xd8");
	run_fail("spare 0xff", OPS(0xff), r, EHABI_ERROR, "spare unwind opcode 0xff");
	run_fail("reserved 0x9d (vsp = r13)", OPS(0x9d), r, EHABI_ERROR,
	    "reserved unwind opcode 0x9d");
	run_fail("reserved 0x9f (vsp = r15)", OPS(0x9f), r, EHABI_ERROR,
	    "reserved unwind opcode 0x9f");
	run_fail("a pop mask cut short", OPS(0x88), r, EHABI_ERROR,
	    "truncated unwind opcode 0x88");
	run_fail("a uleb128 cut short", OPS(0xb2, 0x80), r, EHABI_ERROR,
	    "truncated");
	{
		struct kvm_arm_regs f = before();
		f.valid &= ~(1u << 14);
		run_fail("finish with lr unknown", OPS(0xb0), f, EHABI_ERROR,
		    "lr, which is not known");
		f = before();
		f.valid &= ~(1u << 7);
		run_fail("vsp = r7 with r7 unknown", OPS(0x97), f, EHABI_ERROR,
		    "r7, which is not known");
		f = before();
		f.r[13] = 0x2000;
		run_fail("a pop off the readable stack", OPS(0xa8), f,
		    EHABI_NOREAD, "0x00002000");
	}
}

/* ---- entries: exidx and extab, both byte orders ------------------- */

#define EXIDX	0xc0200000u
#define EXTAB	0xc0210000u

static uint32_t
prel31_to(uint32_t target, uint32_t place)
{
	return (target - place) & 0x7fffffffu;
}

static void
entries(int be)
{
	unsigned char exidx[9 * 8], extab[8 * 4], ops[EHABI_MAX_OPS];
	const char *bo = be ? "big-endian" : "little-endian";
	struct ehabi_tables t = { exidx, sizeof(exidx), EXIDX, extab,
	    sizeof(extab), EXTAB, be };
	uint32_t words[9] = {
		1,				/* EXIDX_CANTUNWIND */
		0x80a8b0b0u,			/* inline: pop {r4, r14} */
		prel31_to(EXTAB + 0, EXIDX + 2 * 8 + 4),
		prel31_to(EXTAB + 4, EXIDX + 3 * 8 + 4),
		prel31_to(EXTAB + 12, EXIDX + 4 * 8 + 4),
		prel31_to(0xc0300000u, EXIDX + 5 * 8 + 4), /* not in extab */
		0x81a8b0b0u,			/* inline personality 1: bad */
		prel31_to(EXTAB + 24, EXIDX + 7 * 8 + 4),
		prel31_to(EXTAB + 28, EXIDX + 8 * 8 + 4),
	};
	uint32_t tab[8] = {
		0x8097a8b0u,			/* personality 0 in extab */
		0x81019b41u, 0x8483b0b0u,	/* personality 1, 1 more word */
		prel31_to(0xc0100000u, EXTAB + 12), /* a generic routine */
		0x01a8b0b0u, 0xb101b0b0u,	/* GNU: 1 more word */
		0x83000000u,			/* personality index 3 */
		0x8205a8b0u,			/* 5 more words: past the end */
	};
	struct {
		uint32_t pc, fn;
		int rc;
		const unsigned char *ops;
		size_t n;
		const char *why;
	} cases[] = {
		{ 0xc0100000u, 0xc0100000u, EHABI_REFUSED, NULL, 0, "" },
		{ 0xc01000ffu, 0xc0100000u, EHABI_REFUSED, NULL, 0, "" },
		{ 0xc0100100u, 0xc0100100u, EHABI_OK, OPS(0xa8, 0xb0, 0xb0), "" },
		{ 0xc0100234u, 0xc0100200u, EHABI_OK, OPS(0x97, 0xa8, 0xb0), "" },
		{ 0xc0100300u, 0xc0100300u, EHABI_OK,
		    OPS(0x9b, 0x41, 0x84, 0x83, 0xb0, 0xb0), "" },
		{ 0xc0100456u, 0xc0100400u, EHABI_OK,
		    OPS(0xa8, 0xb0, 0xb0, 0xb1, 0x01, 0xb0, 0xb0), "" },
		{ 0xc0100500u, 0xc0100500u, EHABI_ERROR, NULL, 0,
		    "points to 0xc0300000, outside .ARM.extab" },
		{ 0xc0100600u, 0xc0100600u, EHABI_ERROR, NULL, 0,
		    "has personality 1" },
		{ 0xc0100700u, 0xc0100700u, EHABI_ERROR, NULL, 0,
		    "unsupported personality: index 3" },
		{ 0xc0200000u, 0xc0100800u, EHABI_ERROR, NULL, 0,
		    "runs past the end of .ARM.extab" },
	};
	struct ehabi_entry e;

	for (int i = 0; i < 9; i++) {
		put32(exidx + 8 * i, prel31_to(0xc0100000u + 0x100u * (uint32_t)i,
		    EXIDX + 8u * (uint32_t)i), be);
		put32(exidx + 8 * i + 4, words[i], be);
	}
	for (int i = 0; i < 8; i++)
		put32(extab + 4 * i, tab[i], be);
	check(!ehabi_find(&t, 0xc00fffffu, &e),
	    "exidx %s: no entry below the first function", bo);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char why[256] = "";
		size_t n = 0;
		int found = ehabi_find(&t, cases[i].pc, &e);
		int rc = found ? ehabi_opcodes(&t, &e, ops, &n, why, sizeof(why)) :
		    99;

		check(found && e.fn == cases[i].fn && rc == cases[i].rc &&
		    n == cases[i].n && (n == 0 || memcmp(ops, cases[i].ops, n) == 0) &&
		    strstr(why, cases[i].why) != NULL,
		    "exidx %s: pc 0x%08x: function 0x%08x (want 0x%08x), rc %d "
		    "(want %d), %zu opcode bytes (want %zu) %s", bo,
		    (unsigned)cases[i].pc, (unsigned)e.fn, (unsigned)cases[i].fn,
		    rc, cases[i].rc, n, cases[i].n, why);
	}
}

/* ---- the unwind loop on a dump ------------------------------------ */

/*
 * A kernel ELF (little-endian) with .text at 0xc00ff000-0xc0102000, an
 * .ARM.exidx and its functions:
 *   0xc0100000 f_cant      EXIDX_CANTUNWIND
 *   0xc0100100 f_pop_pc    pop {pc}
 *   0xc0100200 f_leaf      finish (pc = lr)
 *   0xc0100300 f_spare     the spare opcode 0xb4
 *   0xc0100400 f_outside   an entry pointing outside .ARM.extab
 *   0xc0100500 f_handler   pop {r4, pc}
 *   0xc0100600 exception_exit
 *   0xc0100700 f_deep      pop {pc}; vsp += 4 (to the end of .text)
 * and nothing below 0xc0100000 (f_none).
 */
#define TEXT_START	0xc00ff000u
#define TEXT_END	0xc0102000u
#define KEXIDX		0xc0103000u

static const struct {
	const char *name;
	uint32_t addr, size, word;	/* word: the exidx entry's second */
} kfuncs[] = {
	{ "f_none", 0xc00ff000u, 0x100, 0 },
	{ "f_cant", 0xc0100000u, 0x100, 1 },
	{ "f_pop_pc", 0xc0100100u, 0x100, 0x808800b0u },
	{ "f_leaf", 0xc0100200u, 0x100, 0x80b0b0b0u },
	{ "f_spare", 0xc0100300u, 0x100, 0x80b4b0b0u },
	{ "f_outside", 0xc0100400u, 0x100, 0x00001000u },
	{ "f_handler", 0xc0100500u, 0x100, 0x808801b0u },
	{ "exception_exit", 0xc0100600u, 0x100, 0x80b0b0b0u },
	{ "f_deep", 0xc0100700u, 0x1900, 0x80880000u },
};
#define NKF	(sizeof(kfuncs) / sizeof(kfuncs[0]))

static Elf_Scn *
add_section(Elf *e, unsigned name, unsigned type, unsigned flags,
    uint32_t addr, void *buf, size_t size, Elf_Type dtype)
{
	Elf_Scn *s = elf_newscn(e);
	Elf32_Shdr *sh = elf32_getshdr(s);
	Elf_Data *d = elf_newdata(s);

	sh->sh_name = name;
	sh->sh_type = type;
	sh->sh_flags = flags;
	sh->sh_addr = addr;
	sh->sh_addralign = 4;
	d->d_buf = buf;
	d->d_size = size;
	d->d_type = dtype;
	d->d_align = 4;
	return s;
}

static int
write_kernel(const char *path)
{
	static unsigned char text[TEXT_END - TEXT_START];
	static unsigned char exidx[8 * (NKF - 1)];
	static char strtab[512];
	static const char shstr[] = "\0.text\0.ARM.exidx\0.symtab\0.strtab\0"
	    ".shstrtab";
	Elf32_Sym syms[NKF + 1];
	size_t strsize = 1;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	Elf *e;
	Elf32_Ehdr *eh;
	Elf_Scn *sym;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE ||
	    (e = elf_begin(fd, ELF_C_WRITE, NULL)) == NULL)
		return -1;
	eh = elf32_newehdr(e);
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_machine = EM_ARM;
	eh->e_type = ET_EXEC;
	eh->e_version = EV_CURRENT;
	memset(syms, 0, sizeof(syms));
	for (size_t i = 0; i < NKF; i++) {
		syms[i + 1].st_name = (Elf32_Word)strsize;
		strcpy(strtab + strsize, kfuncs[i].name);
		strsize += strlen(kfuncs[i].name) + 1;
		syms[i + 1].st_value = kfuncs[i].addr;
		syms[i + 1].st_size = kfuncs[i].size;
		syms[i + 1].st_info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
		syms[i + 1].st_shndx = 1;
		if (i == 0)
			continue;	/* f_none has no entry */
		uint32_t place = KEXIDX + 8u * (uint32_t)(i - 1);
		put32(exidx + 8 * (i - 1), prel31_to(kfuncs[i].addr, place), 0);
		put32(exidx + 8 * (i - 1) + 4, kfuncs[i].word, 0);
	}
	add_section(e, 1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, TEXT_START,
	    text, sizeof(text), ELF_T_BYTE);
	add_section(e, 7, SHT_ARM_EXIDX, SHF_ALLOC, KEXIDX,
	    exidx, sizeof(exidx), ELF_T_BYTE);
	sym = add_section(e, 18, SHT_SYMTAB, 0, 0, syms, sizeof(syms),
	    ELF_T_SYM);
	elf32_getshdr(sym)->sh_link = 4;
	elf32_getshdr(sym)->sh_info = 1;
	elf32_getshdr(sym)->sh_entsize = sizeof(Elf32_Sym);
	add_section(e, 26, SHT_STRTAB, 0, 0, strtab, strsize, ELF_T_BYTE);
	add_section(e, 34, SHT_STRTAB, 0, 0, (void *)shstr, sizeof(shstr),
	    ELF_T_BYTE);
	eh->e_shstrndx = 5;
	if (elf_update(e, ELF_C_WRITE) < 0) {
		fprintf(stderr, "%s: %s\n", path, elf_errmsg(-1));
		return -1;
	}
	elf_end(e);
	close(fd);
	return 0;
}

/*
 * The dump: a stack page at 0xc0300000 (physical 0x300000; the writer
 * fills each 8-byte word with its physical address, little-endian: the
 * word at 0xc0300000 + k*8 is 0x300000 + k*8, the one after it 0), a
 * page after it mapped but not dumped, and at 0xc0400000 a page whose
 * physical address 0xc0101000 makes its words addresses in f_deep.
 */
static const char stopdesc[] =
    "endian little\n"
    "kva_size 0x600000\n"
    "phys 0x00000000 0x01000000\n"
    "phys 0xc0101000 0xc0102000\n"
    "map 0xc0300000 0x00300000 0x2000 rw\n"
    "map 0xc0302000 0x00302000 0x1000 rw nodump\n"
    "map 0xc0400000 0xc0101000 0x1000 rw\n";

#define MAXF	300

struct frames {
	int n;
	struct kvm_arm_frame f[MAXF];
	char fn[MAXF][32];
};

static int
collect(const struct kvm_arm_frame *f, void *arg)
{
	struct frames *fr = arg;

	if (fr->n < MAXF) {
		fr->f[fr->n] = *f;
		snprintf(fr->fn[fr->n], sizeof(fr->fn[0]), "%s",
		    f->function ? f->function : "?");
		fr->f[fr->n].function = fr->fn[fr->n];
	}
	fr->n++;
	return 1;
}

static struct kvm_arm_regs
regs_at(uint32_t pc, uint32_t sp, uint32_t lr, int lr_known)
{
	struct kvm_arm_regs r;

	memset(&r, 0, sizeof(r));
	r.r[13] = sp;
	r.r[14] = lr;
	r.r[15] = pc;
	r.valid = KVM_ARM_REGS_PCB & ~(lr_known ? 0u : 1u << 14);
	return r;
}

/* Unwind; check the frame count and that the reason contains want. */
static struct frames *
stop(kvm_t *kd, const char *name, struct kvm_arm_regs r, int nframes,
    const char *want)
{
	static struct frames fr;
	char why[1024];
	int n;

	fr.n = 0;
	n = kvm_arm_unwind(kd, &r, collect, &fr, why, sizeof(why));
	check(n == nframes && fr.n == nframes && strstr(why, want) != NULL,
	    "unwind stop, %s: %d frames (want %d), \"%s\" (want \"%s\")", name,
	    n, nframes, why, want);
	return &fr;
}

/* Write bytes at va into the core, where the dump keeps va's page. */
static void
poke(kvm_t *kd, const char *core, uint32_t va, const unsigned char *b,
    size_t len)
{
	off_t off;

	if (kvm_arm_kvatop(kd, va, NULL, &off) == 0) {
		fprintf(stderr, "poke 0x%x: %s\n", (unsigned)va, kvm_geterr(kd));
		exit(2);
	}
	fixture_patch(core, (long)off, b, len);
}

static void
stops(void)
{
	char core[256], kernel[256], elfpath[300], err[_POSIX2_LINE_MAX];
	struct mkcore_layout lo;
	struct frames *fr;
	kvm_t *kd;

	snprintf(elfpath, sizeof(elfpath), "%s/unwind.kernel", harness_tmpdir());
	if (fixture_make("stops", stopdesc, core, kernel, &lo) != 0 ||
	    write_kernel(elfpath) != 0 ||
	    (kd = kvm_open2(elfpath, core, O_RDONLY, err, NULL)) == NULL) {
		check(0, "unwind stop fixture: %s", err);
		return;
	}
	/* pop {pc} at 0xc0300004: the zero word. */
	fr = stop(kd, "zero pc", regs_at(0xc0100104u, 0xc0300004u, 0, 0), 1,
	    "zero pc");
	check(fr->f[0].pc == 0xc0100104u && !strcmp(fr->fn[0], "f_pop_pc") &&
	    fr->f[0].offset == 4 && fr->f[0].sp == 0xc0300004u,
	    "unwind: frame 0 is f_pop_pc+0x4 at sp 0xc0300004 (%s+0x%llx)",
	    fr->fn[0], (unsigned long long)fr->f[0].offset);
	/* pop {pc} at 0xc0300010: 0x300010, not kernel text. */
	stop(kd, "pc outside the text", regs_at(0xc0100104u, 0xc0300010u, 0, 0),
	    1, "pc 0x00300010 is outside the kernel's text");
	stop(kd, "a first pc outside the text",
	    regs_at(0xc0500000u, 0xc0300000u, 0, 0), 0, "outside the kernel's text");
	stop(kd, "first pc zero", regs_at(0, 0xc0300000u, 0, 0), 0, "zero pc");
	/* A leaf whose lr is its own pc: the same pc and sp again. */
	stop(kd, "loop", regs_at(0xc0100208u, 0xc0300000u, 0xc0100208u, 1), 1,
	    "sp did not move (0xc0300000)");
	stop(kd, "leaf without lr", regs_at(0xc0100208u, 0xc0300000u, 0, 0), 1,
	    "lr, which is not known");
	/* A leaf returns to f_pop_pc, which pops the zero word. */
	fr = stop(kd, "leaf, then caller", regs_at(0xc0100208u, 0xc030000cu,
	    0xc0100110u, 1), 2, "zero pc");
	check(fr->n == 2 && fr->f[1].pc == 0xc0100110u && fr->f[1].sp ==
	    0xc030000cu && !strcmp(fr->fn[1], "f_pop_pc") &&
	    !(fr->f[1].regs.valid & (1u << 14)),
	    "unwind: a leaf's caller is at lr with the same sp, its lr unknown");
	stop(kd, "stack page not in the dump",
	    regs_at(0xc0100104u, 0xc0302000u, 0, 0), 1,
	    "stack read failed at 0xc0302000");
	stop(kd, "EXIDX_CANTUNWIND", regs_at(0xc0100010u, 0xc0300000u, 0, 0), 1,
	    "cannot unwind past f_cant+0x10 (0xc0100010) (EXIDX_CANTUNWIND, no CFI)");
	stop(kd, "no entry", regs_at(0xc00ff010u, 0xc0300000u, 0, 0), 1,
	    "no unwind entry and no CFI for f_none+0x10");
	stop(kd, "spare opcode", regs_at(0xc0100300u, 0xc0300000u, 0, 0), 1,
	    "bad unwind entry for f_spare+0x0 (0xc0100300): spare unwind opcode 0xb4");
	stop(kd, "entry outside .ARM.extab",
	    regs_at(0xc0100400u, 0xc0300000u, 0, 0), 1, "outside .ARM.extab");
	/* pop {pc}; vsp += 4 on a page of f_deep's own addresses. */
	fr = stop(kd, "depth limit", regs_at(0xc0100700u, 0xc0400000u, 0, 0),
	    256, "depth limit of 256 frames");
	check(fr->f[1].pc == 0xc0101000u && fr->f[1].sp == 0xc0400008u &&
	    fr->f[255].pc == 0xc0101000u + 254 * 8 &&
	    fr->f[255].sp == 0xc0400000u + 255 * 8,
	    "unwind: frames of the deep stack pop their pcs 8 bytes apart");

	/*
	 * A trapframe: f_handler pops {r4, pc} at 0xc0300100, returning to
	 * exception_exit; the trapframe is at the sp it leaves (0xc0300108).
	 * It says the interrupted context was in SVC mode at f_pop_pc+0x10,
	 * with sp 0xc0300204 (a zero word: the unwind ends there).
	 */
	{
		unsigned char tf[76], w[4];
		const uint32_t tfa = 0xc0300108u;

		put32(w, 0xc0100600u, 0);
		poke(kd, core, 0xc0300104u, w, 4);
		put32(tf + 0, 0x60000013u, 0);		/* spsr: SVC */
		for (int i = 0; i <= 12; i++)
			put32(tf + 4 + 4 * i, 0x100u + (uint32_t)i, 0);
		put32(tf + 56, 0xbeef0056u, 0);		/* usr sp */
		put32(tf + 60, 0xbeef0060u, 0);		/* usr lr */
		put32(tf + 64, 0xc0300204u, 0);		/* svc sp */
		put32(tf + 68, 0xc0100180u, 0);		/* svc lr */
		put32(tf + 72, 0xc0100110u, 0);		/* pc */
		poke(kd, core, tfa, tf, sizeof(tf));
		kvm_close(kd);
		kd = kvm_open2(elfpath, core, O_RDONLY, err, NULL);
		if (kd == NULL) {
			check(0, "unwind: reopen: %s", err);
			return;
		}
		fr = stop(kd, "through a trapframe",
		    regs_at(0xc0100520u, 0xc0300100u, 0, 0), 3, "zero pc");
		check(fr->n == 3 && !strcmp(fr->fn[1], "exception_exit") &&
		    fr->f[1].pc == 0xc0100600u && fr->f[1].sp == tfa &&
		    !fr->f[1].trapframe && fr->f[2].trapframe &&
		    fr->f[2].trapframe_addr == tfa &&
		    fr->f[2].trapframe_kind != NULL &&
		    !strcmp(fr->f[2].trapframe_kind, "exception") &&
		    fr->f[2].pc == 0xc0100110u && fr->f[2].sp == 0xc0300204u &&
		    fr->f[2].regs.r[0] == 0x100u && fr->f[2].regs.r[12] == 0x10cu &&
		    fr->f[2].regs.r[14] == 0xc0100180u &&
		    fr->f[2].regs.cpsr == 0x60000013u &&
		    !strcmp(fr->fn[2], "f_pop_pc"),
		    "unwind: f_handler, exception_exit, then f_pop_pc+0x10 from "
		    "the trapframe at 0x%x (frame 2: pc 0x%llx sp 0x%llx tf %d)",
		    (unsigned)tfa, (unsigned long long)fr->f[2].pc,
		    (unsigned long long)fr->f[2].sp, fr->f[2].trapframe);
		/* The same trapframe from user mode ends the kernel stack. */
		put32(w, 0x60000010u, 0);
		poke(kd, core, tfa, w, 4);
		kvm_close(kd);
		kd = kvm_open2(elfpath, core, O_RDONLY, err, NULL);
		if (kd == NULL) {
			check(0, "unwind: reopen: %s", err);
			return;
		}
		stop(kd, "trapframe from user mode",
		    regs_at(0xc0100520u, 0xc0300100u, 0, 0), 2,
		    "trapframe from user mode at 0xc0300108");
	}
	kvm_close(kd);
}

/* ---- the symbolizer against nm ---------------------------------------- */

static void
symbols(const char *name)
{
	char kernel[256], core[256], manifest[256], line[512], cmd[600];
	char err[_POSIX2_LINE_MAX];
	int nsym = 0, bad = 0, sized = 0, badsized = 0;
	FILE *f, *p;
	kvm_t *kd;

	snprintf(kernel, sizeof(kernel), "fixtures/%s.kernel", name);
	snprintf(core, sizeof(core), "fixtures/%s.core", name);
	snprintf(manifest, sizeof(manifest), "fixtures/%s.manifest", name);
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	f = fopen(manifest, "r");
	if (kd == NULL || f == NULL) {
		check(0, "symbolize %s: %s", name, kd ? manifest : err);
		return;
	}
	/* Each of nm's symbols (the manifest's sym lines) at offset 0. */
	while (fgets(line, sizeof(line), f) != NULL) {
		char sym[256];
		unsigned long long addr;
		const char *got;
		kvaddr_t off;

		if (sscanf(line, "sym %255s %llx", sym, &addr) != 2)
			continue;
		nsym++;
		if (!kvm_arm_symbolize(kd, addr, &got, &off) ||
		    strcmp(got, sym) != 0 || off != 0) {
			bad++;
			check(0, "symbolize %s: 0x%llx is %s", name, addr, sym);
		}
	}
	fclose(f);
	check(nsym > 5 && bad == 0, "symbolize %s: %d symbols of nm at their "
	    "addresses", name, nsym);
	/* Sizes: the last byte is inside, the byte after (a gap) is not. */
	snprintf(cmd, sizeof(cmd), "arm-linux-gnueabi-nm -S %s 2>/dev/null",
	    kernel);
	p = popen(cmd, "r");
	while (p != NULL && fgets(line, sizeof(line), p) != NULL) {
		unsigned long long addr, size;
		char type, sym[256];
		const char *got;
		kvaddr_t off;

		if (sscanf(line, "%llx %llx %c %255s", &addr, &size, &type,
		    sym) != 4 || size == 0)
			continue;
		sized++;
		if (!kvm_arm_symbolize(kd, addr + size - 1, &got, &off) ||
		    strcmp(got, sym) != 0 || off != size - 1) {
			badsized++;
			check(0, "symbolize %s: 0x%llx is %s+0x%llx", name,
			    addr + size - 1, sym, size - 1);
		}
	}
	if (p == NULL || pclose(p) != 0 || sized == 0)
		printf("skip - symbolize %s sizes: arm-linux-gnueabi-nm is not "
		    "installed\n", name);
	else
		check(badsized == 0, "symbolize %s: the last byte of each of "
		    "%d sized symbols (nm -S)", name, sized);
	kvm_close(kd);
}

/* Facts about armv7-v2.kernel from readelf -s: what is not a symbol. */
static void
symbol_gaps(void)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2("fixtures/armv7-v2.kernel",
	    "fixtures/armv7-v2.core", O_RDONLY, err, NULL);
	const char *got = NULL;
	kvaddr_t off = 0;

	if (kd == NULL) {
		check(0, "symbolize gaps: %s", err);
		return;
	}
	/* version: 0xc0101018, 36 bytes; .rodata ends right after it. */
	check(!kvm_arm_symbolize(kd, 0xc010103c, &got, &off),
	    "symbolize: past version's 36 bytes is no symbol (%s)",
	    got ? got : "none");
	/* tick at 0xc0100000 shares its address with the mapping symbol $a. */
	check(kvm_arm_symbolize(kd, 0xc0100010, &got, &off) &&
	    !strcmp(got, "tick") && off == 0x10,
	    "symbolize: tick+0x10, not the mapping symbol $a");
	check(!kvm_arm_symbolize(kd, 0xc00fffff, &got, &off),
	    "symbolize: below the first symbol is none");
	kvm_close(kd);
}

int
main(void)
{
	decoder();
	entries(0);
	entries(1);
	stops();
	symbols("armv7-v2");
	symbols("armv5-v1-be");
	symbol_gaps();
	return harness_status();
}
