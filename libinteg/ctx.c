/*
 * ctx.c: what a connector's run function is handed. It reads the config
 * and the stream's bookmark, builds requests against the config's url,
 * and turns pages into records on the stream's emitter.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"
#include "json_int.h"
#include "source_int.h"

#define PARALLEL_DEFAULT	4

char *
integ_ctx_keep(struct integ_ctx *ctx, char *s)
{
	ctx->strs = integ_xreallocarray(ctx->strs, ctx->nstrs + 1,
	    sizeof(*ctx->strs));
	ctx->strs[ctx->nstrs++] = s;
	return s;
}

void
integ_ctx_reset(struct integ_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nrqs; i++)
		integ_request_free(ctx->rqs[i]);
	for (i = 0; i < ctx->nstrs; i++)
		free(ctx->strs[i]);
	free(ctx->rqs);
	free(ctx->strs);
	ctx->rqs = NULL;
	ctx->strs = NULL;
	ctx->nrqs = ctx->nstrs = 0;
	integ_err_clear(&ctx->err);
}

/* A JSON value as text: strings decoded, anything else as written. */
static const char *
valuetext(struct integ_ctx *ctx, struct integ_json_span v)
{
	struct integ_buf b;

	if (integ_json_type(v) == INTEG_JSON_NULL)
		return NULL;
	integ_buf_init(&b, 0);
	if (integ_json_type(v) != INTEG_JSON_STRING ||
	    integ_json_str_decode(v, &b) == -1) {
		integ_buf_reset(&b);
		integ_buf_add(&b, v.p, v.len);
	}
	if (b.data == NULL)
		integ_buf_adds(&b, "");
	return integ_ctx_keep(ctx, integ_buf_take(&b));
}

const char *
integ_ctx_config(struct integ_ctx *ctx, const char *name)
{
	struct integ_json_span v, props, prop;

	if (integ_json_member(ctx->config, name, &v))
		return valuetext(ctx, v);
	if (integ_json_member(ctx->spec, "properties", &props) &&
	    integ_json_member(props, name, &prop) &&
	    integ_json_member(prop, "default", &v))
		return valuetext(ctx, v);
	return NULL;
}

long long
integ_ctx_config_int(struct integ_ctx *ctx, const char *name, long long dflt)
{
	const char *s = integ_ctx_config(ctx, name), *errstr;
	long long n;

	if (s == NULL)
		return dflt;
	n = strtonum(s, -1000000000LL, 1000000000LL, &errstr);
	return errstr == NULL ? n : dflt;
}

const char *
integ_ctx_bookmark(struct integ_ctx *ctx, const char *dflt)
{
	struct integ_json_span v;
	const char *s;

	if (!ctx->incremental || ctx->stream == NULL ||
	    ctx->stream->cursor == NULL || ctx->state == NULL)
		return dflt;
	if (!integ_state_get(ctx->state, ctx->stream->name, NULL,
	    ctx->stream->cursor, &v))
		return dflt;
	s = valuetext(ctx, v);
	return s != NULL ? s : dflt;
}

const struct integ_stream *
integ_ctx_stream(struct integ_ctx *ctx)
{
	return ctx->stream;
}

struct integ_http *
integ_ctx_http(struct integ_ctx *ctx)
{
	return ctx->http;
}

int
integ_ctx_checking(struct integ_ctx *ctx)
{
	return ctx->checking;
}

int
integ_ctx_fail(struct integ_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;

	ctx->err.code = code;
	va_start(ap, fmt);
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	va_end(ap);
	return code;
}

struct integ_err *
integ_ctx_err(struct integ_ctx *ctx)
{
	return &ctx->err;
}

struct integ_request *
integ_ctx_request_url(struct integ_ctx *ctx, const char *url)
{
	struct integ_request *rq;

	/* a bad URL fails at the first request that uses it */
	if (integ_request_new(url, &rq, &ctx->err) != 0)
		return NULL;
	ctx->rqs = integ_xreallocarray(ctx->rqs, ctx->nrqs + 1,
	    sizeof(*ctx->rqs));
	ctx->rqs[ctx->nrqs++] = rq;
	return rq;
}

