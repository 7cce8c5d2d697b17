/*
 * manifest_run.c: how a manifest's stream runs. Its templates are filled
 * from the config, the environment and the parent record, its request
 * built, its pages emitted through the same calls a C connector makes
 * (ctx.c), each record through the stream's steps on the way.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integ.h"
#include "manifest_int.h"
#include "source_int.h"

static struct integ_manifest *
manifest_of(struct integ_ctx *ctx)
{
	/* the source is the manifest's first member */
	return (struct integ_manifest *)(void *)(uintptr_t)ctx->src;
}

/*
 * A value in a path, percent-encoded: one segment, or with | path its
 * segments one by one, the '/' between them kept. A "." or ".." segment
 * (or an empty one of | path) would make another path of it: a record's
 * "..", a config's "a/../b".
 */
static int
segments(struct integ_ctx *ctx, struct integ_buf *b, const char *s,
    const struct tpart *p)
{
	const char *e;
	size_t n;

	for (;;) {
		e = p->segs ? strchr(s, '/') : NULL;
		n = e != NULL ? (size_t)(e - s) : strlen(s);
		if ((n == 0 && p->segs) || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return integ_ctx_fail(ctx, p->kind == TP_PARENT ?
			    INTEG_EXIT_DATA : INTEG_EXIT_CONFIG, "%s.%s%s: "
			    "an empty, . or .. segment", p->kind == TP_CONFIG ?
			    "config" : p->kind == TP_ENV ? "env" : "parent",
			    p->s, p->segs ? " | path" : "");
		integ_url_encode(b, s, n);
		if (e == NULL)
			return 0;
		integ_buf_addc(b, '/');
		s = e + 1;
	}
}

/*
 * A template filled in. *out NULL: a config value it names is unset (the
 * header or parameter is left out), or a parent field is missing. enc:
 * values are percent-encoded (they go into a URL's path).
 */
static int
render(struct integ_ctx *ctx, const struct tmpl *t,
    const struct integ_json_span *parent, int enc, char **out)
{
	struct integ_json_span v;
	struct integ_buf b, vb;
	const char *s;
	size_t i;
	int inpath = enc, code;

	*out = NULL;
	integ_buf_init(&b, 0);
	integ_buf_adds(&b, "");
	enc = enc && t->n > 1;
	for (i = 0; i < t->n; i++) {
		const struct tpart *p = &t->parts[i];

		s = NULL;
		integ_buf_init(&vb, 0);
		switch (p->kind) {
		case TP_TEXT:
			integ_buf_adds(&b, p->s);
			continue;
		case TP_CONFIG:
			s = integ_ctx_config(ctx, p->s);
			break;
		case TP_ENV:
			if ((s = getenv(p->s)) == NULL) {
				integ_buf_free(&b);
				return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG,
				    "env.%s: environment variable not set",
				    p->s);
			}
			/* whatever comes from the environment is a secret */
			integ_secret_add(s);
			break;
		case TP_PARENT:
			if (parent == NULL ||
			    !integ_path_find(p->path, *parent, &v) ||
			    integ_json_type(v) == INTEG_JSON_NULL)
				break;
			if (integ_json_type(v) != INTEG_JSON_STRING ||
			    integ_json_str_decode(v, &vb) == -1) {
				integ_buf_reset(&vb);
				integ_buf_add(&vb, v.p, v.len);
			}
			s = vb.data != NULL ? vb.data : "";
			break;
		}
		if (s == NULL) {
			integ_buf_free(&vb);
			integ_buf_free(&b);
			return t->alt != NULL ? render(ctx, t->alt, parent, enc,
			    out) : 0;
		}
		code = 0;
		if ((p->segs && inpath) || enc)
			code = segments(ctx, &b, s, p);
		else
			integ_buf_adds(&b, s);
		integ_buf_free(&vb);
		if (code != 0) {
			integ_buf_free(&b);
			return code;
		}
	}
	*out = integ_ctx_keep(ctx, integ_buf_take(&b));
	return 0;
}

