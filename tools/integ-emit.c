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

/* What the command line says. */
struct args {
	struct integ_stream_spec spec;
	const char	*keys[MAXKEYS];
	char		*format;
	int		 nfmt;		/* formats chosen: one is right */
	const char	*catalog, *statefile, *schemafile;
	long long	 every, infer;
	int		 sorted;
};

/* A usage error: why, then the usage. */
static void
bad(const char *why)
{
	integ_log(INTEG_LOG_ERROR, "%s", why);
	usage(INTEG_EXIT_USAGE);
}

/* --singer, --airbyte, --jsonl, --format, --format-jq: one of them. */
static void
choose(struct args *a, const char *fmt, const char *arg)
{
	free(a->format);
	integ_xasprintf(&a->format, fmt, arg);
	a->nfmt++;
}

/* A count option, or a usage error. */
static long long
count(const char *opt, const char *arg, long long max)
{
	struct integ_err e;
	long long n;

	if (integ_opt_count(opt, arg, 1, max, &n, &e) != 0)
		bad(e.msg);
	return n;
}

static void
parse(int argc, char *argv[], struct args *a)
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
	int ch;

	memset(a, 0, sizeof(*a));
	a->spec.name = "records";
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case O_AIRBYTE:
		case O_JSONL:
		case O_SINGER:
			choose(a, "%s", ch == O_AIRBYTE ? "airbyte" :
			    ch == O_JSONL ? "jsonl" : "singer");
			break;
		case O_FORMAT:
			choose(a, "%s", optarg);
			break;
		case O_FORMATJQ:
			choose(a, "jq=%s", optarg);
			break;
		case O_CATALOG:
			a->catalog = optarg;
			break;
		case O_INFER:
			a->infer = count("--infer", optarg, 100000000);
			break;
		case O_KEY:
			if (a->spec.nkeys == MAXKEYS)
				bad("more than 64 --key");
			a->keys[a->spec.nkeys++] = optarg;
			break;
		case O_NS:
			a->spec.ns = optarg;
			break;
		case O_RKEY:
			a->spec.cursor = optarg;
			break;
		case O_SCHEMA:
			a->schemafile = optarg;
			break;
		case O_SORTED:
			a->sorted = 1;
			break;
		case O_STATE:
			a->statefile = optarg;
			break;
		case O_EVERY:
			a->every = count("--state-every", optarg, LLONG_MAX);
			break;
		case O_STREAM:
			a->spec.name = optarg;
			break;
		case O_VERSION:
			exit(integ_version("integ-emit", NULL));
		case 'h':
			usage(0);
			break;
		default:
			usage(INTEG_EXIT_USAGE);
		}
	}
	if (optind != argc || a->nfmt != 1) {
		if (a->nfmt > 1)
			bad("choose one format");
		usage(INTEG_EXIT_USAGE);
	}
	if (a->every > 0 && a->spec.cursor == NULL)
		bad("--state-every needs --replication-key");
	if (a->every > 0 && !a->sorted)
		bad("--state-every needs --sorted: a STATE mid-stream is only "
		    "safe when the input is ascending by the cursor");
	a->spec.keys = a->keys;
	a->spec.infer = (size_t)a->infer;
	a->spec.sorted = a->sorted;
}

/* --catalog-out: the Airbyte catalog, at the end; 0 or an exit status. */
static int
catalog_out(struct integ_emitter *em, const char *path)
{
	struct integ_buf cat;
	struct integ_err e;
	int code = 0;

	integ_buf_init(&cat, 0);
	if (integ_emitter_catalog(em, &cat) == -1)
		code = integ_errf(&e, INTEG_EXIT_IO, "%s: the catalog is too "
		    "large", path);
	else
		code = integ_atomic_write(path, cat.data, cat.len, &e);
	integ_buf_free(&cat);
	return code != 0 ? integ_log_err(&e) : 0;
}

int
main(int argc, char *argv[])
{
	struct args a;
	struct integ_emitter *em = NULL;
	struct integ_emit_stream *st;
	struct integ_state *state = NULL;
	struct integ_buf schema;
	struct integ_err e;
	int code, ccode;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	parse(argc, argv, &a);
	integ_signals_init();
	if ((code = integ_emitter_new(a.format, stdout, &em, &e)) != 0) {
		free(a.format);
		integ_log_err(&e);
		return code;
	}
	free(a.format);
	if (a.catalog != NULL)
		integ_emitter_keep_schemas(em);
	if (a.statefile != NULL) {
		state = integ_state_new();
		if ((code = integ_state_load(state, a.statefile, &e)) != 0)
			goto fail;
		integ_emitter_set_state(em, state);
	}
	integ_buf_init(&schema, 0);
	if (a.schemafile != NULL) {
		if ((code = integ_file_read(a.schemafile, (size_t)64 << 20,
		    &schema, &e)) != 0)
			goto fail;
		a.spec.schema = schema.data;
	}
	code = integ_emit_stream_begin(em, &a.spec, &st, &e);
	integ_buf_free(&schema);
	if (code != 0)
		goto fail;
	if ((code = integ_emit_run(st, STDIN_FILENO, "stdin", (uint64_t)a.every,
	    &e)) != 0)
		integ_log_err(&e);
	if (a.catalog != NULL && (ccode = catalog_out(em, a.catalog)) != 0 &&
	    code == 0)
		code = ccode;
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
