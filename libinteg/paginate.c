/*
 * paginate.c: pages, one after another, in order.
 *
 * A walk follows one first request through its pages: --next URLs,
 * Link headers, cursors, offsets or page numbers, until the API says it
 * is done (or --max-pages). A next URL or cursor seen before is a loop;
 * so is a page that repeats the page before it (see same_page()).
 *
 * integ_paginate() runs the walks of many requests on worker threads
 * (up to parallel at once, within a window ahead of the output) and
 * hands every page to the callback on the calling thread, in request
 * and page order, so a slow callback (parsing, writing) overlaps with
 * fetching the next page. With --total, the pages after the first are
 * known and are fetched as separate tasks, concurrently (offsets and
 * page numbers); with links or cursors the total is only passed on to
 * the callback, which may tell how much is left. With a stream
 * sink (bodies written as they arrive) everything runs on the calling
 * thread, one transfer at a time.
 */
#define _GNU_SOURCE	/* memmem */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "integ.h"
#include "http_int.h"
#include "json_int.h"

#define MAX_THREADS	64

struct integ_pager {
	struct integ_pager_opts	 o;
	struct integ_path	*path;
	struct integ_path	*has_more;
	struct integ_path	*records;
	struct integ_path	*total;
	const struct integ_path	*gather;	/* records handed over */
	int			 gather_counts;	/* gather is the records path */
	int			 json;
	char			**names;	/* --next as plain names, or NULL */
	size_t			 nnames;
	int			 spec;		/* pages are not validated */
};

static int
compile(const char *text, const char *opt, struct integ_path **p,
    struct integ_err *e)
{
	char msg[sizeof(e->msg)];
	int rc;

	if (text == NULL)
		return 0;
	if ((rc = integ_path_compile(text, p, e)) != 0 && e != NULL) {
		snprintf(msg, sizeof(msg), "%s: %.900s", opt, e->msg);
		strlcpy(e->msg, msg, sizeof(e->msg));
	}
	return rc;
}

/*
 * A --next path made of plain names (next, links.next) can be looked up
 * before the body is validated: see speculate().
 */
static void
plain_names(struct integ_pager *pg, const char *path)
{
	const char *p = path, *q;
	size_t n;

	if (*p == '.')
		p++;
	for (;;) {
		for (q = p; (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || *q == '_'; q++)
			;
		n = (size_t)(q - p);
		if (n == 0 || (*q != '.' && *q != '\0'))
			goto no;
		pg->names = integ_xreallocarray(pg->names, pg->nnames + 1,
		    sizeof(*pg->names));
		pg->names[pg->nnames++] = integ_xstrndup(p, n);
		if (*q == '\0')
			return;
		p = q + 1;
	}
no:
	while (pg->nnames > 0)
		free(pg->names[--pg->nnames]);
	free(pg->names);
	pg->names = NULL;
}

int
integ_pager_new(const struct integ_pager_opts *o, struct integ_pager **out,
    struct integ_err *e)
{
	struct integ_pager *pg;
	int rc;

	*out = NULL;
	pg = integ_xcalloc(1, sizeof(*pg));
	pg->o = *o;
	if (pg->o.parallel <= 0)
		pg->o.parallel = 4;
	if (pg->o.parallel > MAX_THREADS)
		pg->o.parallel = MAX_THREADS;
	if (!pg->o.has_start)
		pg->o.start = o->mode == INTEG_PAGE_NUMBER ? 1 : 0;
	switch (o->mode) {
	case INTEG_PAGE_NEXT:
	case INTEG_PAGE_CURSOR:
	case INTEG_PAGE_BODY:
		if (o->path == NULL) {
			rc = integ_errf(e, INTEG_EXIT_USAGE, "pagination needs "
			    "a path");
			goto bad;
		}
		break;
	case INTEG_PAGE_OFFSET:
	case INTEG_PAGE_NUMBER:
		if (o->records == NULL) {
			rc = integ_errf(e, INTEG_EXIT_USAGE, "--%s needs "
			    "--records PATH", o->mode == INTEG_PAGE_OFFSET ?
			    "offset" : "page");
			goto bad;
		}
		if (o->total != NULL && o->mode == INTEG_PAGE_OFFSET &&
		    o->limit_param == NULL) {
			rc = integ_errf(e, INTEG_EXIT_USAGE, "--offset with "
			    "--total needs --limit");
			goto bad;
		}
		break;
	default:
		break;
	}
	if ((rc = compile(o->path, o->mode == INTEG_PAGE_NEXT ? "--next" :
	    o->mode == INTEG_PAGE_BODY ? "--body-cursor" : "--cursor",
	    &pg->path, e)) != 0 ||
	    (rc = compile(o->has_more, "--has-more", &pg->has_more, e)) != 0 ||
	    (rc = compile(o->records, "--records", &pg->records, e)) != 0 ||
	    (rc = compile(o->total, "--total", &pg->total, e)) != 0)
		goto bad;
	if (o->mode == INTEG_PAGE_BODY) {
		/* the body path is checked now, not after the first page */
		struct integ_buf tmp;

		integ_buf_init(&tmp, 64);
		rc = o->param == NULL ? integ_errf(e, INTEG_EXIT_USAGE,
		    "--body-cursor needs a body path") :
		    integ_request_json_set((struct integ_json_span){ "{}", 2 },
		    o->param, (struct integ_json_span){ "null", 4 }, &tmp, e);
		integ_buf_free(&tmp);
		if (rc != 0)
			goto bad;
	}
	pg->json = o->json || pg->path || pg->has_more || pg->records ||
	    pg->total;
	if (o->mode == INTEG_PAGE_NEXT)
		plain_names(pg, o->path);
	pg->spec = pg->names != NULL && o->records == NULL && !o->json;
	*out = pg;
	return 0;
bad:
	integ_pager_free(pg);
	return rc;
}

void
integ_pager_gather(struct integ_pager *pg, const struct integ_path *path)
{
	pg->gather = path;
	pg->json = 1;
	/*
	 * Every page is scanned whole now; a --next of plain names is still
	 * looked up ahead of the scan, so that the next page is fetched
	 * while this one is scanned (see settle()).
	 */
	pg->spec = 0;
	pg->gather_counts = pg->records != NULL && path != NULL &&
	    strcmp(integ_path_text(pg->records), integ_path_text(path)) == 0;
}

void
integ_pager_free(struct integ_pager *pg)
{
	size_t i;

	if (pg == NULL)
		return;
	for (i = 0; i < pg->nnames; i++)
		free(pg->names[i]);
	free(pg->names);
	integ_path_free(pg->path);
	integ_path_free(pg->has_more);
	integ_path_free(pg->records);
	integ_path_free(pg->total);
	free(pg);
}

/* ---- one walk ---- */

struct walk {
	struct integ_pager	*pg;
	struct integ_request	*first;		/* with -q, limit, start */
	long long		 value;		/* offset or page number */
	char			**seen;		/* URLs or cursors followed */
	size_t			 nseen;
	size_t			 cap;
};

static int	seen(struct walk *, const char *);

static void
walk_init(struct walk *w, struct integ_pager *pg,
    const struct integ_request *rq)
{
	char num[32];

	memset(w, 0, sizeof(w[0]));
	w->pg = pg;
	w->first = integ_request_dup(rq);
	w->value = pg->o.start;
	if (pg->o.mode == INTEG_PAGE_OFFSET || pg->o.mode == INTEG_PAGE_NUMBER) {
		if (pg->o.limit_param != NULL) {
			snprintf(num, sizeof(num), "%lld", pg->o.limit);
			integ_request_query(w->first, pg->o.limit_param, num, 0);
		}
		snprintf(num, sizeof(num), "%lld", w->value);
		integ_request_query(w->first, pg->o.param, num, 0);
	}
	/* the first URL itself counts as followed */
	seen(w, integ_request_full_url(w->first));
}

static void
walk_free(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->cap; i++)
		free(w->seen[i]);
	free(w->seen);
	integ_request_free(w->first);
}

