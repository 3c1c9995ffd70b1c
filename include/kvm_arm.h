/*
 * kvm_arm.h: read FreeBSD/arm kernel crash dumps on any host.
 *
 * The first half of this header is FreeBSD's libkvm API (kvm(3)) with the
 * same names, types and semantics; <kvm.h> (installed beside it) brings it
 * in with kvm_nlist, so code written for FreeBSD's <kvm.h> that uses these
 * calls compiles unchanged.  The second half (kvm_arm_*) is what only this
 * library offers: translation details, a walk of the dumped pages in file
 * order, the dump's facts and its message buffer, the kernel's threads and
 * its panic, symbols of addresses, backtraces and source lines.
 * kvm_arm(3) documents every call.
 */
#ifndef KVM_ARM_H
#define KVM_ARM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t kvaddr_t;	/* kernel virtual address of the target */
typedef uint64_t kpaddr_t;	/* physical address of the target (40 bits with LPAE) */
typedef int64_t kssize_t;	/* as FreeBSD's <kvm.h> */

/*
 * File offsets (struct kvm_page, kvm_arm_kvatop) are off_t, as in libkvm,
 * where off_t is always 64 bits.  On 32-bit hosts build with
 * -D_FILE_OFFSET_BITS=64 (pkg-config's --cflags says so), or a 4-byte off_t
 * would not match the library's.
 */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(off_t) == 8,
    "libkvm_arm needs a 64-bit off_t: build with -D_FILE_OFFSET_BITS=64");
#endif

typedef struct __kvm kvm_t;

/* errbuf passed to kvm_open2()/kvm_openfiles() must hold this many bytes. */
#ifndef _POSIX2_LINE_MAX
#define _POSIX2_LINE_MAX 2048
#endif

/* ---- libkvm's API ------------------------------------------------------ */

/*
 * Open a crash dump.  execfile is the kernel ELF (may be NULL: the byte
 * order then comes from the dump and kvm_nlist2 needs a resolver).  flags
 * is O_RDONLY or, as libkvm allows, O_RDWR, which opens an uncompressed
 * core read-write for kvm_write (a compressed one is refused).  A FIFO,
 * socket or device is refused before it is opened.  On failure NULL is
 * returned and errbuf (if not NULL) holds a one-line reason.
 */
kvm_t *kvm_open2(const char *execfile, const char *corefile, int flags,
    char *errbuf, int (*resolver)(const char *, kvaddr_t *));
kvm_t *kvm_openfiles(const char *execfile, const char *corefile,
    const char *swapfile, int flags, char *errbuf);
/* Like kvm_openfiles, but errors go to stderr prefixed with errstr. */
kvm_t *kvm_open(const char *execfile, const char *corefile,
    const char *swapfile, int flags, const char *errstr);
int kvm_close(kvm_t *kd);
char *kvm_geterr(kvm_t *kd);

/*
 * Read len bytes of kernel virtual memory.  Returns len, or fewer bytes when
 * the core is truncated, or -1 (reason in kvm_geterr) when any address in
 * the range does not translate, or buf is NULL and len is not 0.
 */
ssize_t kvm_read2(kvm_t *kd, kvaddr_t kva, void *buf, size_t len);
ssize_t kvm_read(kvm_t *kd, unsigned long kva, void *buf, size_t len);
/*
 * Write len bytes at kva into the core (opened O_RDWR): len, or -1 and
 * nothing written when any page of the range does not translate.  -1 on a
 * core opened O_RDONLY.
 */
ssize_t kvm_write(kvm_t *kd, unsigned long kva, const void *buf, size_t len);

struct kvm_nlist {
	const char *n_name;
	unsigned char n_type;
	kvaddr_t n_value;
};

/* a.out symbol types, as libkvm reports them in n_type */
#ifndef N_UNDF
#define N_UNDF	0x00
#define N_ABS	0x02
#define N_TEXT	0x04
#define N_DATA	0x06
#define N_BSS	0x08
#define N_COMM	0x12
#define N_FN	0x1f
#define N_EXT	0x01
#endif

/*
 * Look up the names of a list that ends at a NULL or empty n_name.  Returns
 * the number of names not found (their n_type and n_value become 0), or -1
 * on error.
 */
int kvm_nlist2(kvm_t *kd, struct kvm_nlist *nl);

kssize_t kvm_kerndisp(kvm_t *kd);	/* 0: arm kernels are not relocated */
int kvm_native(kvm_t *kd);	/* 1 only on an arm host of the dump's byte order */

#define KVM_PAGE_VERSION	2
#define LIBKVM_WALK_PAGES_VERSION KVM_PAGE_VERSION
#define KVM_PROT_READ		1
#define KVM_PROT_WRITE		2
#define KVM_PROT_EXECUTE	4

