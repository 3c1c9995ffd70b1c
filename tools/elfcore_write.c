/*
 * elfcore_write.c: the ELF32 ARM core writer (see elfcore_write.h).
 *
 * Every field is stored byte by byte in the target's byte order, so the
 * core is the same whatever the host.  Layout:
 *
 *   ELF header | program headers (PT_NOTE, then the PT_LOADs as added) |
 *   [section header 0, when there are 0xffff or more program headers] |
 *   notes | padding to 4 KiB | segment data, in key order
 *
 * ELF's e_phnum is 16 bits: a dump whose kernel memory is scattered over
 * physical pages can need more segments than that, and then e_phnum holds
 * PN_XNUM and the true count is in section header 0's sh_info (the gABI's
 * extended numbering, which Linux cores use and BFD reads).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfcore_write.h"
#include "target_order.h"

#define EHDR_SIZE	52
#define PHDR_SIZE	32
#define SHDR_SIZE	40
#define PN_XNUM		0xffff

#define ET_CORE		4
#define EM_ARM		40
#define EF_ARM_EABI5	0x05000000u
#define PT_LOAD		1
#define PT_NOTE		4
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define NT_PRSTATUS	1
#define NT_PRPSINFO	3

/* Linux's ARM struct elf_prstatus and elf_prpsinfo, as gdb reads them. */
#define PRSTATUS_SIZE	148
#define PRSTATUS_CURSIG	12	/* u16 */
#define PRSTATUS_PID	24
#define PRSTATUS_REG	72	/* r0..r15, cpsr, orig_r0 */
#define PRPSINFO_SIZE	124
#define PRPSINFO_SNAME	1
#define PRPSINFO_PID	12
#define PRPSINFO_FNAME	28	/* char[16] */
#define PRPSINFO_ARGS	44	/* char[80] */

/*
 * LLDB reads a core's notes only for an OS it knows, and learns the OS of
 * an EI_OSABI 0 core from a note owned by "LINUX" (Linux cores have some
 * for the FP registers).  One empty note of a type no reader defines says
 * "Linux layout" to LLDB and nothing to gdb or drgn, which ignore unknown
 * types.
 */
#define NT_KVM_ARM_LINUX_LAYOUT	0x4b564d4c	/* "KVML" */
#define MARKER_SIZE	(12 + 8)		/* "LINUX\0" padded to 8 */

#define DATA_ALIGN	4096u
#define WRITE_CHUNK	(1u << 20)

static uint64_t
round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

void
ecore_init(struct ecore *e, int big_endian)
{
	memset(e, 0, sizeof(*e));
	e->big_endian = big_endian;
	e->fd = -1;
}

