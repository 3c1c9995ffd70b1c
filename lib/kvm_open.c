/*
 * kvm_open.c: open a crash dump: the kernel ELF first (it decides the byte
 * order), then the core: recognise what the file is, step over a
 * dump-device header, and hand the payload to its container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kvm_private.h"

/*
 * Turn the payload into its uncompressed bytes (1 gzip, 2 zstd, as the
 * dump-device header numbers them); 0, or -1 and the error.
 */
static int
uncompress(kvm_t *kd, unsigned int method)
{
	char why[512];

	if ((method == 1 ? source_use_gzip : source_use_zstd)(&kd->src, why,
	    sizeof(why)) != 0) {
		kvm_err(kd, "%s: %s", kd->corefile, why);
		return -1;
	}
	return 0;
}

/* The header takes one device block: 512 bytes unless it says more. */
static uint64_t
payload_start(const struct kvm_arm_dumpheader *dh)
{
	uint32_t b = dh->blocksize;

	return b > 512 && b <= 65536 && (b & (b - 1)) == 0 ? b : 512;
}

/* Compressors the library does not read, by magic, and their commands. */
static const struct {
	const char *magic;
	size_t len;
	const char *name, *command;
} other_compressors[] = {
	{ "\xfd" "7zXZ\0", 6, "xz", "xz -dk" },
	{ "BZh", 3, "bzip2", "bunzip2 -k" },
	{ "\x04\x22\x4d\x18", 4, "lz4", "lz4 -d" },
	{ "7z\xbc\xaf\x27\x1c", 6, "7z", "7z x" },
};

/* 1 and the message when b starts with one of them, else 0. */
static int
other_compression(kvm_t *kd, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < sizeof(other_compressors) /
	    sizeof(other_compressors[0]); i++) {
		if (n < other_compressors[i].len ||
		    memcmp(b, other_compressors[i].magic,
		    other_compressors[i].len) != 0)
			continue;
		kvm_err(kd, "%s: %s-compressed, which libkvm_arm does not read "
		    "(it reads gzip and zstd): decompress it first (%s %s)",
		    kd->corefile, other_compressors[i].name,
		    other_compressors[i].command, kd->corefile);
		return 1;
	}
	return 0;
}

/*
 * After a dump-device header (kd->dh): refuse what is no memory dump, and
 * make the payload at payload_off (dumplength bytes, uncompressed) the
 * core.  0, or -1 and the error.
 */
static int
use_dumpheader(kvm_t *kd, uint64_t payload_off)
{
	kd->has_dumpheader = 1;
	if (strcmp(kd->dh.magic, "FreeBSD Text Dump") == 0) {
		kvm_err(kd, "%s: a textdump (tar of ddb output), not a "
		    "memory dump", kd->corefile);
		return -1;
	}
	if (kd->dh.dumpkeysize != 0) {
		kvm_err(kd, "%s: an encrypted dump (%u-byte key); "
		    "savecore decrypts it with the key", kd->corefile,
		    kd->dh.dumpkeysize);
		return -1;
	}
	source_set_payload(&kd->src, payload_off, kd->dh.dumplength);
	if (kd->dh.compression > 2) {
		kvm_err(kd, "%s: the dump is compressed with unknown "
		    "method %u", kd->corefile, kd->dh.compression);
		return -1;
	}
	if (kd->dh.compression != 0 && uncompress(kd, kd->dh.compression) != 0)
		return -1;
	return 0;
}

/* The file starts as something we read: no need to look at its end. */
static int
known_magic(const unsigned char *b, size_t n)
{
	return (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) ||
	    (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0) ||
	    (n >= 8 && memcmp(b, "minidump", 8) == 0) ||
	    (n >= 4 && memcmp(b, "\177ELF", 4) == 0);
}

/*
 * The minidump magic is 24 bytes, NUL-padded, and every FreeBSD
 * architecture writes the same "minidump FreeBSD/" prefix: only all 24
 * bytes say 32-bit arm ("minidump FreeBSD/arm64" is not an arm dump).
 */
static const char arm_magic[24] = "minidump FreeBSD/arm";

/* The other architectures' minidumps (their name after the slash). */
static const char *const other_arches[] = {
	"arm64", "amd64", "i386", "mips", "powerpc64", "powerpc", "riscv",
};