struct kvm_page {
	unsigned int kp_version;	/* KVM_PAGE_VERSION */
	kpaddr_t kp_paddr;		/* physical address of this 4 KiB page */
	kvaddr_t kp_kmap_vaddr;		/* its kernel virtual address */
	kvaddr_t kp_dmap_vaddr;		/* 0: arm has no direct map */
	unsigned char kp_prot;		/* KVM_PROT_* */
	off_t kp_offset;		/* file offset, or -1 when not dumped
					   (in the uncompressed stream for a
					   gzip or zstd core) */
	size_t kp_len;			/* 4096 */
};

typedef int kvm_walk_pages_cb_t(struct kvm_page *, void *);

/*
 * Call cb once per valid page-table entry in VA order.  Stops when cb
 * returns 0.  Returns 1 when every entry was visited, 0 otherwise.
 */
int kvm_walk_pages(kvm_t *kd, kvm_walk_pages_cb_t *cb, void *arg);

/* ---- libkvm_arm extensions --------------------------------------------- */

/*
 * Whole-dump work in the order the bytes are stored: call cb once per
 * dumped page (a valid page-table entry whose 4 KiB page is complete in
 * the dump) in increasing kp_offset, with data pointing at the page's
 * kp_len bytes.  data is valid until cb returns; on an uncompressed core it
 * points into the mapped file, so nothing is copied.  A page mapped at
 * several VAs comes once per VA (in VA order).  Reading in file order is
 * what makes this fast on a gzip core: one pass of decompression, where
 * kvm_walk_pages plus kvm_read2 would restart it for nearly every page.
 * Returns 1 when every page was visited, 0 when cb returned 0, -1 (reason
 * in kvm_geterr) when the dump could not be read.
 */
typedef int kvm_arm_page_data_cb_t(const struct kvm_page *, const void *data,
    void *arg);
int kvm_arm_walk_pages_fileorder(kvm_t *kd, kvm_arm_page_data_cb_t *cb,
    void *arg);

/* mmuformat values of the minidump header */
#define KVM_ARM_MMU_UNKNOWN	0	/* old v1 dumps: read as v6/v7 */
#define KVM_ARM_MMU_V4		1	/* ARMv4/v5 */
#define KVM_ARM_MMU_V6		2	/* ARMv6/v7 short descriptor */
#define KVM_ARM_MMU_LPAE	3	/* ARMv7 long descriptor (this project's format) */

/*
 * Translate va.  Fills *pa with its physical address and *off with its file
 * offset in the core (in the uncompressed stream for a gzip or zstd core;
 * -1 when the page is mapped but not in the dump, and the call then still
 * fails).  Returns the bytes left in va's 4 KiB page (> 0), or 0 with the
 * reason in kvm_geterr.  pa and off may be NULL.
 */
size_t kvm_arm_kvatop(kvm_t *kd, kvaddr_t va, kpaddr_t *pa, off_t *off);

/*
 * Decode the dump's page tables as another PTE format than its header says
 * (old ARMv4/v5 kernels wrote mmuformat 0, which defaults to v6/v7).
 * Returns 0, or -1 with the reason in kvm_geterr.
 */
int kvm_arm_set_mmuformat(kvm_t *kd, unsigned int mmuformat);

struct kvm_arm_range {
	kpaddr_t start;		/* first byte */
	kpaddr_t end;		/* one past the last byte */
};

