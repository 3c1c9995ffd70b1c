/*
 * gdb_server.c: the commands of a GDB remote stub that serves a crash dump,
 * and the session loop that feeds them packets.
 *
 * A dump is a stopped target that can never run again: it answers what a
 * debugger asks to look at (registers per thread, memory, thread names, a
 * target description) and refuses, with an error, anything that would
 * write or resume.  Whatever a client sends, memory is read only through
 * kvm_read2, which never reads outside the file.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdb_server.h"
#include "target_order.h"

/* Error replies ("Enn", nn an errno in hex, as gdbserver answers). */
#define E_FAULT		"E0e"	/* memory not readable */
#define E_INVAL		"E16"	/* a request or thread id that is not one */
#define E_2BIG		"E07"	/* a packet past PacketSize */
#define E_ROFS		"E1e"	/* writes, resume and step */

static const char read_only_message[] =
    "the target is a crash dump: it cannot be written, resumed or stepped\n";

#define KVA_LIMIT	UINT64_C(0x100000000)	/* arm kernel VAs are 32-bit */
#define PAGE		4096u

/*
 * The target description: the arm core registers only, so a 'g' reply is
 * r0..r15 then cpsr, 4 bytes each (68 bytes), numbered 0..16 in this order.
 */
static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>arm</architecture>\n"
    "<feature name=\"org.gnu.gdb.arm.core\">\n"
    "<reg name=\"r0\" bitsize=\"32\"/>\n"
    "<reg name=\"r1\" bitsize=\"32\"/>\n"
    "<reg name=\"r2\" bitsize=\"32\"/>\n"
    "<reg name=\"r3\" bitsize=\"32\"/>\n"
    "<reg name=\"r4\" bitsize=\"32\"/>\n"
    "<reg name=\"r5\" bitsize=\"32\"/>\n"
    "<reg name=\"r6\" bitsize=\"32\"/>\n"
    "<reg name=\"r7\" bitsize=\"32\"/>\n"
    "<reg name=\"r8\" bitsize=\"32\"/>\n"
    "<reg name=\"r9\" bitsize=\"32\"/>\n"
    "<reg name=\"r10\" bitsize=\"32\"/>\n"
    "<reg name=\"r11\" bitsize=\"32\"/>\n"
    "<reg name=\"r12\" bitsize=\"32\"/>\n"
    "<reg name=\"sp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "<reg name=\"lr\" bitsize=\"32\"/>\n"
    "<reg name=\"pc\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "<reg name=\"cpsr\" bitsize=\"32\"/>\n"
    "</feature>\n"
    "</target>\n";

#define NREGS	17	/* r0..r15, cpsr */

/* ---- the thread list as XML (qXfer:threads:read) ----------------------- */

/* Text for an XML attribute or element: markup escaped, controls as '?'. */
static void
xml_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(c < 0x20 || c >= 0x7f ? '?' : c, f); break;
		}
	}
}

