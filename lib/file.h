/*
 * file.h: the bottom layer of every byte source: a regular file's bytes.
 *
 * The file is mapped read-only when the host allows it (a read is then a
 * memcpy and memory use does not grow with the file), else every access is
 * a pread.  A compressed file is read once from start to end, so it is not
 * kept mapped: its pages would count against the process's memory for no
 * gain (file_unmap).
 */
#ifndef KVM_ARM_FILE_H
#define KVM_ARM_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct file {
	int fd;				/* -1 when closed */
	int writable;			/* opened read-write, mapped shared */
	const unsigned char *map;	/* the whole file, or NULL: pread */
	uint64_t size;
	dev_t dev;			/* identity, for caches keyed by it */
	ino_t ino;
	int64_t mtime_sec, mtime_nsec;
};

/*
 * Open path, which must be a non-empty regular file, read-only or (when
 * writable) read-write.  Returns 0, or -1 with a one-line reason naming
 * path in err.
 */
int file_open(struct file *f, const char *path, int writable, char *err,
    size_t errlen);
/*
 * Why a file of this st_mode cannot be a dump ("is a directory", "not a
 * regular file (a FIFO)", ...), or NULL for a regular file.
 */
const char *file_not_regular(unsigned int mode);
/* pwrite all len bytes to fd at off, retrying short writes: 0, or -1. */
int fd_write_all(int fd, uint64_t off, const void *buf, size_t len);
/* Write len bytes at off (a writable file): 0, or -1. */
int file_write(const struct file *f, uint64_t off, const void *buf,
    size_t len);
/* Take over fd (a file of size bytes) and map it when possible. */
void file_adopt(struct file *f, int fd, uint64_t size);
void file_close(struct file *f);
/* Read by pread from now on. */
void file_unmap(struct file *f);
/*
 * Copy up to len bytes from off.  Returns the bytes copied (fewer at the
 * end of the file, 0 past it) or -1 on an I/O error.
 */
int64_t file_read(const struct file *f, uint64_t off, void *buf, size_t len);

#endif
