/*
 * shape.c: a record shape (json_int.h) turned into a matcher for lines
 * that have it, so that a stream of records of a few shapes is checked
 * by comparing their fixed bytes and scanning only their scalars.
 *
 * A shape's fixed bytes are everything but its scalars: braces,
 * brackets, commas, member names with their colons. They are gathered
 * into runs, each followed by one scalar (or by nothing, at the end):
 * {"id":  i  ,"name":  s  ,"types":[{"slot":  i  ...  }
 * A line matches when each run is there byte for byte and each scalar
 * is a valid JSON value of its class. No whitespace is allowed: a line
 * with any goes to the scanner, which is the reference; a match is what
 * the scanner would accept as one text with this very shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "integ.h"
#include "json_int.h"

struct seg {
	uint32_t	 lit;		/* its fixed bytes, in t->bytes */
	uint32_t	 litlen;
	uint32_t	 mark;		/* its containers' starts, in t->marks */
	uint32_t	 nmark;
	uint32_t	 nv;		/* index of its first value */
	char		 cls;		/* the scalar after it; 0: the end */
};

struct json_tmpl {
	char		*bytes;
	struct seg	*segs;
	size_t		 nsegs;
	uint32_t	*marks;		/* offsets in the run */
	size_t		 nvals;
	uint64_t	*hash;		/* hash[i]: of the runs before run i */
};

