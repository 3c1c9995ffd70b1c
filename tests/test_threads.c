/*
 * test_threads.c: kvm_arm_walk_threads and kvm_arm_panic on the dumps of
 * a kernel that really ran (fixtures/src/threads, under qemu-arm and
 * qemu-armeb), against the manifest the program wrote from its own
 * knowledge: every thread's pid, tid, names, CPU, crashed flag, chosen pcb
 * and saved registers, in list order.  The same image in every container
 * and format (made here by the fixture writer), gzip and zstd copies, a
 * kernel with DWARF only, and the damaged lists.
 */
#include <fcntl.h>
#include <string.h>

#include "compress.h"
#include "fixture.h"
#include "harness.h"
#include "kvm_arm.h"
#include "threads_manifest.h"

struct seen {
	struct kvm_arm_thread t[TM_MAX_THREADS + 1];
	int n;
};

static int
collect(const struct kvm_arm_thread *t, void *arg)
{
	struct seen *s = arg;

	if (s->n <= TM_MAX_THREADS)
		s->t[s->n++] = *t;
	return 1;
}

/* Every field of one thread against its manifest line; 0 when all agree. */
static int
compare(const char *what, const struct kvm_arm_thread *g,
    const struct tm_thread *w)
{
	char why[512] = "";

	if (g->pid != w->pid || g->tid != w->tid)
		snprintf(why, sizeof(why), "pid/tid %d/%d, want %d/%d", g->pid,
		    g->tid, w->pid, w->tid);
	else if (strcmp(g->comm, w->comm) != 0 || strcmp(g->name, w->name) != 0)
		snprintf(why, sizeof(why), "names %s/%s, want %s/%s", g->comm,
		    g->name, w->comm, w->name);
	else if (g->oncpu != w->oncpu || g->crashed != w->crashed ||
	    g->zombie != w->zombie)
		snprintf(why, sizeof(why), "oncpu %d crashed %d zombie %d, want "
		    "%d %d %d", g->oncpu, g->crashed, g->zombie, w->oncpu,
		    w->crashed, w->zombie);
	else if (strcmp(g->pcb_name, w->pcb) != 0)
		snprintf(why, sizeof(why), "pcb %s, want %s", g->pcb_name, w->pcb);
	else if (w->have_addr && (g->proc != w->proc || g->thread != w->thread ||
	    g->pcb != w->pcbaddr))
		snprintf(why, sizeof(why), "proc/thread/pcb 0x%llx/0x%llx/0x%llx, "
		    "want 0x%llx/0x%llx/0x%llx", (unsigned long long)g->proc,
		    (unsigned long long)g->thread, (unsigned long long)g->pcb,
		    w->proc, w->thread, w->pcbaddr);
	else if (w->have_regs && g->regs.valid != KVM_ARM_REGS_PCB)
		snprintf(why, sizeof(why), "registers valid 0x%x",
		    (unsigned)g->regs.valid);
	else if (w->have_regs) {
		for (int r = 0; r < 12 && why[0] == '\0'; r++)
			if (g->regs.r[4 + r] != w->regs[r])
				snprintf(why, sizeof(why), "r%d 0x%x, want 0x%llx",
				    4 + r, (unsigned)g->regs.r[4 + r], w->regs[r]);
	}
	check(why[0] == '\0', "%s: tid %d (%s/%s, %s)%s%s", what, w->tid,
	    w->comm, w->name, w->pcb, why[0] ? ": " : "", why);
	return why[0] != '\0';
}

/* The whole list of a good dump: every thread, in the manifest's order. */
static void
good_dump(const char *what, const char *kernel, const char *core,
    const struct tm *m)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	struct kvm_arm_panic p;
	struct kvm_arm_info in;
	static struct seen s;
	int rc, bad = 0;

	check(kd != NULL, "%s: opens%s%s", what, kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(strcmp(in.container, strstr(what, "-elf") ? "ELF core" :
	    "minidump") == 0, "%s: read as a %s", what, in.container);
	s.n = 0;
	rc = kvm_arm_walk_threads(kd, collect, &s);
	check(rc == 1 && s.n == m->n, "%s: %d threads listed (want %d), walk "
	    "complete (%d%s%s)", what, s.n, m->n, rc, rc == 1 ? "" : ": ",
	    rc == 1 ? "" : kvm_geterr(kd));
	for (int i = 0; i < s.n && i < m->n; i++)
		bad += compare(what, &s.t[i], &m->t[i]);
	check(bad == 0, "%s: all threads as the manifest says, in its order",
	    what);
	rc = kvm_arm_panic(kd, &p);
	check(rc == 0 && p.panicked && strcmp(p.panicstr, m->panicstr) == 0 &&
	    strcmp(p.version, m->version) == 0 && p.dumptid == m->dumptid,
	    "%s: panic \"%s\", version \"%s\", dumptid %d", what,
	    rc == 0 ? p.panicstr : kvm_geterr(kd), p.version, p.dumptid);
	kvm_close(kd);
}

