/*
 * file.c: a regular file, mapped or read with pread (see file.h).
 */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void
map_whole(struct file *f)
{
	f->map = NULL;
	if ((uint64_t)(size_t)f->size == f->size && f->size > 0) {
		/* Shared when writable, so that kvm_write's bytes read back. */
		void *m = mmap(NULL, (size_t)f->size, PROT_READ,
		    f->writable ? MAP_SHARED : MAP_PRIVATE, f->fd, 0);
		if (m != MAP_FAILED)
			f->map = m;
	}
}

const char *
file_not_regular(unsigned int mode)
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
file_open(struct file *f, const char *path, int writable, char *err,
    size_t errlen)
{
	struct stat st;
	const char *why;

	memset(f, 0, sizeof(*f));
	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * forever; opened this way it is refused below like any non-file.
	 */
	f->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY);
	if (f->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	/* A device or pipe has no trustworthy size: refuse it plainly. */
	if ((why = file_not_regular((unsigned int)st.st_mode)) != NULL ||
	    st.st_size <= 0) {
		snprintf(err, errlen, "%s: %s", path, why ? why : "empty file");
		goto fail;
	}
	(void)fcntl(f->fd, F_SETFL, fcntl(f->fd, F_GETFL) & ~O_NONBLOCK);
	f->writable = writable;
	f->size = (uint64_t)st.st_size;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime_sec = (int64_t)st.st_mtim.tv_sec;
	f->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
	map_whole(f);
	return 0;
fail:
	close(f->fd);
	f->fd = -1;
	return -1;
}

int
fd_write_all(int fd, uint64_t off, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int
file_write(const struct file *f, uint64_t off, const void *buf, size_t len)
{
	if (!f->writable || off > f->size || len > f->size - off)
		return -1;
	return fd_write_all(f->fd, off, buf, len);
}

void
file_adopt(struct file *f, int fd, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->size = size;
	map_whole(f);
}

void
file_unmap(struct file *f)
{
	if (f->map != NULL)
		munmap((void *)f->map, (size_t)f->size);
	f->map = NULL;
}

void
file_close(struct file *f)
{
	file_unmap(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

int64_t
file_read(const struct file *f, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off >= f->size)
		return 0;
	if (len > f->size - off)
		len = (size_t)(f->size - off);
	if (f->map != NULL) {
		memcpy(buf, f->map + off, len);
		return (int64_t)len;
	}
	while (done < len) {
		ssize_t n = pread(f->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
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
