/*
 * manifest.c: a connector from a YAML or JSON manifest (integ-manifest(5)).
 * The manifest becomes the same table of streams a C connector declares,
 * each run by manifest_run(); integ_source_main() does the rest, so a manifest
 * source and a C connector answer the same command lines the same way.
 *
 * Every key is checked here as man/integ-manifest.schema.json checks it:
 * an unknown key, a missing one or one of the wrong kind is a mistake,
 * "FILE:LINE: KEY: expected WHAT", exit 78.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "manifest_int.h"

#define SCHEMA_MAX	((size_t)4 << 20)

#define K(k)		(1u << (k))
#define K_SCALAR	(K(MN_STR) | K(MN_NUM) | K(MN_BOOL))

struct loader {
	struct integ_manifest *m;
	struct integ_err *e;
	struct integ_json_span props;	/* the spec's properties */
};

static int
bad(struct loader *ld, const struct mnode *n, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
bad(struct loader *ld, const struct mnode *n, const char *where,
    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return integ_errf(ld->e, INTEG_EXIT_CONFIG, "%s:%lu: %s: %s",
	    ld->m->file, n != NULL ? n->line : 1, *where ? where : "(top)",
	    what);
}

/* "streams[2]" + "paging" */
static const char *
sub(char *buf, size_t size, const char *where, const char *key)
{
	if (where == NULL || *where == '\0')
		snprintf(buf, size, "%s", key);
	else
		snprintf(buf, size, "%s.%s", where, key);
	return buf;
}

/* A map whose keys are all in the list. */
static int
want_map(struct loader *ld, const struct mnode *n, const char *where,
    const char *const *keys)
{
	char w[256];
	size_t i, j;

	if (n->kind != MN_MAP)
		return bad(ld, n, where, "expected a map, not %s",
		    mnode_kind_name(n->kind));
	for (i = 0; keys != NULL && i < n->n; i++) {
		for (j = 0; keys[j] != NULL; j++)
			if (strcmp(n->kids[i]->key, keys[j]) == 0)
				break;
		if (keys[j] == NULL)
			return bad(ld, n->kids[i], sub(w, sizeof(w), where,
			    n->kids[i]->key), "unknown key");
	}
	return 0;
}

/* A member of one of the kinds, or NULL when absent and not required. */
static int
member(struct loader *ld, const struct mnode *map, const char *where,
    const char *key, unsigned kinds, int required, const struct mnode **out)
{
	const struct mnode *n = mnode_get(map, key);
	char w[256];

	*out = NULL;
	sub(w, sizeof(w), where, key);
	if (n == NULL) {
		if (required)
			return bad(ld, map, w, "required, missing");
		return 0;
	}
	if ((K(n->kind) & kinds) == 0) {
		const char *want = kinds == K(MN_STR) ? "a string" :
		    kinds == K(MN_MAP) ? "a map" : kinds == K(MN_SEQ) ? "a list" :
		    kinds == K(MN_BOOL) ? "true or false" :
		    kinds == (K(MN_NUM) | K(MN_STR)) ? "a number or a template" :
		    kinds == (K(MN_MAP) | K(MN_STR)) ? "a map or a file name" :
		    kinds == (K(MN_SEQ) | K(MN_STR)) ? "a string or a list" :
		    "a string, number or boolean";

		return bad(ld, n, w, "expected %s, not %s", want,
		    mnode_kind_name(n->kind));
	}
	*out = n;
	return 0;
}

static int
str(struct loader *ld, const struct mnode *map, const char *where,
    const char *key, int required, const char **out)
{
	const struct mnode *n;
	char w[256];
	int code;

	*out = NULL;
	if ((code = member(ld, map, where, key, K(MN_STR), required, &n)) != 0)
		return code;
	if (n != NULL && n->text[0] == '\0')
		return bad(ld, n, sub(w, sizeof(w), where, key),
		    "expected a string, not an empty one");
	*out = n != NULL ? n->text : NULL;
	return 0;
}

/* One of the words; *out its index, or dflt when absent. */
static int
word(struct loader *ld, const struct mnode *map, const char *where,
    const char *key, const char *const *words, int dflt, int *out)
{
	const char *s;
	char w[256], list[256] = "";
	int i, code;

	*out = dflt;
	if ((code = str(ld, map, where, key, dflt < 0, &s)) != 0 || s == NULL)
		return code;
	for (i = 0; words[i] != NULL; i++) {
		if (strcmp(s, words[i]) == 0) {
			*out = i;
			return 0;
		}
		strlcat(list, i > 0 ? ", " : "", sizeof(list));
		strlcat(list, words[i], sizeof(list));
	}
	return bad(ld, mnode_get(map, key), sub(w, sizeof(w), where, key),
	    "expected one of %s, not \"%.100s\"", list, s);
}

/* ---- templates ---- */

/* Whether a key is a stream's path (or the default one). */
static int
stream_path(const char *where)
{
	size_t n = strlen(where);

	return strcmp(where, "defaults.path") == 0 ||
	    (n > 6 && strcmp(where + n - 6, "].path") == 0 &&
	    strncmp(where, "streams[", 8) == 0);
}

void
tmpl_free(struct tmpl *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->parts[i].s);
		integ_path_free(t->parts[i].path);
	}
	free(t->parts);
	free(t->raw);
	if (t->alt != NULL) {
		tmpl_free(t->alt);
		free(t->alt);
	}
	memset(t, 0, sizeof(*t));
}

static void
tmpl_add(struct tmpl *t, enum tpart_kind k, const char *s, size_t n)
{
	t->parts = integ_xreallocarray(t->parts, t->n + 1, sizeof(*t->parts));
	t->parts[t->n].kind = k;
	t->parts[t->n].s = integ_xstrndup(s, n);
	t->parts[t->n].path = NULL;
	t->parts[t->n].segs = 0;
	t->n++;
}

