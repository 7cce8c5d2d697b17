/*
 * json_interim.c: a stand-in for the JSON core while it lands on main.
 * Not to be committed once "json core:" is merged.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

struct vp {
	const char *s, *p, *end;
	const char *why;
	int depth;
};

static void
ws(struct vp *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' ||
	    *v->p == '\n' || *v->p == '\r'))
		v->p++;
}

static int value(struct vp *);

static int
utf8(struct vp *v)
{
	const unsigned char *u = (const unsigned char *)v->p;
	size_t left = (size_t)(v->end - v->p), n, i;
	unsigned int c;

	if (u[0] < 0xc2 || u[0] > 0xf4)
		return -1;
	n = u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : 4;
	if (left < n)
		return -1;
	c = u[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return -1;
	v->p += n;
	return 0;
}

static int
string(struct vp *v)
{
	v->p++;
	while (v->p < v->end) {
		unsigned char c = (unsigned char)*v->p;
		if (c == '"') {
			v->p++;
			return 0;
		}
		if (c < 0x20) {
			v->why = "control character in string";
			return -1;
		}
		if (c == '\\') {
			v->p++;
			if (v->p >= v->end)
				break;
			if (*v->p == 'u') {
				int i;
				for (i = 1; i <= 4; i++)
					if (v->p + i >= v->end ||
					    strchr("0123456789abcdefABCDEF",
					    v->p[i]) == NULL || v->p[i] == 0) {
						v->why = "bad \\u escape";
						return -1;
					}
				v->p += 5;
			} else if (strchr("\"\\/bfnrt", *v->p) && *v->p) {
				v->p++;
			} else {
				v->why = "bad escape";
				return -1;
			}
		} else if (c >= 0x80) {
			if (utf8(v) == -1) {
				v->why = "invalid UTF-8";
				return -1;
			}
		} else
			v->p++;
	}
	v->why = "unterminated string";
	return -1;
}

static int
digits(struct vp *v)
{
	const char *s = v->p;

	while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > s ? 0 : -1;
}

static int
number(struct vp *v)
{
	if (*v->p == '-')
		v->p++;
	if (v->p < v->end && *v->p == '0')
		v->p++;
	else if (digits(v) == -1)
		goto bad;
	if (v->p < v->end && *v->p == '.') {
		v->p++;
		if (digits(v) == -1)
			goto bad;
	}
	if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
		v->p++;
		if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
			v->p++;
		if (digits(v) == -1)
			goto bad;
	}
	return 0;
bad:
	v->why = "bad number";
	return -1;
}

static int
lit(struct vp *v, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(v->end - v->p) < n || memcmp(v->p, w, n) != 0) {
		v->why = "unexpected character";
		return -1;
	}
	v->p += n;
	return 0;
}

static int
value(struct vp *v)
{
	int first;

	ws(v);
	if (v->p >= v->end) {
		v->why = "unexpected end";
		return -1;
	}
	switch (*v->p) {
	case '"':
		return string(v);
	case 't':
		return lit(v, "true");
	case 'f':
		return lit(v, "false");
	case 'n':
		return lit(v, "null");
	case '[':
	case '{': {
		char close = *v->p == '[' ? ']' : '}';
		int obj = *v->p == '{';

		if (++v->depth > INTEG_JSON_MAX_DEPTH) {
			v->why = "too deep";
			return -1;
		}
		v->p++;
		for (first = 1;; first = 0) {
			ws(v);
			if (v->p < v->end && *v->p == close && first) {
				v->p++;
				break;
			}
			if (obj) {
				if (v->p >= v->end || *v->p != '"') {
					v->why = "expected a member name";
					return -1;
				}
				if (string(v) == -1)
					return -1;
				ws(v);
				if (v->p >= v->end || *v->p != ':') {
					v->why = "expected ':'";
					return -1;
				}
				v->p++;
			}
			if (value(v) == -1)
				return -1;
			ws(v);
			if (v->p < v->end && *v->p == ',') {
				v->p++;
				continue;
			}
			if (v->p < v->end && *v->p == close) {
				v->p++;
				break;
			}
			v->why = "expected ',' or a close";
			return -1;
		}
		v->depth--;
		return 0;
	}
	default:
		if (*v->p == '-' || (*v->p >= '0' && *v->p <= '9'))
			return number(v);
		v->why = "unexpected character";
		return -1;
	}
}

int
integ_json_validate(const char *s, size_t len, struct integ_json_span *out,
    struct integ_err *e)
{
	struct vp v = { s, s, s + len, NULL, 0 };
	const char *start, *q;
	int line = 1, col = 1;

	ws(&v);
	start = v.p;
	if (value(&v) == 0) {
		const char *vend = v.p;
		ws(&v);
		if (v.p == v.end) {
			if (out != NULL) {
				out->p = start;
				out->len = (size_t)(vend - start);
			}
			return 0;
		}
		v.why = "trailing data";
	}
	for (q = s; q < v.p && q < v.end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	return integ_errf(e, INTEG_EXIT_DATA, "line %d, column %d: %s",
	    line, col, v.why);
}

enum integ_json_type
integ_json_type(struct integ_json_span s)
{
	if (s.len == 0)
		return INTEG_JSON_INVALID;
	switch (s.p[0]) {
	case 'n': return INTEG_JSON_NULL;
	case 'f': return INTEG_JSON_FALSE;
	case 't': return INTEG_JSON_TRUE;
	case '"': return INTEG_JSON_STRING;
	case '[': return INTEG_JSON_ARRAY;
	case '{': return INTEG_JSON_OBJECT;
	default: return INTEG_JSON_NUMBER;
	}
}

const char *
integ_json_type_name(enum integ_json_type t)
{
	static const char *n[] = { "invalid", "null", "boolean", "boolean",
	    "number", "string", "array", "object" };
	return n[t];
}

/* Skip a validated value. */
static const char *
skip(const char *p, const char *end)
{
	int depth = 0;

	do {
		switch (*p) {
		case '"':
			for (p++; *p != '"'; p++)
				if (*p == '\\')
					p++;
			p++;
			break;
		case '[': case '{':
			depth++; p++;
			break;
		case ']': case '}':
			depth--; p++;
			break;
		default:
			if (depth == 0) {
				while (p < end && strchr(",]}: \t\r\n", *p) == NULL)
					p++;
				return p;
			}
			p++;
		}
	} while (depth > 0 && p < end);
	return p;
}

