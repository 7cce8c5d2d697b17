/*
 * fetch.c: integ-fetch as a library call. Builds the requests (URLs from
 * the command line and --urls-from, -H and -q with ${VAR} expanded),
 * runs integ_paginate, and writes each complete body followed by a
 * newline (or its --meta wrapping), flushed before the next request (a
 * retry or a rate limit may wait long, and a page written is a page a
 * kill cannot take back); a progress line on a terminal; the failure
 * trailer on a line of its own when anything fails, else the
 * end-of-data line (eod.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "integ.h"
#include "http_int.h"

struct out {
	FILE			*fp;
	const struct integ_fetch_opts *o;
	struct integ_http	*h;
	struct integ_buf	 meta;
	unsigned long		 pages;
	long long		 records;
	long long		 total;		/* announced by --total, or -1 */
	int			 cut;		/* --max-pages left pages out */
	int			 progress;
	double			 t0;
	double			 last;
	/* --window: the plan, and the first window whose end is not out */
	struct integ_window	*win;
	size_t			 nwin;
	size_t			 unmarked;
};

void
integ_fetch_opts_init(struct integ_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	integ_http_opts_init(&o->http);
	o->pager.parallel = 4;
}

static void
progress(struct out *w, int final)
{
	struct integ_http_stats st;
	double now = integ_time_now();

	if (!w->progress || (!final && now - w->last < 0.2))
		return;
	w->last = now;
	integ_http_stats(w->h, &st);
	integ_log_progress(NULL, w->pages, st.bytes, w->records, now - w->t0,
	    st.retries, w->records >= 0 ? w->total : -1, final);
}

static int
add_meta(struct out *w, const struct integ_response *rs)
{
	struct integ_buf *b = &w->meta;
	struct integ_json_span body;
	struct integ_err xe;
	size_t i, j;
	char *name, *p;
	int first = 1;

	integ_buf_reset(b);
	integ_buf_adds(b, "{\"url\":");
	integ_json_str_encode(b, rs->url, strlen(rs->url));
	integ_buf_printf(b, ",\"status\":%ld,\"headers\":{", rs->status);
	for (i = 0; i < rs->nhdrs; i++) {
		for (j = 0; j < i; j++)
			if (strcasecmp(rs->hdrs[j].name, rs->hdrs[i].name) == 0)
				break;
		if (j < i)
			continue;	/* joined below with the first */
		name = integ_xstrdup(rs->hdrs[i].name);
		for (p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!first)
			integ_buf_addc(b, ',');
		first = 0;
		integ_json_str_encode(b, name, strlen(name));
		free(name);
		integ_buf_addc(b, ':');
		{
			struct integ_buf v;

			integ_buf_init(&v, 0);
			integ_buf_adds(&v, rs->hdrs[i].value);
			for (j = i + 1; j < rs->nhdrs; j++) {
				if (strcasecmp(rs->hdrs[j].name,
				    rs->hdrs[i].name) != 0)
					continue;
				integ_buf_adds(&v, ", ");
				integ_buf_adds(&v, rs->hdrs[j].value);
			}
			integ_json_str_encode(b, v.data, v.len);
			integ_buf_free(&v);
		}
	}
	integ_buf_adds(b, "},\"body\":");
	if (rs->body.len > 0 && integ_json_validate(rs->body.data, rs->body.len,
	    &body, &xe) == 0)
		integ_buf_add(b, body.p, body.len);
	else
		integ_json_str_encode(b, rs->body.data ? rs->body.data : "",
		    rs->body.len);
	return integ_buf_addc(b, '}');
}

static int
write_error(struct out *w, struct integ_err *e)
{
	if (integ_signal_caught())	/* a write cut short by it */
		return integ_errf(e, INTEG_EXIT_SIGNAL + integ_signal_caught(),
		    "interrupted");
	return integ_errf(e, INTEG_EXIT_IO, "write error: stdout: %s",
	    strerror(errno));
}

/* The ends of the windows before window j: their pages are all out. */
static int
marks_before(struct out *w, size_t j, struct integ_err *e)
{
	char v[48];

	for (; w->unmarked < j && w->unmarked < w->nwin; w->unmarked++) {
		integ_window_mark_value(&w->win[w->unmarked],
		    w->o->window.format, v);
		if (integ_window_mark_write(w->fp, v) == -1)
			return write_error(w, e);
	}
	return 0;
}

