/*
 * test_gdb_packet.c: the GDB remote protocol's framing (tools/gdb_packet.c)
 * byte by byte.  Every expected packet and checksum below was worked out by
 * hand from the protocol's rules (sum of the bytes between '$' and '#' mod
 * 256; '}' escapes with XOR 0x20; "X*c" repeats X c - 29 more times), or
 * copied from what gdb-multiarch 13 sent (its "set debug remote 1" log).
 */
#include <string.h>

#include "../tools/gdb_packet.h"
#include "harness.h"

static struct gdb_rx rx;

/* Feed s (n bytes) whole; the first event and the bytes it took. */
static enum gdb_rx_event
feed(const char *s, size_t n, size_t *used)
{
	return gdb_rx_feed(&rx, (const uint8_t *)s, n, used);
}

/* A fresh receiver given s (n bytes): a packet whose data must be want. */
static void
expect_packet_n(const char *name, const char *s, size_t n, const char *want,
    size_t wlen)
{
	size_t used;
	enum gdb_rx_event ev;

	gdb_rx_init(&rx);
	ev = feed(s, n, &used);
	check(ev == GDB_RX_PACKET && used == n && rx.len == wlen &&
	    memcmp(rx.data, want, wlen) == 0 && rx.data[wlen] == '\0',
	    "%s: event %d, %zu bytes used, data \"%.*s\"", name, (int)ev, used,
	    (int)rx.len, (const char *)rx.data);
}

static void
expect_packet(const char *name, const char *s, const char *want, size_t wlen)
{
	expect_packet_n(name, s, strlen(s), want, wlen);
}

static void
expect_event(const char *name, const char *s, size_t n, enum gdb_rx_event want)
{
	size_t used;
	enum gdb_rx_event ev;

	gdb_rx_init(&rx);
	ev = feed(s, n, &used);
	check(ev == want && used == n, "%s: event %d (want %d), %zu of %zu "
	    "bytes used", name, (int)ev, (int)want, used, n);
}

static void
test_checksums(void)
{
	/* Packets as gdb-multiarch sent them. */
	expect_packet("gdb's g", "$g#67", "g", 1);
	expect_packet("gdb's ?", "$?#3f", "?", 1);
	expect_packet("gdb's Hg0", "$Hg0#df", "Hg0", 3);
	expect_packet("gdb's D", "$D#44", "D", 1);
	expect_packet("gdb's qTStatus", "$qTStatus#49", "qTStatus", 8);
	expect_packet("gdb's vMustReplyEmpty", "$vMustReplyEmpty#3a",
	    "vMustReplyEmpty", 15);
	expect_packet("gdb's m (lowercase hex)", "$mc010002d,4#b7",
	    "mc010002d,4", 11);
	/* 'O' 0x4f + 'K' 0x4b = 0x9a; digits in either case. */
	expect_packet("OK", "$OK#9a", "OK", 2);
	expect_packet("checksum in capitals", "$OK#9A", "OK", 2);
	/* An empty packet sums to 0. */
	expect_packet("empty packet", "$#00", "", 0);
	check(gdb_checksum((const uint8_t *)"OK", 2) == 0x9a, "gdb_checksum OK");
	check(gdb_checksum((const uint8_t *)"", 0) == 0, "gdb_checksum empty");

	expect_event("checksum off by one", "$OK#9b", 6, GDB_RX_BAD_CHECKSUM);
	expect_event("checksum digits not hex", "$OK#zz", 6,
	    GDB_RX_BAD_CHECKSUM);
	expect_event("checksum digit not hex second", "$OK#9g", 6,
	    GDB_RX_BAD_CHECKSUM);
}

