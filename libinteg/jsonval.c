/*
 * jsonval.c: values as spans of validated JSON text. Nothing here
 * validates again: these functions trust that the text passed
 * integ_json_validate() (or the streaming scanner) and skip fast.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && integ_json_ws((unsigned char)*p))
		p++;
	return p;
}

/* p is just past an opening quote; return just past the closing one. */
static const char *
skip_str(const char *p, const char *end)
{
	const char *q;

	for (;;) {
		q = memchr(p, '"', (size_t)(end - p));
		if (q == NULL)
			return end;
		/* an odd run of backslashes before it escapes it */
		{
			const char *b = q;

			while (b > p && b[-1] == '\\')
				b--;
			if (((q - b) & 1) == 0)
				return q + 1;
		}
		p = q + 1;
	}
}

const char *
integ_json_skip(const char *p, const char *end)
{
	int depth = 0;

	if (p >= end)
		return end;
	switch (*p) {
	case '"':
		return skip_str(p + 1, end);
	case '{':
	case '[':
		break;
	default:
		while (p < end && *p != ',' && *p != ']' && *p != '}' &&
		    *p != ':' && !integ_json_ws((unsigned char)*p))
			p++;
		return p;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_str(p + 1, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return end;
}

enum integ_json_type
integ_json_type(struct integ_json_span v)
{
	if (v.p == NULL || v.len == 0)
		return INTEG_JSON_INVALID;
	switch (v.p[0]) {
	case '{': return INTEG_JSON_OBJECT;
	case '[': return INTEG_JSON_ARRAY;
	case '"': return INTEG_JSON_STRING;
	case 't': return INTEG_JSON_TRUE;
	case 'f': return INTEG_JSON_FALSE;
	case 'n': return INTEG_JSON_NULL;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return INTEG_JSON_NUMBER;
	}
	return INTEG_JSON_INVALID;
}

const char *
integ_json_type_name(enum integ_json_type t)
{
	switch (t) {
	case INTEG_JSON_NULL: return "null";
	case INTEG_JSON_FALSE:
	case INTEG_JSON_TRUE: return "boolean";
	case INTEG_JSON_NUMBER: return "number";
	case INTEG_JSON_STRING: return "string";
	case INTEG_JSON_ARRAY: return "array";
	case INTEG_JSON_OBJECT: return "object";
	default: return "invalid";
	}
}

int
integ_json_iter_init(struct integ_json_iter *it, struct integ_json_span v)
{
	enum integ_json_type t = integ_json_type(v);

	if ((t != INTEG_JSON_ARRAY && t != INTEG_JSON_OBJECT) || v.len < 2) {
		it->p = it->end = NULL;
		it->object = 0;
		return -1;
	}
	it->p = v.p + 1;
	it->end = v.p + v.len - 1;
	it->object = t == INTEG_JSON_OBJECT;
	return 0;
}

int
integ_json_iter_next(struct integ_json_iter *it, struct integ_json_span *key,
    struct integ_json_span *val)
{
	const char *p = it->p, *q;

	if (p == NULL)
		return 0;
	p = skip_ws(p, it->end);
	if (p < it->end && *p == ',')
		p = skip_ws(p + 1, it->end);
	if (p >= it->end) {
		it->p = it->end;
		return 0;
	}
	if (it->object) {
		q = skip_str(p + 1, it->end);
		if (key != NULL) {
			key->p = p;
			key->len = (size_t)(q - p);
		}
		p = skip_ws(q, it->end);
		if (p < it->end && *p == ':')
			p++;
		p = skip_ws(p, it->end);
	} else if (key != NULL) {
		key->p = NULL;
		key->len = 0;
	}
	q = integ_json_skip(p, it->end);
	if (val != NULL) {
		val->p = p;
		val->len = (size_t)(q - p);
	}
	it->p = q;
	return 1;
}

size_t
integ_json_count(struct integ_json_span v)
{
	struct integ_json_iter it;
	size_t n = 0;

	if (integ_json_iter_init(&it, v) == -1)
		return 0;
	while (integ_json_iter_next(&it, NULL, NULL))
		n++;
	return n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static unsigned
hex4(const char *p)
{
	return (unsigned)(hexval((unsigned char)p[0]) << 12 |
	    hexval((unsigned char)p[1]) << 8 |
	    hexval((unsigned char)p[2]) << 4 | hexval((unsigned char)p[3]));
}

static size_t
utf8_put(unsigned char *o, uint32_t u)
{
	if (u < 0x80) {
		o[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (unsigned char)(0xc0 | u >> 6);
		o[1] = (unsigned char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (unsigned char)(0xe0 | u >> 12);
		o[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | u >> 18);
	o[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (u & 0x3f));
	return 4;
}

/*
 * The next piece of a string body at *pp (before end, the closing
 * quote): a run of plain bytes returned in place, or one escape decoded
 * into tmp. A lone surrogate decodes to U+FFFD, as in jq.
 */
static size_t
str_piece(const char **pp, const char *end, const char **out,
    unsigned char tmp[4])
{
	const char *p = *pp, *q;
	uint32_t u, lo;

	if (*p != '\\') {
		q = memchr(p, '\\', (size_t)(end - p));
		if (q == NULL)
			q = end;
		*out = p;
		*pp = q;
		return (size_t)(q - p);
	}
	*out = (const char *)tmp;
	p++;
	switch (*p) {
	case 'b': tmp[0] = '\b'; break;
	case 'f': tmp[0] = '\f'; break;
	case 'n': tmp[0] = '\n'; break;
	case 'r': tmp[0] = '\r'; break;
	case 't': tmp[0] = '\t'; break;
	case 'u':
		u = hex4(p + 1);
		p += 5;
		if (u >= 0xd800 && u < 0xdc00 && end - p >= 6 && p[0] == '\\' &&
		    p[1] == 'u' && (lo = hex4(p + 2)) >= 0xdc00 && lo < 0xe000) {
			u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
			p += 6;
		} else if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		*pp = p;
		return utf8_put(tmp, u);
	default: tmp[0] = (unsigned char)*p; break;
	}
	*pp = p + 1;
	return 1;
}

int
integ_json_str_eq(struct integ_json_span v, const char *s, size_t n)
{
	const char *p, *end, *piece;
	unsigned char tmp[4];
	size_t k;

	if (integ_json_type(v) != INTEG_JSON_STRING || v.len < 2)
		return 0;
	p = v.p + 1;
	end = v.p + v.len - 1;
	/* the common case: no escapes */
	if ((size_t)(end - p) == n && memcmp(p, s, n) == 0)
		return 1;
	while (p < end) {
		k = str_piece(&p, end, &piece, tmp);
		if (k > n || memcmp(piece, s, k) != 0)
			return 0;
		s += k;
		n -= k;
	}
	return n == 0;
}

int
integ_json_str_decode(struct integ_json_span v, struct integ_buf *b)
{
	const char *p, *end, *piece;
	unsigned char tmp[4];
	size_t k;

	integ_buf_reset(b);
	if (integ_json_type(v) != INTEG_JSON_STRING || v.len < 2)
		return -1;
	if (integ_buf_reserve(b, 0) == -1)
		return -1;
	p = v.p + 1;
	end = v.p + v.len - 1;
	while (p < end) {
		k = str_piece(&p, end, &piece, tmp);
		if (integ_buf_add(b, piece, k) == -1)
			return -1;
	}
	return 0;
}

int
integ_json_str_encode(struct integ_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *r;
	char esc[8];
	size_t k;

	if (integ_buf_addc(b, '"') == -1)
		return -1;
	while (p < end) {
		r = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		    *p != '\\')
			p++;
		if (p > r && integ_buf_add(b, r, (size_t)(p - r)) == -1)
			return -1;
		if (p == end)
			break;
		if (*p >= 0x80) {
			if ((k = integ_utf8_len(p, (size_t)(end - p))) == 0) {
				if (integ_buf_adds(b, "\\ufffd") == -1)
					return -1;
				p++;
			} else {
				if (integ_buf_add(b, p, k) == -1)
					return -1;
				p += k;
			}
			continue;
		}
		esc[0] = '\\';
		switch (*p) {
		case '"': esc[1] = '"'; k = 2; break;
		case '\\': esc[1] = '\\'; k = 2; break;
		case '\b': esc[1] = 'b'; k = 2; break;
		case '\f': esc[1] = 'f'; k = 2; break;
		case '\n': esc[1] = 'n'; k = 2; break;
		case '\r': esc[1] = 'r'; k = 2; break;
		case '\t': esc[1] = 't'; k = 2; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			k = 6;
		}
		if (integ_buf_add(b, esc, k) == -1)
			return -1;
		p++;
	}
	return integ_buf_addc(b, '"');
}

int
integ_json_compact(struct integ_json_span v, struct integ_buf *b)
{
	const char *p = v.p, *end = v.p + v.len, *r;

	if (integ_buf_reserve(b, v.len) == -1)
		return -1;
	while (p < end) {
		r = p;
		while (p < end && !integ_json_ws((unsigned char)*p) && *p != '"')
			p++;
		if (p < end && *p == '"')
			p = skip_str(p + 1, end);
		if (p > r && integ_buf_add(b, r, (size_t)(p - r)) == -1)
			return -1;
		while (p < end && integ_json_ws((unsigned char)*p))
			p++;
	}
	return 0;
}

/*
 * A number as sign, significant digits (no leading or trailing zeros)
 * and the decimal exponent of the last digit: equal values, equal forms.
 */
struct canon {
	int		 neg;
	const char	*digits;	/* into buf */
	size_t		 nd;
	long long	 exp;
};

static void
num_canon(struct integ_json_span v, char *buf, struct canon *c)
{
	const char *p = v.p, *end = v.p + v.len;
	long long e = 0, x = 0;
	size_t n = 0, i;
	int eneg = 0;

	c->neg = 0;
	if (p < end && *p == '-') {
		c->neg = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if (n > 0 || *p != '0')
			buf[n++] = *p;
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			if (n > 0 || *p != '0')
				buf[n++] = *p;
			e--;
		}
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			if (x < 1000000000000000LL)
				x = x * 10 + (*p - '0');
		e += eneg ? -x : x;
	}
	i = n;
	while (i > 0 && buf[i - 1] == '0') {
		i--;
		e++;
	}
	c->digits = buf;
	c->nd = i;
	c->exp = i == 0 ? 0 : e;
	if (i == 0)
		c->neg = 0;
}

static int
num_equal(struct integ_json_span a, struct integ_json_span b)
{
	char sa[64], sb[64], *ba, *bb;
	struct canon ca, cb;
	int eq;

	if (a.len == b.len && memcmp(a.p, b.p, a.len) == 0)
		return 1;
	ba = a.len <= sizeof(sa) ? sa : integ_xmalloc(a.len);
	bb = b.len <= sizeof(sb) ? sb : integ_xmalloc(b.len);
	num_canon(a, ba, &ca);
	num_canon(b, bb, &cb);
	eq = ca.neg == cb.neg && ca.nd == cb.nd && ca.exp == cb.exp &&
	    memcmp(ca.digits, cb.digits, ca.nd) == 0;
	if (ba != sa)
		free(ba);
	if (bb != sb)
		free(bb);
	return eq;
}

static int
str_equal(struct integ_json_span a, struct integ_json_span b)
{
	const char *pa = a.p + 1, *ea = a.p + a.len - 1;
	const char *pb = b.p + 1, *eb = b.p + b.len - 1;
	const char *xa = NULL, *xb = NULL;
	unsigned char ta[4], tb[4];
	size_t na = 0, nb = 0, k;

	if (a.len == b.len && memcmp(a.p, b.p, a.len) == 0)
		return 1;
	for (;;) {
		if (na == 0 && pa < ea)
			na = str_piece(&pa, ea, &xa, ta);
		if (nb == 0 && pb < eb)
			nb = str_piece(&pb, eb, &xb, tb);
		if (na == 0 || nb == 0)
			return na == 0 && nb == 0;
		k = na < nb ? na : nb;
		if (memcmp(xa, xb, k) != 0)
			return 0;
		xa += k;
		xb += k;
		na -= k;
		nb -= k;
	}
}

/* An object's last member whose name equals the name span's. */
static int
member_by_span(struct integ_json_span obj, struct integ_json_span name,
    struct integ_json_span *out)
{
	struct integ_json_iter it;
	struct integ_json_span k, v;
	int found = 0;

	integ_json_iter_init(&it, obj);
	while (integ_json_iter_next(&it, &k, &v))
		if (str_equal(k, name)) {
			*out = v;
			found = 1;
		}
	return found;
}

static int
equal(struct integ_json_span a, struct integ_json_span b, int depth)
{
	enum integ_json_type t = integ_json_type(a);
	struct integ_json_iter ia, ib;
	struct integ_json_span ka, va, vb;

	if (t != integ_json_type(b) || depth > INTEG_JSON_MAX_DEPTH)
		return 0;
	switch (t) {
	case INTEG_JSON_NUMBER:
		return num_equal(a, b);
	case INTEG_JSON_STRING:
		return str_equal(a, b);
	case INTEG_JSON_ARRAY:
		integ_json_iter_init(&ia, a);
		integ_json_iter_init(&ib, b);
		for (;;) {
			int ha = integ_json_iter_next(&ia, NULL, &va);
			int hb = integ_json_iter_next(&ib, NULL, &vb);

			if (!ha || !hb)
				return ha == hb;
			if (!equal(va, vb, depth + 1))
				return 0;
		}
	case INTEG_JSON_OBJECT:
		/* a repeated name counts once, with its last value */
		integ_json_iter_init(&ia, a);
		while (integ_json_iter_next(&ia, &ka, &va)) {
			struct integ_json_span last;

			if (!member_by_span(a, ka, &last) || last.p != va.p)
				continue;
			if (!member_by_span(b, ka, &vb) ||
			    !equal(va, vb, depth + 1))
				return 0;
		}
		/* and b has no name that a lacks */
		integ_json_iter_init(&ib, b);
		while (integ_json_iter_next(&ib, &ka, NULL))
			if (!member_by_span(a, ka, &va))
				return 0;
		return 1;
	case INTEG_JSON_INVALID:
		return 0;
	default:
		return 1;
	}
}

int
integ_json_equal(struct integ_json_span a, struct integ_json_span b)
{
	return equal(a, b, 0);
}

double
integ_json_number(struct integ_json_span v)
{
	char sbuf[64], *buf;
	double d;

	if (integ_json_type(v) != INTEG_JSON_NUMBER)
		return 0;
	buf = v.len < sizeof(sbuf) ? sbuf : integ_xmalloc(v.len + 1);
	memcpy(buf, v.p, v.len);
	buf[v.len] = '\0';
	d = strtod(buf, NULL);
	if (buf != sbuf)
		free(buf);
	return d;
}

int
integ_json_truthy(struct integ_json_span v)
{
	enum integ_json_type t = integ_json_type(v);

	return t != INTEG_JSON_NULL && t != INTEG_JSON_FALSE &&
	    t != INTEG_JSON_INVALID;
}

int
integ_json_member(struct integ_json_span obj, const char *name,
    struct integ_json_span *out)
{
	struct integ_json_iter it;
	struct integ_json_span k, v;
	size_t n = strlen(name);
	int found = 0;

	if (integ_json_type(obj) != INTEG_JSON_OBJECT)
		return 0;
	integ_json_iter_init(&it, obj);
	while (integ_json_iter_next(&it, &k, &v))
		if (integ_json_str_eq(k, name, n)) {
			if (out != NULL)
				*out = v;
			found = 1;
		}
	return found;
}

char *
integ_json_member_str(struct integ_json_span obj, const char *name,
    size_t max)
{
	struct integ_json_span v;
	struct integ_buf b;

	if (!integ_json_member(obj, name, &v) ||
	    integ_json_type(v) != INTEG_JSON_STRING)
		return NULL;
	integ_buf_init(&b, max);
	if (integ_json_str_decode(v, &b) == -1) {
		integ_buf_free(&b);
		return NULL;
	}
	if (b.len == 0) {
		/* "" may leave the buffer allocated but not terminated */
		integ_buf_free(&b);
		return integ_xstrdup("");
	}
	return integ_buf_take(&b);
}
