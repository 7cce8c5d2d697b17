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
 *
 * Below the matcher, the classifier that uses it for the emitter.
 */
#include <sys/param.h>

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

/*
 * The classifier: what a stream asks of each record (is it valid JSON,
 * does it fit the schema, where is its cursor), answered for a record
 * shaped like one seen before from what that one taught, without
 * walking it again. Records of the same shape fit the schema alike
 * except for the strings it requires to be date-times, and have the
 * cursor at the same place. A small cache keeps what is known of each
 * shape; the shapes seen twice go into the matcher above, so that a
 * line of a known shape is not even scanned.
 */
#define SHAPES		64

struct shape_entry {
	char		*text;
	size_t		 len;
	uint64_t	 used;		/* last use, for replacement */
	int		 dates_known;	/* dates: for every record of this shape */
	uint32_t	*dates;		/* value indexes */
	size_t		 ndates;
	int		 cursor_known;
	long		 cursor;	/* value index, -1: no cursor */
	struct json_shape_node *node;	/* in the set, or NULL */
};

struct shape_classifier {
	const struct integ_path	*cpath;		/* the cursor, or NULL */
	struct integ_json_span	 ckey;		/* a plain one, as JSON */
	/* record shapes seen (a small cache, least recently used goes) */
	struct shape_entry	 shapes[SHAPES];
	size_t			 nshapes;
	size_t			 lasthit;
	uint64_t		 uses;
	struct json_shapes	*set;		/* shapes seen twice, matched */
	int			 again;		/* the last record's shape was known */
	int			 credit;	/* do matchers pay? (shape_line) */
	/* lines: a JSON scanner kept across them */
	struct integ_json_stream *js;
	struct json_shape	*shape;		/* of the record at hand */
	int			 shaping;	/* the scanner gathers shapes */
	int			 need;		/* for more than matching */
	uint64_t		 unshaped;	/* lines read without */
	int			(*fn)(void *, const char *, size_t,
				    struct integ_err *);
	void			*arg;
	struct integ_err	 cbe;		/* what fn said */
	int			 cbfail;
	/* the text fn has at hand, its shape and the entry matched */
	const char		*cur;
	size_t			 curlen;
	const struct json_shape	*cursh;
	struct shape_entry	*curhit;
};

struct shape_classifier *
integ_shape_classifier_new(const struct integ_path *cpath,
    struct integ_json_span ckey)
{
	struct shape_classifier *cl;

	cl = integ_xcalloc(1, sizeof(*cl));
	cl->cpath = cpath;
	cl->ckey = ckey;
	return cl;
}

/* Forget an entry: what it knew, and its shape in the set. */
static void
entry_clear(struct shape_classifier *cl, struct shape_entry *se)
{
	free(se->text);
	free(se->dates);
	integ_json_shapes_remove(cl->set, se->node);
	memset(se, 0, sizeof(*se));
}

void
integ_shape_classifier_free(struct shape_classifier *cl)
{
	if (cl == NULL)
		return;
	/* the entries first: they leave the set */
	while (cl->nshapes > 0)
		entry_clear(cl, &cl->shapes[--cl->nshapes]);
	integ_json_shapes_free(cl->set);
	integ_json_stream_free(cl->js);
	free(cl->shape);
	free(cl);
}

/* The entry of a record's shape, or NULL. */
static struct shape_entry *
shape_find(struct shape_classifier *cl, const struct json_shape *sh)
{
	struct shape_entry *se;
	size_t i;

	se = &cl->shapes[cl->lasthit];
	if (cl->lasthit < cl->nshapes && se->len == sh->len &&
	    memcmp(se->text, sh->text, sh->len) == 0) {
		se->used = ++cl->uses;
		return se;
	}
	for (i = 0; i < cl->nshapes; i++) {
		se = &cl->shapes[i];
		if (se->len == sh->len && memcmp(se->text, sh->text,
		    sh->len) == 0) {
			se->used = ++cl->uses;
			cl->lasthit = i;
			return se;
		}
	}
	return NULL;
}

/* A new entry for the shape, nothing known yet. */
static struct shape_entry *
shape_add(struct shape_classifier *cl, const struct json_shape *sh)
{
	struct shape_entry *se;
	size_t i, old = 0;

	if (cl->nshapes < SHAPES)
		old = cl->nshapes++;
	else
		for (i = 1; i < SHAPES; i++)
			if (cl->shapes[i].used < cl->shapes[old].used)
				old = i;
	se = &cl->shapes[old];
	entry_clear(cl, se);
	se->text = integ_xmalloc(sh->len ? sh->len : 1);
	memcpy(se->text, sh->text, sh->len);
	se->len = sh->len;
	se->used = ++cl->uses;
	cl->lasthit = old;
	return se;
}

