/*
 * outfile.h: write a file whole or not at all.
 *
 * The data go to a temporary file beside the output (same directory, so
 * same file system) that is renamed into place only when complete: an
 * interrupted, failed or killed write never leaves a half file under the
 * output's name, and an existing output is only replaced when asked.
 * SIGINT, SIGTERM and SIGHUP remove the temporary before the process
 * dies; SIGXFSZ is ignored, so a file-size limit is a write error (EFBIG)
 * like a full disk, and is reported the same way.
 */
#ifndef KVMARM_OUTFILE_H
#define KVMARM_OUTFILE_H

#include <stddef.h>

struct outfile {
	const char *path;	/* where the file goes */
	char *tmp;		/* the temporary beside it, NULL when none */
	int fd;			/* open on tmp, -1 when none */
	int force;		/* replace an existing path */
};

/*
 * Check path and create its temporary.  Refused, with one line in err:
 * path is one of the ninputs files (the same file, by device and inode,
 * whatever its name), a directory or not a regular file; it exists and
 * force is 0; its directory does not take a new file.  0, or -1.
 */
int outfile_open(struct outfile *o, const char *path, int force,
    const char *const *inputs, size_t ninputs, char *err, size_t errlen);
/* Close and rename into place.  0, or -1 with err (the temporary gone). */
int outfile_commit(struct outfile *o, char *err, size_t errlen);
/* Close and remove the temporary (after a failure). */
void outfile_discard(struct outfile *o);

#endif /* KVMARM_OUTFILE_H */
