/*
 * test_elfcore_write.c: the ELF core writer (tools/elfcore_write.c) as
 * gdb-multiarch (and lldb) read it, apart from any dump: NT_PRSTATUS
 * registers and thread ids in both byte orders, more than 65535 segments
 * (PN_XNUM extended numbering), segment bytes put in any order, missing
 * bytes and write errors.  Expected values are the ones
 * the test put in; what is checked is what gdb reads back.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "elfcore_write.h"
#include "harness.h"

#define GDB "gdb-multiarch"

static int
have_gdb(void)
{
	return system("command -v " GDB " >/dev/null 2>&1") == 0;
}

/* Run gdb on core with the -ex commands cmds; its output in out. */
static int
gdb_run(const char *core, const char *cmds, char *out, size_t outlen)
{
	char cmd[4096];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), GDB " -batch -nx -ex 'set architecture "
	    "arm' -ex 'core-file %s' %s 2>&1", core, cmds);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	return pclose(p) == 0 ? 0 : -1;
}

/*
 * Every segment's data, in the order added: its first 16 bytes are its
 * index (as a 32-byte-spaced VA from 0x40000000) and its VA, the rest 0.
 */
static int
put_all(struct ecore *e, int fd, int be, char *err, size_t errlen)
{
	if (ecore_begin(e, fd, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < e->nloads; i++) {
		const struct ecore_load *l = &e->loads[i];
		unsigned char b[4096];

		memset(b, 0, sizeof(b));
		put32(b, (uint32_t)((l->vaddr - 0x40000000) / 32), be);
		put32(b + 4, (uint32_t)l->vaddr, be);
		for (uint64_t off = 0; off < l->size; off += sizeof(b)) {
			size_t n = l->size - off < sizeof(b) ?
			    (size_t)(l->size - off) : sizeof(b);

			if (ecore_put(e, l->offset + off, b, n, err,
			    errlen) != 0)
				return -1;
			memset(b, 0, 16);
		}
	}
	return ecore_end(e, err, errlen);
}

static int
write_core(struct ecore *e, const char *path, int be)
{
	char err[256];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rc;

	if (fd < 0)
		return -1;
	rc = put_all(e, fd, be, err, sizeof(err));
	if (rc != 0)
		printf("# %s\n", err);
	close(fd);
	return rc;
}

/* Two threads: a pcb's registers (r0..r3 unknown) and a whole trapframe. */
static void
registers(int be)
{
	const char *order = be ? "big-endian" : "little-endian";
	struct kvm_arm_regs pcb = { .valid = KVM_ARM_REGS_PCB };
	struct kvm_arm_regs tf = { .valid = KVM_ARM_REGS_ALL,
	    .cpsr = 0x60000093 };
	char path[512], out[8192], want[512];
	struct ecore e;

	for (int i = 0; i < 16; i++) {
		/* (Word-aligned: gdb takes an odd pc for Thumb and masks it.) */
		pcb.r[i] = 0xc0de0000u + (uint32_t)i * 0x10u;
		tf.r[i] = 0xc1000000u + (uint32_t)i * 0x110u;
	}
	ecore_init(&e, be);
	check(ecore_add_load(&e, 0x40000000, 0x1000, 16, KVM_PROT_READ, 0) ==
	    0 && ecore_add_prstatus(&e, 100042, 0, &pcb, 0x13) == 0 &&
	    ecore_add_prstatus(&e, 100099, 0, &tf, 0x13) == 0 &&
	    ecore_add_prpsinfo(&e, 0, "kernel", "kernel") == 0,
	    "writer %s: notes added", order);
	snprintf(path, sizeof(path), "%s/regs-%d.core", harness_tmpdir(), be);
	check(write_core(&e, path, be) == 0, "writer %s: written", order);
	ecore_free(&e);

	if (gdb_run(path, "-ex 'info threads' "
	    "-ex 'thread 1' -ex 'printf \"regs %x %x %x %x %x %x %x %x\\n\", "
	    "$r0, $r3, $r4, $r12, $sp, $lr, $pc, $cpsr' "
	    "-ex 'thread 2' -ex 'printf \"regs %x %x %x %x %x %x %x %x\\n\", "
	    "$r0, $r3, $r4, $r12, $sp, $lr, $pc, $cpsr'", out, sizeof(out))
	    != 0) {
		check(0, "writer %s: gdb runs: %.200s", order, out);
		return;
	}
	check(strstr(out, "LWP 100042") != NULL &&
	    strstr(out, "LWP 100099") != NULL, "writer %s: gdb lists LWP "
	    "100042 and LWP 100099", order);
	check(strstr(out, "* 1    LWP 100042") != NULL, "writer %s: the "
	    "first NT_PRSTATUS is gdb's selected thread", order);
	snprintf(want, sizeof(want), "regs 0 0 c0de0040 c0de00c0 c0de00d0 "
	    "c0de00e0 c0de00f0 13\n");
	check(strstr(out, want) != NULL, "writer %s: a pcb's registers, r0..r3 "
	    "0 and cpsr SVC", order);
	snprintf(want, sizeof(want), "regs c1000000 c1000330 c1000440 "
	    "c1000cc0 c1000dd0 c1000ee0 c1000ff0 60000093\n");
	check(strstr(out, want) != NULL, "writer %s: a trapframe's registers "
	    "and cpsr", order);
}

/* lldb on the same core: its threads, and registers of the second. */
static void
registers_lldb(int be)
{
	const char *order = be ? "big-endian" : "little-endian";
	char cmd[1024], out[8192];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "printf 'thread list\\nthread select 2\\n"
	    "register read r3 r12 pc cpsr\\nquit\\n' | lldb -c %s/regs-%d.core "
	    "2>&1", harness_tmpdir(), be);
	if ((p = popen(cmd, "r")) == NULL)
		return;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	pclose(p);
	check(strstr(out, "* thread #1: tid = 100042") != NULL &&
	    strstr(out, "thread #2: tid = 100099") != NULL,
	    "writer %s: lldb lists tid 100042 (selected) and 100099", order);
	check(strstr(out, "r3 = 0xc1000330") != NULL &&
	    strstr(out, "r12 = 0xc1000cc0") != NULL &&
	    strstr(out, "pc = 0xc1000ff0") != NULL &&
	    strstr(out, "cpsr = 0x60000093") != NULL,
	    "writer %s: lldb reads the second thread's registers", order);
}

