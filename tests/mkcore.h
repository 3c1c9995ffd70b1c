/*
 * mkcore.h: write a minidump, a kernel ELF and a manifest of expected facts
 * from a mapping description (mapdesc.h).
 */
#ifndef MKCORE_H
#define MKCORE_H

#include "mapdesc.h"

/* What the writer laid out, for tests that check offsets. */
struct mkcore_layout {
	uint64_t ptes_off, data_off, file_size;
	uint64_t pages;		/* dumped pages written */
	uint64_t nbits;
};

/* Any path may be NULL to skip that file.  0, or -1 with a message. */
int mkcore_write(const struct mapdesc *d, const char *core, const char *kernel,
    const char *manifest, struct mkcore_layout *out);

#endif
