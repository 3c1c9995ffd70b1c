/*
 * fuzz_kernel.c: libFuzzer target: arbitrary bytes as the kernel ELF.
 *
 * A good little-endian and a good big-endian dump are made once with the
 * fixture writer; each input is opened as the kernel of the one whose byte
 * order its ELF header claims (so byte order checks do not stop every input
 * before the symbol table), then kvm_nlist2 looks up known names and one
 * taken from the input; then the unwinder runs on the input's unwind tables
 * (and DWARF) from a pc the input picks.  Promises checked besides the
 * sanitizers': a failed open or lookup always says why, and so does the
 * end of every unwind.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "kvm_arm.h"
#include "mkcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char desc_text[] =
    "kernbase 0xc0000000\nkva_size 0x100000\n"
    "phys 0x40000000 0x40100000\n"
    "map 0xc0000000 0x40000000 0x2000 rwx\n"
    "ksym version 0xc0000000 object\n";

static char dir[] = "/tmp/kvmarm-fuzz.XXXXXX";
static char cores[2][sizeof(dir) + 16];
static struct fuzz_file kernel;

static void
remove_cores(void)
{
	unlink(cores[0]);
	unlink(cores[1]);
	rmdir(dir);
}

static void
make_cores(void)
{
	char text[sizeof(desc_text) + 32];
	struct mapdesc *d = malloc(sizeof(*d));

	if (d == NULL || mkdtemp(dir) == NULL)
		abort();
	atexit(remove_cores);
	for (int be = 0; be < 2; be++) {
		snprintf(cores[be], sizeof(cores[be]), "%s/%s.core", dir,
		    be ? "big" : "little");
		snprintf(text, sizeof(text), "endian %s\n%s",
		    be ? "big" : "little", desc_text);
		if (mapdesc_parse(d, text, "fuzz") != 0 ||
		    mkcore_write(d, cores[be], NULL, NULL, NULL) != 0)
			abort();
		mapdesc_free(d);
	}
	free(d);
}

static int
count_frame(const struct kvm_arm_frame *f, void *arg)
{
	(void)f;
	++*(int *)arg;
	return 1;
}

/* Backtraces from pcs in the mapped pages and at the symbols found. */
static void
unwind(kvm_t *kd, const uint8_t *data, size_t size, const struct kvm_nlist *nl)
{
	/* The thread fixture kernels' seeds have these: an EHABI frame, the
	 * CFI-only function, a trapframe entry. */
	static const char *const fns[] = { "doadump", "devfs_ioctl",
	    "exception_exit" };
	uint32_t pcs[6] = { 0xc0000000u, (uint32_t)nl[0].n_value,
	    (uint32_t)nl[3].n_value };
	char why[1024];
	const char *s;
	kvaddr_t off;
	int line;

	if (size >= 8)		/* an address the input chose, in the pages */
		pcs[0] += (uint32_t)(data[6] | data[7] << 8) & 0x1ffcu;
	for (int i = 0; i < 3; i++) {
		struct kvm_nlist one[2] = { { .n_name = fns[i] },
		    { .n_name = NULL } };
		pcs[3 + i] = kvm_nlist2(kd, one) == 0 ?
		    (uint32_t)one[0].n_value + 8 : 0;
	}
	for (int i = 0; i < 6; i++) {
		struct kvm_arm_regs r;
		int frames = 0, n;

		memset(&r, 0, sizeof(r));
		r.r[13] = 0xc0001000u;
		r.r[14] = pcs[(i + 1) % 6];
		r.r[15] = pcs[i];
		r.valid = KVM_ARM_REGS_PCB;
		(void)kvm_arm_symbolize(kd, pcs[i], &s, &off);
		(void)kvm_arm_srcline(kd, pcs[i], &s, &line);
		n = kvm_arm_unwind(kd, &r, count_frame, &frames, why, sizeof(why));
		if ((n >= 0 && (n != frames || why[0] == '\0')) ||
		    (n < 0 && kvm_geterr(kd)[0] == '\0'))
			abort();	/* every unwind ends with a reason */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[_POSIX2_LINE_MAX], name[33];
	struct kvm_nlist nl[6];
	const char *path;
	kvm_t *kd;
	int be = size > 5 && data[5] == 2;	/* EI_DATA: ELFDATA2MSB */
	size_t n = size < 32 ? size : 32;

	if (cores[0][0] == '\0')
		make_cores();
	path = fuzz_file_put(&kernel, "kernel", data, size);
	err[0] = '\0';
	kd = kvm_open2(path, cores[be], O_RDONLY, err, NULL);
	if (kd == NULL) {
		if (err[0] == '\0')
			abort();	/* a failed open must say why */
		return 0;
	}
	/* A name from the input's last bytes, so found names happen too. */
	memcpy(name, data + size - n, n);
	name[n] = '\0';
	memset(nl, 0, sizeof(nl));
	nl[0].n_name = "version";
	nl[1].n_name = "_version";
	nl[2].n_name = "kernbase";
	nl[3].n_name = name[0] != '\0' ? name : "x";
	nl[4].n_name = "no_such_symbol";
	/* -1 only with a reason (a kernel without a symbol table opens). */
	if (kvm_nlist2(kd, nl) < 0 && kvm_geterr(kd)[0] == '\0')
		abort();
	unwind(kd, data, size, nl);
	kvm_close(kd);
	return 0;
}
