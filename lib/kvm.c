/*
 * kvm.c: the public calls on an open dump: errors, translation, reads,
 * symbols, the page walk and the dump's facts.
 *
 * Translation is the hot path: VA -> PTE is an array index, the entry is
 * decoded by its format's table (pte.h), and PA -> file offset is one rank
 * lookup (pagemap.h).  No call here allocates or does a system call when
 * the core is mapped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"

void
kvm_err(kvm_t *kd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kd->errbuf, sizeof(kd->errbuf), fmt, ap);
	va_end(ap);
	if (kd->program != NULL)
		fprintf(stderr, "%s: %s\n", kd->program, kd->errbuf);
}

char *
kvm_geterr(kvm_t *kd)
{
	static char empty[] = "";

	return kd == NULL ? empty : kd->errbuf;
}

/* A translated VA: its mapping and where its page is in the file. */
struct xlat {
	struct pte_mapping m;
	int64_t page;		/* index in the page data, or PAGEMAP_* < 0 */
};

/* The PTE for va, or -1 with the reason set. */
static int
pte_for(kvm_t *kd, kvaddr_t va, uint64_t *entry)
{
	uint64_t idx = (va - kd->md.kernbase) / KVM_PAGE_SIZE;

	if (va < kd->md.kernbase || idx >= kd->npte) {
		kvm_err(kd, "invalid address (0x%llx): not minidumped (the PTE "
		    "array covers 0x%llx-0x%llx)", (unsigned long long)va,
		    (unsigned long long)kd->md.kernbase,
		    (unsigned long long)(kd->md.kernbase +
		    kd->npte * KVM_PAGE_SIZE));
		return -1;
	}
	*entry = load_word(kd->ptes + idx * kd->fmt->entry_size,
	    kd->fmt->entry_size, kd->big_endian);
	return 0;
}

/* Translate va; 0, or -1 with the reason set.  x->page may be < 0. */
static int
translate(kvm_t *kd, kvaddr_t va, struct xlat *x)
{
	const char *why;
	uint64_t entry;

	if (pte_for(kd, va, &entry) != 0)
		return -1;
	if (!pte_decode(kd->fmt, entry, va, &x->m, &why)) {
		kvm_err(kd, "invalid address (0x%llx): %s pte 0x%llx not "
		    "valid: %s", (unsigned long long)va, kd->fmt->name,
		    (unsigned long long)entry, why);
		return -1;
	}
	x->page = pagemap_lookup(&kd->pm, x->m.pa);
	return 0;
}

static uint64_t
page_offset(const kvm_t *kd, int64_t page)
{
	return kd->md.data_off + (uint64_t)page * KVM_PAGE_SIZE;
}

/*
 * What to add to a payload offset to report a file offset: the dump-device
 * header's 512 bytes, unless the payload is compressed (offsets then count
 * in the uncompressed stream).
 */
static uint64_t
file_base(const kvm_t *kd)
{
	return kd->src.gz != NULL ? 0 : kd->src.base;
}

/* The reason a translated page has no data, in kd->errbuf. */
static void
not_dumped(kvm_t *kd, kvaddr_t va, const struct xlat *x)
{
	kvm_err(kd, "invalid address (0x%llx): physical address 0x%llx %s",
	    (unsigned long long)va, (unsigned long long)x->m.pa,
	    x->page == PAGEMAP_NO_RANGE ? "is outside the dump's physical "
	    "ranges" : "is not in the minidump");
}

size_t
kvm_arm_kvatop(kvm_t *kd, kvaddr_t va, kpaddr_t *pa, off_t *off)
{
	struct xlat x;

	if (off != NULL)
		*off = -1;
	if (translate(kd, va, &x) != 0)
		return 0;
	if (pa != NULL)
		*pa = x.m.pa;
	if (x.page < 0) {
		not_dumped(kd, va, &x);
		return 0;
	}
	if (off != NULL)
		*off = (off_t)(file_base(kd) + page_offset(kd, x.page) +
		    (va & KVM_PAGE_MASK));
	return KVM_PAGE_SIZE - (size_t)(va & KVM_PAGE_MASK);
}

