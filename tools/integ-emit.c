/*
 * integ-emit: JSON Lines records in, Singer or Airbyte messages out.
 * Options only; the work is libinteg's (emit.c, state.c).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

#define MAXKEYS	64

static void
usage(int code)
{
	/* asked for (--help): stdout and success; else a usage error */
	fprintf(code == 0 ? stdout : stderr, "usage: %s (--singer | --airbyte | --jsonl | "
	    "--format NAME | --format-jq FILTER)\n"
	    "\t[--stream NAME] [--namespace NS] [--key FIELD]... "
	    "[--replication-key FIELD]\n"
	    "\t[--schema FILE | --infer N] [--catalog-out FILE] "
	    "[--state FILE]\n"
	    "\t[--sorted --state-every N]\n", integ_progname());
	exit(code);
}

int
main(int argc, char *argv[])
{
	enum { O_AIRBYTE = 256, O_CATALOG, O_FORMAT, O_FORMATJQ, O_INFER,
	    O_JSONL, O_KEY, O_NS, O_RKEY, O_SCHEMA, O_SINGER, O_SORTED,
	    O_STATE, O_EVERY, O_STREAM, O_VERSION };
	static const struct option longopts[] = {
		{ "airbyte",		no_argument,		NULL, O_AIRBYTE },
		{ "catalog-out",	required_argument,	NULL, O_CATALOG },
		{ "format",		required_argument,	NULL, O_FORMAT },
		{ "format-jq",		required_argument,	NULL, O_FORMATJQ },
		{ "help",		no_argument,		NULL, 'h' },
		{ "infer",		required_argument,	NULL, O_INFER },
		{ "jsonl",		no_argument,		NULL, O_JSONL },
		{ "key",		required_argument,	NULL, O_KEY },
		{ "namespace",		required_argument,	NULL, O_NS },
		{ "replication-key",	required_argument,	NULL, O_RKEY },
		{ "schema",		required_argument,	NULL, O_SCHEMA },
		{ "singer",		no_argument,		NULL, O_SINGER },
		{ "sorted",		no_argument,		NULL, O_SORTED },
		{ "state",		required_argument,	NULL, O_STATE },
		{ "state-every",	required_argument,	NULL, O_EVERY },
		{ "stream",		required_argument,	NULL, O_STREAM },
		{ "version",		no_argument,		NULL, O_VERSION },
		{ NULL,			0,			NULL, 0 }
	};
	struct integ_stream_spec spec;
	struct integ_emitter *em = NULL;
	struct integ_emit_stream *st;
	struct integ_state *state = NULL;
	struct integ_buf schema, cat;
	struct integ_err e;
	const char *keys[MAXKEYS], *errstr;
	char *format = NULL, *catalog = NULL, *statefile = NULL;
	char *schemafile = NULL;
	long long every = 0, infer = 0;
	size_t nkeys = 0;
	int ch, nfmt = 0, sorted = 0, code, ccode;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	memset(&spec, 0, sizeof(spec));
	spec.name = "records";
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_AIRBYTE:
			free(format);
			format = integ_xstrdup("airbyte");
			nfmt++;
			break;
		case O_CATALOG:
			catalog = optarg;
			break;
		case O_FORMAT:
			free(format);
			format = integ_xstrdup(optarg);
			nfmt++;
			break;
		case O_FORMATJQ:
			free(format);
			integ_xasprintf(&format, "jq=%s", optarg);
			nfmt++;
			break;
		case O_INFER:
			infer = strtonum(optarg, 1, 100000000, &errstr);
			if (errstr != NULL) {
				integ_log(INTEG_LOG_ERROR, "--infer %s: %s",
				    optarg, errstr);
				usage(INTEG_EXIT_USAGE);
			}
			break;
		case O_JSONL:
			free(format);
			format = integ_xstrdup("jsonl");
			nfmt++;
			break;
		case O_KEY:
			if (nkeys == MAXKEYS) {
				integ_log(INTEG_LOG_ERROR, "more than %d --key",
				    MAXKEYS);
				usage(INTEG_EXIT_USAGE);
			}
			keys[nkeys++] = optarg;
			break;
		case O_NS:
			spec.ns = optarg;
			break;
		case O_RKEY:
			spec.cursor = optarg;
			break;
		case O_SCHEMA:
			schemafile = optarg;
			break;
		case O_SINGER:
			free(format);
			format = integ_xstrdup("singer");
			nfmt++;
			break;
		case O_SORTED:
			sorted = 1;
			break;
		case O_STATE:
			statefile = optarg;
			break;
		case O_EVERY:
			every = strtonum(optarg, 1, LLONG_MAX, &errstr);
			if (errstr != NULL) {
				integ_log(INTEG_LOG_ERROR, "--state-every %s: %s",
				    optarg, errstr);
				usage(INTEG_EXIT_USAGE);
			}
			break;
		case O_STREAM:
			spec.name = optarg;
			break;
		case O_VERSION:
			return integ_version("integ-emit", NULL);
		case 'h':
			usage(0);
			break;
		default:
			usage(INTEG_EXIT_USAGE);
		}
	}
	if (optind != argc || nfmt != 1) {
		if (nfmt > 1)
			integ_log(INTEG_LOG_ERROR, "choose one format");
		usage(INTEG_EXIT_USAGE);
	}
	if (every > 0 && spec.cursor == NULL) {
		integ_log(INTEG_LOG_ERROR, "--state-every needs "
		    "--replication-key");
		usage(INTEG_EXIT_USAGE);
	}
	if (every > 0 && !sorted) {
		integ_log(INTEG_LOG_ERROR, "--state-every needs --sorted: a "
		    "STATE mid-stream is only safe when the input is ascending "
		    "by the cursor");
		usage(INTEG_EXIT_USAGE);
	}
	spec.keys = keys;
	spec.nkeys = nkeys;
	spec.infer = (size_t)infer;
	spec.sorted = sorted;
	integ_signals_init();
	if ((code = integ_emitter_new(format, stdout, &em, &e)) != 0) {
		free(format);
		integ_log_err(&e);
		return code;
	}
	free(format);
	if (catalog != NULL)
		integ_emitter_keep_schemas(em);
	if (statefile != NULL) {
		state = integ_state_new();
		if ((code = integ_state_load(state, statefile, &e)) != 0)
			goto fail;
		integ_emitter_set_state(em, state);
	}
	integ_buf_init(&schema, 0);
	if (schemafile != NULL) {
		if ((code = integ_file_read(schemafile, (size_t)64 << 20,
		    &schema, &e)) != 0)
			goto fail;
		spec.schema = schema.data;
	}
	code = integ_emit_stream_begin(em, &spec, &st, &e);
	integ_buf_free(&schema);
	if (code != 0)
		goto fail;
	if ((code = integ_emit_run(st, STDIN_FILENO, "stdin", (uint64_t)every,
	    &e)) != 0)
		integ_log_err(&e);
	if (catalog != NULL) {
		integ_buf_init(&cat, 0);
		if (integ_emitter_catalog(em, &cat) == -1 ||
		    (ccode = integ_atomic_write(catalog, cat.data, cat.len,
		    &e)) != 0) {
			ccode = integ_log_err(&e);
			if (code == 0)
				code = ccode ? ccode : INTEG_EXIT_IO;
		}
		integ_buf_free(&cat);
	}
	integ_emitter_free(em);
	integ_state_free(state);
	if ((ccode = integ_close_stdout(&e)) != 0 && code == 0)
		code = integ_log_err(&e);
	return code;
fail:
	integ_log_err(&e);
	integ_trailer_write(stdout, code, e.msg);
	integ_emitter_free(em);
	integ_state_free(state);
	return code;
}
