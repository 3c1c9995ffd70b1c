/*
 * elfcore.c: the full ELF core container (debug.minidump=0).
 *
 * The core is an ELF32 ET_CORE file: one PT_LOAD program header per range
 * of physical memory (p_paddr, p_filesz bytes at p_offset), and FreeBSD/arm
 * adds a PT_DUMP_DELTA header giving the kernel's virtual and physical load
 * addresses.  Nothing in it describes the kernel's virtual memory, so a VA
 * is translated as the MMU would: from the root page table, found through a
 * kernel symbol (kernel_l1pa; kernel_lpae_l1pa for LPAE kernels, this
 * project's convention), level by level (ptwalk.c).  The kernel ELF (or a
 * resolver) is therefore required.
 *
 * Where FreeBSD's libkvm reads these cores, it forgets to byte-swap the
 * root address, takes supersections for sections, ignores a failed lookup
 * of the second-level table and offers no page walk; this reads the root
 * in the target's byte order, walks through the description of each
 * format, says which table was missing, and walks pages like a minidump.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"
#include "ptwalk.h"

#define PT_LOAD		1
#define PT_DUMP_DELTA	0x6fb5d000u
#define EHDR_BYTES	52
#define PHDR_BYTES	32

struct segment {
	uint64_t pa, size;	/* physical range, size bytes as in the file */
	uint64_t off;		/* payload offset of pa */
};

struct elfcore {
	struct segment *segs;	/* sorted by pa */
	struct kvm_arm_range *pub;
	size_t nsegs;
	uint64_t kernvirt, kernphys;
	const struct pt_desc *desc;
	uint64_t root;		/* physical address of the first level */
	unsigned int detected;	/* the kernel's format (KVM_ARM_MMU_*), 0 if
				   it was assumed */
	const char *detected_by;	/* how it was told */
	uint64_t pages, pages_present, expected_size;
};

static int
by_pa(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/*
 * A page comes whole from one segment: the last one starting at or below
 * its first byte.  Real cores' segments are page-aligned and disjoint; in
 * others this settles overlaps a page at a time, so that every read of a
 * byte agrees with the page walk's kp_offset and kp_len, and a page-table
 * entry read alone with one read in a batch (contig stops where the next
 * segment takes over).
 */
static int64_t
elfcore_locate(const kvm_t *kd, kpaddr_t pa, uint64_t *contig)
{
	const struct elfcore *ec = kd->ec;
	const kpaddr_t page = pa & ~(kpaddr_t)KVM_PAGE_MASK;
	size_t lo = 0, hi = ec->nsegs;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ec->segs[mid].pa <= page)
			lo = mid;
		else
			hi = mid;
	}
	if (ec->nsegs == 0 || ec->segs[lo].pa > page ||
	    pa - ec->segs[lo].pa >= ec->segs[lo].size)
		return PAGEMAP_NO_RANGE;
	*contig = ec->segs[lo].size - (pa - ec->segs[lo].pa);
	if (lo + 1 < ec->nsegs) {
		/* The first page the next segment serves. */
		uint64_t next = (ec->segs[lo + 1].pa + KVM_PAGE_MASK) &
		    ~(uint64_t)KVM_PAGE_MASK;
		if (next - pa < *contig)
			*contig = next - pa;
	}
	return (int64_t)(ec->segs[lo].off + (pa - ec->segs[lo].pa));
}

/*
 * pt_read_fn: consecutive page-table entries at a physical address, as many
 * as one segment of the core holds, in the target's byte order.
 */
static size_t
read_entries(const void *ctx, uint64_t pa, unsigned int size, size_t n,
    uint64_t *entries)
{
	const kvm_t *kd = ctx;
	unsigned char b[2048];
	uint64_t contig;
	int64_t off = elfcore_locate(kd, pa, &contig);

	if (off < 0 || contig < size)
		return 0;
	if (n > contig / size)
		n = (size_t)(contig / size);
	if (n > sizeof(b) / size)
		n = sizeof(b) / size;
	if (source_read(&kd->src, (uint64_t)off, b, n * size) !=
	    (int64_t)(n * size))
		return 0;
	for (size_t i = 0; i < n; i++)
		entries[i] = load_word(b + i * size, size, kd->big_endian);
	return n;
}

static int
elfcore_translate(const kvm_t *kd, kvaddr_t va, struct pte_mapping *m,
    struct xlat_fail *f)
{
	const struct elfcore *ec = kd->ec;
	struct pt_fail pf;

	if (va < kd->kva_start || va >= kd->kva_end) {
		f->kind = XF_OUTSIDE;
		return 0;
	}
	if (pt_walk(ec->desc, ec->root, va, read_entries, kd, m, &pf) == PTE_PAGE)
		return 1;
	f->kind = pf.unreadable ? XF_TABLE : XF_ENTRY;
	f->fmt_name = ec->desc->levels[pf.level - 1].fmt->name;
	f->entry = pf.entry;
	f->entry_pa = pf.entry_pa;
	f->level = pf.level;
	f->why = pf.why;
	return 0;
}

