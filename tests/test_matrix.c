/*
 * test_matrix.c: every minidump version x PTE format x byte order, made by
 * the fixture writer from one mapping description and read end to end
 * through the public API.  Expectations come from the description
 * (mapdesc.c), never from the library.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "kvm_arm.h"
#include "mkcore.h"

/*
 * One layout for all twelve: two physical ranges with a hole between them,
 * 4 KiB and 64 KiB pages, read-only and no-exec pages, a page mapped twice,
 * a mapped page left out of the dump, a mapping into the hole, and kernel
 * symbols over known bytes.  Format-specific lines follow.
 */
static const char common[] =
    "kernbase 0xc0000000\n"
    "kva_size 0x00301000\n"	/* not a multiple of 4 MiB: unpadded PTEs */
    "phys 0x40000000 0x40800000\n"
    "phys 0x40a00000 0x40b00000\n"
    "map 0xc0000000 0x40000000 0x100000 rwx\n"
    "map 0xc0100000 0x40300000 0x40000 rw\n"
    "map 0xc0140000 0x40400000 0x1000 r\n"
    "map 0xc0141000 0x40401000 0x1000 rx\n"
    "map 0xc0200000 0x40a00000 0x3000 rw\n"
    "map 0xc0203000 0x40000000 0x1000 rw\n"		/* twice */
    "map 0xc0204000 0x40200000 0x1000 rw nodump\n"
    "map 0xc0205000 0x40900000 0x1000 rw\n"		/* hole */
    "map 0xc0300000 0x40a10000 0x1000 rw\n"		/* last entry */
    "msgbuf 0x1fc8 \"hello\\n\"\n"
    "ksym version 0xc0030000 object\n"
    "ksym start 0xc0030010 func\n"
    "ksym kernbase 0xc0000000 abs\n"
    "ksym sdata 0xc0030020 object local\n"
    "kdata 0xc0030000 \"FreeBSD 14.0-TEST #0 r1\\n\"\n"
    "kdata 0xc0030020 \"\\x78\\x56\\x34\\x12\"\n";

static const char *const extra[4] = {
	[1] = "map 0xc0180000 0x40500000 0x20000 rw large\n"
	      "map 0xc01a0000 0x40520000 0x2000 rw xscale\n",
	[2] = "map 0xc0180000 0x40500000 0x20000 rw large\n"
	      "map 0xc01a0000 0x40520000 0x10000 rx large\n",
	[3] = "phys 0x100000000 0x100100000\n"
	      "map 0xc0180000 0x100000000 0x10000 rw\n"	/* above 4 GiB */
	      "map 0xc01a0000 0x40520000 0x1000 r pxn\n"
	      "pte 0xc01b0000 0x40530001\n"		/* type 1: reserved */
	      "pte 0xc01b1000 0x40531002\n",		/* type 2: fault */
};

/*
 * The same layout as a full ELF core: all of physical memory, the kernel's
 * own page tables (built by the writer at ptpool), and larger first-level
 * entries (sections, a supersection over a range only partly present, an
 * LPAE 2 MiB block).  ELF32 cores hold 32-bit physical addresses only.
 */
static const char elf_common[] =
    "container elf\n"
    "kva_size 0x40000000\n"		/* up to 4 GiB: the tables decide */
    "kernphys 0x40000000\n"
    "ptpool 0x40600000\n"
    "l1pa_va 0xc0030100\n";

static const char *const elf_extra[4] = {
	[1] = "map 0xc0180000 0x40500000 0x20000 rw large\n"
	      "map 0xc01a0000 0x40520000 0x2000 rw xscale\n"
	      "map 0xc0400000 0x40a00000 0x100000 r section\n",
	[2] = "map 0xc0180000 0x40500000 0x20000 rw large\n"
	      "map 0xc01a0000 0x40520000 0x10000 rx large\n"
	      "map 0xc0400000 0x40a00000 0x100000 rx section\n"
	      "phys 0x50000000 0x50100000\n"
	      "map 0xc1000000 0x50000000 0x1000000 rw super\n",
	[3] = "map 0xc01a0000 0x40520000 0x1000 r pxn\n"
	      "pte 0xc01b0000 0x40530001\n"
	      "pte 0xc01b1000 0x40531002\n"
	      "map 0xc0600000 0x40400000 0x200000 rx block\n",
};

static const char *const fmt_name[4] = { "", "v4", "v6", "lpae" };

static unsigned
expected_prot(const struct mapdesc *d, const struct md_map *m)
{
	return (m->prot | 1) & (d->mmu == 1 ? 3u : 7u);
}

struct walk_state {
	const struct mapdesc *d;
	uint64_t count, wrong_pa, wrong_prot, wrong_off, out_of_order;
	kvaddr_t last;
};

