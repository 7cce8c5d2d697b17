/*
 * request.c: requests, response headers, ${VAR} expansion.
 *
 * A request is a URL plus headers and query parameters; each header or
 * query value remembers whether it held a secret, so that it can be left
 * out of a request to an origin the user did not name (integ_http_get
 * builds the request actually sent, with integ_request_prepare).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integ.h"
#include "http_int.h"

void
integ_response_init(struct integ_response *rs, size_t max_body)
{
	memset(rs, 0, sizeof(*rs));
	integ_buf_init(&rs->body, max_body);
}

static void
free_headers(struct integ_response *rs)
{
	size_t i;

	for (i = 0; i < rs->nhdrs; i++) {
		free(rs->hdrs[i].name);
		free(rs->hdrs[i].value);
	}
	free(rs->hdrs);
	rs->hdrs = NULL;
	rs->nhdrs = 0;
}

void
integ_response_reset(struct integ_response *rs)
{
	free_headers(rs);
	free(rs->url);
	rs->url = NULL;
	rs->status = 0;
	rs->http_version = 0;
	rs->streamed = 0;
	integ_buf_reset(&rs->body);
}

void
integ_response_free(struct integ_response *rs)
{
	if (rs == NULL)
		return;
	integ_response_reset(rs);
	integ_buf_free(&rs->body);
}

int
integ_response_add_header(struct integ_response *rs, const char *name,
    size_t nlen, const char *value, size_t vlen)
{
	struct integ_header *h;

	if (rs->nhdrs >= 1000)
		return -1;
	rs->hdrs = integ_xreallocarray(rs->hdrs, rs->nhdrs + 1,
	    sizeof(*rs->hdrs));
	h = &rs->hdrs[rs->nhdrs++];
	h->name = integ_xstrndup(name, nlen);
	h->value = integ_xstrndup(value, vlen);
	return 0;
}

const char *
integ_response_header(const struct integ_response *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nhdrs; i++)
		if (strcasecmp(rs->hdrs[i].name, name) == 0)
			return rs->hdrs[i].value;
	return NULL;
}

/* ---- requests ---- */

static void
kv_free(struct integ_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].name);
		if (kv[i].value != NULL) {
			explicit_bzero(kv[i].value, strlen(kv[i].value));
			free(kv[i].value);
		}
	}
	free(kv);
}

static struct integ_kv *
kv_dup(const struct integ_kv *kv, size_t n)
{
	struct integ_kv *d;
	size_t i;

	if (n == 0)
		return NULL;
	d = integ_xcalloc(n, sizeof(*d));
	for (i = 0; i < n; i++) {
		d[i].name = integ_xstrdup(kv[i].name);
		d[i].value = integ_xstrdup(kv[i].value);
		d[i].secret = kv[i].secret;
	}
	return d;
}

/* Rebuild the full URL: the base URL with every query parameter set. */
static void
rebuild(struct integ_request *rq, int with_secrets)
{
	char *u, *n;
	size_t i;

	u = integ_xstrdup(rq->url);
	for (i = 0; i < rq->nqry; i++) {
		if (rq->qry[i].secret && !with_secrets)
			continue;
		if (integ_url_query_set(u, rq->qry[i].name, rq->qry[i].value,
		    &n, NULL) == 0) {
			free(u);
			u = n;
		}
	}
	free(rq->full);
	rq->full = u;
}

int
integ_request_new(const char *url, struct integ_request **out,
    struct integ_err *e)
{
	struct integ_request *rq;
	char *u;
	int rc;

	*out = NULL;
	/* a URL the user gave: a bad one is a usage error */
	if ((rc = integ_url_resolve(NULL, url, &u, e)) != 0) {
		if (e != NULL)
			e->code = INTEG_EXIT_USAGE;
		return INTEG_EXIT_USAGE;
	}
	rq = integ_xcalloc(1, sizeof(*rq));
	rq->url = u;
	rq->retries = -1;
	rebuild(rq, 1);
	*out = rq;
	return 0;
}

