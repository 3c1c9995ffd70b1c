/*
 * cmd_info.c: kvmarm info: what the dump is, from kvm_arm_info() and, for
 * a raw copy of the dump device, kvm_arm_dumpheader().
 */
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json.h"
#include "kvmarm.h"

static const char *
compression_name(unsigned int c)
{
	return c == 0 ? "none" : c == 1 ? "gzip" : c == 2 ? "zstd" : "unknown";
}

/* The last second of year 9999: later dates are no dump's real time. */
#define MAX_DUMPTIME	UINT64_C(253402300799)

/*
 * dumptime as "YYYY-MM-DD HH:MM:SS UTC", whatever the host's zone; "?"
 * for a time a damaged header made absurd (gmtime would still give a
 * date, with a year of six digits or more).
 */
static const char *
utc(uint64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > MAX_DUMPTIME || (uint64_t)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

/* The size of the whole file, dump-device header included. */
static uint64_t
whole_file_size(const struct cli *c)
{
	struct stat st;

	return stat(c->core, &st) == 0 ? (uint64_t)st.st_size :
	    c->info.payload_offset + c->info.file_size;
}

#define KEY "%-20s"

static int
is_minidump(const struct kvm_arm_info *in)
{
	return strcmp(in->container, "minidump") == 0;
}

/* "key  text" on a line of its own. */
static void
put_line(const char *key, const char *s)
{
	printf(KEY, key);
	put_text(s);
	putchar('\n');
}

/* The end of a page-count line: how many of them the file holds. */
static void
put_present(const struct kvm_arm_info *in)
{
	if (in->pages_present != in->pages_dumped)
		printf(" (only %llu in the file)",
		    (unsigned long long)in->pages_present);
	putchar('\n');
}

/* The physical ranges (minidump) or memory segments (ELF core). */
static void
put_ranges(const struct kvm_arm_info *in, const char *label)
{
	for (size_t i = 0; i < in->nranges; i++)
		printf(KEY "0x%08llx-0x%08llx\n", i == 0 ? label : "",
		    (unsigned long long)in->ranges[i].start,
		    (unsigned long long)in->ranges[i].end);
}

static void
put_file_size(const struct cli *c)
{
	uint64_t whole = whole_file_size(c);

	printf(KEY "%llu bytes", "file size:", (unsigned long long)whole);
	/* Behind a dump-device header, or compressed, the dump differs. */
	if (whole != c->info.file_size)
		printf(" (the dump itself: %llu)",
		    (unsigned long long)c->info.file_size);
	putchar('\n');
	/* A compressed core: what it was compressed with, and from what. */
	if (strcmp(c->info.compression, "none") != 0)
		printf(KEY "%s, %llu bytes compressed, %llu uncompressed\n",
		    "compression:", c->info.compression,
		    (unsigned long long)c->info.stored_size,
		    (unsigned long long)c->info.file_size);
}

static const char *
format_name(unsigned int mmuformat)
{
	return mmuformat == KVM_ARM_MMU_V4 ? "v4" :
	    mmuformat == KVM_ARM_MMU_V6 ? "v6" :
	    mmuformat == KVM_ARM_MMU_LPAE ? "lpae" : "unknown";
}

/* Decoded otherwise than the dump says (0 reads as v6): --mmu. */
static int
overridden(const struct kvm_arm_info *in)
{
	return in->mmuformat_used != (in->mmuformat != 0 ? in->mmuformat :
	    KVM_ARM_MMU_V6);
}

static int
count_page(struct kvm_page *p, void *arg)
{
	(void)p;
	++*(uint64_t *)arg;
	return 1;
}

/* Valid kernel PTEs (4 KiB pages), as kvm_walk_pages and pages list them. */
static uint64_t
mapped_pages(const struct cli *c)
{
	uint64_t n = 0;

	kvm_walk_pages(c->kd, count_page, &n);
	return n;
}

/*
 * A full ELF core: all of physical memory in segments, the kernel's own
 * page tables; none of a minidump's sections.
 */
static void
info_elfcore(const struct cli *c)
{
	const struct kvm_arm_info *in = &c->info;

	printf(KEY "%s (a full dump: all physical memory)\n", "container:",
	    in->container);
	printf(KEY "%s, walked from the kernel's root table", "page tables:",
	    in->mmuformat_name);
	if (overridden(in))
		printf(" (by --mmu; the kernel's: %s)", in->mmuformat ?
		    format_name(in->mmuformat) : "unknown");
	putchar('\n');
	printf(KEY "%s%s\n", "format from:", in->mmuformat_source,
	    in->mmuformat == 0 && !overridden(in) ?
	    "; use --mmu v4 for an ARMv4/v5 kernel" : "");
	printf(KEY "%s-endian (from the %s)\n", "byte order:",
	    in->big_endian ? "big" : "little", in->byte_order_source);
	printf(KEY "0x%08llx-0x%08llx\n", "KVA range:",
	    (unsigned long long)in->kernbase, (unsigned long long)in->kva_end);
	/* Two counts that are easy to confuse: say what each one counts. */
	printf(KEY "%llu physical pages in the core", "pages:",
	    (unsigned long long)in->pages_dumped);
	if (in->pages_present != in->pages_dumped)
		printf(" (only %llu in the file)",
		    (unsigned long long)in->pages_present);
	printf(", %llu mapped kernel pages\n",
	    (unsigned long long)mapped_pages(c));
	put_ranges(in, "memory segments:");
	put_file_size(c);
	printf(KEY "%s\n", "truncated:", in->truncated ? "yes" : "no");
}

static void
info_text(struct cli *c, const struct kvm_arm_dumpheader *dh, int has_dh)
{
	const struct kvm_arm_info *in = &c->info;
	char when[64];

	printf(KEY "%s\n", "file:", c->core);
	if (c->kernel != NULL)
		printf(KEY "%s\n", "kernel:", c->kernel);
	if (has_dh) {
		/* magic and architecture are header bytes too: escaped. */
		printf(KEY, "dump device header:");
		put_text(dh->magic);
		printf(", version %u, architecture ", dh->version);
		put_text(dh->architecture);
		printf(" (version %u)\n", dh->architectureversion);
		put_line("  hostname:", dh->hostname);
		put_line("  version string:", dh->versionstring);
		put_line("  panic string:", dh->panicstring);
		printf(KEY "%llu (%s)\n", "  dump time:",
		    (unsigned long long)dh->dumptime,
		    utc(dh->dumptime, when, sizeof(when)));
		printf(KEY "%s\n", "  compression:",
		    compression_name(dh->compression));
		printf(KEY "%llu bytes (extent %llu, block size %u)\n",
		    "  dump length:", (unsigned long long)dh->dumplength,
		    (unsigned long long)dh->dumpextent, dh->blocksize);
		printf(KEY "%s\n", "  parity:", dh->parity_ok ? "ok" : "BAD");
		printf(KEY "%llu bytes at offset %llu\n", "payload:",
		    (unsigned long long)in->file_size,
		    (unsigned long long)in->payload_offset);
	}
	info_panic_text(c);
	if (!is_minidump(in)) {
		info_elfcore(c);
		return;
	}
	printf(KEY "%s version %u", "container:", in->container, in->version);
	if (in->layout_version != in->version)
		printf(" (laid out as version %u: no dump_avail)",
		    in->layout_version);
	putchar('\n');
	printf(KEY "%u", "mmuformat:", in->mmuformat);
	if (in->mmuformat == in->mmuformat_used)
		printf(" (%s)\n", in->mmuformat_name);
	else
		printf(", decoded as %u (%s)\n", in->mmuformat_used,
		    in->mmuformat_name);
	printf(KEY "%u%s\n", "arch:", in->arch, in->arch ? "" : " (unknown)");
	printf(KEY "%s-endian (from the %s)\n", "byte order:",
	    in->big_endian ? "big" : "little", in->byte_order_source);
	printf(KEY "0x%08llx\n", "kernbase:", (unsigned long long)in->kernbase);
	printf(KEY "0x%08llx-0x%08llx (%llu PTEs of %u bytes)\n", "KVA range:",
	    (unsigned long long)in->kernbase, (unsigned long long)in->kva_end,
	    (unsigned long long)in->pte_count, in->pte_size);
	printf(KEY "%llu bytes\n", "msgbuf size:",
	    (unsigned long long)in->msgbuf_size);
	printf(KEY "%llu (of %llu bits in the bitmap)", "pages dumped:",
	    (unsigned long long)in->pages_dumped,
	    (unsigned long long)in->bitmap_bits);
	put_present(in);
	put_ranges(in, "physical ranges:");
	printf(KEY "msgbuf 0x%llx", "section offsets:",
	    (unsigned long long)in->msgbuf_offset);
	if (in->dumpavail_offset != 0)
		printf(", dump_avail 0x%llx",
		    (unsigned long long)in->dumpavail_offset);
	printf(", bitmap 0x%llx, PTEs 0x%llx\n",
	    (unsigned long long)in->bitmap_offset,
	    (unsigned long long)in->pte_offset);
	printf(KEY "offset 0x%llx (%s; %s)\n", "page data:",
	    (unsigned long long)in->page_data_offset, in->page_data_rounded ?
	    "after a page-rounded PTE array" : "unpadded, as the kernel "
	    "writes it", in->page_data_chosen_by_size ? "the file size fits "
	    "it exactly" : "the file size fits neither start; assumed");
	put_file_size(c);
	printf(KEY "%llu bytes\n", "expected size:",
	    (unsigned long long)in->expected_size);
	if (in->truncated)
		printf(KEY "yes: %llu bytes missing, %llu of %llu pages "
		    "incomplete\n", "truncated:",
		    (unsigned long long)(in->expected_size - in->file_size),
		    (unsigned long long)(in->pages_dumped - in->pages_present),
		    (unsigned long long)in->pages_dumped);
	else
		printf(KEY "no\n", "truncated:");
}

static void
info_json(struct cli *c, const struct kvm_arm_dumpheader *dh, int has_dh)
{
	const struct kvm_arm_info *in = &c->info;
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL, 0);
	json_str(&j, "file", c->core);
	json_str(&j, "kernel", c->kernel);
	info_panic_json(c, &j);
	json_str(&j, "container", in->container);
	json_uint(&j, "version", in->version);
	json_uint(&j, "layout_version", in->layout_version);
	json_uint(&j, "mmuformat", in->mmuformat);
	json_uint(&j, "mmuformat_used", in->mmuformat_used);
	json_str(&j, "mmuformat_name", in->mmuformat_name);
	json_str(&j, "mmuformat_source", in->mmuformat_source);
	json_uint(&j, "arch", in->arch);
	json_str(&j, "byte_order", in->big_endian ? "big" : "little");
	json_str(&j, "byte_order_source", in->byte_order_source);
	json_uint(&j, "kernbase", in->kernbase);
	json_uint(&j, "kva_end", in->kva_end);
	json_uint(&j, "pte_count", in->pte_count);
	json_uint(&j, "pte_size", in->pte_size);
	json_uint(&j, "msgbuf_size", in->msgbuf_size);
	json_uint(&j, "bitmap_bits", in->bitmap_bits);
	json_uint(&j, "pages_dumped", in->pages_dumped);
	json_uint(&j, "pages_present", in->pages_present);
	if (!is_minidump(in))
		json_uint(&j, "mapped_kernel_pages", mapped_pages(c));
	json_array(&j, "ranges", 0);
	for (size_t i = 0; i < in->nranges; i++) {
		json_object(&j, NULL, 1);
		json_uint(&j, "start", in->ranges[i].start);
		json_uint(&j, "end", in->ranges[i].end);
		json_end(&j);
	}
	json_end(&j);
	json_uint(&j, "msgbuf_offset", in->msgbuf_offset);
	if (in->dumpavail_offset != 0)
		json_uint(&j, "dumpavail_offset", in->dumpavail_offset);
	else
		json_null(&j, "dumpavail_offset");
	json_uint(&j, "bitmap_offset", in->bitmap_offset);
	json_uint(&j, "pte_offset", in->pte_offset);
	json_uint(&j, "page_data_offset", in->page_data_offset);
	json_bool(&j, "page_data_rounded", in->page_data_rounded);
	json_bool(&j, "page_data_chosen_by_size", in->page_data_chosen_by_size);
	json_uint(&j, "whole_file_size", whole_file_size(c));
	json_uint(&j, "file_size", in->file_size);
	json_uint(&j, "expected_size", in->expected_size);
	json_bool(&j, "truncated", in->truncated);
	json_uint(&j, "payload_offset", in->payload_offset);
	json_str(&j, "compression", in->compression);
	if (strcmp(in->compression, "none") != 0)
		json_uint(&j, "compressed_size", in->stored_size);
	else
		json_null(&j, "compressed_size");
	json_uint(&j, "uncompressed_size", in->file_size);
	if (!has_dh) {
		json_null(&j, "dump_header");
	} else {
		json_object(&j, "dump_header", 0);
		json_str(&j, "magic", dh->magic);
		json_str(&j, "architecture", dh->architecture);
		json_uint(&j, "version", dh->version);
		json_uint(&j, "architecture_version", dh->architectureversion);
		json_uint(&j, "dump_length", dh->dumplength);
		json_uint(&j, "dump_time", dh->dumptime);
		json_uint(&j, "dump_key_size", dh->dumpkeysize);
		json_uint(&j, "block_size", dh->blocksize);
		json_str(&j, "hostname", dh->hostname);
		json_str(&j, "version_string", dh->versionstring);
		json_str(&j, "panic_string", dh->panicstring);
		json_str(&j, "compression", compression_name(dh->compression));
		json_uint(&j, "dump_extent", dh->dumpextent);
		json_bool(&j, "parity_ok", dh->parity_ok);
		json_end(&j);
	}
	json_finish(&j);
}

int
cmd_info(struct cli *c)
{
	struct kvm_arm_dumpheader dh;
	int has_dh = kvm_arm_dumpheader(c->kd, &dh) == 1;

	if (c->json)
		info_json(c, &dh, has_dh);
	else
		info_text(c, &dh, has_dh);
	return EXIT_OK;
}