static const char *
skipws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

int
integ_json_iter_init(struct integ_json_iter *it, struct integ_json_span s)
{
	it->object = s.p[0] == '{';
	it->p = s.p + 1;
	it->end = s.p + s.len - 1;
	return 0;
}

int
integ_json_iter_next(struct integ_json_iter *it, struct integ_json_span *key,
    struct integ_json_span *val)
{
	const char *p = skipws(it->p, it->end), *q;

	if (p < it->end && *p == ',')
		p = skipws(p + 1, it->end);
	if (p >= it->end)
		return 0;
	if (it->object) {
		q = skip(p, it->end);
		if (key) { key->p = p; key->len = (size_t)(q - p); }
		p = skipws(q, it->end);
		p = skipws(p + 1, it->end);
	} else if (key) {
		key->p = NULL; key->len = 0;
	}
	q = skip(p, it->end);
	if (val) { val->p = p; val->len = (size_t)(q - p); }
	it->p = q;
	return 1;
}

size_t
integ_json_count(struct integ_json_span s)
{
	struct integ_json_iter it;
	size_t n = 0;

	integ_json_iter_init(&it, s);
	while (integ_json_iter_next(&it, NULL, NULL))
		n++;
	return n;
}

static void
put8(struct integ_buf *b, unsigned long c, int *bad)
{
	char o[4];
	size_t n;

	if (c < 0x80) { o[0] = (char)c; n = 1; }
	else if (c < 0x800) { o[0] = (char)(0xc0 | c >> 6); o[1] = (char)(0x80 | (c & 63)); n = 2; }
	else if (c < 0x10000) { o[0] = (char)(0xe0 | c >> 12); o[1] = (char)(0x80 | ((c >> 6) & 63)); o[2] = (char)(0x80 | (c & 63)); n = 3; }
	else { o[0] = (char)(0xf0 | c >> 18); o[1] = (char)(0x80 | ((c >> 12) & 63)); o[2] = (char)(0x80 | ((c >> 6) & 63)); o[3] = (char)(0x80 | (c & 63)); n = 4; }
	if (integ_buf_add(b, o, n) == -1)
		*bad = 1;
}