static int
walk_cb(struct kvm_page *p, void *arg)
{
	struct walk_state *w = arg;
	const struct md_map *m = mapdesc_find(w->d, p->kp_kmap_vaddr);
	uint64_t pa = 0;
	int mapped = mapdesc_va_to_pa(w->d, p->kp_kmap_vaddr, &pa);

	w->count++;
	w->out_of_order += w->count > 1 && p->kp_kmap_vaddr <= w->last;
	w->last = p->kp_kmap_vaddr;
	if (!mapped || m == NULL) {
		w->wrong_pa++;
		return 1;
	}
	w->wrong_pa += p->kp_paddr != pa || p->kp_len != 4096 ||
	    p->kp_version != KVM_PAGE_VERSION || p->kp_dmap_vaddr != 0;
	w->wrong_prot += p->kp_prot != expected_prot(w->d, m);
	w->wrong_off += (p->kp_offset == -1) == mapdesc_pa_dumped(w->d, pa);
	return 1;
}

/* Every page of the KVA range (and just outside it) against the model. */
static void
check_translation(kvm_t *kd, const struct mapdesc *d, const char *core,
    const char *tag)
{
	uint64_t bad_pa = 0, bad_bytes = 0, bad_fail = 0, bad_read = 0, n = 0;
	int fd = open(core, O_RDONLY);

	for (uint64_t va = d->kernbase - 0x1000;
	    va < d->kernbase + d->kva_size + 0x2000; va += 0x1000) {
		for (uint64_t in = 0; in < 0x1000; in += 0xff9) {
			uint64_t v = va + in, pa = 0;
			kpaddr_t got_pa = 0;
			off_t off;
			unsigned char file[8], want[8], buf[16];
			int ok = mapdesc_va_to_pa(d, v, &pa) && mapdesc_pa_dumped(d, pa);
			size_t left = kvm_arm_kvatop(kd, v, &got_pa, &off);

			n++;
			if (!ok) {
				bad_fail += left != 0 || kvm_geterr(kd)[0] == '\0' ||
				    kvm_read2(kd, v, buf, 1) != -1;
				continue;
			}
			if (left != 0x1000 - (v & 0xfff) || got_pa != pa) {
				bad_pa++;
				continue;
			}
			for (int i = 0; i < 8; i++)
				want[i] = mapdesc_byte(d, pa + (uint64_t)i);
			size_t k = left < 8 ? left : 8;
			if (pread(fd, file, k, off) != (ssize_t)k ||
			    memcmp(file, want, k) != 0)
				bad_bytes++;
			/* A 16-byte read, crossing into the next page when near its end. */
			uint64_t pa2;
			int next_ok = mapdesc_va_to_pa(d, v + 15, &pa2) &&
			    mapdesc_pa_dumped(d, pa2);
			ssize_t r = kvm_read2(kd, v, buf, 16);
			if (!next_ok)
				bad_read += r != -1;
			else if (r != 16)
				bad_read++;
			else
				for (int i = 0; i < 16; i++) {
					uint64_t pai;
					mapdesc_va_to_pa(d, v + (uint64_t)i, &pai);
					if (buf[i] != mapdesc_byte(d, pai)) {
						bad_read++;
						break;
					}
				}
		}
	}
	close(fd);
	check(bad_pa == 0, "%s: kvm_arm_kvatop PA and length for %llu addresses "
	    "(%llu wrong)", tag, (unsigned long long)n, (unsigned long long)bad_pa);
	check(bad_bytes == 0, "%s: file offsets hold each page's bytes (%llu wrong)",
	    tag, (unsigned long long)bad_bytes);
	check(bad_fail == 0, "%s: unmapped, undumped and hole addresses fail with "
	    "a reason (%llu wrong)", tag, (unsigned long long)bad_fail);
	check(bad_read == 0, "%s: kvm_read2 across page boundaries (%llu wrong)",
	    tag, (unsigned long long)bad_read);
}

static void
check_symbols(kvm_t *kd, const struct mapdesc *d, const char *tag)
{
	struct kvm_nlist nl[8] = { { 0 } };
	unsigned char buf[24];
	int bad = 0;

	nl[0].n_name = "version";
	nl[1].n_name = "start";
	nl[2].n_name = "kernbase";
	nl[3].n_name = "sdata";
	nl[4].n_name = "_version";	/* a.out spelling */
	nl[5].n_name = "no_such_symbol";
	nl[6].n_name = NULL;
	check(kvm_nlist2(kd, nl) == 1, "%s: kvm_nlist2 misses exactly one name", tag);
	bad |= nl[0].n_value != 0xc0030000 || nl[0].n_type != (N_DATA | N_EXT);
	/* A function in a writable section is data to nlist(3). */
	bad |= nl[1].n_value != 0xc0030010 || nl[1].n_type != (N_DATA | N_EXT);
	bad |= nl[2].n_value != 0xc0000000 || nl[2].n_type != (N_ABS | N_EXT);
	bad |= nl[3].n_value != 0xc0030020 || nl[3].n_type != N_DATA;
	bad |= nl[4].n_value != 0xc0030000;
	bad |= nl[5].n_value != 0 || nl[5].n_type != 0;
	check(!bad, "%s: kvm_nlist2 values and types", tag);
	check(kvm_read2(kd, nl[0].n_value, buf, 24) == 24 &&
	    memcmp(buf, "FreeBSD 14.0-TEST #0 r1\n", 24) == 0,
	    "%s: the bytes at a symbol", tag);
	(void)d;
}

