/*
 * source_zstd.h: a zstd stream (dumpon -Z, vmcore.N.zst) made readable.
 */
#ifndef KVM_ARM_SOURCE_ZSTD_H
#define KVM_ARM_SOURCE_ZSTD_H

#include <stddef.h>
#include <stdint.h>

#include "file.h"

/*
 * Decompress the stream at [base, base + len) of f into an unlinked
 * temporary file in $TMPDIR, opened as *out; *cut gets 1 when the stream
 * ends before its frame does.  0, or -1 and err.
 */
int zstd_to_temp(const struct file *f, uint64_t base, uint64_t len,
    struct file *out, int *cut, char *err, size_t errlen);

#endif
