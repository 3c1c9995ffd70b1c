/*
 * cmd_dmesg.c: kvmarm dmesg: the kernel message buffer, oldest text first.
 *
 * The text is a ring; where it wraps is msg_wseq % msg_size in struct
 * msgbuf (FORMATS.md section 6).  With -N the struct is found as dmesg(8)
 * finds it, through the kernel's msgbufp; without a kernel, the minidump's
 * msgbuf section usually holds the struct right after the ring.  Lines are
 * printed as FreeBSD's dmesg(8) prints them: syslog priority prefixes
 * removed, lines of other facilities than the kernel's left out (-a keeps
 * them), bytes escaped as strvisx(3) does.
 */
#include <limits.h>
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

/*
 * One byte as FreeBSD's dmesg prints it: through strvisx(3) with no flags
 * (in the C locale).  Printable ASCII, space, tab and newline as they are;
 * a backslash, and a space with the top bit set, in octal (\134, \240);
 * other bytes as \^C for a control character (\^? for DEL) and \M-c or
 * \M^C for one with the top bit set.
 */
static void
put_vis(unsigned char ch)
{
	unsigned char low = ch & 0x7f;

	if ((ch > 0x20 && ch < 0x7f && ch != '\\') || ch == ' ' ||
	    ch == '\t' || ch == '\n') {
		putchar(ch);
	} else if (ch == '\\' || low == ' ') {
		printf("\\%03o", ch);
	} else {
		fputs(ch & 0x80 ? "\\M" : "\\", stdout);
		if (low < 0x20 || low == 0x7f)
			printf("^%c", low == 0x7f ? '?' : low + '@');
		else
			printf("-%c", low);
	}
}

/* LOG_FAC of a syslog priority: kernel messages have facility 0. */
#define LOG_FACMASK	0x3f8

/*
 * Print one line [p, end) (its newline included) as dmesg(8) does: a
 * leading "<N>" syslog priority is removed, and the line left out when its
 * facility is not the kernel's (a message logged from userland through
 * /dev/klog), unless all.
 */
static void
print_line(const unsigned char *p, const unsigned char *end, int all)
{
	if (p[0] == '<' && p + 1 < end && p[1] >= '0' && p[1] <= '9') {
		const unsigned char *q = p + 1;
		long pri = 0;

		while (q < end && *q >= '0' && *q <= '9' && pri <= INT_MAX / 10)
			pri = pri * 10 + (*q++ - '0');
		if (q < end && *q == '>' && pri < INT_MAX) {
			if ((pri & LOG_FACMASK) != 0 && !all)
				return;
			p = q + 1;
		}
	}
	while (p < end)
		put_vis(*p++);
}

/*
 * Print ring[pos..size) then ring[0..pos), a line at a time.  The NULs of
 * a buffer that has not wrapped yet are dropped where dmesg(8) drops them,
 * at the start, and also at the end, where the as-stored order puts them;
 * like dmesg(8), the last line ends with a newline.
 */
static int
print_ring(const unsigned char *ring, size_t size, size_t pos, int all)
{
	unsigned char *text = malloc(size + 1);
	size_t first = 0, end = size;

	if (text == NULL)
		return -1;
	for (size_t k = 0; k < size; k++)
		text[k] = ring[(pos + k) % size];
	while (first < end && text[first] == '\0')
		first++;
	while (end > first && text[end - 1] == '\0')
		end--;
	if (end > first && text[end - 1] != '\n')
		text[end++] = '\n';
	for (size_t k = first; k < end;) {
		const unsigned char *nl = memchr(text + k, '\n', end - k);
		size_t next = (size_t)(nl - text) + 1;

		print_line(text + k, text + next, all);
		k = next;
	}
	free(text);
	return 0;
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
	int rc;

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
	rc = print_ring(ring, (size_t)size, (size_t)(wseq % size), c->all);
	free(ring);
	if (rc != 0)
		snprintf(why, whylen, "out of memory");
	return rc != 0 ? EXIT_NO : EXIT_OK;
}

/* From the minidump's msgbuf section alone. */
static int
dmesg_section(struct cli *c)
{
	size_t len, section_len, pos;
	const unsigned char *ring = kvm_arm_msgbuf(c->kd, &len, &section_len);

	if (ring == NULL) {
		cli_kvm_error(c);
		return EXIT_NO;
	}
	if (section_len >= len + MSGBUF_STRUCT &&
	    target_word(c, ring + len + MSG_MAGIC_OFF, 4) == MSG_MAGIC) {
		/* The struct the kernel keeps after the ring has the position. */
		pos = (size_t)(target_word(c, ring + len + MSG_WSEQ, 4) % len);
	} else {
		cli_error(c, "no struct msgbuf after the message buffer, so "
		    "the write position is unknown: printing it as stored");
		pos = 0;
	}
	if (print_ring(ring, len, pos, c->all) != 0) {
		cli_error(c, "out of memory");
		return EXIT_USAGE;
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
		/* A full ELF core has no msgbuf section to fall back on. */
		if (strcmp(c->info.container, "minidump") != 0) {
			cli_error(c, "%s", why);
			return EXIT_NO;
		}
		cli_error(c, "%s; using the dump's msgbuf section", why);
	}
	return dmesg_section(c);
}