/* An instant in the form the API takes; as it is when not an instant. */
static const char *
since_format(struct integ_ctx *ctx, const char *s, int fmt)
{
	char buf[32];
	struct tm tm;
	int64_t secs;
	time_t tt;
	long ns;

	if (fmt == FMT_RFC3339 ||
	    integ_time_rfc3339_parse(s, strlen(s), 0, &secs, &ns) != 0)
		return s;
	if (fmt == FMT_EPOCH) {
		snprintf(buf, sizeof(buf), "%lld", (long long)secs);
	} else {
		tt = (time_t)secs;
		gmtime_r(&tt, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
	}
	return integ_ctx_keep(ctx, integ_xstrdup(buf));
}

/* The seconds of an RFC 3339 instant or of an epoch number. */
static int
seconds(const char *s, int64_t *out)
{
	const char *errstr;
	long ns;

	if (integ_time_rfc3339_parse(s, strlen(s), 0, out, &ns) == 0)
		return 0;
	*out = strtonum(s, 0, LLONG_MAX, &errstr);
	return errstr != NULL ? -1 : 0;
}

/*
 * The later of the bookmark and the start. An epoch cursor's bookmark is
 * a number and the start an instant: compared as seconds.
 */
static const char *
later(const char *mark, const char *start)
{
	int64_t a, b;

	if (mark == NULL || start == NULL)
		return mark != NULL ? mark : start;
	if (seconds(mark, &a) != 0 || seconds(start, &b) != 0)
		return mark;
	if (a != b)
		return b > a ? start : mark;
	return integ_cursor_rfc3339_later(mark, start);
}

static int
add_kvs(struct integ_ctx *ctx, struct integ_request *rq, const struct mkv *kv,
    size_t n, const struct integ_json_span *parent, int header)
{
	char *v;
	size_t i;
	int code;

	for (i = 0; i < n; i++) {
		if ((code = render(ctx, &kv[i].t, parent, 0, &v)) != 0)
			return code;
		if (v == NULL)
			continue;
		/* a value that holds a secret goes to trusted origins only */
		if (header)
			integ_request_header(rq, kv[i].name, v,
			    integ_secret_in(v, strlen(v)));
		else
			integ_request_query(rq, kv[i].name, v,
			    integ_secret_in(v, strlen(v)));
	}
	return 0;
}

static int
add_auth(struct integ_ctx *ctx, struct integ_manifest *m,
    struct integ_request *rq)
{
	char *a, *b, *ui, *hv, *enc;
	int code;

	/* OAuth 2: the authorizer (integ_ctx_oauth2) adds its header */
	if (m->auth == AUTH_NONE || m->auth == AUTH_OAUTH2)
		return 0;
	if ((code = render(ctx, &m->auth_a, NULL, 0, &a)) != 0 ||
	    (m->auth == AUTH_BASIC &&
	    (code = render(ctx, &m->auth_b, NULL, 0, &b)) != 0))
		return code;
	if (a == NULL)
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "auth: the "
		    "credential's config field is not set");
	switch (m->auth) {
	case AUTH_BEARER:
		integ_secret_add(a);
		integ_xasprintf(&hv, "Bearer %s", a);
		integ_request_header(rq, "Authorization",
		    integ_ctx_keep(ctx, hv), 1);
		break;
	case AUTH_HEADER:
		integ_secret_add(a);
		integ_request_header(rq, m->auth_name, a, 1);
		break;
	case AUTH_QUERY:
		integ_secret_add(a);
		integ_request_query(rq, m->auth_name, a, 1);
		break;
	case AUTH_BASIC:
		integ_secret_add_userinfo(a, b != NULL ? b : "");
		integ_xasprintf(&ui, "%s:%s", a, b != NULL ? b : "");
		enc = integ_secret_base64(ui, strlen(ui));
		explicit_bzero(ui, strlen(ui));
		free(ui);
		integ_xasprintf(&hv, "Basic %s", enc);
		free(enc);
		integ_request_header(rq, "Authorization",
		    integ_ctx_keep(ctx, hv), 1);
		break;
	}
	return 0;
}

/* A config value as JSON as the config holds it (or the spec's default). */
static int
config_json(struct integ_ctx *ctx, const char *name, struct integ_json_span *v)
{
	struct integ_json_span props, prop;

	return integ_json_member(ctx->config, name, v) ||
	    (integ_json_member(ctx->spec, "properties", &props) &&
	    integ_json_member(props, name, &prop) &&
	    integ_json_member(prop, "default", v));
}

/* What a body's strings are filled from (body_str). */
struct body {
	struct integ_ctx		*ctx;
	const struct mstream		*ms;
	const struct integ_json_span	*parent;
	size_t				 k;	/* the string's template */
};

/*
 * A body's string filled in (body_t, depth first, as mnode_json_with
 * walks). One {{ config.NAME }} alone is the config value as the config
 * holds it (a number stays a number); a template whose value is unset is
 * null.
 */
