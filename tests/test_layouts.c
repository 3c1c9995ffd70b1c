/*
 * test_layouts.c: header variants and libkvm's API semantics: v2 without
 * dump_avail, page-rounded PTE arrays, mmuformat 0 and overrides, several
 * dump_avail ranges, a sparse v1 bitmap, byte order without a kernel, a
 * symbol resolver, a dump-device header, truncation, the msgbuf section,
 * the fixture writer's image directive.
 * Expected values come from the descriptions written here.
 */
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "kvm_arm.h"

static char errbuf[_POSIX2_LINE_MAX];

static const char base[] =
    "kva_size 0x200000\n"
    "phys 0x40000000 0x40400000\n"
    "map 0xc0000000 0x40000000 0x100000 rwx\n"
    "map 0xc0100000 0x40200000 0x10000 rw\n"
    "ksym version 0xc0030000 object\n"
    "kdata 0xc0030000 \"FreeBSD 13.2\"\n";

/* 1 when the 8 bytes at va are the address pattern of pa. */
static int
reads_pa(kvm_t *kd, kvaddr_t va, uint64_t pa)
{
	unsigned char b[8];

	return kvm_read2(kd, va, b, 8) == 8 && fixture_word(b) == pa;
}

static kvm_t *
open_desc(const char *name, const char *text, struct mkcore_layout *lo,
    int with_kernel)
{
	char core[256], kernel[256];
	kvm_t *kd;

	if (fixture_make(name, text, core, kernel, lo) != 0) {
		check(0, "%s: fixture", name);
		return NULL;
	}
	kd = kvm_open2(with_kernel ? kernel : NULL, core, O_RDONLY, errbuf, NULL);
	if (kd == NULL)
		check(0, "%s: kvm_open2: %s", name, errbuf);
	return kd;
}

