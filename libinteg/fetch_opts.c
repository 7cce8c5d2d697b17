/*
 * fetch_opts.c: integ-fetch's options that go together. The tool reads
 * each option; what one option means for another is said here, so that
 * its main stays a list of options.
 */
#include <limits.h>
#include <string.h>

#include "integ.h"

static const char *
mode_name(enum integ_page_mode m)
{
	switch (m) {
	case INTEG_PAGE_OFFSET:	return "--offset";
	case INTEG_PAGE_NUMBER:	return "--page";
	case INTEG_PAGE_BODY:	return "--body-cursor";
	default:		return "--cursor";
	}
}

int
integ_fetch_opts_pager(struct integ_fetch_opts *o, enum integ_page_mode m,
    const char *opt, char *arg, struct integ_err *e)
{
	struct integ_pager_opts *p = &o->pager;
	char *param, *value;
	int code, cursor;

	if (p->mode != INTEG_PAGE_NONE && p->mode != m)
		return integ_errf(e, INTEG_EXIT_USAGE, "%s: only one "
		    "pagination mode", opt);
	p->mode = m;
	if (m == INTEG_PAGE_NEXT)
		p->path = arg;
	if (m == INTEG_PAGE_NEXT || m == INTEG_PAGE_LINK)
		return 0;
	/* PARAM=PATH for a cursor, PARAM[=START] for a count */
	cursor = m == INTEG_PAGE_CURSOR || m == INTEG_PAGE_BODY;
	if ((code = integ_opt_pair(opt, arg, &param, &value, cursor, e)) != 0)
		return code;
	if (cursor && p->param != NULL)
		return integ_opt_bad(opt, param, "given more than once", e);
	p->param = param;
	if (cursor)
		p->path = value;
	else if (value != NULL) {
		p->has_start = 1;
		return integ_opt_count(opt, value, 0, LLONG_MAX / 2, &p->start,
		    e);
	}
	return 0;
}

int
integ_fetch_opts_window(struct integ_fetch_opts *o, char *arg,
    struct integ_err *e)
{
	struct integ_window_opts *w = &o->window;
	char *end, *fmt;

	if ((end = strchr(arg, ',')) == NULL || end == arg || end[1] == '\0')
		return integ_opt_bad("--window", arg, "expected "
		    "START_PARAM,END_PARAM[,FORMAT]", e);
	*end++ = '\0';
	if ((fmt = strchr(end, ',')) != NULL) {
		*fmt++ = '\0';
		if (*end == '\0' || integ_time_format_parse(fmt, &w->format)
		    == -1)
			return integ_opt_bad("--window", fmt, "expected a "
			    "FORMAT: rfc3339, date, epoch or epoch-ms", e);
	}
	w->start_param = arg;
	w->end_param = end;
	return 0;
}

static int
oauth_check(const struct integ_fetch_opts *o, struct integ_err *e)
{
	const struct integ_oauth2_opts *a = &o->oauth;

	if (a->token_url == NULL && (a->basic || a->client_id != NULL ||
	    a->client_secret != NULL || a->refresh_token != NULL ||
	    a->scope != NULL || o->oauth_token_file != NULL))
		return integ_opt_bad("--oauth-*", "", "needs --oauth-token-url",
		    e);
	if (a->token_url != NULL && a->client_id == NULL)
		return integ_opt_bad("--oauth-token-url", a->token_url,
		    "needs --oauth-client-id", e);
	return 0;
}

static int
window_check(const struct integ_fetch_opts *o, struct integ_err *e)
{
	const struct integ_window_opts *w = &o->window;

	if (w->start_param == NULL && (w->step != NULL || w->from != NULL ||
	    w->to != NULL || w->lookback != NULL))
		return integ_opt_bad("--step, --from, --to, --lookback", "",
		    "need --window", e);
	if (w->start_param != NULL && (w->step == NULL || w->from == NULL))
		return integ_opt_bad("--window", w->start_param, "needs --step "
		    "and --from", e);
	if (w->start_param != NULL && (o->urls_from != NULL ||
	    o->nurls != 1 || o->http.stream != NULL))
		return integ_opt_bad("--window", w->start_param, "takes one "
		    "URL, not --urls-from or --stream", e);
	return 0;
}

static int
pager_check(const struct integ_fetch_opts *o, struct integ_err *e)
{
	const struct integ_pager_opts *p = &o->pager;
	int counted = p->mode == INTEG_PAGE_OFFSET ||
	    p->mode == INTEG_PAGE_NUMBER;

	if (p->limit_param != NULL && !counted)
		return integ_opt_bad("--limit", p->limit_param, "needs "
		    "--offset or --page", e);
	if (p->total != NULL && !counted)
		return integ_opt_bad("--total", p->total, "needs --offset or "
		    "--page", e);
	if (counted && p->records == NULL)
		return integ_opt_bad(mode_name(p->mode), p->param, "needs "
		    "--records PATH", e);
	if (o->http.stream != NULL && p->mode != INTEG_PAGE_NONE &&
	    p->mode != INTEG_PAGE_LINK)
		return integ_opt_bad("--stream", "", "works with --link or no "
		    "pagination, not with a JSON path", e);
	if (o->http.stream != NULL && (o->meta || p->records != NULL))
		return integ_opt_bad("--stream", "", "cannot be used with "
		    "--meta or --records", e);
	return 0;
}

int
integ_fetch_opts_check(const struct integ_fetch_opts *o, struct integ_err *e)
{
	const struct integ_pager_opts *p = &o->pager;
	int code;

	if ((code = oauth_check(o, e)) != 0)
		return code;
	if (o->nurls == 0 && o->urls_from == NULL)
		return integ_opt_bad("URL", "", "a URL or --urls-from is needed",
		    e);
	if (p->has_more != NULL && p->mode != INTEG_PAGE_CURSOR &&
	    p->mode != INTEG_PAGE_BODY)
		return integ_opt_bad("--has-more", p->has_more, "needs --cursor "
		    "or --body-cursor", e);
	if (p->mode == INTEG_PAGE_BODY && o->data == NULL)
		return integ_opt_bad("--body-cursor", p->param, "needs --data",
		    e);
	if (o->graphql && o->data == NULL)
		return integ_opt_bad("--graphql", "", "needs --data (the query)",
		    e);
	if ((code = window_check(o, e)) != 0)
		return code;
	return pager_check(o, e);
}
