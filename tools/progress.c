/*
 * progress.c: the progress line (see progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* Below this many units (PTEs: 256 MiB of KVA) the walk is too quick to show. */
#define PROGRESS_MIN_WORK (UINT64_C(1) << 16)

/* stdout and stderr are one terminal (the same device). */
static int
same_terminal(void)
{
	struct stat o, e;

	return isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) &&
	    fstat(STDOUT_FILENO, &o) == 0 && fstat(STDERR_FILENO, &e) == 0 &&
	    o.st_rdev == e.st_rdev;
}

void
progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->on = total >= PROGRESS_MIN_WORK && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->shown = -1;
	p->drawn = 0;
	p->shared = p->on && same_terminal();
}

void
progress_update(struct progress *p, uint64_t done)
{
	int pct;

	if (!p->on)
		return;
	pct = (int)(done * 100 / p->total);
	if (pct == p->shown)
		return;
	p->shown = pct;
	fprintf(stderr, "\r%s: %3d%%", p->what, pct);
	fflush(stderr);
	p->drawn = 1;
}

void
progress_clear(struct progress *p)
{
	if (!p->on || !p->shared || !p->drawn)
		return;
	/* What stdout holds must not land after the erase. */
	fflush(stdout);
	fputs("\r\033[K", stderr);
	p->drawn = 0;
}

void
progress_end(struct progress *p)
{
	if (p->on && p->drawn)
		fputs("\r\033[K", stderr);
	p->on = 0;
}
