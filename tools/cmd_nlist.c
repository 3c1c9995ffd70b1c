/*
 * cmd_nlist.c: kvmarm -N kernel nlist SYM...: each symbol's value and
 * type, through kvm_nlist2 (which also tries a name without its leading
 * '_', as a.out-era callers spell them).  A line per name, in order.
 */
#include <stdlib.h>

#include "json.h"
#include "kvmarm.h"

/* The a.out type without N_EXT, as a word. */
static const char *
type_name(unsigned char type)
{
	switch (type & ~N_EXT) {
	case N_UNDF: return "undf";
	case N_ABS:  return "abs";
	case N_TEXT: return "text";
	case N_DATA: return "data";
	case N_BSS:  return "bss";
	case N_COMM: return "comm";
	case N_FN:   return "fn";
	default:     return "other";
	}
}

int
cmd_nlist(struct cli *c)
{
	struct kvm_nlist *nl = calloc((size_t)c->nargs + 1, sizeof(*nl));
	struct json j;
	int missing;

	if (nl == NULL) {
		cli_error(c, "out of memory");
		return EXIT_USAGE;
	}
	for (int i = 0; i < c->nargs; i++) {
		if (c->args[i][0] == '\0') {
			free(nl);
			return cli_usage("empty symbol name");
		}
		nl[i].n_name = c->args[i];
	}
	missing = kvm_nlist2(c->kd, nl);
	if (missing < 0) {
		cli_kvm_error(c);
		free(nl);
		return EXIT_USAGE;
	}
	if (c->json) {
		json_init(&j, stdout);
		json_object(&j, NULL, 0);
		json_str(&j, "kernel", c->kernel);
		json_array(&j, "symbols", 0);
	}
	for (int i = 0; i < c->nargs; i++) {
		/* kvm_nlist2 leaves n_type 0 exactly for the names it missed. */
		int found = nl[i].n_type != 0;

		if (c->json) {
			json_object(&j, NULL, 1);
			json_str(&j, "name", nl[i].n_name);
			json_bool(&j, "found", found);
			if (found) {
				json_uint(&j, "value", nl[i].n_value);
				json_str(&j, "type", type_name(nl[i].n_type));
				json_bool(&j, "external",
				    (nl[i].n_type & N_EXT) != 0);
				json_uint(&j, "n_type", nl[i].n_type);
			} else {
				json_null(&j, "value");
				json_null(&j, "type");
				json_null(&j, "external");
				json_null(&j, "n_type");
			}
			json_end(&j);
		} else if (found) {
			printf("%s 0x%08llx %s%s\n", nl[i].n_name,
			    (unsigned long long)nl[i].n_value,
			    type_name(nl[i].n_type),
			    nl[i].n_type & N_EXT ? "" : " local");
		} else {
			printf("%s - missing\n", nl[i].n_name);
		}
	}
	if (c->json)
		json_finish(&j);
	free(nl);
	return missing > 0 ? EXIT_NO : EXIT_OK;
}
