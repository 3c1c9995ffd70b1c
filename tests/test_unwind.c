/*
 * test_unwind.c: kvm_arm_unwind on the qemu-run thread fixtures: every
 * thread of threads-le and threads-be (BE8), unwound from its manifest's
 * `regs` line, gives the manifest's `frame` lines (written by the fixture
 * program from its own call records): each pc, function, trapframe flag
 * and address; through the data abort's trapframe into the faulting
 * function; past devfs_ioctl, which has only DWARF CFI; and ending at
 * thread_start, marked EXIDX_CANTUNWIND (also on threads-dwarf, the same
 * program built without the offset variables).  The same on other
 * containers of the same images (a full ELF core, an LPAE minidump, made
 * at test time) and on gzip and zstd copies.  A damaged stack (a page left out of the
 * dump, a return address overwritten) ends that thread's backtrace with
 * the reason, and no other thread's.
 */
#include <gelf.h>
#include <string.h>

#include "compress.h"
#include "fixture.h"
#include "kvm_arm.h"
#include "kvm_private.h"
#include "unwind.h"

#define MAXT	32
#define MAXF	64

struct mframe {
	uint32_t pc, tf;
	char fn[64];
};

struct mthread {
	int tid;
	struct kvm_arm_regs regs;
	int nframes;
	struct mframe f[MAXF];
	uint32_t tf_svc_sp;	/* of its trapframe line, if any */
};

struct manifest {
	int n;
	struct mthread t[MAXT];
	char nocfi[64];
};

static struct mthread *
find(struct manifest *m, int tid)
{
	for (int i = 0; i < m->n; i++)
		if (m->t[i].tid == tid)
			return &m->t[i];
	return NULL;
}

static int
load(const char *path, struct manifest *m)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	memset(m, 0, sizeof(*m));
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct mthread *t;
		unsigned v[12], pc, tf, x;
		int tid, level, got;
		char fn[64];

		if (sscanf(line, "thread %*d %d", &tid) == 1 && m->n < MAXT) {
			m->t[m->n++].tid = tid;
		} else if (sscanf(line, "regs %d %x %x %x %x %x %x %x %x %x %x "
		    "%x %x", &tid, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		    &v[6], &v[7], &v[8], &v[9], &v[10], &v[11]) == 13 &&
		    (t = find(m, tid)) != NULL) {
			for (int r = 0; r < 12; r++)
				t->regs.r[4 + r] = v[r];
			t->regs.valid = KVM_ARM_REGS_PCB;
		} else if ((got = sscanf(line, "frame %d %d %x %63s trapframe %x",
		    &tid, &level, &pc, fn, &tf)) >= 4 &&
		    (t = find(m, tid)) != NULL && level == t->nframes &&
		    level < MAXF) {
			t->f[level].pc = pc;
			t->f[level].tf = got == 5 ? tf : 0;
			snprintf(t->f[level].fn, sizeof(t->f[level].fn), "%s", fn);
			t->nframes++;
		} else if (sscanf(line, "trapframe %d %x %x %x", &tid, &tf, &x,
		    &pc) == 4 && (t = find(m, tid)) != NULL) {
			t->tf_svc_sp = pc;
		} else {
			sscanf(line, "nocfi %63s", m->nocfi);
		}
	}
	fclose(f);
	return 0;
}

struct got {
	int n;
	struct kvm_arm_frame f[MAXF];
};

static int
collect(const struct kvm_arm_frame *f, void *arg)
{
	struct got *g = arg;

	if (g->n < MAXF)
		g->f[g->n] = *f;
	g->n++;
	return 1;
}

