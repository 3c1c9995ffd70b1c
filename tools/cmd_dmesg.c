/*
 * cmd_dmesg.c: kvmarm dmesg: the kernel message buffer, oldest text first.
 *
 * The text is a ring; where it wraps is msg_wseq % msg_size in struct
 * msgbuf (FORMATS.md section 6).  With -N the struct is found as dmesg(8)
 * finds it, through the kernel's msgbufp; without a kernel, the minidump's
 * msgbuf section usually holds the struct right after the ring.  Output is
 * escaped as vis(3) would (C escapes or \ooo), keeping newlines and tabs.
 */
#include <stdlib.h>
#include <string.h>

#include "kvmarm.h"

#define MSG_MAGIC	0x063062u
#define MSGBUF_STRUCT	56	/* sizeof(struct msgbuf) on 32-bit arm */
#define MSGBUF_MAX	(64u << 20)	/* far above any real msgbufsize */

/* Offsets in struct msgbuf. */
#define MSG_PTR		0
#define MSG_MAGIC_OFF	4
#define MSG_SIZE	8
#define MSG_WSEQ	12

static void
put_visible(unsigned char ch)
{
	static const char cesc[] = "\a\b\f\r\v\\";
	static const char cname[] = "abfrv\\";
	const char *e;

	if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f && ch != '\\'))
		putchar(ch);
	else if (ch != '\0' && (e = strchr(cesc, ch)) != NULL)
		printf("\\%c", cname[e - cesc]);
	else
		printf("\\%03o", ch);
}

/*
 * Print ring[pos..size) then ring[0..pos).  The NULs of a buffer that has
 * not wrapped yet are dropped where dmesg(8) drops them, at the start, and
 * also at the end, where the as-stored order puts them.
 */
static void
print_ring(const unsigned char *ring, size_t size, size_t pos)
{
	size_t first = 0, end = size;

	while (first < size && ring[(pos + first) % size] == '\0')
		first++;
	while (end > first && ring[(pos + end - 1) % size] == '\0')
		end--;
	for (size_t k = first; k < end; k++)
		put_visible(ring[(pos + k) % size]);
	/* Like dmesg(8): the last line ends with a newline. */
	if (end > first && ring[(pos + end - 1) % size] != '\n')
		putchar('\n');
}

/*
 * Through msgbufp in kernel memory.  EXIT_OK once printed, else EXIT_NO
 * with the reason in why.
 */
static int
dmesg_kernel(struct cli *c, char *why, size_t whylen)
{
	struct kvm_nlist nl[2];
	unsigned char word[4], mb[MSGBUF_STRUCT], *ring;
	uint64_t ptr, size, wseq, msgbufp;

	memset(nl, 0, sizeof(nl));
	nl[0].n_name = "msgbufp";
	if (kvm_nlist2(c->kd, nl) != 0) {
		snprintf(why, whylen, "%s: no symbol msgbufp", c->kernel);
		return EXIT_NO;
	}
	if (kvm_read2(c->kd, nl[0].n_value, word, 4) != 4) {
		snprintf(why, whylen, "cannot read msgbufp: %s",
		    kvm_geterr(c->kd));
		return EXIT_NO;
	}
	msgbufp = target_word(c, word, 4);
	if (kvm_read2(c->kd, msgbufp, mb, sizeof(mb)) != (ssize_t)sizeof(mb)) {
		snprintf(why, whylen, "cannot read struct msgbuf at 0x%llx: %s",
		    (unsigned long long)msgbufp, kvm_geterr(c->kd));
		return EXIT_NO;
	}
	if (target_word(c, mb + MSG_MAGIC_OFF, 4) != MSG_MAGIC) {
		snprintf(why, whylen, "struct msgbuf at 0x%llx has a bad magic "
		    "(0x%llx)", (unsigned long long)msgbufp,
		    (unsigned long long)target_word(c, mb + MSG_MAGIC_OFF, 4));
		return EXIT_NO;
	}
	ptr = target_word(c, mb + MSG_PTR, 4);
	size = target_word(c, mb + MSG_SIZE, 4);
	wseq = target_word(c, mb + MSG_WSEQ, 4);
	if (size == 0 || size > MSGBUF_MAX) {
		snprintf(why, whylen, "struct msgbuf at 0x%llx has an "
		    "implausible msg_size %llu", (unsigned long long)msgbufp,
		    (unsigned long long)size);
		return EXIT_NO;
	}
	if ((ring = malloc((size_t)size)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return EXIT_NO;
	}
	if (kvm_read2(c->kd, ptr, ring, (size_t)size) != (ssize_t)size) {
		snprintf(why, whylen, "cannot read the message buffer text at "
		    "0x%llx: %s", (unsigned long long)ptr, kvm_geterr(c->kd));
		free(ring);
		return EXIT_NO;
	}
	print_ring(ring, (size_t)size, (size_t)(wseq % size));
	free(ring);
	return EXIT_OK;
}

/* From the minidump's msgbuf section alone. */
static int
dmesg_section(struct cli *c)
{
	size_t len, section_len;
	const unsigned char *ring = kvm_arm_msgbuf(c->kd, &len, &section_len);

	if (ring == NULL) {
		cli_kvm_error(c);
		return EXIT_NO;
	}
	if (section_len >= len + MSGBUF_STRUCT &&
	    target_word(c, ring + len + MSG_MAGIC_OFF, 4) == MSG_MAGIC) {
		/* The struct the kernel keeps after the ring has the position. */
		print_ring(ring, len, (size_t)(target_word(c, ring + len +
		    MSG_WSEQ, 4) % len));
	} else {
		cli_error(c, "no struct msgbuf after the message buffer, so "
		    "the write position is unknown: printing it as stored");
		print_ring(ring, len, 0);
	}
	return EXIT_OK;
}

int
cmd_dmesg(struct cli *c)
{
	char why[1024];

	if (c->kernel != NULL) {
		if (dmesg_kernel(c, why, sizeof(why)) == EXIT_OK)
			return EXIT_OK;
		cli_error(c, "%s; using the dump's msgbuf section", why);
	}
	return dmesg_section(c);
}