char *
integ_ctx_url(struct integ_ctx *ctx, const char *base, const char *path)
{
	size_t blen;
	char *url;

	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	while (*path == '/')
		path++;
	integ_xasprintf(&url, "%.*s/%s", (int)blen, base, path);
	return integ_ctx_keep(ctx, url);
}

struct integ_request *
integ_ctx_request(struct integ_ctx *ctx, const char *path)
{
	const char *base = integ_ctx_config(ctx, "url");

	return integ_ctx_request_url(ctx, integ_ctx_url(ctx, base ? base : "",
	    path));
}

/* The progress line, at most five times a second unless final. */
static void
progress(struct integ_ctx *ctx, int final)
{
	struct integ_http_stats st;
	double now = integ_time_now();

	if (!ctx->progress || (!final && now - ctx->shown < 0.2))
		return;
	ctx->shown = now;
	integ_http_stats(ctx->http, &st);
	integ_log_progress(ctx->stream->name, ctx->pages,
	    st.bytes - ctx->st0.bytes,
	    (long long)integ_emit_stream_written(ctx->st), now - ctx->t0,
	    st.retries - ctx->st0.retries,
	    integ_emit_stream_estimate(ctx->st) > 0 ? (long long)
	    integ_emit_stream_estimate(ctx->st) : -1, final);
}

void
integ_ctx_stream_begin(struct integ_ctx *ctx)
{
	ctx->pages = 0;
	ctx->t0 = integ_time_now();
	ctx->shown = 0;
	memset(&ctx->st0, 0, sizeof(ctx->st0));
	if (ctx->http != NULL)
		integ_http_stats(ctx->http, &ctx->st0);
	/* Airbyte's stderr is the platform's; a terminal is a person */
	ctx->progress = ctx->proto == INTEG_PROTO_SINGER && ctx->http != NULL &&
	    isatty(STDERR_FILENO);
	integ_log(INTEG_LOG_INFO, "%s: started", ctx->stream->name);
}

/* Before the stream's emitter ends: its count is read here. */
void
integ_ctx_stream_end(struct integ_ctx *ctx, int code)
{
	struct integ_http_stats st;

	memset(&st, 0, sizeof(st));
	if (ctx->http != NULL)
		integ_http_stats(ctx->http, &st);
	if (ctx->pages > 0)
		progress(ctx, 1);
	ctx->progress = 0;
	integ_log(INTEG_LOG_INFO, "%s: %s: %llu records, %lu pages, %lu "
	    "retries, %.2f s", ctx->stream->name, code == 0 ? "done" :
	    "failed", (unsigned long long)integ_emit_stream_written(ctx->st),
	    ctx->pages, st.retries - ctx->st0.retries,
	    integ_time_now() - ctx->t0);
}

/* What the page callbacks share. */
struct pages {
	struct integ_ctx	*ctx;
	struct integ_path	*records;
	struct integ_path	*field;		/* integ_ctx_collect */
	char			**out;
	size_t			 nout;
	int			 estimate;	/* one request: its total is the stream's */
	integ_record_fn		*xf;		/* integ_ctx_requests_with */
	void			*xarg;
	size_t			 job;
	struct integ_buf	 xbuf;
	int			 cut;		/* max_pages left pages out */
};

/*
 * The records at the path of a page. The pager found them in the pass
 * that validated the page (integ_pager_gather): a page that is not JSON
 * never gets here, and no record of it is written. A name on the path
 * that comes twice has the records of its last member (the scanner took
 * the earlier ones back).
 */
static int
records_of(struct pages *pg, const struct integ_page *page,
    int (*fn)(struct pages *, struct integ_json_span, struct integ_err *),
    struct integ_err *e)
{
	size_t i;
	int code;

	for (i = 0; i < page->nrecs; i++)
		if ((code = fn(pg, page->recs[i], e)) != 0)
			return code;
	return 0;
}

