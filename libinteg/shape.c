/*
 * shape.c: the record shapes (json_int.h) of a stream, made into one
 * matcher for lines that have one of them, so that records of shapes
 * seen before are checked by comparing their fixed bytes and scanning
 * only their scalars.
 *
 * A shape's fixed bytes are everything but its scalars: braces,
 * brackets, commas, member names with their colons. They are gathered
 * into runs, each followed by one scalar (or by nothing, at the end):
 * {"id":  i  ,"name":  s  ,"types":[{"slot":  i  ...  }
 * The shapes of a set share their first runs in a tree: a node is a run
 * and its scalar, its children the runs that may follow. A line is
 * matched by going down from the root: of a node's children at most one
 * has its run there byte for byte and a valid JSON value of its class
 * after it (runs differ in a byte, or one has a scalar where the other
 * has a bracket or a name, or their scalars' classes differ), so no
 * child need be tried again. No whitespace is allowed: a line with any
 * goes to the scanner, which is the reference; a match is what the
 * scanner would read as one text of that very shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

/* A run, its containers' starts and the scalar after it. */
struct run {
	const char	*lit;
	uint32_t	 litlen;
	uint32_t	 nmark;
	const uint32_t	*marks;		/* offsets in lit of '{' and '[' */
	uint32_t	 nv;		/* index of its first value */
	char		 cls;		/* 0: the last run */
};

/* Allocated with its run's marks, then its bytes, after it. */
struct json_shape_node {
	struct run		 r;
	struct json_shape_node	*parent;
	struct json_shape_node	*child;	/* most recently matched first */
	struct json_shape_node	*next;
	size_t			 refs;	/* shapes through here */
	void			*arg;	/* the last run's: its shape's */
	size_t			 nvals;
};

struct json_shapes {
	struct json_shape_node	 root;
};

/* A shape's runs; their bytes and marks are in buffers of their own. */
struct runs {
	struct run	*v;
	size_t		 n;
	char		*bytes;
	uint32_t	*marks;
};

static void
runs_free(struct runs *rs)
{
	free(rs->v);
	free(rs->bytes);
	free(rs->marks);
}

static int
run_eq(const struct run *x, const struct run *y)
{
	return x->litlen == y->litlen && x->cls == y->cls &&
	    x->nmark == y->nmark && memcmp(x->lit, y->lit, x->litlen) == 0 &&
	    memcmp(x->marks, y->marks, x->nmark * sizeof(*x->marks)) == 0;
}

/* The next run: bytes [lit, nb) and marks [mark, nm) of rs's buffers. */
static struct run *
run_add(struct runs *rs, size_t lit, size_t nb, size_t mark, size_t nm,
    size_t nv, char cls)
{
	struct run *r = &rs->v[rs->n++];

	r->lit = rs->bytes + lit;
	r->litlen = (uint32_t)(nb - lit);
	r->marks = rs->marks + mark;
	r->nmark = (uint32_t)(nm - mark);
	r->nv = (uint32_t)nv;
	r->cls = cls;
	return r;
}

