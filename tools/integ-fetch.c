/*
 * integ-fetch: fetch HTTP/JSON pages, following the API's pagination,
 * and write each complete body to stdout. Options only: the work is
 * integ_fetch_run() in libinteg.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

/* Asked for (--help): stdout; a usage error: stderr. */
static void
usage_to(FILE *fp)
{
	fprintf(fp,
	    "usage: integ-fetch [-hsv] [-H 'Name: value'] [-q name=value]\n"
	    "\t[-X METHOD] [-d JSON | -d @FILE] [--graphql]\n"
	    "\t[--next PATH | --link | --cursor PARAM=PATH [--has-more PATH] |\n"
	    "\t --body-cursor BODYPATH=PATH [--has-more PATH] |\n"
	    "\t --offset PARAM[=START] | --page PARAM[=START]]\n"
	    "\t[--limit PARAM=N] [--records PATH] [--total PATH] [--max-pages N]\n"
	    "\t[--urls-from FILE] [--parallel N] [--max-body BYTES] [--stream]\n"
	    "\t[--retries N] [--retry-max-time SECS] [--connect-timeout SECS]\n"
	    "\t[--timeout SECS] [--speed-limit BYTES] [--max-time SECS]\n"
	    "\t[--rate N/s|N/m]\n"
	    "\t[--oauth-token-url URL --oauth-client-id ID\n"
	    "\t [--oauth-client-secret '${VAR}'|@FILE] [--oauth-basic]\n"
	    "\t [--oauth-refresh-token '${VAR}'|@FILE] [--oauth-token-file FILE]\n"
	    "\t [--oauth-scope SCOPE]]\n"
	    "\t[--window START,END[,FORMAT] --step DURATION --from TIME\n"
	    "\t [--to TIME] [--lookback DURATION]]\n"
	    "\t[--cacert FILE] [--insecure] [--meta] [--version] [URL ...]\n");
}

/* What the command line says. */
struct args {
	struct integ_fetch_opts	 o;
	int			 help, version;
};

#define OFF(f)	offsetof(struct args, f)

/* A usage error: why (getopt said it already when e is empty), usage. */
static int
bad(const struct integ_err *e)
{
	if (e->msg[0] != '\0')
		integ_log_err(e);
	usage_to(stderr);
	return INTEG_EXIT_USAGE;
}

/* -X: a method in capitals. */
static int
method(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct args *a = t;

	a->o.method = arg;
	if (arg[0] == '\0' ||
	    arg[strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] != '\0')
		return integ_opt_bad("-X", arg, "expected a method in capitals "
		    "(POST, PUT)", e);
	return 0;
}

/* A pagination option: the mode is the row's. */
static int
pager(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct args *a = t;

	return integ_fetch_opts_pager(&a->o, (enum integ_page_mode)row->min,
	    opt, arg, e);
}

static int
window(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct args *a = t;

	return integ_fetch_opts_window(&a->o, arg, e);
}

/* --limit PARAM=N */
static int
limit(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct integ_pager_opts *p = &((struct args *)t)->o.pager;
	char *param, *value;
	int code;

	if ((code = integ_opt_pair(opt, arg, &param, &value, 1, e)) == 0 &&
	    (code = integ_opt_count(opt, value, 1, 1000000000, &p->limit,
	    e)) == 0)
		p->limit_param = param;
	return code;
}

/* --oauth-scope, repeated: the scopes, space-separated. */
static int
scope(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	struct integ_oauth2_opts *oa = &((struct args *)t)->o.oauth;
	char *s;

	integ_xasprintf(&s, "%s%s%s", oa->scope ? oa->scope : "",
	    oa->scope ? " " : "", arg);
	free((char *)oa->scope);
	oa->scope = s;
	return 0;
}

/* --speed-limit BYTES, a whole number */
static int
speed(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	long long n;
	int code;

	if ((code = integ_opt_count(opt, arg, 0, 1LL << 40, &n, e)) == 0)
		((struct args *)t)->o.http.speed_limit = (double)n;
	return code;
}

/* --stream: bodies to stdout as they come */
static int
stream(void *t, const struct integ_opt *row, const char *opt, char *arg,
    struct integ_err *e)
{
	((struct args *)t)->o.http.stream = stdout;
	return 0;
}

