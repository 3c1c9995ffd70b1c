/*
 * gzip_cache.h: a gzip core's index kept between runs.
 *
 * Building the index of a gzip core means inflating all of it (about a
 * second for 256 MiB); a later open of the same core loads it from
 * $XDG_CACHE_HOME/libkvm_arm (else ~/.cache/libkvm_arm) instead.  An entry
 * is named by the core's identity (device, inode, where the stream starts)
 * and holds the facts it was built from (file size and mtime, CRC-32s of
 * the first and last 64 KiB of the stream) and a CRC-32 of itself; it is
 * used only when all of them match and its points are in order, and is
 * rebuilt otherwise.  Entries are written to a temporary name and renamed
 * into place, so a reader never sees half of one.  KVM_ARM_NO_CACHE set to
 * anything but "" or "0" turns the cache off; a cache directory that cannot
 * be made or written is not an error, only slower.
 */
#ifndef KVM_ARM_GZIP_CACHE_H
#define KVM_ARM_GZIP_CACHE_H

#include <stdint.h>

#include "file.h"
#include "gzip_index.h"

/* 1 and *ix filled from a valid entry for the stream, else 0. */
int gzip_cache_load(const struct file *f, uint64_t base, uint64_t len,
    struct gz_index *ix);
/* Keep ix for the stream (when worth it and possible); errors are ignored. */
void gzip_cache_store(const struct file *f, uint64_t base, uint64_t len,
    const struct gz_index *ix);

#endif
