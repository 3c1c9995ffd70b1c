/*
 * msgbuf_text.c: the kernel message buffer as text, oldest first, as
 * dmesg(8) shows it.  The one place the ring is put in order: kvmarm dmesg
 * and the Python binding both call kvm_arm_msgbuf_text().
 *
 * The text is a ring; where it wraps is msg_wseq % msg_size in struct
 * msgbuf (FORMATS.md section 6).  With a kernel ELF the struct is found as
 * dmesg(8) finds it, through the kernel's msgbufp; without one (or when
 * msgbufp leads nowhere), the minidump's msgbuf section usually holds the
 * struct right after the ring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "kvm_private.h"

#define MSG_MAGIC	0x063062u
#define MSGBUF_MAX	(64u << 20)	/* far above any real msgbufsize */

/* The first fields of struct msgbuf (56 bytes on 32-bit arm). */
#define MSG_PTR		0
#define MSG_MAGIC_OFF	4
#define MSG_SIZE	8
#define MSG_WSEQ	12
#define MSG_HEAD	16	/* the bytes of it read here */

static void
note(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
note(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (buf == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/*
 * ring[pos..size) then ring[0..pos) into kd->msgbuf_text, less the NULs of
 * a buffer that has not wrapped yet: dmesg(8) drops them at the start, and
 * they are dropped at the end too, where the as-stored order puts them.
 */
static const char *
put_in_order(kvm_t *kd, const unsigned char *ring, size_t size, size_t pos,
    size_t *len)
{
	size_t first = 0, end = size;
	char *text;

	while (first < size && ring[(pos + first) % size] == '\0')
		first++;
	while (end > first && ring[(pos + end - 1) % size] == '\0')
		end--;
	/* One byte more, so an empty text is still a pointer, and a string. */
	if ((text = malloc(end - first + 1)) == NULL) {
		kvm_err(kd, "%s: out of memory for the message buffer",
		    kd->corefile);
		return NULL;
	}
	for (size_t k = first; k < end; k++)
		text[k - first] = (char)ring[(pos + k) % size];
	text[end - first] = '\0';
	free(kd->msgbuf_text);
	kd->msgbuf_text = text;
	*len = end - first;
	return text;
}

/*
 * Through msgbufp in kernel memory: the text, or NULL with the reason in
 * why (whylen bytes).
 */
static const char *
text_from_kernel(kvm_t *kd, size_t *len, char *why, size_t whylen)
{
	unsigned char mb[MSG_HEAD], *ring;
	uint32_t word;
	kvaddr_t msgbufp_sym;
	uint64_t ptr, size, wseq, msgbufp;
	const char *text;
	int be = kd->big_endian;

	if (kvm_symbol(kd, "msgbufp", &msgbufp_sym) != 0) {
		snprintf(why, whylen, "the kernel has no symbol msgbufp");
		return NULL;
	}
	if (kvm_read_u32(kd, msgbufp_sym, &word) != 0) {
		snprintf(why, whylen, "cannot read msgbufp: %s", kvm_geterr(kd));
		return NULL;
	}
	msgbufp = word;
	if (kvm_read2(kd, msgbufp, mb, sizeof(mb)) != (ssize_t)sizeof(mb)) {
		snprintf(why, whylen, "cannot read struct msgbuf at 0x%llx: %s",
		    (unsigned long long)msgbufp, kvm_geterr(kd));
		return NULL;
	}
	if (load32(mb + MSG_MAGIC_OFF, be) != MSG_MAGIC) {
		snprintf(why, whylen, "struct msgbuf at 0x%llx has a bad magic "
		    "(0x%llx)", (unsigned long long)msgbufp,
		    (unsigned long long)load32(mb + MSG_MAGIC_OFF, be));
		return NULL;
	}
	ptr = load32(mb + MSG_PTR, be);
	size = load32(mb + MSG_SIZE, be);
	wseq = load32(mb + MSG_WSEQ, be);
	if (size == 0 || size > MSGBUF_MAX) {
		snprintf(why, whylen, "struct msgbuf at 0x%llx has an "
		    "implausible msg_size %llu", (unsigned long long)msgbufp,
		    (unsigned long long)size);
		return NULL;
	}
	if ((ring = malloc((size_t)size)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (kvm_read2(kd, ptr, ring, (size_t)size) != (ssize_t)size) {
		snprintf(why, whylen, "cannot read the message buffer text at "
		    "0x%llx: %s", (unsigned long long)ptr, kvm_geterr(kd));
		free(ring);
		return NULL;
	}
	text = put_in_order(kd, ring, (size_t)size, (size_t)(wseq % size), len);
	if (text == NULL)
		snprintf(why, whylen, "%s", kvm_geterr(kd));
	free(ring);
	return text;
}

/* From the minidump's msgbuf section alone. */
static const char *
text_from_section(kvm_t *kd, size_t *len, char *why, size_t whylen)
{
	size_t size, section_len;
	const unsigned char *ring = kvm_arm_msgbuf(kd, &size, &section_len);
	int be = kd->big_endian;

	if (ring == NULL)
		return NULL;
	/* The struct the kernel keeps after the ring has the position. */
	if (section_len >= size + MSG_HEAD &&
	    load32(ring + size + MSG_MAGIC_OFF, be) == MSG_MAGIC)
		return put_in_order(kd, ring, size,
		    (size_t)(load32(ring + size + MSG_WSEQ, be) % size), len);
	note(why, whylen, "no struct msgbuf after the message buffer, so the "
	    "write position is unknown: the text is as stored");
	return put_in_order(kd, ring, size, 0, len);
}

const char *
kvm_arm_msgbuf_text(kvm_t *kd, size_t *len, char *why, size_t whylen)
{
	char reason[1024] = "", section_note[1024] = "";
	const char *text = NULL;
	size_t n = 0;

	if (kd == NULL)
		return NULL;
	if (kd->symtab != NULL || kd->resolver != NULL)
		text = text_from_kernel(kd, &n, reason, sizeof(reason));
	if (text == NULL)
		text = text_from_section(kd, &n, section_note,
		    sizeof(section_note));
	/* Both reasons when both paths fell short: each says something. */
	if (reason[0] != '\0' && section_note[0] != '\0')
		note(why, whylen, "%s: %s; using the dump's msgbuf section; %s",
		    kd->corefile, reason, section_note);
	else if (reason[0] != '\0')
		note(why, whylen, "%s: %s; using the dump's msgbuf section",
		    kd->corefile, reason);
	else if (section_note[0] != '\0')
		note(why, whylen, "%s: %s", kd->corefile, section_note);
	else
		note(why, whylen, "%s", "");
	/*
	 * Neither path worked: the kernel's reason is the one to give (a full
	 * ELF core has no section to fall back on), not a fallback's note.
	 */
	if (text == NULL && reason[0] != '\0') {
		kvm_err(kd, "%s: %s", kd->corefile, reason);
		note(why, whylen, "%s", "");
	}
	if (text != NULL && len != NULL)
		*len = n;
	return text;
}
