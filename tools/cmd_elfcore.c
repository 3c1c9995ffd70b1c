/*
 * cmd_elfcore.c: kvmarm elfcore [-f] OUT: the dump as an ELF core that
 * gdb-multiarch, lldb and drgn open as they are.
 *
 * The export itself is elfcore_export.c; here, the command line: OUT is
 * written whole or not at all (outfile.c), progress on a terminal, and
 * what the export lacks said on stderr once it exists.
 */
#include <stdlib.h>
#include <string.h>

#include "elfcore_export.h"
#include "kvmarm.h"
#include "outfile.h"
#include "progress.h"

/* A library message without the "CORE: " cli_error puts in front. */
static const char *
unprefixed(const struct cli *c, const char *msg)
{
	size_t n = strlen(c->core);

	if (strncmp(msg, c->core, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		return msg + n + 2;
	return msg;
}

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct progress *p = arg;

	if (done == 0)
		progress_start(p, "elfcore", total);
	else
		progress_update(p, done);
}

int
cmd_elfcore(struct cli *c)
{
	const char *inputs[] = { c->core, c->kernel };
	struct progress p = { 0 };
	struct elfcore_export_opts o = {
		.kernel = c->kernel, .progress = on_progress,
		.progress_arg = &p,
	};
	struct elfcore_export_report r;
	struct outfile out;
	char err[1024];
	int rc;

	if (outfile_open(&out, c->args[0], c->force, inputs, 2, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "kvmarm: %s\n", err);
		return EXIT_USAGE;
	}
	rc = elfcore_export(c->kd, out.fd, &o, &r, err, sizeof(err));
	progress_end(&p);
	if (rc != 0) {
		if (rc == ELFCORE_EXPORT_NOMEM)
			cli_error(c, "%s", err);
		else
			fprintf(stderr, "kvmarm: %s: %s\n", out.path,
			    unprefixed(c, err));
		outfile_discard(&out);
		return EXIT_USAGE;
	}
	if (outfile_commit(&out, err, sizeof(err)) != 0) {
		fprintf(stderr, "kvmarm: %s\n", err);
		return EXIT_USAGE;
	}
	/* What the export lacks, said once it exists. */
	if (r.past_end > 0)
		cli_error(c, "note: %llu dumped pages are past the end of the "
		    "truncated file and left out",
		    (unsigned long long)r.past_end);
	if (r.walk < 0)
		cli_error(c, "note: no kernel threads in the export, memory "
		    "only: %s", unprefixed(c, r.why));
	else if (r.walk == 0)
		cli_error(c, "note: the thread list ended early (%s): %zu "
		    "threads exported", unprefixed(c, r.why), r.threads);
	if (r.unwind_failed > 0)
		cli_error(c, "note: %zu threads not unwound, so their "
		    "trapframes are not exported (%s)", r.unwind_failed,
		    unprefixed(c, r.unwind_why));
	if (r.renamed > 0)
		cli_error(c, "note: %zu threads repeat an earlier tid or have "
		    "none; they have fresh ids (the libkvm_arm note's \"renamed\" "
		    "lines)", r.renamed);
	return EXIT_OK;
}