/* The first difference between the unwind and the manifest, or "". */
static void
compare(const struct mthread *t, const struct got *g, const char *why,
    char *diff, size_t len)
{
	diff[0] = '\0';
	if (g->n != t->nframes)
		snprintf(diff, len, "%d frames, the manifest has %d", g->n,
		    t->nframes);
	for (int i = 0; diff[0] == '\0' && i < t->nframes; i++) {
		const struct kvm_arm_frame *f = &g->f[i];
		const struct mframe *m = &t->f[i];

		if (f->pc != m->pc || f->function == NULL ||
		    strcmp(f->function, m->fn) != 0 ||
		    f->trapframe != (m->tf != 0) ||
		    (m->tf != 0 && f->trapframe_addr != m->tf))
			snprintf(diff, len, "frame %d: 0x%08llx %s%s (manifest "
			    "0x%08x %s%s)", i, (unsigned long long)f->pc,
			    f->function ? f->function : "??",
			    f->trapframe ? " trapframe" : "", (unsigned)m->pc,
			    m->fn, m->tf ? " trapframe" : "");
		/* The trapframe is the sp of the frame before; the
		 * interrupted code's sp is its tf_svc_sp. */
		else if (m->tf != 0 && (i == 0 || g->f[i - 1].sp != m->tf ||
		    f->sp != t->tf_svc_sp))
			snprintf(diff, len, "frame %d: sp 0x%08llx, the frame "
			    "before 0x%08llx (trapframe 0x%08x, svc sp 0x%08x)",
			    i, (unsigned long long)f->sp, i ? (unsigned long long)
			    g->f[i - 1].sp : 0ull, (unsigned)m->tf,
			    (unsigned)t->tf_svc_sp);
	}
	/* The last frame is where the stack really ends. */
	if (diff[0] == '\0' && t->nframes > 0 &&
	    (strncmp(why, "cannot unwind past ", 19) != 0 ||
	    strncmp(why + 19, t->f[t->nframes - 1].fn,
	    strlen(t->f[t->nframes - 1].fn)) != 0 ||
	    strstr(why, "EXIDX_CANTUNWIND") == NULL))
		snprintf(diff, len, "ended with \"%s\", not at %s's "
		    "EXIDX_CANTUNWIND", why, t->f[t->nframes - 1].fn);
}

/* Every thread of manifest m on core with kernel. */
static void
unwind_all(const char *what, const char *kernel, const char *core,
    struct manifest *m)
{
	char err[_POSIX2_LINE_MAX], why[1024], diff[1400];
	int through_tf = 0, bad = 0;
	struct got *g = malloc(sizeof(*g));
	kvm_t *kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);

	if (kd == NULL || g == NULL) {
		check(0, "unwind %s: %s", what, err);
		free(g);
		return;
	}
	for (int i = 0; i < m->n; i++) {
		const struct mthread *t = &m->t[i];
		int n;

		g->n = 0;
		n = kvm_arm_unwind(kd, &t->regs, collect, g, why, sizeof(why));
		compare(t, g, why, diff, sizeof(diff));
		if (n != g->n && diff[0] == '\0')
			snprintf(diff, sizeof(diff), "returned %d for %d frames",
			    n, g->n);
		for (int k = 0; k < t->nframes; k++)
			through_tf += t->f[k].tf != 0;
		if (diff[0] != '\0') {
			bad++;
			check(0, "unwind %s: thread %d: %s", what, t->tid, diff);
		}
	}
	check(m->n >= 10 && bad == 0 && through_tf >= 1, "unwind %s: the "
	    "frames of all %d threads, %d through a trapframe", what, m->n,
	    through_tf);
	kvm_close(kd);
	free(g);
}

/* The nocfi function really has no entry of its own, and really has CFI. */
static void
nocfi(const char *name, const struct manifest *m)
{
	char kernel[256], core[256], err[_POSIX2_LINE_MAX];
	struct ehabi_entry e;
	struct unwinder *u;
	const char *s;
	kvaddr_t off;
	kvm_t *kd;
	struct kvm_nlist nl[2] = { { .n_name = m->nocfi }, { .n_name = NULL } };
	int found;

	snprintf(kernel, sizeof(kernel), "fixtures/%s.kernel", name);
	snprintf(core, sizeof(core), "fixtures/%s.core", name);
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	if (kd == NULL || m->nocfi[0] == '\0' || kvm_nlist2(kd, nl) != 0 ||
	    (u = unwinder_get(kd)) == NULL) {
		check(0, "unwind %s: the nocfi function %s: %s", name, m->nocfi,
		    kd ? kvm_geterr(kd) : err);
		if (kd != NULL)
			kvm_close(kd);
		return;
	}
	memset(&e, 0, sizeof(e));
	found = ehabi_find(&u->eh, (uint32_t)nl[0].n_value + 8, &e);
	check(found && e.fn == nl[0].n_value && e.word == 1 &&
	    kvm_arm_symbolize(kd, nl[0].n_value + 8, &s, &off) &&
	    strcmp(s, m->nocfi) == 0,
	    "unwind %s: %s's exidx entry is EXIDX_CANTUNWIND (word 0x%x)",
	    name, m->nocfi, (unsigned)e.word);
	check(unwinder_dwarf(u) != NULL && u->cfi != NULL,
	    "unwind %s: the kernel has DWARF CFI", name);
	kvm_close(kd);
}