static int
emit_one(struct pages *pg, struct integ_json_span rec, struct integ_err *e)
{
	/* the page was validated whole: do not scan the record again */
	int code;

	if (integ_json_type(rec) != INTEG_JSON_OBJECT)
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "a record that is "
		    "not a JSON object but %s",
		    integ_json_type_name(integ_json_type(rec)));
	if (pg->xf != NULL) {
		integ_buf_reset(&pg->xbuf);
		if ((code = pg->xf(pg->xarg, pg->job, rec, &pg->xbuf, e)) != 0)
			return code;
		code = integ_emit_record_valid(pg->ctx->st, pg->xbuf.data,
		    pg->xbuf.len, e);
	} else
		code = integ_emit_record_valid(pg->ctx->st, rec.p, rec.len, e);
	/* --test: one record shows the stream works; nothing more */
	if (code == 0 && pg->ctx->testing &&
	    integ_emit_stream_written(pg->ctx->st) > 0)
		return SOURCE_STOP;
	return code;
}

/*
 * max_pages stopped a pagination (what, the stream's or its parents')
 * while the API had more pages: once a run, say so, and keep an
 * unsorted stream's bookmark where it was.
 */
static void
cut(struct pages *pg, const char *what)
{
	struct integ_ctx *ctx = pg->ctx;

	if (pg->cut)
		return;
	pg->cut = 1;
	integ_log(INTEG_LOG_WARN, "%s: %scut at max_pages (the API has more "
	    "pages)%s", ctx->stream->name, what, ctx->incremental &&
	    !ctx->stream->sorted ? ": the bookmark will not move" : "");
	integ_emit_stream_unverified(ctx->st);
}

static int
onpage(void *arg, const struct integ_page *page, struct integ_err *e)
{
	struct pages *pg = arg;
	struct integ_ctx *ctx = pg->ctx;
	int code, sig;

	if ((sig = integ_signal_caught()) != 0)
		return integ_errf(e, INTEG_EXIT_SIGNAL + sig, "cancelled by "
		    "signal %d", sig);
	if (ctx->checking)
		return 0;
	integ_log_drain();
	integ_ctx_oauth_flush(ctx);
	/* the API said how much there is: the platform may show progress */
	if (pg->estimate && page->job == 0 && page->n == 0 && page->total >= 0 &&
	    (code = integ_emit_estimate(ctx->st, (uint64_t)page->total, e)) != 0)
		return code;
	/* pages never fetched: an unsorted stream's bookmark stays */
	if (page->cut && !ctx->sampling)
		cut(pg, "");
	pg->job = page->job;
	if ((code = records_of(pg, page, emit_one, e)) != 0)
		return code;
	ctx->pages++;
	progress(ctx, 0);
	/* a page's messages leave with it: whoever reads sees the sync move */
	if ((code = integ_emit_flush(ctx->em, e)) != 0)
		return code;
	/* sorted pages: all up to here is delivered, say so */
	if (ctx->stream->sorted && ctx->incremental && ctx->stream->cursor)
		return integ_emit_checkpoint(ctx->st, e);
	return 0;
}

static int
paged(struct integ_ctx *ctx, struct integ_request *const *rqs, size_t n,
    const struct integ_pager_opts *popts, const char *path,
    integ_page_fn *fn, struct pages *pg)
{
	struct integ_pager_opts o = *popts;
	struct integ_pager *pager;
	size_t i;
	int code;

	for (i = 0; i < n; i++)
		if (rqs[i] == NULL)	/* integ_ctx_request said why */
			return ctx->err.code ? ctx->err.code : INTEG_EXIT_CONFIG;
	if (o.parallel == 0)
		o.parallel = (int)integ_ctx_config_int(ctx, "concurrency",
		    PARALLEL_DEFAULT);
	/* the pager compares the records of pages in a row: loops */
	if (o.records == NULL)
		o.records = path;
	if (ctx->checking || ctx->sampling) {
		o.max_pages = 1;
		n = n > 1 ? 1 : n;
	}
	pg->ctx = ctx;
	if ((code = integ_path_compile(path, &pg->records, &ctx->err)) != 0)
		return code;
	if ((code = integ_pager_new(&o, &pager, &ctx->err)) == 0) {
		integ_pager_gather(pager, pg->records);
		code = integ_paginate(ctx->http, pager, rqs, n, fn, pg,
		    &ctx->err);
		integ_pager_free(pager);
	}
	integ_path_free(pg->records);
	return code;
}

