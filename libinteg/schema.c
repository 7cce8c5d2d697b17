/*
 * schema.c: JSON Schemas inferred from records. Each node keeps the set
 * of types seen and, for objects and arrays, the nodes of their members
 * and elements; widening only ever adds, so a schema accepts every value
 * it was built from. Property names are kept as their JSON text and in
 * the order first seen, so the schema text is stable.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

enum {
	T_NULL = 1 << 0,
	T_BOOL = 1 << 1,
	T_INT = 1 << 2,
	T_NUM = 1 << 3,
	T_STR = 1 << 4,
	T_OBJ = 1 << 5,
	T_ARR = 1 << 6
};

struct node;

struct prop {
	char		*key;	/* JSON string text, with quotes */
	size_t		 keylen;
	struct node	*node;
};

struct node {
	unsigned	 types;
	int		 notdate;	/* a string that is not a date-time seen */
	struct prop	*props;
	size_t		 nprops;
	struct node	*items;		/* NULL until an element is seen */
};

struct integ_schema {
	struct node	*root;
};

static struct node *
node_new(void)
{
	return integ_xcalloc(1, sizeof(struct node));
}

static void
node_free(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nprops; i++) {
		free(n->props[i].key);
		node_free(n->props[i].node);
	}
	free(n->props);
	node_free(n->items);
	free(n);
}

struct integ_schema *
integ_schema_new(void)
{
	struct integ_schema *s = integ_xcalloc(1, sizeof(*s));

	s->root = node_new();
	return s;
}

void
integ_schema_free(struct integ_schema *s)
{
	if (s == NULL)
		return;
	node_free(s->root);
	free(s);
}

static int
is_integer(struct integ_json_span v)
{
	size_t i;

	for (i = 0; i < v.len; i++)
		if (v.p[i] == '.' || v.p[i] == 'e' || v.p[i] == 'E')
			return 0;
	return 1;
}

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

static int
two(const char *p)
{
	return (p[0] - '0') * 10 + (p[1] - '0');
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * Eight bytes at p laid out as dmask (0x80 in each byte that must be an
 * ASCII digit) and seps (every other byte as it must be).
 */
static int
layout8(const char *p, uint64_t dmask, uint64_t seps)
{
	uint64_t w, t, d;

	memcpy(&w, p, 8);
	t = w & 0x7f7f7f7f7f7f7f7fULL;
	d = (t + 0x5050505050505050ULL) & ~(t + 0x4646464646464646ULL) & ~w &
	    0x8080808080808080ULL;
	return d == dmask && (w & ~((dmask >> 7) * 0xff)) == seps;
}

/* "YYYY-MM-DDTHH:MM:SS" at s, in three overlapping words. */
static int
layout_secs(const char *s)
{
	return layout8(s, 0x0080800080808080ULL, 0x2d00002d00000000ULL) &&
	    layout8(s + 8, 0x8080008080008080ULL, 0x00003a0000540000ULL) &&
	    layout8(s + 11, 0x8080008080008080ULL, 0x00003a00003a0000ULL);
}
#else
static int
layout_secs(const char *s)
{
	return s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
	    s[16] == ':' && dig(s[0]) && dig(s[1]) && dig(s[2]) &&
	    dig(s[3]) && dig(s[5]) && dig(s[6]) && dig(s[8]) && dig(s[9]) &&
	    dig(s[11]) && dig(s[12]) && dig(s[14]) && dig(s[15]) &&
	    dig(s[17]) && dig(s[18]);
}
#endif

/*
 * The usual date-time, "YYYY-MM-DDTHH:MM:SS[.F...]Z" exactly, checked
 * here without the general parser (the same ranges): 1 or 0, or -1 when
 * the text is laid out otherwise.
 */
static inline __attribute__((always_inline)) int
datetime_usual_impl(const char *s, size_t n, const int frac_known)
{
	static const char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d;
	size_t i;

	if (n < 20 || s[n - 1] != 'Z' || !layout_secs(s))
		return -1;
	if (n > 20) {
		if (n == 21 || s[19] != '.')
			return -1;
		for (i = 20; !frac_known && i < n - 1; i++)
			if (!dig(s[i]))
				return -1;
	}
	y = two(s) * 100 + two(s + 2);
	mo = two(s + 5);
	d = two(s + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] + (mo == 2 &&
	    ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) ||
	    two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 60)
		return 0;
	return 1;
}

static int
datetime_usual(const char *s, size_t n)
{
	return datetime_usual_impl(s, n, 0);
}

