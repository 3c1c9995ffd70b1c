/*
 * threads_manifest.h: read a thread fixture's manifest (the format is in
 * fixtures/THREADS-MANIFEST.md), written by the qemu-run program that made
 * the dump from its own knowledge of what it built.
 */
#ifndef THREADS_MANIFEST_H
#define THREADS_MANIFEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TM_MAX_THREADS	64
#define TM_MAX_FRAMES	32

struct tm_frame {
	unsigned long long pc, tf;	/* tf: trapframe address, or 0 */
	char function[64];
};

struct tm_thread {
	int pid, tid, oncpu, crashed, zombie;
	char pcb[16], comm[32], name[32];
	unsigned long long proc, thread, pcbaddr;
	unsigned long long regs[12];	/* r4..r12, sp, lr, pc */
	int have_addr, have_regs;
	struct tm_frame frame[TM_MAX_FRAMES];
	int nframes;
};

struct tm {
	char panicstr[256], version[256];
	int dumptid;
	struct tm_thread t[TM_MAX_THREADS];
	int n;
	char warn[64];			/* the bad variants: "loop", "cut" */
	unsigned long long warn_addr;
	int lost[TM_MAX_THREADS], nlost;	/* must not be listed */
	int later[TM_MAX_THREADS], nlater;	/* may be listed after it */
};

static inline struct tm_thread *
tm_find(struct tm *m, int tid)
{
	for (int i = 0; i < m->n; i++)
		if (m->t[i].tid == tid)
			return &m->t[i];
	return NULL;
}

/* The rest of a line after its keyword, without the newline. */
static inline void
tm_rest(const char *line, const char *kw, char *out, size_t len)
{
	const char *s = line + strlen(kw);
	size_t n;

	while (*s == ' ')
		s++;
	n = strcspn(s, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* 0, or -1 when the file cannot be read. */
static inline int
tm_load(struct tm *m, const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	memset(m, 0, sizeof(*m));
	m->dumptid = -1;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct tm_thread *t = NULL;
		int tid;

		if (strncmp(line, "panicstr ", 9) == 0)
			tm_rest(line, "panicstr", m->panicstr, sizeof(m->panicstr));
		else if (strncmp(line, "version ", 8) == 0)
			tm_rest(line, "version", m->version, sizeof(m->version));
		else if (sscanf(line, "dumptid %d", &m->dumptid) == 1)
			;
		else if (strncmp(line, "thread ", 7) == 0 && m->n < TM_MAX_THREADS) {
			t = &m->t[m->n];
			if (sscanf(line, "thread %d %d %d %d %15s %31s %31s", &t->pid,
			    &t->tid, &t->oncpu, &t->crashed, t->pcb, t->comm,
			    t->name) == 7)
				m->n++;
		} else if (sscanf(line, "zombie %d", &tid) == 1 &&
		    (t = tm_find(m, tid)) != NULL) {
			t->zombie = 1;
		} else if (sscanf(line, "addr %d", &tid) == 1 &&
		    (t = tm_find(m, tid)) != NULL) {
			t->have_addr = sscanf(line, "addr %*d %llx %llx %llx",
			    &t->proc, &t->thread, &t->pcbaddr) == 3;
		} else if (sscanf(line, "regs %d", &tid) == 1 &&
		    (t = tm_find(m, tid)) != NULL) {
			unsigned long long *r = t->regs;
			t->have_regs = sscanf(line, "regs %*d %llx %llx %llx %llx "
			    "%llx %llx %llx %llx %llx %llx %llx %llx", &r[0],
			    &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7],
			    &r[8], &r[9], &r[10], &r[11]) == 12;
		} else if (sscanf(line, "frame %d", &tid) == 1 &&
		    (t = tm_find(m, tid)) != NULL && t->nframes < TM_MAX_FRAMES) {
			struct tm_frame *fr = &t->frame[t->nframes];
			int level;
			if (sscanf(line, "frame %*d %d %llx %63s trapframe %llx",
			    &level, &fr->pc, fr->function, &fr->tf) >= 3)
				t->nframes++;
		} else if (sscanf(line, "lost %d", &tid) == 1 &&
		    m->nlost < TM_MAX_THREADS) {
			m->lost[m->nlost++] = tid;
		} else if (sscanf(line, "later %d", &tid) == 1 &&
		    m->nlater < TM_MAX_THREADS) {
			m->later[m->nlater++] = tid;
		} else if (strncmp(line, "warn ", 5) == 0) {
			sscanf(line, "warn %63s %llx", m->warn, &m->warn_addr);
		}
	}
	fclose(f);
	return 0;
}

#endif
