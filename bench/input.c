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
 * Three dumped runs (64 MiB) in different parts of physical memory, so
 * lookups use bitmap bits from the start, middle and end, and 256 MiB
 * mapped but not dumped, which the page walk visits.
 */
static const struct bench_map maps[] = {
	{ 0xc0000000, 0x00200000, 0x02000000, 1 },
	{ 0xc4000000, 0x40000000, 0x01000000, 1 },
	{ 0xd0000000, 0xc0000000, 0x01000000, 1 },
	{ 0xe0000000, 0x80000000, 0x10000000, 0 },
};

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

void
bench_input_remove(struct bench_input *in)
{
	unlink(in->core);
	unlink(in->kernel);
	rmdir(in->dir);
}
