/*
 * source.c: integ_source_main(), both command lines of a connector.
 *
 *	source-NAME spec | check --config C | discover --config C |
 *	    read --config C [--catalog CAT] [--state S]		(Airbyte)
 *	source-NAME --config C [--discover] [--catalog CAT |
 *	    --properties CAT] [--state S] [--test]		(Singer)
 *	source-NAME --about [--format text|json|markdown]	(Meltano)
 *
 * Airbyte logs are LOG messages on stdout and failures TRACE ERRORs;
 * Singer logs go to stderr. Streams run in catalog order; one that
 * fails does not stop the others; the exit status is the first
 * failure's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "source_int.h"

#define CONFIG_MAX	((size_t)1 << 20)
#define CATALOG_MAX	((size_t)64 << 20)

enum cmd { CMD_NONE, CMD_SPEC, CMD_CHECK, CMD_DISCOVER, CMD_READ };

struct args {
	enum integ_protocol proto;
	enum cmd	 cmd;
	const char	*config;
	const char	*catalog;
	const char	*state;
	int		 about;
	const char	*format;	/* of --about */
	int		 test;		/* 1: a record a stream; 2: schemas */
};

static void
usage(const char *prog, FILE *fp)
{
	fprintf(fp,
	    "usage: %s spec\n"
	    "       %s check --config FILE\n"
	    "       %s discover --config FILE\n"
	    "       %s read --config FILE [--catalog FILE] [--state FILE]\n"
	    "       %s --config FILE [--discover] [--catalog FILE | "
	    "--properties FILE]\n"
	    "              [--state FILE] [--test[=all|schema]]\n"
	    "       %s --about [--format text|json|markdown]\n",
	    prog, prog, prog, prog, prog, prog);
}

static int
parse(int argc, char *argv[], struct args *a)
{
	static const struct option longopts[] = {
		{ "about",	no_argument,		NULL, 'A' },
		{ "catalog",	required_argument,	NULL, 'c' },
		{ "config",	required_argument,	NULL, 'C' },
		{ "discover",	no_argument,		NULL, 'd' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "properties",	required_argument,	NULL, 'p' },
		{ "state",	required_argument,	NULL, 's' },
		{ "test",	optional_argument,	NULL, 'T' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	static const char *const cmds[] = { "spec", "check", "discover",
	    "read" };
	size_t i;
	int ch;

	memset(a, 0, sizeof(*a));
	a->proto = INTEG_PROTO_SINGER;
	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (strcmp(argv[1], cmds[i]) == 0)
				a->cmd = CMD_SPEC + (int)i;
		if (a->cmd == CMD_NONE)
			return -1;
		a->proto = INTEG_PROTO_AIRBYTE;
		argc--;
		argv++;
	}
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			a->about = 1;
			break;
		case 'c':
		case 'p':
			a->catalog = optarg;
			break;
		case 'C':
			a->config = optarg;
			break;
		case 'd':
			if (a->proto == INTEG_PROTO_AIRBYTE)
				return -1;
			a->cmd = CMD_DISCOVER;
			break;
		case 'F':
			a->format = optarg;
			break;
		case 'h':
			return 1;
		case 's':
			a->state = optarg;
			break;
		case 'T':
			/* singer-sdk's values: all (the default) or schema */
			if (optarg == NULL || strcmp(optarg, "all") == 0)
				a->test = 1;
			else if (strcmp(optarg, "schema") == 0)
				a->test = 2;
			else
				return -1;
			break;
		case 'V':
			return 2;
		default:
			return -1;
		}
	}
	if (optind != argc)
		return -1;
	/* --about needs nothing else, and takes nothing else */
	if (a->about)
		return a->proto == INTEG_PROTO_SINGER && a->cmd == CMD_NONE &&
		    a->config == NULL && a->catalog == NULL &&
		    a->state == NULL && !a->test ? 0 : -1;
	if (a->format != NULL)
		return -1;
	if (a->proto == INTEG_PROTO_SINGER && a->cmd == CMD_NONE)
		a->cmd = CMD_READ;
	if (a->test && (a->proto != INTEG_PROTO_SINGER || a->cmd != CMD_READ))
		return -1;
	if (a->cmd != CMD_SPEC && a->config == NULL)
		return -1;
	return 0;
}

/* A message beside the streams, in the protocol's format. */
static int
say(const struct integ_ctx *ctx, const struct integ_msg *m)
{
	const struct integ_format *fmt = ctx->proto == INTEG_PROTO_AIRBYTE ?
	    &integ_format_airbyte : &integ_format_singer;

	return integ_format_print(fmt, m, stdout, NULL);
}

