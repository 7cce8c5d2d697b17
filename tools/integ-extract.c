/*
 * integ-extract: records at a path in a stream of JSON texts, as JSON
 * Lines. Option parsing only; the work is integ_extract_* in libinteg.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: %s [--strict] PATH [FILE ...]\n"
	    "       %s --jq FILTER [FILE ...]\n",
	    getprogname(), getprogname());
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,		NULL, 'h' },
		{ "jq",		required_argument,	NULL, 'j' },
		{ "strict",	no_argument,		NULL, 's' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct integ_extract *x;
	struct integ_err e, ce;
	const char *path = NULL, *jq = NULL;
	int ch, i, rc = 0, strict = 0;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'j':
			jq = optarg;
			break;
		case 's':
			strict = 1;
			break;
		case 'V':
			return integ_version("integ-extract", NULL);
		default:
			usage(stderr);
			return INTEG_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (jq == NULL) {
		if (argc < 1) {
			usage(stderr);
			return INTEG_EXIT_USAGE;
		}
		path = *argv++;
		argc--;
	} else if (strict) {
		integ_log(INTEG_LOG_ERROR, "--strict goes with PATH, not --jq");
		return INTEG_EXIT_USAGE;
	}
	integ_signals_init();
	if ((rc = integ_extract_new(path, jq, strict, stdout, &x, &e)) != 0)
		return integ_log_err(&e);
	if (argc == 0)
		rc = integ_extract_file(x, NULL, &e);
	for (i = 0; i < argc && rc == 0; i++)
		rc = integ_extract_file(x, argv[i], &e);
	if (rc != 0 && !integ_extract_passed(x))
		integ_log_err(&e);
	if ((ch = integ_extract_finish(x, rc, rc != 0 ? e.msg : NULL,
	    &ce)) != rc) {
		integ_log_err(&ce);
		rc = ch;
	}
	integ_extract_free(x);
	if (integ_close_stdout(&ce) != 0 && rc == 0)
		rc = integ_log_err(&ce);
	return rc;
}
