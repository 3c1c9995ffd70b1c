/*
 * fuzz_file.c: see fuzz_file.h.
 */
#define _GNU_SOURCE
#include "fuzz_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void
die(const char *what)
{
	perror(what);
	abort();
}

const char *
fuzz_file_put(struct fuzz_file *f, const char *name, const uint8_t *data,
    size_t size)
{
	size_t done = 0;

	if (f->path[0] == '\0') {
		f->fd = memfd_create(name, 0);
		if (f->fd >= 0) {
			snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
		} else {
			snprintf(f->path, sizeof(f->path), "/tmp/kvmarm-%s.XXXXXX", name);
			f->fd = mkstemp(f->path);
			if (f->fd < 0)
				die(f->path);
		}
	}
	if (ftruncate(f->fd, 0) != 0)
		die("ftruncate");
	while (done < size) {
		ssize_t n = pwrite(f->fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			die("pwrite");
		done += (size_t)n;
	}
	return f->path;
}
