/*
 * source.c: the three byte sources behind one interface (see source.h).
 */
#include "source.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "source_gzip.h"
#include "source_zstd.h"

/* Plain and zstd: a window of a file holding uncompressed bytes. */
static int64_t
window_read(const struct source *src, uint64_t off, void *buf, size_t len)
{
	if (off >= src->size)
		return 0;
	if (len > src->size - off)
		len = (size_t)(src->size - off);
	return file_read(src->bytes, src->base + off, buf, len);
}

static void
plain_close(struct source *src)
{
	(void)src;
}

static void
zstd_close(struct source *src)
{
	file_close(&src->plain);
}

static int64_t
gzip_read(const struct source *src, uint64_t off, void *buf, size_t len)
{
	return gz_read(src->gz, off, buf, len);
}

static void
gzip_close(struct source *src)
{
	gz_close(src->gz);
	src->gz = NULL;
}

static const struct source_ops plain_ops = { "none", window_read, plain_close };
static const struct source_ops zstd_ops = { "zstd", window_read, zstd_close };
static const struct source_ops gzip_ops = { "gzip", gzip_read, gzip_close };

/* The payload is [base, base + size) of a file of uncompressed bytes. */
static void
set_window(struct source *src, const struct file *f, uint64_t base,
    uint64_t size)
{
	src->bytes = f;
	src->base = base;
	src->size = size;
	src->map = f->map != NULL ? f->map + base : NULL;
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
	memset(src, 0, sizeof(*src));
	src->plain.fd = -1;
	if (file_open(&src->core, path, writable, err, errlen) != 0)
		return -1;
	src->writable = writable;
	src->ops = &plain_ops;
	src->compression = plain_ops.compression;
	src->stored_size = src->core.size;
	set_window(src, &src->core, 0, src->core.size);
	return 0;
}

void
source_close(struct source *src)
{
	if (src->ops != NULL)
		src->ops->close(src);
	file_close(&src->core);
	src->ops = NULL;
	src->map = NULL;
}

void
source_set_payload(struct source *src, uint64_t base, uint64_t size)
{
	if (base > src->core.size)
		base = src->core.size;
	if (size > src->core.size - base)
		size = src->core.size - base;
	src->raw_base = src->report_base = base;
	src->stored_size = size;
	set_window(src, &src->core, base, size);
}

int
source_write(const struct source *src, uint64_t off, const void *buf,
    size_t len)
{
	if (src->ops != &plain_ops || off > src->size || len > src->size - off)
		return -1;
	return file_write(&src->core, src->raw_base + off, buf, len);
}

int64_t
source_read_raw(const struct source *src, uint64_t off, void *buf, size_t len)
{
	if (off >= src->stored_size)
		return 0;
	if (len > src->stored_size - off)
		len = (size_t)(src->stored_size - off);
	return file_read(&src->core, src->raw_base + off, buf, len);
}

int
source_use_gzip(struct source *src, char *err, size_t errlen)
{
	uint64_t size;

	/* Read once, front to back: mapped, its pages would only add to RSS. */
	file_unmap(&src->core);
	src->gz = gz_open(&src->core, src->raw_base, src->stored_size,
	    &size, &src->cut, err, errlen);
	if (src->gz == NULL)
		return -1;
	src->ops = &gzip_ops;
	src->compression = gzip_ops.compression;
	src->bytes = NULL;
	src->map = NULL;
	src->base = 0;
	src->size = size;
	src->report_base = 0;	/* offsets count in the uncompressed stream */
	return 0;
}

int
source_use_zstd(struct source *src, char *err, size_t errlen)
{
	file_unmap(&src->core);
	if (zstd_to_temp(&src->core, src->raw_base, src->stored_size,
	    &src->plain, &src->cut, err, errlen) != 0)
		return -1;
	src->ops = &zstd_ops;
	src->compression = zstd_ops.compression;
	set_window(src, &src->plain, 0, src->plain.size);
	src->report_base = 0;
	return 0;
}

int
source_mappable(const struct source *src, uint64_t off)
{
	long page = sysconf(_SC_PAGESIZE);

	return src->bytes != NULL && src->bytes->map != NULL && page > 0 &&
	    (src->base + off) % (uint64_t)page == 0;
}

int
source_map_fixed(const struct source *src, void *addr, uint64_t off,
    uint64_t len)
{
	void *m;

	if (!source_mappable(src, off) || off > src->size ||
	    len > src->size - off)
		return -1;
	/* Shared as the file's own map is, so kvm_write's bytes show. */
	m = mmap(addr, (size_t)len, PROT_READ, (src->bytes->writable ?
	    MAP_SHARED : MAP_PRIVATE) | MAP_FIXED, src->bytes->fd,
	    (off_t)(src->base + off));
	return m == addr ? 0 : -1;
}
