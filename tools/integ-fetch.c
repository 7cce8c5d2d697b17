/*
 * integ-fetch: fetch HTTP/JSON pages, following the API's pagination,
 * and write each complete body to stdout. Options only: the work is
 * integ_fetch_run() in libinteg.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
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

static void
usage(void)
{
	usage_to(stderr);
}

static int
bad(const char *opt, const char *arg, const char *why)
{
	integ_log(INTEG_LOG_ERROR, "%s %s: %s", opt, arg, why);
	usage();
	return INTEG_EXIT_USAGE;
}

static int
secs(const char *opt, const char *arg, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !isfinite(d) || d < 0)
		return bad(opt, arg, "expected a number of seconds");
	*out = d;
	return 0;
}

static int
count(const char *opt, const char *arg, long long min, long long max,
    long long *out)
{
	const char *errstr;

	*out = strtonum(arg, min, max, &errstr);
	if (errstr != NULL)
		return bad(opt, arg, errstr);
	return 0;
}

/* PARAM=VALUE (value required) or PARAM[=VALUE] (optional). */
static int
split(const char *opt, char *arg, char **param, char **value, int need)
{
	char *eq = strchr(arg, '=');

	*param = arg;
	*value = NULL;
	if (eq != NULL) {
		*eq = '\0';
		*value = eq + 1;
	}
	if (**param == '\0' || (need && (*value == NULL || **value == '\0')))
		return bad(opt, arg, need ? "expected PARAM=VALUE" :
		    "expected PARAM[=START]");
	return 0;
}

static int
rate(const char *arg, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(arg, &end);
	if (end == arg || errno != 0 || !isfinite(d) || d <= 0)
		return bad("--rate", arg, "expected N/s or N/m");
	if (strcmp(end, "/s") == 0)
		*out = d;
	else if (strcmp(end, "/m") == 0)
		*out = d / 60;
	else if (strcmp(end, "/h") == 0)
		*out = d / 3600;
	else
		return bad("--rate", arg, "expected N/s or N/m");
	return 0;
}

static int
bytes(const char *arg, size_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end == arg || errno != 0)
		return bad("--max-body", arg, "expected a size");
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> 2) >> shift)
		return bad("--max-body", arg, "expected a size");
	*out = (size_t)(v << shift);
	return 0;
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

/* START,END[,FORMAT] */
static int
window(char *arg, struct integ_window_opts *w)
{
	char *end, *fmt;

	if ((end = strchr(arg, ',')) == NULL || end == arg || end[1] == '\0')
		return bad("--window", arg, "expected START_PARAM,END_PARAM"
		    "[,FORMAT]");
	*end++ = '\0';
	if ((fmt = strchr(end, ',')) != NULL) {
		*fmt++ = '\0';
		if (*end == '\0' || integ_time_format_parse(fmt, &w->format)
		    == -1)
			return bad("--window", fmt, "expected a FORMAT: "
			    "rfc3339, date, epoch or epoch-ms");
	}
	w->start_param = arg;
	w->end_param = end;
	return 0;
}