static void
test_escapes(void)
{
	/* '}' then ']' (0x5d ^ 0x20 = 0x7d '}'): 0x7d + 0x5d = 0xda. */
	expect_packet("escaped }", "$}]#da", "}", 1);
	/* '#' travels as '}' 0x03: 0x61 + 0x7d + 0x03 + 0x62 = 0x143. */
	expect_packet("escaped #", "$a}\003b#43", "a#b", 3);
	/* '$' as '}' 0x04: 0x7d + 0x04 = 0x81. */
	expect_packet("escaped $", "$}\004#81", "$", 1);
	/* '*' as '}' 0x0a: 0x7d + 0x0a = 0x87. */
	expect_packet("escaped *", "$}\n#87", "*", 1);
	/* A NUL byte is data like any other: 0x58 'X' + 0 = 0x58. */
	expect_packet_n("NUL in data", "$X\0#58", 6, "X\0", 2);
	/* Escaped byte then a repeat of it: '}' ']' gives '}', "* " 3 more:
	 * 0x7d + 0x5d + 0x2a + 0x20 = 0x124. */
	expect_packet("escape then repeat", "$}]* #24", "}}}}", 4);
	/* A '}' with nothing after it: 0x61 + 0x62 + 0x7d = 0x140. */
	expect_event("escape at the end", "$ab}#40", 7, GDB_RX_MALFORMED);
}

static void
test_run_length(void)
{
	/* The manual's example: "0* " is "0000" (' ' = 32 = 3 more). */
	expect_packet("0* is 0000", "$0* #7a", "0000", 4);
	/* '"' = 34: 5 more: 0x61 + 0x2a + 0x22 = 0xad. */
	expect_packet("a*\" is 6 a", "$a*\"#ad", "aaaaaa", 6);
	/* Repeat then more data: 'x' '*' ' ' 'y': 0x78+0x2a+0x20+0x79 =
	 * 0x13b. */
	expect_packet("repeat in the middle", "$x* y#3b", "xxxxy", 5);
	/* '~' = 126: 97 more, the largest count. */
	{
		char want[98];

		memset(want, 'z', sizeof(want));
		/* 0x7a + 0x2a + 0x7e = 0x122 */
		expect_packet("largest count", "$z*~#22", want, sizeof(want));
	}
	/* Nothing to repeat yet: 0x2a + 0x35 = 0x5f. */
	expect_event("repeat first", "$*5#5f", 6, GDB_RX_MALFORMED);
	/* A count byte that is not printable (0x7f): 0x61+0x2a+0x7f = 0x10a. */
	expect_event("count not printable", "$a*\177#0a", 7, GDB_RX_MALFORMED);
	/* A count byte below ' ' (0x1f): 0x61 + 0x2a + 0x1f = 0xaa. */
	expect_event("count below space", "$a*\037#aa", 7, GDB_RX_MALFORMED);
	/* '*' with no count before '#': 0x61 + 0x2a = 0x8b. */
	expect_event("repeat at the end", "$a*#8b", 6, GDB_RX_MALFORMED);
	/* A malformed packet with a wrong checksum is only a bad checksum. */
	expect_event("malformed and bad checksum", "$a*#8c", 6,
	    GDB_RX_BAD_CHECKSUM);
}