static int
is_datetime(struct integ_json_span v)
{
	int64_t secs;
	long ns;
	int r;

	if (v.len < 22 || v.len > 64)
		return 0;
	if ((r = datetime_usual(v.p + 1, v.len - 2)) != -1)
		return r;
	/* RFC 3339 has no escapes: a string with one is not a date-time */
	if (memchr(v.p, '\\', v.len) != NULL)
		return 0;
	return integ_time_rfc3339_parse(v.p + 1, v.len - 2, 1, &secs, &ns) == 0;
}

/* The property of key, looked up first where it was last time. */
static struct prop *
prop_find(const struct node *n, struct integ_json_span k, size_t hint)
{
	size_t i;

	if (hint < n->nprops && n->props[hint].keylen == k.len &&
	    memcmp(n->props[hint].key, k.p, k.len) == 0)
		return &n->props[hint];
	for (i = 0; i < n->nprops; i++)
		if (n->props[i].keylen == k.len &&
		    memcmp(n->props[i].key, k.p, k.len) == 0)
			return &n->props[i];
	return NULL;
}

static unsigned
type_of(struct integ_json_span v)
{
	switch (integ_json_type(v)) {
	case INTEG_JSON_NULL:	return T_NULL;
	case INTEG_JSON_FALSE:
	case INTEG_JSON_TRUE:	return T_BOOL;
	case INTEG_JSON_NUMBER:	return is_integer(v) ? T_INT : T_NUM;
	case INTEG_JSON_STRING:	return T_STR;
	case INTEG_JSON_ARRAY:	return T_ARR;
	case INTEG_JSON_OBJECT:	return T_OBJ;
	default:		return 0;
	}
}

static int
node_add(struct node *n, struct integ_json_span v)
{
	struct integ_json_iter it;
	struct integ_json_span k, c;
	struct prop *p;
	unsigned t = type_of(v);
	size_t i = 0;
	int changed = 0;

	if ((n->types & t) == 0) {
		n->types |= t;
		changed = 1;
	}
	if (t == T_STR && !n->notdate && !is_datetime(v)) {
		n->notdate = 1;
		changed = 1;
	} else if (t == T_OBJ) {
		integ_json_iter_init(&it, v);
		for (i = 0; integ_json_iter_next(&it, &k, &c); i++) {
			if ((p = prop_find(n, k, i)) == NULL) {
				n->props = integ_xreallocarray(n->props,
				    n->nprops + 1, sizeof(*n->props));
				p = &n->props[n->nprops++];
				p->key = integ_xstrndup(k.p, k.len);
				p->keylen = k.len;
				p->node = node_new();
				changed = 1;
			}
			changed |= node_add(p->node, c);
		}
	} else if (t == T_ARR) {
		integ_json_iter_init(&it, v);
		while (integ_json_iter_next(&it, NULL, &c)) {
			if (n->items == NULL) {
				n->items = node_new();
				changed = 1;
			}
			changed |= node_add(n->items, c);
		}
	}
	return changed;
}

void
integ_schema_ensure(struct integ_schema *s, const char *name)
{
	struct integ_buf key;
	struct integ_json_span k;
	struct node *n = s->root;
	struct prop *p;

	integ_buf_init(&key, 0);
	integ_json_str_encode(&key, name, strlen(name));
	k.p = key.data;
	k.len = key.len;
	if (prop_find(n, k, 0) == NULL) {
		n->types |= T_OBJ;
		n->props = integ_xreallocarray(n->props, n->nprops + 1,
		    sizeof(*n->props));
		p = &n->props[n->nprops++];
		p->keylen = key.len;
		p->key = integ_buf_take(&key);
		p->node = node_new();
	}
	integ_buf_free(&key);
}

int
integ_schema_add(struct integ_schema *s, struct integ_json_span v)
{
	return node_add(s->root, v);
}

/*
 * Does a node accept the value at p? One pass over text already
 * validated (so no checks of its grammar): the end of the value, or NULL
 * at the first thing the schema does not accept. This runs for every
 * record with Singer; it never steps over the same bytes twice.
 */
static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* The end of the string starting at p (its opening quote). */
static const char *
str_end(const char *p, const char *end)
{
	/* record strings are short: a plain loop beats memchr's setup */
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\')
			p++;
	}
	return end;
}

/* Bytes of a number. */
static int
numchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	    c == 'e' || c == 'E';
}

