/*
 * progress.h: a percentage on stderr while kvmarm walks a large dump.
 *
 * Shown only when stderr is a terminal and the work is large, so that
 * scripts, pipes and tests see nothing.
 */
#ifndef KVMARM_PROGRESS_H
#define KVMARM_PROGRESS_H

#include <stdint.h>

struct progress {
	int on;
	const char *what;
	uint64_t total;
	int shown;		/* last percentage printed, -1 for none */
	int drawn;		/* the line is on the terminal now */
	int shared;		/* stdout is the same terminal as stderr */
};

void progress_start(struct progress *p, const char *what, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
/*
 * Before writing to stdout while the work goes on: when stdout is the same
 * terminal, erase the line, so that the output does not run into it (it
 * comes back at the next percentage).
 */
void progress_clear(struct progress *p);
/* Erase the line, so that the command's own output starts clean. */
void progress_end(struct progress *p);

#endif /* KVMARM_PROGRESS_H */
