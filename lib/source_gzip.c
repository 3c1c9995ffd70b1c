/*
 * source_gzip.c: random access into a gzip-compressed core.
 *
 * gzip has no index, so reading byte N means inflating everything before
 * it.  One pass at open leaves restart points (gzip_index.h); a read then
 * inflates from the nearest point before it, at most one span of output.
 * The pass costs as long as `gzip -dc`, so its result is kept in a cache
 * directory and a later open of the same core loads it (gzip_cache.h).
 *
 * Two things make kvm_read2 cheap on top of that:
 *   - a small cache of decompressed 64 KiB chunks, so the many small reads
 *     a debugger makes of one structure cost one inflation;
 *   - a live inflate cursor kept after each chunk, so reading on from where
 *     the last chunk ended continues the stream instead of restarting it:
 *     sequential reads (and kvm_arm_walk_pages_fileorder) cost one pass.
 *
 * A file of several gzip members (concatenated .gz files, bgzip, pigz
 * --independent) is one stream, as gzip -dc reads it: at the end of a
 * member another that starts right after it is read on.
 *
 * The compressed bytes come through the plain-file layer (file.h), by
 * pread: they are read once, front to back, and would only add to the
 * process's memory if mapped.
 *
 * Memory: a 32 KiB window per point.  Points start 1 MiB of output apart;
 * when they would take more memory than the compressed file is large (a
 * highly compressible or hostile file), every other point is dropped and
 * the span doubles, so memory stays within about the compressed size.
 */
#include "source_gzip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip_cache.h"
#include "gzip_index.h"

#define SPAN_START	(UINT64_C(1) << 20)
#define CHUNK		65536u		/* cached unit of output */
#define NCACHE		8
#define INBUF		65536u

struct gz_chunk {
	uint64_t start;		/* UINT64_MAX when empty */
	size_t len;
	uint64_t used;		/* for least-recently-used eviction */
	unsigned char data[CHUNK];
};

struct gz {
	const struct file *f;		/* the compressed bytes are */
	uint64_t base, len;		/* [base, base + len) of f */
	struct gz_index ix;
	struct gz_chunk cache[NCACHE];
	uint64_t clock;
	/* The cursor: a raw inflate positioned at output cur_out. */
	z_stream cur;
	int cur_live;
	int cur_raw;			/* raw deflate: a member's trailer is
					   left in the input at its end */
	uint64_t cur_out, cur_in;
	unsigned char inbuf[INBUF];
};

/* Feed strm from the compressed stream at *in; 0 at its end. */
static size_t
refill(struct gz *gz, z_stream *strm, uint64_t *in)
{
	size_t want = gz->len - *in < INBUF ? (size_t)(gz->len - *in) : INBUF;
	int64_t n = want ? file_read(gz->f, gz->base + *in, gz->inbuf, want) : 0;

	if (n <= 0)
		return 0;
	strm->next_in = gz->inbuf;
	strm->avail_in = (uInt)n;
	*in += (uint64_t)n;
	return (size_t)n;
}

/* 1 when another gzip member starts at pos of the stream. */
static int
member_at(const struct gz *gz, uint64_t pos)
{
	unsigned char m[2];

	return pos <= gz->len && gz->len - pos >= 2 &&
	    file_read(gz->f, gz->base + pos, m, 2) == 2 && m[0] == 0x1f &&
	    m[1] == 0x8b;
}

