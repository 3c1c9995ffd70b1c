/*
 * cmd_pages.c: kvmarm pages [--ranges]: every valid kernel PTE as VA, PA,
 * file offset, prot and length; with --ranges, runs of pages contiguous in
 * VA, PA and file offset (or all not dumped) with the same prot merged.
 * With -N, each row also names the kernel symbol its first byte is in.
 */
#include "json.h"
#include "kvmarm.h"
#include "progress.h"

struct run {
	int open;
	kvaddr_t va;
	kpaddr_t pa;
	off_t offset;		/* -1: not dumped */
	unsigned int prot;
	uint64_t len;
};

struct pages_state {
	struct cli *c;
	struct json j;
	struct progress p;
	struct run run;
	uint64_t count;
	int pa_width;		/* the PA column: 40-bit addresses with LPAE */
};

static void
print_run(struct pages_state *s, const struct run *r)
{
	char prot[4], off[24], pa[24], symbuf[256];
	const char *sym = symbol_of(s->c, r->va, symbuf, sizeof(symbuf));

	progress_clear(&s->p);
	prot_string(r->prot, prot);
	if (s->c->json) {
		json_object(&s->j, NULL, 1);
		json_uint(&s->j, "va", r->va);
		json_uint(&s->j, "pa", r->pa);
		if (r->offset >= 0)
			json_uint(&s->j, "offset", (uint64_t)r->offset);
		else
			json_null(&s->j, "offset");
		json_str(&s->j, "prot", prot);
		json_uint(&s->j, "len", r->len);
		if (sym != NULL)
			json_str(&s->j, "symbol", sym);
		else if (s->c->kernel != NULL)
			json_null(&s->j, "symbol");
		json_end(&s->j);
		return;
	}
	if (r->offset >= 0)
		snprintf(off, sizeof(off), "0x%llx",
		    (unsigned long long)r->offset);
	else
		snprintf(off, sizeof(off), "-");
	snprintf(pa, sizeof(pa), "0x%08llx", (unsigned long long)r->pa);
	printf("0x%08llx  %-*s  %-10s  %s  %llu", (unsigned long long)r->va,
	    s->pa_width, pa, off, prot, (unsigned long long)r->len);
	if (sym != NULL)
		printf("  %s", sym);
	putchar('\n');
}

/* Does page p continue the open run? */
static int
continues(const struct run *r, const struct kvm_page *p)
{
	if (!r->open || p->kp_prot != r->prot ||
	    p->kp_kmap_vaddr != r->va + r->len || p->kp_paddr != r->pa + r->len)
		return 0;
	if (r->offset < 0)
		return p->kp_offset < 0;
	return p->kp_offset == r->offset + (off_t)r->len;
}

static int
page_cb(struct kvm_page *p, void *arg)
{
	struct pages_state *s = arg;
	struct run *r = &s->run;

	progress_update(&s->p, (p->kp_kmap_vaddr - s->c->info.kernbase) / 4096);
	s->count++;
	if (s->c->ranges && continues(r, p)) {
		r->len += p->kp_len;
		return 1;
	}
	if (r->open)
		print_run(s, r);
	r->open = 1;
	r->va = p->kp_kmap_vaddr;
	r->pa = p->kp_paddr;
	r->offset = p->kp_offset;
	r->prot = p->kp_prot;
	r->len = p->kp_len;
	return 1;
}

int
cmd_pages(struct cli *c)
{
	/* LPAE addresses 40 bits of physical memory: 0x + 10 digits. */
	struct pages_state s = { .c = c, .pa_width =
	    c->info.mmuformat_used == KVM_ARM_MMU_LPAE ? 12 : 10 };

	if (c->json) {
		json_init(&s.j, stdout);
		json_object(&s.j, NULL, 0);
		json_str(&s.j, "file", c->core);
		json_array(&s.j, c->ranges ? "ranges" : "pages", 0);
	} else {
		printf("%-10s  %-*s  %-10s  %s  %s%s\n", "VA", s.pa_width, "PA",
		    "OFFSET", "PROT", "LEN", c->kernel != NULL ? "  SYMBOL" : "");
	}
	progress_start(&s.p, "pages", c->info.pte_count);
	kvm_walk_pages(c->kd, page_cb, &s);
	progress_end(&s.p);
	if (s.run.open)
		print_run(&s, &s.run);
	if (c->json)
		json_finish(&s.j);
	return EXIT_OK;
}