static int
body_str(void *arg, const struct mnode *n, struct integ_buf *b)
{
	struct body *x = arg;
	const struct tmpl *t = &x->ms->body_t[x->k++];
	struct integ_json_span v;
	const char *name;
	char *s;
	int code;

	if ((name = tmpl_only_config(t)) != NULL &&
	    config_json(x->ctx, name, &v))
		return integ_json_compact(v, b) == -1 ?
		    integ_ctx_fail(x->ctx, INTEG_EXIT_DATA, "body: too large") :
		    0;
	if ((code = render(x->ctx, t, x->parent, 0, &s)) != 0)
		return code;
	if (s == NULL)
		integ_buf_adds(b, "null");
	else
		integ_json_str_encode(b, s, strlen(s));
	return 0;
}

/* Method, body (a secret one to trusted origins only), GraphQL errors. */
static int
add_body(struct integ_ctx *ctx, const struct mstream *ms,
    struct integ_request *rq, const struct integ_json_span *parent)
{
	struct body x = { ctx, ms, parent, 0 };
	struct integ_buf b;
	int code;

	integ_request_method(rq, ms->method);
	integ_request_graphql(rq, ms->graphql);
	if (ms->body == NULL)
		return 0;
	integ_buf_init(&b, 0);
	if ((code = mnode_json_with(ms->body, &b, body_str, &x)) == 0)
		integ_request_body(rq, b.data, b.len,
		    integ_secret_in(b.data, b.len));
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	integ_buf_free(&b);
	return code;
}

/*
 * A stream's request, for one parent record or none. NULL with *code 0:
 * the parent lacks a field the path needs (no request for it).
 */
static struct integ_request *
build(struct integ_ctx *ctx, const struct mstream *ms,
    const struct integ_json_span *parent, int incremental, int *code)
{
	struct integ_manifest *m = manifest_of(ctx);
	struct integ_request *rq;
	const char *since;
	char *base, *path, *url, *start;

	if ((*code = render(ctx, &m->base, NULL, 0, &base)) != 0 ||
	    (*code = render(ctx, &ms->path, parent, 1, &path)) != 0)
		return NULL;
	if (base == NULL) {
		*code = integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "base_url: a "
		    "config field it names is not set");
		return NULL;
	}
	if (path == NULL)
		return NULL;
	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0) {
		url = path;
	} else {
		url = integ_ctx_url(ctx, base, path);
	}
	if ((rq = integ_ctx_request_url(ctx, url)) == NULL) {
		*code = integ_ctx_err(ctx)->code;
		return NULL;
	}
	integ_request_rate(rq, ms->rate);
	integ_request_retries(rq, ms->retries);
	if ((*code = add_kvs(ctx, rq, m->headers, m->nheaders, NULL, 1)) != 0 ||
	    (*code = add_kvs(ctx, rq, ms->headers, ms->nheaders, parent,
	    1)) != 0 ||
	    (*code = add_auth(ctx, m, rq)) != 0 ||
	    (*code = add_kvs(ctx, rq, m->params, m->nparams, NULL, 0)) != 0 ||
	    (*code = add_kvs(ctx, rq, ms->params, ms->nparams, parent, 0)) != 0 ||
	    (*code = add_body(ctx, ms, rq, parent)) != 0)
		return NULL;
	if (incremental && ms->inc_param != NULL) {
		/* the bookmark, or the start when that is later: moved on */
		if ((*code = render(ctx, &ms->inc_start, NULL, 0, &start)) != 0)
			return NULL;
		since = later(integ_ctx_bookmark(ctx, NULL),
		    ms->inc_start.n > 0 ? start : NULL);
		if (since != NULL)
			integ_request_query(rq, ms->inc_param,
			    since_format(ctx, since, ms->inc_format), 0);
	}
	return rq;
}

/* A number from a template; dflt when it is not set. */
static int
number(struct integ_ctx *ctx, const struct tmpl *t, const char *what,
    long long min, long long dflt, long long *out)
{
	const char *errstr;
	char *s;
	int code;

	*out = dflt;
	if (t->n == 0)
		return 0;
	if ((code = render(ctx, t, NULL, 0, &s)) != 0 || s == NULL)
		return code;
	*out = strtonum(s, min, 1000000000LL, &errstr);
	if (errstr != NULL)
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "%s: %s (\"%.40s\")",
		    what, errstr, s);
	return 0;
}

static int
pager(struct integ_ctx *ctx, const struct mstream *ms,
    struct integ_pager_opts *o)
{
	long long v;
	int code;

	*o = ms->pager;
	if ((code = number(ctx, &ms->limit, "paging.limit", 1, 0,
	    &o->limit)) != 0 ||
	    (code = number(ctx, &ms->start, "paging.start", 0, -1, &v)) != 0)
		return code;
	if (v >= 0) {
		o->start = v;
		o->has_start = 1;
	}
	if ((code = number(ctx, &ms->max_pages, "max_pages", 1, 0,
	    &o->max_pages)) != 0 ||
	    (code = number(ctx, &ms->concurrency, "concurrency", 1, 0, &v)) != 0)
		return code;
	o->parallel = (int)v;
	return 0;
}

