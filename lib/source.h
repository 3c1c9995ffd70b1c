/*
 * source.h: the bytes of a core: one small interface over three kinds of
 * byte source, chosen at open.
 *
 *   file.h          a regular file, mapped or read with pread
 *   source_gzip.h   a gzip stream in a window of a file, read through an
 *                   index of restart points (kept in a cache directory)
 *   source_zstd.h   a zstd stream in a window of a file, decompressed once
 *                   into a sparse, unlinked temporary file
 *   source.h        the payload (past a dump-device header, say) as its
 *                   uncompressed bytes, whichever of the three holds them
 *
 * The rest of the library sees only this header.
 */
#ifndef KVM_ARM_SOURCE_H
#define KVM_ARM_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "file.h"

struct source;

/* What differs between the kinds: how bytes are read, how it ends. */
struct source_ops {
	const char *compression;	/* "none", "gzip" or "zstd" */
	int64_t (*read)(const struct source *src, uint64_t off, void *buf,
	    size_t len);
	void (*close)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	struct file core;		/* the file as given */
	struct file plain;		/* zstd: the decompressed copy */
	struct gz *gz;			/* gzip: the index and its cursor */
	const struct file *bytes;	/* the file holding the payload's
					   uncompressed bytes (core, plain),
					   or NULL for gzip */
	uint64_t base;			/* the payload's start in bytes */
	const unsigned char *map;	/* the uncompressed payload in memory,
					   or NULL */
	uint64_t size;			/* bytes of (uncompressed) payload */
	uint64_t raw_base;		/* the payload's start in the core */
	uint64_t stored_size;		/* bytes of payload as stored */
	const char *compression;	/* ops->compression */
	int cut;			/* the compressed stream ends early */
	int writable;			/* opened O_RDWR (kvm_write) */
	uint64_t report_base;		/* added to a payload offset to give a
					   file offset: raw_base, or 0 when
					   the payload is compressed */
};

/* Returns 0, or -1 with a one-line reason (naming path) in err. */
int source_open(struct source *src, const char *path, char *err, size_t errlen);
/* The same, read-write when writable (the file is then mapped shared). */
int source_open_mode(struct source *src, const char *path, int writable,
    char *err, size_t errlen);
/* Write len payload bytes at off (uncompressed, writable): 0, or -1. */
int source_write(const struct source *src, uint64_t off, const void *buf,
    size_t len);
/*
 * Copy up to len bytes of the payload as stored (compressed or not) from
 * off: bytes copied, or -1.
 */
int64_t source_read_raw(const struct source *src, uint64_t off, void *buf,
    size_t len);
void source_close(struct source *src);
/* Narrow the payload to [base, base + size) of the file (clamped to it). */
void source_set_payload(struct source *src, uint64_t base, uint64_t size);
/* Read the payload as a gzip stream from now on.  0, or -1 and err. */
int source_use_gzip(struct source *src, char *err, size_t errlen);
/* Read the payload as a zstd stream from now on.  0, or -1 and err. */
int source_use_zstd(struct source *src, char *err, size_t errlen);

/*
 * Copy up to len payload bytes from off.  Returns the bytes copied (fewer
 * at the end of the payload, 0 past it) or -1 on an I/O error.
 */
static inline int64_t
source_read(const struct source *src, uint64_t off, void *buf, size_t len)
{
	return src->ops->read(src, off, buf, len);
}

/* A pointer to len payload bytes at off, or NULL (unmapped, compressed, past end). */
static inline const unsigned char *
source_ptr(const struct source *src, uint64_t off, size_t len)
{
	if (src->map == NULL || off > src->size || len > src->size - off)
		return NULL;
	return src->map + off;
}

/*
 * Can the payload be mapped at payload offset off (a file of uncompressed
 * bytes, mapped, off at a page boundary of it)?  Then source_map_fixed
 * maps len bytes from off at addr (page-aligned): 0, or -1.
 */
int source_mappable(const struct source *src, uint64_t off);
int source_map_fixed(const struct source *src, void *addr, uint64_t off,
    uint64_t len);

#endif
