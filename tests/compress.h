/*
 * compress.h: write a core gzip- or zstd-compressed, as dumpon -z/-Z and
 * savecore -z leave them, for the tests of compressed cores.
 */
#ifndef TESTS_COMPRESS_H
#define TESTS_COMPRESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* gzip src[0, len) (all of it when len < 0) to dst, after an optional prefix. */
static inline void
gzip_to(const char *src, const char *dst, long len, int level,
    const unsigned char *prefix, size_t plen, size_t zero_tail)
{
	static unsigned char buf[1 << 16];
	char mode[8];
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	gzFile z;
	size_t n;
	long left = len;

	if (in == NULL || out == NULL) {
		perror(in == NULL ? src : dst);
		exit(2);
	}
	if (prefix != NULL)
		fwrite(prefix, 1, plen, out);
	fclose(out);
	snprintf(mode, sizeof(mode), "ab%d", level);
	z = gzopen(dst, mode);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (len >= 0 && (long)n > left)
			n = (size_t)left;
		gzwrite(z, buf, (unsigned)n);
		left -= (long)n;
		if (len >= 0 && left == 0)
			break;
	}
	memset(buf, 0, sizeof(buf));
	for (; zero_tail > 0; zero_tail -= sizeof(buf) < zero_tail ? sizeof(buf) : zero_tail)
		gzwrite(z, buf, sizeof(buf) < zero_tail ? sizeof(buf) : (unsigned)zero_tail);
	gzclose(z);
	fclose(in);
}

/* The core in one zstd frame, written to dst after an optional prefix. */
static inline long
zstd_to(const char *src, const char *dst, const unsigned char *prefix,
    size_t plen)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	size_t n, cap, zlen;
	void *buf, *z;
	long len;

	if (in == NULL || out == NULL) {
		perror(in == NULL ? src : dst);
		exit(2);
	}
	fseek(in, 0, SEEK_END);
	len = ftell(in);
	rewind(in);
	buf = malloc((size_t)len);
	cap = ZSTD_compressBound((size_t)len);
	z = malloc(cap);
	n = fread(buf, 1, (size_t)len, in);
	zlen = ZSTD_compress(z, cap, buf, n, 3);
	if (prefix != NULL)
		fwrite(prefix, 1, plen, out);
	fwrite(z, 1, zlen, out);
	fclose(out);
	fclose(in);
	free(buf);
	free(z);
	return (long)zlen;
}

#endif