/* What the record steps of one run know. */
struct steps {
	const struct mstream	*ms;
	struct integ_ctx	*ctx;
	struct integ_json_span	*parents;	/* by request, or NULL */
};

static int
named(const struct mstream *ms, struct integ_json_span k)
{
	size_t i;

	for (i = 0; i < ms->nremove; i++)
		if (integ_json_str_eq(k, ms->remove[i], strlen(ms->remove[i])))
			return 1;
	for (i = 0; i < ms->nadd; i++)
		if (integ_json_str_eq(k, ms->add[i].name,
		    strlen(ms->add[i].name)))
			return 1;
	return 0;
}

/* The record without the removed fields, with the added ones last. */
static int
record_steps(void *arg, size_t job, struct integ_json_span rec,
    struct integ_buf *out, struct integ_err *e)
{
	struct steps *x = arg;
	const struct mstream *ms = x->ms;
	const struct integ_json_span *parent = x->parents ? &x->parents[job] :
	    NULL;
	const struct tpart *only;
	struct integ_json_iter it;
	struct integ_json_span k, v;
	size_t i;
	char *s;
	int first = 1, code;

	integ_buf_addc(out, '{');
	integ_json_iter_init(&it, rec);
	while (integ_json_iter_next(&it, &k, &v)) {
		if (named(ms, k))
			continue;
		if (!first)
			integ_buf_addc(out, ',');
		first = 0;
		integ_buf_add(out, k.p, k.len);
		integ_buf_addc(out, ':');
		integ_buf_add(out, v.p, v.len);
	}
	for (i = 0; i < ms->nadd; i++) {
		const struct tmpl *t = &ms->add[i].t;

		if (!first)
			integ_buf_addc(out, ',');
		first = 0;
		integ_json_str_encode(out, ms->add[i].name,
		    strlen(ms->add[i].name));
		integ_buf_addc(out, ':');
		/* a parent's field as it is: numbers stay numbers, ids exact */
		if ((only = tmpl_only_parent(t)) != NULL) {
			if (parent != NULL && integ_path_find(only->path,
			    *parent, &v))
				integ_buf_add(out, v.p, v.len);
			else
				integ_buf_adds(out, "null");
			continue;
		}
		if (t->json && t->n == 1 && t->parts[0].kind == TP_TEXT) {
			integ_buf_adds(out, t->raw);
			continue;
		}
		if ((code = render(x->ctx, t, parent, 0, &s)) != 0)
			return integ_errf(e, code, "%s", x->ctx->err.msg);
		if (s == NULL)
			integ_buf_adds(out, "null");
		else
			integ_json_str_encode(out, s, strlen(s));
	}
	if (integ_buf_addc(out, '}') == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "a record too large");
	return 0;
}

static int
children(struct integ_ctx *ctx, const struct mstream *ms,
    struct integ_pager_opts *o, struct steps *x)
{
	const struct mstream *pm = ms->parent;
	struct integ_pager_opts po;
	struct integ_request *prq, **rqs;
	char **recs;
	size_t i, n, k = 0;
	int code;

	if ((code = pager(ctx, pm, &po)) != 0)
		return code;
	if ((prq = build(ctx, pm, NULL, 0, &code)) == NULL)
		return code ? code : integ_ctx_fail(ctx, INTEG_EXIT_CONFIG,
		    "parent %s: no request", pm->name);
	if ((code = integ_ctx_collect(ctx, prq, &po, pm->records, ".", &recs,
	    &n)) != 0)
		return code;
	rqs = integ_xcalloc(n ? n : 1, sizeof(*rqs));
	x->parents = integ_xcalloc(n ? n : 1, sizeof(*x->parents));
	for (i = 0; i < n; i++) {
		struct integ_json_span p = { recs[i], strlen(recs[i]) };

		if ((rqs[k] = build(ctx, ms, &p, 1, &code)) == NULL) {
			if (code != 0)
				break;
			integ_log(INTEG_LOG_DEBUG, "%s: a parent record without "
			    "the fields of the path", ms->name);
			continue;
		}
		x->parents[k++] = p;
	}
	if (code == 0)
		code = integ_ctx_requests_with(ctx, rqs, k, o, ms->records,
		    record_steps, x);
	free(rqs);
	free(x->parents);
	return code;
}

/*
 * windows: from the bookmark, else the from template (else the config's
 * start_date, as integ_ctx_windows does), to the to template or now.
 */
