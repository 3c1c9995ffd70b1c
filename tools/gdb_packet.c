/*
 * gdb_packet.c: the GDB remote serial protocol's framing: a receiver that
 * takes bytes in pieces of any size, the framing of replies, hex helpers.
 * No knowledge of dumps or commands (gdb_server.c has those).
 */
#include <string.h>

#include "gdb_packet.h"

/* Where the receiver is. */
enum {
	RX_IDLE,	/* between packets */
	RX_DATA,	/* after '$' */
	RX_ESCAPE,	/* after '}' */
	RX_COUNT,	/* after '*': the repeat count comes */
	RX_SUM1,	/* after '#' */
	RX_SUM2,	/* after the checksum's first digit */
};

/* The repeat count byte c stands for c - 29 more copies; it is printable. */
#define RLE_BIAS	29
#define RLE_MIN		' '
#define RLE_MAX		'~'

void
gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->state = RX_IDLE;
}

int
gdb_rx_in_packet(const struct gdb_rx *rx)
{
	return rx->state != RX_IDLE;
}

static void
start_packet(struct gdb_rx *rx)
{
	rx->state = RX_DATA;
	rx->sum = 0;
	rx->len = 0;
	rx->fault = 0;
	rx->bad_digit = 0;
}

static void
fault(struct gdb_rx *rx, int why)
{
	if (rx->fault == 0)
		rx->fault = why;
}

/* Append decoded bytes; past GDB_PACKET_MAX the packet is refused. */
static void
append(struct gdb_rx *rx, uint8_t c, size_t count)
{
	if (count > GDB_PACKET_MAX - rx->len) {
		fault(rx, GDB_RX_OVERSIZE);
		return;
	}
	memset(rx->data + rx->len, c, count);
	rx->len += count;
}

/* One byte; an event, or GDB_RX_NONE. */
static enum gdb_rx_event
rx_byte(struct gdb_rx *rx, uint8_t c)
{
	int d;

	/* A '$' anywhere but in the checksum starts a packet afresh. */
	if (c == '$' && rx->state != RX_SUM1 && rx->state != RX_SUM2) {
		start_packet(rx);
		return GDB_RX_NONE;
	}
	switch (rx->state) {
	case RX_IDLE:
		if (c == '+')
			return GDB_RX_ACK;
		if (c == '-')
			return GDB_RX_NAK;
		if (c == 0x03)
			return GDB_RX_INTERRUPT;
		return GDB_RX_NONE;
	case RX_DATA:
	case RX_ESCAPE:
	case RX_COUNT:
		if (c == '#') {
			/* A '}' or '*' with nothing after it. */
			if (rx->state != RX_DATA)
				fault(rx, GDB_RX_MALFORMED);
			rx->state = RX_SUM1;
			return GDB_RX_NONE;
		}
		rx->sum = (uint8_t)(rx->sum + c);
		if (rx->state == RX_ESCAPE) {
			append(rx, c ^ 0x20, 1);
			rx->state = RX_DATA;
		} else if (rx->state == RX_COUNT) {
			if (c < RLE_MIN || c > RLE_MAX)
				fault(rx, GDB_RX_MALFORMED);
			else if (rx->len > 0)
				append(rx, rx->data[rx->len - 1],
				    (size_t)(c - RLE_BIAS));
			rx->state = RX_DATA;
		} else if (c == '}') {
			rx->state = RX_ESCAPE;
		} else if (c == '*') {
			/* Nothing yet to repeat (or a refused packet's
			 * last byte is not known). */
			if (rx->len == 0 && rx->fault == 0)
				fault(rx, GDB_RX_MALFORMED);
			rx->state = RX_COUNT;
		} else {
			append(rx, c, 1);
		}
		return GDB_RX_NONE;
	case RX_SUM1:
	case RX_SUM2:
		if ((d = gdb_hex_digit(c)) < 0)
			rx->bad_digit = 1;
		if (rx->state == RX_SUM1) {
			rx->given = (uint8_t)((d < 0 ? 0 : d) << 4);
			rx->state = RX_SUM2;
			return GDB_RX_NONE;
		}
		rx->given = (uint8_t)(rx->given | (d < 0 ? 0 : d));
		rx->state = RX_IDLE;
		rx->data[rx->len] = '\0';
		if (rx->bad_digit || rx->given != rx->sum)
			return GDB_RX_BAD_CHECKSUM;
		return rx->fault != 0 ? (enum gdb_rx_event)rx->fault :
		    GDB_RX_PACKET;
	}
	return GDB_RX_NONE;
}

enum gdb_rx_event
gdb_rx_feed(struct gdb_rx *rx, const uint8_t *buf, size_t n, size_t *used)
{
	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event ev = rx_byte(rx, buf[i]);

		if (ev != GDB_RX_NONE) {
			*used = i + 1;
			return ev;
		}
	}
	*used = n;
	return GDB_RX_NONE;
}

uint8_t
gdb_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum;
}

static const char hexdigits[] = "0123456789abcdef";

size_t
gdb_frame(const uint8_t *data, size_t n, uint8_t *out, size_t outsize)
{
	size_t k = 0;
	uint8_t sum = 0;

	if (outsize < 4)
		return 0;
	out[k++] = '$';
	for (size_t i = 0; i < n; i++) {
		uint8_t c = data[i];
		int esc = c == '#' || c == '$' || c == '}' || c == '*';

		/* Room for this byte (two if escaped) and "#xx". */
		if (outsize - k < (size_t)(esc ? 2 : 1) + 3)
			return 0;
		if (esc) {
			out[k++] = '}';
			sum = (uint8_t)(sum + '}');
			c ^= 0x20;
		}
		out[k++] = c;
		sum = (uint8_t)(sum + c);
	}
	out[k++] = '#';
	out[k++] = (uint8_t)hexdigits[sum >> 4];
	out[k++] = (uint8_t)hexdigits[sum & 15];
	return k;
}

void
gdb_reply_clear(struct gdb_reply *r)
{
	r->len = 0;
	r->overflow = 0;
}

size_t
gdb_reply_room(const struct gdb_reply *r)
{
	return sizeof(r->data) - r->len;
}

void
gdb_reply_bytes(struct gdb_reply *r, const void *p, size_t n)
{
	if (n > gdb_reply_room(r)) {
		n = gdb_reply_room(r);
		r->overflow = 1;
	}
	memcpy(r->data + r->len, p, n);
	r->len += n;
}

void
gdb_reply_str(struct gdb_reply *r, const char *s)
{
	gdb_reply_bytes(r, s, strlen(s));
}

void
gdb_reply_hex(struct gdb_reply *r, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		char two[2] = { hexdigits[b[i] >> 4], hexdigits[b[i] & 15] };

		gdb_reply_bytes(r, two, 2);
	}
}

void
gdb_reply_hexnum(struct gdb_reply *r, uint64_t v)
{
	char buf[16];
	size_t k = sizeof(buf);

	do {
		buf[--k] = hexdigits[v & 15];
		v >>= 4;
	} while (v != 0);
	gdb_reply_bytes(r, buf + k, sizeof(buf) - k);
}

int
gdb_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
gdb_parse_hex(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;
	int d;

	for (i = 0; i < n && (d = gdb_hex_digit((unsigned char)s[i])) >= 0;
	    i++) {
		if (x >> 60 != 0)
			return 0;	/* a 65th bit */
		x = x << 4 | (uint64_t)d;
	}
	if (i == 0)
		return 0;
	*v = x;
	return i;
}

int
gdb_unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hex_digit((unsigned char)s[2 * i]);
		int lo = gdb_hex_digit((unsigned char)s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