static void
run_one(unsigned version, unsigned mmu, int big)
{
	char text[4096], core[256], kernel[256], tag[64];
	struct mkcore_layout lo;
	struct kvm_arm_info info;
	struct walk_state w = { 0 };
	struct mapdesc d;
	char err[_POSIX2_LINE_MAX];
	kvm_t *kd;
	uint64_t want_walk = 0, pa;

	/* version 0: a full ELF core of the same memory. */
	snprintf(tag, sizeof(tag), "v%u %s %s", version, fmt_name[mmu],
	    big ? "big" : "little");
	if (version == 0)
		snprintf(tag, sizeof(tag), "ELF core %s %s", fmt_name[mmu],
		    big ? "big" : "little");
	snprintf(text, sizeof(text), "version %u\nmmu %u\nendian %s\n%s%s%s",
	    version ? version : 2, mmu, big ? "big" : "little", common,
	    version ? extra[mmu] : elf_common, version ? "" : elf_extra[mmu]);
	snprintf(core, sizeof(core), "%s/v%u-%u-%d.core", harness_tmpdir(),
	    version, mmu, big);
	snprintf(kernel, sizeof(kernel), "%s/v%u-%u-%d.kernel", harness_tmpdir(),
	    version, mmu, big);
	if (mapdesc_parse(&d, text, tag) != 0 ||
	    mkcore_write(&d, core, kernel, NULL, &lo) != 0) {
		check(0, "%s: the fixture writer failed", tag);
		return;
	}
	kd = kvm_open2(kernel, core, O_RDONLY, err, NULL);
	check(kd != NULL, "%s: kvm_open2 (%s)", tag, kd ? "" : err);
	if (kd == NULL) {
		mapdesc_free(&d);
		return;
	}
	/* An ELF core has no format tag: ARMv4/v5 is the user's to say. */
	if (version == 0 && mmu == 1)
		check(kvm_arm_set_mmuformat(kd, KVM_ARM_MMU_V4) == 0,
		    "%s: read as v4 on request", tag);
	kvm_arm_info(kd, &info);
	check(info.version == version && info.mmuformat_used == mmu &&
	    info.big_endian == big && info.kernbase == 0xc0000000 &&
	    info.kva_end == d.kernbase + d.kva_size &&
	    info.pte_size == (mmu == 3 ? 8u : 4u) &&
	    strcmp(info.container, version ? "minidump" : "ELF core") == 0,
	    "%s: header facts", tag);
	check(info.pages_dumped == lo.pages && info.pages_present == lo.pages &&
	    info.page_data_offset == lo.data_off && !info.page_data_rounded &&
	    !info.truncated && info.file_size == lo.file_size,
	    "%s: %llu pages, data at %llu", tag,
	    (unsigned long long)lo.pages, (unsigned long long)lo.data_off);
	check(info.nranges == (version == 1 ? 1 : d.nphys) &&
	    (version == 1 || (info.ranges[1].start == 0x40a00000 &&
	    info.ranges[1].end == 0x40b00000)), "%s: physical ranges", tag);
	check_translation(kd, &d, core, tag);

	w.d = &d;
	for (uint64_t va = d.kernbase; va < d.kernbase + d.kva_size; va += 4096)
		want_walk += mapdesc_va_to_pa(&d, va, &pa);
	int walked = kvm_walk_pages(kd, walk_cb, &w);
	check(walked == 1 && w.count == want_walk &&
	    w.out_of_order == 0, "%s: kvm_walk_pages visits %llu pages in VA "
	    "order (saw %llu)", tag, (unsigned long long)want_walk,
	    (unsigned long long)w.count);
	check(w.wrong_pa == 0 && w.wrong_prot == 0 && w.wrong_off == 0,
	    "%s: walk PA, prot and offset (%llu/%llu/%llu wrong)", tag,
	    (unsigned long long)w.wrong_pa, (unsigned long long)w.wrong_prot,
	    (unsigned long long)w.wrong_off);
	check_symbols(kd, &d, tag);
	if (mmu == 3) {
		size_t left = kvm_arm_kvatop(kd, 0xc01b0000, NULL, NULL);
		check(left == 0 && strstr(kvm_geterr(kd), "reserved") != NULL,
		    "%s: LPAE type 1 at level 3 is refused: %s", tag, kvm_geterr(kd));
		left = kvm_arm_kvatop(kd, 0xc01b1000, NULL, NULL);
		check(left == 0 && strstr(kvm_geterr(kd), "fault") != NULL,
		    "%s: LPAE type 2 is a fault: %s", tag, kvm_geterr(kd));
	}
	kvm_close(kd);
	mapdesc_free(&d);
}

int
main(void)
{
	for (unsigned version = 0; version <= 2; version++)
		for (unsigned mmu = 1; mmu <= 3; mmu++)
			for (int big = 0; big <= 1; big++)
				run_one(version, mmu, big);
	return harness_status();
}