static void
test_sizes(void)
{
	static char buf[GDB_PACKET_MAX + 16];
	size_t n;

	/* GDB_PACKET_MAX 'a's: 0x61 * 16384 = 0 mod 256. */
	buf[0] = '$';
	memset(buf + 1, 'a', GDB_PACKET_MAX);
	memcpy(buf + 1 + GDB_PACKET_MAX, "#00", 3);
	n = 1 + GDB_PACKET_MAX + 3;
	expect_event("exactly PacketSize", buf, n, GDB_RX_PACKET);
	check(rx.len == GDB_PACKET_MAX, "exactly PacketSize: all kept");

	/* One more: 0x61 * 16385 = 0x61 mod 256. */
	buf[0] = '$';
	memset(buf + 1, 'a', GDB_PACKET_MAX + 1);
	memcpy(buf + 2 + GDB_PACKET_MAX, "#61", 3);
	n = 2 + GDB_PACKET_MAX + 3;
	expect_event("one past PacketSize", buf, n, GDB_RX_OVERSIZE);
	check(rx.len <= GDB_PACKET_MAX, "one past PacketSize: bounded");

	/* Run-length past the limit: 'a' then 200 x "*~" (97 each) = 19401
	 * bytes.  Sum: 0x61 + 200 * (0x2a + 0x7e) = 0x61 + 33600; 33600 mod
	 * 256 = 64, so 0xa1. */
	n = 0;
	buf[n++] = '$';
	buf[n++] = 'a';
	for (int i = 0; i < 200; i++) {
		buf[n++] = '*';
		buf[n++] = '~';
	}
	memcpy(buf + n, "#a1", 3);
	n += 3;
	expect_event("run-length past PacketSize", buf, n, GDB_RX_OVERSIZE);
	check(rx.len <= GDB_PACKET_MAX, "run-length past PacketSize: bounded");

	/* The stream stays in step after a refused packet. */
	{
		size_t used;
		enum gdb_rx_event ev;

		ev = feed("$g#67", 5, &used);
		check(ev == GDB_RX_PACKET && rx.len == 1 && rx.data[0] == 'g',
		    "next packet after an oversize one");
	}
}

static void
test_stream(void)
{
	const char *s;
	size_t used, n;
	enum gdb_rx_event ev;

	/* One byte at a time: nothing until the last checksum digit. */
	gdb_rx_init(&rx);
	s = "$OK#9a";
	ev = GDB_RX_NONE;
	for (size_t i = 0; i < 6; i++) {
		ev = feed(s + i, 1, &used);
		if (i < 5 && ev != GDB_RX_NONE)
			break;
	}
	check(ev == GDB_RX_PACKET && rx.len == 2, "byte at a time");

	/* Acks, an interrupt and noise between packets. */
	gdb_rx_init(&rx);
	s = "xy+-\003$g#67";
	n = strlen(s);
	ev = feed(s, n, &used);
	check(ev == GDB_RX_ACK && used == 3, "noise then ack");
	s += used;
	ev = feed(s, strlen(s), &used);
	check(ev == GDB_RX_NAK && used == 1, "nak");
	s += used;
	ev = feed(s, strlen(s), &used);
	check(ev == GDB_RX_INTERRUPT && used == 1, "interrupt");
	s += used;
	ev = feed(s, strlen(s), &used);
	check(ev == GDB_RX_PACKET && used == 5 && rx.data[0] == 'g',
	    "packet after them");

	/* '+' and '-' inside a packet are data. */
	expect_packet("+ and - in data", "$+-#58", "+-", 2);	/* 0x2b+0x2d */

	/* A '$' in a packet: the sender gave up; the new one counts. */
	expect_packet("$ restarts", "$abc$g#67", "g", 1);

	/* Cut short: no event, and the receiver knows it is mid-packet. */
	gdb_rx_init(&rx);
	ev = feed("$OK#9", 5, &used);
	check(ev == GDB_RX_NONE && used == 5 && gdb_rx_in_packet(&rx),
	    "cut in the checksum");
	gdb_rx_init(&rx);
	ev = feed("$O", 2, &used);
	check(ev == GDB_RX_NONE && gdb_rx_in_packet(&rx), "cut in the data");
	gdb_rx_init(&rx);
	ev = feed("+", 1, &used);
	check(!gdb_rx_in_packet(&rx), "between packets is not mid-packet");
	gdb_rx_init(&rx);
	ev = feed("$OK#9a", 6, &used);
	check(!gdb_rx_in_packet(&rx), "after a packet is not mid-packet");
}

