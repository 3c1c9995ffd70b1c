/*
 * measure.h: the benchmarks' clock, statistics and process facts.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include <stddef.h>

/* Seconds on a monotonic clock. */
double now(void);
/* The median of n values (reorders them). */
double median(double *v, size_t n);
/* Keep this process on the CPU it runs on now; returns that CPU or -1. */
int pin_to_one_cpu(void);
/*
 * Resident set size and its peak, in KiB, from /proc/self/status; -1 when
 * unknown.  reset_peak_rss() makes the peak start again from the current
 * size (Linux clear_refs 5); returns 0 on success.
 */
long rss_kib(void);
long peak_rss_kib(void);
int reset_peak_rss(void);
/*
 * Time f(fa) and g(ga) alternately for rounds rounds, which goes first
 * changing each round; their medians (seconds) go to *mf and *mg.
 */
void alternate_with(double (*f)(void *), void *fa, double (*g)(void *),
    void *ga, unsigned rounds, double *mf, double *mg);
/* "CPU model, N CPUs, OS release" into buf. */
void machine_description(char *buf, size_t len);

#endif
