/*
 * minidump.c: the FreeBSD/arm minidump container, versions 1 and 2.
 *
 *   header page | msgbuf | dump_avail (v2) | bitmap | PTE array | pages
 *
 * Every section but the PTE array starts on a page boundary; the kernel
 * writes the PTE array unpadded and the pages follow at once (FreeBSD's
 * libkvm since 12 assumes padding and reads every page 1-3 KiB off).  Each
 * size is checked against the file before it is used, in 64-bit arithmetic
 * from 32-bit fields, so nothing here can overflow or read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"

/* 24 bytes, NUL-padded: "minidump FreeBSD/arm64" must not match. */
#define MD_MAGIC	"minidump FreeBSD/arm\0\0\0"
#define MD_MAGIC_BYTES	24
#define MD_HDR_BYTES	56

static uint64_t
round_page(uint64_t x)
{
	return (x + KVM_PAGE_MASK) & ~(uint64_t)KVM_PAGE_MASK;
}

/* Byte order: the kernel ELF's when given, else the one whose version fits. */
static int
pick_byte_order(kvm_t *kd, const unsigned char *h)
{
	int le_ok = load32(h + 24, 0) - 1u < 2, be_ok = load32(h + 24, 1) - 1u < 2;

	if (kd->byte_order_source == NULL) {
		if (!le_ok && !be_ok) {
			kvm_err(kd, "%s: unknown minidump version 0x%08x",
			    kd->corefile, load32(h + 24, 0));
			return -1;
		}
		kd->big_endian = !le_ok;
		kd->byte_order_source = "dump header";
		return 0;
	}
	if (!(kd->big_endian ? be_ok : le_ok)) {
		if (kd->big_endian ? le_ok : be_ok)
			kvm_err(kd, "%s: dump is %s-endian but the kernel ELF is "
			    "%s-endian: wrong kernel for this dump",
			    kd->corefile, kd->big_endian ? "little" : "big",
			    kd->big_endian ? "big" : "little");
		else
			kvm_err(kd, "%s: unknown minidump version %u",
			    kd->corefile, load32(h + 24, kd->big_endian));
		return -1;
	}
	return 0;
}

/* A section [off, off + len) must lie inside the file. */
static int
section_fits(kvm_t *kd, const char *what, uint64_t off, uint64_t len)
{
	if (off + len <= kd->src.size)
		return 0;
	kvm_err(kd, "%s: truncated: the %s (%llu bytes at offset %llu) runs "
	    "past the end of the file (%llu bytes)", kd->corefile, what,
	    (unsigned long long)len, (unsigned long long)off,
	    (unsigned long long)kd->src.size);
	return -1;
}

/*
 * Map or copy len bytes at off.  The caller checked they are in the file,
 * and len is bounded by its size.
 */
static const unsigned char *
section_bytes(kvm_t *kd, uint64_t off, uint64_t len, unsigned char **copy)
{
	const unsigned char *p = source_ptr(&kd->src, off, (size_t)len);

	*copy = NULL;
	if (p != NULL)
		return p;
	*copy = malloc(len ? (size_t)len : 1);
	if (*copy == NULL) {
		kvm_err(kd, "%s: out of memory", kd->corefile);
		return NULL;
	}
	if (source_read(&kd->src, off, *copy, (size_t)len) != (int64_t)len) {
		kvm_err(kd, "%s: read error at offset %llu", kd->corefile,
		    (unsigned long long)off);
		free(*copy);
		*copy = NULL;
		return NULL;
	}
	return *copy;
}

