/*
 * mkcore.c: the fixture writer.  Lays a description out the way FreeBSD's
 * kernel writes a minidump (unpadded PTE array unless pad_ptes; bitmap of
 * 32-bit target-order words numbered through dump_avail in version 2) and
 * writes a kernel ELF with the description's symbols.
 */
#include "mkcore.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"

#define PG 4096ull

static uint64_t
rnd(uint64_t x)
{
	return (x + PG - 1) & ~(PG - 1);
}

/* The entry a map line gives the 4 KiB page at va (PA pa). */
static uint64_t
encode(const struct mapdesc *d, const struct md_map *m, uint64_t pa)
{
	int w = m->prot & 2, x = m->prot & 4;

	switch (d->mmu) {
	case 1:	/* v4: AP0 = 01 (bit 4) for kernel read/write, 10 for read-only */
		if (m->large)
			return (pa & 0xffff0000) | 1 | (w ? 0x10 : 0x20);
		return (pa & 0xfffff000) | (m->xscale ? 3 : 2) | (w ? 0x10 : 0x20);
	case 3:	/* LPAE: page, AF, AP[2] read-only, XN or PXN */
		return (pa & 0xfffffff000ull) | 3 | 0x400 | (w ? 0 : 0x80) |
		    (x ? 0 : m->pxn ? 1ull << 53 : 1ull << 54);
	default: /* v6: accessed (AP0), TEX1 read-only, XN */
		if (m->large)
			return (pa & 0xffff0000) | 1 | 0x10 | (w ? 0 : 1 << 13) |
			    (x ? 0 : 1 << 15);
		return (pa & 0xfffff000) | 2 | 0x10 | (w ? 0 : 0x80) | (x ? 0 : 1);
	}
}

/* Bit numbering: one range from 0 (v1 layout) or the phys ranges (v2). */
struct bits {
	struct md_range r[MD_MAX];
	uint64_t first[MD_MAX];
	size_t n;
	uint64_t total;
};

static int
v2_layout(const struct mapdesc *d)
{
	return d->version == 2 && !d->no_dumpavail;
}

static void
number_bits(const struct mapdesc *d, struct bits *b)
{
	memset(b, 0, sizeof(*b));
	if (!v2_layout(d)) {
		uint64_t end = 0;
		for (size_t i = 0; i < d->nphys; i++)
			if (d->phys[i].end > end)
				end = d->phys[i].end;
		b->r[0].end = rnd(end);
		b->n = 1;
		b->total = rnd(end) / PG;
		return;
	}
	for (size_t i = 0; i < d->nphys; i++) {
		b->r[i] = d->phys[i];
		b->first[i] = b->total;
		b->total += rnd(d->phys[i].end) / PG - d->phys[i].start / PG;
	}
	b->n = d->nphys;
}

static uint64_t
bit_to_pa(const struct bits *b, uint64_t bit)
{
	size_t i = b->n;

	while (i-- > 0)
		if (bit >= b->first[i])
			break;
	return (b->r[i].start / PG + bit - b->first[i]) * PG;
}

/* One dumped page: the address pattern, then the overlays on it. */
static void
fill_page(const struct mapdesc *d, uint64_t pa, unsigned char *page)
{
	for (unsigned i = 0; i < PG; i += 8)
		put64(page + i, pa + i, 0);
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct md_seg *s = &d->segs[i];
		for (size_t k = 0; k < s->len; k++)
			if (s->pa + k - pa < PG)
				page[s->pa + k - pa] = s->bytes[k];
	}
}

