/*
 * test_gzcache.c: the gzip index cache (lib/gzip_cache.h): written on the
 * first open, used on the next, rebuilt when stale or corrupt, never an
 * error when it cannot be written, off under KVM_ARM_NO_CACHE.
 *
 * That an entry is used is shown by doctoring one the way only a reader of
 * it would notice: its uncompressed size made a page short, with its CRC
 * recomputed (the format is in lib/gzip_cache.c).  An open that uses it
 * reports the short size; an open that rejects it rebuilds the index and
 * reports the true one, which the mapping description gives.
 */
#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include "compress.h"
#include "fixture.h"
#include "kvm_arm.h"

/* 12 MiB of dumped pages: past the cache's 8 MiB threshold. */
static const char desc[] =
    "kva_size 0xd00000\n"
    "phys 0x40000000 0x41000000\n"
    "map 0xc0000000 0x40000000 0xc00000 rw\n";

static char core[256], kernel[256], gz[300], cachedir[300], entry[600];
static struct mkcore_layout lo;

static unsigned char *
slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;

	*len = 0;
	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	b = malloc((size_t)*len + 1);
	if (fread(b, 1, (size_t)*len, f) != (size_t)*len)
		*len = 0;
	fclose(f);
	return b;
}

static void
spill(const char *path, const unsigned char *b, long len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(b, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

/* The entry with its uncompressed size (offset 96) one page short. */
static void
doctor(void)
{
	long len;
	unsigned char *b = slurp(entry, &len);
	uint64_t size = 0;
	uLong crc;

	for (int i = 7; i >= 0; i--)
		size = size << 8 | b[96 + i];
	put64(b + 96, size - 4096, 0);
	crc = crc32(0, b, (uInt)(len - 4));
	for (int i = 0; i < 4; i++)
		b[len - 4 + i] = (unsigned char)(crc >> (8 * i));
	spill(entry, b, len);
	free(b);
}

/* The uncompressed size an open reports, or 0 when it fails. */
static uint64_t
open_size(int *reads_ok)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, gz, O_RDONLY, err, NULL);
	struct kvm_arm_info in;
	unsigned char b[8];
	uint64_t size;

	if (kd == NULL) {
		printf("# open: %s\n", err);
		*reads_ok = 0;
		return 0;
	}
	kvm_arm_info(kd, &in);
	size = in.file_size;
	/* Every 8-byte word holds its PA: read one near the end. */
	*reads_ok = kvm_read2(kd, 0xc0bff000, b, 8) == 8 && b[0] == 0x00 &&
	    b[1] == 0xf0 && b[2] == 0xbf && b[3] == 0x40;
	kvm_close(kd);
	return size;
}

static int
entries(const char *dir)
{
	char path[400];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "%s/libkvm_arm", dir);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += strstr(e->d_name, ".idx") != NULL;
	closedir(d);
	return n;
}