static int
parse_header(kvm_t *kd, struct minidump *md)
{
	unsigned char h[MD_HDR_BYTES];
	int be;

	if (source_read(&kd->src, 0, h, sizeof(h)) != (int64_t)sizeof(h) ||
	    memcmp(h, MD_MAGIC, MD_MAGIC_BYTES) != 0) {
		kvm_err(kd, "%s: not a FreeBSD/arm minidump (bad magic)",
		    kd->corefile);
		return -1;
	}
	if (pick_byte_order(kd, h) != 0)
		return -1;
	be = kd->big_endian;
	md->version = load32(h + 24, be);
	md->msgbufsize = load32(h + 28, be);
	md->bitmapsize = load32(h + 32, be);
	md->ptesize = load32(h + 36, be);
	md->kernbase = load32(h + 40, be);
	md->arch = load32(h + 44, be);
	md->mmuformat = load32(h + 48, be);
	md->dumpavailsize = md->version == 2 ? load32(h + 52, be) : 0;
	/* A v2 header without dump_avail (a vendor variant) is laid out as v1. */
	md->layout_version = md->dumpavailsize ? 2 : 1;

	if (kd->src.size < KVM_PAGE_SIZE) {
		kvm_err(kd, "%s: truncated: the header page is incomplete "
		    "(%llu bytes)", kd->corefile,
		    (unsigned long long)kd->src.size);
		return -1;
	}
	/*
	 * Bounds no real dump comes near, so that a compressed core (whose
	 * sections are copied, not mapped) cannot make us allocate gigabytes:
	 * ARM addresses at most 1 TiB (2^28 pages, a 32 MiB bitmap); the
	 * kernel's dump_avail fits a page and its msgbuf a few MiB.
	 */
	if (md->bitmapsize > (UINT32_C(1) << 25)) {
		kvm_err(kd, "%s: bitmapsize %u describes more than the 1 TiB of "
		    "physical memory ARM can address", kd->corefile,
		    md->bitmapsize);
		return -1;
	}
	if (md->dumpavailsize > (UINT32_C(1) << 20) ||
	    md->msgbufsize > (UINT32_C(1) << 26)) {
		kvm_err(kd, "%s: implausible %s %u", kd->corefile,
		    md->msgbufsize > (UINT32_C(1) << 26) ? "msgbufsize" :
		    "dumpavailsize", md->msgbufsize > (UINT32_C(1) << 26) ?
		    md->msgbufsize : md->dumpavailsize);
		return -1;
	}
	if (md->bitmapsize % 4 != 0) {
		kvm_err(kd, "%s: bitmapsize %u is not a multiple of 4",
		    kd->corefile, md->bitmapsize);
		return -1;
	}
	if (md->kernbase & KVM_PAGE_MASK) {
		kvm_err(kd, "%s: kernbase 0x%llx is not page-aligned",
		    kd->corefile, (unsigned long long)md->kernbase);
		return -1;
	}
	if (md->layout_version == 2 && md->dumpavailsize < 16) {
		kvm_err(kd, "%s: dumpavailsize %u holds no [start, end) pair",
		    kd->corefile, md->dumpavailsize);
		return -1;
	}
	return 0;
}

/* Where the sections are; all sums of 32-bit sizes, so no 64-bit overflow. */
static int
lay_out(kvm_t *kd, struct minidump *md)
{
	md->msgbuf_off = KVM_PAGE_SIZE;
	md->dumpavail_off = md->msgbuf_off + round_page(md->msgbufsize);
	md->bitmap_off = md->dumpavail_off + round_page(md->dumpavailsize);
	md->pte_off = md->bitmap_off + round_page(md->bitmapsize);
	if (md->layout_version == 1)
		md->dumpavail_off = 0;
	if (section_fits(kd, "message buffer", md->msgbuf_off,
	    md->msgbufsize) != 0 ||
	    (md->layout_version == 2 && section_fits(kd, "dump_avail section",
	    md->dumpavail_off, md->dumpavailsize) != 0) ||
	    section_fits(kd, "page bitmap", md->bitmap_off,
	    md->bitmapsize) != 0 ||
	    section_fits(kd, "PTE array", md->pte_off, md->ptesize) != 0)
		return -1;
	return 0;
}

