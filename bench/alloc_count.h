/*
 * alloc_count.h: count the heap allocations made while a flag is up, to
 * show that a code path makes none.  The benchmark binary replaces malloc,
 * calloc, realloc and free with wrappers around glibc's own (__libc_*), so
 * every allocation in the process, the library's included, passes here.
 */
#ifndef BENCH_ALLOC_COUNT_H
#define BENCH_ALLOC_COUNT_H

#include <stdint.h>

/* Start counting from 0; stop and return the count. */
void alloc_count_start(void);
uint64_t alloc_count_stop(void);
/* read(2)-family system calls made by this process so far (/proc/self/io), or -1. */
int64_t read_syscalls(void);

#endif
