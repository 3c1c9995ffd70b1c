/*
 * cmd_dmesg.c: kvmarm dmesg: the kernel message buffer, oldest text first.
 *
 * The library puts the ring in order (kvm_arm_msgbuf_text: through the
 * kernel's msgbufp with -N, else from the minidump's msgbuf section); this
 * prints it as FreeBSD's dmesg(8) does: syslog priority prefixes removed,
 * lines of other facilities than the kernel's left out (-a keeps them),
 * bytes escaped as strvisx(3) does; and says on stderr when the order is
 * less sure.
 */
#include <limits.h>
#include <string.h>

#include "kvmarm.h"

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

int
cmd_dmesg(struct cli *c)
{
	char why[2048];
	size_t len;
	const char *text = kvm_arm_msgbuf_text(c->kd, &len, why, sizeof(why));
	const unsigned char *p, *end;

	if (text == NULL) {
		cli_kvm_error(c);
		return EXIT_NO;
	}
	if (why[0] != '\0')
		fprintf(stderr, "kvmarm: %s\n", why);
	/* A line at a time; like dmesg(8), the last one ends with a newline. */
	p = (const unsigned char *)text;
	end = p + len;
	while (p < end) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		const unsigned char *next = nl != NULL ? nl + 1 : end;

		print_line(p, next, c->all);
		if (nl == NULL)
			putchar('\n');
		p = next;
	}
	return EXIT_OK;
}
