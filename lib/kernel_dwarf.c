/*
 * kernel_dwarf.c: open the kernel ELF's DWARF through libdw, for every
 * reader of it (the thread layout of old kernels, the unwinder's CFI,
 * source lines), with the checks libdw itself does not make.
 */
#include <elfutils/libdw.h>
#include <gelf.h>
#include <string.h>

#include "kvm_private.h"

/*
 * libdw (0.188) hands out strings of .debug_str and .debug_line_str as
 * pointers and reads them to their NUL: a section whose last string is cut
 * would be read past its end.  Such a kernel's DWARF is not used.
 */
static int
strings_terminated(Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) == NULL ||
		    (strcmp(name, ".debug_str") != 0 &&
		    strcmp(name, ".debug_line_str") != 0) ||
		    sh.sh_type == SHT_NOBITS)
			continue;
		/* Compressed: look at the bytes libdw will see. */
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
			return 0;
		d = elf_getdata(scn, NULL);
		if (d == NULL || (d->d_size > 0 &&
		    ((const char *)d->d_buf)[d->d_size - 1] != '\0'))
			return 0;
	}
	return 1;
}

Dwarf *
kernel_dwarf_begin(Elf *elf)
{
	if (elf == NULL || !strings_terminated(elf))
		return NULL;
	return dwarf_begin_elf(elf, DWARF_C_READ, NULL);
}
