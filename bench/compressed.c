/*
 * compressed.c: the gzip and zstd targets of `make bench` (see
 * compressed.h).  The limit for whole-dump work on a gzip core is `gzip
 * -dc > /dev/null`, measured here as zlib inflating the same file into a
 * buffer that is thrown away (gzip's own inflate is no faster than zlib's).
 */
#include "compressed.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "measure.h"

static volatile uint64_t sink;

struct reads {
	kvm_t *kd;
	const uint64_t *vas;
	size_t n;
};

static double
random_reads(void *arg)
{
	struct reads *r = arg;
	uint64_t sum = 0;
	double t = now();

	for (size_t i = 0; i < r->n; i++) {
		uint32_t w;
		if (kvm_read2(r->kd, r->vas[i], &w, 4) != 4) {
			fprintf(stderr, "bench: kvm_read2: %s\n", kvm_geterr(r->kd));
			exit(1);
		}
		sum += w;
	}
	t = now() - t;
	sink += sum;
	return t;
}

static kvm_t *
open_core(const char *path)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(NULL, path, O_RDONLY, err, NULL);

	if (kd == NULL)
		fprintf(stderr, "bench: %s\n", err);
	return kd;
}

/* ---- gzip ---- */

struct walk_sum {
	uint64_t pages, sum;
};

static int
walk_cb(const struct kvm_page *p, const void *data, void *arg)
{
	struct walk_sum *s = arg;
	const unsigned char *b = data;

	(void)p;
	s->pages++;
	s->sum += b[0] + b[4095];
	return 1;
}

static uint64_t walked;

static double
fileorder_walk(void *arg)
{
	struct walk_sum s = { 0 };
	double t = now();

	if (kvm_arm_walk_pages_fileorder(arg, walk_cb, &s) != 1) {
		fprintf(stderr, "bench: walk: %s\n", kvm_geterr(arg));
		exit(1);
	}
	t = now() - t;
	walked = s.pages;
	sink += s.sum;
	return t;
}

static uint64_t inflated;

/* gzip -dc > /dev/null, in process. */
static double
inflate_all(void *arg)
{
	static unsigned char in[1 << 16], out[1 << 17];
	FILE *f = fopen(arg, "rb");
	z_stream z;
	int ret = Z_OK;
	double t = now();

	memset(&z, 0, sizeof(z));
	inflated = 0;
	if (f == NULL || inflateInit2(&z, 47) != Z_OK) {
		perror("bench: inflate");
		exit(1);
	}
	while (ret != Z_STREAM_END) {
		if (z.avail_in == 0) {
			z.avail_in = (uInt)fread(in, 1, sizeof(in), f);
			z.next_in = in;
			if (z.avail_in == 0)
				break;
		}
		z.next_out = out;
		z.avail_out = sizeof(out);
		ret = inflate(&z, Z_NO_FLUSH);
		if (ret != Z_OK && ret != Z_STREAM_END) {
			fprintf(stderr, "bench: inflate failed\n");
			exit(1);
		}
		inflated += sizeof(out) - z.avail_out;
		sink += out[0];
	}
	inflateEnd(&z);
	fclose(f);
	return now() - t;
}

static double
open_close(void *arg)
{
	double t = now();
	kvm_t *kd = open_core(arg);

	if (kd == NULL)
		exit(1);
	kvm_close(kd);
	return now() - t;
}