void
integ_request_set_body(struct integ_request *rq, const char *method,
    const char *body, size_t len, int secret)
{
	integ_request_body_clear(rq);
	rq->method = integ_xstrdup(method != NULL ? method : "POST");
	integ_request_body(rq, body, len, secret);
}

struct integ_request *
integ_request_dup(const struct integ_request *rq)
{
	struct integ_request *d;

	d = integ_xcalloc(1, sizeof(*d));
	d->url = integ_xstrdup(rq->url);
	d->full = integ_xstrdup(rq->full);
	d->hdr = kv_dup(rq->hdr, rq->nhdr);
	d->nhdr = rq->nhdr;
	d->qry = kv_dup(rq->qry, rq->nqry);
	d->nqry = rq->nqry;
	integ_request_body_copy(d, rq, 1);
	d->rate = rq->rate;
	d->retries = rq->retries;
	return d;
}

void
integ_request_rate(struct integ_request *rq, struct integ_rate *r)
{
	if (rq != NULL)
		rq->rate = r;
}

void
integ_request_retries(struct integ_request *rq, int n)
{
	if (rq != NULL)
		rq->retries = n;
}

void
integ_request_free(struct integ_request *rq)
{
	if (rq == NULL)
		return;
	free(rq->url);
	free(rq->full);
	kv_free(rq->hdr, rq->nhdr);
	kv_free(rq->qry, rq->nqry);
	integ_request_body_clear(rq);
	free(rq);
}

int
integ_request_set_url(struct integ_request *rq, const char *url,
    struct integ_err *e)
{
	char *u;
	int rc;

	if ((rc = integ_url_resolve(NULL, url, &u, e)) != 0)
		return rc;
	free(rq->url);
	rq->url = u;
	rebuild(rq, 1);
	return 0;
}

/* Drop every query parameter (a followed link is taken as given). */
void
integ_request_clear_query(struct integ_request *rq)
{
	kv_free(rq->qry, rq->nqry);
	rq->qry = NULL;
	rq->nqry = 0;
	rebuild(rq, 1);
}

const char *
integ_request_url(const struct integ_request *rq)
{
	return rq->url;
}

const char *
integ_request_full_url(const struct integ_request *rq)
{
	return rq->full;
}

static int
always_secret(const char *name)
{
	return strcasecmp(name, "Authorization") == 0 ||
	    strcasecmp(name, "Proxy-Authorization") == 0 ||
	    strcasecmp(name, "Cookie") == 0;
}

static void
register_secret(const char *name, const char *value)
{
	const char *sp;

	integ_secret_add(value);
	/* "Bearer TOKEN": the token alone is the secret part */
	if (name != NULL && always_secret(name) &&
	    (sp = strchr(value, ' ')) != NULL) {
		while (*sp == ' ')
			sp++;
		if (strlen(sp) >= 4)
			integ_secret_add(sp);
	}
}

static void
kv_set(struct integ_kv **kv, size_t *n, const char *name, const char *value,
    int secret, int icase)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if ((icase ? strcasecmp((*kv)[i].name, name) :
		    strcmp((*kv)[i].name, name)) == 0) {
			free((*kv)[i].value);
			(*kv)[i].value = integ_xstrdup(value);
			(*kv)[i].secret = secret;
			return;
		}
	}
	*kv = integ_xreallocarray(*kv, *n + 1, sizeof(**kv));
	(*kv)[*n].name = integ_xstrdup(name);
	(*kv)[*n].value = integ_xstrdup(value);
	(*kv)[*n].secret = secret;
	(*n)++;
}

void
integ_request_header(struct integ_request *rq, const char *name,
    const char *value, int secret)
{
	if (rq == NULL || value == NULL)
		return;
	if (always_secret(name))
		secret = 1;
	if (secret)
		register_secret(name, value);
	kv_set(&rq->hdr, &rq->nhdr, name, value, secret, 1);
}

