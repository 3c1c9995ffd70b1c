/*
 * pte.c: the table of PTE formats, by the minidump header's mmuformat tag.
 */
#include "pte.h"

#include <stddef.h>

static const struct pte_format *const formats[] = {
	&pte_format_v4,		/* 1 */
	&pte_format_v6,		/* 2 */
	&pte_format_lpae,	/* 3 */
};

const struct pte_format *
pte_format_for(unsigned int mmuformat)
{
	/* Dumps older than the field say 0; FreeBSD's libkvm reads them as v6. */
	if (mmuformat == 0)
		mmuformat = 2;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->mmuformat == mmuformat)
			return formats[i];
	return NULL;
}
