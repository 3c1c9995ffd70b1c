/*
 * dumpheader.c: the 512-byte kerneldumpheader in front of a dump read raw
 * off the dump device.  Its integers are big-endian whatever the target.
 */
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
