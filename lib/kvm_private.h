/*
 * kvm_private.h: the handle behind kvm_t and the pieces it is made of.
 *
 * Data flows: source (the file's bytes, maybe gzip) -> container (a
 * minidump's sections and page map, or a full ELF core's segments and the
 * kernel's own tables) -> PTE formats (one entry -> PA, size, prot) -> the
 * public calls in kvm.c.  Symbols come from the kernel ELF (symtab.c).
 */
#ifndef KVM_ARM_PRIVATE_H
#define KVM_ARM_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>

#include "kvm_arm.h"
#include "pagemap.h"
#include "pagetab.h"
#include "pte.h"
#include "source.h"

#define KVM_PAGE_SIZE	4096u
#define KVM_PAGE_MASK	(KVM_PAGE_SIZE - 1)

struct symtab;
struct elfcore;
struct thread_layout;
struct unwinder;

/* Why a VA did not translate: raw facts, made into a message on demand. */
struct xlat_fail {
	enum { XF_OUTSIDE, XF_ENTRY, XF_TABLE } kind;
	const char *fmt_name;		/* the entry's format ("v6", "v6 L1") */
	uint64_t entry, entry_pa;	/* XF_ENTRY, XF_TABLE */
	unsigned int level;		/* XF_TABLE: 1-based */
	const char *why;
};

/*
 * A container: what kind of file holds the memory.  Each says how a VA
 * becomes a PA (the minidump's flat PTE array, or a walk of the kernel's
 * own tables in a full core) and where a PA's bytes are in the payload.
 */
struct container {
	const char *name;		/* "minidump", "ELF core" */
	const char *outside;		/* why a VA outside kva_start..kva_end fails */
	int (*open)(kvm_t *kd);
	void (*close)(kvm_t *kd);
	/* 1 and *m, or 0 and *f; never formats a message. */
	int (*translate)(const kvm_t *kd, kvaddr_t va, struct pte_mapping *m,
	    struct xlat_fail *f);
	/* Payload offset of pa and the bytes contiguous from it, or < 0. */
	int64_t (*locate)(const kvm_t *kd, kpaddr_t pa, uint64_t *contig);
	int (*set_format)(kvm_t *kd, unsigned int mmuformat);
	void (*info)(const kvm_t *kd, struct kvm_arm_info *in);
	/* kvm_walk_pages: every mapped page in VA order, offsets + base. */
	int (*walk)(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg,
	    uint64_t base);
};

/* The struct kvm_page for a page at va: off is its payload offset or < 0. */
static inline struct kvm_page
kvm_page_at(kvaddr_t va, const struct pte_mapping *m, int64_t off,
    uint64_t base)
{
	struct kvm_page p = {
		.kp_version = KVM_PAGE_VERSION,
		.kp_paddr = m->pa,
		.kp_kmap_vaddr = va,
		.kp_dmap_vaddr = 0,
		.kp_prot = m->prot,
		.kp_offset = off < 0 ? -1 : (off_t)(base + (uint64_t)off),
		.kp_len = KVM_PAGE_SIZE,
	};

	return p;
}

extern const struct container container_minidump, container_elfcore;

/* Where the minidump's sections are, as the header and file size tell. */
struct minidump {
	unsigned int version, layout_version;
	unsigned int mmuformat, arch;
	uint32_t msgbufsize, bitmapsize, ptesize, dumpavailsize;
	uint64_t kernbase;
	uint64_t msgbuf_off, dumpavail_off, bitmap_off, pte_off;
	uint64_t data_off;		/* first dumped page */
	int data_rounded, data_by_size;
	uint64_t expected_size;
};

struct __kvm {
	char errbuf[_POSIX2_LINE_MAX];
	const char *program;		/* kvm_open's errstr: errors to stderr */
	char *corefile;
	struct source src;
	int big_endian;
	const char *byte_order_source;
	struct kvm_arm_dumpheader dh;
	int has_dumpheader;

	const struct container *ct;
	kvaddr_t kva_start, kva_end;	/* the VAs the container can translate */