ssize_t
kvm_read2(kvm_t *kd, kvaddr_t kva, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;

	while (done < len) {
		kvaddr_t va = kva + done;
		size_t in_page = KVM_PAGE_SIZE - (size_t)(va & KVM_PAGE_MASK);
		size_t n = len - done < in_page ? len - done : in_page;
		struct xlat x;
		int64_t got;

		if (translate(kd, va, &x) != 0)
			return -1;
		if (x.page < 0) {
			not_dumped(kd, va, &x);
			return -1;
		}
		got = source_read(&kd->src, page_offset(kd, x.page) +
		    (va & KVM_PAGE_MASK), out + done, n);
		if (got < 0) {
			kvm_err(kd, "%s: read error", kd->corefile);
			return -1;
		}
		done += (size_t)got;
		if ((size_t)got < n) {
			/* A truncated core yields what it holds. */
			kvm_err(kd, "%s: truncated: 0x%llx is past the end of "
			    "the file", kd->corefile,
			    (unsigned long long)(va + (uint64_t)got));
			break;
		}
	}
	return (ssize_t)done;
}

ssize_t
kvm_read(kvm_t *kd, unsigned long kva, void *buf, size_t len)
{
	return kvm_read2(kd, kva, buf, len);
}

ssize_t
kvm_write(kvm_t *kd, unsigned long kva, const void *buf, size_t len)
{
	(void)kva, (void)buf, (void)len;
	kvm_err(kd, "kvm_write not implemented for dead kernels: %s is "
	    "read-only", kd->corefile);
	return -1;
}

int
kvm_nlist2(kvm_t *kd, struct kvm_nlist *nl)
{
	int missing = 0;

	if (kd->resolver == NULL && kd->symtab == NULL) {
		kvm_err(kd, "%s: no kernel ELF or symbol resolver was given, so "
		    "there are no symbols", kd->corefile);
		return -1;
	}
	if (kd->resolver == NULL && symtab_missing(kd->symtab) != NULL) {
		kvm_err(kd, "%s", symtab_missing(kd->symtab));
		return -1;
	}
	for (; nl->n_name != NULL && nl->n_name[0] != '\0'; nl++) {
		kvaddr_t value = 0;
		unsigned char type = 0;
		int found;

		if (kd->resolver != NULL) {
			found = kd->resolver(nl->n_name, &value) == 0;
			type = N_DATA | N_EXT;
		} else {
			/* a.out-era callers spell kernel symbols with '_'. */
			found = symtab_lookup(kd->symtab, nl->n_name, &value,
			    &type) || (nl->n_name[0] == '_' &&
			    symtab_lookup(kd->symtab, nl->n_name + 1, &value,
			    &type));
		}
		nl->n_type = found ? type : 0;
		nl->n_value = found ? value : 0;
		missing += !found;
	}
	return missing;
}

kssize_t
kvm_kerndisp(kvm_t *kd)
{
	(void)kd;
	return 0;
}

int
kvm_native(kvm_t *kd)
{
#if defined(__arm__) && !defined(__aarch64__)
	const uint16_t one = 1;
	int host_big = *(const unsigned char *)&one == 0;

	return kd->big_endian == host_big;
#else
	(void)kd;
	return 0;
#endif
}

int
kvm_walk_pages(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg)
{
	const unsigned int esz = kd->fmt->entry_size;
	const uint64_t base = file_base(kd);

	for (uint64_t i = 0; i < kd->npte; i++) {
		kvaddr_t va = kd->md.kernbase + i * KVM_PAGE_SIZE;
		uint64_t entry = load_word(kd->ptes + i * esz, esz,
		    kd->big_endian);
		struct pte_mapping m;
		const char *why;
		int64_t page;

		/* Most of a sparse kernel map is zero: no format maps it. */
		if (entry == 0 || !pte_decode(kd->fmt, entry, va, &m, &why))
			continue;
		page = pagemap_lookup(&kd->pm, m.pa);
		/* Filled anew each time: a callback may scribble on it. */
		struct kvm_page p = {
			.kp_version = KVM_PAGE_VERSION,
			.kp_paddr = m.pa,
			.kp_kmap_vaddr = va,
			.kp_dmap_vaddr = 0,
			.kp_prot = m.prot,
			.kp_offset = page < 0 ? -1 :
			    (off_t)(base + page_offset(kd, page)),
			.kp_len = KVM_PAGE_SIZE,
		};
		if (!cb(&p, arg))
			return 0;
	}
	return 1;
}

