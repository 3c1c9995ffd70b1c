/*
 * util.c: what every kvmarm subcommand needs: one-line errors that name
 * the file, numbers and addresses from the command line, and target words
 * decoded in the dump's byte order (never the host's).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kvmarm.h"

void
cli_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvmarm: %s: ", c->core);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_kvm_error(const struct cli *c)
{
	const char *msg = kvm_geterr(c->kd);
	size_t n = strlen(c->core);

	/* Most library messages start with the core's name already. */
	if (strncmp(msg, c->core, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		fprintf(stderr, "kvmarm: %s\n", msg);
	else
		cli_error(c, "%s", msg[0] != '\0' ? msg : "unknown error");
}

void
cli_open_error(const struct cli *c, const char *errbuf)
{
	if (strstr(errbuf, c->core) != NULL ||
	    (c->kernel != NULL && strstr(errbuf, c->kernel) != NULL))
		fprintf(stderr, "kvmarm: %s\n", errbuf);
	else
		cli_error(c, "%s", errbuf[0] ? errbuf : "cannot open");
}

int
cli_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("kvmarm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see kvmarm --help)\n", stderr);
	return EXIT_USAGE;
}

int
parse_number(const char *s, uint64_t *out)
{
	int base = 10;
	char *end;

	/* Decimal unless 0x: a leading 0 is not octal, as people mean 0100. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]))
		return -1;	/* also refuses strtoull's sign and spaces */
	errno = 0;
	*out = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

static int
symbol_char(int ch)
{
	return isalnum(ch) || ch == '_' || ch == '.' || ch == '$';
}

/*
 * Split SYMBOL[+OFF] or SYMBOL-OFF; the name's length, or 0 when malformed.
 * *neg says the offset is subtracted.
 */
static size_t
split_symbol(const char *spec, uint64_t *off, int *neg)
{
	size_t n = 0;

	while (symbol_char((unsigned char)spec[n]))
		n++;
	*off = 0;
	*neg = 0;
	if (n == 0)
		return 0;
	if (spec[n] == '\0')
		return n;
	if ((spec[n] != '+' && spec[n] != '-') ||
	    parse_number(spec + n + 1, off) != 0)
		return 0;
	*neg = spec[n] == '-';
	return n;
}

int
address_syntax_ok(const char *spec)
{
	uint64_t v;
	int neg;

	if (isdigit((unsigned char)spec[0]))
		return parse_number(spec, &v) == 0;
	return split_symbol(spec, &v, &neg) != 0;
}

int
resolve_address(const struct cli *c, const char *spec, kvaddr_t *va,
    char *why, size_t whylen)
{
	struct kvm_nlist nl[2];
	char *name;
	uint64_t off;
	size_t n;
	int rc, neg;

	if (isdigit((unsigned char)spec[0])) {
		if (parse_number(spec, va) != 0) {
			snprintf(why, whylen, "bad address '%s' (hex 0x... or "
			    "decimal)", spec);
			return EXIT_USAGE;
		}
		goto range;
	}
	n = split_symbol(spec, &off, &neg);
	if (n == 0) {
		snprintf(why, whylen, "bad address '%s' (ADDR or "
		    "SYMBOL[{+|-}OFF])", spec);
		return EXIT_USAGE;
	}
	if (c->kernel == NULL) {
		snprintf(why, whylen, "symbol '%.*s' needs the kernel: -N kernel",
		    (int)n, spec);
		return EXIT_USAGE;
	}
	/* Sized to the name: a kernel's symbols have no length limit. */
	if ((name = malloc(n + 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return RESOLVE_UNREADABLE;
	}
	memcpy(name, spec, n);
	name[n] = '\0';
	memset(nl, 0, sizeof(nl));
	nl[0].n_name = name;
	rc = kvm_nlist2(c->kd, nl);
	if (rc < 0) {
		/* No symbol table at all (stripped): not the symbol's fault. */
		snprintf(why, whylen, "%s", kvm_geterr(c->kd));
		free(name);
		return RESOLVE_UNREADABLE;
	}
	if (rc != 0) {
		snprintf(why, whylen, "%s: no symbol '%s'", c->kernel, name);
		free(name);
		return EXIT_NO;
	}
	free(name);
	if (neg ? off > nl[0].n_value : nl[0].n_value > UINT64_MAX - off) {
		snprintf(why, whylen, "bad address '%s': the offset runs past "
		    "%s", spec, neg ? "0" : "2^64");
		return EXIT_USAGE;
	}
	*va = neg ? nl[0].n_value - off : nl[0].n_value + off;
range:
	/* FreeBSD/arm kernel VAs are 32-bit, LPAE or not. */
	if (*va > KVA_MAX) {
		snprintf(why, whylen, "bad address '%s' (0x%llx): kernel "
		    "virtual addresses are 32-bit (at most 0x%llx)", spec,
		    (unsigned long long)*va, (unsigned long long)KVA_MAX);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Print resolve_address's failure (rc != EXIT_OK); the exit status. */
int
resolve_error(int rc, const char *why)
{
	if (rc == EXIT_USAGE)
		return cli_usage("%s", why);
	fprintf(stderr, "kvmarm: %s\n", why);
	return rc == RESOLVE_UNREADABLE ? EXIT_USAGE : rc;
}

uint64_t
target_word(const struct cli *c, const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++) {
		int k = c->info.big_endian ? i : n - 1 - i;

		v = v << 8 | p[k];
	}
	return v;
}

uint64_t
payload_end(const struct kvm_arm_info *in)
{
	return (strcmp(in->compression, "none") == 0 ? in->payload_offset :
	    0) + in->file_size;
}

const char *
prot_string(unsigned int prot, char buf[4])
{
	buf[0] = prot & KVM_PROT_READ ? 'r' : '-';
	buf[1] = prot & KVM_PROT_WRITE ? 'w' : '-';
	buf[2] = prot & KVM_PROT_EXECUTE ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/*
 * A header text field on one line: the kernel's version string ends in a
 * newline and may hold several lines, so runs of white space become one
 * space; bytes that are not printable are shown in octal and a backslash
 * as "\\" (as dmesg does), so the escapes cannot be forged.
 */
void
fput_text(FILE *f, const char *s)
{
	int space = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t' || ch == '\n') {
			space = 1;
			continue;
		}
		if (space)
			fputc(' ', f);
		space = 0;
		if (ch == '\\')
			fputs("\\\\", f);
		else if (ch >= 0x20 && ch < 0x7f)
			fputc(ch, f);
		else
			fprintf(f, "\\%03o", ch);
	}
}

void
put_text(const char *s)
{
	fput_text(stdout, s);
}

const char *
symbol_of(const struct cli *c, kvaddr_t va, char *buf, size_t len)
{
	const char *name;
	kvaddr_t off;

	if (c->kernel == NULL || !kvm_arm_symbolize(c->kd, va, &name, &off))
		return NULL;
	if (off == 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
	return buf;
}
