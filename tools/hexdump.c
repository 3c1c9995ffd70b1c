/*
 * hexdump.c: the "hexdump -C" and word layouts of kvmarm read.
 */
#include "hexdump.h"

#include <string.h>

void
hexdump_init(struct hexdump *h, const struct cli *c, FILE *f, uint64_t addr,
    int word_size)
{
	memset(h, 0, sizeof(*h));
	h->f = f;
	h->c = c;
	h->addr = addr;
	h->word_size = word_size;
}

static void
bytes_line(struct hexdump *h)
{
	fprintf(h->f, "%08llx  ", (unsigned long long)h->addr);
	for (size_t i = 0; i < 16; i++) {
		if (i < h->fill)
			fprintf(h->f, "%02x ", h->line[i]);
		else
			fputs("   ", h->f);
		if (i == 7)
			fputc(' ', h->f);
	}
	fputs(" |", h->f);
	for (size_t i = 0; i < h->fill; i++)
		fputc(h->line[i] >= 0x20 && h->line[i] < 0x7f ? h->line[i] : '.',
		    h->f);
	fputs("|\n", h->f);
}

static void
words_line(struct hexdump *h)
{
	size_t i;

	fprintf(h->f, "%08llx ", (unsigned long long)h->addr);
	for (i = 0; i + (size_t)h->word_size <= h->fill;
	    i += (size_t)h->word_size)
		fprintf(h->f, " %0*llx", h->word_size * 2, (unsigned long long)
		    target_word(h->c, h->line + i, h->word_size));
	/*
	 * read asks for whole words, but a truncated dump can end inside
	 * one: its bytes are still shown, in memory order, as "xx" pairs
	 * apart, so they cannot be taken for a word.
	 */
	for (; i < h->fill; i++)
		fprintf(h->f, " %02x", h->line[i]);
	fputc('\n', h->f);
}

static void
emit(struct hexdump *h)
{
	if (h->fill == 16 && h->have_prev &&
	    memcmp(h->line, h->prev, 16) == 0) {
		/* Runs of equal lines collapse to one "*", as in hexdump. */
		if (!h->starred)
			fputs("*\n", h->f);
		h->starred = 1;
	} else {
		if (h->word_size != 0)
			words_line(h);
		else
			bytes_line(h);
		h->starred = 0;
		if (h->fill == 16) {
			memcpy(h->prev, h->line, 16);
			h->have_prev = 1;
		}
	}
	h->addr += h->fill;
	h->fill = 0;
}

void
hexdump_feed(struct hexdump *h, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t k = 16 - h->fill < n ? 16 - h->fill : n;

		memcpy(h->line + h->fill, p, k);
		h->fill += k;
		p += k;
		n -= k;
		if (h->fill == 16)
			emit(h);
	}
}

void
hexdump_finish(struct hexdump *h)
{
	int printed = h->have_prev || h->fill > 0;

	if (h->fill > 0)
		emit(h);
	/* The end address, so that a collapsed run's extent is known. */
	if (printed)
		fprintf(h->f, "%08llx\n", (unsigned long long)h->addr);
}