int
integ_json_str_decode(struct integ_json_span s, struct integ_buf *b)
{
	const char *p, *end;
	int bad = 0;

	integ_buf_reset(b);
	if (s.len < 2 || s.p[0] != '"')
		return -1;
	if (integ_buf_reserve(b, 0) == -1)
		return -1;
	end = s.p + s.len - 1;
	for (p = s.p + 1; p < end && !bad; p++) {
		if (*p != '\\') {
			if (integ_buf_addc(b, *p) == -1)
				return -1;
			continue;
		}
		p++;
		switch (*p) {
		case 'b': bad = integ_buf_addc(b, '\b'); break;
		case 'f': bad = integ_buf_addc(b, '\f'); break;
		case 'n': bad = integ_buf_addc(b, '\n'); break;
		case 'r': bad = integ_buf_addc(b, '\r'); break;
		case 't': bad = integ_buf_addc(b, '\t'); break;
		case 'u': {
			char h[5] = { p[1], p[2], p[3], p[4], 0 };
			unsigned long c = strtoul(h, NULL, 16);
			p += 4;
			if (c >= 0xd800 && c < 0xdc00 && p + 6 < end + 1 &&
			    p[1] == '\\' && p[2] == 'u') {
				char l[5] = { p[3], p[4], p[5], p[6], 0 };
				unsigned long lo = strtoul(l, NULL, 16);
				if (lo >= 0xdc00 && lo < 0xe000) {
					c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
			}
			put8(b, c, &bad);
			break;
		}
		default: bad = integ_buf_addc(b, *p); break;
		}
	}
	return bad ? -1 : 0;
}

int
integ_json_str_eq(struct integ_json_span s, const char *w, size_t n)
{
	struct integ_buf b;
	int eq;

	if (s.len == n + 2 && memchr(s.p, '\\', s.len) == NULL)
		return memcmp(s.p + 1, w, n) == 0;
	integ_buf_init(&b, 0);
	eq = integ_json_str_decode(s, &b) == 0 && b.len == n &&
	    memcmp(b.data, w, n) == 0;
	integ_buf_free(&b);
	return eq;
}

int
integ_json_str_encode(struct integ_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (integ_buf_addc(b, '"') == -1)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7] = "\\u00";
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			if (integ_buf_add(b, esc, 2) == -1)
				return -1;
		} else if (c < 0x20) {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			if (integ_buf_add(b, esc, 6) == -1)
				return -1;
		} else if (integ_buf_addc(b, c) == -1)
			return -1;
	}
	return integ_buf_addc(b, '"');
}

int
integ_json_compact(struct integ_json_span s, struct integ_buf *b)
{
	const char *p, *end = s.p + s.len;

	for (p = s.p; p < end; p++) {
		if (*p == '"') {
			const char *q = skip(p, end);
			if (integ_buf_add(b, p, (size_t)(q - p)) == -1)
				return -1;
			p = q - 1;
		} else if (strchr(" \t\r\n", *p) == NULL) {
			if (integ_buf_addc(b, *p) == -1)
				return -1;
		}
	}
	return 0;
}