/* 1 when s was seen before; else remember it (a hash set, grown at half). */
static int
seen(struct walk *w, const char *s)
{
	uint64_t hv = 1469598103934665603ULL;
	const unsigned char *p;
	size_t i, j, cap;
	char **old;

	if (w->nseen * 2 >= w->cap) {
		old = w->seen;
		cap = w->cap;
		w->cap = cap ? cap * 2 : 64;
		w->seen = integ_xcalloc(w->cap, sizeof(*w->seen));
		w->nseen = 0;
		for (i = 0; i < cap; i++) {
			if (old[i] == NULL)
				continue;
			seen(w, old[i]);
			free(old[i]);
		}
		free(old);
	}
	for (p = (const unsigned char *)s; *p; p++)
		hv = (hv ^ *p) * 1099511628211ULL;
	for (j = (size_t)hv & (w->cap - 1); w->seen[j] != NULL;
	    j = (j + 1) & (w->cap - 1))
		if (strcmp(w->seen[j], s) == 0)
			return 1;
	w->seen[j] = integ_xstrdup(s);
	w->nseen++;
	return 0;
}

static struct integ_request *
with_param(const struct integ_request *first, const char *param,
    const char *value)
{
	struct integ_request *rq = integ_request_dup(first);

	integ_request_query(rq, param, value, 0);
	return rq;
}

static struct integ_request *
with_number(const struct integ_request *first, const char *param,
    long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", v);
	return with_param(first, param, num);
}

/*
 * The value at path as a string: 1 found non-empty, 0 none, else code.
 * found is that value when the caller has it already (p NULL: look).
 */
static int
scalar(struct integ_json_span doc, const struct integ_path *p,
    struct integ_json_span found, const char *what, const char *esc,
    struct integ_buf *out, struct integ_err *e)
{
	struct integ_json_span v = found;

	integ_buf_reset(out);
	if (v.p == NULL && !integ_path_find(p, doc, &v))
		return 0;
	switch (integ_json_type(v)) {
	case INTEG_JSON_NULL:
		return 0;
	case INTEG_JSON_STRING:
		if (integ_json_str_decode(v, out) == -1)
			return integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: %s "
			    "at %s is too long", esc, what, integ_path_text(p));
		return out->len > 0;
	case INTEG_JSON_NUMBER:
	case INTEG_JSON_TRUE:
	case INTEG_JSON_FALSE:
		integ_buf_add(out, v.p, v.len);
		return 1;
	default:
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: %s at %s is "
		    "%s, not a string", esc, what, integ_path_text(p),
		    integ_json_type_name(integ_json_type(v)));
	}
}

/* Follow a link the server gave: resolved, checked, never twice. */
static int
follow(struct walk *w, const char *base, const char *link, const char *esc,
    struct integ_request **next, struct integ_err *e)
{
	struct integ_err xe;
	char *url, lesc[300];
	int rc;

	if ((rc = integ_url_resolve(base, link, &url, &xe)) != 0)
		return integ_errf(e, rc, "GET %s: next page: %.600s", esc,
		    xe.msg);
	if (seen(w, url)) {
		integ_secret_escape(lesc, sizeof(lesc), url, strlen(url));
		free(url);
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: pagination "
		    "loop: the next page is %s again", esc, lesc);
	}
	*next = integ_request_dup(w->first);
	integ_request_clear_query(*next);
	rc = integ_request_set_url(*next, url, e);
	free(url);
	if (rc != 0) {
		integ_request_free(*next);
		*next = NULL;
	}
	return rc;
}

/*
 * A cursor that goes into the request body (GraphQL's variables.after):
 * the value at the path, as it is (a string stays a string), set at the
 * body path of the first request. Stops where --cursor stops.
 */
static int
body_next(struct walk *w, struct integ_json_span doc, const char *esc,
    struct integ_request **next, struct integ_err *e)
{
	struct integ_pager *pg = w->pg;
	struct integ_json_span v;
	struct integ_buf b;
	char cesc[200];
	int rc;