static uint64_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int
bench_gzip(const char *path, const char *cache_dir, const uint64_t *vas,
    size_t nvas, unsigned rounds, struct gzip_results *r)
{
	char cmd[512];
	struct reads rd = { NULL, vas, nvas < 2000 ? nvas : 2000 };
	double t, dummy;
	long before;
	kvm_t *kd;

	memset(r, 0, sizeof(*r));
	r->stored = file_size(path);
	/* Cold: no cached index.  Peak RSS over open, reads and a walk. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/libkvm_arm'", cache_dir);
	if (system(cmd) != 0)
		return -1;
	r->peak_rss_kib = -1;
	before = reset_peak_rss() == 0 ? rss_kib() : -1;
	t = now();
	kd = open_core(path);
	if (kd == NULL)
		return -1;
	r->cold_open = now() - t;
	rd.kd = kd;
	r->random_read = random_reads(&rd) / (double)rd.n;
	fileorder_walk(kd);
	if (before >= 0)
		r->peak_rss_kib = peak_rss_kib() - before;
	r->pages = walked;

	{
		double *tr = calloc(rounds, sizeof(double));
		for (unsigned i = 0; i < rounds; i++)
			tr[i] = random_reads(&rd) / (double)rd.n;
		r->random_read = median(tr, rounds);
		free(tr);
	}
	alternate_with(fileorder_walk, kd, inflate_all, (void *)path, rounds,
	    &r->walk, &r->inflate);
	r->bytes = inflated;
	kvm_close(kd);
	/* Warm: the index from the cache. */
	alternate_with(open_close, (void *)path, open_close, (void *)path,
	    rounds, &r->warm_open, &dummy);
	r->warm_open = (r->warm_open + dummy) / 2;
	return 0;
}

/* ---- zstd ---- */

/* The library's unlinked temporary copy, found among our descriptors. */
static void
temp_copy_usage(uint64_t *size, uint64_t *disk)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	*size = *disk = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char link[300], target[4096];
		struct stat st;
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strstr(target, "/kvm_arm.") != NULL &&
		    strstr(target, "(deleted)") != NULL &&
		    stat(link, &st) == 0) {
			*size = (uint64_t)st.st_size;
			*disk = (uint64_t)st.st_blocks * 512;
		}
	}
	closedir(d);
}

int
bench_zstd(const char *path, kvm_t *plain, const uint64_t *vas, size_t nvas,
    unsigned rounds, struct zstd_results *r)
{
	struct reads a = { plain, vas, nvas }, b = { NULL, vas, nvas };
	double dummy;
	kvm_t *kd;

	memset(r, 0, sizeof(*r));
	r->stored = file_size(path);
	alternate_with(open_close, (void *)path, open_close, (void *)path,
	    (rounds + 5) / 6, &r->open, &dummy);
	r->open = (r->open + dummy) / 2;
	kd = open_core(path);
	if (kd == NULL)
		return -1;
	temp_copy_usage(&r->temp_size, &r->temp_disk);
	b.kd = kd;
	random_reads(&b);	/* warm the copy's pages, as the plain core's are */
	alternate_with(random_reads, &b, random_reads, &a, rounds,
	    &r->random_read, &r->plain_read);
	r->random_read /= (double)nvas;
	r->plain_read /= (double)nvas;
	kvm_close(kd);
	return 0;
}

int
zstd_copy(const char *src, const char *dst, uint64_t zeros)
{
	static unsigned char in[1 << 17], out[1 << 17];
	FILE *f = fopen(src, "rb"), *o = fopen(dst, "wb");
	ZSTD_CCtx *c = ZSTD_createCCtx();
	int rc = -1, last = 0;

	if (f == NULL || o == NULL || c == NULL)
		goto out;
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	while (!last) {
		size_t n = fread(in, 1, sizeof(in), f), left;
		if (n == 0) {
			size_t z = zeros < sizeof(in) ? (size_t)zeros : sizeof(in);
			memset(in, 0, z);
			zeros -= z;
			n = z;
			last = zeros == 0;
		}
		ZSTD_inBuffer ib = { in, n, 0 };
		do {
			ZSTD_outBuffer ob = { out, sizeof(out), 0 };
			left = ZSTD_compressStream2(c, &ob, &ib,
			    last ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left) ||
			    fwrite(out, 1, ob.pos, o) != ob.pos)
				goto out;
		} while (last ? left != 0 : ib.pos < ib.size);
	}
	rc = 0;
out:
	ZSTD_freeCCtx(c);
	if (f != NULL)
		fclose(f);
	if (o != NULL && fclose(o) != 0)
		rc = -1;
	return rc;
}