int
kvm_arm_set_mmuformat(kvm_t *kd, unsigned int mmuformat)
{
	const struct pte_format *fmt = pte_format_for(mmuformat);

	if (fmt == NULL) {
		kvm_err(kd, "unknown mmuformat %u (1 v4, 2 v6/v7, 3 LPAE)",
		    mmuformat);
		return -1;
	}
	return minidump_set_format(kd, fmt);
}

int
kvm_arm_info(kvm_t *kd, struct kvm_arm_info *in)
{
	const struct minidump *md;
	uint64_t whole;

	if (kd == NULL || in == NULL)
		return -1;
	md = &kd->md;
	memset(in, 0, sizeof(*in));
	in->container = "minidump";
	in->version = md->version;
	in->layout_version = md->layout_version;
	in->mmuformat = md->mmuformat;
	in->mmuformat_used = kd->fmt->mmuformat;
	in->mmuformat_name = kd->fmt->name;
	in->arch = md->arch;
	in->big_endian = kd->big_endian;
	in->byte_order_source = kd->byte_order_source;
	in->kernbase = md->kernbase;
	in->kva_end = md->kernbase + kd->npte * KVM_PAGE_SIZE;
	in->pte_count = kd->npte;
	in->pte_size = kd->fmt->entry_size;
	in->msgbuf_size = md->msgbufsize;
	in->bitmap_bits = kd->pm.nbits;
	in->pages_dumped = kd->pm.set_bits;
	whole = kd->src.size > md->data_off ?
	    (kd->src.size - md->data_off) / KVM_PAGE_SIZE : 0;
	in->pages_present = whole < kd->pm.set_bits ? whole : kd->pm.set_bits;
	in->ranges = kd->pm.pub;
	in->nranges = kd->pm.nranges;
	in->msgbuf_offset = file_base(kd) + md->msgbuf_off;
	in->dumpavail_offset = md->dumpavail_off ?
	    file_base(kd) + md->dumpavail_off : 0;
	in->bitmap_offset = file_base(kd) + md->bitmap_off;
	in->pte_offset = file_base(kd) + md->pte_off;
	in->page_data_offset = file_base(kd) + md->data_off;
	in->page_data_rounded = md->data_rounded;
	in->page_data_chosen_by_size = md->data_by_size;
	in->file_size = kd->src.size;
	in->expected_size = md->expected_size;
	in->truncated = kd->src.size < md->expected_size;
	in->payload_offset = kd->src.base;
	in->compression = kd->src.gz != NULL ? "gzip" : "none";
	in->stored_size = kd->src.raw_size;
	return 0;
}

const void *
kvm_arm_msgbuf(kvm_t *kd, size_t *len, size_t *section_len)
{
	size_t n = kd->msgbuf_len < kd->msgbuf_section_len ?
	    kd->msgbuf_len : kd->msgbuf_section_len;

	if (n == 0) {
		kvm_err(kd, "%s: the dump has no message buffer", kd->corefile);
		return NULL;
	}
	if (len != NULL)
		*len = n;
	if (section_len != NULL)
		*section_len = kd->msgbuf_section_len;
	return kd->msgbuf;
}

int
kvm_arm_dumpheader(kvm_t *kd, struct kvm_arm_dumpheader *dh)
{
	if (kd == NULL || dh == NULL)
		return -1;
	if (!kd->has_dumpheader)
		return 0;
	*dh = kd->dh;
	return 1;
}
