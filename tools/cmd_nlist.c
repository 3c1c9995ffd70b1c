/*
 * cmd_nlist.c: kvmarm -N kernel nlist SYM...: each symbol's value and
 * type, through kvm_nlist2 (which also tries a name without its leading
 * '_', as a.out-era callers spell them).  A line per name, in order.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kvmarm.h"

/*
 * The a.out type as a word, as kvmarm(1) lists them (a type the library
 * does not give today comes out in hex, never as a wrong word).  N_FN
 * (0x1f) has the N_EXT bit set in its value, so it is told apart before
 * N_EXT is masked.
 */
static const char *
type_name(unsigned char type, char buf[8])
{
	if (type == N_FN)
		return "fn";
	switch (type & ~N_EXT) {
	case N_UNDF: return "undf";
	case N_ABS:  return "abs";
	case N_TEXT: return "text";
	case N_DATA: return "data";
	case N_BSS:  return "bss";
	case N_COMM: return "comm";
	default:
		snprintf(buf, 8, "0x%02x", type & ~N_EXT);
		return buf;
	}
}

/* A file-name symbol (N_FN) is never external, whatever its low bit. */
static int
is_external(unsigned char type)
{
	return type != N_FN && (type & N_EXT) != 0;
}

int
cmd_nlist(struct cli *c)
{
	struct kvm_nlist *nl = calloc((size_t)c->nargs + 1, sizeof(*nl));
	char *found = calloc((size_t)c->nargs + 1, 1);
	struct json j;
	char tbuf[8];
	int missing;

	if (nl == NULL || found == NULL) {
		free(nl);
		free(found);
		cli_error(c, "out of memory");
		return EXIT_USAGE;
	}
	for (int i = 0; i < c->nargs; i++) {
		if (c->args[i][0] == '\0') {
			free(nl);
			free(found);
			return cli_usage("empty symbol name");
		}
		nl[i].n_name = c->args[i];
	}
	/*
	 * One name per call: a found symbol may have n_type 0 (N_UNDF, a
	 * local in a section nlist(3) has no type for), so only the return
	 * value tells found from missing.
	 */
	missing = 0;
	for (int i = 0; i < c->nargs; i++) {
		struct kvm_nlist one[2];
		int rc;

		memset(one, 0, sizeof(one));
		one[0].n_name = nl[i].n_name;
		rc = kvm_nlist2(c->kd, one);
		if (rc < 0) {
			cli_kvm_error(c);
			free(nl);
			free(found);
			return EXIT_USAGE;
		}
		nl[i] = one[0];
		found[i] = rc == 0;
		missing += !found[i];
	}
	if (c->json) {
		json_init(&j, stdout);
		json_object(&j, NULL, 0);
		json_str(&j, "kernel", c->kernel);
		json_array(&j, "symbols", 0);
	}
	for (int i = 0; i < c->nargs; i++) {
		if (c->json) {
			json_object(&j, NULL, 1);
			json_str(&j, "name", nl[i].n_name);
			json_bool(&j, "found", found[i]);
			if (found[i]) {
				json_uint(&j, "value", nl[i].n_value);
				json_str(&j, "type", type_name(nl[i].n_type, tbuf));
				json_bool(&j, "external",
				    is_external(nl[i].n_type));
				json_uint(&j, "n_type", nl[i].n_type);
			} else {
				json_null(&j, "value");
				json_null(&j, "type");
				json_null(&j, "external");
				json_null(&j, "n_type");
			}
			json_end(&j);
		} else if (found[i]) {
			printf("%s 0x%08llx %s%s\n", nl[i].n_name,
			    (unsigned long long)nl[i].n_value,
			    type_name(nl[i].n_type, tbuf),
			    is_external(nl[i].n_type) ||
			    nl[i].n_type == N_FN ? "" : " local");
		} else {
			printf("%s - missing\n", nl[i].n_name);
		}
	}
	if (c->json)
		json_finish(&j);
	free(nl);
	free(found);
	return missing > 0 ? EXIT_NO : EXIT_OK;
}
