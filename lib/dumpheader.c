/*
 * dumpheader.c: the 512-byte kerneldumpheader in front of a dump read raw
 * off the dump device.  Its integers are big-endian whatever the target.
 */
#include <stdio.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"

#define KDH_BYTES 512

static const char *const kdh_magics[] = {
	"FreeBSD Kernel Dump", "FreeBSD Text Dump", "Cleared Kernel Dump",
};

/* Copy a fixed-width, maybe unterminated text field. */
static void
text(char *dst, size_t dstlen, const unsigned char *src, size_t srclen)
{
	size_t n = srclen < dstlen - 1 ? srclen : dstlen - 1;

	memcpy(dst, src, n);
	dst[n] = '\0';
	dst[strnlen(dst, n)] = '\0';
}

int
dumpheader_parse(const unsigned char *b, size_t len,
    struct kvm_arm_dumpheader *dh)
{
	uint32_t parity = 0;
	size_t i;

	if (len < KDH_BYTES)
		return 0;
	for (i = 0; i < sizeof(kdh_magics) / sizeof(kdh_magics[0]); i++)
		if (memcmp(b, kdh_magics[i], strlen(kdh_magics[i]) + 1) == 0)
			break;
	if (i == sizeof(kdh_magics) / sizeof(kdh_magics[0]))
		return 0;
	memset(dh, 0, sizeof(*dh));
	text(dh->magic, sizeof(dh->magic), b, 20);
	text(dh->architecture, sizeof(dh->architecture), b + 20, 12);
	dh->version = load32(b + 32, 1);
	dh->architectureversion = load32(b + 36, 1);
	dh->dumplength = load64(b + 40, 1);
	dh->dumptime = load64(b + 48, 1);
	dh->dumpkeysize = load32(b + 56, 1);
	dh->blocksize = load32(b + 60, 1);
	text(dh->hostname, sizeof(dh->hostname), b + 64, 64);
	text(dh->versionstring, sizeof(dh->versionstring), b + 128, 192);
	text(dh->panicstring, sizeof(dh->panicstring), b + 320, 175);
	dh->compression = b[495];
	dh->dumpextent = load64(b + 496, 1);
	for (i = 0; i < KDH_BYTES; i += 4)
		parity ^= load32(b + i, 1);
	dh->parity_ok = parity == 0;
	return 1;
}

/* Where a header's device block starts, from the end of a raw image. */
static int
read_header_at(const struct source *src, uint64_t off, unsigned char *b,
    struct kvm_arm_dumpheader *dh)
{
	return source_read_raw(src, off, b, KDH_BYTES) == KDH_BYTES &&
	    dumpheader_parse(b, KDH_BYTES, dh);
}

int
dumpheader_find_trailing(const struct source *src,
    struct kvm_arm_dumpheader *dh, uint64_t *payload, char *why,
    size_t whylen)
{
	unsigned char last[KDH_BYTES], first[KDH_BYTES];
	struct kvm_arm_dumpheader lead;
	uint64_t size = src->stored_size;

	/*
	 * savecore reads the last sector of the device.  An image does not
	 * say its sector size, but the header does (blocksize): try each
	 * power of two from 512 to 64 KiB whose block holds a header that
	 * names that size.
	 */
	for (uint32_t b = 512; b <= 65536; b <<= 1) {
		uint64_t lasthd, back, firsthd;

		if (size < 2 * (uint64_t)b || !read_header_at(src, size - b,
		    last, dh) || (dh->blocksize != b && !(b == 512 &&
		    (dh->blocksize < 512 || dh->blocksize > 65536 ||
		    (dh->blocksize & (dh->blocksize - 1)) != 0))))
			continue;
		lasthd = size - b;
		/* The leading copy: a block, the key, then the reserved extent. */
		back = (dh->dumpextent ? dh->dumpextent : dh->dumplength) +
		    dh->dumpkeysize + b;
		if (back > lasthd || dh->dumplength > back - b) {
			snprintf(why, whylen, "the dump header in the last %u "
			    "bytes says %llu bytes of dump precede it, more "
			    "than the file holds", b,
			    (unsigned long long)(back - b));
			return -1;
		}
		firsthd = lasthd - back;
		/* A cleared dump has its trailing magic overwritten. */
		if (!read_header_at(src, firsthd, first, &lead) ||
		    (strcmp(dh->magic, "Cleared Kernel Dump") == 0 ?
		    memcmp(first + 20, last + 20, KDH_BYTES - 20) :
		    memcmp(first, last, KDH_BYTES)) != 0) {
			snprintf(why, whylen, "the dump header at offset %llu "
			    "(the last block) and the one it places at offset "
			    "%llu disagree (savecore refuses such a dump)",
			    (unsigned long long)lasthd,
			    (unsigned long long)firsthd);
			return -1;
		}
		*dh = lead;
		*payload = firsthd + b;
		return 1;
	}
	return 0;
}
