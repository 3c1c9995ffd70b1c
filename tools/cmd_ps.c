/*
 * cmd_ps.c: kvmarm -N kernel ps: every kernel thread, a line each, as
 * FreeBSD's ps -H and kgdb's `info threads` show them: pid, tid, the CPU
 * it was on, which pcb its registers come from, comm/tdname, the crashed
 * thread marked with '*'.  --json adds the addresses and saved registers.
 */
#include <string.h>

#include "json.h"
#include "kvmarm.h"

static const char *const reg_names[16] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
	"r11", "r12", "sp", "lr", "pc",
};

struct ps {
	struct cli *c;
	struct json j;
	unsigned int count;
};

static int
print_text(const struct kvm_arm_thread *t, void *arg)
{
	struct ps *ps = arg;

	if (ps->count++ == 0)
		printf("  %6s %7s %3s %-8s %s\n", "PID", "TID", "CPU", "PCB",
		    "COMMAND");
	printf("%c %6d %7d ", t->crashed ? '*' : ' ', t->pid, t->tid);
	if (t->oncpu >= 0)
		printf("%3d ", t->oncpu);
	else
		printf("%3s ", "-");
	printf("%-8s ", t->pcb_name);
	put_text(t->comm);
	putchar('/');
	put_text(t->name);
	if (t->crashed)
		fputs(" (crashed)", stdout);
	if (t->zombie)
		fputs(" (zombie)", stdout);
	putchar('\n');
	return 1;
}

static int
print_json(const struct kvm_arm_thread *t, void *arg)
{
	struct ps *ps = arg;
	struct json *j = &ps->j;

	ps->count++;
	json_object(j, NULL, 1);
	json_int(j, "pid", t->pid);
	json_int(j, "tid", t->tid);
	json_str(j, "comm", t->comm);
	json_str(j, "name", t->name);
	if (t->oncpu >= 0)
		json_int(j, "oncpu", t->oncpu);
	else
		json_null(j, "oncpu");
	json_bool(j, "crashed", t->crashed);
	json_str(j, "pcb", t->pcb_name);
	json_uint(j, "proc", t->proc);
	json_uint(j, "thread", t->thread);
	if (t->regs.valid & KVM_ARM_REGS_PCB) {
		json_object(j, "regs", 1);
		for (int r = 4; r < 16; r++)
			json_uint(j, reg_names[r], t->regs.r[r]);
		json_end(j);
	} else {
		json_null(j, "regs");
	}
	json_end(j);
	return 1;
}

int
cmd_ps(struct cli *c)
{
	struct ps ps;
	int rc;

	memset(&ps, 0, sizeof(ps));
	ps.c = c;
	if (c->json) {
		json_init(&ps.j, stdout);
		json_object(&ps.j, NULL, 0);
		json_array(&ps.j, "threads", 0);
		rc = kvm_arm_walk_threads(c->kd, print_json, &ps);
		/* A cut list still gives a whole document: what was read. */
		json_end(&ps.j);
		json_end(&ps.j);
		json_finish(&ps.j);
	} else {
		rc = kvm_arm_walk_threads(c->kd, print_text, &ps);
	}
	if (rc < 0) {
		cli_kvm_error(c);
		return EXIT_USAGE;
	}
	if (rc == 0) {
		fflush(stdout);
		/* Other lists go on after a damaged one: not "before it". */
		fprintf(stderr, "kvmarm: warning: %s (%u threads listed)\n",
		    kvm_geterr(c->kd), ps.count);
		return EXIT_NO;
	}
	return EXIT_OK;
}
