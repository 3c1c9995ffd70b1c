/*
 * kvm.c: the public calls on an open dump: errors, translation, reads,
 * symbols, the page walk and the dump's facts.
 *
 * Translation is the hot path: the container turns a VA into a PA (in a
 * minidump an array index and one decode through the format's table,
 * pte.h) and a PA into a payload offset (one rank lookup, pagemap.h).  No
 * call here allocates or does a system call when the core is mapped.
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

/* A translated VA: its mapping and where its bytes are in the payload. */
struct xlat {
	struct pte_mapping m;
	int64_t off;		/* payload offset, or PAGEMAP_* < 0 */
	uint64_t contig;	/* bytes contiguous from off */
};

/* The message for a failed translation, in kd->errbuf. */
static void
xlat_error(kvm_t *kd, kvaddr_t va, const struct xlat_fail *f)
{
	switch (f->kind) {
	case XF_OUTSIDE:
		kvm_err(kd, "invalid address (0x%llx): %s 0x%llx-0x%llx)",
		    (unsigned long long)va, kd->ct->outside,
		    (unsigned long long)kd->kva_start,
		    (unsigned long long)kd->kva_end);
		break;
	case XF_ENTRY:
		kvm_err(kd, "invalid address (0x%llx): %s pte 0x%llx not "
		    "valid: %s", (unsigned long long)va, f->fmt_name,
		    (unsigned long long)f->entry, f->why);
		break;
	case XF_TABLE:
		kvm_err(kd, "invalid address (0x%llx): the level-%u page-table "
		    "entry at physical address 0x%llx is not in the %s",
		    (unsigned long long)va, f->level,
		    (unsigned long long)f->entry_pa, kd->ct->name);
		break;
	}
}

/* Translate va; 0, or -1 with the reason set.  x->off may be < 0. */
static int
translate(kvm_t *kd, kvaddr_t va, struct xlat *x)
{
	struct xlat_fail f;

	if (!kd->ct->translate(kd, va, &x->m, &f)) {
		xlat_error(kd, va, &f);
		return -1;
	}
	x->off = kd->ct->locate(kd, x->m.pa, &x->contig);
	return 0;
}

/* The reason a translated page has no data, in kd->errbuf. */
static void
not_dumped(kvm_t *kd, kvaddr_t va, const struct xlat *x)
{
	kvm_err(kd, "invalid address (0x%llx): physical address 0x%llx %s%s",
	    (unsigned long long)va, (unsigned long long)x->m.pa,
	    x->off == PAGEMAP_NO_RANGE ? "is outside the dump's physical "
	    "ranges" : "is not in the ", x->off == PAGEMAP_NO_RANGE ? "" :
	    kd->ct->name);
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
	if (x.off < 0) {
		not_dumped(kd, va, &x);
		return 0;
	}
	if (off != NULL)
		*off = (off_t)(kd->src.report_base + (uint64_t)x.off);
	return KVM_PAGE_SIZE - (size_t)(va & KVM_PAGE_MASK);
}

/* One page's piece the long way: translate, locate, read, or say why not. */
static int64_t
read_piece(kvm_t *kd, kvaddr_t va, unsigned char *out, size_t n)
{
	struct xlat x;
	int64_t got;

	if (translate(kd, va, &x) != 0)
		return -1;
	if (x.off < 0) {
		not_dumped(kd, va, &x);
		return -1;
	}
	if (n > x.contig)	/* a segment of a full core ends */
		n = (size_t)x.contig;
	got = source_read(&kd->src, (uint64_t)x.off, out, n);
	if (got < 0) {
		kvm_err(kd, "%s: read error", kd->corefile);
		return -1;
	}
	if ((size_t)got < n)	/* a truncated core yields what it holds */
		kvm_err(kd, "%s: truncated: 0x%llx is past the end of the file",
		    kd->corefile, (unsigned long long)(va + (uint64_t)got));
	return got;
}

/*
 * Any read: page by page, through the table where it knows the page.  Not
 * inlined: kvm_read2's fast path must not pay for its stack frame.
 */
static __attribute__((noinline)) ssize_t
read_pages(kvm_t *kd, kvaddr_t kva, unsigned char *out, size_t len)
{
	const struct pagetab *pt = &kd->pt;
	size_t done = 0;

	if (out == NULL && len > 0) {
		kvm_err(kd, "kvm_read2: NULL buffer for %zu bytes at 0x%llx",
		    len, (unsigned long long)kva);
		return -1;
	}
	while (done < len) {
		kvaddr_t va = kva + done;
		size_t in_page = (size_t)(va & KVM_PAGE_MASK);
		size_t n = len - done < KVM_PAGE_SIZE - in_page ? len - done :
		    KVM_PAGE_SIZE - in_page;
		uint64_t idx = (va - pt->va_start) / KVM_PAGE_SIZE;
		int64_t got;

		if (idx < pt->n && pagetab_fast(pt, idx)) {
			uint64_t off = pt->data_off + (uint64_t)pt->page[idx] *
			    KVM_PAGE_SIZE + in_page;
			if (pt->kvmap != NULL || pt->data != NULL) {
				memcpy(out + done, pt->kvmap != NULL ? pt->kvmap +
				    (va - pt->va_start) : pt->data +
				    (off - pt->data_off), n);
				done += n;
				continue;
			}
			got = source_read(&kd->src, off, out + done, n);
			if (got < 0) {
				kvm_err(kd, "%s: read error", kd->corefile);
				return -1;
			}
		} else {
			got = read_piece(kd, va, out + done, n);
			if (got < 0)
				return -1;
		}
		done += (size_t)got;
		if ((size_t)got < n)
			break;
	}
	return (ssize_t)done;
}