static int
windows(struct integ_ctx *ctx, const struct mstream *ms,
    struct integ_request *rq, struct integ_pager_opts *o, struct steps *x)
{
	struct integ_window_opts wo = ms->win;
	char *from = NULL, *to = NULL;
	int code;

	if ((ms->win_from.n > 0 &&
	    (code = render(ctx, &ms->win_from, NULL, 0, &from)) != 0) ||
	    (ms->win_to.n > 0 &&
	    (code = render(ctx, &ms->win_to, NULL, 0, &to)) != 0))
		return code;
	if (ms->win_from.n > 0)
		wo.from = integ_ctx_bookmark(ctx, from);
	wo.to = to;
	if (ms->win_parallel > 0)
		o->parallel = (int)ms->win_parallel;
	return integ_ctx_windows_with(ctx, rq, &wo, o, ms->records,
	    ms->nadd > 0 || ms->nremove > 0 ? record_steps : NULL, x);
}

static int stream_run(struct integ_ctx *);

int
manifest_run(struct integ_ctx *ctx)
{
	struct integ_manifest *m = manifest_of(ctx);
	int code = stream_run(ctx);

	if (code == INTEG_EXIT_AUTH && m->auth_refused != NULL)
		integ_err_wrap(&ctx->err, code, "%s", m->auth_refused);
	return code;
}

static int
stream_run(struct integ_ctx *ctx)
{
	struct integ_manifest *m = manifest_of(ctx);
	const struct mstream *ms = &m->ms[ctx->stream - m->streams];
	struct integ_pager_opts o;
	struct integ_request *rq;
	struct steps x = { ms, ctx, NULL };
	int code;

	if ((code = pager(ctx, ms, &o)) != 0)
		return code;
	if (ms->parent != NULL)
		return children(ctx, ms, &o, &x);
	if ((rq = build(ctx, ms, NULL, 1, &code)) == NULL)
		return code ? code : integ_ctx_fail(ctx, INTEG_EXIT_CONFIG,
		    "%s: no request", ms->name);
	if (ms->win.start_param != NULL)
		return windows(ctx, ms, rq, &o, &x);
	return integ_ctx_requests_with(ctx, &rq, 1, &o, ms->records,
	    ms->nadd > 0 || ms->nremove > 0 ? record_steps : NULL, &x);
}

/*
 * auth oauth2: the library's OAuth 2 (integ_ctx_oauth2), as a C
 * connector sets it up; a rotated refresh token is kept in its config
 * field.
 */
static int
oauth2_init(struct integ_ctx *ctx, struct integ_manifest *m)
{
	struct integ_oauth2_opts o;
	const char *rt = tmpl_only_config(&m->oa_rt);
	char *url, *id, *secret = NULL, *scope = NULL;
	int code;

	memset(&o, 0, sizeof(o));
	if ((code = render(ctx, &m->oa_url, NULL, 0, &url)) != 0 ||
	    (code = render(ctx, &m->oa_id, NULL, 0, &id)) != 0 ||
	    (m->oa_secret.n > 0 &&
	    (code = render(ctx, &m->oa_secret, NULL, 0, &secret)) != 0) ||
	    (m->oa_scope.n > 0 &&
	    (code = render(ctx, &m->oa_scope, NULL, 0, &scope)) != 0))
		return code;
	if (url == NULL || id == NULL)
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "auth: the "
		    "config field of the %s is not set", url == NULL ?
		    "token_url" : "client_id");
	if (rt != NULL && (o.refresh_token = integ_ctx_config(ctx, rt)) == NULL)
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "auth: config "
		    "%s (the refresh token) is not set", rt);
	o.token_url = url;
	o.client_id = id;
	o.client_secret = secret;
	o.scope = scope;
	o.basic = m->oa_basic;
	return integ_ctx_oauth2(ctx, &o, rt);
}

/* Once before any request: the base URL trusted, the bucket's doer. */
int
manifest_init(struct integ_ctx *ctx)
{
	struct integ_manifest *m = manifest_of(ctx);
	char *base;
	int code;

	if ((code = render(ctx, &m->base, NULL, 0, &base)) != 0)
		return code;
	if (base == NULL)
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "base_url: a "
		    "config field it names is not set");
	if (integ_http_trust(ctx->http, base, &ctx->err) != 0)
		return integ_err_wrap(&ctx->err, INTEG_EXIT_CONFIG, "base_url");
	if (m->bucket != NULL)
		integ_http_set_doer(ctx->http, integ_bucket_doer, m->bucket);
	if (m->auth == AUTH_OAUTH2)
		return oauth2_init(ctx, m);
	return 0;
}