static int
spec(const struct integ_ctx *ctx)
{
	struct integ_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = INTEG_MSG_SPEC;
	m.docs = ctx->src->docs;
	m.doc = ctx->spec;
	say(ctx, &m);
	return 0;
}

static void
connection_status(const struct integ_ctx *ctx, int ok, const char *why)
{
	struct integ_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = INTEG_MSG_CONNECTION;
	m.status = ok ? "SUCCEEDED" : "FAILED";
	m.message = ok ? NULL : why;
	say(ctx, &m);
}

/* A failure before any stream: said in the protocol's way. */
static int
fail(struct integ_ctx *ctx, int code, const char *why)
{
	if (ctx->proto == INTEG_PROTO_AIRBYTE && ctx->em != NULL)
		integ_emit_error(ctx->em, integ_format_failure_of(code), why,
		    NULL, NULL);
	else
		integ_log(INTEG_LOG_ERROR, "%s", why);
	return code;
}

/*
 * The config or the client refused before the run: check answers FAILED
 * when the config is at fault (verdict), anything else says it in the
 * protocol's way.
 */
static int
refused(struct integ_ctx *ctx, int verdict, int code, const char *why)
{
	if (!verdict)
		return fail(ctx, code, why);
	connection_status(ctx, 0, why);
	return 0;
}

/* The environment's level, else the config's (the spec checked it). */
static int
log_level(struct integ_ctx *ctx, struct integ_err *e)
{
	const char *s = getenv("INTEG_LOG_LEVEL");
	enum integ_level lv;

	if (s != NULL && *s != '\0') {
		if (integ_log_level_parse(s, &lv) == -1)
			return integ_errf(e, INTEG_EXIT_CONFIG, "INTEG_LOG_LEVEL: "
			    "%.100s is not one of FATAL, ERROR, WARN, INFO, DEBUG, "
			    "TRACE", s);
	} else if ((s = integ_ctx_config(ctx, "log_level")) == NULL ||
	    integ_log_level_parse(s, &lv) == -1)
		return 0;
	integ_log_set_level(lv);
	return 0;
}

static int
load_config(struct integ_ctx *ctx, const char *path, struct integ_buf *text,
    struct integ_err *e)
{
	int code;

	if ((code = integ_file_read(path, CONFIG_MAX, text, e)) != 0)
		return code;
	if (integ_json_validate(text->data ? text->data : "", text->len,
	    &ctx->config, e) != 0)
		return integ_err_wrap(e, INTEG_EXIT_CONFIG, "config %s", path);
	/* secrets first: nothing below may print one */
	integ_config_secrets(ctx->spec, ctx->config);
	if ((code = integ_config_validate(ctx->spec, ctx->config, e)) != 0)
		return integ_err_wrap(e, code, "config %s", path);
	return log_level(ctx, e);
}

static int
new_http(struct integ_ctx *ctx, struct integ_err *e)
{
	struct integ_http_opts o;
	char ua[128];
	const char *url;
	int code;

	integ_http_opts_init(&o);
	if (ctx->src->http != NULL)
		o = *ctx->src->http;
	snprintf(ua, sizeof(ua), "integ/%s source-%s/%s", INTEG_VERSION,
	    ctx->src->name, ctx->src->version ? ctx->src->version : "0");
	o.user_agent = ua;
	if ((code = integ_http_new(&o, &ctx->http, e)) != 0)
		return code;
	/* credentials go to the API the config names, nowhere else */
	if ((url = integ_ctx_config(ctx, "url")) != NULL &&
	    (code = integ_http_trust(ctx->http, url, e)) != 0)
		return integ_err_wrap(e, INTEG_EXIT_CONFIG, "config: url");
	if (ctx->src->init != NULL && (code = ctx->src->init(ctx)) != 0) {
		*e = ctx->err;
		return code;
	}
	return 0;
}

static int
check(struct integ_ctx *ctx)
{
	int code;

	ctx->checking = 1;
	ctx->stream = ctx->src->streams;
	code = ctx->src->check != NULL ? ctx->src->check(ctx) :
	    ctx->stream->run(ctx);
	if (code > INTEG_EXIT_SIGNAL)	/* cancelled: no verdict */
		return fail(ctx, code, ctx->err.msg);
	/*
	 * A server that stays down is a failed connection too: the platform
	 * reads a CONNECTION_STATUS whatever happened; the TRACE beside it
	 * says that trying again later may help.
	 */
	if (code == INTEG_EXIT_TEMPFAIL)
		fail(ctx, code, ctx->err.msg);
	connection_status(ctx, code == 0, ctx->err.msg);
	return 0;
}

/* The shared config field activate_version, true unless false. */
static int
activate_version(struct integ_ctx *ctx)
{
	const char *v = integ_ctx_config(ctx, "activate_version");

	return v == NULL || strcmp(v, "false") != 0;
}