int
integ_json_equal(struct integ_json_span a, struct integ_json_span b)
{
	enum integ_json_type ta = integ_json_type(a), tb = integ_json_type(b);
	struct integ_json_iter ia, ib;
	struct integ_json_span ka, va, kb, vb;

	if (ta != tb)
		return 0;
	switch (ta) {
	case INTEG_JSON_NUMBER:
		if (a.len == b.len && memcmp(a.p, b.p, a.len) == 0)
			return 1;
		return integ_json_number(a) == integ_json_number(b);
	case INTEG_JSON_STRING: {
		struct integ_buf x, y;
		int eq;
		integ_buf_init(&x, 0);
		integ_buf_init(&y, 0);
		integ_json_str_decode(a, &x);
		integ_json_str_decode(b, &y);
		eq = x.len == y.len && (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
		integ_buf_free(&x);
		integ_buf_free(&y);
		return eq;
	}
	case INTEG_JSON_ARRAY:
		integ_json_iter_init(&ia, a);
		integ_json_iter_init(&ib, b);
		for (;;) {
			int na = integ_json_iter_next(&ia, NULL, &va);
			int nb = integ_json_iter_next(&ib, NULL, &vb);
			if (na != nb)
				return 0;
			if (!na)
				return 1;
			if (!integ_json_equal(va, vb))
				return 0;
		}
	case INTEG_JSON_OBJECT:
		if (integ_json_count(a) != integ_json_count(b))
			return 0;
		integ_json_iter_init(&ia, a);
		while (integ_json_iter_next(&ia, &ka, &va)) {
			int found = 0;
			integ_json_iter_init(&ib, b);
			while (integ_json_iter_next(&ib, &kb, &vb))
				if (integ_json_equal(ka, kb)) {
					found = integ_json_equal(va, vb);
					break;
				}
			if (!found)
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

double
integ_json_number(struct integ_json_span s)
{
	char tmp[128];
	size_t n = s.len < sizeof(tmp) - 1 ? s.len : sizeof(tmp) - 1;

	memcpy(tmp, s.p, n);
	tmp[n] = 0;
	return strtod(tmp, NULL);
}

int
integ_json_truthy(struct integ_json_span s)
{
	enum integ_json_type t = integ_json_type(s);

	return t != INTEG_JSON_NULL && t != INTEG_JSON_FALSE;
}

int
integ_json_member(struct integ_json_span o, const char *name,
    struct integ_json_span *out)
{
	struct integ_json_iter it;
	struct integ_json_span k, v;
	size_t n = strlen(name);

	if (integ_json_type(o) != INTEG_JSON_OBJECT)
		return 0;
	integ_json_iter_init(&it, o);
	while (integ_json_iter_next(&it, &k, &v))
		if (integ_json_str_eq(k, name, n)) {
			if (out)
				*out = v;
			return 1;
		}
	return 0;
}

struct integ_path {
	char	*text;
	size_t	 n;
	struct step { char *name; long idx; int isidx; } *s;
};

int
integ_path_compile(const char *text, struct integ_path **out,
    struct integ_err *e)
{
	struct integ_path *p = integ_xcalloc(1, sizeof(*p));
	const char *q = text;

	p->text = integ_xstrdup(text);
	if (strcmp(text, ".") == 0) {
		*out = p;
		return 0;
	}
	while (*q) {
		struct step st = { NULL, 0, 0 };
		if (*q == '.')
			q++;
		if (*q == '[') {
			q++;
			if (*q == '"') {
				const char *r = strchr(q + 1, '"');
				if (r == NULL)
					goto bad;
				st.name = integ_xstrndup(q + 1, (size_t)(r - q - 1));
				q = r + 1;
			} else {
				char *end;
				st.idx = strtol(q, &end, 10);
				st.isidx = 1;
				q = end;
			}
			if (*q != ']')
				goto bad;
			q++;
		} else {
			size_t n = strcspn(q, ".[");
			if (n == 0)
				goto bad;
			st.name = integ_xstrndup(q, n);
			q += n;
		}
		p->s = integ_xreallocarray(p->s, p->n + 1, sizeof(*p->s));
		p->s[p->n++] = st;
	}
	*out = p;
	return 0;
bad:
	integ_path_free(p);
	return integ_errf(e, INTEG_EXIT_USAGE, "bad path: %s", text);
}

void
integ_path_free(struct integ_path *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->s[i].name);
	free(p->s);
	free(p->text);
	free(p);
}

const char *
integ_path_text(const struct integ_path *p)
{
	return p->text;
}

int
integ_path_find(const struct integ_path *p, struct integ_json_span v,
    struct integ_json_span *out)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->s[i].isidx) {
			struct integ_json_iter it;
			struct integ_json_span c;
			long idx = p->s[i].idx, k = 0;
			if (integ_json_type(v) != INTEG_JSON_ARRAY)
				return 0;
			if (idx < 0)
				idx += (long)integ_json_count(v);
			if (idx < 0)
				return 0;
			integ_json_iter_init(&it, v);
			for (;;) {
				if (!integ_json_iter_next(&it, NULL, &c))
					return 0;
				if (k++ == idx)
					break;
			}
			v = c;
		} else if (!integ_json_member(v, p->s[i].name, &v))
			return 0;
	}
	*out = v;
	return 0 == 0;
}