/* kvm_walk_pages through the tables, each read once (ptwalk.c). */
struct walk_ctx {
	kvm_t *kd;
	kvm_walk_pages_cb_t *cb;
	void *arg;
	uint64_t base;
};

static int
walk_page(void *arg, uint64_t va, const struct pte_mapping *m)
{
	struct walk_ctx *w = arg;
	uint64_t contig = 0;
	int64_t off = elfcore_locate(w->kd, m->pa, &contig);

	/*
	 * A page is in the core when all its bytes are: one its segment ends
	 * inside (a cut core, a segment of odd size) cannot be read whole.
	 */
	if (off >= 0 && contig < KVM_PAGE_SIZE)
		off = -1;
	/* Made anew each time: a callback may scribble on it. */
	struct kvm_page p = kvm_page_at(va, m, off, w->base);

	return w->cb(&p, w->arg);
}

static int
elfcore_walk(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg, uint64_t base)
{
	struct walk_ctx w = { kd, cb, arg, base };

	return pt_walk_range(kd->ec->desc, kd->ec->root, kd->kva_start,
	    kd->kva_end, read_entries, kd, walk_page, &w);
}

/* Program headers: the physical segments and the kernel's load delta. */
static int
read_phdrs(kvm_t *kd, struct elfcore *ec, const unsigned char *eh)
{
	int be = kd->big_endian, delta = 0;
	uint64_t phoff = load32(eh + 28, be);
	unsigned int phentsize = load16(eh + 42, be), phnum = load16(eh + 44, be);
	unsigned char ph[PHDR_BYTES];

	if (phentsize < PHDR_BYTES || phnum == 0 ||
	    phoff + (uint64_t)phnum * phentsize > kd->src.size) {
		kvm_err(kd, "%s: ELF core: %u program headers of %u bytes at "
		    "offset %llu do not fit in the file", kd->corefile, phnum,
		    phentsize, (unsigned long long)phoff);
		return -1;
	}
	ec->segs = calloc(phnum, sizeof(*ec->segs));
	ec->pub = calloc(phnum, sizeof(*ec->pub));
	if (ec->segs == NULL || ec->pub == NULL) {
		kvm_err(kd, "%s: out of memory", kd->corefile);
		return -1;
	}
	for (unsigned int i = 0; i < phnum; i++) {
		uint32_t type, off, filesz;
		if (source_read(&kd->src, phoff + (uint64_t)i * phentsize, ph,
		    sizeof(ph)) != (int64_t)sizeof(ph))
			return -1;
		type = load32(ph, be);
		off = load32(ph + 4, be);
		filesz = load32(ph + 16, be);
		if (type == PT_DUMP_DELTA) {
			ec->kernvirt = load32(ph + 8, be);
			ec->kernphys = load32(ph + 12, be);
			delta = 1;
		}
		if (type != PT_LOAD || filesz == 0)
			continue;
		struct segment *s = &ec->segs[ec->nsegs++];
		s->pa = load32(ph + 12, be);
		s->off = off;
		s->size = filesz;
		ec->pages += filesz / KVM_PAGE_SIZE;
		if ((uint64_t)off + filesz > ec->expected_size)
			ec->expected_size = (uint64_t)off + filesz;
		/* A truncated core keeps the part of each segment it holds. */
		s->size = off >= kd->src.size ? 0 :
		    filesz < kd->src.size - off ? filesz : kd->src.size - off;
		ec->pages_present += s->size / KVM_PAGE_SIZE;
	}
	if (ec->nsegs == 0) {
		kvm_err(kd, "%s: ELF core without memory (no PT_LOAD segment)",
		    kd->corefile);
		return -1;
	}
	qsort(ec->segs, ec->nsegs, sizeof(*ec->segs), by_pa);
	for (size_t i = 0; i < ec->nsegs; i++) {
		ec->pub[i].start = ec->segs[i].pa;
		ec->pub[i].end = ec->segs[i].pa + ec->segs[i].size;
	}
	return delta;
}

/* Find the root table of desc's format through its kernel variable. */
static int
find_root(kvm_t *kd, struct elfcore *ec, const struct pt_desc *desc)
{
	kvaddr_t va;
	uint64_t root;

	if (kvm_symbol(kd, desc->root_symbol, &va) != 0) {
		kvm_err(kd, "%s: cannot find the kernel's page tables: no symbol "
		    "%s", kd->corefile, desc->root_symbol);
		return -1;
	}
	/* The variable is in the kernel image: placed by the load delta. */
	if (read_entries(kd, va - ec->kernvirt + ec->kernphys,
	    desc->root_size, 1, &root) != 1) {
		kvm_err(kd, "%s: %s (0x%llx) is not in the core", kd->corefile,
		    desc->root_symbol, (unsigned long long)va);
		return -1;
	}
	ec->desc = desc;
	ec->root = root;
	kd->fmt = desc->leaf;
	return 0;
}

/* kvm_arm_set_mmuformat has checked the tag is known. */
static int
elfcore_set_format(kvm_t *kd, unsigned int mmuformat)
{
	return find_root(kd, kd->ec, pt_desc_for(mmuformat));
}