static int
identify_minidump(kvm_t *kd, const unsigned char *b, size_t n)
{
	static const char prefix[] = "minidump FreeBSD/";
	const size_t plen = sizeof(prefix) - 1;

	if (n >= sizeof(arm_magic) &&
	    memcmp(b, arm_magic, sizeof(arm_magic)) == 0) {
		kd->ct = &container_minidump;
		return 0;
	}
	if (n > plen && memcmp(b, prefix, plen) == 0) {
		for (size_t i = 0; i < sizeof(other_arches) /
		    sizeof(other_arches[0]); i++) {
			size_t k = strlen(other_arches[i]);
			/* powerpc64's magic is longer than 24 bytes. */
			if (n >= plen + k + 1 &&
			    memcmp(b + plen, other_arches[i], k) == 0 &&
			    (b[plen + k] == '\0' || plen + k >= 24)) {
				kvm_err(kd, "%s: a FreeBSD/%s minidump: "
				    "libkvm_arm reads 32-bit arm dumps only",
				    kd->corefile, other_arches[i]);
				return -1;
			}
		}
	}
	kvm_err(kd, "%s: not a FreeBSD/arm minidump (bad magic)",
	    kd->corefile);
	return -1;
}

/*
 * What the file is: step over a dump-device header and compression, then
 * pick the container (a minidump or a full ELF core), or say as precisely
 * as we can what the file is instead.
 */
static int
identify_core(kvm_t *kd)
{
	unsigned char b[512];
	int64_t n = source_read(&kd->src, 0, b, sizeof(b));
	uint64_t payload;
	char why[256];
	int found;

	if (n >= 0 && dumpheader_parse(b, (size_t)n, &kd->dh)) {
		/* The kernel pads the header to a block of the dump device. */
		if (use_dumpheader(kd, payload_start(&kd->dh)) != 0)
			return -1;
		n = source_read(&kd->src, 0, b, sizeof(b));
	} else if (n >= 0 && !known_magic(b, (size_t)n) &&
	    (found = dumpheader_find_trailing(&kd->src, &kd->dh, &payload,
	    why, sizeof(why))) != 0) {
		/* A whole dump partition: junk, then the dump savecore finds. */
		if (found < 0) {
			kvm_err(kd, "%s: %s", kd->corefile, why);
			return -1;
		}
		if (use_dumpheader(kd, payload) != 0)
			return -1;
		n = source_read(&kd->src, 0, b, sizeof(b));
	} else if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		if (uncompress(kd, 1) != 0)
			return -1;
		n = source_read(&kd->src, 0, b, sizeof(b));
	} else if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0) {
		if (uncompress(kd, 2) != 0)
			return -1;
		n = source_read(&kd->src, 0, b, sizeof(b));
	}
	if (n < 0) {
		kvm_err(kd, "%s: read error", kd->corefile);
		return -1;
	}
	if (n >= 8 && memcmp(b, "minidump", 8) == 0)
		return identify_minidump(kd, b, (size_t)n);
	/* e_type is ET_CORE (4) in either byte order. */
	if (n >= 18 && memcmp(b, "\177ELF", 4) == 0 && (b[16] | b[17]) == 4 &&
	    (b[16] == 0 || b[17] == 0)) {
		kd->ct = &container_elfcore;
		return 0;
	}
	if (n >= 4 && memcmp(b, "\177ELF", 4) == 0)
		kvm_err(kd, "%s: an ELF file but not a crash dump (are the "
		    "kernel and core swapped?)", kd->corefile);
	else if (kd->src.cut)
		kvm_err(kd, "%s: truncated %s stream: its %llu bytes "
		    "decompress to only %llu, too few to be a dump",
		    kd->corefile, kd->src.compression,
		    (unsigned long long)kd->src.stored_size,
		    (unsigned long long)kd->src.size);
	else if (!other_compression(kd, b, (size_t)n))
		kvm_err(kd, "%s: not a FreeBSD/arm crash dump (unknown magic)",
		    kd->corefile);
	return -1;
}

/*
 * A kernel or core that is a FIFO, socket or device would make open() or
 * the first read wait forever (or read a terminal): refuse it by its
 * st_mode before any blocking open.  A missing file is left to open(),
 * whose error says so.  0, or -1 with the reason.
 */