/* A damaged list: the threads before the damage, then the warning. */
static void
damaged_dump(const char *name, const char *needle)
{
	char core[256], kernel[256], man[256], err[_POSIX2_LINE_MAX];
	char addr[32];
	static struct seen s;
	struct tm m;
	kvm_t *kd;
	int rc, bad = 0;

	snprintf(core, sizeof(core), "fixtures/%s.core", name);
	snprintf(kernel, sizeof(kernel), "fixtures/threads-le.kernel");
	snprintf(man, sizeof(man), "fixtures/%s.manifest", name);
	if (tm_load(&m, man) != 0) {
		check(0, "%s: manifest %s readable", name, man);
		return;
	}
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	check(kd != NULL, "%s: opens%s%s", name, kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL)
		return;
	s.n = 0;
	rc = kvm_arm_walk_threads(kd, collect, &s);
	snprintf(addr, sizeof(addr), "0x%llx", m.warn_addr);
	check(rc == 0 && strstr(kvm_geterr(kd), needle) != NULL &&
	    strstr(kvm_geterr(kd), core) != NULL &&
	    (m.warn_addr == 0 || strstr(kvm_geterr(kd), addr) != NULL),
	    "%s: the walk ends with \"%s\" naming %s (%d: %s)", name, needle,
	    addr, rc, kvm_geterr(kd));
	/* In order up to the damage; then maybe the other list's threads. */
	check(s.n >= m.n && s.n <= m.n + m.nlater, "%s: the %d threads before "
	    "the damage are listed (%d, %d more allowed)", name, m.n, s.n,
	    m.nlater);
	for (int i = 0; i < s.n && i < m.n; i++)
		bad += compare(name, &s.t[i], &m.t[i]);
	for (int i = m.n; i < s.n; i++) {
		int ok = 0;
		for (int k = 0; k < m.nlater; k++)
			ok |= s.t[i].tid == m.later[k];
		bad += !ok;
		check(ok, "%s: tid %d after the damage is on another list", name,
		    s.t[i].tid);
	}
	for (int i = 0; i < s.n; i++)
		for (int k = 0; k < m.nlost; k++)
			bad += s.t[i].tid == m.lost[k];
	check(bad == 0, "%s: no thread behind the damage is listed", name);
	kvm_close(kd);
}

/* The same image through the fixture writer in another container/format. */
static void
other_container(const char *base, const char *what, const char *from,
    const char *to, const struct tm *m)
{
	char desc[256], text[8192], path[300], kernel[256];
	char *at;
	FILE *f;
	size_t n;

	/* A description of its own (from NULL), else base's, edited. */
	snprintf(desc, sizeof(desc), "fixtures/%s.desc", from ? base : what);
	snprintf(kernel, sizeof(kernel), "fixtures/%s.kernel", base);
	f = fopen(desc, "r");
	n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	text[n] = '\0';
	if (n == 0) {
		check(0, "%s: %s readable", what, desc);
		return;
	}
	if (from != NULL && ((at = strstr(text, from)) == NULL ||
	    strlen(text) + strlen(to) >= sizeof(text))) {
		check(0, "%s: %s holds \"%s\"", what, desc, from);
		return;
	}
	if (from != NULL) {
		memmove(at + strlen(to), at + strlen(from),
		    strlen(at + strlen(from)) + 1);
		memcpy(at, to, strlen(to));
	}
	snprintf(path, sizeof(path), "%s/%s.desc", harness_tmpdir(), what);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	{
		char cmd[1024], core[300];
		snprintf(core, sizeof(core), "%s/%s.core", harness_tmpdir(), what);
		snprintf(cmd, sizeof(cmd), "build/tests/mkcore %s %s", path, core);
		if (system(cmd) != 0) {
			check(0, "%s: the fixture writer makes it", what);
			return;
		}
		good_dump(what, kernel, core, m);
	}
}

