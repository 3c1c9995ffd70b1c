/*
 * mapdesc.c: parse mapping descriptions and answer what the dump they
 * describe must hold (see mapdesc.h).  This is the tests' model: it knows
 * the format only as the description states it, not as the library reads it.
 */
#include "mapdesc.h"

#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"

/* Parse a quoted string with \n, \t, \\, \" and \xHH escapes. */
static char *
quoted(const char *s, size_t *len)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	if (*s++ != '"')
		return NULL;
	while (*s && *s != '"') {
		if (*s == '\\' && s[1]) {
			s++;
			if (*s == 'n') *o++ = '\n';
			else if (*s == 't') *o++ = '\t';
			else if (*s == 'x' && isxdigit((unsigned char)s[1]) &&
			    isxdigit((unsigned char)s[2])) {
				char hex[3] = { s[1], s[2], 0 };	/* exactly two digits */
				*o++ = (char)strtoul(hex, NULL, 16);
				s += 2;
			}
			else *o++ = *s;
			s++;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	*len = (size_t)(o - out);
	return out;
}

static int
add_blob(struct mapdesc *d, uint64_t va, const void *bytes, size_t len,
    const char *section, int in_elf)
{
	struct md_blob *b;

	if (d->nblobs == MD_MAX)
		return -1;
	b = &d->blobs[d->nblobs++];
	b->va = va;
	b->bytes = malloc(len ? len : 1);
	memcpy(b->bytes, bytes, len);
	b->len = len;
	snprintf(b->section, sizeof(b->section), "%s", section);
	b->in_elf = in_elf;
	return 0;
}

/* The loadable sections of a real kernel ELF become blobs. */
static int
load_kernel_elf(struct mapdesc *d, const char *path)
{
	int fd = open(path, O_RDONLY);
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e == NULL || elf_getshdrstrndx(e, &shstrndx) != 0) {
		close(fd);
		return -1;
	}
	while ((scn = elf_nextscn(e, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type != SHT_PROGBITS || sh.sh_size == 0)
			continue;
		data = elf_rawdata(scn, NULL);
		if (data == NULL || add_blob(d, sh.sh_addr, data->d_buf,
		    data->d_size, elf_strptr(e, shstrndx, sh.sh_name), 0) != 0)
			break;
	}
	elf_end(e);
	close(fd);
	return 0;
}

/* A raw memory image (a program's own bytes from VA on) becomes a blob. */
static int
load_image(struct mapdesc *d, const char *path, uint64_t va)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	if (f == NULL)
		return -1;
	do {
		if (len == cap)
			buf = realloc(buf, cap = cap ? 2 * cap : 65536);
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (!ferror(f) && len > 0)
		rc = add_blob(d, va, buf, len, "", 0);
	free(buf);
	fclose(f);
	return rc;
}

/* The msgbuf section as the kernel leaves it: ring, then struct msgbuf. */
static void
build_msgbuf(struct mapdesc *d, size_t textlen)
{
	uint32_t size = d->msgbufsize, wseq = 0;
	unsigned char *st = d->msgsection + size;
	uint64_t ptr = d->msgbuf_va ? d->msgbuf_va : 0xc0f00000;

	for (size_t i = 0; i < textlen; i++)
		d->msgsection[i % size] = (unsigned char)d->msgtext[i];
	wseq = (uint32_t)(textlen % (16ull * size));
	put32(st + 0, (uint32_t)ptr, d->big_endian);
	put32(st + 4, 0x063062, d->big_endian);
	put32(st + 8, size, d->big_endian);
	put32(st + 12, wseq, d->big_endian);
	put32(st + 16, wseq, d->big_endian);
	put32(st + 24, 16 * size, d->big_endian);
}

static struct md_sym *
new_sym(struct mapdesc *d)
{
	if (d->nsyms == d->symcap) {
		d->symcap = d->symcap ? 2 * d->symcap : 64;
		d->syms = realloc(d->syms, d->symcap * sizeof(*d->syms));
	}
	memset(&d->syms[d->nsyms], 0, sizeof(*d->syms));
	return &d->syms[d->nsyms++];
}

static uint64_t
num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static unsigned
prot_of(const char *s)
{
	unsigned p = 0;

	for (; *s; s++)
		p |= *s == 'r' ? 1 : *s == 'w' ? 2 : *s == 'x' ? 4 : 0;
	return p;
}

static int
parse_line(struct mapdesc *d, char *line, const char *name, int lineno)
{
	char *w[12], *rest, *q = strchr(line, '"');
	int n = 0;
	size_t qlen = 0;
	char *qs = NULL;

	if (q != NULL) {
		qs = quoted(q, &qlen);
		*q = '\0';
	}
	for (rest = strtok(line, " \t"); rest && n < 12; rest = strtok(NULL, " \t"))
		w[n++] = rest;
	if (n == 0) {
		free(qs);
		return 0;
	}
#define NEED(k) do { if (n < (k)) goto bad; } while (0)
	if (!strcmp(w[0], "version")) { NEED(2); d->version = (unsigned)num(w[1]); }
	else if (!strcmp(w[0], "mmu")) {
		NEED(2);
		d->mmu = !strcmp(w[1], "v4") ? 1 : !strcmp(w[1], "v6") ? 2 :
		    !strcmp(w[1], "lpae") ? 3 : (unsigned)num(w[1]);
	}
	else if (!strcmp(w[0], "endian")) { NEED(2); d->big_endian = !strcmp(w[1], "big"); }
	else if (!strcmp(w[0], "arch")) { NEED(2); d->arch = (unsigned)num(w[1]); }
	else if (!strcmp(w[0], "kernbase")) { NEED(2); d->kernbase = num(w[1]); }
	else if (!strcmp(w[0], "kva_size")) { NEED(2); d->kva_size = num(w[1]); }
	else if (!strcmp(w[0], "phys") && d->nphys < MD_MAX) {
		NEED(3);
		d->phys[d->nphys].start = num(w[1]);
		d->phys[d->nphys++].end = num(w[2]);
	} else if (!strcmp(w[0], "map") && d->nmaps < MD_MAX) {
		struct md_map *m = &d->maps[d->nmaps++];
		NEED(5);
		memset(m, 0, sizeof(*m));
		m->va = num(w[1]); m->pa = num(w[2]); m->size = num(w[3]);
		m->prot = prot_of(w[4]);
		for (int i = 5; i < n; i++) {
			m->nodump |= !strcmp(w[i], "nodump");
			m->large |= !strcmp(w[i], "large");
			m->xscale |= !strcmp(w[i], "xscale");
			m->pxn |= !strcmp(w[i], "pxn");
			m->section |= !strcmp(w[i], "section");
			m->super |= !strcmp(w[i], "super");
			m->block |= !strcmp(w[i], "block");
		}
	} else if (!strcmp(w[0], "pte") && d->nraws < MD_MAX) {
		NEED(3);
		d->raws[d->nraws].va = num(w[1]);
		d->raws[d->nraws++].value = num(w[2]);
	} else if (!strcmp(w[0], "dump") && d->ndumps < MD_MAX) {
		NEED(3);
		d->dumps[d->ndumps].start = num(w[1]);
		d->dumps[d->ndumps++].end = num(w[1]) + num(w[2]);
	} else if (!strcmp(w[0], "msgbuf")) {
		NEED(2);
		if (qs == NULL || num(w[1]) == 0 || num(w[1]) > 65536)
			goto bad;
		d->msgbufsize = (uint32_t)num(w[1]);
		d->msgtext = qs;
		d->msglen = qlen;
		qs = NULL;
	} else if (!strcmp(w[0], "msgbuf_va")) { NEED(2); d->msgbuf_va = num(w[1]); }
	else if (!strcmp(w[0], "msgbufp")) { NEED(2); d->msgbufp = num(w[1]); }
	else if (!strcmp(w[0], "ksym")) {
		NEED(4);
		struct md_sym *s = new_sym(d);
		snprintf(s->name, sizeof(s->name), "%s", w[1]);
		s->value = num(w[2]);
		s->kind = w[3][0];
		s->local = n > 4 && !strcmp(w[4], "local");
	} else if (!strcmp(w[0], "kdata")) {
		char sec[32];
		NEED(2);
		if (qs == NULL)
			goto bad;
		snprintf(sec, sizeof(sec), ".kdata%zu", d->nblobs);
		add_blob(d, num(w[1]), qs, qlen, sec, 1);
	} else if (!strcmp(w[0], "image")) {
		NEED(3);
		if (load_image(d, w[1], num(w[2])) != 0) {
			fprintf(stderr, "%s:%d: cannot read image %s\n", name, lineno, w[1]);
			free(qs);
			return -1;
		}
	} else if (!strcmp(w[0], "kernel_elf")) {
		NEED(2);
		snprintf(d->kernel_elf, sizeof(d->kernel_elf), "%s", w[1]);
		if (load_kernel_elf(d, w[1]) != 0) {
			fprintf(stderr, "%s:%d: cannot read %s\n", name, lineno, w[1]);
			free(qs);
			return -1;
		}
	} else if (!strcmp(w[0], "container")) { NEED(2); d->elf = !strcmp(w[1], "elf"); }
	else if (!strcmp(w[0], "kernphys")) { NEED(2); d->kernphys = num(w[1]); }
	else if (!strcmp(w[0], "ptpool")) { NEED(2); d->ptpool = num(w[1]); }
	else if (!strcmp(w[0], "l1pa_va")) { NEED(2); d->l1pa_va = num(w[1]); }
	else if (!strcmp(w[0], "pad_ptes")) { NEED(2); d->pad_ptes = (int)num(w[1]); }
	else if (!strcmp(w[0], "no_dumpavail")) { NEED(2); d->no_dumpavail = (int)num(w[1]); }
	else if (!strcmp(w[0], "cpu_arch")) { NEED(2); d->cpu_arch = (int)num(w[1]) + 1; }
	else if (!strcmp(w[0], "bitmap_bytes")) { NEED(2); d->bitmap_bytes = (uint32_t)num(w[1]); }
	else
		goto bad;
	free(qs);
	return 0;
bad:
	fprintf(stderr, "%s:%d: bad directive '%s'\n", name, lineno, w[0]);
	free(qs);
	return -1;
#undef NEED
}

/* Overlay segments, split at page boundaries and placed by translation. */
static void
build_segments(struct mapdesc *d)
{
	size_t cap = 64;

	d->segs = malloc(cap * sizeof(*d->segs));
	d->nsegs = 0;
	for (size_t i = 0; i < d->nblobs; i++) {
		const struct md_blob *b = &d->blobs[i];
		for (size_t off = 0; off < b->len; ) {
			uint64_t va = b->va + off, pa;
			size_t n = 4096 - (size_t)(va & 4095);
			if (n > b->len - off)
				n = b->len - off;
			if (mapdesc_va_to_pa(d, va, &pa)) {
				if (d->nsegs == cap)
					d->segs = realloc(d->segs, (cap *= 2) * sizeof(*d->segs));
				d->segs[d->nsegs].pa = pa;
				d->segs[d->nsegs].bytes = b->bytes + off;
				d->segs[d->nsegs++].len = n;
			}
			off += n;
		}
	}
}

int
mapdesc_parse(struct mapdesc *d, const char *text, const char *name)
{
	char *copy = strdup(text), *line, *save = NULL;
	int lineno = 0, rc = 0;

	memset(d, 0, sizeof(*d));
	d->version = 2;
	d->mmu = 2;
	d->arch = 7;
	d->kernbase = 0xc0000000;
	for (line = strtok_r(copy, "\n", &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		lineno++;
		if (hash != NULL && (strchr(line, '"') == NULL || hash < strchr(line, '"')))
			*hash = '\0';
		rc = parse_line(d, line, name, lineno);
	}
	free(copy);
	if (rc != 0)
		return -1;
	/* After every line: the struct names msgbuf_va wherever it was given. */
	if (d->msgtext != NULL)
		build_msgbuf(d, d->msglen);
	if (d->msgbuf_va != 0)
		add_blob(d, d->msgbuf_va, d->msgsection, d->msgbufsize + 56, "", 0);
	if (d->msgbufp != 0) {
		unsigned char p[4];
		put32(p, (uint32_t)(d->msgbuf_va + d->msgbufsize), d->big_endian);
		add_blob(d, d->msgbufp, p, 4, ".msgbufp", 1);
		struct md_sym *s = new_sym(d);
		snprintf(s->name, sizeof(s->name), "msgbufp");
		s->value = d->msgbufp;
		s->kind = 'o';
	}
	if (d->elf && d->l1pa_va != 0) {
		/* The root table's PA, where the kernel keeps it. */
		unsigned char v[8];
		unsigned n = mapdesc_entry_size(d);
		for (unsigned i = 0; i < n; i++)
			v[d->big_endian ? n - 1 - i : i] =
			    (unsigned char)(d->ptpool >> (8 * i));
		add_blob(d, d->l1pa_va, v, n, ".l1pa", 1);
		struct md_sym *s = new_sym(d);
		snprintf(s->name, sizeof(s->name), "%s",
		    d->mmu == 3 ? "kernel_lpae_l1pa" : "kernel_l1pa");
		s->value = d->l1pa_va;
		s->kind = 'o';
	}
	build_segments(d);
	return 0;
}

int
mapdesc_load(struct mapdesc *d, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;
	int rc;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	rc = mapdesc_parse(d, buf, path);
	free(buf);
	return rc;
}

void
mapdesc_free(struct mapdesc *d)
{
	for (size_t i = 0; i < d->nblobs; i++)
		free(d->blobs[i].bytes);
	free(d->msgtext);
	free(d->segs);
	free(d->syms);
	d->syms = NULL;
	d->nblobs = 0;
	d->msgtext = NULL;
	d->segs = NULL;
}

unsigned
mapdesc_entry_size(const struct mapdesc *d)
{
	return d->mmu == 3 ? 8 : 4;
}

const struct md_map *
mapdesc_find(const struct mapdesc *d, uint64_t va)
{
	for (size_t i = d->nmaps; i-- > 0; )
		if (va - d->maps[i].va < d->maps[i].size)
			return &d->maps[i];
	return NULL;
}

int
mapdesc_va_to_pa(const struct mapdesc *d, uint64_t va, uint64_t *pa)
{
	const struct md_map *m = mapdesc_find(d, va);

	for (size_t i = 0; i < d->nraws; i++)
		if ((va & ~4095ull) == d->raws[i].va)
			return 0;
	if (m == NULL || va < d->kernbase || va - d->kernbase >= d->kva_size)
		return 0;
	*pa = m->pa + (va - m->va);
	return 1;
}

int
mapdesc_pa_in_ranges(const struct mapdesc *d, uint64_t pa)
{
	for (size_t i = 0; i < d->nphys; i++)
		if (pa >= d->phys[i].start && pa < d->phys[i].end)
			return 1;
	return 0;
}

int
mapdesc_pa_dumped(const struct mapdesc *d, uint64_t pa)
{
	uint64_t page = pa & ~4095ull;

	if (!mapdesc_pa_in_ranges(d, page))
		return 0;
	if (d->elf)		/* a full core holds every page of its ranges */
		return 1;
	for (size_t i = 0; i < d->ndumps; i++)
		if (page - d->dumps[i].start < d->dumps[i].end - d->dumps[i].start)
			return 1;
	for (size_t i = 0; i < d->nmaps; i++) {
		const struct md_map *m = &d->maps[i];
		if (!m->nodump && page - (m->pa & ~4095ull) < m->size)
			return 1;
	}
	return 0;
}

unsigned char
mapdesc_byte(const struct mapdesc *d, uint64_t pa)
{
	/* Later blobs win, as they are written later. */
	for (size_t i = d->nsegs; i-- > 0; )
		if (pa - d->segs[i].pa < d->segs[i].len)
			return d->segs[i].bytes[pa - d->segs[i].pa];
	return (unsigned char)((pa & ~7ull) >> (8 * (pa & 7)));
}