/* The end of the JSON string text at p (its opening quote), or NULL. */
static const char *
name_end(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* FNV-1a over a run's bytes, scalar class and marks, from h. */
static uint64_t
seg_hash(const struct json_tmpl *t, const struct seg *sg, uint64_t h)
{
	const unsigned char *p = (const unsigned char *)t->bytes + sg->lit;
	size_t i;

	h ^= 0xcbf29ce484222325ULL;
	for (i = 0; i < sg->litlen; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	h = (h ^ (unsigned char)sg->cls) * 0x100000001b3ULL;
	for (i = 0; i < sg->nmark; i++)
		h = (h ^ t->marks[sg->mark + i]) * 0x100000001b3ULL;
	return h;
}

static int
seg_eq(const struct json_tmpl *a, const struct seg *x,
    const struct json_tmpl *b, const struct seg *y)
{
	return x->litlen == y->litlen && x->cls == y->cls &&
	    x->nmark == y->nmark && memcmp(a->bytes + x->lit,
	    b->bytes + y->lit, x->litlen) == 0 && memcmp(a->marks + x->mark,
	    b->marks + y->mark, x->nmark * sizeof(uint32_t)) == 0;
}

struct json_tmpl *
integ_json_tmpl_new(const char *text, size_t len)
{
	struct json_tmpl *t;
	struct seg *sg;
	const char *p = text, *end = text + len, *q;
	char *stack, *b;
	size_t depth = 0, nb = 0, nm = 0, nv = 0, i;
	int first = 1, named = 0;

	/* each shape byte gives at most 2 fixed bytes, a mark or a run */
	t = integ_xcalloc(1, sizeof(*t));
	t->bytes = b = integ_xmalloc(2 * len + 1);
	t->segs = integ_xcalloc(len + 1, sizeof(*t->segs));
	t->marks = integ_xcalloc(len + 1, sizeof(*t->marks));
	stack = integ_xmalloc(len + 1);
	sg = t->segs;
	while (p < end) {
		char c = *p, top = depth ? stack[depth - 1] : 0;

		if (top == '{' && !named) {
			if (c == '}')
				goto close;
			if (c != '"' || (q = name_end(p, end)) == NULL)
				goto bad;
			if (!first)
				b[nb++] = ',';
			memcpy(b + nb, p, (size_t)(q - p));
			nb += (size_t)(q - p);
			b[nb++] = ':';
			first = 0;
			named = 1;
			p = q;
			continue;
		}
		if (top == '[' && c == ']')
			goto close;
		if (top == '[' && !first)
			b[nb++] = ',';
		first = 0;
		named = 0;
		switch (c) {
		case '{':
		case '[':
			t->marks[nm++] = (uint32_t)(nb - sg->lit);
			sg->nmark++;
			b[nb++] = c;
			stack[depth++] = c;
			first = 1;
			nv++;
			break;
		case 's': case 'i': case 'n': case 'b': case 'z':
			if (depth == 0)		/* records are objects */
				goto bad;
			sg->litlen = (uint32_t)(nb - sg->lit);
			sg->cls = c;
			nv++;
			sg++;
			sg->lit = (uint32_t)nb;
			sg->mark = (uint32_t)nm;
			sg->nv = (uint32_t)nv;
			break;
		default:
			goto bad;
		}
		p++;
		continue;
close:
		if (named)
			goto bad;
		b[nb++] = c;
		depth--;
		first = 0;
		named = 0;
		p++;
	}
	if (depth != 0 || nb == 0 || t->bytes[0] != '{')
		goto bad;
	sg->litlen = (uint32_t)(nb - sg->lit);
	t->nsegs = (size_t)(sg - t->segs) + 1;
	t->nvals = nv;
	t->segs = integ_xreallocarray(t->segs, t->nsegs, sizeof(*t->segs));
	t->marks = integ_xreallocarray(t->marks, nm + 1, sizeof(*t->marks));
	t->hash = integ_xreallocarray(NULL, t->nsegs + 1, sizeof(*t->hash));
	t->hash[0] = 0;
	for (i = 0; i < t->nsegs; i++)
		t->hash[i + 1] = seg_hash(t, &t->segs[i], t->hash[i]);
	free(stack);
	return t;
bad:
	free(stack);
	integ_json_tmpl_free(t);
	return NULL;
}

void
integ_json_tmpl_free(struct json_tmpl *t)
{
	if (t == NULL)
		return;
	free(t->bytes);
	free(t->segs);
	free(t->marks);
	free(t->hash);
	free(t);
}

size_t
integ_json_tmpl_nvals(const struct json_tmpl *t)
{
	return t->nvals;
}

size_t
integ_json_tmpl_common(const struct json_tmpl *a, const struct json_tmpl *b)
{
	size_t i;

	for (i = 0; i < a->nsegs && i < b->nsegs; i++)
		if (!seg_eq(a, &a->segs[i], b, &b->segs[i]))
			break;
	return i;
}

int
integ_json_tmpl_may_part_at(const struct json_tmpl *a,
    const struct json_tmpl *b, size_t k)
{
	return k < a->nsegs && k < b->nsegs && a->hash[k] == b->hash[k] &&
	    a->hash[k + 1] != b->hash[k + 1];
}

/* n fixed bytes at p? The caller made sure n bytes are there. */
static inline int
fixed_eq(const char *p, const char *f, size_t n)
{
	uint64_t a, b;
	uint32_t w, x, y, z;

	if (n >= 8) {
		for (; n > 8; n -= 8, p += 8, f += 8) {
			memcpy(&a, p, 8);
			memcpy(&b, f, 8);
			if (a != b)
				return 0;
		}
		/* the last 8, overlapping what was compared */
		memcpy(&a, p + n - 8, 8);
		memcpy(&b, f + n - 8, 8);
		return a == b;
	}
	if (n >= 4) {
		memcpy(&w, p, 4);
		memcpy(&x, f, 4);
		memcpy(&y, p + n - 4, 4);
		memcpy(&z, f + n - 4, 4);
		return ((w ^ x) | (y ^ z)) == 0;
	}
	while (n-- > 0)
		if (*p++ != *f++)
			return 0;
	return 1;
}

static inline int
digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* A number at p: its end, or NULL; *frac: with a fraction or exponent. */
static inline const char *
number(const char *p, const char *end, int *frac)
{
	*frac = 0;
	if (p < end && *p == '-')
		p++;
	if (!digit(p, end))
		return NULL;
	if (*p++ != '0')
		while (digit(p, end))
			p++;
	if (p < end && *p == '.') {
		p++;
		if (!digit(p, end))
			return NULL;
		while (digit(p, end))
			p++;
		*frac = 1;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, end))
			return NULL;
		while (digit(p, end))
			p++;
		*frac = 1;
	}
	return p;
}