/* A core made now from a description (mkcore's image directive). */
static int
made(const char *desc, char *core, size_t len)
{
	struct mapdesc *d = malloc(sizeof(*d));
	int rc;

	snprintf(core, len, "%s/%s.core", harness_tmpdir(), strrchr(desc, '/') + 1);
	if (d == NULL || mapdesc_load(d, desc) != 0) {
		free(d);
		return -1;
	}
	rc = mkcore_write(d, core, NULL, NULL, NULL);
	mapdesc_free(d);
	free(d);
	return rc;
}

/* The thread whose stack a damage test spoils: a sleeping one. */
static const struct mthread *
victim(const struct manifest *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->t[i].nframes >= 4 && m->t[i].f[0].tf == 0 &&
		    strcmp(m->t[i].f[0].fn, "mi_switch") == 0)
			return &m->t[i];
	return NULL;
}

/* Unwind every thread; the victim must give nframes and a reason with
 * want, every other thread its manifest's frames. */
static void
damaged(const char *what, const char *core, const struct manifest *m,
    const struct mthread *v, int nframes, const char *want)
{
	char err[_POSIX2_LINE_MAX], why[1024], diff[1400];
	struct got *g = malloc(sizeof(*g));
	kvm_t *kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY,
	    err, NULL);
	int others = 0, bad = 0;

	if (kd == NULL || g == NULL) {
		check(0, "unwind %s: %s", what, err);
		free(g);
		return;
	}
	for (int i = 0; i < m->n; i++) {
		const struct mthread *t = &m->t[i];

		g->n = 0;
		kvm_arm_unwind(kd, &t->regs, collect, g, why, sizeof(why));
		if (t == v) {
			check(g->n == nframes && strstr(why, want) != NULL &&
			    g->f[0].pc == t->f[0].pc,
			    "unwind %s: thread %d: %d frames (want %d), \"%s\" "
			    "(want \"%s\")", what, t->tid, g->n, nframes, why,
			    want);
			continue;
		}
		compare(t, g, why, diff, sizeof(diff));
		others++;
		if (diff[0] != '\0') {
			bad++;
			check(0, "unwind %s: thread %d: %s", what, t->tid, diff);
		}
	}
	check(bad == 0, "unwind %s: the other %d threads unharmed", what,
	    others);
	kvm_close(kd);
	free(g);
}

/* threads-le's description with text in place of its image map line. */
static int
desc_with(const char *map_lines, char *core, size_t len, const char *name)
{
	static char text[16384];
	char line[2048];
	struct mapdesc *d = malloc(sizeof(*d));
	FILE *f = fopen("fixtures/threads-le.desc", "r");
	size_t n = 0;
	int rc = -1;

	if (f == NULL || d == NULL)
		goto out;
	text[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *add = strncmp(line, "map 0xc0100000 ", 15) == 0 ?
		    map_lines : line;
		if (n + strlen(add) + 1 >= sizeof(text))
			goto out;
		strcpy(text + n, add);
		n += strlen(add);
	}
	snprintf(core, len, "%s/%s.core", harness_tmpdir(), name);
	if (mapdesc_parse(d, text, name) == 0) {
		rc = mkcore_write(d, core, NULL, NULL, NULL);
		mapdesc_free(d);
	}
out:
	if (f != NULL)
		fclose(f);
	free(d);
	return rc;
}

