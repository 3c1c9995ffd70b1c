/*
 * gdb_server.h: a GDB remote protocol stub that serves a crash dump:
 * memory through kvm_read2, the dump's threads (contexts.h) with their
 * saved registers, nothing that writes or runs.
 */
#ifndef KVMARM_GDB_SERVER_H
#define KVMARM_GDB_SERVER_H

#include <stddef.h>

#include "contexts.h"
#include "gdb_packet.h"
#include "kvm_arm.h"

/* What a command asks of the session after its reply. */
enum gdb_after {
	GDB_GO_ON,		/* send the reply, read the next packet */
	GDB_END_AFTER_REPLY,	/* send the reply, then end (D) */
	GDB_END,		/* end without a reply (k) */
};

struct gdb_server {
	kvm_t *kd;
	int big_endian;			/* register values go in this order */
	struct dump_contexts cs;
	struct dump_context none;	/* the one context when there are no
					   threads to list */
	const struct dump_context *ctx;	/* cs.v, or &none */
	size_t nctx;
	size_t g_thread;		/* Hg: registers come from here */
	size_t list_next;		/* qsThreadInfo goes on from here */
	int error_message;		/* the client takes "E.text" errors */
	char *threads_xml;		/* qXfer:threads:read's document */
	size_t threads_xml_len;
	const char *console;		/* an 'O' message to send first, or NULL */
	struct gdb_rx rx;
	struct gdb_reply reply;
	/* '+' then the last reply sent (kept for a '-'): sent in one write */
	uint8_t sent[1 + GDB_FRAME_MAX];
	size_t frame_len;		/* the reply's bytes from sent + 1 */
};

/*
 * A server for the open dump kd (its target byte order big_endian).
 * Returns NULL when out of memory.  The thread listing's shortcomings
 * (s->cs.walk < 1) are in s->cs.why for the caller to report.
 */
struct gdb_server *gdb_server_new(kvm_t *kd, int big_endian);
void gdb_server_free(struct gdb_server *s);

/*
 * Answer one packet's data (len bytes, NUL after them) into s->reply (and
 * s->console).  Returns what the session does next.
 */
enum gdb_after gdb_server_command(struct gdb_server *s, const char *pkt,
    size_t len);

/* How a session ended. */
enum gdb_end {
	GDB_ENDED,		/* k, D, or the client closed between packets */
	GDB_CUT,		/* the client closed in the middle of a packet */
	GDB_IO_ERROR,		/* read or write failed (errno) */
};

/* Serve one client reading from fd in and writing to fd out. */
enum gdb_end gdb_server_run(struct gdb_server *s, int in, int out);

#endif /* KVMARM_GDB_SERVER_H */