	if (pg->has_more != NULL && (!integ_path_find(pg->has_more, doc, &v) ||
	    !integ_json_truthy(v)))
		return 0;
	if (!integ_path_find(pg->path, doc, &v))
		return 0;
	switch (integ_json_type(v)) {
	case INTEG_JSON_NULL:
		return 0;
	case INTEG_JSON_STRING:
		if (v.len <= 2)
			return 0;
		break;
	case INTEG_JSON_NUMBER:
		break;
	default:
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "POST %s: the cursor "
		    "at %s is %s, not a string", esc, integ_path_text(pg->path),
		    integ_json_type_name(integ_json_type(v)));
	}
	integ_buf_init(&b, 1 << 20);
	integ_buf_add(&b, v.p, v.len);
	if (seen(w, b.data ? b.data : "")) {
		integ_secret_escape(cesc, sizeof(cesc), v.p, v.len);
		integ_buf_free(&b);
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "POST %s: pagination "
		    "loop: the cursor %s again", esc, cesc);
	}
	integ_buf_free(&b);
	*next = integ_request_dup(w->first);
	if ((rc = integ_request_body_set(*next, pg->o.param, v, e)) != 0) {
		integ_request_free(*next);
		*next = NULL;
	}
	return rc;
}

/*
 * What comes after this page: *next a new request, or NULL when done.
 * doc is the validated body when the pager needs JSON; lv the value at
 * the next URL's or cursor's path when it was found already (a path
 * lookup may have to skip the whole page: the last of a repeated name
 * wins).
 */
static int
walk_next(struct walk *w, struct integ_json_span lv,
    const struct integ_response *rs, struct integ_json_span doc,
    long long records, struct integ_request **next, struct integ_err *e)
{
	struct integ_pager *pg = w->pg;
	struct integ_json_span v;
	struct integ_buf b, all;
	char esc[300];
	size_t i;
	int rc = 0;

	*next = NULL;
	integ_secret_escape(esc, sizeof(esc), rs->url, strlen(rs->url));
	integ_buf_init(&b, 1 << 20);
	switch (pg->o.mode) {
	case INTEG_PAGE_NONE:
		break;
	case INTEG_PAGE_NEXT:
		if ((rc = scalar(doc, pg->path, lv, "the next URL", esc, &b,
		    e)) == 1)
			rc = follow(w, rs->url, b.data, esc, next, e);
		break;
	case INTEG_PAGE_LINK:
		integ_buf_init(&all, 1 << 20);
		for (i = 0; i < rs->nhdrs; i++) {
			if (strcasecmp(rs->hdrs[i].name, "Link") != 0)
				continue;
			if (all.len > 0)
				integ_buf_adds(&all, ", ");
			integ_buf_adds(&all, rs->hdrs[i].value);
		}
		if (all.len > 0 && integ_link_find(all.data, "next", &b))
			rc = follow(w, rs->url, b.data, esc, next, e);
		integ_buf_free(&all);
		break;
	case INTEG_PAGE_CURSOR:
		if (pg->has_more != NULL && (!integ_path_find(pg->has_more, doc,
		    &v) || !integ_json_truthy(v)))
			break;
		if ((rc = scalar(doc, pg->path, lv, "the cursor", esc, &b,
		    e)) != 1)
			break;
		rc = 0;
		if (seen(w, b.data)) {
			char cesc[200];

			integ_secret_escape(cesc, sizeof(cesc), b.data, b.len);
			rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: "
			    "pagination loop: the cursor %s again", esc, cesc);
			break;
		}
		*next = with_param(w->first, pg->o.param, b.data);
		break;
	case INTEG_PAGE_BODY:
		rc = body_next(w, doc, esc, next, e);
		break;
	case INTEG_PAGE_OFFSET:
	case INTEG_PAGE_NUMBER:
		if (records <= 0 || (pg->o.limit_param != NULL &&
		    records < pg->o.limit))
			break;
		if (pg->o.mode == INTEG_PAGE_NUMBER)
			w->value++;
		else
			w->value += pg->o.limit_param != NULL ? pg->o.limit :
			    records;
		*next = with_number(w->first, pg->o.param, w->value);
		break;
	}
	integ_buf_free(&b);
	return rc < 0 ? 0 : rc;
}

/* ---- speculation for --next ---- */

/*
 * The quoted name q (m >= 3 bytes) in p[0..n): memmem, but 16 places at a
 * time where the first and last letters of the name both stand, since
 * glibc's memmem reads a page byte by byte and a page is mostly records.
 */
static const char *
find_quoted(const char *p, size_t n, const char *q, size_t m)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i fa = _mm_set1_epi8(q[1]), fb = _mm_set1_epi8(q[m - 2]);
	__m128i x, y;
	unsigned int mask;

	for (; i + m + 15 <= n; i += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 1));
		y = _mm_loadu_si128((const __m128i *)(const void *)(p + i + m -
		    2));
		mask = (unsigned int)_mm_movemask_epi8(_mm_and_si128(
		    _mm_cmpeq_epi8(x, fa), _mm_cmpeq_epi8(y, fb)));
		for (; mask != 0; mask &= mask - 1)
			if (memcmp(p + i + __builtin_ctz(mask), q, m) == 0)
				return p + i + __builtin_ctz(mask);
	}
#endif
	return memmem(p + i, n - i, q, m);
}

/*
 * Whether a \u escape in p[0..n) could stand for a letter of name, so
 * that an escaped member name could spell it. A plain name (plain_names)
 * is ASCII letters, digits and '_': no other escape stands for one of
 * its bytes, and text is full of \u escapes outside ASCII (a
 * non-breaking space, an emoji). Every backslash is taken as the start
 * of an escape: one that is itself escaped only says yes more often.
 */
