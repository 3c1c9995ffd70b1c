/*
 * info_panic.c: what `kvmarm info` says about the crash itself when the
 * kernel ELF is given: the panic string, the kernel's version and the
 * crashed thread (tid, pid, comm/tdname), so that one command triages a
 * core.
 */
#include <string.h>

#include "json.h"
#include "kvmarm.h"

#define KEY "%-20s"

struct crashed {
	int found;
	struct kvm_arm_thread t;
};

static int
find_crashed(const struct kvm_arm_thread *t, void *arg)
{
	struct crashed *cr = arg;

	if (!t->crashed)
		return 1;
	cr->found = 1;
	cr->t = *t;
	return 0;
}

/* The crashed thread's top frames: the panic site. */
#define INFO_FRAMES	10

struct top {
	struct cli *c;
	struct json *j;
	int n;
};

static int
top_text(const struct kvm_arm_frame *f, void *arg)
{
	struct top *t = arg;

	if (t->n++ == 0)
		printf(KEY, "backtrace:");
	bt_text_frame(t->c, f, t->n == 1 ? "" : "                    ");
	return t->n < INFO_FRAMES;
}

static int
top_json(const struct kvm_arm_frame *f, void *arg)
{
	struct top *t = arg;

	bt_json_frame(t->j, f);
	return ++t->n < INFO_FRAMES;
}

/* What info says of the crash, and why a fact is missing ("" when not). */
struct facts {
	int have_panic;
	struct kvm_arm_panic p;
	struct crashed cr;
	char panic_why[_POSIX2_LINE_MAX];
	char threads_why[_POSIX2_LINE_MAX];
};

/* The panic facts and the crashed thread, when -N gives a kernel: 1. */
static int
gather(struct cli *c, struct facts *f)
{
	if (c->kernel == NULL)
		return 0;
	memset(f, 0, sizeof(*f));
	f->have_panic = kvm_arm_panic(c->kd, &f->p) == 0;
	if (!f->have_panic)
		snprintf(f->panic_why, sizeof(f->panic_why), "%s",
		    kvm_geterr(c->kd));
	/* Failed, or cut by damage before the crashed thread: say why. */
	if (kvm_arm_walk_threads(c->kd, find_crashed, &f->cr) <= 0 &&
	    !f->cr.found)
		snprintf(f->threads_why, sizeof(f->threads_why), "%s",
		    kvm_geterr(c->kd));
	return 1;
}

void
info_panic_text(struct cli *c)
{
	struct facts f;
	const struct kvm_arm_panic *p = &f.p;
	const struct crashed *cr = &f.cr;

	if (!gather(c, &f))
		return;
	printf(KEY, "panic:");
	if (!f.have_panic) {
		fputs("unknown: ", stdout);
		put_text(f.panic_why);
		putchar('\n');
	} else {
		if (p->panicked)
			put_text(p->panicstr);
		else
			fputs("none (panicstr is NULL: the kernel did not "
			    "panic)", stdout);
		putchar('\n');
		printf(KEY, "kernel version:");
		put_text(p->version[0] ? p->version : "unknown");
		putchar('\n');
	}
	printf(KEY, "crashed thread:");
	if (cr->found) {
		printf("tid %d, pid %d (", cr->t.tid, cr->t.pid);
		put_text(cr->t.comm);
		putchar('/');
		put_text(cr->t.name);
		printf("), registers from %s\n", cr->t.pcb_name);
		if (cr->t.regs.valid != 0) {
			struct top t = { c, NULL, 0 };
			kvm_arm_unwind(c->kd, &cr->t.regs, top_text, &t, NULL,
			    0);
		}
	} else if (f.threads_why[0] != '\0') {
		printf("unknown: ");
		put_text(f.threads_why);
		putchar('\n');
	} else {
		printf("none found (dumptid %d)\n", p->dumptid);
	}
}

void
info_panic_json(struct cli *c, struct json *j)
{
	struct facts f;
	const struct kvm_arm_panic *p = &f.p;
	const struct crashed *cr = &f.cr;

	if (!gather(c, &f))
		return;
	if (f.have_panic && p->panicked)
		json_str(j, "panic_string", p->panicstr);
	else
		json_null(j, "panic_string");
	if (f.have_panic && p->version[0] != '\0')
		json_str(j, "kernel_version", p->version);
	else
		json_null(j, "kernel_version");
	if (cr->found) {
		json_object(j, "crashed_thread", 1);
		json_int(j, "tid", cr->t.tid);
		json_int(j, "pid", cr->t.pid);
		json_str(j, "comm", cr->t.comm);
		json_str(j, "name", cr->t.name);
		json_str(j, "pcb", cr->t.pcb_name);
		json_end(j);
		/* Its top frames, as bt --json writes them. */
		json_array(j, "crashed_frames", 0);
		if (cr->t.regs.valid != 0) {
			struct top t = { c, j, 0 };
			kvm_arm_unwind(c->kd, &cr->t.regs, top_json, &t, NULL,
			    0);
		}
		json_end(j);
	} else {
		json_null(j, "crashed_thread");
	}
	if (f.panic_why[0] != '\0')
		json_str(j, "panic_error", f.panic_why);
	if (f.threads_why[0] != '\0')
		json_str(j, "threads_error", f.threads_why);
}
