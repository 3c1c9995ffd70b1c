/*
 * source.h: the bytes of a core file.
 *
 * The whole file is mapped read-only when the host allows it (so a small
 * kvm_read2 is a memcpy, and memory use does not grow with the core);
 * otherwise every access is a pread.  The payload is a window of the file
 * (past a dump-device header, say), and may be a gzip stream, read through
 * an index of restart points (source_gzip.c): the rest of the library sees
 * the payload's uncompressed bytes either way.
 */
#ifndef KVM_ARM_SOURCE_H
#define KVM_ARM_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct gz;

struct source {
	int fd;
	const unsigned char *map;	/* whole file, or NULL: use pread */
	uint64_t file_size;		/* bytes of the file */
	uint64_t base;			/* where the payload starts in it */
	uint64_t raw_size;		/* bytes of payload in the file */
	struct gz *gz;			/* non-NULL: the payload is gzip */
	uint64_t size;			/* bytes of (uncompressed) payload */
	const char *compression;	/* "none", "gzip" or "zstd" */
	uint64_t report_base;		/* added to a payload offset to give a
					   file offset: base, or 0 when the
					   payload is compressed */
	uint64_t stored_size;		/* bytes of payload as stored */
	int writable;			/* opened O_RDWR (kvm_write) */
};

/* Returns 0, or -1 with a one-line reason (naming path) in err. */
int source_open(struct source *src, const char *path, char *err, size_t errlen);
/* The same, read-write when writable (the file is then mapped shared). */
int source_open_mode(struct source *src, const char *path, int writable,
    char *err, size_t errlen);
/*
 * Why a file of this st_mode cannot be a dump ("is a directory", "not a
 * regular file (a FIFO)", ...), or NULL for a regular file.
 */
const char *source_not_regular(unsigned int mode);
/* Write len payload bytes at off (uncompressed, writable): 0, or -1. */
int source_write(const struct source *src, uint64_t off, const void *buf,
    size_t len);
void source_close(struct source *src);
/* Narrow the payload to [base, base + size) of the file (clamped to it). */
void source_set_payload(struct source *src, uint64_t base, uint64_t size);
/* Read the payload as a gzip stream from now on.  0, or -1 and err. */
int source_use_gzip(struct source *src, char *err, size_t errlen);
/*
 * Decompress a zstd payload into a temporary file and read that from now
 * on (source_zstd.c).  0, or -1 and err.
 */
int source_use_zstd(struct source *src, char *err, size_t errlen);
/*
 * Copy up to len payload bytes from off.  Returns the bytes copied (fewer
 * at the end of the payload, 0 past it) or -1 on an I/O error.
 */
int64_t source_read(const struct source *src, uint64_t off, void *buf, size_t len);
/* The same from the payload's bytes as stored (compressed or not). */
int64_t source_read_raw(const struct source *src, uint64_t off, void *buf,
    size_t len);
/* A pointer to len payload bytes at off, or NULL (unmapped, compressed, past end). */
const unsigned char *source_ptr(const struct source *src, uint64_t off, size_t len);

/* source_gzip.c */
struct gz *gz_open(const struct source *raw, uint64_t *size, char *err,
    size_t errlen);
void gz_close(struct gz *gz);
int64_t gz_read(struct gz *gz, uint64_t off, void *buf, size_t len);

#endif
