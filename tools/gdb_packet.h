/*
 * gdb_packet.h: the GDB remote serial protocol's framing, and nothing about
 * dumps.
 *
 * A packet is "$data#xx": xx is two hex digits, the sum of the bytes
 * between '$' and '#' as sent, mod 256.  The receiver answers '+' (good)
 * or '-' (send it again).  Inside data, '}' escapes the next byte (sent
 * XOR 0x20; the bytes '#', '$', '}' and '*' always travel escaped) and
 * "X*c" stands for X repeated c - 29 more times (run-length encoding).
 * Byte 0x03 outside a packet is an interrupt request.
 *
 * Everything here is a pure function over buffers, so the whole layer can
 * be tested byte by byte and fuzzed without a debugger or a dump.
 */
#ifndef KVMARM_GDB_PACKET_H
#define KVMARM_GDB_PACKET_H

#include <stddef.h>
#include <stdint.h>

/*
 * The most data bytes one packet may hold once decoded, either way: what
 * qSupported advertises as PacketSize.  A bigger incoming packet is read
 * to its end (so the stream stays in step) and refused.
 */
#define GDB_PACKET_MAX	16384

/* Bytes a framed packet of GDB_PACKET_MAX data bytes may need: every byte
 * escaped, plus '$', '#' and two checksum digits. */
#define GDB_FRAME_MAX	(2 * GDB_PACKET_MAX + 4)

enum gdb_rx_event {
	GDB_RX_NONE,		/* need more bytes */
	GDB_RX_ACK,		/* '+' */
	GDB_RX_NAK,		/* '-': resend the last reply */
	GDB_RX_INTERRUPT,	/* 0x03 between packets */
	GDB_RX_PACKET,		/* a good packet: rx->data, rx->len */
	GDB_RX_BAD_CHECKSUM,	/* answer '-' */
	GDB_RX_MALFORMED,	/* checksum right, encoding wrong: '}' or '*'
				   misplaced, a count that is not one */
	GDB_RX_OVERSIZE,	/* checksum right, more than GDB_PACKET_MAX */
};

/* The receiver: fed bytes as they come, in pieces of any size. */
struct gdb_rx {
	int state;		/* where in a packet (gdb_packet.c) */
	uint8_t sum;		/* running sum of the bytes as sent */
	uint8_t given;		/* the checksum's first digit, then both */
	int bad_digit;		/* a checksum character was not hex */
	int fault;		/* 0, GDB_RX_MALFORMED or GDB_RX_OVERSIZE */
	size_t len;		/* decoded bytes in data */
	/* One spare byte: a NUL after the data, for the command parsers. */
	uint8_t data[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);

/*
 * Take bytes from buf (n of them) until one makes an event; *used gets how
 * many were taken.  Returns that event, or GDB_RX_NONE when all n were taken
 * without one.  After GDB_RX_PACKET the data stays valid until the next
 * call.  Bytes between packets other than '+', '-', 0x03 and '$' are
 * ignored, as line noise; a '$' inside a packet starts a new one (the
 * sender gave up on the first).
 */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, const uint8_t *buf, size_t n,
    size_t *used);

/* 1 when a packet has begun and not ended: a disconnect here cut it. */
int gdb_rx_in_packet(const struct gdb_rx *rx);

/* The checksum of n bytes as sent. */
uint8_t gdb_checksum(const uint8_t *p, size_t n);

/*
 * Frame n data bytes as "$...#xx" into out (outsize bytes), escaping '#',
 * '$', '}' and '*'.  Returns the framed length, or 0 when it does not fit
 * (GDB_FRAME_MAX always fits GDB_PACKET_MAX bytes).
 */
size_t gdb_frame(const uint8_t *data, size_t n, uint8_t *out, size_t outsize);

/* A reply being built: data bytes, at most GDB_PACKET_MAX. */
struct gdb_reply {
	size_t len;
	int overflow;		/* something did not fit: the reply is cut */
	uint8_t data[GDB_PACKET_MAX];
};

void gdb_reply_clear(struct gdb_reply *r);
/* Room left in the reply. */
size_t gdb_reply_room(const struct gdb_reply *r);
void gdb_reply_bytes(struct gdb_reply *r, const void *p, size_t n);
void gdb_reply_str(struct gdb_reply *r, const char *s);
/* Each byte as two lowercase hex digits. */
void gdb_reply_hex(struct gdb_reply *r, const void *p, size_t n);
/* A number in hex without leading zeros ("0" for 0). */
void gdb_reply_hexnum(struct gdb_reply *r, uint64_t v);

/* The value of a hex digit, or -1. */
int gdb_hex_digit(int c);

/*
 * Parse hex digits at s (at most n bytes) into *v.  Returns how many were
 * taken, or 0 when there is none or the number needs more than 64 bits.
 */
size_t gdb_parse_hex(const char *s, size_t n, uint64_t *v);

/*
 * Decode 2 * n hex digits at s into n bytes at out.  Returns 0, or -1 when
 * one is not a hex digit.
 */
int gdb_unhex(const char *s, size_t n, uint8_t *out);

#endif /* KVMARM_GDB_PACKET_H */