static int
add_point(struct gz_index *ix, uint64_t out, uint64_t in, int bits,
    const unsigned char *win, unsigned left)
{
	unsigned char *w;

	if (ix->npoints == ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 16;
		struct gz_point *p;

		/* A 32-bit host: the windows' bytes must fit a size_t. */
		if (cap > SIZE_MAX / GZ_WINDOW)
			return -1;
		p = realloc(ix->points, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		ix->points = p;
		w = realloc(ix->windows, cap * GZ_WINDOW);
		if (w == NULL)
			return -1;
		ix->windows = w;
		ix->cap = cap;
	}
	w = ix->windows + ix->npoints * GZ_WINDOW;
	/* win is circular: the oldest byte is where the next would go. */
	memcpy(w, win + GZ_WINDOW - left, left);
	memcpy(w + left, win, GZ_WINDOW - left);
	ix->points[ix->npoints].out = out;
	ix->points[ix->npoints].in = in;
	ix->points[ix->npoints].bits = bits;
	ix->npoints++;
	return 0;
}

/* Keep every other point and double the span: bounds index memory. */
static void
thin_points(struct gz_index *ix)
{
	size_t k = 1;

	for (size_t i = 2; i < ix->npoints; i += 2, k++) {
		ix->points[k] = ix->points[i];
		memcpy(ix->windows + k * GZ_WINDOW, ix->windows + i * GZ_WINDOW,
		    GZ_WINDOW);
	}
	ix->npoints = k;
	ix->span *= 2;
}

/* One pass over the stream: its length and the access points. */
static int
build_index(struct gz *gz, char *err, size_t errlen)
{
	struct gz_index *ix = &gz->ix;
	/* Zeroed: the first point's window is the history before the start. */
	unsigned char *win = calloc(1, GZ_WINDOW);
	uint64_t in = 0, totin = 0, totout = 0, last = 0;
	size_t max_points = 4 + gz->len / GZ_WINDOW;
	z_stream strm;
	int ret = Z_OK;

	memset(&strm, 0, sizeof(strm));
	if (win == NULL || inflateInit2(&strm, 47) != Z_OK) {
		free(win);
		snprintf(err, errlen, "out of memory for gzip");
		return -1;
	}
	ix->span = SPAN_START;
	strm.next_out = win;
	strm.avail_out = GZ_WINDOW;
	while (ret != Z_STREAM_END) {
		if (strm.avail_in == 0 && refill(gz, &strm, &in) == 0)
			break;		/* truncated: keep what decoded */
		if (strm.avail_out == 0) {
			strm.next_out = win;
			strm.avail_out = GZ_WINDOW;
		}
		totin += strm.avail_in;
		totout += strm.avail_out;
		ret = inflate(&strm, Z_BLOCK);
		totin -= strm.avail_in;
		totout -= strm.avail_out;
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
			snprintf(err, errlen, "corrupt gzip data at compressed "
			    "byte %llu (%s)", (unsigned long long)totin,
			    strm.msg ? strm.msg : "inflate failed");
			inflateEnd(&strm);
			free(win);
			return -1;
		}
		/* At the end of a block header-to-data boundary (not the last). */
		if ((strm.data_type & 128) && !(strm.data_type & 64) &&
		    (ix->npoints == 0 || totout - last >= ix->span)) {
			if (add_point(ix, totout, totin, strm.data_type & 7, win,
			    strm.avail_out) != 0) {
				snprintf(err, errlen, "out of memory for the "
				    "gzip index");
				inflateEnd(&strm);
				free(win);
				return -1;
			}
			last = totout;
			if (ix->npoints > max_points)
				thin_points(ix);
		}
		/* zlib has read the member's trailer: the next starts at totin. */
		if (ret == Z_STREAM_END && member_at(gz, totin)) {
			if (inflateReset(&strm) != Z_OK)
				break;
			ret = Z_OK;
		}
	}
	inflateEnd(&strm);
	free(win);
	ix->cut = ret != Z_STREAM_END;
	if (ix->npoints == 0 || totout == 0) {
		if (ix->cut)
			snprintf(err, errlen, "truncated gzip stream: its %llu "
			    "bytes end before any data", (unsigned long long)gz->len);
		else
			snprintf(err, errlen, "gzip stream holds no data");
		return -1;
	}
	ix->size = totout;
	return 0;
}

/* Start the cursor at the last point at or before off. */
static int
cursor_seek(struct gz *gz, uint64_t off)
{
	const struct gz_index *ix = &gz->ix;
	size_t lo = 0, hi = ix->npoints;
	const struct gz_point *p;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (ix->points[mid].out <= off)
			lo = mid;
		else
			hi = mid;
	}
	p = &ix->points[lo];
	if (gz->cur_live)
		inflateEnd(&gz->cur);
	gz->cur_live = 0;
	memset(&gz->cur, 0, sizeof(gz->cur));
	if (inflateInit2(&gz->cur, -15) != Z_OK)
		return -1;
	gz->cur_live = 1;
	gz->cur_raw = 1;
	gz->cur_in = p->in;
	if (p->bits) {
		unsigned char c;
		if (p->in == 0 || file_read(gz->f, gz->base + p->in - 1, &c,
		    1) != 1)
			return -1;
		inflatePrime(&gz->cur, p->bits, c >> (8 - p->bits));
	}
	inflateSetDictionary(&gz->cur, ix->windows + lo * GZ_WINDOW, GZ_WINDOW);
	gz->cur_out = p->out;
	return 0;
}

