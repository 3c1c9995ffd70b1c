/*
 * symtab.c: the kernel ELF: byte order, machine check, and its symbol
 * table indexed once in a hash table so each kvm_nlist2 name costs O(1);
 * for address-to-symbol lookups, the same symbols sorted by address (built
 * on the first lookup, then a binary search each).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvm_private.h"

#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES	0x70000003
#endif

struct sym {
	const char *name;	/* points into libelf's string table */
	uint32_t hash;
	unsigned char type;
	kvaddr_t value;
};

/* A symbol an address can fall in, for symtab_symbolize. */
struct addrsym {
	kvaddr_t value, size;	/* size 0: up to the next symbol */
	const char *name;
	unsigned rank;		/* which of several at one address wins */
};

struct symtab {
	int fd;
	Elf *elf;
	struct sym *slots;	/* open addressing; name NULL = empty */
	size_t mask;
	char missing[512];	/* why there are no symbols, or "" */
	size_t symndx;		/* the symbol table's section, or 0 */
	size_t strndx;		/* its string table's */
	struct addrsym *byaddr;	/* sorted by value, one per address */
	size_t nbyaddr;
	int byaddr_built;
};

static uint32_t
hash_name(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * The a.out type FreeBSD's nlist(3) reports, which libkvm passes on: by
 * the symbol's section (writable PROGBITS data, other PROGBITS text, NOBITS
 * bss), absolute and file symbols by their own kind, and external only for
 * global and weak bindings.
 */
static unsigned char
nlist_type(Elf *elf, const GElf_Sym *s)
{
	unsigned char t = N_UNDF;
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (s->st_shndx == SHN_ABS)
		t = GELF_ST_TYPE(s->st_info) == STT_FILE ? N_FN : N_ABS;
	else if (s->st_shndx != SHN_COMMON &&
	    (scn = elf_getscn(elf, s->st_shndx)) != NULL &&
	    gelf_getshdr(scn, &sh) != NULL) {
		if (sh.sh_type == SHT_PROGBITS)
			t = sh.sh_flags & SHF_WRITE ? N_DATA : N_TEXT;
		else if (sh.sh_type == SHT_NOBITS)
			t = N_BSS;
	}
	if (GELF_ST_BIND(s->st_info) == STB_GLOBAL ||
	    GELF_ST_BIND(s->st_info) == STB_WEAK)
		t |= N_EXT;
	return t;
}

static void
insert(struct symtab *st, const struct sym *s)
{
	size_t i = s->hash & st->mask;

	for (; st->slots[i].name != NULL; i = (i + 1) & st->mask) {
		struct sym *o = &st->slots[i];
		if (o->hash == s->hash && strcmp(o->name, s->name) == 0) {
			/* A global definition beats a local of the same name. */
			if (!(o->type & N_EXT) && (s->type & N_EXT))
				*o = *s;
			return;
		}
	}
	st->slots[i] = *s;
}

/* Index the section's symbols; returns 0 or -1 with err set. */
static int
index_symbols(struct symtab *st, Elf_Scn *scn, const GElf_Shdr *sh,
    const char *path, char *err, size_t errlen)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t symsize = gelf_fsize(st->elf, ELF_T_SYM, 1, EV_CURRENT);
	size_t n, cap = 16;

	/* Count by the real entry size, not sh_entsize: the file may lie. */
	if (data == NULL || symsize == 0) {
		snprintf(err, errlen, "%s: unreadable symbol table: %s", path,
		    elf_errmsg(-1));
		return -1;
	}
	n = data->d_size / symsize;
	while (cap < 2 * n)
		cap <<= 1;
	st->slots = calloc(cap, sizeof(*st->slots));
	if (st->slots == NULL) {
		snprintf(err, errlen, "%s: out of memory for %zu symbols",
		    path, n);
		return -1;
	}
	st->mask = cap - 1;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym gs;
		struct sym s;
		if (gelf_getsym(data, (int)i, &gs) == NULL ||
		    gs.st_shndx == SHN_UNDEF || gs.st_name == 0 ||
		    GELF_ST_TYPE(gs.st_info) == STT_SECTION)
			continue;
		s.name = elf_strptr(st->elf, sh->sh_link, gs.st_name);
		if (s.name == NULL) {
			snprintf(err, errlen, "%s: symbol %zu has no readable "
			    "name (string table section %u): %s", path, i,
			    (unsigned)sh->sh_link, elf_errmsg(-1));
			return -1;
		}
		if (s.name[0] == '\0')
			continue;
		s.hash = hash_name(s.name);
		s.type = nlist_type(st->elf, &gs);
		s.value = gs.st_value;
		insert(st, &s);
	}
	return 0;
}