/*
 * The kernel's page data starts right after the PTE array; libkvm 12+
 * expects it a page later.  The one that makes the file exactly complete
 * wins; otherwise (truncated or padded file) the kernel's.
 */
static void
choose_data_start(kvm_t *kd, struct minidump *md)
{
	uint64_t pages = kd->pm.set_bits * KVM_PAGE_SIZE;
	uint64_t exact = md->pte_off + md->ptesize;
	uint64_t rounded = md->pte_off + round_page(md->ptesize);

	md->data_off = exact;
	md->data_rounded = 0;
	md->data_by_size = exact + pages == kd->src.size;
	if (!md->data_by_size && rounded != exact &&
	    rounded + pages == kd->src.size) {
		md->data_off = rounded;
		md->data_rounded = 1;
		md->data_by_size = 1;
	}
	md->expected_size = md->data_off + pages;
}

/* Point the handle at a PTE format; checks ptesize fits its entries. */
static int
set_format(kvm_t *kd, const struct pte_format *fmt)
{
	uint64_t va_span;

	if (kd->md.ptesize % fmt->entry_size != 0) {
		kvm_err(kd, "%s: ptesize %u is not a multiple of the %s "
		    "format's %u-byte entries", kd->corefile, kd->md.ptesize,
		    fmt->name, fmt->entry_size);
		return -1;
	}
	va_span = (uint64_t)(kd->md.ptesize / fmt->entry_size) * KVM_PAGE_SIZE;
	if (kd->md.kernbase + va_span > UINT64_C(1) << 32) {
		kvm_err(kd, "%s: the PTE array (%u bytes from kernbase 0x%llx) "
		    "runs past the 4 GiB virtual address space", kd->corefile,
		    kd->md.ptesize, (unsigned long long)kd->md.kernbase);
		return -1;
	}
	kd->fmt = fmt;
	kd->npte = kd->md.ptesize / fmt->entry_size;
	kd->kva_start = kd->md.kernbase;
	kd->kva_end = kd->md.kernbase + kd->npte * KVM_PAGE_SIZE;
	return 0;
}

/*
 * Decode every PTE once (pagetab.h).  Without memory for the table reads
 * take the long way, as they would anyway: not an error.
 */
static void
pagetab_build(kvm_t *kd)
{
	struct pagetab *pt = &kd->pt;
	const unsigned int esz = kd->fmt->entry_size;
	const uint64_t pages_in_file = kd->src.size > kd->md.data_off ?
	    (kd->src.size - kd->md.data_off) / KVM_PAGE_SIZE : 0;

	pagetab_free(pt);
	if (pagetab_alloc(pt, kd->npte, kd->md.kernbase) != 0)
		return;
	for (uint64_t i = 0; i < kd->npte; i++) {
		uint64_t entry = load_word(kd->ptes + i * esz, esz,
		    kd->big_endian);
		struct pte_mapping m;
		const char *why;
		int64_t page;

		if (entry == 0 || pte_decode(kd->fmt, entry, kd->md.kernbase +
		    i * KVM_PAGE_SIZE, &m, &why) != PTE_PAGE)
			continue;
		if (m.pa >> 40 != 0) {		/* no room in frame: no table */
			pagetab_free(pt);
			return;
		}
		page = pagemap_lookup(&kd->pm, m.pa);
		/* Only whole pages in the file: a cut one takes the long way. */
		pagetab_set(pt, i, m.pa, m.prot, page >= 0 &&
		    (uint64_t)page < pages_in_file && (uint64_t)page <
		    PAGETAB_SLOW ? (uint32_t)page : PAGETAB_SLOW);
	}
	pagetab_finish(pt, &kd->src, kd->md.data_off,
	    pages_in_file * KVM_PAGE_SIZE);
}

/* kvm_arm_set_mmuformat has checked the tag is known. */
static int
minidump_set_format(kvm_t *kd, unsigned int mmuformat)
{
	if (set_format(kd, pte_format_for(mmuformat)) != 0)
		return -1;
	pagetab_build(kd);
	return 0;
}

