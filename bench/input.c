/*
 * input.c: write the benchmark's dump and kernel (see input.h).
 */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure.h"
#include "mkcore.h"

/*
 * Three dumped runs (256 MiB) in different parts of physical memory, so
 * lookups use bitmap bits from the start, middle and end, and 256 MiB
 * mapped but not dumped, which the page walk visits.
 */
static const struct bench_map maps[] = {
	{ 0xc0000000, 0x00200000, 0x08000000, 1 },
	{ 0xc8000000, 0x40000000, 0x04000000, 1 },
	{ 0xd0000000, 0xc0000000, 0x04000000, 1 },
	{ 0xe0000000, 0x80000000, 0x10000000, 0 },
};

/* The sparse dump: 1% of a 1 GiB KVA, in 40 runs of 64 pages. */
#define SPARSE_RUNS	40
#define SPARSE_RUN	0x40000u
#define SPARSE_STEP	0x01800000u

void
bench_sym_name(char *buf, size_t len, unsigned i)
{
	snprintf(buf, len, "bench_sym_%05u", i);
}

int
bench_input_make(struct bench_input *in, unsigned nsyms)
{
	size_t cap = 4096 + (size_t)nsyms * 64, len;
	char *text = malloc(cap);
	struct mapdesc *d = malloc(sizeof(*d));
	struct mkcore_layout lo;
	double t0 = now();
	int rc = -1;

	memset(in, 0, sizeof(*in));
	in->maps = maps;
	in->nmaps = sizeof(maps) / sizeof(maps[0]);
	in->nsyms = nsyms;
	snprintf(in->dir, sizeof(in->dir), "%s", "/tmp/kvmarm-bench.XXXXXX");
	if (text == NULL || d == NULL || mkdtemp(in->dir) == NULL) {
		perror("bench input");
		goto out;
	}
	snprintf(in->core, sizeof(in->core), "%s/bench.core", in->dir);
	snprintf(in->kernel, sizeof(in->kernel), "%s/bench.kernel", in->dir);
	len = (size_t)snprintf(text, cap, "version 2\nmmu v6\nendian little\n"
	    "kernbase 0xc0000000\nkva_size 0x40000000\n"
	    "phys 0x0 0x100000000\n");
	for (size_t i = 0; i < in->nmaps; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "map 0x%llx 0x%llx 0x%llx rw%s\n",
		    (unsigned long long)maps[i].va,
		    (unsigned long long)maps[i].pa,
		    (unsigned long long)maps[i].size,
		    maps[i].dumped ? "" : " nodump");
	for (unsigned i = 0; i < nsyms; i++) {
		char name[32];
		bench_sym_name(name, sizeof(name), i);
		len += (size_t)snprintf(text + len, cap - len,
		    "ksym %s 0x%llx %s\n", name,
		    (unsigned long long)(0xc0000000u + 16ull * i),
		    i % 3 ? "object" : "func");
	}
	if (mapdesc_parse(d, text, "bench") != 0)
		goto out;
	rc = mkcore_write(d, in->core, in->kernel, NULL, &lo);
	mapdesc_free(d);
	in->core_bytes = lo.file_size;
	in->seconds = now() - t0;
out:
	free(text);
	free(d);
	return rc;
}

/* The fixture writer's dump (and kernel, unless NULL) of a description. */
static int
write_desc(const char *text, const char *name, const char *core,
    const char *kernel)
{
	struct mapdesc *d = malloc(sizeof(*d));
	struct mkcore_layout lo;
	int rc = -1;

	if (d != NULL && mapdesc_parse(d, text, name) == 0) {
		rc = mkcore_write(d, core, kernel, NULL, &lo);
		mapdesc_free(d);
	}
	free(d);
	return rc;
}

/* n maps of size bytes, at va0 + k * step, of consecutive PAs from pa0. */
static void
append_runs(char *text, size_t cap, size_t len, unsigned n, uint64_t va0,
    uint64_t step, uint64_t pa0, uint32_t size)
{
	for (unsigned k = 0; k < n && len < cap; k++)
		len += (size_t)snprintf(text + len, cap - len,
		    "map 0x%llx 0x%llx 0x%x rw\n",
		    (unsigned long long)(va0 + k * step),
		    (unsigned long long)(pa0 + (uint64_t)k * size), size);
}

int
bench_input_sparse(struct bench_input *in)
{
	char text[8192];
	size_t len;

	snprintf(in->sparse, sizeof(in->sparse), "%s/sparse.core", in->dir);
	len = (size_t)snprintf(text, sizeof(text), "version 2\nmmu v6\n"
	    "endian little\nkernbase 0xc0000000\nkva_size 0x40000000\n"
	    "phys 0x0 0x100000000\n");
	append_runs(text, sizeof(text), len, SPARSE_RUNS, 0xc0000000u,
	    SPARSE_STEP, 0x10000000u, SPARSE_RUN);
	in->sparse_pages = (uint64_t)SPARSE_RUNS * SPARSE_RUN / 4096;
	return write_desc(text, "sparse", in->sparse, NULL);
}

#define ELF_RUNS	32
#define ELF_RUN		0x40000u
#define ELF_STEP	0x00800000u

int
bench_input_elfcore(struct bench_input *in)
{
	char text[8192];
	size_t len;

	snprintf(in->elfcore, sizeof(in->elfcore), "%s/full.core", in->dir);
	snprintf(in->elfkernel, sizeof(in->elfkernel), "%s/full.kernel",
	    in->dir);
	/* The writer builds the tables in the 2 MiB at ptpool. */
	len = (size_t)snprintf(text, sizeof(text), "container elf\nmmu v6\n"
	    "endian little\nkernbase 0xc0000000\nkva_size 0x40000000\n"
	    "kernphys 0x0\nptpool 0x03c00000\nl1pa_va 0xc0001100\n"
	    "phys 0x0 0x04000000\nmap 0xc0000000 0x0 0x03000000 rwx\n");
	append_runs(text, sizeof(text), len, ELF_RUNS, 0xd0000000u, ELF_STEP,
	    0x03000000u, ELF_RUN);
	in->elf_pages = (0x03000000u + (uint64_t)ELF_RUNS * ELF_RUN) / 4096;
	return write_desc(text, "elfcore", in->elfcore, in->elfkernel);
}

void
bench_input_remove(struct bench_input *in)
{
	unlink(in->elfcore);
	unlink(in->elfkernel);
	unlink(in->sparse);
	unlink(in->core);
	unlink(in->kernel);
	rmdir(in->dir);
}