void
ecore_free(struct ecore *e)
{
	free(e->loads);
	free(e->notes);
	free(e->order);
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

int
ecore_add_load(struct ecore *e, uint64_t vaddr, uint64_t paddr,
    uint64_t size, unsigned int prot, uint64_t key)
{
	if (e->nloads == e->loadcap) {
		size_t cap = e->loadcap ? e->loadcap * 2 : 256;
		struct ecore_load *n = realloc(e->loads, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		e->loads = n;
		e->loadcap = cap;
	}
	e->loads[e->nloads++] = (struct ecore_load){
		.vaddr = vaddr, .paddr = paddr, .size = size, .prot = prot,
		.key = key,
	};
	return 0;
}

int
ecore_add_note(struct ecore *e, const char *name, uint32_t type,
    const void *desc, size_t len)
{
	size_t namesz = strlen(name) + 1;
	size_t need = 12 + round_up(namesz, 4) + round_up(len, 4);
	unsigned char *p;

	if (len > UINT32_MAX - 3)
		return -1;
	if (e->noteslen + need > e->notescap) {
		size_t cap = e->notescap ? e->notescap : 4096;
		unsigned char *n;

		while (cap < e->noteslen + need)
			cap *= 2;
		if ((n = realloc(e->notes, cap)) == NULL)
			return -1;
		e->notes = n;
		e->notescap = cap;
	}
	p = e->notes + e->noteslen;
	memset(p, 0, need);
	target_put32(p, (uint32_t)namesz, e->big_endian);
	target_put32(p + 4, (uint32_t)len, e->big_endian);
	target_put32(p + 8, type, e->big_endian);
	memcpy(p + 12, name, namesz);
	if (len > 0)
		memcpy(p + 12 + round_up(namesz, 4), desc, len);
	e->noteslen += need;
	return 0;
}

int
ecore_add_prstatus(struct ecore *e, int32_t tid, unsigned int cursig,
    const struct kvm_arm_regs *regs, uint32_t cpsr_default)
{
	unsigned char d[PRSTATUS_SIZE];
	int be = e->big_endian;

	memset(d, 0, sizeof(d));
	target_put16(d + PRSTATUS_CURSIG, cursig, be);
	target_put32(d + PRSTATUS_PID, (uint32_t)tid, be);
	for (int i = 0; i < 16; i++)
		target_put32(d + PRSTATUS_REG + 4 * i,
		    (regs->valid >> i & 1) ? regs->r[i] : 0, be);
	target_put32(d + PRSTATUS_REG + 4 * 16,
	    (regs->valid >> KVM_ARM_REG_CPSR & 1) ? regs->cpsr : cpsr_default,
	    be);
	/* orig_r0 (word 17) and pr_fpvalid stay 0. */
	return ecore_add_note(e, "CORE", NT_PRSTATUS, d, sizeof(d));
}

int
ecore_add_prpsinfo(struct ecore *e, int32_t pid, const char *fname,
    const char *args)
{
	unsigned char d[PRPSINFO_SIZE];

	memset(d, 0, sizeof(d));
	d[PRPSINFO_SNAME] = 'R';
	target_put32(d + PRPSINFO_PID, (uint32_t)pid, e->big_endian);
	/* gdb compares pr_fname, read as up to 16 bytes, with the exec. */
	memcpy(d + PRPSINFO_FNAME, fname, strnlen(fname, 16));
	memcpy(d + PRPSINFO_ARGS, args, strnlen(args, 79));
	return ecore_add_note(e, "CORE", NT_PRPSINFO, d, sizeof(d));
}

static size_t
phdr_count(const struct ecore *e)
{
	return 1 + e->nloads;
}

static uint64_t
notes_offset(const struct ecore *e)
{
	uint64_t off = EHDR_SIZE + (uint64_t)phdr_count(e) * PHDR_SIZE;

	return phdr_count(e) >= PN_XNUM ? off + SHDR_SIZE : off;
}

static uint64_t
notes_size(const struct ecore *e)
{
	return MARKER_SIZE + e->noteslen;
}

uint64_t
ecore_header_size(const struct ecore *e)
{
	return notes_offset(e) + notes_size(e);
}

uint64_t
ecore_total_size(const struct ecore *e)
{
	uint64_t n = round_up(ecore_header_size(e), DATA_ALIGN);

	for (size_t i = 0; i < e->nloads; i++)
		n += e->loads[i].size;
	return n;
}

static const struct ecore_load *sort_loads;

static int
by_key(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t ki = sort_loads[i].key, kj = sort_loads[j].key;

	if (ki != kj)
		return ki < kj ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* The segments' file offsets: data in key order after the notes. */
static size_t *
assign_offsets(struct ecore *e)
{
	size_t *order = malloc((e->nloads ? e->nloads : 1) * sizeof(*order));
	uint64_t off = round_up(ecore_header_size(e), DATA_ALIGN);

	if (order == NULL)
		return NULL;
	for (size_t i = 0; i < e->nloads; i++)
		order[i] = i;
	sort_loads = e->loads;
	qsort(order, e->nloads, sizeof(*order), by_key);
	for (size_t i = 0; i < e->nloads; i++) {
		e->loads[order[i]].offset = off;
		off += e->loads[order[i]].size;
	}
	return order;
}

static void
put_phdr(unsigned char *p, uint32_t type, uint64_t off, uint64_t vaddr,
    uint64_t paddr, uint64_t size, uint32_t flags, uint32_t align, int be)
{
	target_put32(p, type, be);
	target_put32(p + 4, (uint32_t)off, be);
	target_put32(p + 8, (uint32_t)vaddr, be);
	target_put32(p + 12, (uint32_t)paddr, be);
	target_put32(p + 16, (uint32_t)size, be);	/* p_filesz */
	target_put32(p + 20, (uint32_t)size, be);	/* p_memsz */
	target_put32(p + 24, flags, be);
	target_put32(p + 28, align, be);
}

static uint32_t
pflags(unsigned int prot)
{
	return ((prot & KVM_PROT_READ) ? PF_R : 0) |
	    ((prot & KVM_PROT_WRITE) ? PF_W : 0) |
	    ((prot & KVM_PROT_EXECUTE) ? PF_X : 0);
}

/* ELF header, program headers, section header 0 if needed, notes. */
static unsigned char *
build_header(const struct ecore *e, size_t *len)
{
	int be = e->big_endian;
	size_t nph = phdr_count(e);
	uint64_t notes = notes_offset(e);
	unsigned char *h = calloc(1, (size_t)ecore_header_size(e));
	unsigned char *p;

	if (h == NULL)
		return NULL;
	memcpy(h, "\177ELF", 4);
	h[4] = 1;			/* ELFCLASS32 */
	h[5] = be ? 2 : 1;		/* ELFDATA2MSB / 2LSB */
	h[6] = 1;			/* EV_CURRENT */
	h[7] = 0;			/* ELFOSABI_NONE: see the header */
	target_put16(h + 16, ET_CORE, be);
	target_put16(h + 18, EM_ARM, be);
	target_put32(h + 20, 1, be);		/* e_version */
	target_put32(h + 28, EHDR_SIZE, be);	/* e_phoff */
	target_put32(h + 36, EF_ARM_EABI5, be);
	target_put16(h + 40, EHDR_SIZE, be);
	target_put16(h + 42, PHDR_SIZE, be);
	if (nph >= PN_XNUM) {
		target_put16(h + 44, PN_XNUM, be);
		target_put32(h + 32, (uint32_t)(notes - SHDR_SIZE), be); /* e_shoff */
		target_put16(h + 46, SHDR_SIZE, be);
		target_put16(h + 48, 1, be);	/* e_shnum */
		/* Section header 0 (SHT_NULL): sh_info is the count. */
		target_put32(h + notes - SHDR_SIZE + 28, (uint32_t)nph, be);
	} else {
		target_put16(h + 44, (uint32_t)nph, be);
	}

	p = h + EHDR_SIZE;
	put_phdr(p, PT_NOTE, notes, 0, 0, notes_size(e), PF_R, 4, be);
	for (size_t i = 0; i < e->nloads; i++) {
		const struct ecore_load *l = &e->loads[i];

		p += PHDR_SIZE;
		/* An LPAE PA past 4 GiB does not fit ELF32: 0, "unknown". */
		put_phdr(p, PT_LOAD, l->offset, l->vaddr,
		    l->paddr > UINT32_MAX ? 0 : l->paddr, l->size,
		    pflags(l->prot), DATA_ALIGN, be);
	}
	target_put32(h + notes, 6, be);
	target_put32(h + notes + 4, 0, be);
	target_put32(h + notes + 8, NT_KVM_ARM_LINUX_LAYOUT, be);
	memcpy(h + notes + 12, "LINUX", 6);
	if (e->noteslen > 0)
		memcpy(h + notes + MARKER_SIZE, e->notes, e->noteslen);
	*len = (size_t)ecore_header_size(e);
	return h;
}

/* pwrite(2) all of buf at off; 0, or -1 with errno set. */
static int
pwrite_all(int fd, const unsigned char *buf, size_t len, uint64_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int
write_error(char *err, size_t errlen)
{
	snprintf(err, errlen, "writing the core: %s", strerror(errno));
	return -1;
}

/* Write the buffered bytes out; 0 or -1 (errno). */
static int
flush(struct ecore *e)
{
	int rc = pwrite_all(e->fd, e->buf, e->buflen, e->bufoff);

	e->bufoff += e->buflen;
	e->buflen = 0;
	return rc;
}

int
ecore_begin(struct ecore *e, int fd, char *err, size_t errlen)
{
	unsigned char *hdr;
	size_t hlen;
	int rc;

	if (ecore_total_size(e) > UINT32_MAX) {
		snprintf(err, errlen, "the core would pass 4 GiB, more than "
		    "ELF32 offsets can address");
		return -1;
	}
	free(e->order);
	if ((e->order = assign_offsets(e)) == NULL ||
	    (hdr = build_header(e, &hlen)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (e->buf == NULL && (e->buf = malloc(WRITE_CHUNK)) == NULL) {
		free(hdr);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->fd = fd;
	e->buflen = 0;
	e->bufoff = round_up(hlen, DATA_ALIGN);
	e->written = 0;
	/* The gap up to the data stays a hole: zeros when read back. */
	rc = pwrite_all(fd, hdr, hlen, 0);
	free(hdr);
	return rc == 0 ? 0 : write_error(err, errlen);
}

int
ecore_put(struct ecore *e, uint64_t off, const void *data, size_t len,
    char *err, size_t errlen)
{
	/* Bytes that continue the buffer join it; others flush it first. */
	if (off != e->bufoff + e->buflen && e->buflen > 0 && flush(e) != 0)
		return write_error(err, errlen);
	if (e->buflen == 0)
		e->bufoff = off;
	while (len > 0) {
		size_t n = WRITE_CHUNK - e->buflen;

		if (n > len)
			n = len;
		memcpy(e->buf + e->buflen, data, n);
		e->buflen += n;
		e->written += n;
		data = (const unsigned char *)data + n;
		len -= n;
		if (e->buflen == WRITE_CHUNK && flush(e) != 0)
			return write_error(err, errlen);
	}
	return 0;
}

int
ecore_end(struct ecore *e, char *err, size_t errlen)
{
	uint64_t want = 0;

	if (e->buflen > 0 && flush(e) != 0)
		return write_error(err, errlen);
	for (size_t i = 0; i < e->nloads; i++)
		want += e->loads[i].size;
	if (e->written != want) {
		snprintf(err, errlen, "%llu bytes of segment data written, "
		    "%llu expected", (unsigned long long)e->written,
		    (unsigned long long)want);
		return -1;
	}
	/* A core whose last segment is empty still ends where it says. */
	if (ftruncate(e->fd, (off_t)ecore_total_size(e)) != 0)
		return write_error(err, errlen);
	return 0;
}