static int
minidump_open(kvm_t *kd)
{
	struct minidump *md = &kd->md;
	const unsigned char *bitmap, *dumpavail = NULL;
	unsigned char *bitmap_copy = NULL, *dumpavail_copy = NULL;
	const struct pte_format *fmt;
	char why[256];
	int rc = -1;

	if (parse_header(kd, md) != 0 || lay_out(kd, md) != 0)
		return -1;
	fmt = pte_format_for(md->mmuformat);
	if (fmt == NULL) {
		kvm_err(kd, "%s: unknown mmuformat %u (known: 0 unknown, "
		    "1 v4, 2 v6/v7, 3 LPAE)", kd->corefile, md->mmuformat);
		return -1;
	}
	if (set_format(kd, fmt) != 0)
		return -1;

	bitmap = section_bytes(kd, md->bitmap_off, md->bitmapsize, &bitmap_copy);
	if (bitmap == NULL)
		return -1;
	if (md->layout_version == 2) {
		dumpavail = section_bytes(kd, md->dumpavail_off,
		    md->dumpavailsize, &dumpavail_copy);
		if (dumpavail == NULL)
			goto out;
	}
	if (pagemap_init(&kd->pm, bitmap, md->bitmapsize, dumpavail,
	    md->dumpavailsize, kd->big_endian, why, sizeof(why)) != 0) {
		kvm_err(kd, "%s: %s", kd->corefile, why);
		goto out;
	}
	choose_data_start(kd, md);

	kd->ptes = section_bytes(kd, md->pte_off, md->ptesize, &kd->ptes_copy);
	if (kd->ptes == NULL)
		goto out;
	/* The section is page-rounded on disk and may hold struct msgbuf too. */
	kd->msgbuf_len = md->msgbufsize;
	kd->msgbuf_section_len = (size_t)(round_page(md->msgbufsize) <
	    kd->src.size - md->msgbuf_off ? round_page(md->msgbufsize) :
	    kd->src.size - md->msgbuf_off);
	kd->msgbuf = section_bytes(kd, md->msgbuf_off, kd->msgbuf_section_len,
	    &kd->msgbuf_copy);
	if (kd->msgbuf == NULL)
		goto out;
	pagetab_build(kd);
	rc = 0;
out:
	free(bitmap_copy);
	free(dumpavail_copy);
	return rc;
}

static void
minidump_close(kvm_t *kd)
{
	pagemap_free(&kd->pm);
	pagetab_free(&kd->pt);
	free(kd->ptes_copy);
	free(kd->msgbuf_copy);
	kd->ptes_copy = kd->msgbuf_copy = NULL;
}

/* VA -> PTE is an array index: the hot path of every read. */
static int
minidump_translate(const kvm_t *kd, kvaddr_t va, struct pte_mapping *m,
    struct xlat_fail *f)
{
	uint64_t idx = (va - kd->md.kernbase) / KVM_PAGE_SIZE;
	uint64_t entry;

	if (va < kd->md.kernbase || idx >= kd->npte) {
		f->kind = XF_OUTSIDE;
		return 0;
	}
	entry = load_word(kd->ptes + idx * kd->fmt->entry_size,
	    kd->fmt->entry_size, kd->big_endian);
	if (pte_decode(kd->fmt, entry, va, m, &f->why) == PTE_PAGE)
		return 1;
	f->kind = XF_ENTRY;
	f->fmt_name = kd->fmt->name;
	f->entry = entry;
	return 0;
}

static int64_t
minidump_locate(const kvm_t *kd, kpaddr_t pa, uint64_t *contig)
{
	int64_t page = pagemap_lookup(&kd->pm, pa);

	if (page < 0)
		return page;
	*contig = KVM_PAGE_SIZE - (pa & KVM_PAGE_MASK);
	return (int64_t)(kd->md.data_off + (uint64_t)page * KVM_PAGE_SIZE +
	    (pa & KVM_PAGE_MASK));
}

