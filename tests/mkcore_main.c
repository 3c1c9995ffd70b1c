/*
 * mkcore: write a minidump (and optionally a kernel ELF and a manifest)
 * from a mapping description.  Usage: mkcore DESC CORE [KERNEL [MANIFEST]]
 * ("-" skips a file).
 */
#include <stdio.h>
#include <string.h>

#include "mkcore.h"

static const char *
arg(int argc, char **argv, int i)
{
	return i < argc && strcmp(argv[i], "-") != 0 ? argv[i] : NULL;
}

int
main(int argc, char **argv)
{
	struct mapdesc d;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: mkcore DESC CORE [KERNEL [MANIFEST]]\n");
		return 2;
	}
	if (mapdesc_load(&d, argv[1]) != 0)
		return 1;
	rc = mkcore_write(&d, arg(argc, argv, 2), arg(argc, argv, 3),
	    arg(argc, argv, 4), NULL);
	mapdesc_free(&d);
	return rc == 0 ? 0 : 1;
}