struct symtab *
symtab_open(const char *path, int *big_endian, char *err, size_t errlen)
{
	struct symtab *st = calloc(1, sizeof(*st));
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh, symsh = { 0 };
	size_t nscn;
	struct stat sb;
	char *ident;

	if (st == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	st->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (st->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (elf_version(EV_CURRENT) == EV_NONE ||
	    (st->elf = elf_begin(st->fd, ELF_C_READ, NULL)) == NULL ||
	    elf_kind(st->elf) != ELF_K_ELF || gelf_getehdr(st->elf, &eh) == NULL ||
	    (ident = elf_getident(st->elf, NULL)) == NULL) {
		size_t n = 0;
		const char *raw = st->elf ? elf_rawfile(st->elf, &n) : NULL;
		snprintf(err, errlen, "%s: not an ELF file%s", path,
		    raw != NULL && n >= 8 && memcmp(raw, "minidump", 8) == 0 ?
		    " but a crash dump (are the kernel and core swapped?)" : "");
		goto fail;
	}
	if (ident[EI_CLASS] != ELFCLASS32 || eh.e_machine != EM_ARM) {
		snprintf(err, errlen, "%s: not a 32-bit ARM kernel (ELF class "
		    "%d, machine %u)", path, ident[EI_CLASS], eh.e_machine);
		goto fail;
	}
	if (eh.e_type == ET_CORE) {
		snprintf(err, errlen, "%s: is an ELF core, not a kernel "
		    "(are the kernel and core swapped?)", path);
		goto fail;
	}
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB) {
		snprintf(err, errlen, "%s: unknown ELF byte order %d", path,
		    ident[EI_DATA]);
		goto fail;
	}
	*big_endian = ident[EI_DATA] == ELFDATA2MSB;
	/* libelf shows headers past the end as "no sections": say what it is. */
	if (fstat(st->fd, &sb) != 0 || eh.e_shoff > (uint64_t)sb.st_size ||
	    (uint64_t)eh.e_shnum * eh.e_shentsize >
	    (uint64_t)sb.st_size - eh.e_shoff) {
		snprintf(err, errlen, "%s: truncated or corrupt: its %u section "
		    "headers at offset %llu run past the end of the file",
		    path, (unsigned)eh.e_shnum, (unsigned long long)eh.e_shoff);
		goto fail;
	}
	if (elf_getshdrnum(st->elf, &nscn) != 0) {
		snprintf(err, errlen, "%s: unreadable section headers: %s", path,
		    elf_errmsg(-1));
		goto fail;
	}
	/* .symtab, else the dynamic one a stripped kernel keeps. */
	while ((scn = elf_nextscn(st->elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL) {
			snprintf(err, errlen, "%s: unreadable section header %zu: "
			    "%s", path, elf_ndxscn(scn), elf_errmsg(-1));
			goto fail;
		}
		if (sh.sh_type == SHT_SYMTAB ||
		    (sh.sh_type == SHT_DYNSYM && symscn == NULL)) {
			symscn = scn;
			symsh = sh;
		}
	}
	if (symscn == NULL)
		snprintf(st->missing, sizeof(st->missing), "%s: no symbol table "
		    "(a stripped kernel? try its kernel.debug)", path);
	else if (index_symbols(st, symscn, &symsh, path, err, errlen) != 0)
		goto fail;
	if (symscn != NULL) {
		st->symndx = elf_ndxscn(symscn);
		st->strndx = symsh.sh_link;
	}
	return st;
fail:
	symtab_close(st);
	return NULL;
}

void
symtab_close(struct symtab *st)
{
	if (st == NULL)
		return;
	if (st->elf != NULL)
		elf_end(st->elf);
	if (st->fd >= 0)
		close(st->fd);
	free(st->slots);
	free(st->byaddr);
	free(st);
}

int
symtab_cpu_arch(const struct symtab *st)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	char *ident = elf_getident(st->elf, NULL);

	while (ident != NULL && (scn = elf_nextscn(st->elf, scn)) != NULL) {
		Elf_Data *d;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != SHT_ARM_ATTRIBUTES ||
		    (d = elf_rawdata(scn, NULL)) == NULL || d->d_buf == NULL)
			continue;
		return arm_attributes_cpu_arch(d->d_buf, d->d_size,
		    ident[EI_DATA] == ELFDATA2MSB);
	}
	return -1;
}

const char *
symtab_missing(const struct symtab *st)
{
	return st->missing[0] != '\0' ? st->missing : NULL;
}

/*
 * Bytes of the kernel ELF's loaded image at va (PROGBITS sections that
 * occupy memory): what a variable held when the kernel was linked, for
 * read-only data a dump may lack.  1 when all len bytes were found.
 */
