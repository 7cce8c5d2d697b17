/*
 * body.c: request bodies (POST, PUT with a JSON body), a cursor set at a
 * path of the body, and GraphQL's errors in a 200 answer.
 *
 * APIs that page through a request body (GraphQL above all) take the
 * cursor inside the body: {"query":...,"variables":{"after":"Y3Vy"}}. The
 * body is rebuilt from the one the user gave, with only the value at the
 * path replaced; every other byte stays as it was.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integ.h"
#include "http_int.h"

/* A body read from a file is bounded like a page. */
#define BODY_MAX	((size_t)16 << 20)
/* Steps of a body path: variables.after is two. */
#define PATH_MAX_STEPS	32

/* The body alone (the method stays). */
static void
body_drop(struct integ_request *rq)
{
	if (rq->body != NULL) {
		explicit_bzero(rq->body, rq->bodylen);
		free(rq->body);
	}
	rq->body = NULL;
	rq->bodylen = 0;
	rq->body_secret = 0;
}

void
integ_request_method(struct integ_request *rq, const char *method)
{
	if (rq == NULL)
		return;
	free(rq->method);
	rq->method = method != NULL ? integ_xstrdup(method) : NULL;
}

const char *
integ_request_method_name(const struct integ_request *rq)
{
	if (rq->method != NULL)
		return rq->method;
	return rq->body != NULL ? "POST" : "GET";
}

void
integ_request_body(struct integ_request *rq, const char *body, size_t len,
    int secret)
{
	if (rq == NULL)
		return;
	body_drop(rq);
	if (body == NULL)
		return;
	rq->body = integ_xmalloc(len + 1);
	memcpy(rq->body, body, len);
	rq->body[len] = '\0';
	rq->bodylen = len;
	rq->body_secret = secret;
}

const char *
integ_request_body_data(const struct integ_request *rq, size_t *len)
{
	*len = rq->bodylen;
	return rq->body;
}

void
integ_request_graphql(struct integ_request *rq, int on)
{
	if (rq != NULL)
		rq->graphql = on;
}

void
integ_request_body_clear(struct integ_request *rq)
{
	body_drop(rq);
	free(rq->method);
	rq->method = NULL;
}

void
integ_request_body_copy(struct integ_request *d, const struct integ_request *s,
    int trusted)
{
	d->method = s->method != NULL ? integ_xstrdup(s->method) : NULL;
	d->graphql = s->graphql;
	if (s->body != NULL && (trusted || !s->body_secret)) {
		integ_request_body(d, s->body, s->bodylen, s->body_secret);
	} else if (s->body != NULL && d->method == NULL) {
		/* a POST it stays, without what it may not carry there */
		d->method = integ_xstrdup("POST");
	}
}

int
integ_request_body_arg(struct integ_request *rq, const char *arg,
    struct integ_err *e)
{
	struct integ_buf b;
	struct integ_json_span v;
	struct integ_err xe;
	char *text = NULL;
	int rc, secret = 0;

	integ_buf_init(&b, 0);
	if (arg[0] == '@') {
		if ((rc = integ_file_read(arg + 1, BODY_MAX, &b, e)) != 0)
			return integ_err_wrap(e, rc, "--data");
		rc = integ_env_expand(b.data ? b.data : "", &text, &secret, e);
		integ_buf_free(&b);
	} else
		rc = integ_env_expand(arg, &text, &secret, e);
	if (rc != 0)
		return integ_err_wrap(e, rc, "--data");
	if (integ_json_validate(text, strlen(text), &v, &xe) != 0) {
		explicit_bzero(text, strlen(text));
		free(text);
		return integ_errf(e, INTEG_EXIT_DATA, "--data: not one JSON "
		    "text: %s", xe.msg);
	}
	integ_request_body(rq, v.p, v.len, secret);
	explicit_bzero(text, strlen(text));
	free(text);
	return 0;
}

/* ---- a value set at a path ---- */

/* Split "variables.after" (a leading dot allowed) into names. */
static int
split_path(const char *path, char **names, size_t *n, struct integ_err *e)
{
	const char *p = path, *q;

	*n = 0;
	if (*p == '.')
		p++;
	for (;;) {
		q = p + strcspn(p, ".[]\"\\ ");
		if (q == p || (*q != '.' && *q != '\0') ||
		    *n == PATH_MAX_STEPS) {
			while (*n > 0)
				free(names[--*n]);
			return integ_errf(e, INTEG_EXIT_USAGE, "%s: a body path "
			    "is member names joined by dots (variables.after)",
			    path);
		}
		names[(*n)++] = integ_xstrndup(p, (size_t)(q - p));
		if (*q == '\0')
			return 0;
		p = q + 1;
	}
}

static int
set_at(struct integ_json_span doc, int have, char **names, size_t n,
    struct integ_json_span value, struct integ_buf *out, struct integ_err *e)
{
	struct integ_json_iter it;
	struct integ_json_span k, v, none = { NULL, 0 };
	int done = 0, first = 1, rc;

