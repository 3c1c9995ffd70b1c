/*
 * test_compressed.c: gzip-compressed cores read at random, in sequence,
 * cut short, corrupted, behind a dump-device header, and so compressible
 * that the index must thin its restart points; zstd-compressed ones read,
 * cut short, corrupted and behind a dump-device header.  Expected bytes
 * come from the mapping description.
 */
#include <string.h>

#include "compress.h"
#include "fixture.h"
#include "kvm_arm.h"

/* 24 MiB of mapped, dumped KVA: several restart points apart. */
static const char big[] =
    "kva_size 0x1900000\n"
    "phys 0x40000000 0x42000000\n"
    "map 0xc0000000 0x40000000 0x1800000 rw\n"
    "ksym version 0xc0030000 object\n"
    "kdata 0xc0030000 \"FreeBSD 14.0-GZ\"\n";

static char core[256], kernel[256];
/* n random 8-byte reads against the description's pattern. */
static int
random_reads(kvm_t *kd, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		uint64_t va = 0xc0000000 + harness_random() % 0x1800000;
		uint64_t pa = va - 0xc0000000 + 0x40000000;
		unsigned char b[8];
		size_t want = 8;

		if (va + 8 > 0xc1800000)
			want = 0xc1800000 - va;
		if (va >= 0xc0030000 && va < 0xc0030010)
			continue;	/* kdata bytes there */
		if (kvm_read2(kd, va, b, want) != (ssize_t)want) {
			bad++;
			continue;
		}
		for (size_t k = 0; k < want; k++)
			bad += b[k] != (unsigned char)(((pa + k) & ~7ull) >> (8 * ((pa + k) & 7)));
	}
	return bad;
}

static void
random_and_sequential(const char *gz)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, gz, O_RDONLY, err, NULL);
	struct kvm_arm_info in;
	static unsigned char chunk[65536];
	int bad = 0;

	check(kd != NULL, "a 24 MiB gzip core opens%s%s", kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(strcmp(in.compression, "gzip") == 0 && in.stored_size < in.file_size &&
	    !in.truncated && in.pages_dumped == 0x1800, "info: gzip, %llu bytes "
	    "stored for %llu", (unsigned long long)in.stored_size,
	    (unsigned long long)in.file_size);
	check(random_reads(kd, 1000) == 0, "1000 random reads in a gzip core");
	for (uint64_t va = 0xc0000000; va < 0xc1800000; va += sizeof(chunk)) {
		if (kvm_read2(kd, va, chunk, sizeof(chunk)) != sizeof(chunk)) {
			bad++;
			break;
		}
		uint64_t pa = va - 0xc0000000 + 0x40000000;
		for (size_t k = 0x40; k < sizeof(chunk); k += 4096 + 8)
			bad += chunk[k] != (unsigned char)((pa + k) & ~7ull);
	}
	check(bad == 0, "sequential 64 KiB reads through all 24 MiB");
	kvm_close(kd);
}

static void
truncated_and_corrupt(const char *gz, struct mkcore_layout *lo)
{
	char err[_POSIX2_LINE_MAX], cut[300], bad[300];
	struct kvm_arm_info in;
	unsigned char b[8];
	kvm_t *kd;
	long n;
	FILE *f = fopen(gz, "rb");

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fclose(f);
	snprintf(cut, sizeof(cut), "%s/cut.core.gz", harness_tmpdir());
	fixture_copy(gz, cut, n / 2);
	kd = kvm_open2(kernel, cut, O_RDONLY, err, NULL);
	check(kd != NULL, "half a gzip core still opens%s%s", kd ? "" : ": ", kd ? "" : err);
	if (kd != NULL) {
		kvm_arm_info(kd, &in);
		check(in.truncated && in.pages_present < in.pages_dumped &&
		    in.pages_present > 0 && kvm_read2(kd, 0xc0000000, b, 8) == 8 &&
		    kvm_read2(kd, 0xc17ff000, b, 8) == 0,
		    "it reads what it holds (%llu of %llu pages)",
		    (unsigned long long)in.pages_present,
		    (unsigned long long)in.pages_dumped);
		kvm_close(kd);
	}
	/* Garbage in the deflate data right after the header page. */
	snprintf(bad, sizeof(bad), "%s/bad.core.gz", harness_tmpdir());
	fixture_copy(gz, bad, -1);
	fixture_patch(bad, 400, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12);
	kd = kvm_open2(kernel, bad, O_RDONLY, err, NULL);
	check(kd == NULL && strstr(err, "bad.core.gz") != NULL &&
	    (strstr(err, "gzip") != NULL || strstr(err, "truncated") != NULL),
	    "corrupt gzip data: %s", kd ? "opened" : err);
	if (kd != NULL)
		kvm_close(kd);
	(void)lo;
}

static void
behind_dump_header(struct mkcore_layout *lo)
{
	unsigned char h[512];
	char path[300], err[_POSIX2_LINE_MAX];
	struct kvm_arm_dumpheader dh;
	kvm_t *kd;
	FILE *f;
	long n;

	/* Compress behind a placeholder, then write the header for its length. */
	snprintf(path, sizeof(path), "%s/dev.dump", harness_tmpdir());
	memset(h, 0, sizeof(h));
	gzip_to(core, path, -1, 1, h, 512, 0);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	n = ftell(f) - 512;
	fclose(f);
	fixture_dumpheader(h, (uint64_t)n, 512, 0, 1);
	fixture_patch(path, 0, h, 512);
	kd = kvm_open2(kernel, path, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_arm_dumpheader(kd, &dh) == 1 && dh.compression == 1 &&
	    dh.parity_ok && random_reads(kd, 200) == 0,
	    "a gzip dump behind a dump-device header (compression 1)%s%s",
	    kd ? "" : ": ", kd ? "" : err);
	if (kd != NULL)
		kvm_close(kd);
	(void)lo;
}