static int
on_page(void *arg, const struct integ_page *pg, struct integ_err *e)
{
	struct out *w = arg;
	const struct integ_response *rs = pg->rs;
	char *masked;

	if (rs == NULL)		/* a window's last page is out */
		return marks_before(w, pg->job + 1, e);

	if (w->o->meta) {
		if (add_meta(w, rs) == -1)
			return integ_errf(e, INTEG_EXIT_PROTOCOL, "--meta: the "
			    "page is too large");
		masked = integ_secret_maskn(w->meta.data, w->meta.len);
		fputs(masked, w->fp);
		free(masked);
	} else if (rs->body.len > 0) {
		fwrite(rs->body.data, 1, rs->body.len, w->fp);
	}
	putc('\n', w->fp);
	/* written out before any wait for the next page */
	if (fflush(w->fp) != 0 || ferror(w->fp)) {
		if (integ_signal_caught())	/* a write cut short by it */
			return integ_errf(e, INTEG_EXIT_SIGNAL +
			    integ_signal_caught(), "interrupted");
		return integ_errf(e, INTEG_EXIT_IO, "write error: stdout: %s",
		    strerror(errno));
	}
	w->pages++;
	w->cut |= pg->cut;
	if (pg->records >= 0)
		w->records = (w->records < 0 ? 0 : w->records) + pg->records;
	/* each URL's first page announces its own total */
	if (pg->n == 0 && pg->total >= 0)
		w->total = (w->total < 0 ? 0 : w->total) + pg->total;
	progress(w, 0);
	return 0;
}

/*
 * The URLs of --urls-from: one a line, blank lines skipped. An upstream
 * "integ-error:" line ends the list: it is kept in *up, to be passed on
 * after the URLs before it are fetched. *whole: the list is a regular
 * file or ended with the end-of-data line (else whoever wrote it may
 * have died half-way, and so our end is not the end of data either).
 */
static int
read_urls(const char *path, char ***urls, size_t *n, char **up, int *whole,
    struct integ_err *e)
{
	FILE *fp;
	struct integ_eod eod = { 0, { 0 } };
	char *line = NULL, *p, *end;
	size_t cap = 0;
	ssize_t len;
	int code;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL)
		return integ_errf(e, INTEG_EXIT_NOINPUT, "--urls-from %s: %s",
		    path, strerror(errno));
	while ((len = getline(&line, &cap, fp)) != -1) {
		integ_eod_add(&eod, line, (size_t)len);
		for (p = line; isspace((unsigned char)*p); p++)
			;
		end = p + strlen(p);
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*p == '\0')
			continue;
		if (integ_trailer_parse(p, strlen(p), &code, NULL)) {
			*up = integ_xstrdup(p);
			break;
		}
		*urls = integ_xreallocarray(*urls, *n + 1, sizeof(**urls));
		(*urls)[(*n)++] = integ_xstrdup(p);
	}
	free(line);
	if (ferror(fp)) {
		if (fp != stdin)
			fclose(fp);
		return integ_errf(e, INTEG_EXIT_NOINPUT, "--urls-from %s: %s",
		    path, strerror(errno));
	}
	*whole = integ_eod_seen(&eod) || integ_eod_whole(fileno(fp));
	if (!*whole)
		integ_log(INTEG_LOG_INFO, "--urls-from %s: no end-of-data "
		    "line: the output will have none either", path);
	if (fp != stdin)
		fclose(fp);
	return 0;
}

/*
 * A bad URL: on the command line, a usage error; read from --urls-from,
 * malformed input (with a trailer, as the list often comes down a pipe).
 */
static int
bad_url(const struct integ_fetch_opts *o, size_t i)
{
	return i < o->nurls ? INTEG_EXIT_USAGE : INTEG_EXIT_DATA;
}

/* --window: one request a window, on the one URL. */
static int
windows(const struct integ_fetch_opts *o, struct out *w,
    const struct integ_request *tmpl, const char *url,
    struct integ_request ***rqs, size_t *n, struct integ_err *e)
{
	size_t i;
	int rc;

	*rqs = NULL;
	*n = 0;
	if (o->nurls + (o->urls_from != NULL) != 1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--window: one URL, "
		    "not --urls-from");
	if ((rc = integ_window_plan(&o->window, &w->win, &w->nwin, e)) != 0 ||
	    (rc = integ_http_trust(w->h, url, e)) != 0)
		return rc;
	*rqs = integ_xcalloc(w->nwin ? w->nwin : 1, sizeof(**rqs));
	for (i = 0; i < w->nwin; i++) {
		integ_window_request(tmpl, &o->window, &w->win[i], &(*rqs)[i]);
		integ_log(INTEG_LOG_INFO, "window %zu: %s to %s", i + 1,
		    w->win[i].start_text, w->win[i].end_text);
	}
	*n = w->nwin;
	return 0;
}

/*
 * The start of the first window goes out before any page: downstream, it
 * says the input comes in windows (integ_emit_mark).
 */
