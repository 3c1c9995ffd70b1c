/*
 * cmd_dmesg.c: kvmarm dmesg: the kernel message buffer, oldest text first.
 *
 * The library puts the ring in order (kvm_arm_msgbuf_text: through the
 * kernel's msgbufp with -N, else from the minidump's msgbuf section); this
 * prints it escaped as vis(3) would (C escapes or \ooo), keeping newlines
 * and tabs, and says on stderr when the order is less sure.
 */
#include <string.h>

#include "kvmarm.h"

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

int
cmd_dmesg(struct cli *c)
{
	char why[2048];
	size_t len;
	const char *text = kvm_arm_msgbuf_text(c->kd, &len, why, sizeof(why));

	if (text == NULL) {
		cli_kvm_error(c);
		return EXIT_NO;
	}
	if (why[0] != '\0')
		fprintf(stderr, "kvmarm: %s\n", why);
	for (size_t k = 0; k < len; k++)
		put_visible((unsigned char)text[k]);
	/* Like dmesg(8): the last line ends with a newline. */
	if (len > 0 && text[len - 1] != '\n')
		putchar('\n');
	return EXIT_OK;
}