static int
may_spell(const char *p, size_t n, const char *name, size_t len)
{
	const char *end = p + n, *q;
	unsigned int u;
	int c, k;

	while ((q = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		p = q + 1;
		if (p < end && *p != 'u')
			continue;
		if (end - p < 5)
			return 1;
		for (u = 0, k = 1; k <= 4; k++) {
			c = (unsigned char)p[k];
			if (!isxdigit(c))
				return 1;
			u = u << 4 | (unsigned)(isdigit(c) ? c - '0' :
			    (c | 0x20) - 'a' + 10);
		}
		if (u < 0x80 && memchr(name, (int)u, len) != NULL)
			return 1;
	}
	return 0;
}

/*
 * --next with a path of plain names (next, links.next): the lookup reads
 * only what it needs of the body, an object and the names on the path,
 * without validating the rest of the page. A name that appears twice
 * takes the last (as everywhere); after the first, the rest of its
 * object is searched for the name in quotes (or an escape that could
 * spell it) and read member by member only where that is found.
 * Validating every byte costs more than fetching it
 * (bench/RESULTS.md), and the records are validated where they are used:
 * integ-extract downstream, or the connector's own extraction. The lookup
 * only skips bytes inside the body, so text that is not JSON can give a
 * wrong answer but never a read out of bounds. A body that is not an
 * object, or a key or URL with escapes, is not taken this way: it is
 * validated whole, as every page of the other modes is.
 *
 * 1 with *val the raw value (p NULL when absent), 0 when this way does
 * not apply.
 */
static int
speculate(const struct integ_pager *pg, const struct integ_response *rs,
    struct integ_json_span *val)
{
	struct integ_json_span v, k, c, found;
	struct integ_json_iter it;
	const char *p = rs->body.data, *end;
	char quoted[256];
	size_t i, n;
	int hit;

	val->p = NULL;
	val->len = 0;
	if (p == NULL)
		return 0;
	end = p + rs->body.len;
	while (p < end && integ_json_ws((unsigned char)*p))
		p++;
	while (end > p && integ_json_ws((unsigned char)end[-1]))
		end--;
	v.p = p;
	v.len = (size_t)(end - p);
	for (i = 0; i < pg->nnames; i++) {
		if (integ_json_type(v) != INTEG_JSON_OBJECT ||
		    v.p[v.len - 1] != '}' || integ_json_iter_init(&it, v) == -1)
			return 0;
		hit = 0;
		n = strlen(pg->names[i]);
		if (n + 2 >= sizeof(quoted))
			return 0;
		quoted[0] = '"';
		memcpy(quoted + 1, pg->names[i], n);
		quoted[n + 1] = '"';
		while (integ_json_iter_next(&it, &k, &c)) {
			if (memchr(k.p, '\\', k.len) != NULL)
				return 0;
			if (!integ_json_str_eq(k, pg->names[i], n))
				continue;
			found = c;
			/* no second member of that name can follow: done */
			if (hit == 0 && find_quoted(it.p, (size_t)(it.end -
			    it.p), quoted, n + 2) == NULL && !may_spell(it.p,
			    (size_t)(it.end - it.p), pg->names[i], n)) {
				hit = 1;
				break;
			}
			hit = 1;
		}
		if (!hit)
			return 1;
		v = found;
	}
	switch (integ_json_type(v)) {
	case INTEG_JSON_NULL:
		return 1;
	case INTEG_JSON_STRING:
		if (v.len < 2 || v.p[v.len - 1] != '"' ||
		    memchr(v.p, '\\', v.len) != NULL)
			return 0;
		*val = v;
		return 1;
	default:
		return 0;
	}
}

/* ---- pages that repeat ---- */

/*
 * What two pages in a row are compared by, in a few words of memory
 * whatever their size: a hash of the body (with the next URL or cursor
 * value left out, so that a link that changes only a harmless parameter
 * does not hide a page served again), and a hash of the records when the
 * records path is known. Pages that hold no records are not compared:
 * an API may well end with two empty pages, or pass through empty pages
 * on a cursor.
 */
struct sig {
	int		 set;		/* a page was signed */
	int		 full;		/* it holds records */
	int		 blanked;	/* the next URL or cursor was left out */
	int		 hashed;	/* body holds the hash of the body */
	size_t		 len;
	uint64_t	 body;
	uint64_t	 recs;		/* 0: records unknown */
	size_t		 rlen;
};

/*
 * Four lanes of 8 bytes each, so that the multiplies of one step do not
 * wait on each other: a page is hashed at memory speed, not at the
 * latency of one long chain.
 */
static uint64_t
hash(uint64_t h, const char *p, size_t n)
{
	static const uint64_t k = 0x9e3779b97f4a7c15ULL;
	uint64_t l[4] = { h, h + 1, h + 2, h + 3 }, w;
	size_t i, j;

	for (i = 0; i + 32 <= n; i += 32)
		for (j = 0; j < 4; j++) {
			memcpy(&w, p + i + 8 * j, 8);
			l[j] = (l[j] ^ w) * k;
			l[j] ^= l[j] >> 29;
		}
	h = ((l[0] * k ^ l[1]) * k ^ l[2]) * k ^ l[3];
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return (h ^ n) * k;
}

/* An array with an element in it somewhere: a guess at "has records". */
static int
some_array(const char *p, size_t n)
{
	const char *end = p + n, *q;

	while ((q = memchr(p, '[', (size_t)(end - p))) != NULL) {
		for (q++; q < end && integ_json_ws((unsigned char)*q); q++)
			;
		if (q < end && *q != ']')
			return 1;
		p = q;
	}
	return 0;
}

/*
 * Sign a page. doc is the validated body (p NULL when it was not
 * validated), val the next URL or cursor value in the body, if any;
 * recs the records gathered at the records path, if they were.
 */
static void
sign(const struct integ_pager *pg, const struct integ_response *rs,
    struct integ_json_span doc, struct integ_json_span val, long long records,
    const struct integ_json_span *recs, size_t nrecs, struct sig *sg)
{
	const char *b = rs->body.data ? rs->body.data : "";
	size_t n = rs->body.len, at;
	struct integ_json_span v;

	memset(sg, 0, sizeof(*sg));
	sg->set = 1;
	sg->len = n;
	sg->full = records >= 0 ? records > 0 : some_array(b, n);
	if (pg->gather_counts && doc.p != NULL) {
		/* from the first record to the end of the last one */
		if (nrecs > 0) {
			v.p = recs[0].p;
			v.len = (size_t)(recs[nrecs - 1].p +
			    recs[nrecs - 1].len - recs[0].p);
			sg->recs = hash(2, v.p, v.len) | 1;
			sg->rlen = v.len;
		}
	} else if (pg->records != NULL && doc.p != NULL &&
	    integ_path_find(pg->records, doc, &v)) {
		sg->recs = hash(2, v.p, v.len) | 1;
		sg->rlen = v.len;
	}
	/*
	 * Records are known only of a validated page (a speculated one has
	 * no doc): such a page is the same as the one before only if its
	 * records are, and hashing the whole body would tell nothing more.
	 */
	if (sg->recs != 0)
		return;
	sg->hashed = 1;
	if (val.p != NULL && val.p >= b && val.p + val.len <= b + n) {
		at = (size_t)(val.p - b);
		sg->body = hash(hash(1, b, at), b + at + val.len,
		    n - at - val.len);
		sg->blanked = 1;
	} else
		sg->body = hash(1, b, n);
}

/*
 * The path's value in a validated body whose records were gathered, found
 * in the body without them: a lookup would skip every record to find the
 * last of a repeated name, and a page is mostly records. Only where the
 * records are the whole of an array (the body less them is JSON) and the
 * value lies outside them; 0: look in the body itself.
 */
static int
find_around(const struct integ_path *path, struct integ_json_span doc,
    const struct integ_json_span *recs, size_t nrecs,
    struct integ_json_span *v)
{
	const char *lo, *hi, *end = doc.p + doc.len;
	struct integ_json_span env, f;
	struct integ_buf b;
	size_t head, off;
	int ok = 0;

	if (nrecs == 0)
		return 0;
	lo = recs[0].p;
	hi = recs[nrecs - 1].p + recs[nrecs - 1].len;
	while (lo > doc.p && integ_json_ws((unsigned char)lo[-1]))
		lo--;
	while (hi < end && integ_json_ws((unsigned char)*hi))
		hi++;
	if (lo <= doc.p || lo[-1] != '[' || hi >= end || *hi != ']')
		return 0;
	head = (size_t)(lo - doc.p);
	integ_buf_init(&b, 0);
	integ_buf_add(&b, doc.p, head);
	integ_buf_add(&b, hi, (size_t)(end - hi));
	env.p = b.data;
	env.len = b.len;
	if (integ_path_find(path, env, &f)) {
		off = (size_t)(f.p - env.p);
		if (off + f.len <= head) {
			v->p = doc.p + off;
			ok = 1;
		} else if (off >= head) {
			v->p = hi + (off - head);
			ok = 1;
		}
		v->len = f.len;
	}
	integ_buf_free(&b);
	return ok;
}

/* The next URL or cursor in a validated body, to be left out of its hash. */
static struct integ_json_span
link_value(const struct integ_pager *pg, struct integ_json_span doc,
    const struct integ_json_span *recs, size_t nrecs)
{
	struct integ_json_span v = { NULL, 0 };

	if (!pg->json || pg->path == NULL || (pg->o.mode != INTEG_PAGE_NEXT &&
	    pg->o.mode != INTEG_PAGE_CURSOR &&
	    pg->o.mode != INTEG_PAGE_BODY))
		return (struct integ_json_span){ NULL, 0 };
	if ((pg->gather == NULL || !find_around(pg->path, doc, recs, nrecs,
	    &v)) && !integ_path_find(pg->path, doc, &v))
		return (struct integ_json_span){ NULL, 0 };
	switch (integ_json_type(v)) {
	case INTEG_JSON_STRING:
	case INTEG_JSON_NUMBER:
		return v;
	default:
		return (struct integ_json_span){ NULL, 0 };
	}
}


/* ---- the runner: jobs on threads, pages in order ---- */

struct slot {
	int			 ready;
	int			 rc;
	struct integ_err	 err;
	struct integ_response	 rs;
	long long		 records;
	struct integ_json_span	*recs;		/* integ_pager_gather */
	size_t			 nrecs;
	size_t			 caprecs;
	long long		 total;		/* the first page's, or -1 */
	int			 cut;		/* integ_page cut */
	int			 sign;		/* sign the page when delivered */
	struct integ_json_span	 doc;		/* what to sign it by */
	struct integ_json_span	 val;
	int			 defer;		/* 1 not scanned yet, 2 scanning */
};

struct job {
	const struct integ_request *rq;
	struct integ_request	*first;		/* for --total page tasks */
	struct slot		**slots;
	size_t			 nslots;
	size_t			 delivered;
	int			 finished;
	long long		 per_page;
	struct sig		 last;		/* of the page delivered last */
};

/* Keep what a page is to be signed by; the hash is taken on delivery. */
static void
sign_later(struct slot *s, struct integ_json_span doc,
    struct integ_json_span val)
{
	s->sign = 1;
	s->doc = doc;
	s->val = val;
}

/*
 * 76 when the page in slot s repeats the page before it, signed *a;
 * else s's signature becomes the page before the next one. Signed here,
 * on the thread that delivers, so that the hash is not added to the
 * fetching thread's scan, which bounds a connector's speed.
 */
static int
same_page(const struct integ_pager *pg, struct sig *a, const struct slot *s,
    struct integ_err *e)
{
	const char *why = NULL, *url = s->rs.url;
	struct sig sg, *b = &sg;
	char esc[300];

	if (!s->sign)
		return 0;
	sign(pg, &s->rs, s->doc, s->val, s->records, s->recs, s->nrecs, b);

	if (a->set && b->set && b->full) {
		if (b->recs != 0 && a->recs == b->recs && a->rlen == b->rlen)
			why = "the same records as the page before it";
		else if (a->hashed && b->hashed && a->body == b->body &&
		    a->len == b->len && a->blanked == b->blanked)
			why = b->blanked ? "the same body as the page before it, "
			    "but for the next URL or cursor" : "the same body "
			    "as the page before it";
	}
	if (why != NULL) {
		integ_secret_escape(esc, sizeof(esc), url ? url : "",
		    url ? strlen(url) : 0);
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: pagination "
		    "loop: %s", esc, why);
	}
	*a = *b;
	return 0;
}