/* 70000 segments: e_phnum is PN_XNUM and section 0 holds the count. */
static void
many_segments(int be)
{
	const char *order = be ? "big-endian" : "little-endian";
	const unsigned probe[] = { 0, 65533, 65534, 65535, 69999 };
	char path[512], out[8192], cmds[2048], want[128];
	struct ecore e;
	size_t n = 0;
	int added = 0;

	ecore_init(&e, be);
	/* Keys descend, so data go out in the opposite order to the headers. */
	for (unsigned i = 0; i < 70000; i++)
		added |= ecore_add_load(&e, 0x40000000 + 32 * (uint64_t)i,
		    0x1000, 16, KVM_PROT_READ, 70000 - i);
	snprintf(path, sizeof(path), "%s/many-%d.core", harness_tmpdir(), be);
	check(added == 0 && write_core(&e, path, be) == 0,
	    "writer %s: 70000 segments written", order);
	ecore_free(&e);

	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n,
		    "-ex 'x/2xw 0x%x' ", 0x40000000u + 32 * probe[i]);
	if (gdb_run(path, cmds, out, sizeof(out)) != 0) {
		check(0, "writer %s: gdb opens 70000 segments: %.200s", order,
		    out);
		return;
	}
	for (size_t i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		snprintf(want, sizeof(want), "0x%x:\t0x%08x\t0x%08x",
		    0x40000000u + 32 * probe[i], probe[i],
		    0x40000000u + 32 * probe[i]);
		check(strstr(out, want) != NULL, "writer %s: gdb reads segment "
		    "%u of 70000", order, probe[i] + 1);
	}
}

