/*
 * test_manifest.c: the committed fixtures (fixtures/NAME.core with
 * NAME.kernel) against their manifests (fixtures/NAME.manifest).  The
 * manifests were written from the mapping descriptions and, for the
 * toolchain-built kernels, from binutils' nm: never from this library.
 * Each fixture gets one check per kind of fact, naming what was wrong.
 */
#include <dirent.h>
#include <fcntl.h>
#include <string.h>

#include "compress.h"
#include "harness.h"
#include "kvm_arm.h"

#define DIR_FIXTURES "fixtures"

struct tally {
	const char *what;
	int n, bad;
	char first[256];
};

static void
note(struct tally *t, int ok, const char *line)
{
	t->n++;
	if (!ok && t->bad++ == 0)
		snprintf(t->first, sizeof(t->first), "%.200s", line);
}

static int
hex_bytes(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (n < max && sscanf(hex + 2 * n, "%2x", &v) == 1)
		out[n++] = (unsigned char)v;
	return (int)n;
}

struct walk_count {
	unsigned long long pages;
	kvaddr_t want_va;
	int want_prot, got_prot;
};

static int
count_page(struct kvm_page *p, void *arg)
{
	struct walk_count *w = arg;

	w->pages++;
	if (p->kp_kmap_vaddr == w->want_va)
		w->got_prot = p->kp_prot;
	return 1;
}

static kvaddr_t
symbol(kvm_t *kd, const char *name)
{
	struct kvm_nlist nl[2] = { { name, 0, 0 }, { NULL, 0, 0 } };

	return kvm_nlist2(kd, nl) == 0 ? nl[0].n_value : 0;
}