static void
damage(const struct manifest *m)
{
	const struct mthread *v = victim(m);
	char core[300], maps[512], err[_POSIX2_LINE_MAX], want[64];
	uint32_t sp, page, w[1024];
	kvm_t *kd;

	if (v == NULL) {
		check(0, "unwind damage: no sleeping thread in the manifest");
		return;
	}
	/* The page of the victim's sp mapped but left out of the dump. */
	sp = v->regs.r[13];
	page = sp & ~0xfffu;
	snprintf(maps, sizeof(maps),
	    "map 0xc0100000 0x00100000 0x%x rwx\n"
	    "map 0x%x 0x%x 0x1000 rwx nodump\n"
	    "map 0x%x 0x%x 0x%x rwx\n",
	    (unsigned)(page - 0xc0100000u), (unsigned)page,
	    (unsigned)(page - 0xc0000000u), (unsigned)(page + 0x1000),
	    (unsigned)(page + 0x1000 - 0xc0000000u),
	    (unsigned)(0xc012e000u - page - 0x1000));
	snprintf(want, sizeof(want), "stack read failed at 0x%08x",
	    (unsigned)(sp & ~3u));
	if (desc_with(maps, core, sizeof(core), "stackgone") != 0)
		check(0, "unwind damage: a core without page 0x%x", page);
	else
		damaged("a stack page not in the dump", core, m, v, 1, want);

	/*
	 * Overwrite the word on the victim's stack holding frame 1's pc (the
	 * return address the function of frame 0 saved) with an address
	 * outside the kernel: frame 0, then the end, with that address.
	 */
	snprintf(core, sizeof(core), "%s/badlr.core", harness_tmpdir());
	fixture_copy("fixtures/threads-le.core", core, -1);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL || kvm_read2(kd, page, w, sizeof(w)) != sizeof(w)) {
		check(0, "unwind damage: read the stack page 0x%x", page);
		if (kd != NULL)
			kvm_close(kd);
		return;
	}
	for (uint32_t a = sp; a < page + 0x1000; a += 4) {
		unsigned char b[4];
		off_t off;

		put32(b, (uint32_t)v->f[1].pc, 0);
		if (memcmp(&w[(a - page) / 4], b, 4) != 0)
			continue;
		if (kvm_arm_kvatop(kd, a, NULL, &off) == 0)
			break;
		put32(b, 0x00dead00u, 0);
		fixture_patch(core, (long)off, b, 4);
		kvm_close(kd);
		damaged("a return address overwritten", core, m, v, 1,
		    "pc 0x00dead00 is outside the kernel's text");
		return;
	}
	check(0, "unwind damage: frame 1's pc 0x%x is not on the stack",
	    (unsigned)v->f[1].pc);
	kvm_close(kd);
}

/*
 * A kernel whose .debug_line_str does not end in a NUL (libdw would read
 * past it): no source lines, no CFI; the EHABI frames still unwind, up to
 * the CFI-only function.
 */
static void
cut_strings(const struct manifest *m)
{
	char kernel[300], err[_POSIX2_LINE_MAX], why[1024];
	const struct mthread *t = NULL;
	struct got *g = malloc(sizeof(*g));
	const char *file;
	int line, fd, nocfi_level = -1;
	long off = -1;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	Elf *e;
	kvm_t *kd;

	snprintf(kernel, sizeof(kernel), "%s/cutstr.kernel", harness_tmpdir());
	fixture_copy("fixtures/threads-le.kernel", kernel, -1);
	fd = open(kernel, O_RDONLY);
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e != NULL && elf_getshdrstrndx(e, &shstrndx) == 0)
		while ((scn = elf_nextscn(e, scn)) != NULL) {
			GElf_Shdr sh;
			const char *name;
			if (gelf_getshdr(scn, &sh) != NULL &&
			    (name = elf_strptr(e, shstrndx, sh.sh_name)) != NULL &&
			    strcmp(name, ".debug_line_str") == 0 && sh.sh_size > 0)
				off = (long)(sh.sh_offset + sh.sh_size - 1);
		}
	if (e != NULL)
		elf_end(e);
	close(fd);
	for (int i = 0; i < m->n; i++)
		if (m->t[i].nframes > 0 && m->t[i].f[0].pc != 0 &&
		    strcmp(m->t[i].f[0].fn, "doadump") == 0)
			t = &m->t[i];
	for (int k = 0; t != NULL && k < t->nframes; k++)
		if (strcmp(t->f[k].fn, m->nocfi) == 0)
			nocfi_level = k;
	if (off < 0 || t == NULL || nocfi_level < 0 || g == NULL) {
		check(0, "unwind: a kernel with a cut .debug_line_str (no "
		    "section, or no crashed thread through %s)", m->nocfi);
		free(g);
		return;
	}
	fixture_patch(kernel, off, "x", 1);
	kd = kvm_open2(kernel, "fixtures/threads-le.core", O_RDONLY, err, NULL);
	if (kd == NULL) {
		check(0, "unwind: open with the cut kernel: %s", err);
		free(g);
		return;
	}
	check(!kvm_arm_srcline(kd, t->f[0].pc, &file, &line),
	    "unwind: a cut .debug_line_str gives no source lines");
	g->n = 0;
	kvm_arm_unwind(kd, &t->regs, collect, g, why, sizeof(why));
	check(g->n == nocfi_level + 1 && g->f[nocfi_level].pc ==
	    t->f[nocfi_level].pc && strstr(why, "cannot unwind past") != NULL,
	    "unwind: without the DWARF, the crashed thread's frames up to %s "
	    "(%d of %d): %s", m->nocfi, g->n, nocfi_level + 1, why);
	kvm_close(kd);
	free(g);
}

