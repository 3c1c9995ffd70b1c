/*
 * source.h: the bytes of a core file.
 *
 * The whole file is mapped read-only when the host allows it (so a small
 * kvm_read2 is a memcpy, and memory use does not grow with the core);
 * otherwise every access is a pread.  A payload offset lets the rest of the
 * library ignore a dump-device header in front of the dump.
 */
#ifndef KVM_ARM_SOURCE_H
#define KVM_ARM_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct source {
	int fd;
	const unsigned char *map;	/* whole file, or NULL: use pread */
	uint64_t file_size;		/* bytes of the file */
	uint64_t base;			/* where the payload starts */
	uint64_t size;			/* bytes of payload */
};

/* Returns 0, or -1 with a one-line reason (naming path) in err. */
int source_open(struct source *src, const char *path, char *err, size_t errlen);
void source_close(struct source *src);
/* Narrow the source to [base, base + size) of the file (clamped to it). */
void source_set_payload(struct source *src, uint64_t base, uint64_t size);
/*
 * Copy up to len payload bytes from off.  Returns the bytes copied (fewer
 * at the end of the payload, 0 past it) or -1 on an I/O error.
 */
int64_t source_read(const struct source *src, uint64_t off, void *buf, size_t len);
/* A pointer to len payload bytes at off, or NULL (unmapped or past end). */
const unsigned char *source_ptr(const struct source *src, uint64_t off, size_t len);

#endif
