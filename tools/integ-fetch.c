/*
 * integ-fetch: fetch HTTP/JSON pages, following the API's pagination,
 * and write each complete body to stdout. Options only: the work is
 * integ_fetch_run() in libinteg.
 */
#include <getopt.h>
#include <limits.h>
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

/* A usage error: why (getopt said it already when e is empty), usage. */
static int
bad(const struct integ_err *e)
{
	if (e->msg[0] != '\0')
		integ_log_err(e);
	usage_to(stderr);
	return INTEG_EXIT_USAGE;
}

enum {
	O_BODY_CURSOR = 256, O_GRAPHQL, O_WINDOW, O_STEP, O_FROM, O_TO,
	O_LOOKBACK,
	O_CACERT, O_CONNECT_TIMEOUT, O_CURSOR, O_HAS_MORE, O_INSECURE,
	O_LIMIT, O_LINK, O_MAX_BODY, O_MAX_PAGES, O_MAX_TIME, O_META, O_NEXT,
	O_OAUTH_BASIC, O_OAUTH_CLIENT_ID, O_OAUTH_CLIENT_SECRET,
	O_OAUTH_REFRESH_TOKEN, O_OAUTH_SCOPE, O_OAUTH_TOKEN_FILE,
	O_OAUTH_TOKEN_URL,
	O_OFFSET, O_PAGE, O_PARALLEL, O_RATE, O_RECORDS, O_RETRIES,
	O_RETRY_MAX_TIME, O_SPEED_LIMIT, O_STREAM, O_TIMEOUT, O_TOTAL, O_URLS_FROM, O_VERSION
};

static const struct option longopts[] = {
	{ "body-cursor",	required_argument,	NULL, O_BODY_CURSOR },
	{ "cacert",		required_argument,	NULL, O_CACERT },
	{ "connect-timeout",	required_argument,	NULL, O_CONNECT_TIMEOUT },
	{ "cursor",		required_argument,	NULL, O_CURSOR },
	{ "data",		required_argument,	NULL, 'd' },
	{ "from",		required_argument,	NULL, O_FROM },
	{ "graphql",		no_argument,		NULL, O_GRAPHQL },
	{ "has-more",		required_argument,	NULL, O_HAS_MORE },
	{ "header",		required_argument,	NULL, 'H' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "insecure",		no_argument,		NULL, O_INSECURE },
	{ "limit",		required_argument,	NULL, O_LIMIT },
	{ "lookback",		required_argument,	NULL, O_LOOKBACK },
	{ "link",		no_argument,		NULL, O_LINK },
	{ "max-body",		required_argument,	NULL, O_MAX_BODY },
	{ "max-pages",		required_argument,	NULL, O_MAX_PAGES },
	{ "max-time",		required_argument,	NULL, O_MAX_TIME },
	{ "meta",		no_argument,		NULL, O_META },
	{ "method",		required_argument,	NULL, 'X' },
	{ "next",		required_argument,	NULL, O_NEXT },
	{ "oauth-basic",	no_argument,		NULL, O_OAUTH_BASIC },
	{ "oauth-client-id",	required_argument,	NULL, O_OAUTH_CLIENT_ID },
	{ "oauth-client-secret", required_argument,	NULL, O_OAUTH_CLIENT_SECRET },
	{ "oauth-refresh-token", required_argument,	NULL, O_OAUTH_REFRESH_TOKEN },
	{ "oauth-scope",	required_argument,	NULL, O_OAUTH_SCOPE },
	{ "oauth-token-file",	required_argument,	NULL, O_OAUTH_TOKEN_FILE },
	{ "oauth-token-url",	required_argument,	NULL, O_OAUTH_TOKEN_URL },
	{ "offset",		required_argument,	NULL, O_OFFSET },
	{ "page",		required_argument,	NULL, O_PAGE },
	{ "parallel",		required_argument,	NULL, O_PARALLEL },
	{ "query",		required_argument,	NULL, 'q' },
	{ "rate",		required_argument,	NULL, O_RATE },
	{ "records",		required_argument,	NULL, O_RECORDS },
	{ "retries",		required_argument,	NULL, O_RETRIES },
	{ "retry-max-time",	required_argument,	NULL, O_RETRY_MAX_TIME },
	{ "silent",		no_argument,		NULL, 's' },
	{ "speed-limit",	required_argument,	NULL, O_SPEED_LIMIT },
	{ "step",		required_argument,	NULL, O_STEP },
	{ "stream",		no_argument,		NULL, O_STREAM },
	{ "timeout",		required_argument,	NULL, O_TIMEOUT },
	{ "to",			required_argument,	NULL, O_TO },
	{ "total",		required_argument,	NULL, O_TOTAL },
	{ "urls-from",		required_argument,	NULL, O_URLS_FROM },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, O_VERSION },
	{ "window",		required_argument,	NULL, O_WINDOW },
	{ NULL,			0,			NULL, 0 }
};