/* Inflate len bytes from the cursor into buf (NULL: discard). */
static size_t
cursor_read(struct gz *gz, unsigned char *buf, size_t len)
{
	unsigned char discard[4096];
	size_t done = 0;

	while (done < len) {
		size_t want = len - done;
		int ret;

		if (buf == NULL && want > sizeof(discard))
			want = sizeof(discard);
		gz->cur.next_out = buf ? buf + done : discard;
		gz->cur.avail_out = (uInt)want;
		if (gz->cur.avail_in == 0 &&
		    refill(gz, &gz->cur, &gz->cur_in) == 0)
			break;
		ret = inflate(&gz->cur, Z_NO_FLUSH);
		done += want - gz->cur.avail_out;
		if (ret == Z_STREAM_END) {
			/* A member ends; raw inflation left its 8-byte trailer. */
			uint64_t next = gz->cur_in - gz->cur.avail_in +
			    (gz->cur_raw ? 8 : 0);

			if (!member_at(gz, next) ||
			    inflateReset2(&gz->cur, 31) != Z_OK)
				break;
			gz->cur_raw = 0;
			gz->cur_in = next;
			gz->cur.avail_in = 0;
			continue;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR)
			break;	/* stream end or corruption: a short read */
	}
	gz->cur_out += done;
	return done;
}

/* The cached chunk starting at start, filled on a miss. */
static const struct gz_chunk *
chunk_get(struct gz *gz, uint64_t start)
{
	struct gz_chunk *c = &gz->cache[0];

	for (int i = 0; i < NCACHE; i++) {
		if (gz->cache[i].start == start) {
			gz->cache[i].used = ++gz->clock;
			return &gz->cache[i];
		}
		if (gz->cache[i].used < c->used)
			c = &gz->cache[i];
	}
	/* Continue the live cursor when it is not past start nor far behind. */
	if (!gz->cur_live || gz->cur_out > start ||
	    start - gz->cur_out > gz->ix.span) {
		if (cursor_seek(gz, start) != 0)
			return NULL;
	}
	if (gz->cur_out < start) {
		uint64_t skip = start - gz->cur_out;
		if (cursor_read(gz, NULL, (size_t)skip) != skip)
			return NULL;
	}
	c->start = start;
	c->len = cursor_read(gz, c->data, (size_t)(gz->ix.size - start < CHUNK ?
	    gz->ix.size - start : CHUNK));
	c->used = ++gz->clock;
	return c;
}

int64_t
gz_read(struct gz *gz, uint64_t off, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;

	if (off >= gz->ix.size)
		return 0;
	if (len > gz->ix.size - off)
		len = (size_t)(gz->ix.size - off);
	while (done < len) {
		uint64_t at = off + done, start = at - at % CHUNK;
		const struct gz_chunk *c = chunk_get(gz, start);
		size_t in = (size_t)(at - start), n;

		if (c == NULL || c->len <= in)
			break;
		n = c->len - in < len - done ? c->len - in : len - done;
		memcpy(out + done, c->data + in, n);
		done += n;
	}
	return (int64_t)done;
}

struct gz *
gz_open(const struct file *f, uint64_t base, uint64_t len, uint64_t *size,
    int *cut, char *err, size_t errlen)
{
	struct gz *gz = calloc(1, sizeof(*gz));

	if (gz == NULL) {
		snprintf(err, errlen, "out of memory for gzip");
		return NULL;
	}
	gz->f = f;
	gz->base = base;
	gz->len = len;
	for (int i = 0; i < NCACHE; i++)
		gz->cache[i].start = UINT64_MAX;
	if (gzip_cache_load(f, base, len, &gz->ix) != 1) {
		if (build_index(gz, err, errlen) != 0) {
			gz_close(gz);
			return NULL;
		}
		gzip_cache_store(f, base, len, &gz->ix);
	}
	*size = gz->ix.size;
	*cut = gz->ix.cut;
	return gz;
}

void
gz_close(struct gz *gz)
{
	if (gz == NULL)
		return;
	free(gz->ix.points);
	free(gz->ix.windows);
	if (gz->cur_live)
		inflateEnd(&gz->cur);
	free(gz);
}