struct task {
	size_t		 job;
	long long	 k;
};

struct run {
	struct integ_http	*h;
	struct integ_pager	*pg;
	struct job		*jobs;
	size_t			 njobs;
	size_t			 head;		/* first job not all delivered */
	size_t			 next_job;	/* next job to start */
	struct task		*tasks;
	size_t			 ntasks;
	size_t			 taskhead;
	size_t			 window;
	int			 stop;
	int			 inline_;	/* no threads (stream sink) */
	integ_page_fn		*fn;
	void			*arg;
	int			 rc;		/* inline: the first failure */
	struct integ_err	*e;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
};

static struct slot *
slot_new(const struct integ_http *h)
{
	struct slot *s = integ_xcalloc(1, sizeof(*s));

	integ_response_init(&s->rs, integ_http_options(h)->max_body);
	s->records = -1;
	s->total = -1;
	return s;
}

static void
slot_free(struct slot *s)
{
	if (s == NULL)
		return;
	integ_response_free(&s->rs);
	free(s->recs);
	free(s);
}

/* A record of a page, kept for the callback (integ_pager_gather). */
static int
gather(void *arg, const char *p, size_t len)
{
	struct slot *s = arg;

	if (s->nrecs == s->caprecs) {
		s->caprecs = s->caprecs ? s->caprecs * 2 : 256;
		s->recs = integ_xreallocarray(s->recs, s->caprecs,
		    sizeof(*s->recs));
	}
	s->recs[s->nrecs].p = p;
	s->recs[s->nrecs++].len = len;
	return 0;
}