static int
write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int
write_core(const struct mapdesc *d, const char *path, struct mkcore_layout *lo)
{
	unsigned es = mapdesc_entry_size(d);
	uint64_t npte = d->kva_size / PG, ptesize = npte * es;
	unsigned char hdr[PG] = { 0 }, page[PG], *ptes, *bitmap;
	uint64_t bitmap_bytes;
	struct bits b;
	FILE *f;

	number_bits(d, &b);
	bitmap_bytes = d->bitmap_bytes ? d->bitmap_bytes : rnd((b.total + 7) / 8);
	ptes = calloc(1, ptesize + PG);
	bitmap = calloc(1, bitmap_bytes + 8);
	for (size_t i = 0; i < d->nmaps; i++) {
		const struct md_map *m = &d->maps[i];
		for (uint64_t off = 0; off < m->size; off += PG) {
			uint64_t va = m->va + off, idx = (va - d->kernbase) / PG;
			if (va < d->kernbase || idx >= npte)
				continue;
			uint64_t e = encode(d, m, m->pa + off);
			if (es == 8)
				put64(ptes + idx * 8, e, d->big_endian);
			else
				put32(ptes + idx * 4, (uint32_t)e, d->big_endian);
		}
	}
	for (size_t i = 0; i < d->nraws; i++) {
		uint64_t idx = (d->raws[i].va - d->kernbase) / PG;
		if (idx < npte) {
			if (es == 8)
				put64(ptes + idx * 8, d->raws[i].value, d->big_endian);
			else
				put32(ptes + idx * 4, (uint32_t)d->raws[i].value, d->big_endian);
		}
	}
	lo->pages = 0;
	for (uint64_t bit = 0; bit < b.total && bit < bitmap_bytes * 8; bit++) {
		if (mapdesc_pa_dumped(d, bit_to_pa(&b, bit))) {
			uint32_t w;
			unsigned char *p = bitmap + bit / 32 * 4;
			w = d->big_endian ?
			    (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
			    (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
			put32(p, w | 1u << (bit % 32), d->big_endian);
			lo->pages++;
		}
	}

	memcpy(hdr, "minidump FreeBSD/arm", 20);
	put32(hdr + 24, d->version, d->big_endian);
	put32(hdr + 28, d->msgbufsize, d->big_endian);
	put32(hdr + 32, (uint32_t)bitmap_bytes, d->big_endian);
	put32(hdr + 36, (uint32_t)ptesize, d->big_endian);
	put32(hdr + 40, (uint32_t)d->kernbase, d->big_endian);
	put32(hdr + 44, d->arch, d->big_endian);
	put32(hdr + 48, d->mmu, d->big_endian);
	if (v2_layout(d))
		put32(hdr + 52, (uint32_t)PG, d->big_endian);

	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	write_all(f, hdr, PG);
	write_all(f, d->msgsection, rnd(d->msgbufsize));
	if (v2_layout(d)) {
		unsigned char da[PG] = { 0 };
		for (size_t i = 0; i < d->nphys && i < PG / 16 - 1; i++) {
			put64(da + i * 16, d->phys[i].start, d->big_endian);
			put64(da + i * 16 + 8, d->phys[i].end, d->big_endian);
		}
		write_all(f, da, PG);
	}
	write_all(f, bitmap, rnd(bitmap_bytes));
	lo->ptes_off = (uint64_t)ftell(f);
	write_all(f, ptes, d->pad_ptes ? rnd(ptesize) : ptesize);
	lo->data_off = (uint64_t)ftell(f);
	for (uint64_t bit = 0; bit < b.total && bit < bitmap_bytes * 8; bit++) {
		const unsigned char *p = bitmap + bit / 32 * 4;
		uint32_t w = d->big_endian ?
		    (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
		    (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
		if (w >> (bit % 32) & 1) {
			fill_page(d, bit_to_pa(&b, bit), page);
			write_all(f, page, PG);
		}
	}
	lo->file_size = (uint64_t)ftell(f);
	lo->nbits = bitmap_bytes * 8;
	free(ptes);
	free(bitmap);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- full ELF core: all of physical memory and the kernel's tables ---- */

/* Physical memory as the writer builds it: one buffer per range. */
struct memory {
	const struct mapdesc *d;
	unsigned char *buf[MD_MAX];
	uint64_t next_table;		/* bump allocator in the ptpool */
};

static unsigned char *
mem_at(struct memory *mem, uint64_t pa, size_t len)
{
	for (size_t i = 0; i < mem->d->nphys; i++) {
		const struct md_range *r = &mem->d->phys[i];
		if (pa >= r->start && pa + len <= r->end)
			return mem->buf[i] + (pa - r->start);
	}
	fprintf(stderr, "mkcore: page table at 0x%llx is outside the physical "
	    "ranges\n", (unsigned long long)pa);
	exit(1);
}

static uint64_t
mem_get(struct memory *mem, uint64_t pa, unsigned size)
{
	const unsigned char *p = mem_at(mem, pa, size);
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[mem->d->big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

static void
mem_put(struct memory *mem, uint64_t pa, unsigned size, uint64_t v)
{
	if (size == 8)
		put64(mem_at(mem, pa, 8), v, mem->d->big_endian);
	else
		put32(mem_at(mem, pa, 4), (uint32_t)v, mem->d->big_endian);
}

/* A zeroed table of len bytes (aligned to len) from the pool. */
static uint64_t
new_table(struct memory *mem, uint64_t len)
{
	uint64_t pa = (mem->next_table + len - 1) & ~(len - 1);

	memset(mem_at(mem, pa, (size_t)len), 0, (size_t)len);
	mem->next_table = pa + len;
	return pa;
}

/*
 * The table an entry of the level above points to, made on first use.
 * link is the type bits of a table entry; mask the address bits.
 */
static uint64_t
table_below(struct memory *mem, uint64_t entry_pa, unsigned esize,
    uint64_t len, uint64_t link, uint64_t mask)
{
	uint64_t e = mem_get(mem, entry_pa, esize);

	if (e == 0) {
		e = new_table(mem, len) | link;
		mem_put(mem, entry_pa, esize, e);
	}
	return e & mask;
}

/* The leaf entry's address for va, building the path down to it. */
static uint64_t
leaf_slot(struct memory *mem, uint64_t va)
{
	const struct mapdesc *d = mem->d;

	if (d->mmu == 3) {
		uint64_t l2 = table_below(mem, d->ptpool + (va >> 30) * 8, 8,
		    4096, 3, 0xfffffff000ull);
		uint64_t l3 = table_below(mem, l2 + (va >> 21 & 511) * 8, 8,
		    4096, 3, 0xfffffff000ull);
		return l3 + (va >> 12 & 511) * 8;
	}
	return table_below(mem, d->ptpool + (va >> 20) * 4, 4, 1024, 1,
	    0xfffffc00) + (va >> 12 & 255) * 4;
}

/* A first-level (lpae: second-level) entry mapping a large region. */
static void
put_large(struct memory *mem, const struct md_map *m, uint64_t off)
{
	const struct mapdesc *d = mem->d;
	uint64_t va = m->va + off, pa = m->pa + off;
	int w = m->prot & 2, x = m->prot & 4;

	if (d->mmu == 3) {
		uint64_t l2 = table_below(mem, d->ptpool + (va >> 30) * 8, 8,
		    4096, 3, 0xfffffff000ull);
		mem_put(mem, l2 + (va >> 21 & 511) * 8, 8,
		    (pa & 0xffffe00000ull) | 1 | 0x400 | (w ? 0 : 0x80) |
		    (x ? 0 : 1ull << 54));
	} else if (d->mmu == 1) {
		mem_put(mem, d->ptpool + (va >> 20) * 4, 4,
		    (pa & 0xfff00000) | 2 | (w ? 1 << 10 : 2 << 10));
	} else {
		mem_put(mem, d->ptpool + (va >> 20) * 4, 4,
		    (pa & (m->super ? 0xff000000 : 0xfff00000)) | 2 |
		    (m->super ? 1 << 18 : 0) | (w ? 0 : 1 << 13) |
		    (x ? 0 : 1 << 4));
	}
}

static void
build_tables(struct memory *mem)
{
	const struct mapdesc *d = mem->d;
	uint64_t root_len = d->mmu == 3 ? 4096 : 16384;

	mem->next_table = d->ptpool;
	new_table(mem, root_len);
	for (size_t i = 0; i < d->nmaps; i++) {
		const struct md_map *m = &d->maps[i];
		uint64_t step = m->block ? 0x200000 : m->section || m->super ?
		    0x100000 : PG;
		for (uint64_t off = 0; off < m->size; off += step) {
			if (step != PG)
				put_large(mem, m, off);
			else
				mem_put(mem, leaf_slot(mem, m->va + off),
				    mapdesc_entry_size(d), encode(d, m, m->pa + off));
		}
	}
	for (size_t i = 0; i < d->nraws; i++)
		mem_put(mem, leaf_slot(mem, d->raws[i].va), mapdesc_entry_size(d),
		    d->raws[i].value);
}

static void
put_phdr(unsigned char *p, uint32_t type, uint64_t off, uint64_t va,
    uint64_t pa, uint64_t size, int be)
{
	put32(p, type, be);
	put32(p + 4, (uint32_t)off, be);
	put32(p + 8, (uint32_t)va, be);
	put32(p + 12, (uint32_t)pa, be);
	put32(p + 16, (uint32_t)size, be);
	put32(p + 20, (uint32_t)size, be);
	put32(p + 24, 4, be);		/* PF_R */
	put32(p + 28, PG, be);
}

static int
write_elfcore(const struct mapdesc *d, const char *path,
    struct mkcore_layout *lo)
{
	struct memory mem = { .d = d };
	unsigned char hdr[PG] = { 0 };
	size_t nph = d->nphys + 1;
	int be = d->big_endian;
	uint64_t off = PG;
	FILE *f;

	for (size_t i = 0; i < d->nphys; i++) {
		uint64_t len = d->phys[i].end - d->phys[i].start;
		if (d->phys[i].end > (1ull << 32)) {
			fprintf(stderr, "mkcore: an ELF32 core cannot hold physical "
			    "addresses above 4 GiB\n");
			return -1;
		}
		mem.buf[i] = malloc(len);
		for (uint64_t pa = d->phys[i].start; pa < d->phys[i].end; pa += PG) {
			unsigned char page[PG];
			fill_page(d, pa, page);
			memcpy(mem.buf[i] + (pa - d->phys[i].start), page,
			    d->phys[i].end - pa < PG ? d->phys[i].end - pa : PG);
		}
	}
	build_tables(&mem);

	memcpy(hdr, "\177ELF", 4);
	hdr[4] = 1;			/* ELFCLASS32 */
	hdr[5] = be ? 2 : 1;
	hdr[6] = 1;
	hdr[7] = 9;			/* FreeBSD */
	hdr[be ? 17 : 16] = 4;		/* ET_CORE */
	hdr[be ? 19 : 18] = 40;		/* EM_ARM */
	put32(hdr + 20, 1, be);
	put32(hdr + 28, 52, be);	/* e_phoff */
	hdr[be ? 41 : 40] = 52;		/* e_ehsize */
	hdr[be ? 43 : 42] = 32;		/* e_phentsize */
	hdr[be ? 45 : 44] = (unsigned char)nph;
	for (size_t i = 0; i < d->nphys; i++) {
		uint64_t len = d->phys[i].end - d->phys[i].start;
		put_phdr(hdr + 52 + i * 32, 1, off, d->phys[i].start,
		    d->phys[i].start, len, be);
		off += (len + PG - 1) & ~(PG - 1);
	}
	put_phdr(hdr + 52 + d->nphys * 32, 0x6fb5d000, 0, d->kernbase,
	    d->kernphys, 0, be);
	f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	write_all(f, hdr, PG);
	lo->data_off = PG;
	lo->pages = 0;
	for (size_t i = 0; i < d->nphys; i++) {
		uint64_t len = d->phys[i].end - d->phys[i].start;
		static const unsigned char zero[PG];
		write_all(f, mem.buf[i], len);
		write_all(f, zero, (size_t)(((len + PG - 1) & ~(PG - 1)) - len));
		lo->pages += len / PG;
		free(mem.buf[i]);
	}
	lo->file_size = (uint64_t)ftell(f);
	lo->ptes_off = 0;
	lo->nbits = 0;
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- kernel ELF ---- */

static int
section_of(const struct mapdesc *d, uint64_t value, const size_t *secidx)
{
	for (size_t i = 0; i < d->nblobs; i++)
		if (d->blobs[i].in_elf && value - d->blobs[i].va < d->blobs[i].len)
			return (int)secidx[i];
	return -1;
}

/* Section names, collected as sections are made. */
struct names {
	char buf[8192];
	size_t len;
};

static Elf_Scn *
new_section(Elf *e, const char *name, struct names *shstr,
    Elf32_Word type, Elf32_Word flags, uint64_t addr, void *buf, size_t len,
    Elf_Type dtype, size_t align)
{
	Elf_Scn *scn = elf_newscn(e);
	Elf_Data *data = elf_newdata(scn);
	Elf32_Shdr *sh = elf32_getshdr(scn);

	data->d_buf = buf;
	data->d_size = len;
	data->d_type = dtype;
	data->d_align = align;
	data->d_version = EV_CURRENT;
	sh->sh_name = (Elf32_Word)shstr->len;
	sh->sh_type = type;
	sh->sh_flags = flags;
	sh->sh_addr = (Elf32_Addr)addr;
	sh->sh_addralign = (Elf32_Word)align;
	memcpy(shstr->buf + shstr->len, name, strlen(name) + 1);
	shstr->len += strlen(name) + 1;
	return scn;
}

/*
 * .ARM.attributes as the ARM EABI lays it out and gcc writes it: format
 * 'A', one "aeabi" subsection (32-bit length in the ELF's byte order), one
 * Tag_File group holding Tag_CPU_name (a string), Tag_CPU_arch and
 * Tag_ARM_ISA_use (ULEB128 numbers).  Returns the bytes written to b.
 */
static size_t
arm_attributes(const struct mapdesc *d, unsigned char *b)
{
	static const char cpu_name[] = "kvmarm-test";
	size_t n = 0, sub, file;
	unsigned arch = (unsigned)(d->cpu_arch - 1);

	b[n++] = 'A';
	sub = n;
	n += 4;
	memcpy(b + n, "aeabi", 6);
	n += 6;
	file = n;
	b[n++] = 1;			/* Tag_File */
	n += 4;
	b[n++] = 5;			/* Tag_CPU_name */
	memcpy(b + n, cpu_name, sizeof(cpu_name));
	n += sizeof(cpu_name);
	b[n++] = 6;			/* Tag_CPU_arch, ULEB128 */
	do {
		b[n++] = (unsigned char)((arch & 0x7f) | (arch > 0x7f ? 0x80 : 0));
		arch >>= 7;
	} while (arch != 0);
	b[n++] = 8;			/* Tag_ARM_ISA_use */
	b[n++] = 1;
	put32(b + sub, (uint32_t)(n - sub), d->big_endian);
	put32(b + file + 1, (uint32_t)(n - file), d->big_endian);
	return n;
}

static int
write_kernel(const struct mapdesc *d, const char *path)
{
	static unsigned char attrs[64];
	struct names shstr = { "", 1 };
	char *strtab = calloc(1, 1 + d->nsyms * sizeof(d->syms[0].name));
	size_t strlen_ = 1, secidx[MD_MAX] = { 0 }, nsym = 1, nlocal = 1;
	Elf32_Sym *syms = calloc(d->nsyms + 1, sizeof(*syms));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	Elf *e;
	Elf32_Ehdr *eh;
	Elf_Scn *symscn, *strscn, *shscn;

	if (fd < 0) {
		perror(path);
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_WRITE, NULL);
	eh = elf32_newehdr(e);
	eh->e_ident[EI_DATA] = d->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	eh->e_ident[EI_OSABI] = ELFOSABI_FREEBSD;
	eh->e_machine = EM_ARM;
	eh->e_type = ET_EXEC;
	eh->e_entry = (Elf32_Addr)d->kernbase;
	for (size_t i = 0; i < d->nblobs; i++) {
		if (!d->blobs[i].in_elf)
			continue;
		Elf_Scn *s = new_section(e, d->blobs[i].section, &shstr,
		    SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, d->blobs[i].va,
		    d->blobs[i].bytes, d->blobs[i].len, ELF_T_BYTE, 1);
		secidx[i] = elf_ndxscn(s);
	}
	if (d->cpu_arch > 0)
		new_section(e, ".ARM.attributes", &shstr, 0x70000003u /* SHT_ARM_ATTRIBUTES */,
		    0, 0, attrs, arm_attributes(d, attrs), ELF_T_BYTE, 1);
	/* Locals first, as ELF requires; sh_info is the first global. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < d->nsyms; i++) {
			const struct md_sym *s = &d->syms[i];
			Elf32_Sym *es;
			int sec;
			if (s->local != (pass == 0))
				continue;
			es = &syms[nsym++];
			es->st_name = (Elf32_Word)strlen_;
			memcpy(strtab + strlen_, s->name, strlen(s->name) + 1);
			strlen_ += strlen(s->name) + 1;
			es->st_value = (Elf32_Addr)s->value;
			es->st_size = 4;
			sec = section_of(d, s->value, secidx);
			es->st_shndx = (Elf32_Half)(s->kind == 'a' || sec < 0 ? SHN_ABS : sec);
			es->st_info = ELF32_ST_INFO(s->local ? STB_LOCAL : STB_GLOBAL,
			    s->kind == 'f' ? STT_FUNC : s->kind == 'o' ? STT_OBJECT : STT_NOTYPE);
			if (pass == 0)
				nlocal = nsym;
		}
	}
	strscn = new_section(e, ".strtab", &shstr, SHT_STRTAB, 0, 0, strtab,
	    strlen_, ELF_T_BYTE, 1);
	symscn = new_section(e, ".symtab", &shstr, SHT_SYMTAB, 0, 0, syms,
	    nsym * sizeof(*syms), ELF_T_SYM, 4);
	elf32_getshdr(symscn)->sh_link = (Elf32_Word)elf_ndxscn(strscn);
	elf32_getshdr(symscn)->sh_info = (Elf32_Word)nlocal;
	elf32_getshdr(symscn)->sh_entsize = sizeof(Elf32_Sym);
	shscn = new_section(e, ".shstrtab", &shstr, SHT_STRTAB, 0, 0, shstr.buf,
	    0, ELF_T_BYTE, 1);
	elf_getdata(shscn, NULL)->d_size = shstr.len;
	eh->e_shstrndx = (Elf32_Half)elf_ndxscn(shscn);
	if (elf_update(e, ELF_C_WRITE) < 0) {
		fprintf(stderr, "%s: %s\n", path, elf_errmsg(-1));
		elf_end(e);
		close(fd);
		free(syms);
		free(strtab);
		return -1;
	}
	elf_end(e);
	close(fd);
	free(syms);
	free(strtab);
	return 0;
}

/* ---- manifest: expected facts, from the description alone ---- */

/*
 * The a.out type nlist(3) gives: absolute where the writer found no section
 * for the symbol, else data (the writer's sections are writable PROGBITS);
 * external unless local.
 */
static unsigned
expected_ntype(const struct mapdesc *d, const struct md_sym *s)
{
	int in_section = 0;

	for (size_t i = 0; i < d->nblobs; i++)
		in_section |= d->blobs[i].in_elf &&
		    s->value - d->blobs[i].va < d->blobs[i].len;
	return (s->kind == 'a' || !in_section ? 2u : 6u) | (s->local ? 0u : 1u);
}

static void
manifest_vtop(FILE *f, const struct mapdesc *d, uint64_t va)
{
	uint64_t pa;

	if (!mapdesc_va_to_pa(d, va, &pa) || !mapdesc_pa_dumped(d, pa)) {
		fprintf(f, "fail 0x%llx\n", (unsigned long long)va);
		return;
	}
	fprintf(f, "vtop 0x%llx 0x%llx\nread 0x%llx ", (unsigned long long)va,
	    (unsigned long long)pa, (unsigned long long)va);
	for (unsigned i = 0; i < 16; i++) {
		uint64_t pai;
		if (!mapdesc_va_to_pa(d, va + i, &pai) || !mapdesc_pa_dumped(d, pai))
			break;
		fprintf(f, "%02x", mapdesc_byte(d, pai));
	}
	fputc('\n', f);
}

static int
write_manifest(const struct mapdesc *d, const char *path,
    const struct mkcore_layout *lo)
{
	FILE *f = fopen(path, "w");
	uint64_t walk = 0;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	fprintf(f, "# expected facts, written by mkcore from the description\n");
	/* A full ELF core has neither a minidump version nor a format tag. */
	fprintf(f, "version %u\nmmuformat %u\nbig_endian %d\n",
	    d->elf ? 0 : d->version, d->elf ? 0 : d->mmu, d->big_endian);
	fprintf(f, "kernbase 0x%llx\nkva_end 0x%llx\n",
	    (unsigned long long)d->kernbase,
	    (unsigned long long)(d->kernbase + d->kva_size));
	fprintf(f, "pages_dumped %llu\npage_data_offset %llu\nfile_size %llu\n",
	    (unsigned long long)lo->pages, (unsigned long long)lo->data_off,
	    (unsigned long long)lo->file_size);
	fprintf(f, "msgbuf_size %u\npage_data_rounded %d\n", d->msgbufsize,
	    d->pad_ptes && (d->kva_size / PG * mapdesc_entry_size(d)) % PG != 0);
	for (uint64_t va = d->kernbase; va < d->kernbase + d->kva_size; va += PG) {
		uint64_t pa;
		walk += mapdesc_va_to_pa(d, va, &pa);
	}
	fprintf(f, "walk_pages %llu\n", (unsigned long long)walk);
	for (size_t i = 0; i < d->nmaps; i++) {
		const struct md_map *m = &d->maps[i];
		manifest_vtop(f, d, m->va);
		if (mapdesc_find(d, m->va) == m && m->va >= d->kernbase &&
		    m->va - d->kernbase < d->kva_size)
			fprintf(f, "prot 0x%llx %u\n", (unsigned long long)m->va,
			    (m->prot | 1) & (d->mmu == 1 ? 3u : 7u));
		manifest_vtop(f, d, m->va + m->size / 2 + 0x123);
		manifest_vtop(f, d, m->va + m->size - 8);
	}
	for (size_t i = 0; i < d->nblobs; i++)
		manifest_vtop(f, d, d->blobs[i].va);
	for (size_t i = 0; i < d->nsyms; i++)
		fprintf(f, "sym %s 0x%llx %u\n", d->syms[i].name,
		    (unsigned long long)d->syms[i].value,
		    expected_ntype(d, &d->syms[i]));
	fprintf(f, "nosym no_such_symbol_in_this_kernel\n");
	fprintf(f, "fail 0x%llx\n", (unsigned long long)(d->kernbase + d->kva_size));
	if (d->kernbase >= PG)
		fprintf(f, "fail 0x%llx\n", (unsigned long long)(d->kernbase - PG));
	return fclose(f);
}

int
mkcore_write(const struct mapdesc *d, const char *core, const char *kernel,
    const char *manifest, struct mkcore_layout *out)
{
	struct mkcore_layout lo = { 0 };

	if (core != NULL && (d->elf ? write_elfcore(d, core, &lo) :
	    write_core(d, core, &lo)) != 0)
		return -1;
	if (kernel != NULL && write_kernel(d, kernel) != 0)
		return -1;
	if (manifest != NULL && write_manifest(d, manifest, &lo) != 0)
		return -1;
	if (out != NULL)
		*out = lo;
	return 0;
}