static int
first_mark(struct out *w, struct integ_err *e)
{
	struct integ_window first;
	char v[48];

	if (w->nwin == 0)
		return 0;
	first = w->win[0];
	first.end = first.start;
	strlcpy(first.end_text, first.start_text, sizeof(first.end_text));
	integ_window_mark_value(&first, w->o->window.format, v);
	return integ_window_mark_write(w->fp, v) == -1 ? write_error(w, e) : 0;
}

/* A rotated refresh token: into --oauth-token-file, readable by us alone. */
static int
keep_token(void *arg, const char *token, struct integ_err *e)
{
	const char *path = arg;
	struct integ_buf b;
	int rc;

	if (path == NULL) {
		integ_log(INTEG_LOG_WARN, "the OAuth 2 token endpoint rotated "
		    "the refresh token; without --oauth-token-file the new "
		    "one is not kept");
		return 0;
	}
	integ_buf_init(&b, 0);
	integ_buf_printf(&b, "%s\n", token);
	rc = integ_atomic_write_mode(path, b.data, b.len, 0600, e);
	explicit_bzero(b.data, b.len);
	integ_buf_free(&b);
	if (rc != 0)
		return integ_err_wrap(e, rc, "--oauth-token-file: the rotated "
		    "refresh token could not be kept");
	return 0;
}

/*
 * --oauth-*: the secrets from ${VAR} or @FILE, the refresh token from
 * --oauth-token-file when it exists (it holds the newest one).
 */
static int
oauth(const struct integ_fetch_opts *o, struct integ_http *h,
    struct integ_oauth2 **out, struct integ_err *e)
{
	struct integ_oauth2_opts ao = o->oauth;
	char *secret = NULL, *refresh = NULL, *id = NULL, *file;
	int rc = 0;

	if (o->oauth_token_file != NULL &&
	    access(o->oauth_token_file, F_OK) == 0) {
		integ_xasprintf(&file, "@%s", o->oauth_token_file);
		rc = integ_oauth2_secret_arg("--oauth-token-file", file,
		    &refresh, e);
		free(file);
	} else if (o->oauth.refresh_token != NULL) {
		rc = integ_oauth2_secret_arg("--oauth-refresh-token",
		    o->oauth.refresh_token, &refresh, e);
	} else if (o->oauth_token_file != NULL) {
		rc = integ_errf(e, INTEG_EXIT_NOINPUT, "--oauth-token-file "
		    "%s: %s, and no --oauth-refresh-token", o->oauth_token_file,
		    strerror(ENOENT));
	}
	if (rc == 0 && o->oauth.client_secret != NULL)
		rc = integ_oauth2_secret_arg("--oauth-client-secret",
		    o->oauth.client_secret, &secret, e);
	if (rc == 0 && o->oauth.client_id != NULL)
		rc = integ_env_expand(o->oauth.client_id, &id, NULL, e);
	if (rc == 0) {
		ao.client_id = id;
		ao.client_secret = secret;
		ao.refresh_token = refresh;
		ao.rotated = keep_token;
		ao.rotated_arg = (void *)o->oauth_token_file;
		if ((rc = integ_oauth2_new(&ao, out, e)) == 0)
			integ_oauth2_attach(*out, h);
	}
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	if (refresh != NULL)
		explicit_bzero(refresh, strlen(refresh));
	free(secret);
	free(refresh);
	free(id);
	return rc;
}

static int
run(const struct integ_fetch_opts *o, struct out *w, char **up, int *whole,
    struct integ_err *e)
{
	struct integ_oauth2 *oa = NULL;
	struct integ_request *tmpl = NULL, **rqs = NULL;
	struct integ_pager_opts popts;
	struct integ_pager *pg = NULL;
	char **urls = NULL;
	size_t i, n = 0, nurls = 0;
	int rc;