static inline int
hex(unsigned c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* A string's body at p (past its quote): past its closing quote, or NULL. */
static const char *
string(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	const unsigned char *e = (const unsigned char *)end;
	unsigned c, lo, hi, n;

	for (;;) {
#ifdef __SSE2__
		const __m128i q = _mm_set1_epi8('"');
		const __m128i bs = _mm_set1_epi8('\\');
		const __m128i sp = _mm_set1_epi8(0x20);

		/* quotes, backslashes, controls and (signed) bytes >= 0x80 */
		while (e - u >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)u);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(v, q),
			    _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, sp)));

			if (m != 0) {
				u += __builtin_ctz(m);
				break;
			}
			u += 16;
		}
#endif
		if (u == e)
			return NULL;
		c = *u;
		if (c == '"')
			return (const char *)u + 1;
		if (c == '\\') {
			if (e - u < 2)
				return NULL;
			switch (u[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				u += 2;
				continue;
			case 'u':
				if (e - u < 6 || !hex(u[2]) || !hex(u[3]) ||
				    !hex(u[4]) || !hex(u[5]))
					return NULL;
				u += 6;
				continue;
			}
			return NULL;
		}
		if (c < 0x20)
			return NULL;
		if (c < 0x80) {
			u++;
			continue;
		}
		/* UTF-8: shortest form, no surrogates, <= U+10FFFF */
		if (c < 0xc2 || c > 0xf4)
			return NULL;
		lo = 0x80;
		hi = 0xbf;
		if (c < 0xe0)
			n = 1;
		else if (c < 0xf0) {
			n = 2;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		} else {
			n = 3;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		}
		if ((unsigned)(e - u) <= n)
			return NULL;
		for (u++; n > 0; n--, u++) {
			if (*u < lo || *u > hi)
				return NULL;
			lo = 0x80;
			hi = 0xbf;
		}
	}
}

int
integ_json_tmpl_match(const struct json_tmpl *t, const char *p, size_t len,
    uint32_t *off, struct json_tmpl_at *at)
{
	const char *const start = p, *const end = p + len, *q;
	const struct seg *sg = t->segs + at->seg, *last = t->segs + t->nsegs;
	size_t i;
	int frac;

	p = start + at->off;
	for (; sg < last; sg++) {
		at->seg = (size_t)(sg - t->segs);
		at->off = (size_t)(p - start);
		if ((size_t)(end - p) < sg->litlen ||
		    !fixed_eq(p, t->bytes + sg->lit, sg->litlen))
			return 0;
		for (i = 0; i < sg->nmark; i++)
			off[sg->nv + i] = (uint32_t)(p - start) +
			    t->marks[sg->mark + i];
		p += sg->litlen;
		if (sg->cls == 0)
			break;
		off[sg->nv + sg->nmark] = (uint32_t)(p - start);
		switch (sg->cls) {
		case 's':
			if (p == end || *p != '"' ||
			    (q = string(p + 1, end)) == NULL)
				return 0;
			break;
		case 'i':
		case 'n':
			if ((q = number(p, end, &frac)) == NULL ||
			    frac != (sg->cls == 'n'))
				return 0;
			break;
		case 'b':
			if (end - p >= 4 && memcmp(p, "true", 4) == 0)
				q = p + 4;
			else if (end - p >= 5 && memcmp(p, "false", 5) == 0)
				q = p + 5;
			else
				return 0;
			break;
		default:	/* 'z' */
			if (end - p < 4 || memcmp(p, "null", 4) != 0)
				return 0;
			q = p + 4;
			break;
		}
		p = q;
	}
	return p == end;
}