/* Bytes put at their offsets in any order land where the headers say. */
static void
put_any_order(void)
{
	char path[512], out[8192], err[256];
	unsigned char page[4096];
	struct ecore e;
	int fd, rc = 0;

	ecore_init(&e, 0);
	for (unsigned i = 0; i < 3; i++)
		ecore_add_load(&e, 0x40000000 + 0x10000 * (uint64_t)i, 0,
		    sizeof(page), KVM_PROT_READ, 3 - i);
	snprintf(path, sizeof(path), "%s/put.core", harness_tmpdir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc |= ecore_begin(&e, fd, err, sizeof(err));
	/* Load 2, load 0's second half, load 0's first half, load 1. */
	const unsigned order[][2] = { { 2, 0 }, { 0, 2048 }, { 0, 0 }, { 1, 0 } };
	for (size_t k = 0; k < 4; k++) {
		const struct ecore_load *l = &e.loads[order[k][0]];
		size_t len = order[k][0] == 0 ? 2048 : sizeof(page);

		for (size_t b = 0; b < sizeof(page); b += 4)
			put32(page + b, (uint32_t)(l->vaddr + order[k][1] + b), 0);
		rc |= ecore_put(&e, l->offset + order[k][1], page, len, err,
		    sizeof(err));
	}
	rc |= ecore_end(&e, err, sizeof(err));
	close(fd);
	check(rc == 0, "writer: segment bytes put in any order%s%s",
	    rc ? ": " : "", rc ? err : "");

	/* A segment byte never put is an error. */
	fd = open("/dev/null", O_WRONLY);
	err[0] = '\0';
	check(ecore_begin(&e, fd, err, sizeof(err)) == 0 &&
	    ecore_put(&e, e.loads[0].offset, page, 100, err, sizeof(err)) == 0 &&
	    ecore_end(&e, err, sizeof(err)) == -1 && strstr(err, "expected"),
	    "writer: missing segment bytes are an error (%s)", err);
	close(fd);
	ecore_free(&e);
	if (!have_gdb())
		return;
	if (gdb_run(path, "-ex 'x/1xw 0x40000000' -ex 'x/1xw 0x40000800' "
	    "-ex 'x/1xw 0x40010ffc' -ex 'x/1xw 0x40020010'", out,
	    sizeof(out)) != 0) {
		check(0, "writer: gdb opens the core put in any order");
		return;
	}
	check(strstr(out, "0x40000000:\t0x40000000") &&
	    strstr(out, "0x40000800:\t0x40000800") &&
	    strstr(out, "0x40010ffc:\t0x40010ffc") &&
	    strstr(out, "0x40020010:\t0x40020010"),
	    "writer: gdb reads bytes put in any order where they belong");
}

static void
errors(void)
{
	char err[256];
	struct ecore e;
	int fd;

	ecore_init(&e, 0);
	ecore_add_load(&e, 0x40000000, 0, 4096, KVM_PROT_READ, 0);
	if ((fd = open("/dev/full", O_WRONLY)) >= 0) {
		err[0] = '\0';
		check(put_all(&e, fd, 0, err, sizeof(err)) == -1 &&
		    strstr(err, "No space left") != NULL,
		    "writer: a full disk is an error saying so (%s)", err);
		close(fd);
	} else {
		printf("skip - writer: a full disk: no /dev/full here\n");
	}
	ecore_free(&e);
}

int
main(void)
{
	errors();
	put_any_order();
	if (!have_gdb()) {
		printf("skip - writer read back by gdb: " GDB " is not "
		    "installed (tools/setup.sh installs it)\n");
		return harness_status();
	}
	for (int be = 0; be <= 1; be++) {
		registers(be);
		if (system("command -v lldb >/dev/null 2>&1") == 0)
			registers_lldb(be);
		else
			printf("skip - writer read back by lldb: lldb is not "
			    "installed (tools/setup.sh installs it)\n");
		many_segments(be);
	}
	return harness_status();
}