/* A top-level member picked up on the way (the cursor). */
struct grab {
	const char		*key;	/* JSON text, with quotes */
	size_t			 keylen;
	struct integ_json_span	 value;
	int			 found;
	int			 escaped;	/* a key with an escape seen */
};

static const char *
walk(const struct node *n, const char *p, const char *end, struct grab *g)
{
	const struct prop *pr;
	struct integ_json_span k, v;
	const char *q;
	size_t i;
	int integer;

	p = ws(p, end);
	switch (*p) {
	case '{':
		if ((n->types & T_OBJ) == 0)
			return NULL;
		p = ws(p + 1, end);
		for (i = 0; *p != '}'; i++) {
			k.p = p;
			p = str_end(p, end);
			k.len = (size_t)(p - k.p);
			if ((pr = prop_find(n, k, i)) == NULL)
				return NULL;
			p = ws(ws(p, end) + 1, end);	/* ':' */
			q = p;
			if ((p = walk(pr->node, p, end, NULL)) == NULL)
				return NULL;
			if (g != NULL) {
				if (memchr(k.p, '\\', k.len) != NULL)
					g->escaped = 1;
				else if (k.len == g->keylen &&
				    memcmp(k.p, g->key, k.len) == 0) {
					/* the last of repeated names, as jq */
					g->value.p = q;
					g->value.len = (size_t)(p - q);
					g->found = 1;
				}
			}
			p = ws(p, end);
			if (*p == ',')
				p = ws(p + 1, end);
		}
		return p + 1;
	case '[':
		if ((n->types & T_ARR) == 0)
			return NULL;
		p = ws(p + 1, end);
		while (*p != ']') {
			if (n->items == NULL ||
			    (p = walk(n->items, p, end, NULL)) == NULL)
				return NULL;
			p = ws(p, end);
			if (*p == ',')
				p = ws(p + 1, end);
		}
		return p + 1;
	case '"':
		if ((n->types & T_STR) == 0)
			return NULL;
		q = str_end(p, end);
		if (!n->notdate) {
			v.p = p;
			v.len = (size_t)(q - p);
			if (!is_datetime(v))
				return NULL;
		}
		return q;
	case 't':
		return (n->types & T_BOOL) ? p + 4 : NULL;
	case 'f':
		return (n->types & T_BOOL) ? p + 5 : NULL;
	case 'n':
		return (n->types & T_NULL) ? p + 4 : NULL;
	default:
		integer = 1;
		for (q = p; q < end && numchar((unsigned char)*q); q++)
			if (*q == '.' || *q == 'e' || *q == 'E')
				integer = 0;
		if ((n->types & T_NUM) || (integer && (n->types & T_INT)))
			return q;
		return NULL;
	}
}

int
integ_schema_fits(const struct integ_schema *s, struct integ_json_span v)
{
	return walk(s->root, v.p, v.p + v.len, NULL) != NULL;
}

int
integ_schema_fits_grab(const struct integ_schema *s, struct integ_json_span v,
    struct integ_json_span key, struct integ_json_span *value, int *found)
{
	struct grab g;
	int fits;

	memset(&g, 0, sizeof(g));
	g.key = key.p;
	g.keylen = key.len;
	fits = walk(s->root, v.p, v.p + v.len, &g) != NULL;
	if (!fits || g.escaped)
		*found = -1;
	else if ((*found = g.found) != 0)
		*value = g.value;
	return fits;
}

/*
 * integ_schema_datetime_at, and in *usual the length of the string
 * (quotes included) when it has the usual layout and is a date-time, else 0.
 */