int
integ_ctx_requests(struct integ_ctx *ctx, struct integ_request *const *rqs,
    size_t n, const struct integ_pager_opts *popts, const char *path)
{
	struct integ_err e;
	struct pages pg;
	int code;

	memset(&pg, 0, sizeof(pg));
	pg.estimate = n == 1;
	/* whole bodies, one request each: as many records as requests */
	if (n > 1 && popts->mode == INTEG_PAGE_NONE && strcmp(path, ".") == 0 &&
	    !ctx->checking && !ctx->testing &&
	    (code = integ_emit_estimate(ctx->st, n, &e)) != 0) {
		ctx->err = e;
		return code;
	}
	return paged(ctx, rqs, n, popts, path, onpage, &pg);
}

int
integ_ctx_requests_with(struct integ_ctx *ctx,
    struct integ_request *const *rqs, size_t n,
    const struct integ_pager_opts *popts, const char *path,
    integ_record_fn *xf, void *xarg)
{
	struct pages pg;
	int code;

	memset(&pg, 0, sizeof(pg));
	pg.xf = xf;
	pg.xarg = xarg;
	integ_buf_init(&pg.xbuf, 0);
	code = paged(ctx, rqs, n, popts, path, onpage, &pg);
	integ_buf_free(&pg.xbuf);
	return code;
}

int
integ_ctx_pages(struct integ_ctx *ctx, struct integ_request *rq,
    const struct integ_pager_opts *popts, const char *path)
{
	return integ_ctx_requests(ctx, &rq, 1, popts, path);
}

int
integ_ctx_urls(struct integ_ctx *ctx, const char *const *urls, size_t n,
    const struct integ_pager_opts *popts, const char *path)
{
	struct integ_request **rqs;
	size_t i;
	int code;

	rqs = integ_xcalloc(n, sizeof(*rqs));
	for (i = 0; i < n; i++)
		rqs[i] = integ_ctx_request_url(ctx, urls[i]);
	code = integ_ctx_requests(ctx, rqs, n, popts, path);
	free(rqs);
	return code;
}

static int
collect_one(struct pages *pg, struct integ_json_span rec, struct integ_err *e)
{
	struct integ_json_span v;
	const char *s;

	if (!integ_path_find(pg->field, rec, &v) ||
	    (s = valuetext(pg->ctx, v)) == NULL)
		return 0;
	pg->out = integ_xreallocarray(pg->out, pg->nout + 1, sizeof(*pg->out));
	pg->out[pg->nout++] = (char *)s;
	return 0;
}

static int
oncollect(void *arg, const struct integ_page *page, struct integ_err *e)
{
	struct pages *pg = arg;
	int sig;

	if ((sig = integ_signal_caught()) != 0)
		return integ_errf(e, INTEG_EXIT_SIGNAL + sig, "cancelled by "
		    "signal %d", sig);
	/* parents never fetched: their children are not read either */
	if (page->cut && pg->ctx->st != NULL && !pg->ctx->sampling &&
	    !pg->ctx->testing)
		cut(pg, "the parents ");
	return records_of(pg, page, collect_one, e);
}

int
integ_ctx_collect(struct integ_ctx *ctx, struct integ_request *rq,
    const struct integ_pager_opts *popts, const char *path, const char *field,
    char ***out, size_t *n)
{
	struct integ_pager_opts o = *popts;
	struct pages pg;
	int code;

	/* --test needs one child: the first page of parents is plenty */
	if (ctx->testing)
		o.max_pages = 1;
	memset(&pg, 0, sizeof(pg));
	if ((code = integ_path_compile(field, &pg.field, &ctx->err)) != 0)
		return code;
	code = paged(ctx, &rq, 1, &o, path, oncollect, &pg);
	integ_path_free(pg.field);
	/* the strings are the context's; the array is too */
	integ_ctx_keep(ctx, (char *)pg.out);
	*out = pg.out;
	*n = pg.nout;
	return code;
}

