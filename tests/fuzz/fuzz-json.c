/*
 * fuzz-json: the JSON scanner. Every input is validated as one text and
 * streamed as a stream of texts, whole and in chunks whose sizes come
 * from the input; the results must agree, and a valid text must survive
 * compact, iteration and equality with itself. Each record's shape, as
 * the scanner gathers it, is what a walk of the record makes of it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct out {
	struct integ_buf b;
	int texts;
	int whole;		/* fed in one chunk */
	struct json_shape *shape;
	struct json_shape *ref;
};

/* The shape of v (json_int.h) by walking it; len may pass SHAPE_MAX. */
static void
shape_ref(struct integ_json_span v, const char *base, struct json_shape *r,
    size_t *len)
{
	static const char cls[] = { [INTEG_JSON_NULL] = 'z',
	    [INTEG_JSON_FALSE] = 'b', [INTEG_JSON_TRUE] = 'b',
	    [INTEG_JSON_NUMBER] = 'i', [INTEG_JSON_STRING] = 's',
	    [INTEG_JSON_ARRAY] = '[', [INTEG_JSON_OBJECT] = '{' };
	struct integ_json_iter it;
	struct integ_json_span k, c;
	enum integ_json_type t = integ_json_type(v);
	char ch = cls[t];

	if (t == INTEG_JSON_NUMBER && (memchr(v.p, '.', v.len) ||
	    memchr(v.p, 'e', v.len) || memchr(v.p, 'E', v.len)))
		ch = 'n';
	if (*len < SHAPE_MAX) {
		r->off[r->nvals++] = (uint32_t)(v.p - base);
		r->text[*len] = ch;
	}
	(*len)++;
	if (t != INTEG_JSON_ARRAY && t != INTEG_JSON_OBJECT)
		return;
	integ_json_iter_init(&it, v);
	while (integ_json_iter_next(&it, &k, &c)) {
		if (k.p != NULL) {
			if (*len + k.len <= SHAPE_MAX)
				memcpy(r->text + *len, k.p, k.len);
			*len += k.len;
		}
		shape_ref(c, base, r, len);
	}
	if (*len < SHAPE_MAX)
		r->text[*len] = t == INTEG_JSON_ARRAY ? ']' : '}';
	(*len)++;
}

static void
shape_check(struct out *o, const char *p, size_t n)
{
	struct integ_json_span v;
	struct json_shape *sh = o->shape, *r = o->ref;
	size_t len = 0;

	if (integ_json_validate(p, n, &v, NULL) != 0 || v.p != p ||
	    v.len != n)
		abort();		/* records are compact valid texts */
	r->nvals = 0;
	shape_ref(v, p, r, &len);
	if (sh->ok && (len != sh->len || r->nvals != sh->nvals ||
	    memcmp(r->text, sh->text, len) != 0 ||
	    memcmp(r->off, sh->off, r->nvals * sizeof(*r->off)) != 0))
		abort();
	/* known whenever it fits, unless a name was cut between chunks */
	if (!sh->ok && o->whole && len < SHAPE_MAX)
		abort();
}

static int
rec(void *arg, const char *p, size_t n)
{
	struct out *o = arg;

	shape_check(o, p, n);
	integ_buf_add(&o->b, p, n);
	integ_buf_addc(&o->b, '\n');
	return 0;
}

static int
text(void *arg, int found)
{
	((struct out *)arg)->texts++;
	return 0;
}

static int
trailer(void *arg, int code, const char *p, size_t n)
{
	return 0;
}

/* Stream with chunk sizes from seed; returns the status. */
static int
stream(const char *p, size_t n, unsigned seed, struct out *o,
    struct integ_err *e)
{
	struct integ_json_sink sink = { rec, text, trailer, o, NULL };
	struct integ_json_stream *s;
	size_t off = 0, k;
	int rc = 0;

	integ_buf_init(&o->b, 0);
	o->texts = 0;
	o->whole = seed == 0;
	s = integ_json_stream_new(NULL, 0, &sink);
	if (integ_json_stream_shape(s, o->shape) != 0)
		abort();
	while (off < n && rc == 0) {
		k = seed ? 1 + (seed = seed * 1103515245 + 12345) % 17 : n;
		if (k > n - off)
			k = n - off;
		rc = integ_json_stream_feed(s, p + off, k, e);
		off += k;
	}
	if (rc == 0)
		rc = integ_json_stream_end(s, e);
	integ_json_stream_free(s);
	return rc;
}

static void
walk(struct integ_json_span v, struct integ_buf *tmp, int depth)
{
	struct integ_json_iter it;
	struct integ_json_span k, c;

	switch (integ_json_type(v)) {
	case INTEG_JSON_STRING:
		if (integ_json_str_decode(v, tmp) != 0)
			abort();
		if (!integ_json_str_eq(v, tmp->data, tmp->len))
			abort();
		break;
	case INTEG_JSON_NUMBER:
		(void)integ_json_number(v);
		break;
	case INTEG_JSON_ARRAY:
	case INTEG_JSON_OBJECT:
		if (integ_json_iter_init(&it, v) != 0)
			abort();
		while (integ_json_iter_next(&it, &k, &c)) {
			if (k.p != NULL)
				walk(k, tmp, depth + 1);
			walk(c, tmp, depth + 1);
		}
		break;
	case INTEG_JSON_INVALID:
		abort();
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct integ_json_span v, cv;
	struct integ_buf c, tmp;
	struct integ_err e;
	struct out a, b;
	int ra, rb, rv;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.shape = b.shape = integ_xmalloc(sizeof(*a.shape));
	a.ref = b.ref = integ_xmalloc(sizeof(*a.ref));
	rv = integ_json_validate(p, size, &v, &e);
	ra = stream(p, size, 0, &a, &e);
	rb = stream(p, size, size ? data[0] + 1u : 1u, &b, &e);
	if (ra != rb || a.b.len != b.b.len ||
	    (a.b.len && memcmp(a.b.data, b.b.data, a.b.len) != 0))
		abort();
	if (rv == 0) {
		/* one valid text streams to its compact form */
		integ_buf_init(&c, 0);
		integ_json_compact(v, &c);
		if (ra != 0 || a.texts != 1 || a.b.len != c.len + 1 ||
		    memcmp(a.b.data, c.data, c.len) != 0)
			abort();
		if (integ_json_validate(c.data, c.len, &cv, NULL) != 0 ||
		    !integ_json_equal(v, cv) || !integ_json_equal(cv, v))
			abort();
		integ_buf_init(&tmp, 0);
		walk(v, &tmp, 0);
		integ_buf_free(&tmp);
		integ_buf_free(&c);
	}
	integ_buf_free(&a.b);
	integ_buf_free(&b.b);
	free(a.shape);
	free(a.ref);
	return 0;
}
