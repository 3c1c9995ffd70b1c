/*
 * test_fileorder.c: kvm_arm_walk_pages_fileorder on a plain, a gzip, a
 * zstd and a truncated core.  The expected pages, offsets and bytes come
 * from the mapping description: dumped pages are stored in physical order,
 * and every 8-byte word of a page holds its own physical address.
 */
#include <string.h>

#include "compress.h"
#include "fixture.h"
#include "kvm_arm.h"

/*
 * VA order differs from file order: the first map's pages come second in
 * the file.  0xc0200000 aliases the second map's first page; the nodump
 * map and the unmapped dumped page are never visited.
 */
static const char desc[] =
    "kva_size 0x400000\n"
    "phys 0x40000000 0x40400000\n"
    "map 0xc0000000 0x40100000 0x20000 rw\n"
    "map 0xc0100000 0x40000000 0x10000 rx\n"
    "map 0xc0200000 0x40000000 0x1000 r\n"
    "map 0xc0300000 0x40200000 0x4000 rw nodump\n"
    "dump 0x40300000 0x1000\n";

struct seen {
	int n, stop_at;
	int bad_order, bad_bytes, bad_offset;
	off_t last;
	kvaddr_t alias_prev;	/* the VA visited just before 0xc0200000 */
	uint64_t data_off;
};

/* The page index of pa among the dumped pages, in physical order. */
static uint64_t
rank_of(uint64_t pa)
{
	if (pa < 0x40100000)
		return (pa - 0x40000000) / 4096;
	if (pa < 0x40300000)
		return 16 + (pa - 0x40100000) / 4096;
	return 48;
}

static kvaddr_t prev_va;

static int
cb(const struct kvm_page *p, const void *data, void *arg)
{
	struct seen *s = arg;
	const unsigned char *b = data;

	s->n++;
	if (p->kp_offset < s->last)
		s->bad_order++;
	s->last = p->kp_offset;
	if ((uint64_t)p->kp_offset != s->data_off + rank_of(p->kp_paddr) * 4096)
		s->bad_offset++;
	for (size_t k = 0; k < p->kp_len; k += 8)
		s->bad_bytes += fixture_word(b + k) != p->kp_paddr + k;
	if (p->kp_kmap_vaddr == 0xc0200000)
		s->alias_prev = prev_va;
	prev_va = p->kp_kmap_vaddr;
	return s->n != s->stop_at;
}

static void
walk(const char *what, const char *core, const char *kernel,
    uint64_t data_off, int want)
{
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	struct seen s = { .data_off = data_off, .last = -1 };
	int rc;

	check(kd != NULL, "%s: opens%s%s", what, kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL)
		return;
	rc = kvm_arm_walk_pages_fileorder(kd, cb, &s);
	check(rc == 1 && s.n == want, "%s: %d pages visited (want %d), rc %d",
	    what, s.n, want, rc);
	check(s.bad_order == 0 && s.bad_offset == 0, "%s: in increasing file "
	    "offset, each where the description puts it (%d out of order, %d "
	    "misplaced)", what, s.bad_order, s.bad_offset);
	check(s.bad_bytes == 0, "%s: every page's data is its own (%d bad "
	    "words)", what, s.bad_bytes);
	check(want < 17 || s.alias_prev == 0xc0100000, "%s: a page mapped twice "
	    "comes once per VA, in VA order (0x%llx before the alias)", what,
	    (unsigned long long)s.alias_prev);
	memset(&s, 0, sizeof(s));
	s.data_off = data_off;
	s.last = -1;
	s.stop_at = 5;
	rc = kvm_arm_walk_pages_fileorder(kd, cb, &s);
	check(rc == 0 && s.n == 5, "%s: a callback returning 0 stops the walk "
	    "(rc %d after %d pages)", what, rc, s.n);
	kvm_close(kd);
}

int
main(void)
{
	char core[256], kernel[256], path[300];
	struct mkcore_layout lo;

	if (fixture_make("fileorder", desc, core, kernel, &lo) != 0) {
		check(0, "fixture");
		return 1;
	}
	/* 32 + 16 pages, the alias once more: 49. */
	walk("plain core", core, kernel, lo.data_off, 49);
	snprintf(path, sizeof(path), "%s/fileorder.core.gz", harness_tmpdir());
	gzip_to(core, path, -1, 6, NULL, 0, 0);
	walk("gzip core", path, kernel, lo.data_off, 49);
	snprintf(path, sizeof(path), "%s/fileorder.core.zst", harness_tmpdir());
	zstd_to(core, path, NULL, 0);
	walk("zstd core", path, kernel, lo.data_off, 49);
	/* Cut inside page 20: pages 0-19 are whole (16, the alias, 4 more). */
	snprintf(path, sizeof(path), "%s/cut.core", harness_tmpdir());
	fixture_copy(core, path, (long)(lo.data_off + 20 * 4096 + 100));
	walk("truncated core", path, kernel, lo.data_off, 21);
	/*
	 * Cut before the first page: nothing to visit.  (The empty page list
	 * was once passed to qsort as NULL, which UBSan reports: fuzz_export
	 * found it on an ELF core cut short; make check-asan runs this.)
	 */
	snprintf(path, sizeof(path), "%s/nopages.core", harness_tmpdir());
	fixture_copy(core, path, (long)lo.data_off);
	{
		char err[_POSIX2_LINE_MAX];
		kvm_t *kd = kvm_open2(kernel, path, O_RDONLY, err, NULL);
		struct seen s = { .data_off = lo.data_off, .last = -1 };
		int rc = kd ? kvm_arm_walk_pages_fileorder(kd, cb, &s) : -2;

		check(rc == 1 && s.n == 0, "core cut before its first page: no "
		    "page visited, rc 1 (rc %d, %d pages)%s%s", rc, s.n,
		    kd ? "" : ": ", kd ? "" : err);
		if (kd != NULL)
			kvm_close(kd);
	}
	return harness_status();
}