static int
run_stream(struct integ_ctx *ctx, const struct integ_selected *sel)
{
	const struct integ_stream *s = sel->stream;
	struct integ_stream_spec spec;
	struct integ_err e;
	const char *keys[1];
	int code, sig;

	memset(&spec, 0, sizeof(spec));
	spec.name = s->name;
	spec.schema = s->schema;
	keys[0] = s->key;
	spec.keys = keys;
	spec.nkeys = s->key != NULL;
	spec.cursor = sel->incremental ? s->cursor : NULL;
	spec.drop = (const char *const *)sel->drop;
	spec.ndrop = sel->ndrop;
	/*
	 * a full-table sync replaces the table: Singer says so; never a
	 * --test run, whose one record is not the table
	 */
	if (ctx->proto == INTEG_PROTO_SINGER && !sel->incremental &&
	    !ctx->testing && activate_version(ctx))
		spec.version = integ_time_now_ms();
	spec.sorted = s->sorted;
	integ_ctx_reset(ctx);
	ctx->stream = s;
	ctx->incremental = sel->incremental;
	if ((code = integ_emit_stream_begin(ctx->em, &spec, &ctx->st, &e)) != 0)
		return fail(ctx, code, e.msg);
	integ_ctx_stream_begin(ctx);
	code = ctx->testing == 2 ? SOURCE_STOP : s->run(ctx);
	integ_ctx_oauth_flush(ctx);
	integ_log_drain();
	if ((sig = integ_signal_caught()) != 0)
		code = INTEG_EXIT_SIGNAL + sig;
	if (code == 0 && ctx->testing)
		code = SOURCE_STOP;	/* ran out of records before one */
	if (code == SOURCE_STOP) {
		/* --test: what was asked for is out; the state stays as it was */
		if ((code = integ_emit_stream_stop(ctx->st, &e)) != 0)
			integ_log_err(&e);
		else
			integ_log(INTEG_LOG_INFO, "%s: %llu records (--test)",
			    s->name, (unsigned long long)
			    integ_emit_stream_written(ctx->st));
	} else if (code == 0) {
		if ((code = integ_emit_stream_end(ctx->st, &e)) != 0)
			integ_log_err(&e);
		integ_ctx_stream_end(ctx, code);
	} else {
		if (ctx->err.msg[0] == '\0')
			snprintf(ctx->err.msg, sizeof(ctx->err.msg),
			    "exit status %d", code);
		if (ctx->proto != INTEG_PROTO_AIRBYTE)
			integ_log(INTEG_LOG_ERROR, "%s: %s", s->name,
			    ctx->err.msg);
		integ_ctx_stream_end(ctx, code);
		integ_emit_stream_fail(ctx->st, code, ctx->err.msg, &e);
	}
	integ_ctx_reset(ctx);
	ctx->st = NULL;
	return code;
}

static int
read_streams(struct integ_ctx *ctx, const struct args *a)
{
	struct integ_selected *sel = NULL;
	struct integ_buf cat;
	struct integ_err e;
	size_t i, n = 0;
	int code, first = 0;

	integ_buf_init(&cat, CATALOG_MAX);
	if (a->catalog != NULL &&
	    (code = integ_file_read(a->catalog, CATALOG_MAX, &cat, &e)) != 0)
		goto out;
	if ((code = integ_catalog_select(ctx->src, ctx->proto,
	    a->catalog ? (cat.data ? cat.data : "") : NULL, cat.len, &sel, &n,
	    &e)) != 0)
		goto out;
	if ((ctx->state = integ_state_new()) == NULL ||
	    (a->state != NULL &&
	    (code = integ_state_load(ctx->state, a->state, &e)) != 0))
		goto out;
	integ_emit_set_state(ctx->em, ctx->state);
	for (i = 0; i < n; i++) {
		code = run_stream(ctx, &sel[i]);
		if (code != 0 && first == 0)
			first = code;
		if (code > INTEG_EXIT_SIGNAL)
			break;	/* cancelled: no more streams */
	}
	integ_catalog_selected_free(sel, n);
	integ_buf_free(&cat);
	return first;
out:
	integ_catalog_selected_free(sel, n);
	integ_buf_free(&cat);
	return fail(ctx, code, e.msg);
}