/* A name on the path came again: its earlier member's records go. */
static int
ungather(void *arg, uint64_t n)
{
	struct slot *s = arg;

	if (n > s->nrecs)
		return -1;
	s->nrecs -= (size_t)n;
	return 0;
}

/*
 * Validate the body and count its records, as the pager needs; when the
 * records are gathered, in the same pass.
 */
static int
inspect(struct integ_pager *pg, struct slot *s, struct integ_json_span *doc,
    struct integ_err *e)
{
	const struct integ_response *rs = &s->rs;
	long long *records = &s->records;
	struct integ_json_span v;
	struct integ_err xe;
	char esc[300];
	int rc;

	*records = -1;
	doc->p = rs->body.data ? rs->body.data : "";
	doc->len = rs->body.len;
	if (!pg->json)
		return 0;
	s->nrecs = 0;
	if (pg->gather != NULL)
		rc = integ_json_validate_records(doc->p, doc->len, pg->gather,
		    gather, ungather, s, doc, &xe);
	else
		rc = integ_json_validate(doc->p, doc->len, doc, &xe);
	if (rc != 0) {
		integ_secret_escape(esc, sizeof(esc), rs->url, strlen(rs->url));
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "GET %s: the body is "
		    "not JSON: %s", esc, xe.msg);
	}
	if (pg->records == NULL)
		return 0;
	if (pg->gather_counts) {
		*records = (long long)s->nrecs;
		return 0;
	}
	if (!integ_path_find(pg->records, *doc, &v))
		*records = 0;
	else if (integ_json_type(v) == INTEG_JSON_ARRAY)
		*records = (long long)integ_json_count(v);
	else if (integ_json_type(v) == INTEG_JSON_NULL)
		*records = 0;
	else
		*records = 1;
	return 0;
}

/*
 * Scan a page whose next URL was looked up ahead of the scan: the walk
 * goes on to the next page while this one is validated and its records
 * gathered, by the delivering thread or by a walk waiting for room. A
 * page that turns out not to be JSON fails here, before it is delivered,
 * as it would have where it was fetched.
 */
static void
settle(struct integ_pager *pg, struct slot *s)
{
	struct integ_json_span doc;

	if ((s->rc = inspect(pg, s, &doc, &s->err)) == 0)
		sign_later(s, doc, s->val);
}

/*
 * With r->mu held: scan the first page of job jb that waits for it, if
 * any, the lock let go meanwhile; 1 when one was scanned.
 */
static int
help(struct run *r, struct job *jb)
{
	struct slot *s = NULL;
	size_t k;

	for (k = jb->delivered; k < jb->nslots && s == NULL; k++)
		if (jb->slots[k] != NULL && jb->slots[k]->ready &&
		    jb->slots[k]->defer == 1)
			s = jb->slots[k];
	if (s == NULL)
		return 0;
	s->defer = 2;
	pthread_mutex_unlock(&r->mu);
	settle(r->pg, s);
	pthread_mutex_lock(&r->mu);
	s->defer = 0;
	pthread_cond_broadcast(&r->cv);
	return 1;
}

/* Hand slot s, page n of job j, or its failure to fn; s is freed. */
static int
hand_over(const struct integ_pager *pg, struct job *jb, size_t j,
    long long n, struct slot *s, integ_page_fn *fn, void *arg,
    struct integ_err *e)
{
	struct integ_page page;
	int rc;

	if (s->rc != 0) {
		*e = s->err;
		rc = s->rc;
	} else if ((rc = same_page(pg, &jb->last, s, e)) != 0) {
		;
	} else {
		page.job = j;
		page.n = n;
		page.rs = &s->rs;
		page.records = s->records;
		page.recs = s->recs;
		page.nrecs = s->nrecs;
		page.total = s->total;
		page.cut = s->cut;
		rc = fn(arg, &page, e);
	}
	slot_free(s);
	return rc;
}

/* Hand a page (or a failure) to the callback: inline mode only. */
static int
deliver(struct run *r, size_t j, long long n, struct slot *s)
{
	if (r->rc != 0) {
		slot_free(s);
		return r->rc;
	}
	r->rc = hand_over(r->pg, &r->jobs[j], j, n, s, r->fn, r->arg, r->e);
	return r->rc;
}

/* Put slot s at index k of job j (appending when k == nslots). */
static int
publish(struct run *r, size_t j, size_t k, struct slot *s)
{
	struct job *jb = &r->jobs[j];
	int stop;

	if (r->inline_)
		return deliver(r, j, (long long)k, s);
	pthread_mutex_lock(&r->mu);
	if (k >= jb->nslots) {
		jb->slots = integ_xreallocarray(jb->slots, k + 1,
		    sizeof(*jb->slots));
		while (jb->nslots <= k)
			jb->slots[jb->nslots++] = NULL;
	}
	slot_free(jb->slots[k]);
	jb->slots[k] = s;
	s->ready = 1;
	stop = r->stop;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return stop ? INTEG_EXIT_FAIL : 0;
}

/*
 * A walk may run ahead of the callback by WALK_AHEAD pages, no more:
 * fetching is faster than parsing, and pages held without a bound would
 * make memory grow with the size of the sync instead of a page.
 */
#define WALK_AHEAD	2

static int
wait_room(struct run *r, size_t j, size_t k)
{
	struct job *jb = &r->jobs[j];
	int stop;

	if (r->inline_)
		return 0;
	pthread_mutex_lock(&r->mu);
	while (!r->stop && k + 1 >= jb->delivered + WALK_AHEAD)
		if (!help(r, jb))
			pthread_cond_wait(&r->cv, &r->mu);
	stop = r->stop;
	pthread_mutex_unlock(&r->mu);
	return stop ? INTEG_EXIT_FAIL : 0;
}