int
symtab_read(const struct symtab *st, kvaddr_t va, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(st->elf, scn)) != NULL) {
		Elf_Data *d;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_ALLOC) ||
		    va < sh.sh_addr || va - sh.sh_addr > sh.sh_size ||
		    len > sh.sh_size - (va - sh.sh_addr))
			continue;
		/* Raw bytes: the caller decodes them in the target's order. */
		d = elf_rawdata(scn, NULL);
		if (d == NULL || d->d_buf == NULL ||
		    d->d_size < (va - sh.sh_addr) + len)
			return 0;
		memcpy(buf, (const char *)d->d_buf + (va - sh.sh_addr), len);
		return 1;
	}
	return 0;
}

Elf *
symtab_elf(const struct symtab *st)
{
	return st->elf;
}

int
symtab_lookup(const struct symtab *st, const char *name, kvaddr_t *value,
    unsigned char *type)
{
	uint32_t h;

	if (st->slots == NULL)
		return 0;
	h = hash_name(name);
	for (size_t i = h & st->mask; st->slots[i].name != NULL;
	    i = (i + 1) & st->mask) {
		const struct sym *s = &st->slots[i];
		if (s->hash == h && strcmp(s->name, name) == 0) {
			*value = s->value;
			*type = s->type;
			return 1;
		}
	}
	return 0;
}

/*
 * ARM mapping symbols ($a, $d, $t, and $a.N...) mark where code and data
 * start inside a function or object; they name nothing.
 */
static int
is_mapping_symbol(const char *name)
{
	return name[0] == '$' && (name[1] == 'a' || name[1] == 'd' ||
	    name[1] == 't' || name[1] == 'x') &&
	    (name[2] == '\0' || name[2] == '.');
}

/*
 * Of several symbols at one address the one a reader expects: a function
 * or object over a bare label, a global over a weak over a local, a sized
 * one over one without size.
 */
static unsigned
addr_rank(const GElf_Sym *s)
{
	unsigned r = 0;
	int type = GELF_ST_TYPE(s->st_info), bind = GELF_ST_BIND(s->st_info);

	if (type == STT_FUNC || type == STT_OBJECT)
		r += 4;
	if (bind == STB_GLOBAL)
		r += 2;
	else if (bind == STB_WEAK)
		r += 1;
	return r * 2 + (s->st_size != 0);
}

static int
addrsym_cmp(const void *a, const void *b)
{
	const struct addrsym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->rank != y->rank)		/* the best first */
		return x->rank > y->rank ? -1 : 1;
	return strcmp(x->name, y->name);	/* the same order on every host */
}

/* The address index: functions, objects and labels in allocated sections. */
static void
build_byaddr(struct symtab *st)
{
	Elf_Scn *scn = st->symndx != 0 ? elf_getscn(st->elf, st->symndx) : NULL;
	Elf_Data *data = scn != NULL ? elf_getdata(scn, NULL) : NULL;
	size_t symsize = gelf_fsize(st->elf, ELF_T_SYM, 1, EV_CURRENT);
	size_t n, out = 0;

	st->byaddr_built = 1;
	if (data == NULL || symsize == 0)
		return;
	n = data->d_size / symsize;
	st->byaddr = calloc(n ? n : 1, sizeof(*st->byaddr));
	if (st->byaddr == NULL)
		return;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym gs;
		const char *name;
		int type;

		if (gelf_getsym(data, (int)i, &gs) == NULL)
			continue;
		type = GELF_ST_TYPE(gs.st_info);
		if ((type != STT_FUNC && type != STT_OBJECT &&
		    type != STT_NOTYPE) || gs.st_shndx == SHN_UNDEF ||
		    gs.st_shndx == SHN_ABS || gs.st_shndx == SHN_COMMON ||
		    gs.st_name == 0)
			continue;
		name = elf_strptr(st->elf, st->strndx, gs.st_name);
		if (name == NULL || name[0] == '\0' || is_mapping_symbol(name))
			continue;
		st->byaddr[out].value = gs.st_value;
		st->byaddr[out].size = gs.st_size;
		st->byaddr[out].name = name;
		st->byaddr[out].rank = addr_rank(&gs);
		out++;
	}
	qsort(st->byaddr, out, sizeof(*st->byaddr), addrsym_cmp);
	/* Keep the best of each address. */
	n = out;
	out = 0;
	for (size_t i = 0; i < n; i++)
		if (out == 0 || st->byaddr[out - 1].value != st->byaddr[i].value)
			st->byaddr[out++] = st->byaddr[i];
	st->nbyaddr = out;
}

int
symtab_symbolize(struct symtab *st, kvaddr_t addr, const char **name,
    kvaddr_t *value, kvaddr_t *size)
{
	size_t lo = 0, hi;
	const struct addrsym *s;

	if (!st->byaddr_built)
		build_byaddr(st);
	/* The last symbol at or below addr. */
	hi = st->nbyaddr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->byaddr[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	s = &st->byaddr[lo - 1];
	if (s->size != 0 && addr - s->value >= s->size)
		return 0;	/* past its end: in a gap between symbols */
	*name = s->name;
	*value = s->value;
	if (size != NULL)
		*size = s->size;
	return 1;
}