int
tmpl_parse(const char *s, int json, struct tmpl *t, struct integ_err *e)
{
	static const char *const ns[] = { "config.", "env.", "parent." };
	const char *p = s, *open, *close, *a, *b, *c, *f;
	size_t i, n;

	memset(t, 0, sizeof(*t));
	t->json = json;
	t->raw = integ_xstrdup(s);
	while ((open = strstr(p, "{{")) != NULL) {
		if (open > p)
			tmpl_add(t, TP_TEXT, p, (size_t)(open - p));
		if ((close = strstr(open + 2, "}}")) == NULL)
			return integ_errf(e, INTEG_EXIT_CONFIG, "expected }} "
			    "after {{");
		for (a = open + 2; *a == ' '; a++)
			;
		for (b = close; b > a && b[-1] == ' '; b--)
			;
		/* one filter: | path */
		if ((f = memchr(a, '|', (size_t)(b - a))) != NULL) {
			for (c = f + 1; c < b && *c == ' '; c++)
				;
			if (b - c != 4 || strncmp(c, "path", 4) != 0)
				return integ_errf(e, INTEG_EXIT_CONFIG, "expected "
				    "the filter | path, not |%.*s",
				    (int)(b - f - 1), f + 1);
			for (b = f; b > a && b[-1] == ' '; b--)
				;
		}
		for (i = 0; i < 3; i++) {
			n = strlen(ns[i]);
			if ((size_t)(b - a) > n && strncmp(a, ns[i], n) == 0)
				break;
		}
		if (i == 3)
			return integ_errf(e, INTEG_EXIT_CONFIG, "expected "
			    "{{ config.NAME }}, {{ env.NAME }} or "
			    "{{ parent.PATH }}, not {{%.*s}}",
			    (int)(close - open - 2), open + 2);
		tmpl_add(t, TP_CONFIG + (enum tpart_kind)i, a + n,
		    (size_t)(b - a) - n);
		t->parts[t->n - 1].segs = f != NULL;
		if (i == 2 && integ_path_compile(t->parts[t->n - 1].s,
		    &t->parts[t->n - 1].path, e) != 0)
			return integ_err_wrap(e, INTEG_EXIT_CONFIG, "parent");
		p = close + 2;
	}
	if (*p != '\0' || t->n == 0)
		tmpl_add(t, TP_TEXT, p, strlen(p));
	return 0;
}

const struct tpart *
tmpl_only_parent(const struct tmpl *t)
{
	return t->n == 1 && t->parts[0].kind == TP_PARENT ? &t->parts[0] :
	    NULL;
}

const char *
tmpl_only_config(const struct tmpl *t)
{
	return t->n == 1 && t->parts[0].kind == TP_CONFIG ? t->parts[0].s :
	    NULL;
}

/*
 * A template from a scalar: config names must be the spec's, parent
 * paths only where there is a parent, | path only in a path.
 */
static int
tmpl(struct loader *ld, const struct mnode *n, const char *where,
    int parent, struct tmpl *t)
{
	struct integ_json_span v;
	struct integ_err e;
	size_t i;

	if (tmpl_parse(n->text, n->kind != MN_STR, t, &e) != 0)
		return bad(ld, n, where, "%s", e.msg);
	for (i = 0; i < t->n; i++) {
		if (t->parts[i].kind == TP_CONFIG &&
		    !integ_json_member(ld->props, t->parts[i].s, &v))
			return bad(ld, n, where, "expected a field of the spec's "
			    "properties, not config.%.100s", t->parts[i].s);
		if (t->parts[i].kind == TP_PARENT && !parent)
			return bad(ld, n, where, "{{ parent.%.100s }} in a "
			    "stream without a parent", t->parts[i].s);
		if (t->parts[i].segs && !stream_path(where))
			return bad(ld, n, where, "| path in a stream's path "
			    "only");
	}
	return 0;
}

static int
tmpl_member(struct loader *ld, const struct mnode *map, const char *where,
    const char *key, unsigned kinds, int parent, struct tmpl *t)
{
	const struct mnode *n;
	char w[256];
	int code;

	if ((code = member(ld, map, where, key, kinds, 0, &n)) != 0 ||
	    n == NULL)
		return code;
	return tmpl(ld, n, sub(w, sizeof(w), where, key), parent, t);
}