struct kvm_arm_info {
	const char *container;		/* "minidump" or "ELF core" */
	unsigned int version;		/* minidump version: 1 or 2 */
	unsigned int layout_version;	/* 1 for a v2 header with dumpavailsize 0 */
	unsigned int mmuformat;		/* the header's tag (ELF core: the
					   kernel's format, 0 when assumed) */
	unsigned int mmuformat_used;	/* the PTE format decoding this dump */
	const char *mmuformat_name;	/* "v4", "v6", "lpae" */
	unsigned int arch;		/* __ARM_ARCH of the kernel, 0 if unknown */
	int big_endian;			/* target byte order */
	const char *byte_order_source;	/* "kernel ELF" or "dump header" */
	kvaddr_t kernbase;		/* first VA of the PTE array */
	kvaddr_t kva_end;		/* one past its last VA */
	uint64_t pte_count;		/* entries in the PTE array */
	unsigned int pte_size;		/* bytes per entry: 4 or 8 */
	uint64_t msgbuf_size;		/* the header's msgbufsize */
	uint64_t bitmap_bits;		/* physical pages the bitmap describes */
	uint64_t pages_dumped;		/* set bits in the bitmap */
	uint64_t pages_present;		/* of those, complete in the file */
	const struct kvm_arm_range *ranges; /* physical ranges the bitmap numbers */
	size_t nranges;
	uint64_t msgbuf_offset;		/* file offsets of the sections */
	uint64_t dumpavail_offset;	/* 0 in version 1 layout */
	uint64_t bitmap_offset;
	uint64_t pte_offset;
	uint64_t page_data_offset;	/* where page data starts */
	int page_data_rounded;		/* 1: after a page-rounded PTE array */
	int page_data_chosen_by_size;	/* 1: the file size picked that start */
	uint64_t file_size;		/* bytes of the dump (uncompressed payload) */
	uint64_t expected_size;		/* bytes a complete dump would have */
	int truncated;			/* file shorter than expected_size */
	uint64_t payload_offset;	/* where the dump starts in the file:
					   a device block (512 bytes, or the
					   header's blocksize) past a dump
					   device header, else 0 */
	const char *compression;	/* "none", "gzip" or "zstd" */
	uint64_t stored_size;		/* bytes of the payload in the file
					   (compressed, when compression is
					   not "none"; file_size is then the
					   uncompressed size) */
	const char *mmuformat_source;	/* where mmuformat comes from: "the dump
					   header", or for an ELF core the
					   kernel's .ARM.attributes, its LPAE
					   root symbol, or "assumed: ..." */
};

/* Fill *info with the dump's facts.  Returns 0, or -1 on a NULL argument. */
int kvm_arm_info(kvm_t *kd, struct kvm_arm_info *info);

/*
 * The minidump's raw message-buffer section.  *len gets the header's
 * msgbufsize (less when the file is truncated): the ring as the kernel left
 * it, not yet put in order.  *section_len (may be NULL) gets the bytes of
 * the whole page-rounded section present in the file; past msgbufsize the
 * kernel usually left its struct msgbuf.  NULL with the reason in
 * kvm_geterr when the section is empty or missing.
 */
const void *kvm_arm_msgbuf(kvm_t *kd, size_t *len, size_t *section_len);

/*
 * The message buffer as text, oldest first, as dmesg(8) prints it: the ring
 * put in order at its write position, the NULs of a ring that has not
 * wrapped dropped (other bytes as they are: escaping is the caller's).  The
 * position comes from the kernel's msgbufp when a kernel ELF is open, else
 * from the struct msgbuf the minidump's section usually holds after the
 * ring.  Returns the text (*len bytes, then a NUL; valid until the next
 * call or kvm_close), or NULL (kvm_geterr).  why (whylen bytes, may be
 * NULL) gets "" or a line naming the file that says why the text is less
 * sure: msgbufp was unusable, or no struct told the position (text as
 * stored).
 */
const char *kvm_arm_msgbuf_text(kvm_t *kd, size_t *len, char *why,
    size_t whylen);

/*
 * The 512-byte kerneldumpheader a file copied raw off the dump device
 * starts with (savecore strips it from vmcore.N).
 */
struct kvm_arm_dumpheader {
	char magic[21];		/* "FreeBSD Kernel Dump", ... */
	char architecture[13];	/* "armv7", ... */
	uint32_t version;	/* 4 */
	uint32_t architectureversion;
	uint64_t dumplength;	/* payload bytes (compressed length if compressed) */
	uint64_t dumptime;	/* seconds since the epoch */
	uint32_t dumpkeysize;
	uint32_t blocksize;
	char hostname[65];
	char versionstring[193];
	char panicstring[176];
	unsigned int compression; /* 0 none, 1 gzip, 2 zstd */
	uint64_t dumpextent;
	int parity_ok;		/* XOR of the header's words is 0 */
};

/*
 * Fill *dh from the dump-device header.  Returns 1 when the file had one,
 * 0 when it did not (a vmcore.N as savecore writes it), -1 on NULL args.
 */
int kvm_arm_dumpheader(kvm_t *kd, struct kvm_arm_dumpheader *dh);

/* ---- kernel threads (kvm_arm_walk_threads) ----------------------------- */

/*
 * Registers as saved in a pcb or a trapframe.  r[13] is sp, r[14] lr, r[15]
 * pc.  Bit n of valid says r[n] is known (a pcb saves r4..r12, sp, lr, pc;
 * a trapframe r0..r15); bit 16 says cpsr is.
 */
struct kvm_arm_regs {
	uint32_t r[16];
	uint32_t cpsr;
	uint32_t valid;
};
#define KVM_ARM_REG_CPSR	16
#define KVM_ARM_REGS_PCB	0x0000fff0u	/* r4..r15 */
#define KVM_ARM_REGS_ALL	0x0001ffffu	/* r0..r15 and cpsr */