/*
 * The kernel's page-table format: LPAE kernels name their root
 * differently; otherwise the kernel ELF's Tag_CPU_arch tells ARMv4/v5
 * (pmap-v4) from ARMv6 and later.  A kernel without the attribute (or
 * reached only through a resolver) is assumed v6/v7, and info says so.
 */
static unsigned int
kernel_format(kvm_t *kd, struct elfcore *ec)
{
	kvaddr_t lpae_root;
	int arch;

	if (kvm_symbol(kd, pt_desc_lpae.root_symbol, &lpae_root) == 0) {
		ec->detected = KVM_ARM_MMU_LPAE;
		ec->detected_by = "the kernel's kernel_lpae_l1pa symbol";
		return ec->detected;
	}
	arch = kd->symtab != NULL ? symtab_cpu_arch(kd->symtab) : -1;
	if (arch >= 1) {
		/* 1 v4, 2 v4T, 3 v5T, 4 v5TE, 5 v5TEJ; 6 v6 and on. */
		ec->detected = arch <= 5 ? KVM_ARM_MMU_V4 : KVM_ARM_MMU_V6;
		ec->detected_by = "the kernel's .ARM.attributes (Tag_CPU_arch)";
		return ec->detected;
	}
	ec->detected = KVM_ARM_MMU_UNKNOWN;
	ec->detected_by = "assumed: the kernel has no .ARM.attributes "
	    "Tag_CPU_arch";
	return KVM_ARM_MMU_V6;
}

static int
elfcore_open(kvm_t *kd)
{
	unsigned char eh[EHDR_BYTES];
	struct elfcore *ec;
	kvaddr_t kernbase;
	int delta, be;

	if (source_read(&kd->src, 0, eh, sizeof(eh)) != (int64_t)sizeof(eh) ||
	    eh[4] != 1 || (eh[5] != 1 && eh[5] != 2)) {
		kvm_err(kd, "%s: ELF core: not a 32-bit ELF file", kd->corefile);
		return -1;
	}
	be = eh[5] == 2;
	if (kd->byte_order_source != NULL && be != kd->big_endian) {
		kvm_err(kd, "%s: core is %s-endian but the kernel ELF is not: "
		    "wrong kernel for this core", kd->corefile,
		    be ? "big" : "little");
		return -1;
	}
	kd->big_endian = be;
	if (kd->byte_order_source == NULL)
		kd->byte_order_source = "dump header";
	if (load16(eh + 18, be) != 40) {
		kvm_err(kd, "%s: ELF core of machine %u, not ARM", kd->corefile,
		    load16(eh + 18, be));
		return -1;
	}
	if (kd->symtab == NULL && kd->resolver == NULL) {
		kvm_err(kd, "%s: a full ELF core needs its kernel: the page "
		    "tables are found through its symbols", kd->corefile);
		return -1;
	}
	kd->ec = ec = calloc(1, sizeof(*ec));
	if (ec == NULL) {
		kvm_err(kd, "%s: out of memory", kd->corefile);
		return -1;
	}
	if ((delta = read_phdrs(kd, ec, eh)) < 0)
		return -1;
	if (!delta) {
		/* Older writers: the absolute symbols say where the kernel is. */
		if (kvm_symbol(kd, "kernbase", &ec->kernvirt) != 0 ||
		    kvm_symbol(kd, "physaddr", &ec->kernphys) != 0) {
			kvm_err(kd, "%s: no PT_DUMP_DELTA header and no kernbase "
			    "and physaddr symbols: cannot place the kernel in "
			    "physical memory", kd->corefile);
			return -1;
		}
	}
	if (find_root(kd, ec, pt_desc_for(kernel_format(kd, ec))) != 0)
		return -1;
	if (kvm_symbol(kd, "kernbase", &kernbase) != 0 || kernbase > ec->kernvirt)
		kernbase = ec->kernvirt;
	kd->kva_start = kernbase & ~(kvaddr_t)0xfffff;
	kd->kva_end = UINT64_C(1) << 32;
	return 0;
}

static void
elfcore_close(kvm_t *kd)
{
	if (kd->ec == NULL)
		return;
	free(kd->ec->segs);
	free(kd->ec->pub);
	free(kd->ec);
	kd->ec = NULL;
}

static void
elfcore_info(const kvm_t *kd, struct kvm_arm_info *in)
{
	const struct elfcore *ec = kd->ec;

	/* No tag in an ELF core: the kernel's format, 0 when assumed. */
	in->mmuformat = ec->detected;
	in->mmuformat_source = ec->detected_by;
	in->pages_dumped = ec->pages;
	in->pages_present = ec->pages_present;
	in->ranges = ec->pub;
	in->nranges = ec->nsegs;
	in->page_data_offset = ec->segs[0].off;
	in->expected_size = ec->expected_size;
}

const struct container container_elfcore = {
	.name = "ELF core",
	.outside = "outside the kernel's address space (KVA",
	.open = elfcore_open,
	.close = elfcore_close,
	.translate = elfcore_translate,
	.locate = elfcore_locate,
	.walk = elfcore_walk,
	.set_format = elfcore_set_format,
	.info = elfcore_info,
};