static void
v2_without_dumpavail(void)
{
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	char text[2048];
	kvm_t *kd;

	snprintf(text, sizeof(text), "version 2\nno_dumpavail 1\n%s", base);
	if ((kd = open_desc("nodumpavail", text, &lo, 1)) == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(in.version == 2 && in.layout_version == 1 && in.dumpavail_offset == 0 &&
	    in.nranges == 1 && in.ranges[0].start == 0 && reads_pa(kd, 0xc0100008,
	    0x40200008), "v2 header with dumpavailsize 0 reads as the v1 layout");
	kvm_close(kd);
}

static void
padded_ptes(void)
{
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	char text[2048];
	kvm_t *kd;

	/* 0x201000 of KVA: 2052-byte PTE array, padded to 4096 by this writer. */
	snprintf(text, sizeof(text), "pad_ptes 1\n%s"
	    "kva_size 0x201000\n", base);
	if ((kd = open_desc("padded", text, &lo, 1)) == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(in.page_data_rounded && in.page_data_chosen_by_size &&
	    in.page_data_offset == lo.data_off && reads_pa(kd, 0xc0000ff8,
	    0x40000ff8), "a page-rounded PTE array is recognised by the file size");
	kvm_close(kd);

	snprintf(text, sizeof(text), "%skva_size 0x201000\n", base);
	if ((kd = open_desc("unpadded", text, &lo, 1)) == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(!in.page_data_rounded && in.page_data_chosen_by_size &&
	    in.page_data_offset == in.pte_offset + 0x201000 / 1024 &&
	    reads_pa(kd, 0xc0000ff8, 0x40000ff8),
	    "the kernel's unpadded PTE array: page data right after it");
	kvm_close(kd);
}

static void
mmuformat_zero_and_override(void)
{
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	char text[2048];
	kvaddr_t va = 0xc0000000;
	kpaddr_t pa;
	kvm_t *kd;

	/* Old dumps say 0; the writer encodes them as v6. */
	snprintf(text, sizeof(text), "version 1\narch 0\nmmu 0\n%skva_size 0x201000\n", base);
	if ((kd = open_desc("mmu0", text, &lo, 1)) == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(in.mmuformat == 0 && in.mmuformat_used == KVM_ARM_MMU_V6 &&
	    strcmp(in.mmuformat_name, "v6") == 0 && reads_pa(kd, va, 0x40000000),
	    "mmuformat 0 is read as v6/v7");
	check(kvm_arm_set_mmuformat(kd, KVM_ARM_MMU_V4) == 0 &&
	    kvm_arm_kvatop(kd, va, &pa, NULL) == 4096 && pa == 0x40000000,
	    "mmuformat 0 can be read as v4 instead");
	check(kvm_arm_set_mmuformat(kd, KVM_ARM_MMU_LPAE) == -1 &&
	    strstr(kvm_geterr(kd), "multiple") != NULL && kvm_arm_kvatop(kd, va,
	    &pa, NULL) == 4096, "an override that does not fit ptesize is refused "
	    "and leaves the format alone: %s", kvm_geterr(kd));
	check(kvm_arm_set_mmuformat(kd, 9) == -1 &&
	    strstr(kvm_geterr(kd), "unknown mmuformat 9") != NULL,
	    "an unknown override is refused: %s", kvm_geterr(kd));
	kvm_close(kd);
}

static void
many_ranges_and_sparse_v1(void)
{
	static const char many[] =
	    "version 2\nmmu lpae\nkva_size 0x100000\n"
	    "phys 0x00001000 0x00009000\n"
	    "phys 0x10000000 0x10010000\n"
	    "phys 0x20000000 0x20001000\n"
	    "phys 0x80000000 0x80100000\n"
	    "phys 0x200000000 0x200010000\n"
	    "map 0xc0000000 0x00001000 0x8000 rw\n"
	    "map 0xc0010000 0x10000000 0x10000 rw\n"
	    "map 0xc0020000 0x20000000 0x1000 rw\n"
	    "map 0xc0030000 0x80000000 0x10000 rw\n"
	    "map 0xc0040000 0x200000000 0x10000 rw\n"
	    "map 0xc0050000 0x30000000 0x1000 rw\n";	/* outside every range */
	static const char sparse[] =
	    "version 1\nkva_size 0x100000\n"
	    "phys 0 0xf0000000\n"
	    "map 0xc0000000 0x00000000 0x1000 rw\n"
	    "map 0xc0001000 0x7ffff000 0x1000 rw\n"
	    "map 0xc0002000 0xeffff000 0x1000 rw\n";
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	kvm_t *kd;

	if ((kd = open_desc("many", many, &lo, 1)) != NULL) {
		kvm_arm_info(kd, &in);
		check(in.nranges == 5 && in.pages_dumped == 8 + 16 + 1 + 16 + 16 &&
		    reads_pa(kd, 0xc0007ff8, 0x8ff8) && reads_pa(kd, 0xc0010000,
		    0x10000000) && reads_pa(kd, 0xc0020ff0, 0x20000ff0) &&
		    reads_pa(kd, 0xc0030000, 0x80000000) && reads_pa(kd, 0xc0045008,
		    0x200005008) && kvm_read2(kd, 0xc0050000, errbuf, 1) == -1,
		    "five dump_avail ranges, one above 4 GiB, read the right pages");
		kvm_close(kd);
	}
	if ((kd = open_desc("sparse", sparse, &lo, 1)) != NULL) {
		kvm_arm_info(kd, &in);
		check(in.bitmap_bits == 0xf0000 && in.pages_dumped == 3 &&
		    reads_pa(kd, 0xc0000000, 0) && reads_pa(kd, 0xc0001ff8,
		    0x7ffffff8) && reads_pa(kd, 0xc0002000, 0xeffff000),
		    "a v1 bitmap over 3.75 GiB with three pages dumped");
		kvm_close(kd);
	}
}

static int
resolver(const char *name, kvaddr_t *value)
{
	if (strcmp(name, "msgbufp") != 0)
		return -1;
	*value = 0xc0031234;
	return 0;
}

static void
no_kernel_and_resolver(void)
{
	struct kvm_nlist nl[3] = { { "msgbufp", 0, 0 }, { "other", 0, 0 }, { NULL, 0, 0 } };
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	char text[2048], core[256], kernel[256];
	kvm_t *kd;

	snprintf(text, sizeof(text), "endian big\n%s", base);
	if (fixture_make("bigendian", text, core, kernel, &lo) != 0)
		return;
	kd = kvm_open2(NULL, core, O_RDONLY, errbuf, NULL);
	check(kd != NULL, "a dump opens without a kernel ELF");
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(in.big_endian && strcmp(in.byte_order_source, "dump header") == 0 &&
	    reads_pa(kd, 0xc0100000, 0x40200000),
	    "without a kernel the byte order comes from the header (big)");
	check(kvm_nlist2(kd, nl) == -1 && strstr(kvm_geterr(kd), "no kernel ELF"),
	    "kvm_nlist2 without kernel or resolver fails: %s", kvm_geterr(kd));
	kvm_close(kd);

	kd = kvm_open2(NULL, core, O_RDONLY, errbuf, resolver);
	check(kd != NULL && kvm_nlist2(kd, nl) == 1 && nl[0].n_value == 0xc0031234 &&
	    nl[0].n_type == (N_DATA | N_EXT) && nl[1].n_type == 0 &&
	    nl[1].n_value == 0, "kvm_nlist2 through a resolver");
	kvm_close(kd);

	kd = kvm_openfiles(kernel, core, NULL, O_RDONLY, errbuf);
	check(kd != NULL && kvm_native(kd) == 0 && kvm_kerndisp(kd) == 0,
	    "kvm_openfiles; kvm_native 0 on this host; kvm_kerndisp 0");
	check(kd != NULL && kvm_write(kd, 0xc0000000, "x", 1) == -1 &&
	    strstr(kvm_geterr(kd), "kvm_write") != NULL, "kvm_write refuses a dump");
	kvm_close(kd);
	/* kvm_write on an O_RDWR core: test_errors, on a copy. */
	kd = kvm_open2(kernel, core, O_RDWR, errbuf, NULL);
	check(kd != NULL && reads_pa(kd, 0xc0100000, 0x40200000),
	    "O_RDWR opens the dump (read-write, as libkvm does for kgdb -w)");
	kvm_close(kd);
	check(kvm_open2(kernel, core, O_WRONLY, errbuf, NULL) == NULL &&
	    strstr(errbuf, "write-only") != NULL, "O_WRONLY is refused: %s", errbuf);
	check(kvm_open2(kernel, core, O_RDONLY | O_APPEND, errbuf, NULL) == NULL &&
	    strstr(errbuf, "bad flags") != NULL, "other flags are refused: %s", errbuf);
	errno = 0;
	check(kvm_close(NULL) == -1 && errno == EINVAL, "kvm_close(NULL): EINVAL");
	check(kvm_geterr(NULL) != NULL && kvm_geterr(NULL)[0] == '\0',
	    "kvm_geterr(NULL) is empty");
}

/* The core behind a dump-device header padded to blocksize bytes. */
static kvm_t *
open_behind_header(const char *core, const char *kernel, uint64_t len,
    uint32_t blocksize, uint32_t keysize, char *raw, size_t rawlen)
{
	static unsigned char pad[65536];
	char cmd[1024];
	unsigned char h[512];
	FILE *f;

	snprintf(raw, rawlen, "%s/raw-%u-%u.dump", harness_tmpdir(), blocksize,
	    keysize);
	fixture_dumpheader(h, len, blocksize, keysize, 0);
	f = fopen(raw, "wb");
	fwrite(h, 1, 512, f);
	fwrite(pad, 1, blocksize > 512 ? blocksize - 512 : 0, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cat '%s' >> '%s'", core, raw);
	if (system(cmd) != 0)
		return NULL;
	return kvm_open2(kernel, raw, O_RDONLY, errbuf, NULL);
}

static void
dump_device_header(void)
{
	char core[256], kernel[256], raw[300];
	struct kvm_arm_dumpheader dh;
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	unsigned char b[8];
	kpaddr_t pa;
	off_t off;
	kvm_t *kd;
	FILE *f;

	if (fixture_make("devhdr", base, core, kernel, &lo) != 0)
		return;
	kd = open_behind_header(core, kernel, lo.file_size, 512, 0, raw,
	    sizeof(raw));
	check(kd != NULL, "a dump behind a dump-device header opens (%s)",
	    kd ? "" : errbuf);
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(kvm_arm_dumpheader(kd, &dh) == 1 && dh.parity_ok &&
	    strcmp(dh.hostname, "board.example") == 0 &&
	    strcmp(dh.panicstring, "page fault") == 0 && dh.dumplength ==
	    lo.file_size && dh.version == 4 && strcmp(dh.architecture, "armv7") == 0,
	    "the dump-device header's fields");
	f = fopen(raw, "rb");
	check(in.payload_offset == 512 && reads_pa(kd, 0xc0100000, 0x40200000) &&
	    kvm_arm_kvatop(kd, 0xc0100000, &pa, &off) == 4096 &&
	    off == (off_t)(512 + lo.data_off + 256 * 4096) && f != NULL &&
	    fseek(f, (long)off, SEEK_SET) == 0 && fread(b, 1, 8, f) == 8 &&
	    b[3] == 0x40 && b[2] == 0x20, "offsets count the header's 512 bytes");
	if (f != NULL)
		fclose(f);
	kvm_close(kd);

	kd = open_behind_header(core, kernel, lo.file_size, 4096, 0, raw,
	    sizeof(raw));
	check(kd != NULL && kvm_arm_info(kd, &in) == 0 &&
	    in.payload_offset == 4096 && reads_pa(kd, 0xc0100000, 0x40200000),
	    "a 4096-byte-block device: the payload starts a block in (%s)",
	    kd ? "" : errbuf);
	kvm_close(kd);
	kd = open_behind_header(core, kernel, lo.file_size, 512, 256, raw,
	    sizeof(raw));
	check(kd == NULL && strstr(errbuf, "encrypted") != NULL,
	    "an encrypted dump says so: %s", errbuf);
	kvm_close(kd);
}

static void
truncated(void)
{
	char core[256], kernel[256], cut[300];
	struct kvm_arm_info in;
	struct mkcore_layout lo;
	unsigned char buf[32];
	kvm_t *kd;

	if (fixture_make("trunc", base, core, kernel, &lo) != 0)
		return;
	/* Keep 100.5 of the 272 pages: page 100 is cut in its middle. */
	snprintf(cut, sizeof(cut), "%s/cut.core", harness_tmpdir());
	fixture_copy(core, cut, (long)(lo.data_off + 100 * 4096 + 2048));
	kd = kvm_open2(kernel, cut, O_RDONLY, errbuf, NULL);
	check(kd != NULL, "a core cut in its page data still opens");
	if (kd == NULL)
		return;
	kvm_arm_info(kd, &in);
	check(in.truncated && in.pages_dumped == 272 && in.pages_present == 100 &&
	    in.expected_size == lo.file_size, "info reports the truncation");
	check(reads_pa(kd, 0xc0063ff8, 0x40063ff8),
	    "pages before the cut read normally");
	check(kvm_read2(kd, 0xc0064800 - 16, buf, 32) == 16 &&
	    strstr(kvm_geterr(kd), "truncated") != NULL,
	    "a read across the cut returns what is there: %s", kvm_geterr(kd));
	check(kvm_read2(kd, 0xc0080000, buf, 8) == 0,
	    "a read wholly past the cut returns 0 bytes");
	kvm_close(kd);
}

static void
msgbuf_section(void)
{
	static const char text[] = "version 1\nmsgbuf 0x1fc8 \"boot\\nok\\n\"\n"
	    "kva_size 0x1000\nphys 0 0x1000\n";
	struct mkcore_layout lo;
	const unsigned char *p;
	size_t len, sect;
	kvm_t *kd;

	if ((kd = open_desc("msgbuf", text, &lo, 1)) == NULL)
		return;
	p = kvm_arm_msgbuf(kd, &len, &sect);
	check(p != NULL && len == 0x1fc8 && sect == 0x2000 &&
	    memcmp(p, "boot\nok\n", 8) == 0 && p[len + 4] == 0x62 &&
	    p[len + 5] == 0x30 && p[len + 6] == 0x06,
	    "the msgbuf section and the struct msgbuf after it");
	kvm_close(kd);
}

/*
 * The image directive: a file's bytes at a VA, found in the core at the
 * offset the layout gives that page (pages are written in PA order), with
 * a later kdata line over them and the address pattern around them.
 */
static void
image_directive(void)
{
	char img[256], text[1024], core[256], kernel[256];
	unsigned char want[6000], got[3 * 4096];
	struct mkcore_layout lo;
	FILE *f;
	int same = 1;

	for (size_t i = 0; i < sizeof(want); i++)
		want[i] = (unsigned char)(i * 7 + 3);
	snprintf(img, sizeof(img), "%s/image.bin", harness_tmpdir());
	if ((f = fopen(img, "wb")) == NULL ||
	    fwrite(want, 1, sizeof(want), f) != sizeof(want) || fclose(f) != 0) {
		check(0, "image: write %s", img);
		return;
	}
	snprintf(text, sizeof(text), "version 2\nkva_size 0x10000\n"
	    "phys 0x40000000 0x40010000\nmap 0xc0000000 0x40000000 0x3000 rw\n"
	    "image %s 0xc0001000\nkdata 0xc0001010 \"XY\"\n", img);
	if (fixture_make("image", text, core, kernel, &lo) != 0) {
		check(0, "image: fixture");
		return;
	}
	if ((f = fopen(core, "rb")) == NULL || fseek(f, (long)lo.data_off, SEEK_SET) != 0 ||
	    fread(got, 1, sizeof(got), f) != sizeof(got)) {
		check(0, "image: read %s", core);
		if (f != NULL)
			fclose(f);
		return;
	}
	fclose(f);
	want[0x10] = 'X';
	want[0x11] = 'Y';
	for (size_t i = 0; i < sizeof(want); i++)
		same &= got[4096 + i] == want[i];
	check(lo.pages == 3 && same, "image: the file's bytes are the core's at its VA's page "
	    "offset, kdata over them");
	check(got[0] == 0x00 && got[3] == 0x40 && got[4096 + 6000] == 0x70 &&
	    got[4096 + 6001] == 0x27 && got[4096 + 6003] == 0x40,
	    "image: the address pattern before and after the image");
}

int
main(void)
{
	v2_without_dumpavail();
	padded_ptes();
	mmuformat_zero_and_override();
	many_ranges_and_sparse_v1();
	no_kernel_and_resolver();
	dump_device_header();
	truncated();
	msgbuf_section();
	image_directive();
	return harness_status();
}