static long long
page_value(const struct integ_pager *pg, long long per_page, long long k)
{
	if (pg->o.mode == INTEG_PAGE_NUMBER)
		return pg->o.start + k;
	return pg->o.start + k * per_page;
}

/* Fetch page k of a --total job. */
static void
run_page(struct run *r, size_t j, long long k)
{
	struct job *jb = &r->jobs[j];
	struct integ_request *rq;
	struct integ_json_span doc = { NULL, 0 }, none = { NULL, 0 };
	struct slot *s = slot_new(r->h);

	rq = with_number(jb->first, r->pg->o.param,
	    page_value(r->pg, jb->per_page, k));
	if ((s->rc = integ_http_get(r->h, rq, &s->rs, &s->err)) == 0)
		s->rc = inspect(r->pg, s, &doc, &s->err);
	if (s->rc == 0)
		sign_later(s, doc, none);
	integ_request_free(rq);
	publish(r, j, (size_t)k, s);
}

/* Does the total decide the pages (offsets, page numbers)? */
static int
paged_by_total(const struct integ_pager *pg)
{
	return pg->total != NULL && (pg->o.mode == INTEG_PAGE_OFFSET ||
	    pg->o.mode == INTEG_PAGE_NUMBER);
}

/*
 * The total at its path as a whole number, or -1: with links or cursors
 * it is a hint for progress, and a page without one is no fault.
 */
static long long
total_hint(const struct integ_pager *pg, struct integ_json_span doc)
{
	struct integ_json_span v;
	char *end, num[64];
	long long t;

	if (!integ_path_find(pg->total, doc, &v) ||
	    integ_json_type(v) != INTEG_JSON_NUMBER || v.len >= sizeof(num))
		return -1;
	snprintf(num, sizeof(num), "%.*s", (int)v.len, v.p);
	errno = 0;
	t = strtoll(num, &end, 10);
	return *end != '\0' || errno != 0 || t < 0 ? -1 : t;
}

/* The number of pages --total announces, from the first page. */
static int
total_pages(struct run *r, struct job *jb, struct integ_json_span doc,
    long long records, long long *pages, long long *total, int *cut,
    struct integ_err *e)
{
	struct integ_pager *pg = r->pg;
	struct integ_json_span v;
	char *end, num[64];
	long long t;

	*pages = 1;
	if (!integ_path_find(pg->total, doc, &v) ||
	    integ_json_type(v) != INTEG_JSON_NUMBER) {
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "the total at %s is "
		    "missing or not a number", integ_path_text(pg->total));
	}
	snprintf(num, sizeof(num), "%.*s", (int)v.len, v.p);
	errno = 0;
	t = strtoll(num, &end, 10);
	if (*end != '\0' || errno != 0 || t < 0)
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "the total at %s is "
		    "not a whole number: %s", integ_path_text(pg->total), num);
	*total = t;
	jb->per_page = pg->o.limit_param != NULL ? pg->o.limit : records;
	if (jb->per_page > 0 && t > jb->per_page)
		*pages = (t + jb->per_page - 1) / jb->per_page;
	if (pg->o.max_pages > 0 && *pages > pg->o.max_pages) {
		*pages = pg->o.max_pages;
		*cut = 1;
	}
	return 0;
}

