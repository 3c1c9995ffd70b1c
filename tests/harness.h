/*
 * harness.h: the tests' checks.  Each check prints one line, "ok - NAME" or
 * "not ok - NAME: detail"; tests/run.sh counts them.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int harness_failed;

static inline void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "not ok - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	harness_failed |= !ok;
}

/* The process's exit status: 1 when any check failed. */
static inline int
harness_status(void)
{
	return harness_failed;
}

/* A repeatable pseudo-random sequence (xorshift64), the same every run. */
static inline uint64_t
harness_random(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

static char harness_dir[] = "/tmp/kvmarm-test.XXXXXX";

static inline void
harness_rmdir(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", harness_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", harness_dir);
}

/* A temporary directory for generated files, removed at exit. */
static inline const char *
harness_tmpdir(void)
{
	static int made;

	/* (Not by looking for the X's: mkdtemp may put an X there itself.) */
	if (!made) {
		made = 1;
		if (mkdtemp(harness_dir) == NULL) {
			perror("mkdtemp");
			exit(2);
		}
		atexit(harness_rmdir);
	}
	return harness_dir;
}

#endif
