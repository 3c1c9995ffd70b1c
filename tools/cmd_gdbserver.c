/*
 * cmd_gdbserver.c: kvmarm gdbserver [--listen [HOST:]PORT]: serve the dump
 * to gdb or lldb over the GDB remote protocol (gdb_server.c), on standard
 * input and output (for gdb's "target remote | kvmarm ... gdbserver") or on
 * one TCP connection.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb_server.h"
#include "kvmarm.h"

/*
 * Split "[HOST:]PORT" (HOST may be "[v6addr]"): host into hbuf, or
 * "127.0.0.1" when there is none.  0, or -1 when malformed.
 */
static int
split_listen(const char *spec, char *hbuf, size_t hlen, const char **port)
{
	const char *colon = strrchr(spec, ':');
	const char *h = spec;
	size_t n;
	uint64_t v;

	if (colon == NULL) {
		snprintf(hbuf, hlen, "127.0.0.1");
		*port = spec;
	} else {
		n = (size_t)(colon - spec);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
			h++;
			n -= 2;
		}
		if (n == 0 || n >= hlen)
			return -1;
		memcpy(hbuf, h, n);
		hbuf[n] = '\0';
		*port = colon + 1;
	}
	/* Decimal only: a service name or 0x here is a slip. */
	for (const char *q = *port; *q != '\0'; q++)
		if (*q < '0' || *q > '9')
			return -1;
	return parse_number(*port, &v) == 0 && v <= 65535 ? 0 : -1;
}

/* A listening socket for spec; -1 with a message printed. */
static int
listen_on(const struct cli *c, const char *spec)
{
	struct addrinfo hints, *res, *ai;
	char host[256], name[NI_MAXHOST], serv[NI_MAXSERV];
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	const char *port;
	int fd = -1, rc, one = 1;

	if (split_listen(spec, host, sizeof(host), &port) != 0)
		return cli_usage("bad --listen '%s' ([HOST:]PORT, PORT 0 for "
		    "any free one)", spec), -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		cli_error(c, "--listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 1) == 0)
			break;
		rc = errno;
		close(fd);
		fd = -1;
		errno = rc;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		cli_error(c, "--listen %s: %s", spec, strerror(errno));
		return -1;
	}
	/* Say where, with the port the system chose for PORT 0. */
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) != 0 ||
	    getnameinfo((struct sockaddr *)&sa, salen, name, sizeof(name),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		cli_error(c, "--listen %s: cannot tell the port", spec);
		close(fd);
		return -1;
	}
	fprintf(stderr, "kvmarm: listening on %s%s%s:%s\n",
	    strchr(name, ':') ? "[" : "", name, strchr(name, ':') ? "]" : "",
	    serv);
	return fd;
}

static int
serve(struct cli *c, struct gdb_server *s, int in, int out)
{
	switch (gdb_server_run(s, in, out)) {
	case GDB_ENDED:
		return EXIT_OK;
	case GDB_CUT:
		cli_error(c, "the debugger left in the middle of a packet");
		return EXIT_OK;
	case GDB_IO_ERROR:
		/* A debugger that quits while we answer is not an error. */
		if (errno == EPIPE || errno == ECONNRESET)
			return EXIT_OK;
		cli_error(c, "gdbserver: %s", strerror(errno));
		return EXIT_NO;
	}
	return EXIT_OK;
}

int
cmd_gdbserver(struct cli *c)
{
	struct gdb_server *s;
	int lfd = -1, fd, rc, one = 1;

	/* A closed connection shows as EPIPE from write, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (c->listen != NULL && (lfd = listen_on(c, c->listen)) < 0)
		return EXIT_USAGE;
	if ((s = gdb_server_new(c->kd, c->info.big_endian)) == NULL) {
		cli_error(c, "out of memory");
		if (lfd >= 0)
			close(lfd);
		return EXIT_USAGE;
	}
	if (s->cs.walk < 1) {
		const char *why = s->cs.why;
		size_t n = strlen(c->core);

		/* The library's messages often name the core already. */
		if (strncmp(why, c->core, n) == 0 && strncmp(why + n, ": ", 2) == 0)
			why += n + 2;
		cli_error(c, "%s: %s%s", s->cs.n > 0 ? "thread list cut short" :
		    "no threads, memory only", why, s->cs.n > 0 ?
		    " (serving the threads found before)" : "");
	}
	if (lfd < 0) {
		rc = serve(c, s, STDIN_FILENO, STDOUT_FILENO);
	} else {
		while ((fd = accept(lfd, NULL, NULL)) < 0 && errno == EINTR)
			;
		close(lfd);
		if (fd < 0) {
			cli_error(c, "--listen: %s", strerror(errno));
			rc = EXIT_NO;
		} else {
			/* Replies go out whole at once: no need to wait. */
			(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
			rc = serve(c, s, fd, fd);
			close(fd);
		}
	}
	gdb_server_free(s);
	return rc;
}