void
integ_request_query(struct integ_request *rq, const char *name,
    const char *value, int secret)
{
	if (rq == NULL || value == NULL)
		return;
	if (secret)
		register_secret(NULL, value);
	kv_set(&rq->qry, &rq->nqry, name, value, secret, 0);
	rebuild(rq, 1);
}

size_t
integ_request_nheaders(const struct integ_request *rq)
{
	return rq->nhdr;
}

const char *
integ_request_header_name(const struct integ_request *rq, size_t i)
{
	return i < rq->nhdr ? rq->hdr[i].name : NULL;
}

const char *
integ_request_header_value(const struct integ_request *rq, size_t i)
{
	return i < rq->nhdr ? rq->hdr[i].value : NULL;
}

/*
 * The request as sent to url (NULL: the request's own URL): only the
 * secret-free headers and parameters unless the origin is trusted.
 */
struct integ_request *
integ_request_prepare(const struct integ_request *rq, const char *url,
    int trusted)
{
	struct integ_request *p;
	size_t i;

	p = integ_xcalloc(1, sizeof(*p));
	if (url == NULL) {
		struct integ_request tmp = *rq;

		tmp.full = NULL;
		rebuild(&tmp, trusted);
		p->url = tmp.full;
	} else {
		p->url = integ_xstrdup(url);
	}
	p->full = integ_xstrdup(p->url);
	for (i = 0; i < rq->nhdr; i++)
		if (trusted || !rq->hdr[i].secret)
			kv_set(&p->hdr, &p->nhdr, rq->hdr[i].name,
			    rq->hdr[i].value, rq->hdr[i].secret, 1);
	integ_request_body_copy(p, rq, trusted);
	return p;
}

int
integ_request_header_arg(struct integ_request *rq, const char *arg,
    struct integ_err *e)
{
	const char *colon, *v;
	char *name, *val, esc[300];
	int rc, secret;

	colon = strchr(arg, ':');
	if (colon == NULL || colon == arg) {
		integ_secret_escape(esc, sizeof(esc), arg, strlen(arg));
		return integ_errf(e, INTEG_EXIT_USAGE,
		    "-H %s: expected 'Name: value'", esc);
	}
	name = integ_xstrndup(arg, (size_t)(colon - arg));
	if (name[strcspn(name, " \t\r\n")] != '\0') {
		free(name);
		integ_secret_escape(esc, sizeof(esc), arg, strlen(arg));
		return integ_errf(e, INTEG_EXIT_USAGE,
		    "-H %s: bad header name", esc);
	}
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if ((rc = integ_env_expand(v, &val, &secret, e)) != 0) {
		free(name);
		return rc;
	}
	if (strpbrk(val, "\r\n") != NULL) {
		free(name);
		free(val);
		return integ_errf(e, INTEG_EXIT_USAGE,
		    "-H: a header value may not hold a line break");
	}
	integ_request_header(rq, name, val, secret);
	free(name);
	explicit_bzero(val, strlen(val));
	free(val);
	return 0;
}

int
integ_request_query_arg(struct integ_request *rq, const char *arg,
    struct integ_err *e)
{
	const char *eq;
	char *name, *val, esc[300];
	int rc, secret;

	if ((eq = strchr(arg, '=')) == NULL || eq == arg) {
		integ_secret_escape(esc, sizeof(esc), arg, strlen(arg));
		return integ_errf(e, INTEG_EXIT_USAGE,
		    "-q %s: expected name=value", esc);
	}
	if ((rc = integ_env_expand(eq + 1, &val, &secret, e)) != 0)
		return rc;
	name = integ_xstrndup(arg, (size_t)(eq - arg));
	integ_request_query(rq, name, val, secret);
	free(name);
	explicit_bzero(val, strlen(val));
	free(val);
	return 0;
}
