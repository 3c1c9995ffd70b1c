/*
 * fuzz_gdb_server.c: libFuzzer target: arbitrary bytes as a debugger's side
 * of a session with kvmarm's gdb stub serving a real dump (the threads-le
 * fixture: threads, trapframes, memory), so every command meets input it
 * does not expect.  Promises checked besides the sanitizers': a reply never
 * passes PacketSize and always frames; k and D end the session.  Run from
 * the repository root (make fuzz does), where the fixture is.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../tools/gdb_server.h"
#include "kvm_arm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kvm_t *kd;
static struct gdb_server *server;
static uint8_t frame[GDB_FRAME_MAX];

static void
open_dump(void)
{
	char err[_POSIX2_LINE_MAX];

	kd = kvm_open2("fixtures/threads-le.kernel", "fixtures/threads-le.core",
	    O_RDONLY, err, NULL);
	if (kd == NULL) {
		fprintf(stderr, "fuzz_gdb_server: %s (run from the repository "
		    "root)\n", err);
		exit(1);
	}
	if ((server = gdb_server_new(kd, 0)) == NULL || server->cs.n == 0)
		abort();	/* the fixture has threads */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gdb_server *s;
	size_t off = 0, used;

	if (server == NULL)
		open_dump();
	s = server;
	/* Each input is a fresh session on the same dump. */
	gdb_rx_init(&s->rx);
	s->g_thread = 0;
	s->list_next = 0;
	s->error_message = 0;
	while (off < size) {
		enum gdb_rx_event ev = gdb_rx_feed(&s->rx, data + off,
		    size - off, &used);

		off += used;
		if (ev != GDB_RX_PACKET)
			continue;
		enum gdb_after after = gdb_server_command(s,
		    (const char *)s->rx.data, s->rx.len);

		if (s->reply.len > GDB_PACKET_MAX ||
		    gdb_frame(s->reply.data, s->reply.len, frame,
		    sizeof(frame)) == 0)
			abort();
		if (after != GDB_GO_ON)
			break;
	}
	return 0;
}