/* Every entry decoded in turn: when there is no table (out of memory). */
static int
generic_walk(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg, uint64_t base)
{
	const unsigned int esz = kd->fmt->entry_size;

	for (uint64_t i = 0; i < kd->npte; i++) {
		kvaddr_t va = kd->md.kernbase + i * KVM_PAGE_SIZE;
		uint64_t entry = load_word(kd->ptes + i * esz, esz,
		    kd->big_endian), contig;
		struct pte_mapping m;
		const char *why;

		/* Most of a sparse kernel map is zero: no format maps it. */
		if (entry == 0 ||
		    pte_decode(kd->fmt, entry, va, &m, &why) != PTE_PAGE)
			continue;
		struct kvm_page p = kvm_page_at(va, &m,
		    minidump_locate(kd, m.pa, &contig), base);
		if (!cb(&p, arg))
			return 0;
	}
	return 1;
}

/*
 * The PTE array in order: only the entries the live bits say map a page
 * (a sparse KVA is skipped 64 entries at a time), their data offsets from
 * the table.  No per-page calls but cb.
 */
static int
minidump_walk(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg, uint64_t base)
{
	const struct pagetab *pt = &kd->pt;

	if (pt->n != kd->npte)
		return generic_walk(kd, cb, arg, base);
	for (uint64_t w = 0; w < (pt->n + 63) / 64; w++) {
		for (uint64_t bits = pt->live[w]; bits != 0; bits &= bits - 1) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(bits);
			kvaddr_t va = kd->md.kernbase + i * KVM_PAGE_SIZE;
			uint32_t fr = pt->frame[i];
			struct pte_mapping m;
			uint64_t contig;
			int64_t off;

			m.pa = (uint64_t)(fr & 0x0fffffffu) << 12;
			m.prot = (unsigned char)(fr >> 28);
			off = pt->page[i] != PAGETAB_SLOW ? (int64_t)(pt->data_off +
			    (uint64_t)pt->page[i] * KVM_PAGE_SIZE) :
			    minidump_locate(kd, m.pa, &contig);
			struct kvm_page p = kvm_page_at(va, &m, off, base);
			if (!cb(&p, arg))
				return 0;
		}
	}
	return 1;
}

static void
minidump_info(const kvm_t *kd, struct kvm_arm_info *in)
{
	const struct minidump *md = &kd->md;
	uint64_t whole = kd->src.size > md->data_off ?
	    (kd->src.size - md->data_off) / KVM_PAGE_SIZE : 0;

	in->version = md->version;
	in->layout_version = md->layout_version;
	in->mmuformat = md->mmuformat;
	in->mmuformat_source = md->mmuformat ? "the dump header" :
	    "assumed: the dump header says 0 (unknown)";
	in->arch = md->arch;
	in->msgbuf_size = md->msgbufsize;
	in->bitmap_bits = kd->pm.nbits;
	in->pages_dumped = kd->pm.set_bits;
	in->pages_present = whole < kd->pm.set_bits ? whole : kd->pm.set_bits;
	in->ranges = kd->pm.pub;
	in->nranges = kd->pm.nranges;
	in->msgbuf_offset = md->msgbuf_off;
	in->dumpavail_offset = md->dumpavail_off;
	in->bitmap_offset = md->bitmap_off;
	in->pte_offset = md->pte_off;
	in->page_data_offset = md->data_off;
	in->page_data_rounded = md->data_rounded;
	in->page_data_chosen_by_size = md->data_by_size;
	in->expected_size = md->expected_size;
}

const struct container container_minidump = {
	.name = "minidump",
	.outside = "not minidumped (the PTE array covers",
	.open = minidump_open,
	.close = minidump_close,
	.translate = minidump_translate,
	.locate = minidump_locate,
	.set_format = minidump_set_format,
	.info = minidump_info,
	.walk = minidump_walk,
};