/*
 * The entry of a line shaped like a record seen before, with sh's
 * offsets filled in, or NULL (then the scanner reads the line). An entry
 * that does not know yet all the classifier is asked is left to the
 * scanner. check: the schema is asked.
 */
static struct shape_entry *
shape_match(struct shape_classifier *cl, const char *p, size_t len,
    struct json_shape *sh, int check)
{
	struct shape_entry *se;

	if (cl->set == NULL || (se = integ_json_shapes_match(cl->set, p, len,
	    sh->off, &sh->nvals)) == NULL)
		return NULL;
	if ((check && !se->dates_known) ||
	    (cl->cpath != NULL && !se->cursor_known))
		return NULL;
	sh->ok = 1;
	se->used = ++cl->uses;
	cl->lasthit = (size_t)(se - cl->shapes);
	return se;
}

/*
 * A shape the scanner found again goes into the set that shape_match
 * matches: one seen once may never come again.
 */
static void
shape_again(struct shape_classifier *cl, struct shape_entry *se)
{
	cl->again = 1;
	if (se->node != NULL)
		return;
	if (cl->set == NULL)
		cl->set = integ_json_shapes_new();
	se->node = integ_json_shapes_add(cl->set, se->text, se->len, se);
}

/*
 * Are the strings the schema wants as date-times date-times? If value
 * cur is one of them, *curlen is its length when it has the usual layout.
 */
static int
shape_dates_pass(const struct shape_entry *se, const struct json_shape *sh,
    struct integ_json_span v, long cur, size_t *curlen)
{
	size_t i, n;

	*curlen = 0;
	if (cur < 0) {
		for (i = 0; i < se->ndates; i++)
			if (!integ_schema_datetime_at(v.p +
			    sh->off[se->dates[i]], v.p + v.len))
				return 0;
		return 1;
	}
	for (i = 0; i < se->ndates; i++) {
		if (!integ_schema_datetime_usual_at(v.p +
		    sh->off[se->dates[i]], v.p + v.len, &n))
			return 0;
		if ((long)se->dates[i] == cur)
			*curlen = n;
	}
	return 1;
}

/* Where the cursor was found (or not) in v, as a value index. */
static void
shape_cursor(struct shape_entry *se, const struct json_shape *sh,
    struct integ_json_span v, int found, struct integ_json_span c)
{
	size_t lo = 0, hi = sh->nvals, mid;
	uint32_t off;

