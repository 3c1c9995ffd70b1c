/*
 * cmd_bt.c: kvmarm -N kernel bt [-a] [--json] [TID...]: backtraces, as
 * kgdb's `bt` prints them: the crashed thread by default, the threads
 * named, or every thread (-a).  Each frame is "#N 0xPC in func+0xOFF",
 * with " at file.c:LINE" when the kernel has DWARF line tables; a line
 * marks each trapframe the unwind went through.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kvmarm.h"

struct bt {
	struct cli *c;
	struct json j;
	int all;
	int *tids;		/* the TIDs asked for, and whether each was seen */
	int *seen;
	int ntids;
	unsigned int shown;
};

void
bt_text_frame(struct cli *c, const struct kvm_arm_frame *f, const char *indent)
{
	const char *file;
	int line;

	if (f->trapframe)
		printf("%s--- trapframe at 0x%08llx (%s) ---\n", indent,
		    (unsigned long long)f->trapframe_addr,
		    f->trapframe_kind ? f->trapframe_kind : "exception");
	printf("%s#%u 0x%08llx in ", indent, f->level,
	    (unsigned long long)f->pc);
	if (f->function != NULL)
		printf("%s+0x%llx", f->function,
		    (unsigned long long)f->offset);
	else
		fputs("??", stdout);
	/* A caller's pc is a return address: the call is just before it. */
	if (kvm_arm_srcline(c->kd, f->level == 0 || f->trapframe ? f->pc :
	    f->pc - 2, &file, &line)) {
		fputs(" at ", stdout);
		put_text(file);
		printf(":%d", line);
	}
	putchar('\n');
}

void
bt_json_frame(struct json *j, const struct kvm_arm_frame *f)
{
	json_object(j, NULL, 1);
	json_uint(j, "pc", f->pc);
	json_uint(j, "sp", f->sp);
	if (f->function != NULL)
		json_str(j, "function", f->function);
	else
		json_null(j, "function");
	json_uint(j, "offset", f->function != NULL ? f->offset : 0);
	json_bool(j, "trapframe", f->trapframe);
	json_end(j);
}

int
bt_clean_end(const char *why)
{
	return strcmp(why, "zero pc") == 0 ||
	    strncmp(why, "trapframe from user mode", 24) == 0 ||
	    (strncmp(why, "cannot unwind past ", 19) == 0 &&
	    strstr(why, "(EXIDX_CANTUNWIND") != NULL);
}

static int
print_frame(const struct kvm_arm_frame *f, void *arg)
{
	bt_text_frame(((struct bt *)arg)->c, f, "");
	return 1;
}

static int
json_frame(const struct kvm_arm_frame *f, void *arg)
{
	bt_json_frame(&((struct bt *)arg)->j, f);
	return 1;
}

static int
wanted(struct bt *bt, const struct kvm_arm_thread *t)
{
	int want = 0;

	if (bt->all)
		return 1;
	if (bt->ntids == 0)
		return t->crashed;
	for (int i = 0; i < bt->ntids; i++)
		if (bt->tids[i] == t->tid) {
			want = !bt->seen[i];	/* a TID twice: once */
			bt->seen[i] = 1;
		}
	return want;
}