static void
thinned_index(void)
{
	char path[300], err[_POSIX2_LINE_MAX];
	kvm_t *kd;

	/* 96 MiB of zeros after the dump: ~100 KiB compressed, ~100 spans. */
	snprintf(path, sizeof(path), "%s/zeros.core.gz", harness_tmpdir());
	gzip_to(core, path, -1, 6, NULL, 0, 96u << 20);
	kd = kvm_open2(kernel, path, O_RDONLY, err, NULL);
	check(kd != NULL && random_reads(kd, 100) == 0,
	    "a highly compressible core (index thinned) reads right%s%s",
	    kd ? "" : ": ", kd ? "" : err);
	if (kd != NULL)
		kvm_close(kd);
}

static void
zstd_cores(void)
{
	char path[300], cut[300], err[_POSIX2_LINE_MAX];
	struct kvm_arm_dumpheader dh;
	struct kvm_arm_info in;
	unsigned char h[512], b[8];
	long zlen;
	kvm_t *kd;

	snprintf(path, sizeof(path), "%s/big.core.zst", harness_tmpdir());
	zlen = zstd_to(core, path, NULL, 0);
	kd = kvm_open2(kernel, path, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_arm_info(kd, &in) == 0 &&
	    strcmp(in.compression, "zstd") == 0 && in.stored_size == (uint64_t)zlen &&
	    !in.truncated && random_reads(kd, 1000) == 0,
	    "a zstd core: 1000 random reads%s%s", kd ? "" : ": ", kd ? "" : err);
	kvm_close(kd);

	snprintf(cut, sizeof(cut), "%s/cut.core.zst", harness_tmpdir());
	fixture_copy(path, cut, zlen / 2);
	kd = kvm_open2(kernel, cut, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_arm_info(kd, &in) == 0 && in.truncated &&
	    in.pages_present > 0 && in.pages_present < in.pages_dumped &&
	    kvm_read2(kd, 0xc0000000, b, 8) == 8 &&
	    kvm_read2(kd, 0xc17ff000, b, 8) == 0,
	    "half a zstd core reads what it holds%s%s", kd ? "" : ": ",
	    kd ? "" : err);
	kvm_close(kd);

	fixture_copy(path, cut, -1);
	/* The frame header after the magic: its reserved bit set. */
	fixture_patch(cut, 4, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	kd = kvm_open2(kernel, cut, O_RDONLY, err, NULL);
	check(kd == NULL && strstr(err, "zstd") != NULL && strstr(err, cut) != NULL,
	    "corrupt zstd data: %s", kd ? "opened" : err);
	kvm_close(kd);

	/* A bomb: 64 MiB that compress to about 2 KiB must not be written out. */
	{
		size_t n = 64u << 20, cap = ZSTD_compressBound(n), zl;
		char *zeros = calloc(1, n);
		void *z = malloc(cap);
		FILE *f;

		memcpy(zeros, "minidump FreeBSD/arm", 20);
		zl = ZSTD_compress(z, cap, zeros, n, 19);
		snprintf(cut, sizeof(cut), "%s/bomb.core.zst", harness_tmpdir());
		f = fopen(cut, "wb");
		fwrite(z, 1, zl, f);
		fclose(f);
		free(zeros);
		free(z);
		kd = kvm_open2(NULL, cut, O_RDONLY, err, NULL);
		check(kd == NULL && strstr(err, "expands more than") != NULL,
		    "a zstd bomb is refused: %s", kd ? "opened" : err);
		kvm_close(kd);
	}

	/* Behind a dump-device header saying compression 2. */
	snprintf(path, sizeof(path), "%s/dev.zst.dump", harness_tmpdir());
	memset(h, 0, sizeof(h));
	zlen = zstd_to(core, path, h, 512);
	fixture_dumpheader(h, (uint64_t)zlen, 512, 0, 2);
	fixture_patch(path, 0, h, 512);
	kd = kvm_open2(kernel, path, O_RDONLY, err, NULL);
	check(kd != NULL && kvm_arm_dumpheader(kd, &dh) == 1 &&
	    dh.compression == 2 && random_reads(kd, 200) == 0,
	    "a zstd dump behind a dump-device header (compression 2)%s%s",
	    kd ? "" : ": ", kd ? "" : err);
	kvm_close(kd);
}

int
main(void)
{
	struct mkcore_layout lo;
	char gz[300];

	if (fixture_make("big", big, core, kernel, &lo) != 0) {
		check(0, "fixture");
		return 1;
	}
	snprintf(gz, sizeof(gz), "%s/big.core.gz", harness_tmpdir());
	gzip_to(core, gz, -1, 1, NULL, 0, 0);
	random_and_sequential(gz);
	truncated_and_corrupt(gz, &lo);
	behind_dump_header(&lo);
	thinned_index();
	zstd_cores();
	return harness_status();
}
