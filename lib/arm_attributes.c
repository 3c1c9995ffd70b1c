/*
 * arm_attributes.c: the architecture a kernel was built for, from its
 * .ARM.attributes section (ARM EABI "build attributes").
 *
 * A full ELF core says nothing about its page-table format, but the kernel
 * does: Tag_CPU_arch tells an ARMv4/v5 kernel (pmap-v4 page tables) from
 * an ARMv6/v7 one.  The section is:
 *
 *   'A' { length(4) vendor-name NUL { tag(1) size(4) attributes... }... }...
 *
 * lengths in the ELF's byte order, each covering itself; attributes are a
 * ULEB128 tag and a value that is a ULEB128 number or a NUL-terminated
 * string, depending on the tag.  Everything is bounded by the enclosing
 * length, and anything malformed ends the search with "not found".
 */
#include <string.h>

#include "endian.h"
#include "kvm_private.h"

#define TAG_FILE		1
#define TAG_CPU_RAW_NAME	4
#define TAG_CPU_NAME		5
#define TAG_CPU_ARCH		6
#define TAG_COMPATIBILITY	32
#define TAG_CONFORMANCE		67

/* A ULEB128 number at *i (below end); 0, or -1 when cut or too long. */
static int
uleb(const unsigned char *p, size_t *i, size_t end, uint64_t *v)
{
	*v = 0;
	for (unsigned int shift = 0; *i < end && shift < 64; shift += 7) {
		unsigned char b = p[(*i)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

/* Step over a NUL-terminated string at *i; 0, or -1 when unterminated. */
static int
skip_string(const unsigned char *p, size_t *i, size_t end)
{
	const unsigned char *nul = memchr(p + *i, '\0', end - *i);

	if (nul == NULL)
		return -1;
	*i = (size_t)(nul - p) + 1;
	return 0;
}

/* Tag_CPU_arch in one Tag_File group [i, end), or -1. */
static int
file_group(const unsigned char *p, size_t i, size_t end)
{
	uint64_t tag, v;

	while (i < end) {
		if (uleb(p, &i, end, &tag) != 0)
			return -1;
		if (tag == TAG_CPU_ARCH)
			return uleb(p, &i, end, &v) == 0 && v < 256 ? (int)v : -1;
		/* Which tags hold strings: the EABI's list, then its rule. */
		if (tag == TAG_CPU_RAW_NAME || tag == TAG_CPU_NAME ||
		    tag == TAG_CONFORMANCE || (tag > TAG_COMPATIBILITY && tag & 1)) {
			if (skip_string(p, &i, end) != 0)
				return -1;
		} else if (uleb(p, &i, end, &v) != 0 ||
		    (tag == TAG_COMPATIBILITY && skip_string(p, &i, end) != 0)) {
			return -1;
		}
	}
	return -1;
}

int
arm_attributes_cpu_arch(const unsigned char *p, size_t n, int big_endian)
{
	size_t off = 1;

	if (n < 1 || p[0] != 'A')
		return -1;
	while (n - off >= 4) {
		uint32_t len = load32(p + off, big_endian);
		size_t end, i = off + 4;

		if (len < 4 || len > n - off)
			return -1;
		end = off + len;
		if (skip_string(p, &i, end) != 0)
			return -1;
		if (strcmp((const char *)p + off + 4, "aeabi") == 0) {
			while (end - i >= 5) {
				uint32_t size = load32(p + i + 1, big_endian);
				int arch;

				if (size < 5 || size > end - i)
					return -1;
				if (p[i] == TAG_FILE &&
				    (arch = file_group(p, i + 5, i + size)) >= 0)
					return arch;
				i += size;
			}
		}
		off = end;
	}
	return -1;
}