static void
byte_order(const char *base)
{
	char core[256], kernel[256], man[256], gz[300], zst[300], what[64];
	struct tm m;

	snprintf(core, sizeof(core), "fixtures/%s.core", base);
	snprintf(kernel, sizeof(kernel), "fixtures/%s.kernel", base);
	snprintf(man, sizeof(man), "fixtures/%s.manifest", base);
	if (tm_load(&m, man) != 0 || m.n == 0) {
		check(0, "%s: manifest with threads", man);
		return;
	}
	good_dump(base, kernel, core, &m);
	snprintf(gz, sizeof(gz), "%s/%s.core.gz", harness_tmpdir(), base);
	snprintf(zst, sizeof(zst), "%s/%s.core.zst", harness_tmpdir(), base);
	gzip_to(core, gz, -1, 6, NULL, 0, 0);
	zstd_to(core, zst, NULL, 0);
	snprintf(what, sizeof(what), "%s gzip", base);
	good_dump(what, kernel, gz, &m);
	snprintf(what, sizeof(what), "%s zstd", base);
	good_dump(what, kernel, zst, &m);
	snprintf(what, sizeof(what), "%s-v1", base);
	other_container(base, what, "version 2", "version 1", &m);
	snprintf(what, sizeof(what), "%s-v4", base);
	other_container(base, what, "mmu v6", "mmu v4", &m);
	/* (threads-be-lpae has a description of its own, run from main.) */
	snprintf(what, sizeof(what), "%s-lpae", base);
	if (strcmp(base, "threads-be") != 0)
		other_container(base, what, "mmu v6", "mmu lpae", &m);
}

/* A manifest's "global NAME 0xADDR" line: the address, or 0. */
static unsigned long long
manifest_global(const char *path, const char *name)
{
	char line[512], got[64];
	unsigned long long va = 0, v;
	FILE *f = fopen(path, "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "global %63s %llx", got, &v) == 2 &&
		    strcmp(got, name) == 0)
			va = v;
	if (f != NULL)
		fclose(f);
	return va;
}

/* How many times needle is in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *at = hay; (at = strstr(at, needle)) != NULL; at++)
		n++;
	return n;
}

/*
 * A core cut before its kernel data: kvm_arm_panic and the walk fail with
 * one sentence each, naming the core once, the variable and its address
 * (from the manifest), and why the read failed.
 */
static void
cut_before_data(void)
{
	char core[300], err[_POSIX2_LINE_MAX], want[64];
	struct kvm_arm_panic p;
	static struct seen s;
	unsigned long long va;
	kvm_t *kd;
	int rc;

	snprintf(core, sizeof(core), "%s/threads-le-cut.core", harness_tmpdir());
	fixture_copy("fixtures/threads-le.core", core, 30000);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	check(kd != NULL, "cut core: opens%s%s", kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL)
		return;
	va = manifest_global("fixtures/threads-le.manifest", "panicstr");
	check(va != 0, "cut core: the manifest gives panicstr and allproc");
	snprintf(want, sizeof(want), "cannot read panicstr at 0x%llx", va);
	rc = kvm_arm_panic(kd, &p);
	check(rc == -1 && count_of(kvm_geterr(kd), want) == 1 &&
	    count_of(kvm_geterr(kd), core) == 1 &&
	    strstr(kvm_geterr(kd), "past the end of the file") != NULL,
	    "cut core: kvm_arm_panic says \"%s\" once, the core once, and "
	    "why (%s)", want, kvm_geterr(kd));
	va = manifest_global("fixtures/threads-le.manifest", "allproc");
	snprintf(want, sizeof(want), "cannot read allproc at 0x%llx", va);
	s.n = 0;
	rc = kvm_arm_walk_threads(kd, collect, &s);
	check(rc == 0 && s.n == 0 && count_of(kvm_geterr(kd), want) == 1 &&
	    count_of(kvm_geterr(kd), core) == 1,
	    "cut core: the walk says \"%s\", the core once (%d, %d threads: "
	    "%s)", want, rc, s.n, kvm_geterr(kd));
	kvm_close(kd);
}

/*
 * A dump whose pcb_size (the variable's value, in the dump) is 0xffffffff:
 * no walk, and a reason that names pcb_size as the size it is.
 */
static void
bad_pcb_size(void)
{
	char core[300], err[_POSIX2_LINE_MAX];
	struct kvm_nlist nl[] = { { .n_name = "pcb_size" }, { .n_name = NULL } };
	static struct seen s;
	off_t off;
	kvm_t *kd;
	int rc;

	snprintf(core, sizeof(core), "%s/pcbsize.core", harness_tmpdir());
	fixture_copy("fixtures/threads-le.core", core, -1);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL || kvm_nlist2(kd, nl) != 0 ||
	    kvm_arm_kvatop(kd, nl[0].n_value, NULL, &off) == 0) {
		check(0, "pcb_size: its page in threads-le.core");
		if (kd != NULL)
			kvm_close(kd);
		return;
	}
	kvm_close(kd);
	fixture_patch32(core, (long)off, 0xffffffffu, 0);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL) {
		check(0, "pcb_size: opens: %s", err);
		return;
	}
	rc = kvm_arm_walk_threads(kd, collect, &s);
	check(rc == -1 && strstr(kvm_geterr(kd), "pcb_size is 4294967295, "
	    "not a plausible struct size") != NULL,
	    "pcb_size 0xffffffff: no walk, \"not a plausible struct size\" "
	    "(%d: %s)", rc, kvm_geterr(kd));
	kvm_close(kd);
}