int
main(void)
{
	struct stat st;
	struct timespec ts[2];
	uint64_t want, got;
	long good_len, len;
	unsigned char *good, *now;
	int ok;

	if (fixture_make("gzcache", desc, core, kernel, &lo) != 0) {
		check(0, "fixture");
		return 1;
	}
	want = lo.file_size;
	snprintf(gz, sizeof(gz), "%s/gzcache.core.gz", harness_tmpdir());
	gzip_to(core, gz, -1, 1, NULL, 0, 0);
	snprintf(cachedir, sizeof(cachedir), "%s/cache", harness_tmpdir());
	setenv("XDG_CACHE_HOME", cachedir, 1);
	unsetenv("KVM_ARM_NO_CACHE");
	stat(gz, &st);
	snprintf(entry, sizeof(entry), "%s/libkvm_arm/gz-%llx-%llx-0.idx",
	    cachedir, (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);

	got = open_size(&ok);
	check(got == want && ok && stat(entry, &st) == 0, "first open: %llu "
	    "bytes (want %llu), reads right, index written to "
	    "$XDG_CACHE_HOME/libkvm_arm", (unsigned long long)got,
	    (unsigned long long)want);
	good = slurp(entry, &good_len);

	doctor();
	got = open_size(&ok);
	check(got == want - 4096, "a valid entry is used: the doctored size "
	    "%llu is reported (true size %llu)", (unsigned long long)got,
	    (unsigned long long)want);

	/* Stale: the core changed (its gzip header's MTIME), mtime kept. */
	stat(gz, &st);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	fixture_patch(gz, 4, "\x01\x02\x03\x04", 4);
	utimensat(AT_FDCWD, gz, ts, 0);
	got = open_size(&ok);
	check(got == want && ok, "a stale entry (head of the stream changed, "
	    "same size and mtime) is rebuilt: %llu bytes",
	    (unsigned long long)got);
	fixture_patch(gz, 4, "\0\0\0\0", 4);
	utimensat(AT_FDCWD, gz, ts, 0);
	got = open_size(&ok);
	now = slurp(entry, &len);
	check(got == want && len == good_len && memcmp(now, good, (size_t)len)
	    == 0, "restored, the core's entry is rewritten as first built");
	free(now);

	/* Stale by mtime. */
	doctor();
	ts[1].tv_sec += 10;
	utimensat(AT_FDCWD, gz, ts, 0);
	got = open_size(&ok);
	check(got == want && ok, "a stale entry (mtime changed) is rebuilt");

	/* Corrupt: a flipped byte in a window, then a cut entry. */
	now = slurp(entry, &len);
	now[len / 2] ^= 0x55;
	spill(entry, now, len);
	got = open_size(&ok);
	check(got == want && ok, "a corrupt entry (one byte flipped) is "
	    "rebuilt, not trusted");
	spill(entry, now, len / 3);
	got = open_size(&ok);
	free(now);
	now = slurp(entry, &len);
	check(got == want && ok && len == good_len, "a cut entry is rebuilt "
	    "and rewritten whole (%ld bytes)", len);
	free(now);

	/* Unwritable: the cache directory's parent is a regular file. */
	setenv("XDG_CACHE_HOME", core, 1);
	got = open_size(&ok);
	check(got == want && ok, "an unwritable cache directory is not an "
	    "error");

	/* Off: no entry is written. */
	snprintf(cachedir, sizeof(cachedir), "%s/cache2", harness_tmpdir());
	setenv("XDG_CACHE_HOME", cachedir, 1);
	setenv("KVM_ARM_NO_CACHE", "1", 1);
	got = open_size(&ok);
	check(got == want && ok && entries(cachedir) == 0,
	    "KVM_ARM_NO_CACHE=1: the core reads, no entry is written");
	unsetenv("KVM_ARM_NO_CACHE");
	got = open_size(&ok);
	check(got == want && entries(cachedir) == 1, "without it, one entry "
	    "is written");

	/*
	 * Empty gzip members before the data (what `gzip </dev/null` writes,
	 * concatenated): the entry written is used by the next open, not
	 * rewritten by it (it keeps its inode).
	 */
	{
		static const unsigned char empty_member[20] = { 0x1f, 0x8b, 8,
		    0, 0, 0, 0, 0, 0, 3, 3, 0 };	/* then CRC 0, size 0 */
		char gz2[sizeof(gz)], entry2[sizeof(entry)];
		struct stat a, b;
		FILE *f;

		now = slurp(gz, &len);
		snprintf(gz2, sizeof(gz2), "%s/empty-members.gz",
		    harness_tmpdir());
		f = fopen(gz2, "wb");
		for (int i = 0; f != NULL && i < 3; i++)
			fwrite(empty_member, 1, sizeof(empty_member), f);
		if (f == NULL || fwrite(now, 1, (size_t)len, f) != (size_t)len ||
		    fclose(f) != 0) {
			perror(gz2);
			return 2;
		}
		free(now);
		snprintf(gz, sizeof(gz), "%s", gz2);
		stat(gz, &st);
		snprintf(entry2, sizeof(entry2), "%s/libkvm_arm/gz-%llx-%llx-0.idx",
		    cachedir, (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		got = open_size(&ok);
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		stat(entry2, &a);
		check(got == want && ok && a.st_ino != 0, "three empty members, "
		    "then the core: %llu bytes, reads right, an entry written",
		    (unsigned long long)got);
		got = open_size(&ok);
		stat(entry2, &b);
		check(got == want && ok && a.st_ino == b.st_ino, "its entry is "
		    "used by the next open, not rebuilt");
	}
	free(good);
	return harness_status();
}
