/*
 * outfile.c: the output written whole or not at all (see outfile.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* The temporary a fatal signal must remove; one output at a time. */
static char *volatile doomed;

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSIG_CLEANUP (sizeof(cleanup_signals) / sizeof(cleanup_signals[0]))
static struct sigaction saved[NSIG_CLEANUP], saved_xfsz;

static void
on_signal(int sig)
{
	char *p = doomed;

	if (p != NULL)
		unlink(p);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
guard(char *tmp)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	doomed = tmp;
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < NSIG_CLEANUP; i++)
		sigaction(cleanup_signals[i], &sa, &saved[i]);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &sa, &saved_xfsz);
}

static void
unguard(void)
{
	for (size_t i = 0; i < NSIG_CLEANUP; i++)
		sigaction(cleanup_signals[i], &saved[i], NULL);
	sigaction(SIGXFSZ, &saved_xfsz, NULL);
	doomed = NULL;
}

/* "DIR/.BASE.XXXXXX" for mkstemp, beside path. */
static char *
temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dirlen;
	size_t len = dirlen + 1 + strlen(base) + 8;
	char *t = malloc(len);

	if (t != NULL)
		snprintf(t, len, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	return t;
}

int
outfile_open(struct outfile *o, const char *path, int force,
    const char *const *inputs, size_t ninputs, char *err, size_t errlen)
{
	struct stat out, in;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->fd = -1;
	o->force = force;
	if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
		snprintf(err, errlen, "%s: not a file name", path);
		return -1;
	}
	if (stat(path, &out) == 0) {
		for (size_t i = 0; i < ninputs; i++) {
			if (inputs[i] != NULL && stat(inputs[i], &in) == 0 &&
			    in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
				snprintf(err, errlen, "%s: is the input %s; "
				    "refusing to overwrite it", path, inputs[i]);
				return -1;
			}
		}
		if (S_ISDIR(out.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			return -1;
		}
		if (!S_ISREG(out.st_mode)) {
			snprintf(err, errlen, "%s: exists and is not a regular "
			    "file", path);
			return -1;
		}
		if (!force) {
			snprintf(err, errlen, "%s: exists (-f replaces it)",
			    path);
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((o->tmp = temp_name(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	guard(o->tmp);
	if ((o->fd = mkstemp(o->tmp)) < 0) {
		snprintf(err, errlen, "%s: cannot create a file beside it: %s",
		    path, strerror(errno));
		unguard();
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	/* mkstemp makes it 0600; give it the mode a new file would get. */
	mask = umask(0);
	umask(mask);
	fchmod(o->fd, 0666 & ~mask);
	return 0;
}

int
outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int fd = o->fd;

	o->fd = -1;
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		outfile_discard(o);
		return -1;
	}
	if (o->force) {
		if (rename(o->tmp, o->path) != 0) {
			snprintf(err, errlen, "%s: %s", o->path,
			    strerror(errno));
			outfile_discard(o);
			return -1;
		}
	} else if (link(o->tmp, o->path) == 0) {
		/* link(2) never replaces: an OUT made meanwhile survives. */
		unlink(o->tmp);
	} else if (errno == EEXIST || access(o->path, F_OK) == 0) {
		snprintf(err, errlen, "%s: exists (-f replaces it)", o->path);
		outfile_discard(o);
		return -1;
	} else if (rename(o->tmp, o->path) != 0) {
		/* (A file system without hard links gets the plain rename.) */
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		outfile_discard(o);
		return -1;
	}
	unguard();
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void
outfile_discard(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp != NULL) {
		unlink(o->tmp);
		unguard();
		free(o->tmp);
		o->tmp = NULL;
	}
}