static void
test_frame(void)
{
	uint8_t out[64];
	size_t n;

	n = gdb_frame((const uint8_t *)"OK", 2, out, sizeof(out));
	check(n == 6 && memcmp(out, "$OK#9a", 6) == 0, "frame OK");
	n = gdb_frame((const uint8_t *)"", 0, out, sizeof(out));
	check(n == 4 && memcmp(out, "$#00", 4) == 0, "frame empty");
	/* The four bytes that must travel escaped. */
	n = gdb_frame((const uint8_t *)"a#b", 3, out, sizeof(out));
	check(n == 8 && memcmp(out, "$a}\003b#43", 8) == 0, "frame #");
	n = gdb_frame((const uint8_t *)"$}*", 3, out, sizeof(out));
	/* '}' 0x04 '}' ']' '}' 0x0a: 3 * 0x7d + 0x04 + 0x5d + 0x0a = 0x1e2 */
	check(n == 10 && memcmp(out, "$}\004}]}\n#e2", 10) == 0,
	    "frame $ } *");
	/* Too small: 0, never a partial frame past the end. */
	n = gdb_frame((const uint8_t *)"OK", 2, out, 5);
	check(n == 0, "frame too small");
	n = gdb_frame((const uint8_t *)"#", 1, out, 5);
	check(n == 0, "frame too small for the escape");
	n = gdb_frame((const uint8_t *)"#", 1, out, 6);
	check(n == 6 && memcmp(out, "$}\003#80", 6) == 0, "frame just fits");
	/* What gdb_frame writes, the receiver reads back. */
	n = gdb_frame((const uint8_t *)"x}#$*y", 6, out, sizeof(out));
	gdb_rx_init(&rx);
	{
		size_t used;
		enum gdb_rx_event ev = gdb_rx_feed(&rx, out, n, &used);

		check(ev == GDB_RX_PACKET && rx.len == 6 &&
		    memcmp(rx.data, "x}#$*y", 6) == 0, "frame read back");
	}
}

static void
test_hex(void)
{
	static struct gdb_reply r;
	uint64_t v = 0;
	uint8_t b[4];

	check(gdb_parse_hex("c0100000,10", 11, &v) == 8 && v == 0xc0100000u,
	    "parse hex address");
	check(gdb_parse_hex("FFFFFFFFFFFFFFFF", 16, &v) == 16 &&
	    v == UINT64_MAX, "parse 64 bits");
	check(gdb_parse_hex("10000000000000000", 17, &v) == 0,
	    "parse 65 bits refused");
	check(gdb_parse_hex(",10", 3, &v) == 0, "parse no digits");
	check(gdb_parse_hex("12345", 2, &v) == 2 && v == 0x12, "parse bounded");
	check(gdb_unhex("4c32e3ff", 4, b) == 0 && b[0] == 0x4c && b[1] == 0x32 &&
	    b[2] == 0xe3 && b[3] == 0xff, "unhex");
	check(gdb_unhex("4g", 1, b) == -1, "unhex not hex");
	check(gdb_hex_digit('F') == 15 && gdb_hex_digit('g') == -1,
	    "hex digits");

	gdb_reply_clear(&r);
	gdb_reply_hexnum(&r, 0);
	gdb_reply_str(&r, ",");
	gdb_reply_hexnum(&r, 100001);	/* 0x186a1 */
	gdb_reply_str(&r, ",");
	gdb_reply_hex(&r, "\x4c\x32\x00\xe3", 4);
	check(r.len == 16 && memcmp(r.data, "0,186a1,4c3200e3", 16) == 0 &&
	    !r.overflow, "reply hex");

	/* A reply never grows past PacketSize. */
	gdb_reply_clear(&r);
	for (int i = 0; i < GDB_PACKET_MAX / 4 + 10; i++)
		gdb_reply_str(&r, "abcd");
	check(r.len == GDB_PACKET_MAX && r.overflow && gdb_reply_room(&r) == 0,
	    "reply bounded");
}

int
main(void)
{
	test_checksums();
	test_escapes();
	test_run_length();
	test_sizes();
	test_stream();
	test_frame();
	test_hex();
	return harness_status();
}
