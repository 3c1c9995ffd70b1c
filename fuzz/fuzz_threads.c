/*
 * fuzz_threads.c: libFuzzer target for the parsers of a crash's own data:
 * the proc and thread lists, the pcbs, the panic string, the unwinder's
 * EHABI tables and the stacks and trapframes it walks.
 *
 * An input is a dump of the qemu-run fixture kernel, mutated, behind a
 * small header that picks the kernel and may mutate its unwind tables:
 *
 *   byte 0       bit 0: the big-endian kernel (threads-be) else the
 *                little-endian one; bit 1: patch the kernel
 *   bytes 1-4    with bit 1: the patch's offset into .ARM.exidx followed by
 *                .ARM.extab (16 bits, target order irrelevant: a byte
 *                position) and its length (16 bits, at most 256)
 *   then         the patch bytes (XORed in), then the core
 *
 * Every thread is listed and unwound; besides the sanitizers, the target
 * checks the API's promises: a walk or an unwind that fails says why, a
 * frame has a pc and the unwind is bounded.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "kvm_arm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_THREADS	64
#define MAX_FRAMES	300	/* above the unwinder's own depth limit */
#define MAX_PATCH	256

struct kernel {
	const char *path;
	unsigned char *bytes;
	size_t size;
	size_t tab_off[2], tab_len[2];	/* .ARM.exidx, .ARM.extab in the file */
};

static struct kernel kernels[2] = {
	{ .path = "fixtures/threads-le.kernel" },
	{ .path = "fixtures/threads-be.kernel" },
};
static struct fuzz_file core_file, kernel_file;
static unsigned char *patched;

static void
load_kernel(struct kernel *k)
{
	FILE *f = fopen(k->path, "rb");
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
		perror(k->path);
		abort();
	}
	k->size = (size_t)ftell(f);
	rewind(f);
	k->bytes = malloc(k->size);
	if (k->bytes == NULL || fread(k->bytes, 1, k->size, f) != k->size)
		abort();
	fclose(f);
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)k->bytes, k->size);
	if (elf == NULL || elf_getshdrstrndx(elf, &shstrndx) != 0)
		abort();
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL)
			continue;
		for (int t = 0; t < 2; t++) {
			if (strcmp(name, t ? ".ARM.extab" : ".ARM.exidx") == 0) {
				k->tab_off[t] = sh.sh_offset;
				k->tab_len[t] = sh.sh_size;
			}
		}
	}
	elf_end(elf);
	if (k->tab_len[0] == 0) {
		fprintf(stderr, "%s has no .ARM.exidx\n", k->path);
		abort();
	}
}

/* The kernel file for this input, its unwind tables patched if asked. */
static const char *
kernel_for(const uint8_t **data, size_t *size)
{
	struct kernel *k;
	unsigned int flags;

	if (kernels[0].bytes == NULL) {
		load_kernel(&kernels[0]);
		load_kernel(&kernels[1]);
	}
	if (*size == 0)
		return kernels[0].path;
	flags = (*data)[0];
	k = &kernels[flags & 1];
	++*data, --*size;
	if (!(flags & 2) || *size < 4)
		return k->path;
	{
		size_t off = (size_t)((*data)[0] | (*data)[1] << 8);
		size_t len = (size_t)((*data)[2] | (*data)[3] << 8) % (MAX_PATCH + 1);
		size_t span = k->tab_len[0] + k->tab_len[1];

		*data += 4, *size -= 4;
		if (len > *size)
			len = *size;
		patched = realloc(patched, k->size);
		if (patched == NULL)
			abort();
		memcpy(patched, k->bytes, k->size);
		for (size_t i = 0; i < len; i++) {
			size_t pos = (off + i) % span;
			size_t at = pos < k->tab_len[0] ? k->tab_off[0] + pos :
			    k->tab_off[1] + (pos - k->tab_len[0]);
			patched[at] ^= (*data)[i];
		}
		*data += len, *size -= len;
		return fuzz_file_put(&kernel_file, "kernel", patched, k->size);
	}
}

struct threads {
	struct kvm_arm_thread t[MAX_THREADS];
	int n;
};

static int
collect(const struct kvm_arm_thread *t, void *arg)
{
	struct threads *ts = arg;

	if (t->comm[19] != '\0' || t->name[19] != '\0')
		abort();	/* names are always terminated */
	ts->t[ts->n++] = *t;
	return ts->n < MAX_THREADS;
}

static int
frame_cb(const struct kvm_arm_frame *f, void *arg)
{
	unsigned int *n = arg;

	if (f->level != *n || ++*n > MAX_FRAMES)
		abort();	/* levels in order, and the unwind is bounded */
	if (f->function != NULL && f->offset > f->pc)
		abort();
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[_POSIX2_LINE_MAX], why[256];
	static struct threads ts;
	struct kvm_arm_panic p;
	const char *kernel = kernel_for(&data, &size);
	const char *core = fuzz_file_put(&core_file, "core", data, size);
	kvm_t *kd;
	int rc;

	err[0] = '\0';
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	if (kd == NULL) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	kvm_arm_panic(kd, &p);
	ts.n = 0;
	rc = kvm_arm_walk_threads(kd, collect, &ts);
	if (rc < 0 && kvm_geterr(kd)[0] == '\0')
		abort();
	for (int i = 0; i < ts.n; i++) {
		unsigned int frames = 0;

		why[0] = '\0';
		rc = kvm_arm_unwind(kd, &ts.t[i].regs, frame_cb, &frames, why,
		    sizeof(why));
		if (rc < 0 ? kvm_geterr(kd)[0] == '\0' :
		    (unsigned int)rc != frames || why[0] == '\0')
			abort();	/* every unwind ends with a reason */
	}
	kvm_close(kd);
	return 0;
}
