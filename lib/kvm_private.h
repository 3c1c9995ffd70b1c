/*
 * kvm_private.h: the handle behind kvm_t and the pieces it is made of.
 *
 * Data flows: source (the file's bytes) -> container (minidump: sections,
 * page map) -> PTE format (one entry -> PA, size, prot) -> the public calls
 * in kvm.c.  Symbols come from the kernel ELF (symtab.c).
 */
#ifndef KVM_ARM_PRIVATE_H
#define KVM_ARM_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>

#include "kvm_arm.h"
#include "pagemap.h"
#include "pte.h"
#include "source.h"

#define KVM_PAGE_SIZE	4096u
#define KVM_PAGE_MASK	(KVM_PAGE_SIZE - 1)

struct symtab;

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

	struct minidump md;
	struct pagemap pm;
	const struct pte_format *fmt;
	const unsigned char *ptes;	/* the PTE array, in the map or a copy */
	unsigned char *ptes_copy;
	uint64_t npte;
	unsigned char *msgbuf_copy;	/* when the file is not mapped */
	const unsigned char *msgbuf;
	size_t msgbuf_len, msgbuf_section_len;

	struct symtab *symtab;
	int (*resolver)(const char *, kvaddr_t *);
};

/* Format a one-line error into kd->errbuf (and stderr under kvm_open). */
void kvm_err(kvm_t *kd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* minidump.c: parse the container in kd->src (sections, page map, PTEs). */
int minidump_open(kvm_t *kd);
void minidump_close(kvm_t *kd);
/* Point the handle at a PTE format; checks ptesize fits its entries. */
int minidump_set_format(kvm_t *kd, const struct pte_format *fmt);

/* dumpheader.c: parse a 512-byte kerneldumpheader; 1 if buf is one. */
int dumpheader_parse(const unsigned char *buf, size_t len,
    struct kvm_arm_dumpheader *dh);

/* symtab.c: the kernel ELF. */
struct symtab *symtab_open(const char *path, int *big_endian, char *err,
    size_t errlen);
void symtab_close(struct symtab *st);
/* Why a kernel has no symbols (stripped), or NULL when it has them. */
const char *symtab_missing(const struct symtab *st);
/* 1 and the symbol's value and type when found, 0 when not. */
int symtab_lookup(const struct symtab *st, const char *name, kvaddr_t *value,
    unsigned char *type);

#endif