/*
 * The crashed thread's td_plist.tqe_next pointing one byte into the next
 * thread (the manifest's addresses and offsets): the list ends there with
 * a warning that says so, no thread is made up from the misaligned bytes,
 * and the other processes' threads are still listed.
 */
static void
misaligned_thread(void)
{
	char core[300], err[_POSIX2_LINE_MAX], want[96];
	static struct seen s;
	struct tm m;
	unsigned long long plist = 0, bad;
	char line[256];
	FILE *f;
	off_t off;
	kvm_t *kd;
	int rc, strays = 0;

	if (tm_load(&m, "fixtures/threads-le.manifest") != 0 || m.n < 2 ||
	    !m.t[0].have_addr || !m.t[1].have_addr) {
		check(0, "misaligned: threads-le manifest with addresses");
		return;
	}
	f = fopen("fixtures/threads-le.manifest", "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "offset thread_off_td_plist %llu", &plist);
	if (f != NULL)
		fclose(f);
	bad = m.t[1].thread + 1;
	snprintf(core, sizeof(core), "%s/misaligned.core", harness_tmpdir());
	fixture_copy("fixtures/threads-le.core", core, -1);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL || plist == 0 ||
	    kvm_arm_kvatop(kd, m.t[0].thread + plist, NULL, &off) == 0) {
		check(0, "misaligned: tid %d's td_plist in the core", m.t[0].tid);
		if (kd != NULL)
			kvm_close(kd);
		return;
	}
	kvm_close(kd);
	fixture_patch32(core, (long)off, (uint32_t)bad, 0);
	kd = kvm_open2("fixtures/threads-le.kernel", core, O_RDONLY, err, NULL);
	if (kd == NULL) {
		check(0, "misaligned: opens: %s", err);
		return;
	}
	s.n = 0;
	rc = kvm_arm_walk_threads(kd, collect, &s);
	snprintf(want, sizeof(want), "points to 0x%llx, misaligned", bad);
	check(rc == 0 && strstr(kvm_geterr(kd), want) != NULL,
	    "misaligned: the walk says \"%s\" (%d: %s)", want, rc,
	    kvm_geterr(kd));
	for (int i = 0; i < s.n; i++)
		strays += tm_find(&m, s.t[i].tid) == NULL;
	check(strays == 0 && s.n >= 2 && s.t[0].tid == m.t[0].tid,
	    "misaligned: %d threads listed, %d not in the manifest", s.n,
	    strays);
	kvm_close(kd);
}

int
main(void)
{
	struct tm m;
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd;
	static struct seen s;

	byte_order("threads-le");
	byte_order("threads-be");
	/* No exported offsets: the same threads through the kernel's DWARF. */
	if (tm_load(&m, "fixtures/threads-dwarf.manifest") == 0)
		good_dump("threads-dwarf", "fixtures/threads-dwarf.kernel",
		    "fixtures/threads-dwarf.core", &m);
	else
		check(0, "threads-dwarf manifest readable");
	/* A full ELF core (the kernel's own page tables) and LPAE big-endian. */
	if (tm_load(&m, "fixtures/threads-le.manifest") == 0)
		other_container("threads-le", "threads-le-elf", NULL, NULL, &m);
	if (tm_load(&m, "fixtures/threads-be.manifest") == 0)
		other_container("threads-be", "threads-be-lpae", NULL, NULL, &m);
	cut_before_data();
	bad_pcb_size();
	misaligned_thread();
	damaged_dump("threads-loop", "loops");
	damaged_dump("threads-cut", "cannot read");
	/* Not a FreeBSD kernel: no allproc; one clear line. */
	kd = kvm_open2("fixtures/armv7-v2.kernel", "fixtures/armv7-v2.core",
	    O_RDONLY, err, NULL);
	if (kd != NULL) {
		int rc = kvm_arm_walk_threads(kd, collect, &s);
		check(rc == -1 && strstr(kvm_geterr(kd), "allproc") != NULL &&
		    strchr(kvm_geterr(kd), '\n') == NULL,
		    "a kernel without allproc: %s", kvm_geterr(kd));
		kvm_close(kd);
	}
	/* No kernel ELF at all. */
	kd = kvm_open2(NULL, "fixtures/threads-le.core", O_RDONLY, err, NULL);
	if (kd != NULL) {
		int rc = kvm_arm_walk_threads(kd, collect, &s);
		check(rc == -1 && strstr(kvm_geterr(kd), "-N") != NULL,
		    "no kernel ELF: %s", kvm_geterr(kd));
		kvm_close(kd);
	}
	return harness_status();
}
