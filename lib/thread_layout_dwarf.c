/*
 * thread_layout_dwarf.c: struct proc, struct thread and struct pcb member
 * offsets from the kernel's DWARF (kernel.debug), for kernels older than
 * the exported proc_off_* variables, as kgdb does for them.
 *
 * Only top-level structure definitions are looked at (C defines them at
 * file scope); the search stops as soon as all three are found.
 */
#include <elfutils/libdw.h>
#include <dwarf.h>
#include <stdio.h>
#include <string.h>

#include "threads.h"

struct member_want {
	const char *name;
	uint32_t *offset;
	unsigned int *size;	/* the member's byte size, or NULL */
	int found;
};

/* A member's offset from its DW_AT_data_member_location: 0 or -1. */
static int
member_offset(Dwarf_Die *die, uint32_t *off)
{
	Dwarf_Attribute at;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_attr(die, DW_AT_data_member_location, &at) == NULL) {
		*off = 0;	/* a union member, or the first one */
		return 0;
	}
	if (dwarf_formudata(&at, &w) == 0) {
		*off = (uint32_t)w;
		return w <= UINT32_MAX ? 0 : -1;
	}
	/* DWARF 2 style: a location expression DW_OP_plus_uconst N. */
	if (dwarf_getlocation(&at, &ops, &nops) == 0 && nops == 1 &&
	    ops[0].atom == DW_OP_plus_uconst && ops[0].number <= UINT32_MAX) {
		*off = (uint32_t)ops[0].number;
		return 0;
	}
	return -1;
}

/* The byte size of a member's type (typedefs and qualifiers peeled). */
static int
member_size(Dwarf_Die *die, unsigned int *size)
{
	Dwarf_Attribute at;
	Dwarf_Die type;
	int n;

	if (dwarf_attr(die, DW_AT_type, &at) == NULL ||
	    dwarf_formref_die(&at, &type) == NULL ||
	    dwarf_peel_type(&type, &type) != 0 ||
	    (n = dwarf_bytesize(&type)) <= 0)
		return -1;
	*size = (unsigned int)n;
	return 0;
}

/* Fill the wanted members of a structure definition; count found. */
static void
read_members(Dwarf_Die *st, struct member_want *w, size_t nw)
{
	Dwarf_Die m;

	if (dwarf_child(st, &m) != 0)
		return;
	do {
		const char *name;

		if (dwarf_tag(&m) != DW_TAG_member ||
		    (name = dwarf_diename(&m)) == NULL)
			continue;
		for (size_t i = 0; i < nw; i++) {
			if (w[i].found || strcmp(name, w[i].name) != 0)
				continue;
			if (member_offset(&m, w[i].offset) != 0)
				continue;
			if (w[i].size != NULL && member_size(&m, w[i].size) != 0)
				continue;
			w[i].found = 1;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
}

int
thread_layout_from_dwarf(kvm_t *kd, struct thread_layout *l, char *why,
    size_t whylen)
{
	struct member_want proc_w[] = {
		{ "p_comm", &l->p_comm, NULL, 0 },
		{ "p_list", &l->p_list, NULL, 0 },
		{ "p_pid", &l->p_pid, NULL, 0 },
		{ "p_threads", &l->p_threads, NULL, 0 },
	};
	struct member_want thread_w[] = {
		{ "td_name", &l->td_name, NULL, 0 },
		{ "td_oncpu", &l->td_oncpu, &l->oncpu_size, 0 },
		{ "td_pcb", &l->td_pcb, NULL, 0 },
		{ "td_plist", &l->td_plist, NULL, 0 },
		{ "td_tid", &l->td_tid, NULL, 0 },
	};
	const struct {
		const char *name;
		struct member_want *want;
		size_t n;
	} structs[] = {
		{ "proc", proc_w, sizeof(proc_w) / sizeof(proc_w[0]) },
		{ "thread", thread_w, sizeof(thread_w) / sizeof(thread_w[0]) },
	};
	int have[2] = { 0, 0 }, have_pcb = 0;
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf *dw;

	if (kd->symtab == NULL) {
		snprintf(why, whylen, "no kernel ELF was given");
		return -1;
	}
	dw = kernel_dwarf_begin(symtab_elf(kd->symtab));
	if (dw == NULL) {
		snprintf(why, whylen, "the kernel has no DWARF (use its "
		    "kernel.debug)");
		return -1;
	}
	while (!(have[0] && have[1] && have_pcb) &&
	    dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, d;

		if (dwarf_offdie(dw, off + hsize, &cu) != NULL &&
		    dwarf_child(&cu, &d) == 0) {
			do {
				const char *name;
				Dwarf_Attribute at;

				if (dwarf_tag(&d) != DW_TAG_structure_type ||
				    dwarf_hasattr(&d, DW_AT_declaration) ||
				    (name = dwarf_diename(&d)) == NULL)
					continue;
				for (int s = 0; s < 2; s++) {
					if (have[s] ||
					    strcmp(name, structs[s].name) != 0)
						continue;
					read_members(&d, structs[s].want,
					    structs[s].n);
					have[s] = 1;
				}
				if (!have_pcb && strcmp(name, "pcb") == 0 &&
				    dwarf_attr(&d, DW_AT_byte_size, &at) != NULL) {
					int n = dwarf_bytesize(&d);
					if (n > 0) {
						l->pcb_size = (uint32_t)n;
						have_pcb = 1;
					}
				}
			} while (dwarf_siblingof(&d, &d) == 0);
		}
		off = next;
	}
	dwarf_end(dw);
	for (int s = 0; s < 2; s++) {
		if (!have[s]) {
			snprintf(why, whylen, "its DWARF has no struct %s",
			    structs[s].name);
			return -1;
		}
		for (size_t i = 0; i < structs[s].n; i++) {
			if (!structs[s].want[i].found) {
				snprintf(why, whylen, "its DWARF's struct %s has "
				    "no %s", structs[s].name,
				    structs[s].want[i].name);
				return -1;
			}
		}
	}
	if (!have_pcb || l->pcb_size < 48) {
		snprintf(why, whylen, "its DWARF has no struct pcb of 48 bytes "
		    "or more");
		return -1;
	}
	if (l->oncpu_size != 1 && l->oncpu_size != 4) {
		snprintf(why, whylen, "its DWARF gives td_oncpu %u bytes, "
		    "neither an int nor a u_char", l->oncpu_size);
		return -1;
	}
	return 0;
}