static int
discover(struct integ_ctx *ctx)
{
	struct integ_source src = *ctx->src;
	struct integ_stream *sampled = NULL;
	struct integ_buf b;
	struct integ_err e;
	struct integ_msg m;
	int code;

	/* schemas inferred: a first page of each such stream, asked now */
	if (integ_sample_wanted(ctx->src)) {
		if ((code = new_http(ctx, &e)) != 0 ||
		    (code = integ_sample(ctx, &sampled, &e)) != 0)
			return fail(ctx, code, e.msg);
		src.streams = sampled;
	}
	integ_buf_init(&b, 0);
	if (ctx->proto == INTEG_PROTO_AIRBYTE)
		integ_catalog_airbyte(&src, &b);
	else
		integ_catalog_singer(&src, &b);
	memset(&m, 0, sizeof(m));
	m.kind = INTEG_MSG_CATALOG;
	m.doc.p = b.data;
	m.doc.len = b.len;
	say(ctx, &m);
	integ_buf_free(&b);
	integ_sample_free(ctx->src, sampled);
	return 0;
}

int
integ_source_main(const struct integ_source *src, int argc, char *argv[])
{
	struct integ_ctx ctx;
	struct integ_buf config, spectext;
	struct integ_err e;
	struct args a;
	char prog[128];
	int code, rc;

	snprintf(prog, sizeof(prog), "source-%s", src->name);
	integ_log_init(prog, INTEG_LOG_INFO);
	integ_signal_init();
	memset(&ctx, 0, sizeof(ctx));
	ctx.src = src;
	if (integ_json_validate(src->spec, strlen(src->spec), &ctx.spec,
	    &e) != 0) {
		integ_log(INTEG_LOG_ERROR, "the compiled-in spec: %s", e.msg);
		return INTEG_EXIT_FAIL;
	}
	/* every answer, --about too, speaks of the spec with shared fields */
	integ_buf_init(&spectext, 0);
	integ_shared_spec(ctx.spec, &spectext);
	if (integ_json_validate(spectext.data, spectext.len, &ctx.spec,
	    &e) != 0) {
		integ_log(INTEG_LOG_ERROR, "the spec with the shared fields: %s",
		    e.msg);
		integ_buf_free(&spectext);
		return INTEG_EXIT_FAIL;
	}
	if ((rc = parse(argc, argv, &a)) == 0 && a.about) {
		struct integ_buf b;

		integ_buf_init(&b, 0);
		code = integ_about(src, ctx.spec, a.format, &b, &e);
		integ_buf_free(&spectext);
		if (code != 0) {
			integ_buf_free(&b);
			integ_log_err(&e);
			usage(prog, stderr);
			return code;
		}
		fwrite(b.data, 1, b.len, stdout);
		integ_buf_free(&b);
		return integ_io_stdout_done(0);
	}
	if (rc != 0) {
		integ_buf_free(&spectext);
		if (rc == 2)
			return integ_about_version(prog,
			    src->version ? src->version : "");
		usage(prog, rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : INTEG_EXIT_USAGE;
	}
	ctx.proto = a.proto;
	ctx.config_path = a.config;
	ctx.testing = a.test;
	if (a.proto == INTEG_PROTO_AIRBYTE) {
		if ((code = integ_emit_new("airbyte", stdout, &ctx.em,
		    &e)) != 0) {
			integ_buf_free(&spectext);
			return integ_log_err(&e);
		}
		/* every log line a LOG message on stdout */
		integ_log_set_sink(integ_emit_log_sink, ctx.em);
	} else if (a.cmd == CMD_READ &&
	    (code = integ_emit_new("singer", stdout, &ctx.em, &e)) != 0) {
		integ_buf_free(&spectext);
		return integ_log_err(&e);
	}
	integ_buf_init(&config, CONFIG_MAX);
	if (a.cmd == CMD_SPEC) {
		code = spec(&ctx);
	} else if ((code = load_config(&ctx, a.config, &config, &e)) != 0) {
		code = refused(&ctx, a.cmd == CMD_CHECK &&
		    code != INTEG_EXIT_NOINPUT, code, e.msg);
	} else if (a.cmd == CMD_DISCOVER) {
		code = discover(&ctx);
	} else if ((code = new_http(&ctx, &e)) != 0) {
		code = refused(&ctx, a.cmd == CMD_CHECK &&
		    code == INTEG_EXIT_CONFIG, code, e.msg);
	} else if (a.cmd == CMD_CHECK) {
		code = check(&ctx);
	} else {
		code = read_streams(&ctx, &a);
	}
	integ_ctx_reset(&ctx);
	integ_ctx_oauth_flush(&ctx);
	integ_http_free(ctx.http);
	integ_ctx_oauth_free(&ctx);
	integ_log_drain();
	integ_state_free(ctx.state);
	integ_log_set_sink(NULL, NULL);
	integ_emit_free(ctx.em);
	integ_buf_free(&config);
	integ_buf_free(&spectext);
	integ_secret_clear();
	return integ_io_stdout_done(code);
}