/* Walk job j from its first request to its last page. */
static void
run_job(struct run *r, size_t j)
{
	struct job *jb = &r->jobs[j];
	struct integ_pager *pg = r->pg;
	struct integ_request *rq, *next;
	struct integ_json_span doc;
	struct walk w;
	struct slot *s;
	struct integ_err nerr;
	struct integ_json_span sv, lv, none = { NULL, 0 };
	long long n, pages = 0, k;
	int stop, nrc, last;

	walk_init(&w, pg, jb->rq);
	rq = integ_request_dup(w.first);
	for (n = 0; ; n++) {
		next = NULL;
		s = slot_new(r->h);
		nrc = 0;
		integ_err_clear(&nerr);
		/* the last page --max-pages lets us fetch */
		last = pg->o.max_pages > 0 && n + 1 >= pg->o.max_pages;
		if ((s->rc = integ_http_get(r->h, rq, &s->rs, &s->err)) == 0 &&
		    pg->names != NULL && (pg->spec || (n > 0 && !r->inline_)) &&
		    speculate(pg, &s->rs, &sv)) {
			if (sv.p != NULL && sv.len > 2 && last)
				s->cut = 1;
			else if (sv.p != NULL && sv.len > 2) {
				char *url = integ_xstrndup(sv.p + 1, sv.len - 2);
				char esc[300];

				integ_secret_escape(esc, sizeof(esc), s->rs.url,
				    strlen(s->rs.url));
				nrc = follow(&w, s->rs.url, url, esc, &next, &nerr);
				free(url);
			}
			if (pg->spec)
				sign_later(s, none, sv);
			else {
				s->defer = 1;	/* scanned by settle() */
				s->val = sv;
			}
			goto spec;
		}
		if (s->rc == 0)
			s->rc = inspect(pg, s, &doc, &s->err);
		lv = none;
		if (s->rc == 0) {
			lv = link_value(pg, doc, s->recs, s->nrecs);
			sign_later(s, doc, lv);
		}
		/* a page that came whole is written even if what follows fails */
		if (s->rc == 0 && n == 0 && paged_by_total(pg))
			nrc = total_pages(r, jb, doc, s->records, &pages,
			    &s->total, &s->cut, &nerr);
		else if (s->rc == 0 && n == 0 && pg->total != NULL)
			s->total = total_hint(pg, doc);
		if (s->rc == 0 && !paged_by_total(pg))
			nrc = walk_next(&w, lv, &s->rs, doc, s->records,
			    &next, &nerr);
		if (last && (next != NULL || nrc != 0)) {
			/* a next page not fetched (or one that would fail) */
			s->cut = 1;
			integ_request_free(next);
			next = NULL;
			nrc = 0;
		}
spec:
		stop = s->rc != 0;
		if (nrc != 0) {
			if (publish(r, j, (size_t)n, s) == 0) {
				s = slot_new(r->h);
				s->rc = nrc;
				s->err = nerr;
				publish(r, j, (size_t)n + 1, s);
			}
			break;
		}
		if (n == 0 && pages > 1 && !stop) {
			/* the other pages are known: fetch them as tasks */
			jb->first = integ_request_dup(w.first);
			if (r->inline_) {
				if (publish(r, j, 0, s) != 0)
					break;
				for (k = 1; k < pages && r->rc == 0; k++)
					run_page(r, j, k);
				break;
			}
			pthread_mutex_lock(&r->mu);
			jb->slots = integ_xreallocarray(jb->slots, (size_t)pages,
			    sizeof(*jb->slots));
			for (k = 0; k < pages; k++)
				jb->slots[k] = NULL;
			jb->nslots = (size_t)pages;
			r->tasks = integ_xreallocarray(r->tasks, r->ntasks +
			    (size_t)pages - 1, sizeof(*r->tasks));
			for (k = 1; k < pages; k++) {
				r->tasks[r->ntasks].job = j;
				r->tasks[r->ntasks++].k = k;
			}
			pthread_mutex_unlock(&r->mu);
			publish(r, j, 0, s);
			break;
		}
		if (publish(r, j, (size_t)n, s) != 0 || stop || next == NULL)
			break;
		if (wait_room(r, j, (size_t)n) != 0)
			break;
		integ_request_free(rq);
		rq = next;
	}
	integ_request_free(next);
	integ_request_free(rq);
	walk_free(&w);
	if (!r->inline_) {
		pthread_mutex_lock(&r->mu);
		jb->finished = 1;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
}

static void *
worker(void *arg)
{
	struct run *r = arg;
	struct task t;
	size_t j;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		if (r->stop)
			break;
		if (r->taskhead < r->ntasks &&
		    (size_t)r->tasks[r->taskhead].k <
		    r->jobs[r->tasks[r->taskhead].job].delivered + r->window) {
			t = r->tasks[r->taskhead++];
			pthread_mutex_unlock(&r->mu);
			run_page(r, t.job, t.k);
			pthread_mutex_lock(&r->mu);
		} else if (r->next_job < r->njobs &&
		    r->next_job < r->head + r->window) {
			j = r->next_job++;
			pthread_mutex_unlock(&r->mu);
			run_job(r, j);
			pthread_mutex_lock(&r->mu);
		} else if (r->next_job >= r->njobs &&
		    r->taskhead >= r->ntasks) {
			/* another job may still post tasks */
			size_t i;
			int busy = 0;

			for (i = r->head; i < r->njobs; i++)
				if (!r->jobs[i].finished)
					busy = 1;
			if (!busy)
				break;
			pthread_cond_wait(&r->cv, &r->mu);
		} else {
			pthread_cond_wait(&r->cv, &r->mu);
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int
integ_paginate(struct integ_http *h, struct integ_pager *pg,
    struct integ_request *const *rqs, size_t n, integ_page_fn *fn, void *arg,
    struct integ_err *e)
{
	struct run r;
	pthread_t th[MAX_THREADS];
	struct integ_page page;
	struct slot *s;
	struct job *jb;
	size_t i, k, nth = 0;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.h = h;
	r.pg = pg;
	r.njobs = n;
	r.fn = fn;
	r.arg = arg;
	r.e = e;
	r.jobs = integ_xcalloc(n ? n : 1, sizeof(*r.jobs));
	for (i = 0; i < n; i++)
		r.jobs[i].rq = rqs[i];
	r.window = (size_t)pg->o.parallel * 2;
	r.inline_ = integ_http_options(h)->stream != NULL;
	if (r.inline_) {
		for (i = 0; i < n && r.rc == 0; i++)
			run_job(&r, i);
		rc = r.rc;
		goto out;
	}
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	nth = paged_by_total(pg) ? (size_t)pg->o.parallel :
	    (n < (size_t)pg->o.parallel ? n : (size_t)pg->o.parallel);
	for (i = 0; i < nth; i++)
		if (pthread_create(&th[i], NULL, worker, &r) != 0)
			break;
	nth = i;
	if (nth == 0 && n > 0) {
		rc = integ_errf(e, INTEG_EXIT_FAIL, "cannot start a thread");
		goto done;
	}
	pthread_mutex_lock(&r.mu);
	while (r.head < n) {
		jb = &r.jobs[r.head];
		if (jb->delivered < jb->nslots && jb->slots[jb->delivered] &&
		    jb->slots[jb->delivered]->ready &&
		    jb->slots[jb->delivered]->defer != 2) {
			k = jb->delivered;
			s = jb->slots[k];
			jb->slots[k] = NULL;
			jb->delivered++;
			pthread_cond_broadcast(&r.cv);
			pthread_mutex_unlock(&r.mu);
			if (s->defer == 1)
				settle(pg, s);
			rc = hand_over(pg, jb, r.head, (long long)k, s, fn,
			    arg, e);
			pthread_mutex_lock(&r.mu);
			if (rc != 0)
				break;
		} else if (jb->finished && jb->delivered >= jb->nslots) {
			if (pg->o.job_ends) {
				/* every page of the request is out: say so */
				pthread_mutex_unlock(&r.mu);
				memset(&page, 0, sizeof(page));
				page.job = r.head;
				page.n = -1;
				page.records = -1;
				rc = fn(arg, &page, e);
				pthread_mutex_lock(&r.mu);
				if (rc != 0)
					break;
			}
			r.head++;
			pthread_cond_broadcast(&r.cv);
		} else if (!help(&r, jb)) {
			pthread_cond_wait(&r.cv, &r.mu);
		}
	}
	r.stop = 1;
	pthread_cond_broadcast(&r.cv);
	pthread_mutex_unlock(&r.mu);
done:
	if (rc != 0)
		integ_http_cancel(h);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	integ_http_uncancel(h);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
out:
	for (i = 0; i < n; i++) {
		for (k = 0; k < r.jobs[i].nslots; k++)
			slot_free(r.jobs[i].slots[k]);
		free(r.jobs[i].slots);
		integ_request_free(r.jobs[i].first);
	}
	free(r.jobs);
	free(r.tasks);
	return rc;
}