	struct minidump md;		/* minidump container */
	struct pagemap pm;
	const struct pte_format *fmt;
	const unsigned char *ptes;	/* the PTE array, in the map or a copy */
	unsigned char *ptes_copy;
	uint64_t npte;
	struct pagetab pt;		/* minidump: the flattened translation */
	unsigned char *msgbuf_copy;	/* when the file is not mapped */
	const unsigned char *msgbuf;
	size_t msgbuf_len, msgbuf_section_len;
	char *msgbuf_text;		/* kvm_arm_msgbuf_text's last answer */
	struct elfcore *ec;		/* ELF core container */

	struct symtab *symtab;
	int (*resolver)(const char *, kvaddr_t *);
	struct unwinder *unwinder;	/* unwind.c: made on first use */
	struct thread_layout *layout;	/* threads: read on first use */
};

/* Format a one-line error into kd->errbuf (and stderr under kvm_open). */
void kvm_err(kvm_t *kd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A kernel symbol's value, through the resolver or the kernel ELF: 0 or -1. */
int kvm_symbol(kvm_t *kd, const char *name, kvaddr_t *value);

/* A 32-bit kernel word at va, in the target's byte order: 0, or -1 (kvm_err). */
int kvm_read_u32(kvm_t *kd, kvaddr_t va, uint32_t *v);

/* dumpheader.c: parse a 512-byte kerneldumpheader; 1 if buf is one. */
int dumpheader_parse(const unsigned char *buf, size_t len,
    struct kvm_arm_dumpheader *dh);

/*
 * A raw image of a whole dump partition, found as savecore finds it: by
 * the header in the device's last block and its leading copy.  1 with the
 * leading header and the payload's file offset; 0 when the file does not
 * end in a header; -1 with why when the two disagree.
 */
int dumpheader_find_trailing(const struct source *src,
    struct kvm_arm_dumpheader *dh, uint64_t *payload, char *why,
    size_t whylen);

/*
 * arm_attributes.c: Tag_CPU_arch of an .ARM.attributes section (0 pre-v4,
 * 1 v4, 2 v4T, 3 v5T, 4 v5TE, 5 v5TEJ, 6 v6, ... 10 v7), or -1 if absent.
 */
int arm_attributes_cpu_arch(const unsigned char *p, size_t n, int big_endian);

/* symtab.c: the kernel ELF. */
struct symtab *symtab_open(const char *path, int *big_endian, char *err,
    size_t errlen);
void symtab_close(struct symtab *st);
/* The kernel's Tag_CPU_arch (.ARM.attributes), or -1 when it has none. */
int symtab_cpu_arch(const struct symtab *st);
/* Why a kernel has no symbols (stripped), or NULL when it has them. */
const char *symtab_missing(const struct symtab *st);
/* 1 and the symbol's value and type when found, 0 when not. */
int symtab_lookup(const struct symtab *st, const char *name, kvaddr_t *value,
    unsigned char *type);
/*
 * The function, object or label addr falls in (mapping, section and file
 * symbols left out; a sized symbol ends at its size): 1 and its name,
 * start and size (0: unknown), or 0.  The index is built on the first call.
 */
int symtab_symbolize(struct symtab *st, kvaddr_t addr, const char **name,
    kvaddr_t *value, kvaddr_t *size);
/* len bytes of the kernel ELF's image at va (raw, target order): 1 or 0. */
int symtab_read(const struct symtab *st, kvaddr_t va, void *buf, size_t len);
/* The kernel ELF's libelf handle (DWARF readers open libdw on it). */
struct Elf;
struct Elf *symtab_elf(const struct symtab *st);

/*
 * kernel_dwarf.c: libdw on the kernel ELF, or NULL when it has no DWARF or
 * DWARF libdw would read out of bounds (dwarf_end releases it).
 */
struct Dwarf;
struct Dwarf *kernel_dwarf_begin(struct Elf *elf);

/* unwind.c: the unwinder's tables, freed by kvm_close. */
void unwinder_free(struct unwinder *u);

#endif