/* -X: a method in capitals. */
static int
method(const char *arg, struct integ_err *e)
{
	if (arg[0] == '\0' ||
	    arg[strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] != '\0')
		return integ_opt_bad("-X", arg, "expected a method in capitals "
		    "(POST, PUT)", e);
	return 0;
}

/* --oauth-scope, repeated: the scopes, space-separated. */
static char *
scopes(char *before, const char *arg)
{
	char *t;

	integ_xasprintf(&t, "%s%s%s", before ? before : "", before ? " " : "",
	    arg);
	free(before);
	return t;
}


/* One option into o: 0, or 64 with e saying why. */
static int
option(struct integ_fetch_opts *o, int ch, char *arg, struct integ_err *e)
{
	struct integ_http_opts *h = &o->http;
	struct integ_pager_opts *p = &o->pager;
	char *param, *value;
	long long n;
	int rc = 0;

	switch (ch) {
	case 'd':
		o->data = arg;
		break;
	case 'H':
		integ_opt_push(&o->headers, &o->nheaders, arg);
		break;
	case 'q':
		integ_opt_push(&o->queries, &o->nqueries, arg);
		break;
	case 's':
		o->silent = 1;
		break;
	case 'v':
		o->verbose = 1;
		break;
	case 'X':
		o->method = arg;
		return method(arg, e);
	case O_BODY_CURSOR:
		return integ_fetch_opts_pager(o, INTEG_PAGE_BODY,
		    "--body-cursor", arg, e);
	case O_GRAPHQL:
		o->graphql = 1;
		break;
	case O_WINDOW:
		return integ_fetch_opts_window(o, arg, e);
	case O_STEP:
		o->window.step = arg;
		break;
	case O_FROM:
		o->window.from = arg;
		break;
	case O_TO:
		o->window.to = arg;
		break;
	case O_LOOKBACK:
		o->window.lookback = arg;
		break;
	case O_CACERT:
		h->cacert = arg;
		break;
	case O_CONNECT_TIMEOUT:
		return integ_opt_secs("--connect-timeout", arg,
		    &h->connect_timeout, e);
	case O_CURSOR:
		return integ_fetch_opts_pager(o, INTEG_PAGE_CURSOR, "--cursor",
		    arg, e);
	case O_HAS_MORE:
		p->has_more = arg;
		break;
	case O_INSECURE:
		h->insecure = 1;
		break;
	case O_LIMIT:
		if ((rc = integ_opt_pair("--limit", arg, &param, &value, 1,
		    e)) == 0 && (rc = integ_opt_count("--limit", value, 1,
		    1000000000, &p->limit, e)) == 0)
			p->limit_param = param;
		break;
	case O_LINK:
		return integ_fetch_opts_pager(o, INTEG_PAGE_LINK, "--link", arg,
		    e);
	case O_MAX_BODY:
		return integ_opt_size("--max-body", arg, &h->max_body, e);
	case O_MAX_PAGES:
		return integ_opt_count("--max-pages", arg, 1, LLONG_MAX,
		    &p->max_pages, e);
	case O_MAX_TIME:
		return integ_opt_secs("--max-time", arg, &h->max_time, e);
	case O_META:
		o->meta = 1;
		break;
	case O_NEXT:
		return integ_fetch_opts_pager(o, INTEG_PAGE_NEXT, "--next", arg,
		    e);
	case O_OAUTH_BASIC:
		o->oauth.basic = 1;
		break;
	case O_OAUTH_CLIENT_ID:
		o->oauth.client_id = arg;
		break;
	case O_OAUTH_CLIENT_SECRET:
		o->oauth.client_secret = arg;
		break;
	case O_OAUTH_REFRESH_TOKEN:
		o->oauth.refresh_token = arg;
		break;
	case O_OAUTH_SCOPE:
		o->oauth.scope = scopes((char *)o->oauth.scope, arg);
		break;
	case O_OAUTH_TOKEN_FILE:
		o->oauth_token_file = arg;
		break;
	case O_OAUTH_TOKEN_URL:
		o->oauth.token_url = arg;
		break;
	case O_OFFSET:
		return integ_fetch_opts_pager(o, INTEG_PAGE_OFFSET, "--offset",
		    arg, e);
	case O_PAGE:
		return integ_fetch_opts_pager(o, INTEG_PAGE_NUMBER, "--page",
		    arg, e);
	case O_PARALLEL:
		if ((rc = integ_opt_count("--parallel", arg, 1, 64, &n, e)) == 0)
			p->parallel = (int)n;
		break;
	case O_RATE:
		return integ_opt_rate("--rate", arg, &h->rate, e);
	case O_RECORDS:
		p->records = arg;
		break;
	case O_RETRIES:
		if ((rc = integ_opt_count("--retries", arg, 0, 1000, &n, e)) == 0)
			h->retries = (int)n;
		break;
	case O_RETRY_MAX_TIME:
		return integ_opt_secs("--retry-max-time", arg,
		    &h->retry_max_time, e);
	case O_SPEED_LIMIT:
		if ((rc = integ_opt_count("--speed-limit", arg, 0, 1LL << 40,
		    &n, e)) == 0)
			h->speed_limit = (double)n;
		break;
	case O_STREAM:
		h->stream = stdout;
		break;
	case O_TIMEOUT:
		return integ_opt_secs("--timeout", arg, &h->stall_timeout, e);
	case O_TOTAL:
		p->total = arg;
		break;
	case O_URLS_FROM:
		o->urls_from = arg;
		break;
	default:	/* getopt said why */
		integ_err_clear(e);
		return INTEG_EXIT_USAGE;
	}
	return rc;
}

int
main(int argc, char *argv[])
{
	struct integ_fetch_opts o;
	struct integ_err e;
	int ch, rc;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	integ_signals_init();
	integ_fetch_opts_init(&o);
	integ_err_clear(&e);
	while ((ch = getopt_long(argc, argv, "d:H:hq:svX:", longopts,
	    NULL)) != -1) {
		if (ch == 'h') {
			usage_to(stdout);
			return integ_close_stdout(&e) ? integ_log_err(&e) : 0;
		}
		if (ch == O_VERSION)
			return integ_version("integ-fetch", NULL);
		if (option(&o, ch, optarg, &e) != 0)
			return bad(&e);
	}
	o.urls = argv + optind;
	o.nurls = (size_t)(argc - optind);
	if (integ_fetch_opts_check(&o, &e) != 0)
		return bad(&e);
	rc = integ_fetch_run(&o, stdout, &e);
	if (rc != 0 && e.msg[0] != '\0')	/* empty: an upstream trailer */
		integ_log_err(&e);
	free(o.headers);
	free(o.queries);
	free((char *)o.oauth.scope);
	if (integ_close_stdout(&e) != 0 && rc == 0)
		rc = integ_log_err(&e);
	return rc;
}
