/*
 * integ-source: a connector from a manifest. The manifest (--manifest
 * FILE, else $INTEG_MANIFEST) is read into a source; the command line
 * after it is a connector's, Airbyte's or Singer's. The work is
 * libinteg's (manifest.c, source.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: integ-source [--manifest FILE] spec\n"
	    "       integ-source [--manifest FILE] check --config FILE\n"
	    "       integ-source [--manifest FILE] discover --config FILE\n"
	    "       integ-source [--manifest FILE] read --config FILE "
	    "[--catalog FILE] [--state FILE]\n"
	    "       integ-source [--manifest FILE] --config FILE [--discover]\n"
	    "              [--catalog FILE | --properties FILE] "
	    "[--state FILE]\n"
	    "The manifest is FILE, else $INTEG_MANIFEST (integ-manifest(5)).\n");
}

int
main(int argc, char *argv[])
{
	struct integ_manifest *m;
	struct integ_err e;
	const char *file = getenv("INTEG_MANIFEST");
	int code, shift = 0;

	integ_log_init("integ-source", INTEG_LOG_INFO);
	if (argc > 1 && strcmp(argv[1], "--manifest") == 0) {
		if (argc < 3) {
			usage(stderr);
			return INTEG_EXIT_USAGE;
		}
		file = argv[2];
		shift = 2;
	} else if (argc > 1 && strncmp(argv[1], "--manifest=", 11) == 0) {
		file = argv[1] + 11;
		shift = 1;
	}
	if (file == NULL || *file == '\0') {
		if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return 0;
		}
		if (argc > 1 && strcmp(argv[1], "--version") == 0) {
			return integ_about_version("integ-source", NULL);
		}
		usage(stderr);
		return INTEG_EXIT_USAGE;
	}
	if ((code = integ_manifest_load(file, &m, &e)) != 0)
		return integ_log_err(&e);
	/* the connector's command line: its name, then what follows FILE */
	argv[shift] = argv[0];
	code = integ_source_main(integ_manifest_source(m), argc - shift,
	    argv + shift);
	integ_manifest_free(m);
	return code;
}