static int
one_thread(const struct kvm_arm_thread *t, void *arg)
{
	struct bt *bt = arg;
	char why[1024] = "";
	int n = 0;

	if (!wanted(bt, t))
		return 1;
	if (bt->c->json) {
		json_object(&bt->j, NULL, 0);
		json_int(&bt->j, "tid", t->tid);
		json_int(&bt->j, "pid", t->pid);
		json_str(&bt->j, "name", t->name);
		json_array(&bt->j, "frames", 0);
		if (t->regs.valid != 0)
			kvm_arm_unwind(bt->c->kd, &t->regs, json_frame, bt, why,
			    sizeof(why));
		json_end(&bt->j);
		json_end(&bt->j);
	} else {
		if (bt->shown > 0)
			putchar('\n');
		printf("Thread %d (pid %d, ", t->tid, t->pid);
		put_text(t->comm);
		putchar('/');
		put_text(t->name);
		printf(")%s:\n", t->crashed ? " (crashed)" : "");
		if (t->regs.valid == 0)
			printf("(its registers could not be read from %s)\n",
			    t->pcb_name);
		else
			n = kvm_arm_unwind(bt->c->kd, &t->regs, print_frame, bt,
			    why, sizeof(why));
		if (n < 0)
			printf("(no backtrace: %s)\n", kvm_geterr(bt->c->kd));
		else if (strncmp(why, "trapframe from user mode", 24) == 0)
			printf("--- %s ---\n", why);	/* where a syscall entered */
		else if (t->regs.valid != 0 && !bt_clean_end(why))
			printf("Backtrace stopped: %s\n", why);
	}
	bt->shown++;
	/* The crashed thread alone: stop once it is printed. */
	return bt->all || bt->ntids > 0 || !t->crashed;
}

int
cmd_bt(struct cli *c)
{
	struct bt bt;
	int rc, cut, status = EXIT_OK;

	memset(&bt, 0, sizeof(bt));
	bt.c = c;
	bt.all = c->all;
	if (c->all && c->nargs > 0)
		return cli_usage("bt takes -a or TIDs, not both");
	bt.ntids = c->nargs;
	bt.tids = calloc((size_t)c->nargs + 1, sizeof(int));
	bt.seen = calloc((size_t)c->nargs + 1, sizeof(int));
	if (bt.tids == NULL || bt.seen == NULL) {
		cli_error(c, "out of memory");
		free(bt.tids);
		free(bt.seen);
		return EXIT_USAGE;
	}
	for (int i = 0; i < c->nargs; i++) {
		uint64_t v;
		if (parse_number(c->args[i], &v) != 0 || v > 0x7fffffff) {
			free(bt.tids);
			free(bt.seen);
			return cli_usage("bt: '%s' is not a thread id",
			    c->args[i]);
		}
		bt.tids[i] = (int)v;
	}
	if (c->json) {
		json_init(&bt.j, stdout);
		json_object(&bt.j, NULL, 0);
		json_array(&bt.j, "threads", 0);
	}
	rc = kvm_arm_walk_threads(c->kd, one_thread, &bt);
	if (c->json) {
		json_end(&bt.j);
		json_end(&bt.j);
		json_finish(&bt.j);
	}
	/* The walk ended at damage (not at the crashed thread, by us). */
	cut = rc == 0 && kvm_geterr(c->kd)[0] != '\0';
	fflush(stdout);
	if (rc < 0) {
		cli_kvm_error(c);
		status = EXIT_USAGE;
	} else if (cut && (bt.all || bt.ntids > 0)) {
		/* Other lists go on after a damaged one: not "before it". */
		fprintf(stderr, "kvmarm: warning: %s (%u threads shown)\n",
		    kvm_geterr(c->kd), bt.shown);
		status = EXIT_NO;
	} else if (cut) {
		/* One line: the damage is why the crashed thread is missing. */
		fprintf(stderr, "kvmarm: warning: %s (the crashed thread is not "
		    "among the threads that could be read)\n",
		    kvm_geterr(c->kd));
		status = EXIT_NO;
	}
	for (int i = 0; i < bt.ntids; i++)
		if (!bt.seen[i]) {
			cli_error(c, cut ? "no thread %d before the damage" :
			    "no thread %d in the dump", bt.tids[i]);
			status = status == EXIT_USAGE ? status : EXIT_NO;
		}
	if (rc > 0 && bt.ntids == 0 && !bt.all && bt.shown == 0) {
		cli_error(c, "no crashed thread (no thread's tid is dumptid)");
		status = EXIT_NO;
	}
	free(bt.tids);
	free(bt.seen);
	return status;
}
