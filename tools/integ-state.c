/*
 * integ-state: read, change, convert and persist sync state.
 * Options only; the work is libinteg's (state.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

static void
usage(int code)
{
	/* asked for (--help): stdout and success; else a usage error */
	fprintf(code == 0 ? stdout : stderr, "usage: %s get FILE STREAM KEY [--default V]\n"
	    "       %s set FILE STREAM KEY VALUE [--to singer|airbyte]\n"
	    "       %s convert --to singer|airbyte FILE\n"
	    "       %s save FILE\n", integ_log_progname(), integ_log_progname(),
	    integ_log_progname(), integ_log_progname());
	exit(code);
}

/* Print a value: a string raw (as jq -r), anything else as JSON. */
static void
print_value(struct integ_json_span v)
{
	struct integ_buf b;

	integ_buf_init(&b, 0);
	if (integ_json_type(v) == INTEG_JSON_STRING &&
	    integ_json_str_decode(v, &b) == 0) {
		fwrite(b.data, 1, b.len, stdout);
		putchar('\n');
	} else
		printf("%.*s\n", (int)v.len, v.p);
	integ_buf_free(&b);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "default",	required_argument,	NULL, 'd' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "to",		required_argument,	NULL, 't' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct integ_state *s;
	struct integ_json_span v;
	struct integ_buf b;
	struct integ_err e;
	enum integ_protocol to = 0;
	const char *dflt = NULL, *cmd;
	int ch, code = 0;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'V':
			return integ_about_version("integ-state", NULL);
		case 'h':
			usage(0);
			break;
		default:
			usage(INTEG_EXIT_USAGE);
		}
	}
	if (optind >= argc)
		usage(INTEG_EXIT_USAGE);
	/* options may follow the command: parse again from it */
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			dflt = optarg;
			break;
		case 't':
			if (strcmp(optarg, "singer") == 0)
				to = INTEG_PROTO_SINGER;
			else if (strcmp(optarg, "airbyte") == 0)
				to = INTEG_PROTO_AIRBYTE;
			else
				usage(INTEG_EXIT_USAGE);
			break;
		case 'V':
			return integ_about_version("integ-state", NULL);
		default:
			usage(INTEG_EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	s = integ_state_new();
	if (strcmp(cmd, "get") == 0 && argc == 3 && to == 0) {
		if ((code = integ_state_load(s, argv[0], &e)) != 0)
			goto fail;
		if (integ_state_get(s, argv[1], NULL, argv[2], &v))
			print_value(v);
		else if (dflt != NULL)
			printf("%s\n", dflt);
		else
			code = INTEG_EXIT_FAIL;
	} else if (strcmp(cmd, "set") == 0 && argc == 4 && dflt == NULL) {
		if ((code = integ_state_load(s, argv[0], &e)) != 0)
			goto fail;
		integ_buf_init(&b, 0);
		if (integ_json_validate(argv[3], strlen(argv[3]), &v, NULL) == 0)
			integ_json_compact(v, &b);
		else
			integ_json_str_encode(&b, argv[3], strlen(argv[3]));
		code = integ_state_set(s, argv[1], NULL, argv[2], b.data,
		    b.len);
		integ_buf_free(&b);
		if (code != 0) {
			integ_errf(&e, code, "%s: the state would be too "
			    "large: not saved, the file is unchanged", argv[0]);
			goto fail;
		}
		if (to == 0)
			to = integ_state_shape(s) ? integ_state_shape(s) :
			    INTEG_PROTO_SINGER;
		if ((code = integ_state_save(s, to, argv[0], &e)) != 0)
			goto fail;
	} else if (strcmp(cmd, "convert") == 0 && argc == 1 && to != 0 &&
	    dflt == NULL) {
		if ((code = integ_state_load(s, argv[0], &e)) != 0)
			goto fail;
		integ_buf_init(&b, 0);
		if (integ_state_write(s, to, &b) == -1) {
			integ_buf_free(&b);
			code = integ_errf(&e, INTEG_EXIT_DATA, "%s: the state "
			    "is too large to print", argv[0]);
			goto fail;
		}
		printf("%s\n", b.data);
		integ_buf_free(&b);
	} else if (strcmp(cmd, "save") == 0 && argc == 1 && to == 0 &&
	    dflt == NULL) {
		integ_signal_init();
		if ((code = integ_state_load(s, argv[0], &e)) != 0)
			goto fail;
		if ((code = integ_state_save_run(s, argv[0], STDIN_FILENO,
		    stdout, &e)) != 0 && code < INTEG_EXIT_SIGNAL)
			integ_log_err(&e);
	} else {
		integ_state_free(s);
		usage(INTEG_EXIT_USAGE);
	}
	integ_state_free(s);
	return integ_io_stdout_done(code);
fail:
	integ_log_err(&e);
	integ_state_free(s);
	return code;
}
