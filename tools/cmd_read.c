/*
 * cmd_read.c: kvmarm read ADDR|SYMBOL[{+|-}OFF] LEN: kernel virtual memory
 * as a hexdump, raw bytes or target words; with -N, a first line names the
 * symbol the address falls in, as gdb's x does ("c0104018 <version>:").
 */
#include <stdlib.h>

#include "hexdump.h"
#include "kvmarm.h"

#define PAGE 4096u

int
cmd_read(struct cli *c)
{
	unsigned char buf[PAGE];
	struct hexdump h;
	char why[512], sym[256];
	kvaddr_t va;
	uint64_t len;
	int rc;

	if (!address_syntax_ok(c->args[0]))
		return cli_usage("bad address '%s' (ADDR or SYMBOL[{+|-}OFF])",
		    c->args[0]);
	if (parse_number(c->args[1], &len) != 0 || len == 0)
		return cli_usage("bad length '%s' (a number > 0)", c->args[1]);
	if (c->word_size != 0 && len % (uint64_t)c->word_size != 0)
		return cli_usage("length %llu is not a multiple of the %d-byte "
		    "word", (unsigned long long)len, c->word_size);
	rc = resolve_address(c, c->args[0], &va, why, sizeof(why));
	if (rc != EXIT_OK)
		return resolve_error(rc, why);

	if (!c->raw && symbol_of(c, va, sym, sizeof(sym)) != NULL)
		printf("%08llx <%s>:\n", (unsigned long long)va, sym);
	hexdump_init(&h, c, stdout, va, c->word_size);
	/* A page at a time: what precedes a bad page is still printed. */
	while (len > 0) {
		size_t in_page = PAGE - (size_t)(va % PAGE);
		size_t want = len < in_page ? (size_t)len : in_page;
		ssize_t got = kvm_read2(c->kd, va, buf, want);

		if (got > 0) {
			if (c->raw)
				fwrite(buf, 1, (size_t)got, stdout);
			else
				hexdump_feed(&h, buf, (size_t)got);
		}
		if (got < 0 || (size_t)got < want) {
			if (!c->raw)
				hexdump_finish(&h);
			fflush(stdout);
			cli_kvm_error(c);
			return EXIT_NO;
		}
		va += want;
		len -= want;
	}
	if (!c->raw)
		hexdump_finish(&h);
	return EXIT_OK;
}
