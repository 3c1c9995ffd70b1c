/*
 * walk_fileorder.c: kvm_arm_walk_pages_fileorder, the dumped pages in the
 * order their bytes are stored, each handed over with its data.
 *
 * The pages come from kvm_walk_pages (so the two agree on what a page is),
 * sorted by file offset, then read front to back: on a mapped core the
 * data is a pointer into the map, on a gzip core one pass of inflation
 * feeds every page (source_gzip.c continues its cursor when reads move
 * forward), on a zstd core it is the mapped temporary copy.
 */
#include <stdlib.h>
#include <string.h>

#include "kvm_private.h"

struct collect {
	struct kvm_page *v;
	size_t n, cap;
	uint64_t end;		/* file offset one past the payload */
	int failed;
};

static int
collect_cb(struct kvm_page *p, void *arg)
{
	struct collect *c = arg;

	/* Only pages whose bytes are all in the file. */
	if (p->kp_offset < 0 || (uint64_t)p->kp_offset > c->end ||
	    c->end - (uint64_t)p->kp_offset < p->kp_len)
		return 1;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 4096;
		struct kvm_page *v = realloc(c->v, cap * sizeof(*v));
		if (v == NULL) {
			c->failed = 1;
			return 0;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *p;
	return 1;
}

static int
by_offset(const void *a, const void *b)
{
	const struct kvm_page *x = a, *y = b;

	if (x->kp_offset != y->kp_offset)
		return x->kp_offset < y->kp_offset ? -1 : 1;
	return (x->kp_kmap_vaddr > y->kp_kmap_vaddr) -
	    (x->kp_kmap_vaddr < y->kp_kmap_vaddr);
}

int
kvm_arm_walk_pages_fileorder(kvm_t *kd, kvm_arm_page_data_cb_t *cb, void *arg)
{
	const uint64_t base = kd->src.report_base;
	struct collect c = { .end = base + kd->src.size };
	unsigned char *buf = malloc(KVM_PAGE_SIZE);
	int rc = 1;

	if (buf == NULL) {
		kvm_err(kd, "%s: out of memory", kd->corefile);
		return -1;
	}
	kvm_walk_pages(kd, collect_cb, &c);
	if (c.failed) {
		kvm_err(kd, "%s: out of memory for the page list", kd->corefile);
		rc = -1;
		goto out;
	}
	if (c.n > 1)	/* c.v is NULL when no page was dumped */
		qsort(c.v, c.n, sizeof(*c.v), by_offset);
	for (size_t i = 0; i < c.n; i++) {
		uint64_t off = (uint64_t)c.v[i].kp_offset - base;
		const unsigned char *data = source_ptr(&kd->src, off,
		    KVM_PAGE_SIZE);

		if (data == NULL) {
			if (source_read(&kd->src, off, buf, KVM_PAGE_SIZE) !=
			    KVM_PAGE_SIZE) {
				kvm_err(kd, "%s: read error at offset %llu",
				    kd->corefile,
				    (unsigned long long)c.v[i].kp_offset);
				rc = -1;
				break;
			}
			data = buf;
		}
		if (!cb(&c.v[i], data, arg)) {
			rc = 0;
			break;
		}
	}
out:
	free(c.v);
	free(buf);
	return rc;
}
