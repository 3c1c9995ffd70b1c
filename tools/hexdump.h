/*
 * hexdump.h: print kernel memory as "hexdump -C" does, or as target words.
 *
 * Bytes arrive in pieces (one page at a time, so that a failed page still
 * leaves everything before it printed); lines are 16 bytes, labelled with
 * the kernel virtual address of their first byte.  In either layout, a run
 * of lines equal to the one before is one "*" line, and the end address
 * closes the dump, as hexdump(1) does.
 */
#ifndef KVMARM_HEXDUMP_H
#define KVMARM_HEXDUMP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kvmarm.h"

struct hexdump {
	FILE *f;
	const struct cli *c;
	int word_size;		/* 0: bytes and text; 4 or 8: target words */
	uint64_t addr;		/* address of line[0] */
	unsigned char line[16];
	size_t fill;
	unsigned char prev[16];	/* the last full line printed */
	int have_prev, starred;
};

void hexdump_init(struct hexdump *h, const struct cli *c, FILE *f,
    uint64_t addr, int word_size);
void hexdump_feed(struct hexdump *h, const unsigned char *p, size_t n);
/* Print the partial last line and the end address. */
void hexdump_finish(struct hexdump *h);

#endif /* KVMARM_HEXDUMP_H */