static inline __attribute__((always_inline)) int
datetime_at(const char *p, const char *end, size_t *usual)
{
	struct integ_json_span v;
	const char *q;
	int r;

	*usual = 0;
	if (p >= end || *p != '"')
		return 0;
	/*
	 * The usual layout, without looking for the end first: its 'Z' and
	 * the closing quote come right after the seconds and their fraction.
	 */
	if (end - p >= 22) {
		q = p + 20;
		if (*q == '.')
			for (q++; q < end && dig(*q); q++)
				;
		if (q + 1 < end && q[0] == 'Z' && q[1] == '"') {
			if (q + 2 - p > 64)
				return 0;
			/* its fraction's digits are counted: not again */
			if ((r = datetime_usual_impl(p + 1, (size_t)(q - p),
			    1)) != -1) {
				if (r == 1)
					*usual = (size_t)(q + 2 - p);
				return r;
			}
		}
	}
	/* the first quote ends it unless a backslash came first: then not one */
	if ((q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
		return 0;
	v.p = p;
	v.len = (size_t)(q + 1 - p);
	return is_datetime(v);
}

int
integ_schema_datetime_at(const char *p, const char *end)
{
	size_t usual;

	return datetime_at(p, end, &usual);
}

int
integ_schema_datetime_usual_at(const char *p, const char *end, size_t *usual)
{
	return datetime_at(p, end, usual);
}

/* Where the value shapes say what walk() would check: the date-times. */
struct dates {
	size_t		 i;		/* value index, in shape order */
	size_t		 n;
	size_t		 max;
	uint32_t	*idx;
};

static int
dates_walk(const struct node *n, struct integ_json_span v, struct dates *d)
{
	struct integ_json_iter it;
	struct integ_json_span k, c;
	const struct prop *pr;
	size_t here = d->i++, i;
	unsigned t = type_of(v);

	if ((n->types & t) == 0 && !(t == T_INT && (n->types & T_NUM)))
		return -1;
	switch (t) {
	case T_STR:
		if (n->notdate)
			return 0;
		if (d->n == d->max) {
			d->max = d->max ? d->max * 2 : 4;
			d->idx = integ_xreallocarray(d->idx, d->max,
			    sizeof(*d->idx));
		}
		d->idx[d->n++] = (uint32_t)here;
		return 0;
	case T_OBJ:
		integ_json_iter_init(&it, v);
		for (i = 0; integ_json_iter_next(&it, &k, &c); i++)
			if ((pr = prop_find(n, k, i)) == NULL ||
			    dates_walk(pr->node, c, d) == -1)
				return -1;
		return 0;
	case T_ARR:
		integ_json_iter_init(&it, v);
		while (integ_json_iter_next(&it, NULL, &c))
			if (n->items == NULL || dates_walk(n->items, c, d) == -1)
				return -1;
		return 0;
	default:
		return 0;
	}
}

int
integ_schema_shape_dates(const struct integ_schema *s,
    struct integ_json_span v, const struct json_shape *sh, uint32_t **idx,
    size_t *n)
{
	struct dates d;

	memset(&d, 0, sizeof(d));
	if (!sh->ok || dates_walk(s->root, v, &d) == -1 || d.i != sh->nvals) {
		free(d.idx);
		return -1;
	}
	*idx = d.idx;
	*n = d.n;
	return 0;
}

static int
node_write(const struct node *n, struct integ_buf *b)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ T_NULL, "null" }, { T_BOOL, "boolean" },
		{ T_INT, "integer" }, { T_NUM, "number" },
		{ T_STR, "string" }, { T_OBJ, "object" }, { T_ARR, "array" }
	};
	unsigned types = n->types;
	size_t i, count = 0;
	int r = 0;

	if (types & T_NUM)
		types &= ~T_INT;	/* every integer is a number */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (types & names[i].bit)
			count++;
	r |= integ_buf_adds(b, "{");
	if (count > 0) {
		r |= integ_buf_adds(b, "\"type\":");
		if (count > 1)
			r |= integ_buf_adds(b, "[");
		for (i = 0, count = 0; i < sizeof(names) / sizeof(names[0]);
		    i++) {
			if ((types & names[i].bit) == 0)
				continue;
			r |= integ_buf_printf(b, "%s\"%s\"", count++ ? "," : "",
			    names[i].name);
		}
		if (count > 1)
			r |= integ_buf_adds(b, "]");
	}
	if ((types & T_STR) && !n->notdate)
		r |= integ_buf_adds(b, ",\"format\":\"date-time\"");
	if (types & T_OBJ) {
		r |= integ_buf_adds(b, ",\"properties\":{");
		for (i = 0; i < n->nprops; i++) {
			if (i > 0)
				r |= integ_buf_adds(b, ",");
			r |= integ_buf_add(b, n->props[i].key,
			    n->props[i].keylen);
			r |= integ_buf_adds(b, ":");
			r |= node_write(n->props[i].node, b);
		}
		r |= integ_buf_adds(b, "}");
	}
	if ((types & T_ARR) && n->items != NULL) {
		r |= integ_buf_adds(b, ",\"items\":");
		r |= node_write(n->items, b);
	}
	r |= integ_buf_adds(b, "}");
	return r ? -1 : 0;
}

int
integ_schema_write(const struct integ_schema *s, struct integ_buf *b)
{
	/* a stream's schema is an object schema, even before any record */
	if (s->root->types == 0)
		return integ_buf_adds(b, "{\"type\":\"object\",\"properties\":{}}");
	return node_write(s->root, b);
}