/*
 * The crashed thread's trapframe with tf_pc 0 (as a call through a NULL
 * pointer leaves it): the frames up to the trapframe, then a frame at pc
 * 0 marked as reached through it, and a reason naming the trapframe and
 * its lr (tf_svc_lr, the caller), not a silent "zero pc".
 */
static void
trapframe_pc0(const struct manifest *m)
{
	char core[300], err[_POSIX2_LINE_MAX], why[1024], want[128];
	const struct mthread *t = NULL;
	struct got *g = malloc(sizeof(*g));
	int level = -1;
	off_t off;
	kvm_t *kd;

	for (int i = 0; i < m->n && t == NULL; i++)
		for (int k = 0; k < m->t[i].nframes; k++)
			if (m->t[i].f[k].tf != 0) {
				t = &m->t[i];
				level = k;
				break;
			}
	if (t == NULL || g == NULL) {
		check(0, "unwind: a thread through a trapframe in the manifest");
		free(g);
		return;
	}
	snprintf(core, sizeof(core), "%s/tfpc0.core", harness_tmpdir());
	fixture_copy("fixtures/threads-le.core", core, -1);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL || kvm_arm_kvatop(kd, t->f[level].tf + 72, NULL,
	    &off) == 0) {
		check(0, "unwind: the trapframe 0x%x's tf_pc in the core",
		    (unsigned)t->f[level].tf);
		if (kd != NULL)
			kvm_close(kd);
		free(g);
		return;
	}
	kvm_close(kd);
	fixture_patch32(core, (long)off, 0, 0);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	g->n = 0;
	if (kd != NULL)
		kvm_arm_unwind(kd, &t->regs, collect, g, why, sizeof(why));
	snprintf(want, sizeof(want), "pc 0x00000000 from the trapframe at "
	    "0x%08x", (unsigned)t->f[level].tf);
	check(kd != NULL && g->n == level + 1 && g->f[level].pc == 0 &&
	    g->f[level].trapframe && g->f[level].trapframe_addr ==
	    t->f[level].tf && g->f[level].function == NULL &&
	    g->f[level - 1].pc == t->f[level - 1].pc &&
	    strstr(why, want) != NULL &&
	    strstr(why, "lr: ") != NULL,
	    "unwind: a trapframe with pc 0: %d frames (want %d), the last "
	    "at 0x%llx through the trapframe; \"%s\"", g->n, level + 1,
	    g->n > level ? (unsigned long long)g->f[level].pc : 0ull, why);
	if (kd != NULL)
		kvm_close(kd);
	free(g);
}

int
main(void)
{
	static struct manifest le, be, dw;
	char core[300];

	if (load("fixtures/threads-le.manifest", &le) != 0 ||
	    load("fixtures/threads-be.manifest", &be) != 0 ||
	    load("fixtures/threads-dwarf.manifest", &dw) != 0) {
		check(0, "unwind: the thread fixtures' manifests");
		return harness_status();
	}
	unwind_all("threads-le", "fixtures/threads-le.kernel",
	    "fixtures/threads-le.core", &le);
	unwind_all("threads-be", "fixtures/threads-be.kernel",
	    "fixtures/threads-be.core", &be);
	unwind_all("threads-dwarf", "fixtures/threads-dwarf.kernel",
	    "fixtures/threads-dwarf.core", &dw);
	nocfi("threads-le", &le);
	nocfi("threads-be", &be);

	if (made("fixtures/threads-le-elf.desc", core, sizeof(core)) == 0)
		unwind_all("threads-le as a full ELF core",
		    "fixtures/threads-le.kernel", core, &le);
	else
		check(0, "unwind: mkcore fixtures/threads-le-elf.desc");
	if (made("fixtures/threads-be-lpae.desc", core, sizeof(core)) == 0)
		unwind_all("threads-be as an LPAE minidump",
		    "fixtures/threads-be.kernel", core, &be);
	else
		check(0, "unwind: mkcore fixtures/threads-be-lpae.desc");

	snprintf(core, sizeof(core), "%s/threads-le.core.gz", harness_tmpdir());
	gzip_to("fixtures/threads-le.core", core, -1, 6, NULL, 0, 0);
	unwind_all("threads-le gzip", "fixtures/threads-le.kernel", core, &le);
	snprintf(core, sizeof(core), "%s/threads-be.core.zst", harness_tmpdir());
	zstd_to("fixtures/threads-be.core", core, NULL, 0);
	unwind_all("threads-be zstd", "fixtures/threads-be.kernel", core, &be);
	damage(&le);
	trapframe_pc0(&le);
	cut_strings(&le);
	return harness_status();
}