	if (n == 0)
		return integ_buf_add(out, value.p, value.len) == -1 ?
		    integ_errf(e, INTEG_EXIT_DATA, "the body is too large") : 0;
	if (have && integ_json_type(doc) != INTEG_JSON_OBJECT &&
	    integ_json_type(doc) != INTEG_JSON_NULL)
		return integ_errf(e, INTEG_EXIT_DATA, "the body holds %s where "
		    "%s should be in an object",
		    integ_json_type_name(integ_json_type(doc)), names[0]);
	integ_buf_addc(out, '{');
	if (have && integ_json_type(doc) == INTEG_JSON_OBJECT) {
		integ_json_iter_init(&it, doc);
		while (integ_json_iter_next(&it, &k, &v)) {
			if (integ_json_str_eq(k, names[0], strlen(names[0]))) {
				if (done)
					continue;	/* the last one is jq's */
				done = 1;
			}
			if (!first)
				integ_buf_addc(out, ',');
			first = 0;
			integ_buf_add(out, k.p, k.len);
			integ_buf_addc(out, ':');
			if (!integ_json_str_eq(k, names[0], strlen(names[0]))) {
				if (integ_buf_add(out, v.p, v.len) == -1)
					return integ_errf(e, INTEG_EXIT_DATA,
					    "the body is too large");
			} else if ((rc = set_at(v, 1, names + 1, n - 1, value,
			    out, e)) != 0)
				return rc;
		}
	}
	if (!done) {
		if (!first)
			integ_buf_addc(out, ',');
		integ_json_str_encode(out, names[0], strlen(names[0]));
		integ_buf_addc(out, ':');
		if ((rc = set_at(none, 0, names + 1, n - 1, value, out, e)) != 0)
			return rc;
	}
	return integ_buf_addc(out, '}') == -1 ?
	    integ_errf(e, INTEG_EXIT_DATA, "the body is too large") : 0;
}

int
integ_request_json_set(struct integ_json_span doc, const char *path,
    struct integ_json_span value, struct integ_buf *out, struct integ_err *e)
{
	char *names[PATH_MAX_STEPS];
	size_t n, i;
	int rc;

	if ((rc = split_path(path, names, &n, e)) != 0)
		return rc;
	if (integ_json_type(doc) != INTEG_JSON_OBJECT)
		rc = integ_errf(e, INTEG_EXIT_DATA, "the body is not a JSON "
		    "object");
	else
		rc = set_at(doc, 1, names, n, value, out, e);
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

int
integ_request_body_set(struct integ_request *rq, const char *path,
    struct integ_json_span value, struct integ_err *e)
{
	struct integ_json_span doc;
	struct integ_buf b;
	int rc;

	doc.p = rq->body != NULL ? rq->body : "{}";
	doc.len = rq->body != NULL ? rq->bodylen : 2;
	integ_buf_init(&b, BODY_MAX);
	if ((rc = integ_request_json_set(doc, path, value, &b, e)) == 0)
		integ_request_body(rq, b.data, b.len, rq->body_secret);
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	integ_buf_free(&b);
	return rc;
}

/* ---- GraphQL errors ---- */

static int
has_text(struct integ_json_span s, const char *word, struct integ_buf *tmp)
{
	const char *p;
	size_t n = strlen(word);

	integ_buf_reset(tmp);
	if (integ_json_type(s) != INTEG_JSON_STRING ||
	    integ_json_str_decode(s, tmp) == -1 || tmp->data == NULL)
		return 0;
	for (p = tmp->data; *p != '\0'; p++)
		if (strncasecmp(p, word, n) == 0)
			return 1;
	return 0;
}

/* Does one error of GraphQL's errors array say it is a rate limit? */
static int
rate_limited(struct integ_json_span err, struct integ_buf *tmp)
{
	struct integ_json_span v, ext;

	if (integ_json_member(err, "type", &v) &&
	    (has_text(v, "RATE_LIMITED", tmp) || has_text(v, "THROTTLED", tmp)))
		return 1;
	if (integ_json_member(err, "extensions", &ext) &&
	    integ_json_member(ext, "code", &v) &&
	    (has_text(v, "RATE_LIMITED", tmp) || has_text(v, "THROTTLED", tmp)))
		return 1;
	return integ_json_member(err, "message", &v) &&
	    has_text(v, "rate limit", tmp);
}

int
integ_request_graphql_check(const struct integ_response *rs,
    struct integ_err *e)
{
	struct integ_json_span doc, errs, err, msg;
	struct integ_json_iter it;
	struct integ_buf tmp;
	struct integ_err xe;
	char esc[300], m[400];
	size_t n;
	int limited = 0;

	if (rs->body.len == 0 || integ_json_validate(rs->body.data,
	    rs->body.len, &doc, &xe) != 0 ||
	    integ_json_type(doc) != INTEG_JSON_OBJECT ||
	    !integ_json_member(doc, "errors", &errs) ||
	    integ_json_type(errs) != INTEG_JSON_ARRAY ||
	    (n = integ_json_count(errs)) == 0)
		return 0;
	integ_buf_init(&tmp, 1 << 16);
	m[0] = '\0';
	integ_json_iter_init(&it, errs);
	while (integ_json_iter_next(&it, NULL, &err)) {
		if (rate_limited(err, &tmp))
			limited = 1;
		if (m[0] == '\0' && integ_json_member(err, "message", &msg)) {
			integ_buf_reset(&tmp);
			if (integ_json_str_decode(msg, &tmp) == 0 && tmp.data)
				integ_secret_escape(m, sizeof(m), tmp.data,
				    tmp.len);
			else
				integ_secret_escape(m, sizeof(m), msg.p,
				    msg.len);
		}
	}
	integ_buf_free(&tmp);
	if (m[0] == '\0')
		integ_secret_escape(m, sizeof(m), errs.p, errs.len);
	integ_secret_escape(esc, sizeof(esc), rs->url ? rs->url : "",
	    rs->url ? strlen(rs->url) : 0);
	return integ_errf(e, limited ? INTEG_EXIT_TEMPFAIL : INTEG_EXIT_REFUSED,
	    "POST %s: %ld with GraphQL %s%s: %s", esc, rs->status,
	    n == 1 ? "error" : "errors", limited ? " (rate limited)" : "", m);
}