/* A map of names to scalar templates (headers, params, add_fields). */
static int
kvs(struct loader *ld, const struct mnode *map, const char *where,
    const char *key, int parent, struct mkv **out, size_t *nout)
{
	const struct mnode *n;
	char w[256], w2[512];
	size_t i;
	int code;

	*out = NULL;
	*nout = 0;
	if ((code = member(ld, map, where, key, K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	sub(w, sizeof(w), where, key);
	*out = integ_xcalloc(n->n ? n->n : 1, sizeof(**out));
	for (i = 0; i < n->n; i++) {
		const struct mnode *kid = n->kids[i];

		sub(w2, sizeof(w2), w, kid->key);
		if ((K(kid->kind) & K_SCALAR) == 0)
			return bad(ld, kid, w2, "expected a string, number or "
			    "boolean, not %s", mnode_kind_name(kid->kind));
		(*out)[i].name = kid->key;
		(*nout)++;
		if ((code = tmpl(ld, kid, w2, parent, &(*out)[i].t)) != 0)
			return code;
	}
	return 0;
}

static void
kvs_free(struct mkv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmpl_free(&kv[i].t);
	free(kv);
}

/* ---- the parts ---- */

static int
spec(struct loader *ld, const struct mnode *root)
{
	const struct mnode *n;
	struct integ_json_span v;
	struct integ_buf b;
	struct integ_err e;
	int code;

	if ((code = member(ld, root, "", "spec", K(MN_MAP), 1, &n)) != 0)
		return code;
	integ_buf_init(&b, 0);
	mnode_json(n, &b);
	ld->m->spec = integ_buf_take(&b);
	if (integ_json_validate(ld->m->spec, strlen(ld->m->spec), &v, &e) != 0)
		return bad(ld, n, "spec", "%s", e.msg);
	if (!integ_json_member(v, "properties", &ld->props))
		ld->props = (struct integ_json_span){ "{}", 2 };
	else if (integ_json_type(ld->props) != INTEG_JSON_OBJECT)
		return bad(ld, mnode_get(n, "properties"), "spec.properties",
		    "expected a map");
	return 0;
}

/*
 * auth: oauth2 (integ_ctx_oauth2). The refresh token is a config field
 * alone: a rotated one is kept there, as a C connector keeps it.
 */
static int
oauth2(struct loader *ld, const struct mnode *n)
{
	static const char *const grants[] = { "refresh_token",
	    "client_credentials", NULL };
	static const char *const clauth[] = { "body", "basic", NULL };
	struct integ_manifest *m = ld->m;
	const struct mnode *v, *sc;
	struct mnode joined;
	struct integ_buf b;
	size_t i;
	int code, grant;

	if ((code = word(ld, n, "auth", "grant", grants, 0, &grant)) != 0 ||
	    (code = word(ld, n, "auth", "client_auth", clauth, 0,
	    &m->oa_basic)) != 0 ||
	    (code = tmpl_member(ld, n, "auth", "token_url", K(MN_STR), 0,
	    &m->oa_url)) != 0 ||
	    (code = tmpl_member(ld, n, "auth", "client_id", K(MN_STR), 0,
	    &m->oa_id)) != 0 ||
	    (code = tmpl_member(ld, n, "auth", "client_secret", K(MN_STR), 0,
	    &m->oa_secret)) != 0)
		return code;
	if (m->oa_url.n == 0)
		return bad(ld, n, "auth.token_url", "required, missing");
	if (m->oa_id.n == 0)
		return bad(ld, n, "auth.client_id", "required, missing");
	v = mnode_get(n, "refresh_token");
	if (grant == 1 && v != NULL)
		return bad(ld, v, "auth.refresh_token", "expected none with "
		    "grant client_credentials");
	if (grant == 0) {
		if (v == NULL)
			return bad(ld, n, "auth.refresh_token", "required, "
			    "missing (grant refresh_token)");
		if ((code = tmpl(ld, v, "auth.refresh_token", 0,
		    &m->oa_rt)) != 0)
			return code;
		if (tmpl_only_config(&m->oa_rt) == NULL)
			return bad(ld, v, "auth.refresh_token", "expected "
			    "{{ config.NAME }} alone: a rotated refresh token "
			    "is kept in that config field");
	}
	/* scopes: a list (joined with spaces) or one string */
	if ((code = member(ld, n, "auth", "scopes", K(MN_STR) | K(MN_SEQ), 0,
	    &sc)) != 0 || sc == NULL)
		return code;
	integ_buf_init(&b, 0);
	integ_buf_adds(&b, sc->kind == MN_STR ? sc->text : "");
	for (i = 0; sc->kind == MN_SEQ && i < sc->n; i++) {
		if (sc->kids[i]->kind != MN_STR || sc->kids[i]->text[0] == '\0') {
			integ_buf_free(&b);
			return bad(ld, sc->kids[i], "auth.scopes", "expected "
			    "scope names");
		}
		if (i > 0)
			integ_buf_addc(&b, ' ');
		integ_buf_adds(&b, sc->kids[i]->text);
	}
	joined = *sc;
	joined.kind = MN_STR;
	joined.text = b.data != NULL ? b.data : (char *)"";
	code = tmpl(ld, &joined, "auth.scopes", 0, &m->oa_scope);
	integ_buf_free(&b);
	return code;
}

static int
auth(struct loader *ld, const struct mnode *root)
{
	static const char *const keys[] = { "type", "token", "header",
	    "param", "value", "username", "password", "refused", "token_url",
	    "grant", "client_id", "client_secret", "refresh_token",
	    "client_auth", "scopes", NULL };
	static const char *const types[] = { "none", "bearer", "api_key",
	    "basic", "oauth2", NULL };
	struct integ_manifest *m = ld->m;
	const struct mnode *n, *v;
	const char *hdr, *param;
	size_t i;
	int code, type;

	if ((code = member(ld, root, "", "auth", K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	if ((code = want_map(ld, n, "auth", keys)) != 0)
		return code;
	/* every key's kind, whatever the type uses (scopes may be a list) */
	for (type = 1; keys[type] != NULL; type++)
		if (strcmp(keys[type], "scopes") != 0 &&
		    (code = member(ld, n, "auth", keys[type], K(MN_STR), 0,
		    &v)) != 0)
			return code;
	if ((code = word(ld, n, "auth", "type", types, -1, &type)) != 0 ||
	    (code = str(ld, n, "auth", "refused", 0, &m->auth_refused)) != 0)
		return code;
	/* the keys from token_url on are oauth2's alone */
	for (i = 8; type != 4 && keys[i] != NULL; i++)
		if ((v = mnode_get(n, keys[i])) != NULL)
			return bad(ld, v, "auth", "%s: only with type oauth2",
			    keys[i]);
	switch (type) {
	case 1:
		m->auth = AUTH_BEARER;
		if ((code = tmpl_member(ld, n, "auth", "token", K(MN_STR), 0,
		    &m->auth_a)) != 0)
			return code;
		if (m->auth_a.n == 0)
			return bad(ld, n, "auth.token", "required, missing");
		return 0;
	case 2:
		if ((code = str(ld, n, "auth", "header", 0, &hdr)) != 0 ||
		    (code = str(ld, n, "auth", "param", 0, &param)) != 0)
			return code;
		if ((hdr == NULL) == (param == NULL))
			return bad(ld, n, "auth", "expected header or param "
			    "(one of them)");
		m->auth = hdr != NULL ? AUTH_HEADER : AUTH_QUERY;
		m->auth_name = hdr != NULL ? hdr : param;
		if ((code = tmpl_member(ld, n, "auth", "value", K(MN_STR), 0,
		    &m->auth_a)) != 0)
			return code;
		if (m->auth_a.n == 0)
			return bad(ld, n, "auth.value", "required, missing");
		return 0;
	case 3:
		m->auth = AUTH_BASIC;
		if ((code = tmpl_member(ld, n, "auth", "username", K(MN_STR), 0,
		    &m->auth_a)) != 0 ||
		    (code = tmpl_member(ld, n, "auth", "password", K(MN_STR), 0,
		    &m->auth_b)) != 0)
			return code;
		if (m->auth_a.n == 0)
			return bad(ld, n, "auth.username", "required, missing");
		return 0;
	case 4:
		m->auth = AUTH_OAUTH2;
		return oauth2(ld, n);
	}
	return 0;
}

/*
 * http.rate ("N/s" or "N/m": requests a second) and http.retries of a
 * map; what is absent is left as it is.
 */
static int
rate_retries(struct loader *ld, const struct mnode *n, const char *where,
    double *rate, int *retries)
{
	const struct mnode *v;
	const char *errstr;
	char w[256], *end;
	double d;
	int code;

	if ((code = member(ld, n, where, "rate", K(MN_STR), 0, &v)) != 0)
		return code;
	if (v != NULL) {
		d = strtod(v->text, &end);
		if (end == v->text || d <= 0 ||
		    strspn(v->text, "0123456789.") != (size_t)(end - v->text) ||
		    (strcmp(end, "/s") != 0 &&
		    strcmp(end, "/m") != 0))
			return bad(ld, v, sub(w, sizeof(w), where, "rate"),
			    "expected N/s or N/m, not \"%.50s\"", v->text);
		*rate = end[1] == 'm' ? d / 60 : d;
	}
	if ((code = member(ld, n, where, "retries", K(MN_NUM), 0, &v)) != 0)
		return code;
	if (v != NULL) {
		*retries = (int)strtonum(v->text, 0, 100, &errstr);
		if (errstr != NULL)
			return bad(ld, v, sub(w, sizeof(w), where, "retries"),
			    "expected 0 to 100");
	}
	return 0;
}

static int
http(struct loader *ld, const struct mnode *root)
{
	static const char *const keys[] = { "rate", "retries", "timeout",
	    "max_time", "call_limit", NULL };
	static const char *const ckeys[] = { "header", "leak",
	    "leak_per_second", NULL };
	struct integ_manifest *m = ld->m;
	const struct mnode *n, *v;
	const char *hdr;
	double share = 0, per_second = 0;
	int code;

	integ_http_opts_init(&m->http);
	if ((code = member(ld, root, "", "http", K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	if ((code = want_map(ld, n, "http", keys)) != 0)
		return code;
	m->has_http = 1;
	m->src.http = &m->http;
	if ((code = rate_retries(ld, n, "http", &m->http.rate,
	    &m->http.retries)) != 0)
		return code;
	if ((code = member(ld, n, "http", "timeout", K(MN_NUM), 0, &v)) != 0)
		return code;
	if (v != NULL && (m->http.stall_timeout = strtod(v->text, NULL)) <= 0)
		return bad(ld, v, "http.timeout", "expected seconds, more than 0");
	if ((code = member(ld, n, "http", "max_time", K(MN_NUM), 0, &v)) != 0)
		return code;
	if (v != NULL && (m->http.max_time = strtod(v->text, NULL)) <= 0)
		return bad(ld, v, "http.max_time", "expected seconds, more "
		    "than 0");
	if ((code = member(ld, n, "http", "call_limit", K(MN_MAP), 0,
	    &n)) != 0 || n == NULL)
		return code;
	if ((code = want_map(ld, n, "http.call_limit", ckeys)) != 0 ||
	    (code = str(ld, n, "http.call_limit", "header", 1, &hdr)) != 0)
		return code;
	if ((code = member(ld, n, "http.call_limit", "leak", K(MN_NUM), 0,
	    &v)) != 0)
		return code;
	if (v != NULL && ((share = strtod(v->text, NULL)) <= 0 || share > 1))
		return bad(ld, v, "http.call_limit.leak", "expected a share "
		    "of the size, more than 0, at most 1");
	if ((code = member(ld, n, "http.call_limit", "leak_per_second",
	    K(MN_NUM), 0, &v)) != 0)
		return code;
	if (v != NULL && (per_second = strtod(v->text, NULL)) <= 0)
		return bad(ld, v, "http.call_limit.leak_per_second", "expected "
		    "calls a second, more than 0");
	if ((share > 0) == (per_second > 0))
		return bad(ld, n, "http.call_limit", "expected leak or "
		    "leak_per_second (one of them)");
	m->bucket = integ_bucket_new(hdr, share, per_second);
	return 0;
}

/* A stream's key: its own, else the defaults'. */
static const struct mnode *
skey(const struct mnode *s, const struct mnode *defaults, const char *key)
{
	const struct mnode *n = mnode_get(s, key);

	return n != NULL ? n : mnode_get(defaults, key);
}

/* The map a stream key is read from: the stream, or the defaults. */
static const struct mnode *
sfrom(const struct mnode *s, const struct mnode *defaults, const char *key,
    const char *where, const char **w)
{
	if (mnode_get(s, key) != NULL || defaults == NULL ||
	    mnode_get(defaults, key) == NULL) {
		*w = where;
		return s;
	}
	*w = "defaults";
	return defaults;
}

/*
 * paging body_cursor: the cursor goes into the request body at body_path
 * (integ-fetch --body-cursor BODYPATH=PATH), not into a query parameter.
 */
static int
body_path(struct loader *ld, const struct mnode *n, const char *where,
    int body, struct integ_pager_opts *o)
{
	const struct mnode *v = mnode_get(n, "param");
	struct integ_json_span none = { "null", 4 }, doc = { "{}", 2 };
	struct integ_buf b;
	struct integ_err e;
	const char *bp;
	char w[512];
	int code;

	if (!body) {
		if ((v = mnode_get(n, "body_path")) != NULL)
			return bad(ld, v, sub(w, sizeof(w), where, "body_path"),
			    "only with type body_cursor");
		return 0;
	}
	if (v != NULL)
		return bad(ld, v, sub(w, sizeof(w), where, "param"), "expected "
		    "body_path with type body_cursor, not param");
	if ((code = str(ld, n, where, "body_path", 1, &bp)) != 0)
		return code;
	/* a path integ_request_body_set takes: names joined by dots */
	integ_buf_init(&b, 0);
	code = integ_request_json_set(doc, bp, none, &b, &e);
	integ_buf_free(&b);
	if (code != 0)
		return bad(ld, mnode_get(n, "body_path"), sub(w, sizeof(w),
		    where, "body_path"), "expected member names joined by "
		    "dots (variables.after), not \"%.100s\"", bp);
	o->param = bp;
	return 0;
}

static int
paging(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const struct mnode *defaults, const char *where)
{
	static const char *const keys[] = { "type", "path", "param", "start",
	    "has_more", "limit_param", "limit", "total", "body_path", NULL };
	static const char *const types[] = { "none", "next", "link",
	    "cursor", "offset", "page", "body_cursor", NULL };
	struct integ_pager_opts *o = &ms->pager;
	const struct mnode *map, *n;
	const char *w0;
	char w[256];
	int code, type;

	map = sfrom(s, defaults, "paging", where, &w0);
	o->json = 1;
	if ((code = member(ld, map, w0, "paging", K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	sub(w, sizeof(w), w0, "paging");
	if ((code = want_map(ld, n, w, keys)) != 0 ||
	    (code = word(ld, n, w, "type", types, -1, &type)) != 0)
		return code;
	o->mode = (enum integ_page_mode)type;
	if ((code = str(ld, n, w, "path", type == INTEG_PAGE_NEXT ||
	    type == INTEG_PAGE_CURSOR || type == INTEG_PAGE_BODY,
	    &o->path)) != 0 ||
	    (code = str(ld, n, w, "param", type >= INTEG_PAGE_CURSOR &&
	    type <= INTEG_PAGE_NUMBER, &o->param)) != 0 ||
	    (code = body_path(ld, n, w, type == INTEG_PAGE_BODY, o)) != 0 ||
	    (code = str(ld, n, w, "has_more", 0, &o->has_more)) != 0 ||
	    (code = str(ld, n, w, "limit_param", 0, &o->limit_param)) != 0 ||
	    (code = str(ld, n, w, "total", 0, &o->total)) != 0 ||
	    (code = tmpl_member(ld, n, w, "limit", K(MN_NUM) | K(MN_STR), 0,
	    &ms->limit)) != 0 ||
	    (code = tmpl_member(ld, n, w, "start", K(MN_NUM) | K(MN_STR), 0,
	    &ms->start)) != 0)
		return code;
	if ((o->limit_param != NULL) != (ms->limit.n > 0))
		return bad(ld, n, w, "expected limit_param and limit together");
	return 0;
}

static int
incremental(struct loader *ld, struct integ_stream *st, struct mstream *ms,
    const struct mnode *s, const struct mnode *defaults, const char *where)
{
	static const char *const keys[] = { "cursor_field", "param",
	    "format", "start", "order", "state_every_page", NULL };
	static const char *const formats[] = { "rfc3339", "date", "epoch",
	    NULL };
	static const char *const orders[] = { "ascending", "descending",
	    "unsorted", NULL };
	const struct mnode *map, *n, *v;
	const char *w0;
	char w[256];
	int code, order;

	map = sfrom(s, defaults, "incremental", where, &w0);
	if ((code = member(ld, map, w0, "incremental", K(MN_MAP), 0,
	    &n)) != 0 || n == NULL)
		return code;
	sub(w, sizeof(w), w0, "incremental");
	if ((code = want_map(ld, n, w, keys)) != 0 ||
	    (code = str(ld, n, w, "cursor_field", 1, &st->cursor)) != 0 ||
	    (code = str(ld, n, w, "param", 0, &ms->inc_param)) != 0 ||
	    (code = word(ld, n, w, "format", formats, FMT_RFC3339,
	    &ms->inc_format)) != 0 ||
	    (code = word(ld, n, w, "order", orders, ORDER_ASC, &order)) != 0 ||
	    (code = tmpl_member(ld, n, w, "start", K(MN_STR), 0,
	    &ms->inc_start)) != 0 ||
	    (code = member(ld, n, w, "state_every_page", K(MN_BOOL), 0,
	    &v)) != 0)
		return code;
	/* newest first or unsorted: the bookmark moves at the end only */
	st->sorted = order == ORDER_ASC;
	if (v != NULL && order != ORDER_ASC)
		return bad(ld, v, w, "state_every_page: only where the order "
		    "is ascending");
	if (v != NULL && strcmp(v->text, "false") == 0)
		st->sorted = 0;
	return 0;
}

static int
schema(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const char *where)
{
	const struct mnode *n;
	struct integ_json_span v;
	struct integ_buf b;
	struct integ_err e;
	char w[256], *path;
	int code;

	if ((code = member(ld, s, where, "schema", K(MN_MAP) | K(MN_STR), 0,
	    &n)) != 0 || n == NULL)
		return code;
	sub(w, sizeof(w), where, "schema");
	/* inferred from a first page at discover (a file: ./infer) */
	if (n->kind == MN_STR && strcmp(n->text, "infer") == 0)
		return 0;
	if (n->kind == MN_MAP) {
		integ_buf_init(&b, 0);
		mnode_json(n, &b);
		ms->schema = integ_buf_take(&b);
	} else {
		/* a file beside the manifest */
		if (n->text[0] == '/')
			path = integ_xstrdup(n->text);
		else
			integ_xasprintf(&path, "%s/%s", ld->m->dir, n->text);
		code = integ_file_read(path, SCHEMA_MAX, &b, &e);
		free(path);
		if (code != 0)
			return bad(ld, n, w, "%s", e.msg);
		ms->schema = integ_buf_take(&b);
		if (ms->schema == NULL)
			ms->schema = integ_xstrdup("");
	}
	if (integ_json_validate(ms->schema, strlen(ms->schema), &v, &e) != 0)
		return bad(ld, n, w, "%s", e.msg);
	if (integ_json_type(v) != INTEG_JSON_OBJECT)
		return bad(ld, n, w, "expected a JSON Schema object");
	return 0;
}

/*
 * A stream's own http: rate and retries. Its rate is a budget on top of
 * the source's, so it may not promise more than the source allows.
 */
static int
stream_http(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const struct mnode *defaults, const char *where)
{
	static const char *const keys[] = { "rate", "retries", NULL };
	const struct mnode *map, *n;
	const char *w0;
	char w[256], wr[300];
	double rate = 0;
	int code;

	ms->retries = -1;
	map = sfrom(s, defaults, "http", where, &w0);
	if ((code = member(ld, map, w0, "http", K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	sub(w, sizeof(w), w0, "http");
	if ((code = want_map(ld, n, w, keys)) != 0 ||
	    (code = rate_retries(ld, n, w, &rate, &ms->retries)) != 0)
		return code;
	if (rate > 0 && ld->m->http.rate > 0 && rate > ld->m->http.rate)
		return bad(ld, mnode_get(n, "rate"), sub(wr, sizeof(wr), w,
		    "rate"), "expected at most the source's http.rate");
	if (rate > 0)
		ms->rate = integ_http_rate_new(rate);
	return 0;
}

static int
steps(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const struct mnode *defaults, const char *where)
{
	const struct mnode *map, *n;
	const char *w0;
	char w[256];
	size_t i;
	int code;

	map = sfrom(s, defaults, "add_fields", where, &w0);
	if ((code = kvs(ld, map, w0, "add_fields", ms->parent != NULL,
	    &ms->add, &ms->nadd)) != 0)
		return code;
	map = sfrom(s, defaults, "remove_fields", where, &w0);
	if ((code = member(ld, map, w0, "remove_fields", K(MN_SEQ), 0,
	    &n)) != 0 || n == NULL)
		return code;
	sub(w, sizeof(w), w0, "remove_fields");
	ms->remove = integ_xcalloc(n->n ? n->n : 1, sizeof(*ms->remove));
	for (i = 0; i < n->n; i++) {
		if (n->kids[i]->kind != MN_STR || n->kids[i]->text[0] == '\0')
			return bad(ld, n->kids[i], w, "expected field names");
		ms->remove[ms->nremove++] = n->kids[i]->text;
	}
	return 0;
}

/* The templates of a body's strings, depth first (render walks alike). */
static int
body_tmpls(struct loader *ld, struct mstream *ms, const struct mnode *n,
    const char *where)
{
	size_t i;
	int code;

	if (n->kind == MN_STR) {
		ms->body_t = integ_xreallocarray(ms->body_t, ms->nbody_t + 1,
		    sizeof(*ms->body_t));
		return tmpl(ld, n, where, ms->parent != NULL,
		    &ms->body_t[ms->nbody_t++]);
	}
	for (i = 0; i < n->n; i++)
		if ((code = body_tmpls(ld, ms, n->kids[i], where)) != 0)
			return code;
	return 0;
}

/*
 * method, body and graphql: a JSON object in the manifest, or a file
 * beside it (YAML or JSON, read as the manifest is), its strings
 * templates.
 */
static int
request_body(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const struct mnode *defaults, const char *where)
{
	static const char *const methods[] = { "GET", "POST", "PUT", NULL };
	const struct mnode *map, *n;
	const char *w0;
	char w[256], *path;
	int code, method;

	map = sfrom(s, defaults, "method", where, &w0);
	if ((code = word(ld, map, w0, "method", methods, 0, &method)) != 0)
		return code;
	ms->method = method > 0 ? methods[method] : NULL;
	map = sfrom(s, defaults, "graphql", where, &w0);
	if ((code = member(ld, map, w0, "graphql", K(MN_BOOL), 0, &n)) != 0)
		return code;
	ms->graphql = n != NULL && strcmp(n->text, "true") == 0;
	if ((code = member(ld, s, where, "body", K(MN_MAP) | K(MN_STR), 0,
	    &n)) != 0)
		return code;
	sub(w, sizeof(w), where, "body");
	if (n != NULL && n->kind == MN_STR) {
		if (n->text[0] == '/')
			path = integ_xstrdup(n->text);
		else
			integ_xasprintf(&path, "%s/%s", ld->m->dir, n->text);
		code = mnode_load(path, &ms->body_file, ld->e);
		free(path);
		if (code != 0)
			return integ_err_wrap(ld->e, INTEG_EXIT_CONFIG,
			    "%s:%lu: %s", ld->m->file, n->line, w);
		if (ms->body_file->kind != MN_MAP)
			return bad(ld, n, w, "expected a file of a JSON "
			    "object, not %s",
			    mnode_kind_name(ms->body_file->kind));
		ms->body = ms->body_file;
	} else
		ms->body = n;
	if (ms->body != NULL && method == 0 && mnode_get(s, "method") != NULL)
		return bad(ld, mnode_get(s, "method"), sub(w, sizeof(w), where,
		    "method"), "expected POST or PUT with a body, not GET");
	if (ms->body == NULL && ms->graphql)
		return bad(ld, s, sub(w, sizeof(w), where, "graphql"),
		    "expected a body (the query) with it");
	if (ms->body == NULL && ms->pager.mode == INTEG_PAGE_BODY)
		return bad(ld, s, sub(w, sizeof(w), where, "paging"),
		    "body_cursor: expected a body to put the cursor in");
	if (ms->body == NULL)
		return 0;
	if (ms->body->kind == MN_MAP && ms->method == NULL)
		ms->method = "POST";
	return body_tmpls(ld, ms, ms->body, w);
}

/* windows: the stream read in date windows (integ_ctx_windows). */
static int
windows(struct loader *ld, struct mstream *ms, const struct mnode *s,
    const char *where)
{
	static const char *const keys[] = { "start_param", "end_param",
	    "step", "lookback", "format", "from", "to", "parallel", NULL };
	struct integ_window_opts *o = &ms->win;
	struct integ_duration d;
	enum integ_time_format f;
	const struct mnode *n, *v;
	const char *fmt;
	char w[256], w2[512];
	int code;

	if ((code = member(ld, s, where, "windows", K(MN_MAP), 0, &n)) != 0 ||
	    n == NULL)
		return code;
	sub(w, sizeof(w), where, "windows");
	if ((code = want_map(ld, n, w, keys)) != 0 ||
	    (code = str(ld, n, w, "start_param", 1, &o->start_param)) != 0 ||
	    (code = str(ld, n, w, "end_param", 1, &o->end_param)) != 0 ||
	    (code = str(ld, n, w, "step", 1, &o->step)) != 0 ||
	    (code = str(ld, n, w, "lookback", 0, &o->lookback)) != 0 ||
	    (code = str(ld, n, w, "format", 0, &fmt)) != 0 ||
	    (code = tmpl_member(ld, n, w, "from", K(MN_STR), 0,
	    &ms->win_from)) != 0 ||
	    (code = tmpl_member(ld, n, w, "to", K(MN_STR), 0,
	    &ms->win_to)) != 0 ||
	    (code = member(ld, n, w, "parallel", K(MN_NUM), 0, &v)) != 0)
		return code;
	if (integ_time_duration_parse(o->step, &d) != 0)
		return bad(ld, mnode_get(n, "step"), sub(w2, sizeof(w2), w,
		    "step"), "expected an ISO 8601 duration (P7D, PT6H), not "
		    "\"%.40s\"", o->step);
	if (o->lookback != NULL &&
	    integ_time_duration_parse(o->lookback, &d) != 0)
		return bad(ld, mnode_get(n, "lookback"), sub(w2, sizeof(w2), w,
		    "lookback"), "expected an ISO 8601 duration (PT1H), not "
		    "\"%.40s\"", o->lookback);
	if (fmt != NULL && integ_time_format_parse(fmt, &f) != 0)
		return bad(ld, mnode_get(n, "format"), sub(w2, sizeof(w2), w,
		    "format"), "expected one of rfc3339, date, epoch, epoch-ms, "
		    "not \"%.40s\"", fmt);
	o->format = fmt != NULL ? f : INTEG_TIME_RFC3339;
	if (v != NULL && ((ms->win_parallel = strtoll(v->text, NULL, 10)) < 1 ||
	    ms->win_parallel > 64 || strspn(v->text, "0123456789") !=
	    strlen(v->text)))
		return bad(ld, v, sub(w2, sizeof(w2), w, "parallel"), "expected "
		    "windows at once, 1 to 64");
	if (ms->parent != NULL)
		return bad(ld, n, w, "expected a stream without a parent");
	if (ms->inc_param != NULL)
		return bad(ld, n, w, "expected no incremental.param with it "
		    "(the windows' parameters carry the bookmark)");
	return 0;
}

static int
stream(struct loader *ld, size_t idx, const struct mnode *s,
    const struct mnode *defaults)
{
	static const char *const keys[] = { "name", "path", "method",
	    "params", "headers", "records", "primary_key", "schema", "paging",
	    "max_pages", "concurrency", "incremental", "parent", "add_fields",
	    "remove_fields", "body", "graphql", "windows", "http", NULL };
	struct integ_manifest *m = ld->m;
	struct integ_stream *st = &m->streams[idx];
	struct mstream *ms = &m->ms[idx];
	const struct mnode *map;
	const char *w0, *pname;
	char where[64], w[256];
	size_t i;
	int code;

	snprintf(where, sizeof(where), "streams[%zu]", idx);
	if ((code = want_map(ld, s, where, keys)) != 0 ||
	    (code = str(ld, s, where, "name", 1, &st->name)) != 0)
		return code;
	ms->name = st->name;
	for (i = 0; i < idx; i++)
		if (strcmp(m->streams[i].name, st->name) == 0)
			return bad(ld, mnode_get(s, "name"), where, "name: "
			    "\"%.100s\" again", st->name);
	st->run = manifest_run;
	/* the parent first: a child's templates may name it */
	if ((code = str(ld, s, where, "parent", 0, &pname)) != 0)
		return code;
	if (pname != NULL) {
		for (i = 0; i < idx; i++)
			if (strcmp(m->streams[i].name, pname) == 0)
				break;
		if (i == idx)
			return bad(ld, mnode_get(s, "parent"), sub(w, sizeof(w),
			    where, "parent"), "expected the name of a stream "
			    "listed before this one, not \"%.100s\"", pname);
		if (m->ms[i].parent != NULL)
			return bad(ld, mnode_get(s, "parent"), sub(w, sizeof(w),
			    where, "parent"), "expected a stream without a "
			    "parent of its own");
		ms->parent = &m->ms[i];
	}
	if (skey(s, defaults, "path") == NULL)
		return bad(ld, s, sub(w, sizeof(w), where, "path"),
		    "required, missing");
	map = sfrom(s, defaults, "path", where, &w0);
	if ((code = tmpl_member(ld, map, w0, "path", K(MN_STR), pname != NULL,
	    &ms->path)) != 0)
		return code;
	map = sfrom(s, defaults, "params", where, &w0);
	if ((code = kvs(ld, map, w0, "params", pname != NULL, &ms->params,
	    &ms->nparams)) != 0)
		return code;
	map = sfrom(s, defaults, "headers", where, &w0);
	if ((code = kvs(ld, map, w0, "headers", pname != NULL, &ms->headers,
	    &ms->nheaders)) != 0)
		return code;
	map = sfrom(s, defaults, "records", where, &w0);
	if ((code = str(ld, map, w0, "records", 0, &ms->records)) != 0)
		return code;
	if (ms->records == NULL)
		ms->records = ".";
	map = sfrom(s, defaults, "primary_key", where, &w0);
	if ((code = str(ld, map, w0, "primary_key", 0, &st->key)) != 0)
		return code;
	map = sfrom(s, defaults, "max_pages", where, &w0);
	if ((code = tmpl_member(ld, map, w0, "max_pages", K(MN_NUM) | K(MN_STR),
	    0, &ms->max_pages)) != 0)
		return code;
	map = sfrom(s, defaults, "concurrency", where, &w0);
	if ((code = tmpl_member(ld, map, w0, "concurrency",
	    K(MN_NUM) | K(MN_STR), 0, &ms->concurrency)) != 0)
		return code;
	if ((code = schema(ld, ms, s, where)) != 0)
		return code;
	st->schema = ms->schema;
	/* a schema key that left no schema: "infer" */
	st->infer = ms->schema == NULL && mnode_get(s, "schema") != NULL;
	if ((code = paging(ld, ms, s, defaults, where)) != 0 ||
	    (code = request_body(ld, ms, s, defaults, where)) != 0 ||
	    (code = incremental(ld, st, ms, s, defaults, where)) != 0 ||
	    (code = windows(ld, ms, s, where)) != 0 ||
	    (code = steps(ld, ms, s, defaults, where)) != 0 ||
	    (code = stream_http(ld, ms, s, defaults, where)) != 0)
		return code;
	/* in windows, the STATEs are at the windows' ends, not every page */
	if (ms->win.start_param != NULL)
		st->sorted = 0;
	return 0;
}

static int
streams(struct loader *ld, const struct mnode *root)
{
	static const char *const dkeys[] = { "path", "method", "params",
	    "headers", "records", "primary_key", "paging", "max_pages",
	    "concurrency", "incremental", "add_fields", "remove_fields",
	    "graphql", "http", NULL };
	struct integ_manifest *m = ld->m;
	const struct mnode *n, *defaults;
	size_t i;
	int code;

	if ((code = member(ld, root, "", "defaults", K(MN_MAP), 0,
	    &defaults)) != 0 ||
	    (defaults != NULL &&
	    (code = want_map(ld, defaults, "defaults", dkeys)) != 0))
		return code;
	if ((code = member(ld, root, "", "streams", K(MN_SEQ), 1, &n)) != 0)
		return code;
	if (n->n == 0)
		return bad(ld, n, "streams", "expected at least one stream");
	m->streams = integ_xcalloc(n->n + 1, sizeof(*m->streams));
	m->ms = integ_xcalloc(n->n, sizeof(*m->ms));
	m->nstreams = n->n;
	for (i = 0; i < n->n; i++)
		if ((code = stream(ld, i, n->kids[i], defaults)) != 0)
			return code;
	m->src.streams = m->streams;
	return 0;
}

/* A template, or a list of them: the first whose config values are set. */
static int
base_url(struct loader *ld, const struct mnode *root)
{
	const struct mnode *n;
	struct tmpl *t = &ld->m->base;
	size_t i;
	int code;

	if ((code = member(ld, root, "", "base_url", K(MN_STR) | K(MN_SEQ), 1,
	    &n)) != 0)
		return code;
	if (n->kind == MN_STR && n->text[0] == '\0')
		return bad(ld, n, "base_url", "expected a URL, not an empty "
		    "string");
	if (n->kind == MN_STR)
		return tmpl(ld, n, "base_url", 0, t);
	if (n->n == 0)
		return bad(ld, n, "base_url", "expected at least one URL");
	for (i = 0; i < n->n; i++) {
		if (n->kids[i]->kind != MN_STR)
			return bad(ld, n->kids[i], "base_url", "expected a "
			    "string, not %s", mnode_kind_name(n->kids[i]->kind));
		if (i > 0) {
			t->alt = integ_xcalloc(1, sizeof(*t->alt));
			t = t->alt;
		}
		if ((code = tmpl(ld, n->kids[i], "base_url", 0, t)) != 0)
			return code;
	}
	return 0;
}

static int
top(struct loader *ld, const struct mnode *root)
{
	static const char *const keys[] = { "name", "version",
	    "documentation_url", "spec", "base_url", "headers", "params",
	    "auth", "http", "defaults", "streams", NULL };
	struct integ_manifest *m = ld->m;
	int code;

	if ((code = want_map(ld, root, "", keys)) != 0 ||
	    (code = str(ld, root, "", "name", 1, &m->src.name)) != 0 ||
	    (code = str(ld, root, "", "version", 0, &m->src.version)) != 0 ||
	    (code = str(ld, root, "", "documentation_url", 0,
	    &m->src.docs)) != 0)
		return code;
	/* it names the binary, source-NAME: ^[a-z0-9][a-z0-9_-]*$ */
	if (m->src.name[0] == '-' || m->src.name[0] == '_' ||
	    strspn(m->src.name, "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(m->src.name))
		return bad(ld, mnode_get(root, "name"), "name", "expected "
		    "lower-case letters, digits, - and _");
	if ((code = spec(ld, root)) != 0)
		return code;
	m->src.spec = m->spec;
	if ((code = base_url(ld, root)) != 0 ||
	    (code = kvs(ld, root, "", "headers", 0, &m->headers,
	    &m->nheaders)) != 0 ||
	    (code = kvs(ld, root, "", "params", 0, &m->params,
	    &m->nparams)) != 0 ||
	    (code = auth(ld, root)) != 0 ||
	    (code = http(ld, root)) != 0 ||
	    (code = streams(ld, root)) != 0)
		return code;
	m->src.init = manifest_init;
	return 0;
}

int
integ_manifest_load(const char *file, struct integ_manifest **out,
    struct integ_err *e)
{
	struct integ_manifest *m;
	struct loader ld;
	char *slash;
	int code;

	*out = NULL;
	m = integ_xcalloc(1, sizeof(*m));
	m->file = integ_xstrdup(file);
	m->dir = integ_xstrdup(file);
	if ((slash = strrchr(m->dir, '/')) != NULL)
		*slash = '\0';
	else
		strlcpy(m->dir, ".", strlen(m->dir) + 1);
	if ((code = mnode_load(file, &m->root, e)) != 0) {
		integ_manifest_free(m);
		return code;
	}
	memset(&ld, 0, sizeof(ld));
	ld.m = m;
	ld.e = e;
	if ((code = top(&ld, m->root)) != 0) {
		integ_manifest_free(m);
		return code;
	}
	*out = m;
	return 0;
}

const struct integ_source *
integ_manifest_source(const struct integ_manifest *m)
{
	return &m->src;
}

void
integ_manifest_free(struct integ_manifest *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nstreams; i++) {
		struct mstream *ms = &m->ms[i];

		tmpl_free(&ms->path);
		tmpl_free(&ms->limit);
		tmpl_free(&ms->start);
		tmpl_free(&ms->max_pages);
		tmpl_free(&ms->concurrency);
		tmpl_free(&ms->inc_start);
		tmpl_free(&ms->win_from);
		tmpl_free(&ms->win_to);
		for (j = 0; j < ms->nbody_t; j++)
			tmpl_free(&ms->body_t[j]);
		free(ms->body_t);
		mnode_free(ms->body_file);
		kvs_free(ms->params, ms->nparams);
		kvs_free(ms->headers, ms->nheaders);
		kvs_free(ms->add, ms->nadd);
		free(ms->remove);
		free(ms->schema);
		integ_http_rate_free(ms->rate);
	}
	free(m->ms);
	free(m->streams);
	kvs_free(m->params, m->nparams);
	kvs_free(m->headers, m->nheaders);
	tmpl_free(&m->base);
	tmpl_free(&m->auth_a);
	tmpl_free(&m->auth_b);
	tmpl_free(&m->oa_url);
	tmpl_free(&m->oa_id);
	tmpl_free(&m->oa_secret);
	tmpl_free(&m->oa_scope);
	tmpl_free(&m->oa_rt);
	integ_bucket_free(m->bucket);
	free(m->spec);
	free(m->file);
	free(m->dir);
	mnode_free(m->root);
	free(m);
}
