/*
 * srcline.c: kvm_arm_srcline, a pc's source file and line from the kernel
 * ELF's DWARF line table (libdw; the DWARF is opened once, on first use).
 */
#include "kvm_private.h"
#include "unwind.h"

int
kvm_arm_srcline(kvm_t *kd, kvaddr_t pc, const char **file, int *line)
{
	struct unwinder *u;
	Dwarf_Die cu;
	Dwarf_Line *l;
	Dwarf *dw;
	const char *src;
	int n;

	if (kd == NULL || kd->symtab == NULL)
		return 0;
	u = kd->unwinder != NULL ? kd->unwinder : unwinder_get(kd);
	if (u == NULL || (dw = unwinder_dwarf(u)) == NULL ||
	    dwarf_addrdie(dw, pc, &cu) == NULL ||
	    (l = dwarf_getsrc_die(&cu, pc)) == NULL ||
	    dwarf_lineno(l, &n) != 0 || n <= 0 ||
	    (src = dwarf_linesrc(l, NULL, NULL)) == NULL)
		return 0;
	if (file != NULL)
		*file = src;
	if (line != NULL)
		*line = n;
	return 1;
}
