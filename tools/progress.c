/*
 * progress.c: the progress line (see progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

/* Below this many units (PTEs: 256 MiB of KVA) the walk is too quick to show. */
#define PROGRESS_MIN_WORK (UINT64_C(1) << 16)

void
progress_start(struct progress *p, const char *what, uint64_t total)
{
	p->on = total >= PROGRESS_MIN_WORK && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->shown = -1;
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
}

void
progress_end(struct progress *p)
{
	if (p->on && p->shown >= 0)
		fputs("\r\033[K", stderr);
	p->on = 0;
}