	for (i = 0; i < o->nurls; i++) {
		urls = integ_xreallocarray(urls, n + 1, sizeof(*urls));
		urls[n++] = integ_xstrdup(o->urls[i]);
	}
	if (o->urls_from != NULL &&
	    (rc = read_urls(o->urls_from, &urls, &n, up, whole, e)) != 0)
		goto out;
	/* an empty --urls-from list is nothing to do (a fan-out of none) */
	nurls = n;
	if (n == 0) {
		rc = o->urls_from != NULL ? 0 :
		    integ_errf(e, INTEG_EXIT_USAGE, "no URL to fetch");
		goto out;
	}
	/* -H and -q once, on a template every request copies */
	if ((rc = integ_request_new(urls[0], &tmpl, e)) != 0) {
		rc = e->code = bad_url(o, 0);
		goto out;
	}
	for (i = 0; i < o->nheaders; i++)
		if ((rc = integ_request_header_arg(tmpl, o->headers[i], e)) != 0)
			goto out;
	for (i = 0; i < o->nqueries; i++)
		if ((rc = integ_request_query_arg(tmpl, o->queries[i], e)) != 0)
			goto out;
	if (o->data != NULL &&
	    (rc = integ_request_body_arg(tmpl, o->data, e)) != 0)
		goto out;
	integ_request_method(tmpl, o->method);
	integ_request_graphql(tmpl, o->graphql);
	if ((rc = integ_http_new(&o->http, &w->h, e)) != 0)
		goto out;
	if (o->oauth.token_url != NULL && (rc = oauth(o, w->h, &oa, e)) != 0)
		goto out;
	if (o->window.start_param != NULL) {
		rc = windows(o, w, tmpl, urls[0], &rqs, &n, e);
		goto paginate;
	}
	rqs = integ_xcalloc(n, sizeof(*rqs));
	for (i = 0; i < n; i++) {
		rqs[i] = integ_request_dup(tmpl);
		if ((rc = integ_request_set_url(rqs[i], urls[i], e)) != 0) {
			rc = e->code = bad_url(o, i);
			goto out;
		}
		if ((rc = integ_http_trust(w->h, urls[i], e)) != 0)
			goto out;
	}
paginate:
	popts = o->pager;
	popts.job_ends = w->win != NULL;
	if (rc != 0 || (rc = integ_pager_new(&popts, &pg, e)) != 0)
		goto out;
	if (w->win != NULL && (rc = first_mark(w, e)) != 0)
		goto out;
	w->t0 = integ_time_now();
	rc = integ_paginate(w->h, pg, rqs, n, on_page, w, e);
	/* the last window's end, once its last page is out */
	if (rc == 0 && w->win != NULL)
		rc = marks_before(w, w->nwin, e);
	if (w->pages > 0 || rc == 0)
		progress(w, 1);
out:
	/* no request after this: the client's authorizer goes with it */
	if (w->h != NULL)
		integ_http_set_auth(w->h, NULL, NULL);
	integ_oauth2_free(oa);
	integ_pager_free(pg);
	for (i = 0; rqs != NULL && i < n; i++)
		integ_request_free(rqs[i]);
	free(rqs);
	integ_request_free(tmpl);
	for (i = 0; i < nurls; i++)
		free(urls[i]);
	free(urls);
	free(w->win);
	return rc;
}

int
integ_fetch_run(const struct integ_fetch_opts *o, FILE *fp,
    struct integ_err *e)
{
	struct integ_fetch_opts oo = *o;
	struct integ_eod_out *eo;
	struct out w;
	char *up = NULL;
	int rc, code, whole = 1, wio;

	memset(&w, 0, sizeof(w));
	if (fflush(fp) != 0 || (eo = integ_eod_out_new(fileno(fp))) == NULL)
		return integ_errf(e, INTEG_EXIT_IO, "write error: %s",
		    strerror(errno));
	w.fp = integ_eod_out_fp(eo);
	w.o = o;
	w.records = -1;
	w.total = -1;
	integ_buf_init(&w.meta, o->http.max_body * 2 + 65536);
	w.progress = !o->silent && !o->verbose && isatty(STDERR_FILENO);
	if (o->verbose)
		integ_log_set_level(INTEG_LOG_DEBUG);
	if (oo.http.stream != NULL)
		oo.http.stream = w.fp;
	w.o = &oo;
	rc = run(&oo, &w, &up, &whole, e);
	/* a newest-first reader must not take this end for the data's */
	if (rc == 0 && w.cut) {
		integ_log(INTEG_LOG_WARN, "the output is cut at --max-pages %lld "
		    "(the API has more pages): no end-of-data line, so an "
		    "unsorted stream's bookmark will not move", o->pager.max_pages);
		whole = 0;
	}
	integ_http_free(w.h);
	integ_buf_free(&w.meta);
	/* a trailer on a line of its own, after a cut --stream body too */
	if (rc == 0 && up != NULL) {
		/* an upstream failure: passed on as it came, e->msg empty */
		integ_trailer_parse(up, strlen(up), &code, NULL);
		e->code = rc = code;
		e->msg[0] = '\0';
		integ_eod_out_newline(eo);
		fprintf(w.fp, "%s\n", up);
	} else if (rc != 0 && rc != INTEG_EXIT_USAGE) {
		integ_eod_out_newline(eo);
		integ_trailer_write(w.fp, rc, e->msg);
	}
	wio = integ_eod_out_end(eo, rc == 0 && whole &&
	    integ_eod_wanted(fileno(fp)));
	integ_eod_out_free(eo);
	if (wio != 0 && rc == 0)
		rc = integ_errf(e, INTEG_EXIT_IO, "write error: stdout: %s",
		    strerror(errno));
	free(up);
	return rc;
}
