/*
 * symaddr.c: kvm_arm_symbolize, any kernel address as symbol + offset,
 * from the kernel ELF's symbol table (symtab.c keeps the sorted index).
 */
#include "kvm_private.h"

int
kvm_arm_symbolize(kvm_t *kd, kvaddr_t addr, const char **name,
    kvaddr_t *offset)
{
	const char *n;
	kvaddr_t value;

	if (kd == NULL || kd->symtab == NULL ||
	    !symtab_symbolize(kd->symtab, addr, &n, &value, NULL))
		return 0;
	if (name != NULL)
		*name = n;
	if (offset != NULL)
		*offset = addr - value;
	return 1;
}