/* A shape's runs (runs_free them); -1 when it is not an object's shape. */
static int
runs_make(const char *text, size_t len, struct runs *rs)
{
	const char *p = text, *end = text + len, *q;
	struct run *r;
	char *stack, *b;
	uint32_t *marks;
	size_t depth = 0, nb = 0, nm = 0, nv = 0, lit = 0, mark = 0;
	int first = 1, named = 0;

	/* each shape byte gives at most 2 fixed bytes, a mark or a run */
	rs->bytes = b = integ_xmalloc(2 * len + 1);
	rs->marks = marks = integ_xcalloc(len + 1, sizeof(*marks));
	rs->v = integ_xcalloc(len + 1, sizeof(*rs->v));
	rs->n = 0;
	stack = integ_xmalloc(len + 1);
	while (p < end) {
		char c = *p, top = depth ? stack[depth - 1] : 0;

		if (top == '{' && !named) {
			if (c == '}')
				goto close;
			if (c != '"')
				goto bad;
			/* the scanner's copy of a member name: valid JSON */
			q = integ_json_skip(p, end);
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
			marks[nm++] = (uint32_t)(nb - lit);
			b[nb++] = c;
			stack[depth++] = c;
			first = 1;
			break;
		case 's': case 'i': case 'n': case 'b': case 'z':
			if (depth == 0)		/* records are objects */
				goto bad;
			r = run_add(rs, lit, nb, mark, nm, nv, c);
			nv += r->nmark + 1;
			lit = nb;
			mark = nm;
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
	if (depth != 0 || nb == 0 || b[0] != '{')
		goto bad;
	run_add(rs, lit, nb, mark, nm, nv, 0);
	free(stack);
	return 0;
bad:
	free(stack);
	runs_free(rs);
	return -1;
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
	unsigned c;
	size_t n;

	for (;;) {
		integ_json_str_find16(&u, e);
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
		if ((n = integ_utf8_len(u, (size_t)(e - u))) == 0)
			return NULL;
		u += n;
	}
}

struct json_shapes *
integ_json_shapes_new(void)
{
	return integ_xcalloc(1, sizeof(struct json_shapes));
}

static void
node_free(struct json_shape_node *n)
{
	struct json_shape_node *c, *next;

	for (c = n->child; c != NULL; c = next) {
		next = c->next;
		node_free(c);
	}
	free(n);
}

void
integ_json_shapes_free(struct json_shapes *set)
{
	struct json_shape_node *c, *next;

	if (set == NULL)
		return;
	for (c = set->root.child; c != NULL; c = next) {
		next = c->next;
		node_free(c);
	}
	free(set);
}

/* A node for run r, its bytes and marks copied: one allocation. */
static struct json_shape_node *
node_new(const struct run *r, struct json_shape_node *parent)
{
	struct json_shape_node *c;
	uint32_t *m;
	char *lit;

	c = integ_xcalloc(1, sizeof(*c) + r->nmark * sizeof(*m) + r->litlen);
	m = (uint32_t *)(c + 1);
	lit = (char *)(m + r->nmark);
	memcpy(m, r->marks, r->nmark * sizeof(*m));
	memcpy(lit, r->lit, r->litlen);
	c->r = *r;
	c->r.marks = m;
	c->r.lit = lit;
	c->parent = parent;
	c->next = parent->child;
	parent->child = c;
	return c;
}

struct json_shape_node *
integ_json_shapes_add(struct json_shapes *set, const char *text, size_t len,
    void *arg)
{
	struct json_shape_node *n = &set->root, *c;
	struct runs rs;
	size_t i;

	if (runs_make(text, len, &rs) == -1)
		return NULL;
	/* a shape already here is not added again */
	for (i = 0; i < rs.n && n != NULL; i++) {
		for (c = n->child; c != NULL; c = c->next)
			if (run_eq(&c->r, &rs.v[i]))
				break;
		n = c;
	}
	if (n != NULL) {
		runs_free(&rs);
		return NULL;
	}
	n = &set->root;
	for (i = 0; i < rs.n; i++) {
		for (c = n->child; c != NULL; c = c->next)
			if (run_eq(&c->r, &rs.v[i]))
				break;
		if (c == NULL)
			c = node_new(&rs.v[i], n);
		c->refs++;
		n = c;
	}
	n->arg = arg;
	n->nvals = n->r.nv + n->r.nmark;
	runs_free(&rs);
	return n;
}

void
integ_json_shapes_remove(struct json_shapes *set, struct json_shape_node *n)
{
	struct json_shape_node *up, **pp;

	if (n == NULL)
		return;
	n->arg = NULL;
	for (; n != &set->root; n = up) {
		up = n->parent;
		if (--n->refs > 0)
			continue;
		for (pp = &up->child; *pp != n; pp = &(*pp)->next)
			;
		*pp = n->next;
		n->child = NULL;
		node_free(n);
	}
}

void *
integ_json_shapes_match(struct json_shapes *set, const char *p, size_t len,
    uint32_t *off, size_t *nvals)
{
	const char *const start = p, *const end = p + len, *q = NULL;
	struct json_shape_node *n = &set->root, *c, **pp;
	uint32_t i;
	int frac;

	for (;;) {
		for (pp = &n->child; (c = *pp) != NULL; pp = &c->next) {
			if ((size_t)(end - p) < c->r.litlen ||
			    !fixed_eq(p, c->r.lit, c->r.litlen))
				continue;
			q = p + c->r.litlen;
			if (c->r.cls == 0) {
				if (q == end)
					break;
				continue;
			}
			switch (c->r.cls) {
			case 's':
				if (q == end || *q != '"')
					continue;
				q = string(q + 1, end);
				break;
			case 'i':
			case 'n':
				if ((q = number(q, end, &frac)) != NULL &&
				    frac != (c->r.cls == 'n'))
					q = NULL;
				break;
			case 'b':
				if (end - q >= 4 && memcmp(q, "true", 4) == 0)
					q += 4;
				else if (end - q >= 5 && memcmp(q, "false", 5) == 0)
					q += 5;
				else
					q = NULL;
				break;
			default:	/* 'z' */
				q = end - q >= 4 && memcmp(q, "null", 4) == 0 ?
				    q + 4 : NULL;
				break;
			}
			if (q != NULL)
				break;
		}
		if (c == NULL)
			return NULL;
		for (i = 0; i < c->r.nmark; i++)
			off[c->r.nv + i] = (uint32_t)(p - start) + c->r.marks[i];
		if (c != n->child) {		/* to the front */
			*pp = c->next;
			c->next = n->child;
			n->child = c;
		}
		if (c->r.cls == 0) {
			*nvals = c->nvals;
			return c->arg;
		}
		off[c->r.nv + c->r.nmark] = (uint32_t)(p - start) + c->r.litlen;
		p = q;
		n = c;
	}
}