	if (!found) {
		se->cursor = -1;
		se->cursor_known = 1;
		return;
	}
	off = (uint32_t)(c.p - v.p);
	while (lo < hi) {		/* offsets grow in shape order */
		mid = lo + (hi - lo) / 2;
		if (sh->off[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sh->nvals && sh->off[lo] == off) {
		se->cursor = (long)lo;
		se->cursor_known = 1;
	}
}

void
integ_shape_classify(struct shape_classifier *cl, struct integ_json_span v,
    const struct integ_schema *schema, struct shape_class *k)
{
	const struct json_shape *sh = NULL;
	struct shape_entry *se = NULL;
	struct integ_json_span c = { NULL, 0 };
	int fits = -1, found = -1;
	size_t curlen = 0;

	k->usual = 0;
	/* the text shape_line has at hand, as it was handed out */
	if (cl->cur == v.p && cl->curlen == v.len && cl->cursh != NULL &&
	    cl->cursh->ok) {
		sh = cl->cursh;
		if ((se = cl->curhit) == NULL && (se = shape_find(cl, sh)) !=
		    NULL)
			shape_again(cl, se);
	}
	if (se != NULL) {
		if (schema != NULL && se->dates_known) {
			if (shape_dates_pass(se, sh, v, cl->cpath != NULL &&
			    se->cursor_known ? se->cursor : -1, &curlen))
				fits = 1;
			else {		/* learnt again once it fits */
				free(se->dates);
				se->dates = NULL;
				se->ndates = 0;
				se->dates_known = 0;
			}
		}
		if (cl->cpath != NULL && se->cursor_known &&
		    (found = se->cursor >= 0)) {
			c.p = v.p + sh->off[se->cursor];
			if (fits == 1 && curlen > 0) {
				/* checked as a date-time: its length known */
				c.len = curlen;
				k->usual = 1;
			} else
				c.len = (size_t)(integ_json_skip(c.p,
				    v.p + v.len) - c.p);
		}
	}
	/* a plain cursor is picked up in the pass that checks the schema */
	if (fits == -1 && found == -1 && cl->cpath != NULL &&
	    cl->ckey.len > 0 && schema != NULL)
		fits = integ_schema_fits_grab(schema, v, cl->ckey, &c, &found);
	if (cl->cpath != NULL && found == -1)
		found = integ_path_find(cl->cpath, v, &c);
	if (schema != NULL && fits == -1)
		fits = integ_schema_fits(schema, v);
	/* what this record teaches of its shape */
	if (sh != NULL) {
		if (se == NULL)
			se = shape_add(cl, sh);
		if (cl->cpath != NULL && !se->cursor_known)
			shape_cursor(se, sh, v, found, c);
		if (schema != NULL && fits == 1 && !se->dates_known &&
		    integ_schema_shape_dates(schema, v, sh, &se->dates,
		    &se->ndates) == 0)
			se->dates_known = 1;
	}
	k->fits = fits;
	k->found = found == 1;
	k->cursor = c;
}

static int
on_text(void *arg, const char *p, size_t len)
{
	struct shape_classifier *cl = arg;
	int code;

	cl->cur = p;
	cl->curlen = len;
	cl->cursh = cl->shaping ? cl->shape : NULL;
	cl->curhit = NULL;
	if ((code = cl->fn(cl->arg, p, len, &cl->cbe)) != 0)
		cl->cbfail = 1;
	cl->cur = NULL;
	return code;
}

void
integ_shape_lines(struct shape_classifier *cl, int need,
    int (*fn)(void *, const char *, size_t, struct integ_err *), void *arg)
{
	struct integ_json_sink sink = { on_text, NULL, NULL, NULL, NULL };

	sink.arg = cl;
	cl->fn = fn;
	cl->arg = arg;
	cl->js = integ_json_stream_new(NULL, 0, &sink);
	cl->shape = integ_xmalloc(sizeof(*cl->shape));
	integ_json_stream_shape(cl->js, cl->shape);
	cl->shaping = 1;
	cl->need = need;
}

int
integ_shape_line(struct shape_classifier *cl, const char *p, size_t len,
    int check, struct integ_err *e)
{
	struct shape_entry *se = NULL;
	int code, tried = 0;

	cl->cbfail = 0;
	if (cl->shaping && cl->credit >= 0) {
		tried = 1;
		se = shape_match(cl, p, len, cl->shape, check);
	}
	if (se != NULL) {
		/* a shape seen before, checked without the scanner */
		cl->cur = p;
		cl->curlen = len;
		cl->cursh = cl->shape;
		cl->curhit = se;
		if ((code = cl->fn(cl->arg, p, len, &cl->cbe)) != 0)
			cl->cbfail = 1;
		cl->cur = NULL;
	} else {
		cl->again = 0;
		/* each line is its own input: no text runs on to the next */
		if ((code = integ_json_stream_feed(cl->js, p, len, e)) == 0)
			code = integ_json_stream_end(cl->js, e);
	}
	/*
	 * Where shapes rarely come again (more than the cache holds),
	 * matching would cost more than it spares: credit keeps score of
	 * how often a record's shape was known, tried or not, and below 0
	 * none is tried. Where shapes are gathered anyway a hit spares
	 * about twice what a miss costs; where they serve only matching,
	 * a miss costs about three times what a hit spares (the plain
	 * scanner is quick, the shaping one and its cache are not).
	 */
	if (se != NULL || (!tried && cl->again))
		cl->credit = MIN(cl->credit + (cl->need ? 2 : 1), 32);
	else
		cl->credit = MAX(cl->credit - (cl->need ? 1 : 3), -32);
	/*
	 * Shapes wanted only for matching are not gathered while they
	 * would not pay (the shaping scanner is slower), and tried again
	 * now and then.
	 */
	if (!cl->need && cl->shaping && cl->credit == -32) {
		integ_json_stream_shape(cl->js, NULL);
		cl->shaping = 0;
		cl->unshaped = 0;
	} else if (!cl->shaping && ++cl->unshaped == 4096) {
		integ_json_stream_shape(cl->js, cl->shape);
		cl->shaping = 1;
		cl->credit = 0;
	}
	if (code != 0 && cl->cbfail && e != NULL)
		*e = cl->cbe;
	return code;
}
