/*
 * pagetab.c: the flattened translation's tables and the KVA-shaped map
 * (see pagetab.h).
 */
#include "pagetab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE		4096u
/*
 * More runs than this would crowd the process's mappings (Linux allows
 * 65530 for all of them, and a program may hold many dumps open): such a
 * dump is read through the table instead.
 */
#define MAX_RUNS	1024

int
pagetab_alloc(struct pagetab *pt, uint64_t n, uint64_t va_start)
{
	size_t words = (size_t)(n + 63) / 64 + 1;

	memset(pt, 0, sizeof(*pt));
	pt->live = calloc(words, sizeof(*pt->live));
	pt->fast = calloc(words, sizeof(*pt->fast));
	pt->frame = malloc((size_t)(n ? n : 1) * sizeof(*pt->frame));
	pt->page = malloc((size_t)(n ? n : 1) * sizeof(*pt->page));
	if (pt->live == NULL || pt->fast == NULL || pt->frame == NULL ||
	    pt->page == NULL) {
		pagetab_free(pt);
		return -1;
	}
	pt->va_start = va_start;
	pt->n = n;
	return 0;
}

/*
 * Map the page data again in the shape of the KVA.  Any failure (a host
 * with other than 4 KiB pages, no address space, offsets not page-aligned,
 * too many runs) leaves kvmap NULL: reads then go through the table.
 */
static void
make_kvmap(struct pagetab *pt, const struct source *src)
{
	uint64_t runs = 0, len = pt->n * PAGE;
	void *region;

	if (sysconf(_SC_PAGESIZE) != PAGE || (uint64_t)(size_t)len != len ||
	    !source_mappable(src, pt->data_off))
		return;
	for (uint64_t i = 0; i < pt->n; i++)
		if (pagetab_fast(pt, i) && (i == 0 || !pagetab_fast(pt, i - 1) ||
		    pt->page[i] != pt->page[i - 1] + 1))
			runs++;
	if (runs == 0 || runs > MAX_RUNS)
		return;
	/* Address space only, until the runs are mapped into it. */
	region = mmap(NULL, (size_t)len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		return;
	for (uint64_t i = 0; i < pt->n; ) {
		uint64_t j = i + 1;
		if (!pagetab_fast(pt, i)) {
			i++;
			continue;
		}
		while (j < pt->n && pagetab_fast(pt, j) &&
		    pt->page[j] == pt->page[j - 1] + 1)
			j++;
		if (source_map_fixed(src, (unsigned char *)region + i * PAGE,
		    pt->data_off + (uint64_t)pt->page[i] * PAGE,
		    (j - i) * PAGE) != 0) {
			munmap(region, (size_t)len);
			return;
		}
		i = j;
	}
	pt->kvmap = region;
	pt->kvmap_len = len;
}

void
pagetab_finish(struct pagetab *pt, const struct source *src,
    uint64_t data_off, uint64_t data_len)
{
	pt->data_off = data_off;
	pt->data = source_ptr(src, data_off, (size_t)data_len);
	if (pt->data != NULL)
		make_kvmap(pt, src);
	pt->fast_n = pt->kvmap != NULL ? pt->n : 0;
}

void
pagetab_free(struct pagetab *pt)
{
	if (pt->kvmap != NULL)
		munmap(pt->kvmap, (size_t)pt->kvmap_len);
	free(pt->live);
	free(pt->fast);
	free(pt->frame);
	free(pt->page);
	memset(pt, 0, sizeof(*pt));
}
