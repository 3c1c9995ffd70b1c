/*
 * source_gzip.h: random access into a gzip stream (dumpon -z, savecore -z,
 * vmcore.N.gz) through an index of restart points.
 */
#ifndef KVM_ARM_SOURCE_GZIP_H
#define KVM_ARM_SOURCE_GZIP_H

#include <stddef.h>
#include <stdint.h>

#include "file.h"

struct gz;

/*
 * Index the gzip stream at [base, base + len) of f, from the index cache
 * when it holds a valid one (gzip_cache.h), else in one pass over it.
 * *size gets the stream's uncompressed length, *cut 1 when the stream
 * ends before its end marker.  NULL and err on failure.
 */
struct gz *gz_open(const struct file *f, uint64_t base, uint64_t len,
    uint64_t *size, int *cut, char *err, size_t errlen);
void gz_close(struct gz *gz);
/* As source_read: bytes copied, fewer at the end, -1 on an I/O error. */
int64_t gz_read(struct gz *gz, uint64_t off, void *buf, size_t len);

#endif
