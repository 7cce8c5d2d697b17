/*
 * integ-extract: records at a path in a stream of JSON texts, as JSON
 * Lines. Option parsing only; the work is integ_extract_* in libinteg.
 */
#include <stddef.h>
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

/* What the command line says. */
struct args {
	const char	*jq;
	int		 strict, help, version;
};

static const struct integ_opt opts[] = {
	{ .name = "help", .letter = 'h', .kind = INTEG_OPT_STOP,
	    .off = offsetof(struct args, help) },
	{ .name = "jq", .kind = INTEG_OPT_STR, .off = offsetof(struct args, jq) },
	{ .name = "strict", .kind = INTEG_OPT_FLAG,
	    .off = offsetof(struct args, strict) },
	{ .name = "version", .kind = INTEG_OPT_STOP,
	    .off = offsetof(struct args, version) },
	{ .name = NULL }
};

int
main(int argc, char *argv[])
{
	struct integ_extract *x;
	struct integ_err e, ce;
	struct args a;
	const char *path = NULL;
	int ch, first, i, rc = 0;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	memset(&a, 0, sizeof(a));
	if (integ_opt_read(argc, argv, opts, &a, &first, &e) != 0) {
		if (e.msg[0] != '\0')
			integ_log_err(&e);
		usage(stderr);
		return INTEG_EXIT_USAGE;
	}
	if (a.help) {
		usage(stdout);
		return 0;
	}
	if (a.version)
		return integ_about_version("integ-extract", NULL);
	argc -= first;
	argv += first;
	if (a.jq == NULL) {
		if (argc < 1) {
			usage(stderr);
			return INTEG_EXIT_USAGE;
		}
		path = *argv++;
		argc--;
	} else if (a.strict) {
		integ_log(INTEG_LOG_ERROR, "--strict goes with PATH, not --jq");
		return INTEG_EXIT_USAGE;
	}
	integ_signal_init();
	if ((rc = integ_extract_new(path, a.jq, a.strict, stdout, &x, &e)) != 0)
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
	return integ_io_stdout_done(rc);
}