/* ---- date windows (window.c) ---- */

struct wpages {
	struct pages		 pg;		/* first: paged() hands it on */
	struct integ_window	*win;
	size_t			 nwin;
	size_t			 unmarked;
	enum integ_time_format	 fmt;
	int			 marks;		/* the stream keeps a bookmark */
};

/* A window's end, as a STATE: only once its last page was emitted. */
static int
window_marks(struct wpages *w, size_t upto, struct integ_err *e)
{
	char v[48];
	int code;

	for (; w->unmarked < upto && w->unmarked < w->nwin; w->unmarked++) {
		if (!w->marks)
			continue;
		integ_window_mark_value(&w->win[w->unmarked], w->fmt, v);
		if ((code = integ_emit_mark(w->pg.ctx->st,
		    (struct integ_json_span){ v, strlen(v) }, e)) != 0)
			return code;
	}
	return 0;
}

static int
onwindow(void *arg, const struct integ_page *page, struct integ_err *e)
{
	struct wpages *w = arg;

	if (page->rs == NULL)	/* the window's last page was emitted */
		return window_marks(w, page->job + 1, e);
	return onpage(&w->pg, page, e);
}

int
integ_ctx_windows(struct integ_ctx *ctx, struct integ_request *rq,
    const struct integ_window_opts *wopts, const struct integ_pager_opts *popts,
    const char *path)
{
	return integ_ctx_windows_with(ctx, rq, wopts, popts, path, NULL, NULL);
}

int
integ_ctx_windows_with(struct integ_ctx *ctx, struct integ_request *rq,
    const struct integ_window_opts *wopts, const struct integ_pager_opts *popts,
    const char *path, integ_record_fn *xf, void *xarg)
{
	struct integ_window_opts o = *wopts;
	struct integ_pager_opts po;
	struct integ_request **rqs;
	struct integ_window first;
	struct wpages w;
	size_t i;
	char v[48];
	int code;

	if (rq == NULL)		/* integ_ctx_request said why */
		return ctx->err.code ? ctx->err.code : INTEG_EXIT_CONFIG;
	if (o.from == NULL)
		o.from = integ_ctx_bookmark(ctx,
		    integ_ctx_config(ctx, "start_date"));
	memset(&w, 0, sizeof(w));
	w.pg.xf = xf;
	w.pg.xarg = xarg;
	integ_buf_init(&w.pg.xbuf, 0);
	w.fmt = o.format;
	w.marks = ctx->incremental && ctx->stream->cursor != NULL &&
	    !ctx->checking;
	if ((code = integ_window_plan(&o, &w.win, &w.nwin, &ctx->err)) != 0)
		return integ_err_wrap(&ctx->err, INTEG_EXIT_CONFIG, "%s: "
		    "windows", ctx->stream->name);
	rqs = integ_xcalloc(w.nwin ? w.nwin : 1, sizeof(*rqs));
	for (i = 0; i < w.nwin; i++)
		integ_window_request(rq, &o, &w.win[i], &rqs[i]);
	code = 0;
	if (w.marks && w.nwin > 0) {
		/* from here on, the bookmark moves at the windows' ends */
		first = w.win[0];
		first.end = first.start;
		strlcpy(first.end_text, first.start_text,
		    sizeof(first.end_text));
		integ_window_mark_value(&first, w.fmt, v);
		code = integ_emit_mark(ctx->st, (struct integ_json_span){ v,
		    strlen(v) }, &ctx->err);
	}
	po = *popts;
	po.job_ends = 1;
	if (code == 0 && w.nwin > 0)
		code = paged(ctx, rqs, w.nwin, &po, path, onwindow, &w.pg);
	if (code == 0)
		code = window_marks(&w, w.nwin, &ctx->err);
	for (i = 0; i < w.nwin; i++)
		integ_request_free(rqs[i]);
	free(rqs);
	free(w.win);
	integ_buf_free(&w.pg.xbuf);
	return code;
}