/*
 * The hot path, kept to a few instructions so that the CPU overlaps many
 * calls as it does plain loads: within one page the table knows
 * (pagetab.h), when the KVA-shaped map exists, a read is a check of a
 * cached bit and a copy from an address computed from kva alone.
 */
ssize_t
kvm_read2(kvm_t *kd, kvaddr_t kva, void *buf, size_t len)
{
	const struct pagetab *pt = &kd->pt;
	uint64_t rel = kva - pt->va_start, idx = rel / KVM_PAGE_SIZE;

	/* fast_n is 0 unless the KVA-shaped map (kvmap) exists. */
	if (idx >= pt->fast_n || len > KVM_PAGE_SIZE - (rel & KVM_PAGE_MASK) ||
	    !pagetab_fast(pt, idx) || buf == NULL)
		return read_pages(kd, kva, buf, len);
	/* Constant sizes: the compiler makes these one load each. */
	if (len == 4)
		memcpy(buf, pt->kvmap + rel, 4);
	else if (len == 8)
		memcpy(buf, pt->kvmap + rel, 8);
	else
		memcpy(buf, pt->kvmap + rel, len);
	return (ssize_t)len;
}

ssize_t
kvm_read(kvm_t *kd, unsigned long kva, void *buf, size_t len)
{
	return kvm_read2(kd, kva, buf, len);
}

/*
 * Write through the translation into the core, as libkvm does for a dump
 * opened O_RDWR (kgdb -w).  Every page of the range is translated and
 * checked first, so a write that cannot finish writes nothing.
 */
ssize_t
kvm_write(kvm_t *kd, unsigned long kva, const void *buf, size_t len)
{
	if (!kd->src.writable) {
		kvm_err(kd, "kvm_write not implemented for dead kernels: %s "
		    "was opened read-only (O_RDWR writes into it)",
		    kd->corefile);
		return -1;
	}
	if (buf == NULL && len > 0) {
		kvm_err(kd, "kvm_write: NULL buffer for %zu bytes at 0x%lx",
		    len, kva);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t done = 0; done < len;) {
			kvaddr_t va = (kvaddr_t)kva + done;
			size_t in_page = KVM_PAGE_SIZE -
			    (size_t)(va & KVM_PAGE_MASK);
			size_t n = len - done < in_page ? len - done : in_page;
			struct xlat x;

			if (translate(kd, va, &x) != 0)
				return -1;
			if (x.off < 0) {
				not_dumped(kd, va, &x);
				return -1;
			}
			if (n > x.contig)
				n = (size_t)x.contig;
			if ((uint64_t)x.off + n > kd->src.size) {
				kvm_err(kd, "%s: truncated: 0x%llx is past "
				    "the end of the file", kd->corefile,
				    (unsigned long long)va);
				return -1;
			}
			if (pass == 1 && source_write(&kd->src,
			    (uint64_t)x.off, (const unsigned char *)buf + done,
			    n) != 0) {
				kvm_err(kd, "%s: write error at 0x%llx",
				    kd->corefile, (unsigned long long)va);
				return -1;
			}
			done += n;
		}
	}
	return (ssize_t)len;
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
	return kd->ct->walk(kd, cb, arg, kd->src.report_base);
}

int
kvm_arm_set_mmuformat(kvm_t *kd, unsigned int mmuformat)
{
	if (pte_format_for(mmuformat) == NULL) {
		kvm_err(kd, "unknown mmuformat %u (1 v4, 2 v6/v7, 3 LPAE)",
		    mmuformat);
		return -1;
	}
	return kd->ct->set_format(kd, mmuformat);
}

int
kvm_arm_info(kvm_t *kd, struct kvm_arm_info *in)
{
	uint64_t base;

	if (kd == NULL || in == NULL)
		return -1;
	memset(in, 0, sizeof(*in));
	in->container = kd->ct->name;
	in->mmuformat_used = kd->fmt->mmuformat;
	in->mmuformat_name = kd->fmt->name;
	in->big_endian = kd->big_endian;
	in->byte_order_source = kd->byte_order_source;
	in->kernbase = kd->kva_start;
	in->kva_end = kd->kva_end;
	in->pte_count = (kd->kva_end - kd->kva_start) / KVM_PAGE_SIZE;
	in->pte_size = kd->fmt->entry_size;
	kd->ct->info(kd, in);
	/* The container counts in the payload; callers want file offsets. */
	base = kd->src.report_base;
	in->msgbuf_offset += in->msgbuf_offset ? base : 0;
	in->dumpavail_offset += in->dumpavail_offset ? base : 0;
	in->bitmap_offset += in->bitmap_offset ? base : 0;
	in->pte_offset += in->pte_offset ? base : 0;
	in->page_data_offset += base;
	in->file_size = kd->src.size;
	in->truncated = kd->src.size < in->expected_size;
	in->payload_offset = kd->src.raw_base;
	in->compression = kd->src.compression;
	in->stored_size = kd->src.stored_size;
	return 0;
}

int
kvm_read_u32(kvm_t *kd, kvaddr_t va, uint32_t *v)
{
	unsigned char b[4];

	if (kvm_read2(kd, va, b, 4) != 4)
		return -1;
	*v = load32(b, kd->big_endian);
	return 0;
}

/* A kernel symbol's value: the resolver's, else the kernel ELF's. */
int
kvm_symbol(kvm_t *kd, const char *name, kvaddr_t *value)
{
	unsigned char type;

	if (kd->resolver != NULL)
		return kd->resolver(name, value) == 0 ? 0 : -1;
	if (kd->symtab != NULL && symtab_lookup(kd->symtab, name, value, &type))
		return 0;
	return -1;
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