/* Which pcb a thread's registers come from (kgdb's rule, in this order). */
#define KVM_ARM_PCB_DUMPPCB	0	/* the crashed thread: dumppcb */
#define KVM_ARM_PCB_STOPPCBS	1	/* on a CPU stopped by IPI: stoppcbs[cpu] */
#define KVM_ARM_PCB_TD_PCB	2	/* else its last context switch: td_pcb */

struct kvm_arm_thread {
	int pid;			/* p_pid */
	int tid;			/* td_tid */
	char comm[20];			/* p_comm, NUL-terminated */
	char name[20];			/* td_name, NUL-terminated */
	int oncpu;			/* td_oncpu, -1 (NOCPU) when on none */
	int crashed;			/* td_tid == dumptid */
	int zombie;			/* found on zombproc */
	kvaddr_t proc;			/* struct proc */
	kvaddr_t thread;		/* struct thread */
	kvaddr_t pcb;			/* the pcb the registers come from */
	int pcb_kind;			/* KVM_ARM_PCB_* */
	const char *pcb_name;		/* "dumppcb", "stoppcbs", "td_pcb" */
	struct kvm_arm_regs regs;	/* from that pcb; 0 valid when unreadable */
};

typedef int kvm_arm_thread_cb_t(const struct kvm_arm_thread *, void *);

/*
 * Call cb once per kernel thread: allproc's processes in list order (then
 * zombproc's, when the kernel has it), each process's threads in p_threads
 * order.  Struct offsets come from the kernel's exported proc_off_* /
 * thread_off_* / pcb_size variables, else from the kernel ELF's DWARF.
 * Returns 1 when every list was walked to its end; 0 when cb returned 0
 * (kvm_geterr is then "") or when a list was damaged: cut, looped, or
 * pointing outside the dump (that list ends there; the other lists are
 * still walked; kvm_geterr names the first damaged address); -1 when no
 * walk is possible (no kernel ELF, no allproc or dumppcb, no offsets:
 * kvm_geterr says what is missing).
 */
int kvm_arm_walk_threads(kvm_t *kd, kvm_arm_thread_cb_t *cb, void *arg);

/* What the kernel left about its panic. */
struct kvm_arm_panic {
	int panicked;			/* panicstr was not NULL */
	char panicstr[256];		/* the message ("" when none) */
	char version[256];		/* the kernel's version string, trimmed */
	int dumptid;			/* the crashed thread's tid, -1 if unknown */
};

/* Fill *p from panicstr, version and dumptid.  0, or -1 (kvm_geterr). */
int kvm_arm_panic(kvm_t *kd, struct kvm_arm_panic *p);

/* ---- symbols and backtraces ------------------------------------------- */

/*
 * The kernel symbol addr falls in: *name (valid until kvm_close) and
 * *offset from its start.  Returns 1 when found, 0 when not.
 */
int kvm_arm_symbolize(kvm_t *kd, kvaddr_t addr, const char **name,
    kvaddr_t *offset);

struct kvm_arm_frame {
	unsigned int level;		/* 0: innermost */
	kvaddr_t pc, sp;
	const char *function;		/* symbol of pc, NULL when unknown */
	kvaddr_t offset;		/* pc - function */
	int trapframe;			/* reached through a trapframe */
	kvaddr_t trapframe_addr;	/* its address when trapframe is 1 */
	const char *trapframe_kind;	/* "data abort", "irq", ... */
	struct kvm_arm_regs regs;	/* this frame's registers, as known */
};

typedef int kvm_arm_frame_cb_t(const struct kvm_arm_frame *, void *);

/*
 * Unwind from the registers of a thread (or any register set with pc and
 * sp valid), through .ARM.exidx/.ARM.extab, DWARF CFI where a function has
 * no EHABI entry, and trapframes.  cb gets each frame, innermost first,
 * until it returns 0.  why (whylen bytes, may be NULL) gets the reason the
 * unwind ended ("zero pc", "... sp did not move (0x...), a loop", ...).
 * Returns the number of frames given to cb, or -1 (kvm_geterr) when nothing
 * could be.
 */
int kvm_arm_unwind(kvm_t *kd, const struct kvm_arm_regs *regs,
    kvm_arm_frame_cb_t *cb, void *arg, char *why, size_t whylen);

/*
 * The source file and line of pc from the kernel ELF's DWARF line table.
 * Returns 1 and *file (valid until kvm_close) and *line, or 0 when unknown.
 */
int kvm_arm_srcline(kvm_t *kd, kvaddr_t pc, const char **file, int *line);

#ifdef __cplusplus
}
#endif

#endif /* KVM_ARM_H */
