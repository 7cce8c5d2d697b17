/*
 * fetch.c: integ-fetch as a library call. Builds the requests (URLs from
 * the command line and --urls-from, -H and -q with ${VAR} expanded),
 * runs integ_paginate, and writes each complete body followed by a
 * newline (or its --meta wrapping); a progress line on a terminal; the
 * failure trailer as the last line when anything fails.
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
	double now = integ_now(), dt;

	if (!w->progress || (!final && now - w->last < 0.2))
		return;
	w->last = now;
	integ_http_stats(w->h, &st);
	dt = now - w->t0 > 0.001 ? now - w->t0 : 0.001;
	fprintf(stderr, "\r%s: %lu pages, %.1f MB", integ_progname(), w->pages,
	    (double)st.bytes / 1e6);
	if (w->records >= 0)
		fprintf(stderr, ", %.0f records/s", (double)w->records / dt);
	fprintf(stderr, ", %lu retries\033[K%s", st.retries, final ? "\n" : "");
	fflush(stderr);
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
		if (integ_mark_write(w->fp, v) == -1)
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
		masked = integ_maskn(w->meta.data, w->meta.len);
		fputs(masked, w->fp);
		free(masked);
	} else if (rs->body.len > 0) {
		fwrite(rs->body.data, 1, rs->body.len, w->fp);
	}
	putc('\n', w->fp);
	if (ferror(w->fp))
		return write_error(w, e);
	w->pages++;
	if (pg->records >= 0)
		w->records = (w->records < 0 ? 0 : w->records) + pg->records;
	progress(w, 0);
	return 0;
}

/*
 * The URLs of --urls-from: one a line, blank lines skipped. An upstream
 * "integ-error:" line ends the list: it is kept in *up, to be passed on
 * after the URLs before it are fetched.
 */
static int
read_urls(const char *path, char ***urls, size_t *n, char **up,
    struct integ_err *e)
{
	FILE *fp;
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
	if ((rc = integ_windows_plan(&o->window, &w->win, &w->nwin, e)) != 0 ||
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
	return integ_mark_write(w->fp, v) == -1 ? write_error(w, e) : 0;
}

static int
run(const struct integ_fetch_opts *o, struct out *w, char **up,
    struct integ_err *e)
{
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
	    (rc = read_urls(o->urls_from, &urls, &n, up, e)) != 0)
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
	w->t0 = integ_now();
	rc = integ_paginate(w->h, pg, rqs, n, on_page, w, e);
	/* the last window's end, once its last page is out */
	if (rc == 0 && w->win != NULL)
		rc = marks_before(w, w->nwin, e);
	if (w->pages > 0 || rc == 0)
		progress(w, 1);
out:
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
	struct out w;
	char *up = NULL;
	int rc, code;

	memset(&w, 0, sizeof(w));
	w.fp = fp;
	w.o = o;
	w.records = -1;
	integ_buf_init(&w.meta, o->http.max_body * 2 + 65536);
	w.progress = !o->silent && !o->verbose && isatty(STDERR_FILENO);
	if (o->verbose)
		integ_log_set_level(INTEG_LOG_INFO);
	if (oo.http.stream != NULL)
		oo.http.stream = fp;
	w.o = &oo;
	rc = run(&oo, &w, &up, e);
	integ_http_free(w.h);
	integ_buf_free(&w.meta);
	if (rc == 0 && up != NULL) {
		/* an upstream failure: passed on as it came, e->msg empty */
		integ_trailer_parse(up, strlen(up), &code, NULL);
		e->code = rc = code;
		e->msg[0] = '\0';
		fprintf(fp, "%s\n", up);
		fflush(fp);
	} else if (rc != 0 && rc != INTEG_EXIT_USAGE)
		integ_trailer_write(fp, rc, e->msg);
	free(up);
	return rc;
}
