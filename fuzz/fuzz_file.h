/*
 * fuzz_file.h: hand fuzzer bytes to the library as a file.  kvm_open2 takes
 * paths, so each input is written to an in-memory file (memfd, reached as
 * /proc/self/fd/N; a temporary file where memfd is missing): no disk
 * traffic, and nothing is left behind when the fuzzer stops or crashes.
 */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_file {
	int fd;
	char path[64];
};

/* Replace the file's contents with data (creating it on first use). */
const char *fuzz_file_put(struct fuzz_file *f, const char *name,
    const uint8_t *data, size_t size);

#endif
