/*
 * fuzz_core.c: libFuzzer target: arbitrary bytes as the core file.
 *
 * Open (no kernel ELF; a resolver for full cores), then use the handle the
 * way a debugger does: reads at kernbase, at the end of the PTE array and
 * at addresses taken from the input's last bytes, translations, the first
 * pages of the walk (the first 64 checked against a translation of their
 * VAs and against the input's bytes at their offsets), the message buffer
 * and the facts; then close.  The work per input is bounded (a fixed
 * number of reads, a capped walk), so that the fuzzer spends its time on
 * new inputs rather than on walking the same 1 GiB of KVA again: that is
 * where the parsers are.  Besides the sanitizers, the target checks the
 * API's promises: a failed open leaves a message naming the file, and a
 * read returns -1 with a reason or at most what was asked.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "kvm_arm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuzz_file core;

/* Pages of the walk per input: enough to cross table and entry kinds. */
#define WALK_PAGES	4096
/* Of those, the first pages checked against translations and bytes. */
#define CHECKED_PAGES	64
/* Reads at addresses taken from the input. */
#define INPUT_READS	8

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
read_at(kvm_t *kd, kvaddr_t va, size_t len)
{
	static unsigned char buf[3 * 4096];
	ssize_t r;

	if (len > sizeof(buf))
		len = sizeof(buf);
	r = kvm_read2(kd, va, buf, len);
	if (r > (ssize_t)len || r < -1 || (r == -1 && kvm_geterr(kd)[0] == '\0'))
		abort();
	kvm_arm_kvatop(kd, va, NULL, NULL);
}

/*
 * The walk and a translation of the same page agree (full cores walk the
 * tables their own way, ptwalk.c): same PA, same file offset, and a page
 * the walk finds in the file translates.
 */
struct walk_state {
	kvm_t *kd;
	uint64_t n;
	const uint8_t *file;	/* the core's bytes, when not compressed */
	size_t size;
};

static int
walk_cb(struct kvm_page *p, void *arg)
{
	struct walk_state *w = arg;
	kpaddr_t pa = 0;
	off_t off = 0;
	size_t left;

	if (p->kp_len != 4096 || p->kp_version != KVM_PAGE_VERSION)
		abort();
	if (w->n >= CHECKED_PAGES)
		return ++w->n < WALK_PAGES;
	left = kvm_arm_kvatop(w->kd, p->kp_kmap_vaddr, &pa, &off);
	if (p->kp_offset >= 0 && (left != 4096 || pa != p->kp_paddr ||
	    off != p->kp_offset))
		abort();
	/* kp_offset is where the page's bytes are: a read returns them. */
	if (p->kp_offset >= 0 && w->file != NULL &&
	    (uint64_t)p->kp_offset <= w->size - 16) {
		unsigned char b[16];
		if (kvm_read2(w->kd, p->kp_kmap_vaddr, b, 16) != 16 ||
		    memcmp(b, w->file + p->kp_offset, 16) != 0)
			abort();
	}
	return ++w->n < WALK_PAGES;
}

/*
 * Full ELF cores need symbols to find their page tables: a resolver stands
 * in for the kernel, with the values fuzz/seeds/elfcore-*.desc use.  The
 * input's last byte decides whether the kernel looks like an LPAE one.
 */
static int lpae;

static int
resolver(const char *name, kvaddr_t *value)
{
	if (strcmp(name, "kernel_l1pa") == 0 ||
	    (lpae && strcmp(name, "kernel_lpae_l1pa") == 0))
		*value = 0xc0001100;
	else if (strcmp(name, "kernbase") == 0)
		*value = 0xc0000000;
	else if (strcmp(name, "physaddr") == 0)
		*value = 0;
	else
		return -1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[_POSIX2_LINE_MAX];
	const char *path = fuzz_file_put(&core, "core", data, size);
	struct kvm_arm_info info;
	struct kvm_arm_dumpheader dh;
	struct walk_state ws;
	size_t len;
	kvm_t *kd;

	err[0] = '\0';
	lpae = size > 0 && (data[size - 1] & 1);
	kd = kvm_open2(NULL, path, O_RDONLY, err, resolver);
	if (kd == NULL) {
		if (err[0] == '\0' || strstr(err, path) == NULL)
			abort();	/* an error must say which file */
		return 0;
	}
	memset(&info, 0, sizeof(info));
	kvm_arm_info(kd, &info);
	kvm_arm_dumpheader(kd, &dh);
	kvm_arm_msgbuf(kd, &len, NULL);
	read_at(kd, info.kernbase, 4);
	read_at(kd, info.kernbase + 4090, 8192);	/* across pages */
	read_at(kd, info.kva_end - 4, 8);		/* off the end */
	/* Addresses and lengths from the input's last bytes. */
	for (size_t i = 0; i + 8 <= 8 * INPUT_READS && i + 8 <= size; i += 8) {
		const uint8_t *p = data + size - 8 - i;
		read_at(kd, le32(p), le32(p + 4) % 12289);
	}
	ws.kd = kd;
	ws.n = 0;
	ws.file = size >= 16 && info.compression != NULL &&
	    strcmp(info.compression, "none") == 0 ? data : NULL;
	ws.size = size;
	kvm_walk_pages(kd, walk_cb, &ws);
	/* The message buffer as dmesg prints it. */
	kvm_arm_msgbuf_text(kd, &len, NULL, 0);
	kvm_close(kd);
	return 0;
}