static int
build_threads_xml(struct gdb_server *s)
{
	FILE *f = open_memstream(&s->threads_xml, &s->threads_xml_len);

	if (f == NULL)
		return -1;
	fputs("<?xml version=\"1.0\"?>\n<threads>\n", f);
	for (size_t i = 0; i < s->nctx; i++) {
		const struct dump_context *c = &s->ctx[i];

		fprintf(f, "<thread id=\"%x\"", (unsigned int)c->id);
		if (c->oncpu >= 0)
			fprintf(f, " core=\"%d\"", c->oncpu);
		fputs(" name=\"", f);
		xml_text(f, c->name);
		fputs("\">", f);
		xml_text(f, c->note);
		fputs("</thread>\n", f);
	}
	fputs("</threads>\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

struct gdb_server *
gdb_server_new(kvm_t *kd, int big_endian)
{
	struct gdb_server *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kd = kd;
	s->big_endian = big_endian;
	gdb_rx_init(&s->rx);
	if (dump_contexts_load(kd, &s->cs) != 0) {
		free(s);
		return NULL;
	}
	if (s->cs.n > 0) {
		s->ctx = s->cs.v;
		s->nctx = s->cs.n;
	} else {
		/* gdb needs a thread to attach to: one with no registers. */
		s->none.id = 1;
		s->none.oncpu = -1;
		snprintf(s->none.name, sizeof(s->none.name), "kernel");
		snprintf(s->none.note, sizeof(s->none.note),
		    "no threads: registers unknown");
		s->ctx = &s->none;
		s->nctx = 1;
	}
	if (build_threads_xml(s) != 0) {
		gdb_server_free(s);
		return NULL;
	}
	return s;
}

void
gdb_server_free(struct gdb_server *s)
{
	if (s == NULL)
		return;
	dump_contexts_free(&s->cs);
	free(s->threads_xml);
	free(s);
}

/* ---- request parsing ---------------------------------------------------- */

/* Does the packet start with this word? */
static int
starts(const char *p, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && memcmp(p, word, n) == 0;
}

/* Exactly one hex number fills p[0..len). */
static int
whole_hex(const char *p, size_t len, uint64_t *v)
{
	return len > 0 && gdb_parse_hex(p, len, v) == len;
}

/* "ADDR,LEN" exactly. */
static int
addr_len(const char *p, size_t len, uint64_t *addr, uint64_t *n)
{
	const char *comma = memchr(p, ',', len);

	if (comma == NULL)
		return 0;
	return whole_hex(p, (size_t)(comma - p), addr) &&
	    whole_hex(comma + 1, len - (size_t)(comma - p) - 1, n);
}

/* A thread id: "-1" (all), "0" (any) or a hex id; -2 when not one. */
static long long
thread_id(const char *p, size_t len)
{
	uint64_t v;

	if (len == 2 && p[0] == '-' && p[1] == '1')
		return -1;
	if (!whole_hex(p, len, &v) || v > 0x7fffffff)
		return -2;
	return (long long)v;
}

/* The index of the context with this id, or -1. */
static long
find_index(const struct gdb_server *s, long long id)
{
	for (size_t i = 0; i < s->nctx; i++)
		if (s->ctx[i].id == id)
			return (long)i;
	return -1;
}

/* ---- replies ------------------------------------------------------------ */

static void
reply_error(struct gdb_server *s, const char *code, const char *text)
{
	gdb_reply_clear(&s->reply);
	if (s->error_message && text != NULL) {
		gdb_reply_str(&s->reply, "E.");
		gdb_reply_str(&s->reply, text);
	} else {
		gdb_reply_str(&s->reply, code);
	}
}

/*
 * One register: 8 hex digits in the target's byte order, or 8 'x' when not
 * known.  An unknown pc goes as 0: gdb refuses to attach to a thread with
 * no pc at all, and 0 is plainly not a place the kernel ran.
 */
static void
reply_reg(struct gdb_server *s, const struct kvm_arm_regs *r, unsigned int n)
{
	uint32_t v = n < 16 ? r->r[n] : r->cpsr;
	unsigned char b[4];

	if (n == 15 && !(r->valid & (1u << n)))
		v = 0;
	else if (!(r->valid & (1u << n))) {
		gdb_reply_str(&s->reply, "xxxxxxxx");
		return;
	}
	target_put32(b, v, s->big_endian);
	gdb_reply_hex(&s->reply, b, 4);
}

/* "T05thread:ID;": stopped (SIGTRAP), in the crashed thread. */
static void
stop_reply(struct gdb_server *s)
{
	gdb_reply_str(&s->reply, "T05thread:");
	gdb_reply_hexnum(&s->reply, (uint64_t)s->ctx[0].id);
	gdb_reply_str(&s->reply, ";");
}

/*
 * m ADDR,LEN: the bytes that can be read from ADDR on, a page at a time; an
 * error only when not even the first can (gdb asks again for the rest of a
 * short answer, and reports the address that failed).
 */
static void
read_memory(struct gdb_server *s, uint64_t addr, uint64_t len)
{
	uint8_t buf[PAGE];
	size_t done = 0;

	/* Two hex digits a byte must fit the reply. */
	if (len > gdb_reply_room(&s->reply) / 2)
		len = gdb_reply_room(&s->reply) / 2;
	if (addr >= KVA_LIMIT) {
		reply_error(s, E_FAULT, "address past 32 bits");
		return;
	}
	if (len > KVA_LIMIT - addr)
		len = KVA_LIMIT - addr;
	while (done < len) {
		size_t want = PAGE - (size_t)(addr % PAGE);
		ssize_t got;

		if (want > len - done)
			want = (size_t)(len - done);
		got = kvm_read2(s->kd, addr, buf, want);
		if (got <= 0)
			break;
		gdb_reply_hex(&s->reply, buf, (size_t)got);
		done += (size_t)got;
		addr += (uint64_t)got;
		if ((size_t)got < want)
			break;
	}
	if (done == 0 && len > 0)
		reply_error(s, E_FAULT, "memory not in the dump");
}

/* qXfer:OBJECT:read:ANNEX:OFF,LEN from a document in memory. */
static void
xfer(struct gdb_server *s, const char *doc, size_t doclen, const char *args,
    size_t len)
{
	uint64_t off, n;
	size_t room;

	if (!addr_len(args, len, &off, &n)) {
		reply_error(s, E_INVAL, "bad qXfer offset,length");
		return;
	}
	if (off >= doclen) {
		gdb_reply_str(&s->reply, "l");
		return;
	}
	room = gdb_reply_room(&s->reply) - 1;
	if (n > room)
		n = room;
	if (n > doclen - off)
		n = doclen - off;
	gdb_reply_str(&s->reply, off + n < doclen ? "m" : "l");
	gdb_reply_bytes(&s->reply, doc + off, (size_t)n);
}

static void
q_xfer(struct gdb_server *s, const char *p, size_t len)
{
	static const char features[] = "qXfer:features:read:target.xml:";
	static const char threads[] = "qXfer:threads:read::";

	if (starts(p, len, features))
		xfer(s, target_xml, sizeof(target_xml) - 1,
		    p + sizeof(features) - 1, len - (sizeof(features) - 1));
	else if (starts(p, len, threads))
		xfer(s, s->threads_xml, s->threads_xml_len,
		    p + sizeof(threads) - 1, len - (sizeof(threads) - 1));
	else if (starts(p, len, "qXfer:features:read:") ||
	    starts(p, len, "qXfer:threads:read:"))
		reply_error(s, "E00", "no such annex");
	/* Any other object: empty, "not supported". */
}

/* qfThreadInfo / qsThreadInfo: as many ids as fit, "l" after the last. */
static void
thread_list(struct gdb_server *s, int first)
{
	if (first)
		s->list_next = 0;
	if (s->list_next >= s->nctx) {
		gdb_reply_str(&s->reply, "l");
		return;
	}
	gdb_reply_str(&s->reply, "m");
	for (int n = 0; s->list_next < s->nctx &&
	    gdb_reply_room(&s->reply) > 20; n++) {
		if (n > 0)
			gdb_reply_str(&s->reply, ",");
		gdb_reply_hexnum(&s->reply, (uint64_t)s->ctx[s->list_next++].id);
	}
}

static void
q_supported(struct gdb_server *s, const char *p, size_t len)
{
	/* The client's features: "name+" items after the colon. */
	for (size_t i = 0; i + 14 <= len; i++)
		if (memcmp(p + i, "error-message+", 14) == 0 &&
		    (i == 0 || p[i - 1] == ':' || p[i - 1] == ';'))
			s->error_message = 1;
	gdb_reply_str(&s->reply, "PacketSize=");
	gdb_reply_hexnum(&s->reply, GDB_PACKET_MAX);
	gdb_reply_str(&s->reply, ";qXfer:features:read+;qXfer:threads:read+");
}

/* A command starting with 'q'. */
static void
query(struct gdb_server *s, const char *p, size_t len)
{
	long idx;

	if (starts(p, len, "qSupported")) {
		q_supported(s, p, len);
	} else if (starts(p, len, "qXfer:")) {
		q_xfer(s, p, len);
	} else if (len == 12 && starts(p, len, "qfThreadInfo")) {
		thread_list(s, 1);
	} else if (len == 12 && starts(p, len, "qsThreadInfo")) {
		thread_list(s, 0);
	} else if (len == 2 && p[1] == 'C') {
		gdb_reply_str(&s->reply, "QC");
		gdb_reply_hexnum(&s->reply, (uint64_t)s->ctx[0].id);
	} else if (starts(p, len, "qAttached")) {
		gdb_reply_str(&s->reply, "1");	/* detach, do not kill */
	} else if (starts(p, len, "qThreadExtraInfo,")) {
		idx = find_index(s, thread_id(p + 17, len - 17));
		if (idx < 0) {
			reply_error(s, E_INVAL, "no such thread");
			return;
		}
		gdb_reply_hex(&s->reply, s->ctx[idx].note,
		    strlen(s->ctx[idx].note));
	}
	/* Anything else (qOffsets, qSymbol, qTStatus, ...): empty, "not
	 * supported", which is what a dump has to say about them. */
}

/* Hg / Hc: the thread later g / p (or c, s) requests apply to. */
static void
set_thread(struct gdb_server *s, const char *p, size_t len)
{
	long long id;
	long idx;

	if (len < 3 || (p[1] != 'g' && p[1] != 'c')) {
		reply_error(s, E_INVAL, "bad H packet");
		return;
	}
	id = thread_id(p + 2, len - 2);
	if (id == -2) {
		reply_error(s, E_INVAL, "bad thread id");
		return;
	}
	if (id == 0 || id == -1) {	/* any / all: keep the choice */
		gdb_reply_str(&s->reply, "OK");
		return;
	}
	if ((idx = find_index(s, id)) < 0) {
		reply_error(s, E_INVAL, "no such thread");
		return;
	}
	if (p[1] == 'g')
		s->g_thread = (size_t)idx;
	gdb_reply_str(&s->reply, "OK");
}

static void
refuse_to_run(struct gdb_server *s)
{
	s->console = read_only_message;
	reply_error(s, E_ROFS, "the target is a crash dump");
}

enum gdb_after
gdb_server_command(struct gdb_server *s, const char *p, size_t len)
{
	const struct kvm_arm_regs *regs = &s->ctx[s->g_thread].regs;
	uint64_t a, n;

	gdb_reply_clear(&s->reply);
	s->console = NULL;
	if (len == 0)
		return GDB_GO_ON;
	switch (p[0]) {
	case '?':
		stop_reply(s);
		break;
	case 'g':
		if (len != 1) {
			reply_error(s, E_INVAL, "bad g packet");
			break;
		}
		for (unsigned int r = 0; r < NREGS; r++)
			reply_reg(s, regs, r);
		break;
	case 'p':
		if (!whole_hex(p + 1, len - 1, &n) || n >= NREGS)
			reply_error(s, E_INVAL, "no such register");
		else
			reply_reg(s, regs, (unsigned int)n);
		break;
	case 'm':
		if (!addr_len(p + 1, len - 1, &a, &n) || n == 0)
			reply_error(s, E_INVAL, "bad m ADDR,LEN");
		else
			read_memory(s, a, n);
		break;
	case 'q':
		query(s, p, len);
		break;
	case 'H':
		set_thread(s, p, len);
		break;
	case 'T':
		if (find_index(s, thread_id(p + 1, len - 1)) >= 0)
			gdb_reply_str(&s->reply, "OK");
		else
			reply_error(s, E_INVAL, "no such thread");
		break;
	case 'M':
	case 'X':
	case 'G':
	case 'P':
		reply_error(s, E_ROFS, "the target is a crash dump: "
		    "read-only");
		break;
	case 'c':
	case 'C':
	case 's':
	case 'S':
		refuse_to_run(s);
		break;
	case 'v':
		if (starts(p, len, "vCont;") || starts(p, len, "vRun") ||
		    starts(p, len, "vAttach"))
			refuse_to_run(s);
		else if (starts(p, len, "vKill")) {
			gdb_reply_str(&s->reply, "OK");
			return GDB_END_AFTER_REPLY;
		}
		/* vCont? (no vCont), vMustReplyEmpty, ...: empty */
		break;
	case 'D':
		gdb_reply_str(&s->reply, "OK");
		return GDB_END_AFTER_REPLY;
	case 'k':
		return GDB_END;
	default:
		break;	/* empty: not supported */
	}
	return GDB_GO_ON;
}

/* ---- the session ------------------------------------------------------- */

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Frame data as one packet, kept for a resend, and send it after the '+'
 * that acknowledges the request when ack is set: in one write, as a small
 * write followed by another would wait on TCP's delayed acknowledgement.
 */
static int
send_packet(struct gdb_server *s, int out, const uint8_t *data, size_t n,
    int ack)
{
	s->sent[0] = '+';
	s->frame_len = gdb_frame(data, n, s->sent + 1, sizeof(s->sent) - 1);
	return write_all(out, s->sent + (ack ? 0 : 1), s->frame_len +
	    (ack ? 1 : 0));
}

/* Acknowledge a packet and answer it: the 'O' message first, if any. */
static int
answer(struct gdb_server *s, int out)
{
	int ack = 1;

	if (s->console != NULL) {
		struct gdb_reply *o = malloc(sizeof(*o));
		int rc;

		if (o == NULL)
			return -1;
		gdb_reply_clear(o);
		gdb_reply_str(o, "O");
		gdb_reply_hex(o, s->console, strlen(s->console));
		rc = send_packet(s, out, o->data, o->len, 1);
		free(o);
		if (rc != 0)
			return -1;
		ack = 0;
	}
	return send_packet(s, out, s->reply.data, s->reply.len, ack);
}

/*
 * After the last reply (to D or vKill), wait a moment for the client's '+':
 * a stub gone before the client acknowledges makes gdb report a broken
 * pipe.  Anything else, end of file or a second of silence ends the wait.
 */
static void
await_ack(int in)
{
	struct pollfd pfd = { .fd = in, .events = POLLIN };
	uint8_t c;

	for (int i = 0; i < 64; i++) {
		if (poll(&pfd, 1, 1000) <= 0 || read(in, &c, 1) != 1 ||
		    c == '+' || c == '-')
			return;
	}
}

enum gdb_end
gdb_server_run(struct gdb_server *s, int in, int out)
{
	static const uint8_t nak = '-', ack = '+';
	uint8_t buf[4096];

	for (;;) {
		ssize_t got = read(in, buf, sizeof(buf));
		size_t off = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return GDB_IO_ERROR;
		if (got == 0)
			return gdb_rx_in_packet(&s->rx) ? GDB_CUT : GDB_ENDED;
		while (off < (size_t)got) {
			size_t used;
			enum gdb_after after = GDB_GO_ON;
			int rc = 0;

			switch (gdb_rx_feed(&s->rx, buf + off,
			    (size_t)got - off, &used)) {
			case GDB_RX_NONE:
			case GDB_RX_ACK:
			case GDB_RX_INTERRUPT:	/* a dump is always stopped */
				break;
			case GDB_RX_NAK:
				rc = write_all(out, s->sent + 1, s->frame_len);
				break;
			case GDB_RX_BAD_CHECKSUM:
				rc = write_all(out, &nak, 1);
				break;
			case GDB_RX_MALFORMED:
				reply_error(s, E_INVAL, "malformed packet");
				s->console = NULL;
				rc = answer(s, out);
				break;
			case GDB_RX_OVERSIZE:
				reply_error(s, E_2BIG, "packet too long");
				s->console = NULL;
				rc = answer(s, out);
				break;
			case GDB_RX_PACKET:
				after = gdb_server_command(s,
				    (const char *)s->rx.data, s->rx.len);
				if (after == GDB_END) {
					/* k: acknowledged, not answered */
					(void)write_all(out, &ack, 1);
					return GDB_ENDED;
				}
				rc = answer(s, out);
				break;
			}
			if (rc != 0)
				return GDB_IO_ERROR;
			if (after == GDB_END_AFTER_REPLY) {
				if (off + used == (size_t)got)
					await_ack(in);
				return GDB_ENDED;
			}
			off += used;
		}
	}
}
