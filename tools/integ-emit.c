/*
 * integ-emit: JSON Lines records in, Singer or Airbyte messages out.
 * Options only; the work is libinteg's (emit.c, state.c).
 */
#include <limits.h>
#include <stddef.h>
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
	    "\t[--sorted --state-every N]\n", integ_log_progname());
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
	int		 help, version;
};

#define OFF(f)	offsetof(struct args, f)

/* A usage error: why, then the usage. */
static void
bad(const char *why)
{
	integ_log(INTEG_LOG_ERROR, "%s", why);
	usage(INTEG_EXIT_USAGE);
}

/*
 * --singer, --airbyte, --jsonl (the row's name), --format NAME,
 * --format-jq FILTER: one of them.
 */
static int
format(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct args *a = t;

	free(a->format);
	if (arg == NULL)
		a->format = integ_xstrdup(row->name);
	else
		integ_xasprintf(&a->format, "%s%s", row->min ? "jq=" : "", arg);
	a->nfmt++;
	return 0;
}

static int
key(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct args *a = t;

	if (a->spec.nkeys == MAXKEYS)
		return integ_errf(e, INTEG_EXIT_USAGE, "more than %d --key",
		    MAXKEYS);
	a->keys[a->spec.nkeys++] = arg;
	return 0;
}

static const struct integ_opt opts[] = {
	{ .name = "airbyte", .kind = INTEG_OPT_FN, .fn = format, .no_arg = 1 },
	{ .name = "catalog-out", .kind = INTEG_OPT_STR, .off = OFF(catalog) },
	{ .name = "format", .kind = INTEG_OPT_FN, .fn = format },
	{ .name = "format-jq", .kind = INTEG_OPT_FN, .fn = format, .min = 1 },
	{ .name = "help", .letter = 'h', .kind = INTEG_OPT_STOP,
	    .off = OFF(help) },
	{ .name = "infer", .kind = INTEG_OPT_COUNT, .off = OFF(infer),
	    .min = 1, .max = 100000000 },
	{ .name = "jsonl", .kind = INTEG_OPT_FN, .fn = format, .no_arg = 1 },
	{ .name = "key", .kind = INTEG_OPT_FN, .fn = key },
	{ .name = "namespace", .kind = INTEG_OPT_STR, .off = OFF(spec.ns) },
	{ .name = "replication-key", .kind = INTEG_OPT_STR,
	    .off = OFF(spec.cursor) },
	{ .name = "schema", .kind = INTEG_OPT_STR, .off = OFF(schemafile) },
	{ .name = "singer", .kind = INTEG_OPT_FN, .fn = format, .no_arg = 1 },
	{ .name = "sorted", .kind = INTEG_OPT_FLAG, .off = OFF(sorted) },
	{ .name = "state", .kind = INTEG_OPT_STR, .off = OFF(statefile) },
	{ .name = "state-every", .kind = INTEG_OPT_COUNT, .off = OFF(every),
	    .min = 1, .max = LLONG_MAX },
	{ .name = "stream", .kind = INTEG_OPT_STR, .off = OFF(spec.name) },
	{ .name = "version", .kind = INTEG_OPT_STOP, .off = OFF(version) },
	{ .name = NULL }
};

/* The options, and what they need of each other; usage errors exit. */
static void
parse(int argc, char *argv[], struct args *a)
{
	struct integ_err e;
	int first;

	memset(a, 0, sizeof(*a));
	a->spec.name = "records";
	if (integ_opt_read(argc, argv, opts, a, &first, &e) != 0) {
		if (e.msg[0] != '\0')
			bad(e.msg);
		usage(INTEG_EXIT_USAGE);
	}
	if (a->help)
		usage(0);
	if (a->version)
		exit(integ_about_version("integ-emit", NULL));
	if (first != argc || a->nfmt != 1) {
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
	if (integ_emit_catalog(em, &cat) == -1)
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
	integ_signal_init();
	if ((code = integ_emit_new(a.format, stdout, &em, &e)) != 0) {
		free(a.format);
		integ_log_err(&e);
		return code;
	}
	free(a.format);
	if (a.catalog != NULL)
		integ_emit_keep_schemas(em);
	if (a.statefile != NULL) {
		state = integ_state_new();
		if ((code = integ_state_load(state, a.statefile, &e)) != 0)
			goto fail;
		integ_emit_set_state(em, state);
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
	integ_emit_free(em);
	integ_state_free(state);
	return integ_io_stdout_done(code);
fail:
	integ_log_err(&e);
	integ_trailer_write(stdout, code, e.msg);
	integ_emit_free(em);
	integ_state_free(state);
	return code;
}