static const struct integ_opt opts[] = {
	{ .name = "body-cursor", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_BODY },
	{ .name = "cacert", .kind = INTEG_OPT_STR, .off = OFF(o.http.cacert) },
	{ .name = "connect-timeout", .kind = INTEG_OPT_SECS,
	    .off = OFF(o.http.connect_timeout) },
	{ .name = "cursor", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_CURSOR },
	{ .name = "data", .letter = 'd', .kind = INTEG_OPT_STR,
	    .off = OFF(o.data) },
	{ .name = "from", .kind = INTEG_OPT_STR, .off = OFF(o.window.from) },
	{ .name = "graphql", .kind = INTEG_OPT_FLAG, .off = OFF(o.graphql) },
	{ .name = "has-more", .kind = INTEG_OPT_STR,
	    .off = OFF(o.pager.has_more) },
	{ .name = "header", .letter = 'H', .kind = INTEG_OPT_LIST,
	    .off = OFF(o.headers), .off2 = OFF(o.nheaders) },
	{ .name = "help", .letter = 'h', .kind = INTEG_OPT_STOP,
	    .off = OFF(help) },
	{ .name = "insecure", .kind = INTEG_OPT_FLAG,
	    .off = OFF(o.http.insecure) },
	{ .name = "limit", .kind = INTEG_OPT_FN, .fn = limit },
	{ .name = "lookback", .kind = INTEG_OPT_STR,
	    .off = OFF(o.window.lookback) },
	{ .name = "link", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_LINK, .no_arg = 1 },
	{ .name = "max-body", .kind = INTEG_OPT_SIZE,
	    .off = OFF(o.http.max_body) },
	{ .name = "max-pages", .kind = INTEG_OPT_COUNT,
	    .off = OFF(o.pager.max_pages), .min = 1, .max = LLONG_MAX },
	{ .name = "max-time", .kind = INTEG_OPT_SECS,
	    .off = OFF(o.http.max_time) },
	{ .name = "meta", .kind = INTEG_OPT_FLAG, .off = OFF(o.meta) },
	{ .name = "method", .letter = 'X', .kind = INTEG_OPT_FN, .fn = method },
	{ .name = "next", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_NEXT },
	{ .name = "oauth-basic", .kind = INTEG_OPT_FLAG,
	    .off = OFF(o.oauth.basic) },
	{ .name = "oauth-client-id", .kind = INTEG_OPT_STR,
	    .off = OFF(o.oauth.client_id) },
	{ .name = "oauth-client-secret", .kind = INTEG_OPT_STR,
	    .off = OFF(o.oauth.client_secret) },
	{ .name = "oauth-refresh-token", .kind = INTEG_OPT_STR,
	    .off = OFF(o.oauth.refresh_token) },
	{ .name = "oauth-scope", .kind = INTEG_OPT_FN, .fn = scope },
	{ .name = "oauth-token-file", .kind = INTEG_OPT_STR,
	    .off = OFF(o.oauth_token_file) },
	{ .name = "oauth-token-url", .kind = INTEG_OPT_STR,
	    .off = OFF(o.oauth.token_url) },
	{ .name = "offset", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_OFFSET },
	{ .name = "page", .kind = INTEG_OPT_FN, .fn = pager,
	    .min = INTEG_PAGE_NUMBER },
	{ .name = "parallel", .kind = INTEG_OPT_INT,
	    .off = OFF(o.pager.parallel), .min = 1, .max = 64 },
	{ .name = "query", .letter = 'q', .kind = INTEG_OPT_LIST,
	    .off = OFF(o.queries), .off2 = OFF(o.nqueries) },
	{ .name = "rate", .kind = INTEG_OPT_RATE, .off = OFF(o.http.rate) },
	{ .name = "records", .kind = INTEG_OPT_STR,
	    .off = OFF(o.pager.records) },
	{ .name = "retries", .kind = INTEG_OPT_INT, .off = OFF(o.http.retries),
	    .min = 0, .max = 1000 },
	{ .name = "retry-max-time", .kind = INTEG_OPT_SECS,
	    .off = OFF(o.http.retry_max_time) },
	{ .name = "silent", .letter = 's', .kind = INTEG_OPT_FLAG,
	    .off = OFF(o.silent) },
	{ .name = "speed-limit", .kind = INTEG_OPT_FN, .fn = speed },
	{ .name = "step", .kind = INTEG_OPT_STR, .off = OFF(o.window.step) },
	{ .name = "stream", .kind = INTEG_OPT_FN, .fn = stream, .no_arg = 1 },
	{ .name = "timeout", .kind = INTEG_OPT_SECS,
	    .off = OFF(o.http.stall_timeout) },
	{ .name = "to", .kind = INTEG_OPT_STR, .off = OFF(o.window.to) },
	{ .name = "total", .kind = INTEG_OPT_STR, .off = OFF(o.pager.total) },
	{ .name = "urls-from", .kind = INTEG_OPT_STR, .off = OFF(o.urls_from) },
	{ .name = "verbose", .letter = 'v', .kind = INTEG_OPT_FLAG,
	    .off = OFF(o.verbose) },
	{ .name = "version", .kind = INTEG_OPT_STOP, .off = OFF(version) },
	{ .name = "window", .kind = INTEG_OPT_FN, .fn = window },
	{ .name = NULL }
};

int
main(int argc, char *argv[])
{
	struct args a;
	struct integ_err e;
	int first, rc;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	integ_signal_init();
	memset(&a, 0, sizeof(a));
	integ_fetch_opts_init(&a.o);
	if (integ_opt_read(argc, argv, opts, &a, &first, &e) != 0)
		return bad(&e);
	if (a.help) {
		usage_to(stdout);
		return integ_io_stdout_done(0);
	}
	if (a.version)
		return integ_about_version("integ-fetch", NULL);
	a.o.urls = argv + first;
	a.o.nurls = (size_t)(argc - first);
	if (integ_fetch_opts_check(&a.o, &e) != 0)
		return bad(&e);
	rc = integ_fetch_run(&a.o, stdout, &e);
	if (rc != 0 && e.msg[0] != '\0')	/* empty: an upstream trailer */
		integ_log_err(&e);
	free(a.o.headers);
	free(a.o.queries);
	free((char *)a.o.oauth.scope);
	return integ_io_stdout_done(rc);
}
