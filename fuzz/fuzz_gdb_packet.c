/*
 * fuzz_gdb_packet.c: libFuzzer target: arbitrary bytes as what a debugger
 * sends kvmarm's gdb stub (tools/gdb_packet.c's receiver).
 *
 * The first byte picks the sizes of the pieces the rest arrives in (a
 * socket delivers a stream in pieces of any size).  Promises checked
 * besides the sanitizers': every byte is taken; a packet is never longer
 * than GDB_PACKET_MAX and ends in a NUL; each packet framed again with
 * gdb_frame reads back as the same bytes; the hex parser stays inside the
 * packet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../tools/gdb_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gdb_rx rx, back;
static uint8_t frame[GDB_FRAME_MAX];

static void
check_packet(void)
{
	size_t n, used;
	uint64_t v;

	if (rx.len > GDB_PACKET_MAX || rx.data[rx.len] != '\0')
		abort();
	/* Parse numbers from every offset, as the commands do. */
	for (size_t i = 0; i < rx.len && i < 64; i++)
		if (gdb_parse_hex((const char *)rx.data + i, rx.len - i, &v) >
		    rx.len - i)
			abort();
	n = gdb_frame(rx.data, rx.len, frame, sizeof(frame));
	if (n == 0)
		abort();	/* GDB_FRAME_MAX fits any packet */
	gdb_rx_init(&back);
	if (gdb_rx_feed(&back, frame, n, &used) != GDB_RX_PACKET ||
	    used != n || back.len != rx.len ||
	    memcmp(back.data, rx.data, rx.len) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t piece, off = 1;

	if (size == 0)
		return 0;
	piece = (size_t)data[0] + 1;
	gdb_rx_init(&rx);
	while (off < size) {
		size_t n = size - off < piece ? size - off : piece, used;

		while (n > 0) {
			enum gdb_rx_event ev = gdb_rx_feed(&rx, data + off, n,
			    &used);

			if (used == 0 || used > n)
				abort();
			if (ev == GDB_RX_PACKET)
				check_packet();
			else if (ev == GDB_RX_NONE && used != n)
				abort();
			off += used;
			n -= used;
		}
	}
	return 0;
}