static int
mode(struct integ_fetch_opts *o, enum integ_page_mode m, const char *opt)
{
	if (o->pager.mode != INTEG_PAGE_NONE && o->pager.mode != m) {
		integ_log(INTEG_LOG_ERROR, "%s: only one pagination mode", opt);
		usage();
		return INTEG_EXIT_USAGE;
	}
	o->pager.mode = m;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct integ_fetch_opts o;
	struct integ_err e;
	struct integ_pager_opts *p = &o.pager;
	long long n;
	char *param, *value, *scope = NULL, *t;
	int ch, rc, ncursor = 0, noauth = 0;

	integ_log_init(argv[0], INTEG_LOG_WARN);
	integ_signals_init();
	integ_fetch_opts_init(&o);
	integ_err_clear(&e);

	while ((ch = getopt_long(argc, argv, "d:H:hq:svX:", longopts, NULL)) != -1) {
		rc = 0;
		switch (ch) {
		case 'd':
			o.data = optarg;
			break;
		case 'H':
			o.headers = integ_xreallocarray(o.headers, o.nheaders + 1,
			    sizeof(*o.headers));
			o.headers[o.nheaders++] = optarg;
			break;
		case 'h':
			usage_to(stdout);
			return integ_close_stdout(&e) ? integ_log_err(&e) : 0;
		case 'q':
			o.queries = integ_xreallocarray(o.queries, o.nqueries + 1,
			    sizeof(*o.queries));
			o.queries[o.nqueries++] = optarg;
			break;
		case 's':
			o.silent = 1;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'X':
			if (optarg[0] == '\0' ||
			    optarg[strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")]
			    != '\0')
				rc = bad("-X", optarg, "expected a method in "
				    "capitals (POST, PUT)");
			o.method = optarg;
			break;
		case O_BODY_CURSOR:
			if ((rc = mode(&o, INTEG_PAGE_BODY, "--body-cursor")) ==
			    0 && (rc = split("--body-cursor", optarg, &param,
			    &value, 1)) == 0) {
				p->param = param;
				p->path = value;
				ncursor++;
			}
			break;
		case O_GRAPHQL:
			o.graphql = 1;
			break;
		case O_WINDOW:
			rc = window(optarg, &o.window);
			break;
		case O_STEP:
			o.window.step = optarg;
			break;
		case O_FROM:
			o.window.from = optarg;
			break;
		case O_TO:
			o.window.to = optarg;
			break;
		case O_LOOKBACK:
			o.window.lookback = optarg;
			break;
		case O_CACERT:
			o.http.cacert = optarg;
			break;
		case O_CONNECT_TIMEOUT:
			rc = secs("--connect-timeout", optarg,
			    &o.http.connect_timeout);
			break;
		case O_CURSOR:
			if ((rc = mode(&o, INTEG_PAGE_CURSOR, "--cursor")) == 0 &&
			    (rc = split("--cursor", optarg, &param, &value, 1)) == 0) {
				p->param = param;
				p->path = value;
				ncursor++;
			}
			break;
		case O_HAS_MORE:
			p->has_more = optarg;
			break;
		case O_INSECURE:
			o.http.insecure = 1;
			break;
		case O_LIMIT:
			if ((rc = split("--limit", optarg, &param, &value, 1)) == 0 &&
			    (rc = count("--limit", value, 1, 1000000000, &n)) == 0) {
				p->limit_param = param;
				p->limit = n;
			}
			break;
		case O_LINK:
			rc = mode(&o, INTEG_PAGE_LINK, "--link");
			break;
		case O_MAX_BODY:
			rc = bytes(optarg, &o.http.max_body);
			break;
		case O_MAX_PAGES:
			rc = count("--max-pages", optarg, 1, LLONG_MAX,
			    &p->max_pages);
			break;
		case O_MAX_TIME:
			rc = secs("--max-time", optarg, &o.http.max_time);
			break;
		case O_META:
			o.meta = 1;
			break;
		case O_NEXT:
			if ((rc = mode(&o, INTEG_PAGE_NEXT, "--next")) == 0)
				p->path = optarg;
			break;
		case O_OAUTH_BASIC:
			o.oauth.basic = 1;
			noauth++;
			break;
		case O_OAUTH_CLIENT_ID:
			o.oauth.client_id = optarg;
			noauth++;
			break;
		case O_OAUTH_CLIENT_SECRET:
			o.oauth.client_secret = optarg;
			noauth++;
			break;
		case O_OAUTH_REFRESH_TOKEN:
			o.oauth.refresh_token = optarg;
			noauth++;
			break;
		case O_OAUTH_SCOPE:
			/* repeated: the scopes, space-separated */
			integ_xasprintf(&t, "%s%s%s", scope ? scope : "",
			    scope ? " " : "", optarg);
			free(scope);
			o.oauth.scope = scope = t;
			noauth++;
			break;
		case O_OAUTH_TOKEN_FILE:
			o.oauth_token_file = optarg;
			noauth++;
			break;
		case O_OAUTH_TOKEN_URL:
			o.oauth.token_url = optarg;
			break;
		case O_OFFSET:
		case O_PAGE:
			if ((rc = mode(&o, ch == O_OFFSET ? INTEG_PAGE_OFFSET :
			    INTEG_PAGE_NUMBER, ch == O_OFFSET ? "--offset" :
			    "--page")) != 0 ||
			    (rc = split(ch == O_OFFSET ? "--offset" : "--page",
			    optarg, &param, &value, 0)) != 0)
				break;
			p->param = param;
			if (value != NULL) {
				rc = count(ch == O_OFFSET ? "--offset" : "--page",
				    value, 0, LLONG_MAX / 2, &p->start);
				p->has_start = 1;
			}
			break;
		case O_PARALLEL:
			if ((rc = count("--parallel", optarg, 1, 64, &n)) == 0)
				p->parallel = (int)n;
			break;
		case O_RATE:
			rc = rate(optarg, &o.http.rate);
			break;
		case O_RECORDS:
			p->records = optarg;
			break;
		case O_RETRIES:
			if ((rc = count("--retries", optarg, 0, 1000, &n)) == 0)
				o.http.retries = (int)n;
			break;
		case O_RETRY_MAX_TIME:
			rc = secs("--retry-max-time", optarg,
			    &o.http.retry_max_time);
			break;
		case O_SPEED_LIMIT:
			if ((rc = count("--speed-limit", optarg, 0, 1LL << 40,
			    &n)) == 0)
				o.http.speed_limit = (double)n;
			break;
		case O_STREAM:
			o.http.stream = stdout;
			break;
		case O_TIMEOUT:
			rc = secs("--timeout", optarg, &o.http.stall_timeout);
			break;
		case O_TOTAL:
			p->total = optarg;
			break;
		case O_URLS_FROM:
			o.urls_from = optarg;
			break;
		case O_VERSION:
			return integ_version("integ-fetch", NULL);
		default:
			usage();
			return INTEG_EXIT_USAGE;
		}
		if (rc != 0)
			return rc;
	}
	argc -= optind;
	argv += optind;
	o.urls = argv;
	o.nurls = (size_t)argc;

	if (noauth > 0 && o.oauth.token_url == NULL)
		return bad("--oauth-*", "", "needs --oauth-token-url");
	if (o.oauth.token_url != NULL && o.oauth.client_id == NULL)
		return bad("--oauth-token-url", o.oauth.token_url,
		    "needs --oauth-client-id");
	if (argc == 0 && o.urls_from == NULL)
		return bad("URL", "", "a URL or --urls-from is needed");
	if (p->has_more != NULL && p->mode != INTEG_PAGE_CURSOR &&
	    p->mode != INTEG_PAGE_BODY)
		return bad("--has-more", p->has_more, "needs --cursor or "
		    "--body-cursor");
	if (ncursor > 1)
		return bad(p->mode == INTEG_PAGE_BODY ? "--body-cursor" :
		    "--cursor", p->param, "given more than once");
	if (p->mode == INTEG_PAGE_BODY && o.data == NULL)
		return bad("--body-cursor", p->param, "needs --data");
	if (o.graphql && o.data == NULL)
		return bad("--graphql", "", "needs --data (the query)");
	if (o.window.start_param == NULL && (o.window.step != NULL ||
	    o.window.from != NULL || o.window.to != NULL ||
	    o.window.lookback != NULL))
		return bad("--step, --from, --to, --lookback", "", "need "
		    "--window");
	if (o.window.start_param != NULL && (o.window.step == NULL ||
	    o.window.from == NULL))
		return bad("--window", o.window.start_param, "needs --step "
		    "and --from");
	if (o.window.start_param != NULL && (o.urls_from != NULL ||
	    argc != 1 || o.http.stream != NULL))
		return bad("--window", o.window.start_param, "takes one URL, "
		    "not --urls-from or --stream");
	if (p->limit_param != NULL && p->mode != INTEG_PAGE_OFFSET &&
	    p->mode != INTEG_PAGE_NUMBER)
		return bad("--limit", p->limit_param, "needs --offset or --page");
	if (p->total != NULL && p->mode != INTEG_PAGE_OFFSET &&
	    p->mode != INTEG_PAGE_NUMBER)
		return bad("--total", p->total, "needs --offset or --page");
	if ((p->mode == INTEG_PAGE_OFFSET || p->mode == INTEG_PAGE_NUMBER) &&
	    p->records == NULL)
		return bad(p->mode == INTEG_PAGE_OFFSET ? "--offset" : "--page",
		    p->param, "needs --records PATH");
	if (o.http.stream != NULL && (p->mode != INTEG_PAGE_NONE &&
	    p->mode != INTEG_PAGE_LINK))
		return bad("--stream", "", "works with --link or no "
		    "pagination, not with a JSON path");
	if (o.http.stream != NULL && (o.meta || p->records != NULL))
		return bad("--stream", "", "cannot be used with --meta or "
		    "--records");

	rc = integ_fetch_run(&o, stdout, &e);
	if (rc != 0 && e.msg[0] != '\0')	/* empty: an upstream trailer */
		integ_log_err(&e);
	free(o.headers);
	free(o.queries);
	free(scope);
	if (integ_close_stdout(&e) != 0 && rc == 0)
		rc = integ_log_err(&e);
	return rc;
}
