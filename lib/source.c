/*
 * source.c: mmap or pread access to a core file (see source.h).
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

const char *
source_not_regular(unsigned int mode)
{
	mode_t m = (mode_t)mode;

	if (S_ISREG(m))
		return NULL;
	return S_ISDIR(m) ? "is a directory" :
	    S_ISFIFO(m) ? "not a regular file (a FIFO)" :
	    S_ISSOCK(m) ? "not a regular file (a socket)" :
	    S_ISCHR(m) ? "not a regular file (a character device)" :
	    S_ISBLK(m) ? "not a regular file (a block device)" :
	    "not a regular file";
}

int
source_open(struct source *src, const char *path, char *err, size_t errlen)
{
	return source_open_mode(src, path, 0, err, errlen);
}

int
source_open_mode(struct source *src, const char *path, int writable,
    char *err, size_t errlen)
{
	struct stat st;
	const char *why;

	memset(src, 0, sizeof(*src));
	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * forever; opened this way it is refused below like any non-file.
	 */
	src->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	if (src->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(src->fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* A device or pipe has no trustworthy size: refuse it plainly. */
	if ((why = source_not_regular((unsigned int)st.st_mode)) != NULL ||
	    st.st_size <= 0) {
		snprintf(err, errlen, "%s: %s", path, why ? why : "empty file");
		goto fail;
	}
	(void)fcntl(src->fd, F_SETFL, fcntl(src->fd, F_GETFL) & ~O_NONBLOCK);
	src->writable = writable;
	src->file_size = (uint64_t)st.st_size;
	src->size = src->raw_size = src->stored_size = src->file_size;
	src->compression = "none";
	if ((uint64_t)(size_t)src->file_size == src->file_size) {
		/* Shared when writable, so that kvm_write's bytes read back. */
		void *m = mmap(NULL, (size_t)src->file_size, PROT_READ,
		    writable ? MAP_SHARED : MAP_PRIVATE, src->fd, 0);
		if (m != MAP_FAILED)
			src->map = m;
	}
	return 0;
fail:
	close(src->fd);
	src->fd = -1;
	return -1;
}

int
source_write(const struct source *src, uint64_t off, const void *buf,
    size_t len)
{
	size_t done = 0;

	if (!src->writable || src->gz != NULL || off > src->raw_size ||
	    len > src->raw_size - off)
		return -1;
	while (done < len) {
		ssize_t n = pwrite(src->fd, (const char *)buf + done,
		    len - done, (off_t)(src->base + off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

void
source_close(struct source *src)
{
	gz_close(src->gz);
	src->gz = NULL;
	if (src->map != NULL)
		munmap((void *)src->map, (size_t)src->file_size);
	if (src->fd >= 0)
		close(src->fd);
	src->map = NULL;
	src->fd = -1;
}

void
source_set_payload(struct source *src, uint64_t base, uint64_t size)
{
	if (base > src->file_size)
		base = src->file_size;
	if (size > src->file_size - base)
		size = src->file_size - base;
	src->base = src->report_base = base;
	src->size = src->raw_size = src->stored_size = size;
}

int
source_use_gzip(struct source *src, char *err, size_t errlen)
{
	uint64_t size;

	src->gz = gz_open(src, &size, err, errlen);
	if (src->gz == NULL)
		return -1;
	src->size = size;
	src->compression = "gzip";
	src->report_base = 0;	/* offsets count in the uncompressed stream */
	return 0;
}

int64_t
source_read(const struct source *src, uint64_t off, void *buf, size_t len)
{
	if (src->gz != NULL)
		return gz_read(src->gz, off, buf, len);
	return source_read_raw(src, off, buf, len);
}

int64_t
source_read_raw(const struct source *src, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off >= src->raw_size)
		return 0;
	if (len > src->raw_size - off)
		len = (size_t)(src->raw_size - off);
	if (src->map != NULL) {
		memcpy(buf, src->map + src->base + off, len);
		return (int64_t)len;
	}
	while (done < len) {
		ssize_t n = pread(src->fd, (char *)buf + done, len - done,
		    (off_t)(src->base + off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;	/* the file shrank under us */
		done += (size_t)n;
	}
	return (int64_t)done;
}

const unsigned char *
source_ptr(const struct source *src, uint64_t off, size_t len)
{
	if (src->map == NULL || src->gz != NULL || off > src->size ||
	    len > src->size - off)
		return NULL;
	return src->map + src->base + off;
}