static void
check_fixture(const char *name, const char *core_path)
{
	char path[512], core[512], kernel[512], line[1024], err[_POSIX2_LINE_MAX];
	char base[256];
	struct tally facts = { .what = "header facts" },
	    vtop = { .what = "translations" }, reads = { .what = "bytes read" },
	    fails = { .what = "untranslatable addresses" },
	    syms = { .what = "symbols" }, walk = { .what = "page walk" },
	    strs = { .what = "values at symbols" };
	struct tally *all[] = { &facts, &vtop, &reads, &fails, &syms, &walk, &strs };
	struct kvm_arm_info in;
	FILE *f;
	kvm_t *kd;

	/* NAME or NAME.core.gz: the manifest and kernel are NAME's. */
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, "."), name);
	snprintf(path, sizeof(path), DIR_FIXTURES "/%s.manifest", base);
	if (core_path != NULL)
		snprintf(core, sizeof(core), "%s", core_path);
	else
		snprintf(core, sizeof(core), DIR_FIXTURES "/%s.core", name);
	snprintf(kernel, sizeof(kernel), DIR_FIXTURES "/%s.kernel", base);
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	check(kd != NULL, "%s: opens with its kernel%s%s", name, kd ? "" : ": ", kd ? "" : err);
	if (kd == NULL || (f = fopen(path, "r")) == NULL)
		return;
	kvm_arm_info(kd, &in);
	while (fgets(line, sizeof(line), f) != NULL) {
		char key[64], a[256], b[256], c[256];
		unsigned long long x = 0, y = 0;
		int nf;

		line[strcspn(line, "\n")] = '\0';
		a[0] = b[0] = c[0] = '\0';
		nf = sscanf(line, "%63s %255s %255s %255s", key, a, b, c);
		if (nf < 2 || key[0] == '#')
			continue;
		x = strtoull(a, NULL, 0);
		y = strtoull(b, NULL, 0);
		if (!strcmp(key, "version"))
			note(&facts, in.version == x, line);
		else if (!strcmp(key, "mmuformat"))
			note(&facts, in.mmuformat == x, line);
		else if (!strcmp(key, "big_endian"))
			note(&facts, (unsigned long long)in.big_endian == x, line);
		else if (!strcmp(key, "kernbase"))
			note(&facts, in.kernbase == x, line);
		else if (!strcmp(key, "kva_end"))
			note(&facts, in.kva_end == x, line);
		else if (!strcmp(key, "pages_dumped"))
			note(&facts, in.pages_dumped == x && in.pages_present == x, line);
		else if (!strcmp(key, "page_data_offset"))
			note(&facts, in.page_data_offset == x, line);
		else if (!strcmp(key, "page_data_rounded"))
			note(&facts, (unsigned long long)in.page_data_rounded == x, line);
		else if (!strcmp(key, "file_size"))
			note(&facts, in.file_size == x && !in.truncated &&
			    strcmp(in.compression, core_path == NULL ? "none" :
			    strstr(core_path, ".zst") ? "zstd" : "gzip") == 0,
			    line);
		else if (!strcmp(key, "msgbuf_size"))
			note(&facts, in.msgbuf_size == x, line);
		else if (!strcmp(key, "walk_pages") || !strcmp(key, "prot")) {
			struct walk_count w = { 0, x, (int)y, -1 };
			int done = kvm_walk_pages(kd, count_page, &w);
			note(&walk, done == 1 && (key[0] == 'w' ? w.pages == x :
			    w.got_prot == w.want_prot), line);
		} else if (!strcmp(key, "vtop")) {
			kpaddr_t pa = 0;
			note(&vtop, kvm_arm_kvatop(kd, x, &pa, NULL) == 4096 - (x & 0xfff) &&
			    pa == y, line);
		} else if (!strcmp(key, "read")) {
			unsigned char want[64], got[64];
			int n = nf > 2 ? hex_bytes(b, want, sizeof(want)) : 0;
			note(&reads, kvm_read2(kd, x, got, (size_t)n) == n &&
			    memcmp(got, want, (size_t)n) == 0, line);
		} else if (!strcmp(key, "fail")) {
			unsigned char c1;
			note(&fails, kvm_read2(kd, x, &c1, 1) == -1 &&
			    kvm_arm_kvatop(kd, x, NULL, NULL) == 0 &&
			    kvm_geterr(kd)[0] != '\0', line);
		} else if (!strcmp(key, "sym") || !strcmp(key, "nosym")) {
			struct kvm_nlist nl[2] = { { a, 0, 0 }, { NULL, 0, 0 } };
			int missing = kvm_nlist2(kd, nl);
			note(&syms, key[0] == 'n' ? missing == 1 && nl[0].n_type == 0 :
			    missing == 0 && nl[0].n_value == y &&
			    nl[0].n_type == strtoul(c, NULL, 0), line);
		} else if (!strcmp(key, "string")) {
			/* The rest of the line after "string NAME ". */
			const char *want = line + strlen("string ") + strlen(a) + 1;
			char got[256] = "";
			kvaddr_t at = symbol(kd, a);
			note(&strs, at != 0 && kvm_read2(kd, at, got, strlen(want) + 1) ==
			    (ssize_t)strlen(want) + 1 && strcmp(got, want) == 0, line);
		} else if (!strcmp(key, "word32")) {
			unsigned char w[4];
			kvaddr_t at = symbol(kd, a);
			uint32_t v = 0;
			int ok = at != 0 && kvm_read2(kd, at, w, 4) == 4;
			for (int i = 0; i < 4; i++)
				v = v << 8 | w[in.big_endian ? i : 3 - i];
			note(&strs, ok && v == y, line);
		} else
			note(&facts, 0, line);	/* a line this test does not know */
	}
	fclose(f);
	kvm_close(kd);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i]->n > 0)
			check(all[i]->bad == 0, "%s: %d %s (%d wrong%s%s)", name,
			    all[i]->n, all[i]->what, all[i]->bad,
			    all[i]->bad ? ", first: " : "", all[i]->first);
}

int
main(void)
{
	DIR *dir = opendir(DIR_FIXTURES);
	struct dirent *de;
	char gz[512], label[300], path[512];
	int seen = 0;

	if (dir == NULL) {
		check(0, "open " DIR_FIXTURES "/ (run from the repository root)");
		return 1;
	}
	while ((de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);
		char name[256];
		if (n < 10 || strcmp(de->d_name + n - 9, ".manifest") != 0 || n - 9 >= sizeof(name))
			continue;
		memcpy(name, de->d_name, n - 9);
		name[n - 9] = '\0';
		/* threads-*.manifest say what a kernel's threads are (format in
		 * fixtures/THREADS-MANIFEST.md), for the thread tests. */
		if (strncmp(name, "threads-", 8) == 0)
			continue;
		check_fixture(name, NULL);
		/* The same facts through gzip- and zstd-compressed copies. */
		snprintf(path, sizeof(path), DIR_FIXTURES "/%s.core", name);
		for (int z = 0; z < 2; z++) {
			snprintf(label, sizeof(label), "%s.core.%s", name,
			    z ? "zst" : "gz");
			snprintf(gz, sizeof(gz), "%s/%s", harness_tmpdir(), label);
			if (z)
				zstd_to(path, gz, NULL, 0);
			else
				gzip_to(path, gz, -1, 6, NULL, 0, 0);
			check_fixture(label, gz);
		}
		seen++;
	}
	closedir(dir);
	check(seen >= 4, "%d committed fixtures have manifests", seen);
	return harness_status();
}
