/*
 * measure.c: see measure.h.
 */
#define _GNU_SOURCE
#include "measure.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
pin_to_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

static long
status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(name);
	long v = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

long
rss_kib(void)
{
	return status_field("VmRSS");
}

long
peak_rss_kib(void)
{
	return status_field("VmHWM");
}

int
reset_peak_rss(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int rc;

	if (f == NULL)
		return -1;
	rc = fputs("5\n", f) < 0;
	return fclose(f) != 0 || rc ? -1 : 0;
}

void
machine_description(char *buf, size_t len)
{
	char model[128] = "unknown CPU", line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	struct utsname u;

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "model name", 10) == 0) {
				char *p = strchr(line, ':');
				if (p != NULL) {
					snprintf(model, sizeof(model), "%s", p + 2);
					model[strcspn(model, "\n")] = '\0';
				}
				break;
			}
		fclose(f);
	}
	if (uname(&u) != 0)
		strcpy(u.release, "?"), strcpy(u.machine, "?"), strcpy(u.sysname, "?");
	snprintf(buf, len, "%s, %ld CPUs, %s %s %s", model,
	    sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release, u.machine);
}

void
alternate_with(double (*f)(void *), void *fa, double (*g)(void *), void *ga,
    unsigned rounds, double *mf, double *mg)
{
	double *tf = calloc(rounds, sizeof(double));
	double *tg = calloc(rounds, sizeof(double));

	for (unsigned r = 0; r < rounds; r++) {
		if (r % 2 == 0) {
			tf[r] = f(fa);
			tg[r] = g(ga);
		} else {
			tg[r] = g(ga);
			tf[r] = f(fa);
		}
	}
	*mf = median(tf, rounds);
	*mg = median(tg, rounds);
	free(tf);
	free(tg);
}
