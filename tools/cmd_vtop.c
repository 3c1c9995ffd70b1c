/*
 * cmd_vtop.c: kvmarm vtop ADDR...: for each address its physical address
 * and file offset, or why there is none.  A line (or JSON record) per
 * address, in order, so a failure never hides the others.
 */
#include <string.h>

#include "json.h"
#include "kvmarm.h"

struct vtop_result {
	const char *input;
	int resolved;		/* the address (or symbol) is known */
	kvaddr_t va;
	int mapped;		/* a valid PTE: pa is known */
	kpaddr_t pa;
	int dumped;		/* the page is in the file */
	off_t offset;
	size_t left;		/* bytes left in the page */
	const char *symbol;	/* "sym+0xoff" holding va, or NULL */
	char symbuf[256];
	char why[512];
};

/* The library's reason without its "invalid address (0x...): " lead. */
static void
reason(const struct cli *c, char *why, size_t len)
{
	const char *msg = kvm_geterr(c->kd);
	const char *lead = "invalid address (", *p;

	if (strncmp(msg, lead, strlen(lead)) == 0 &&
	    (p = strstr(msg, "): ")) != NULL)
		msg = p + 3;
	snprintf(why, len, "%s", msg);
}

/*
 * Resolve spec into r; EXIT_NO (a missing symbol) leaves r unresolved with
 * the reason in r->why, any other failure is for the caller to report.
 */
static int
resolve(const struct cli *c, const char *spec, struct vtop_result *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->input = spec;
	r->offset = -1;
	rc = resolve_address(c, spec, &r->va, r->why, sizeof(r->why));
	r->resolved = rc == EXIT_OK;
	if (r->resolved)
		r->symbol = symbol_of(c, r->va, r->symbuf, sizeof(r->symbuf));
	return rc;
}

/* Translate the resolved r->va; EXIT_OK when its page is in the dump. */
static int
translate(const struct cli *c, struct vtop_result *r)
{
	/* pa is filled only once a PTE translated va, even if not dumped. */
	r->pa = UINT64_MAX;
	r->left = kvm_arm_kvatop(c->kd, r->va, &r->pa, &r->offset);
	r->mapped = r->pa != UINT64_MAX;
	r->dumped = r->left > 0;
	if (!r->dumped) {
		reason(c, r->why, sizeof(r->why));
		return EXIT_NO;
	}
	return EXIT_OK;
}

static void
print_text(const struct vtop_result *r)
{
	if (!r->resolved) {
		printf("%s: %s\n", r->input, r->why);
		return;
	}
	if (r->input[0] < '0' || r->input[0] > '9')
		printf("%s ", r->input);
	printf("0x%08llx ", (unsigned long long)r->va);
	/* Where a number is; an operand that is a symbol says so already. */
	if (r->symbol != NULL && r->input[0] >= '0' && r->input[0] <= '9')
		printf("<%s> ", r->symbol);
	printf("-> ");
	if (!r->mapped)
		printf("not mapped: %s\n", r->why);
	else if (!r->dumped)
		printf("0x%08llx -> not dumped: %s\n",
		    (unsigned long long)r->pa, r->why);
	else
		printf("0x%08llx -> offset 0x%llx\n", (unsigned long long)r->pa,
		    (unsigned long long)r->offset);
}

static void
print_json(struct json *j, const struct vtop_result *r)
{
	json_object(j, NULL, 1);
	json_str(j, "input", r->input);
	if (r->resolved)
		json_uint(j, "va", r->va);
	else
		json_null(j, "va");
	if (r->symbol != NULL)
		json_str(j, "symbol", r->symbol);
	else
		json_null(j, "symbol");
	json_bool(j, "mapped", r->mapped);
	if (r->mapped)
		json_uint(j, "pa", r->pa);
	else
		json_null(j, "pa");
	json_bool(j, "dumped", r->dumped);
	if (r->dumped) {
		json_uint(j, "offset", (uint64_t)r->offset);
		json_uint(j, "bytes_left", r->left);
		json_null(j, "error");
	} else {
		json_null(j, "offset");
		json_null(j, "bytes_left");
		json_str(j, "error", r->why);
	}
	json_end(j);
}

int
cmd_vtop(struct cli *c)
{
	struct vtop_result r;
	struct json j;
	int rc = EXIT_OK, rrc;

	/*
	 * An operand that is no address (malformed, past 32 bits, a symbol
	 * without -N or without a symbol table) is a usage error before any
	 * output; only a symbol the kernel lacks is the dump saying no.
	 */
	for (int i = 0; i < c->nargs; i++) {
		if (!address_syntax_ok(c->args[i]))
			return cli_usage("bad address '%s' (hex 0x..., decimal "
			    "or SYMBOL[{+|-}OFF])", c->args[i]);
		rrc = resolve(c, c->args[i], &r);
		if (rrc != EXIT_OK && rrc != EXIT_NO)
			return resolve_error(rrc, r.why);
	}
	if (c->json) {
		json_init(&j, stdout);
		json_object(&j, NULL, 0);
		json_str(&j, "file", c->core);
		json_array(&j, "addresses", 0);
	}
	for (int i = 0; i < c->nargs; i++) {
		if (resolve(c, c->args[i], &r) != EXIT_OK ||
		    translate(c, &r) != EXIT_OK)
			rc = EXIT_NO;
		if (c->json)
			print_json(&j, &r);
		else
			print_text(&r);
	}
	if (c->json)
		json_finish(&j);
	return rc;
}