static int
refuse_non_file(kvm_t *kd, const char *path)
{
	struct stat st;
	const char *why;

	if (stat(path, &st) != 0 ||
	    (why = file_not_regular((unsigned int)st.st_mode)) == NULL)
		return 0;
	kvm_err(kd, "%s: %s", path, why);
	return -1;
}

static kvm_t *
open_common(const char *execfile, const char *corefile, int flags,
    char *errbuf, const char *program,
    int (*resolver)(const char *, kvaddr_t *))
{
	kvm_t *kd = calloc(1, sizeof(*kd));
	char why[_POSIX2_LINE_MAX];

	if (kd == NULL) {
		if (errbuf != NULL)
			snprintf(errbuf, _POSIX2_LINE_MAX, "out of memory");
		return NULL;
	}
	kd->src.core.fd = kd->src.plain.fd = -1;
	kd->program = program;
	kd->resolver = resolver;
	if (corefile == NULL) {
		/* libkvm would open the live kernel; there is none to open here. */
		kvm_err(kd, "no core file given (live kernels are not supported)");
		goto fail;
	}
	kd->corefile = strdup(corefile);
	if (kd->corefile == NULL) {
		kvm_err(kd, "out of memory");
		goto fail;
	}
	/*
	 * As libkvm: O_RDONLY, or O_RDWR (kgdb -w), which opens the core
	 * read-write for kvm_write.  O_WRONLY makes no sense.
	 */
	if ((flags & O_ACCMODE) == O_WRONLY) {
		kvm_err(kd, "%s: crash dumps cannot be opened write-only "
		    "(flags O_WRONLY)", corefile);
		goto fail;
	}
	if ((flags & ~(O_ACCMODE | O_CLOEXEC)) != 0) {
		kvm_err(kd, "bad flags arg 0x%x", (unsigned)flags);
		goto fail;
	}
	if ((execfile != NULL && refuse_non_file(kd, execfile) != 0) ||
	    refuse_non_file(kd, corefile) != 0)
		goto fail;
	if (execfile != NULL) {
		kd->symtab = symtab_open(execfile, &kd->big_endian, why,
		    sizeof(why));
		if (kd->symtab == NULL) {
			kvm_err(kd, "%s", why);
			goto fail;
		}
		kd->byte_order_source = "kernel ELF";
	}
	if (source_open_mode(&kd->src, corefile, (flags & O_ACCMODE) == O_RDWR,
	    why, sizeof(why)) != 0) {
		kvm_err(kd, "%s", why);
		goto fail;
	}
	if (identify_core(kd) != 0)
		goto fail;
	if (kd->src.writable && strcmp(kd->src.compression, "none") != 0) {
		kvm_err(kd, "%s: a %s-compressed core cannot be opened O_RDWR "
		    "(kvm_write cannot patch a compressed stream): decompress "
		    "it first", corefile, kd->src.compression);
		goto fail;
	}
	if (kd->ct->open(kd) != 0)
		goto fail;
	kd->errbuf[0] = '\0';
	return kd;
fail:
	if (errbuf != NULL)
		snprintf(errbuf, _POSIX2_LINE_MAX, "%s", kd->errbuf);
	kvm_close(kd);
	return NULL;
}

kvm_t *
kvm_open2(const char *execfile, const char *corefile, int flags, char *errbuf,
    int (*resolver)(const char *, kvaddr_t *))
{
	return open_common(execfile, corefile, flags, errbuf, NULL, resolver);
}

kvm_t *
kvm_openfiles(const char *execfile, const char *corefile,
    const char *swapfile, int flags, char *errbuf)
{
	(void)swapfile;		/* ignored, as by libkvm */
	return open_common(execfile, corefile, flags, errbuf, NULL, NULL);
}

kvm_t *
kvm_open(const char *execfile, const char *corefile, const char *swapfile,
    int flags, const char *errstr)
{
	(void)swapfile;
	return open_common(execfile, corefile, flags, NULL, errstr, NULL);
}

int
kvm_close(kvm_t *kd)
{
	if (kd == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (kd->ct != NULL)
		kd->ct->close(kd);
	source_close(&kd->src);
	unwinder_free(kd->unwinder);	/* before the ELF it reads */
	free(kd->layout);
	symtab_close(kd->symtab);
	free(kd->msgbuf_text);
	free(kd->corefile);
	free(kd);
	return 0;
}
