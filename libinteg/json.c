/*
 * json.c: the one implementation of the JSON grammar (RFC 8259).
 *
 * A resumable scanner is fed chunks of a stream of JSON texts. It
 * validates everything (grammar, numbers, escapes, UTF-8, depth) and,
 * given a path, copies the values found there to a callback as compact
 * bytes: whitespace outside strings dropped, every other byte kept as
 * it came. integ_json_validate() runs the same scanner over one buffer.
 *
 * Speed comes from a few tight loops: string bodies are scanned eight
 * bytes at a time for '"', '\\', control bytes and non-ASCII; records
 * are copied with memcpy in runs between whitespace (minified input:
 * one run per record, or no copy at all when a record lies in one chunk).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

enum {
	S_TOP,		/* between texts */
	S_BOM,		/* inside a byte-order mark at offset 0 */
	S_VALUE,	/* a value must come (after ':' or an array's ',') */
	S_ARR_FIRST,	/* after '[': a value or ']' */
	S_OBJ_FIRST,	/* after '{': a key or '}' */
	S_KEY,		/* after an object's ',': a key */
	S_COLON,	/* after a key */
	S_AFTER,	/* after a value in a container: ',' or the close */
	S_STR,		/* in a string */
	S_STR_ESC,	/* after a backslash */
	S_STR_U,	/* in \uXXXX: sub hex digits seen */
	S_STR_UTF8,	/* in a multibyte sequence: sub bytes to come */
	S_NUM,		/* in a number: sub is the number state */
	S_LIT,		/* in true/false/null: sub bytes matched */
	S_TRAILER,	/* in an "integ-error: " line */
	S_CUT,		/* a text cut: is the next line a trailer? */
	S_DONE,		/* validate: the one text has ended */
	S_ERROR
};

enum {			/* number states */
	N_MINUS,	/* "-" */
	N_ZERO,		/* "0" or "-0" */
	N_INT,		/* integer digits */
	N_DOT,		/* "." */
	N_FRAC,		/* fraction digits */
	N_E,		/* "e" */
	N_ESIGN,	/* "e+" */
	N_EXP		/* exponent digits */
};

#define C_ARR	0
#define C_OBJ	1

#define TRAILER_MAX	4096
#define REC_MAX_DEFAULT	((size_t)256 << 20)

/*
 * A member name repeated on the path: the last one wins (as in jq). The
 * records of the earlier member have gone to the sink by then; they are
 * taken back with the sink's retract, or the text fails.
 */
struct path_hit {
	uint64_t	 nrec;		/* records delivered before it */
	int		 found;
	int		 seen;
};

struct integ_json_stream {
	int		 state;
	int		 sub;
	const char	*lit;
	unsigned char	 u8lo, u8hi;
	int		 depth;
	int		 in_key;
	int		 glued;		/* a top-level scalar just ended */
	int		 single;	/* validate: exactly one text */
	int		 whole;		/* no path: every text is a record */
	unsigned char	 stack[INTEG_JSON_MAX_DEPTH + 2];

	/* positions: absolute byte offsets in this input */
	uint64_t	 base;		/* offset of the chunk's first byte */
	uint64_t	 line;
	uint64_t	 linestart;
	uint64_t	 textstart, textend;
	uint64_t	 ntexts;
	uint64_t	 errline;	/* of a pending trailer */
	/* a text cut by a line break: the error, unless a trailer follows */
	int		 cut;
	uint64_t	 cutoff;
	struct integ_err cuterr;

	/* the path */
	const struct integ_path *path;	/* NULL: whole texts */
	int		 nsteps;	/* steps matched while streaming */
	int		 rest;		/* a step < 0 follows: capture, then find */
	int		 watch;		/* depth of the on-path container (-2: none) */
	int		 keyhit;
	int		 capkey;	/* 1 capturing a key, 2 too long */
	size_t		 keymax;
	int64_t		*cnt;		/* element counters, by depth */
	struct path_hit	*hits;		/* object steps met, by depth */
	uint64_t	 nrec;		/* records delivered in this text */
	struct integ_buf key;
	const unsigned char *kmark;

	/* records */
	int		 recparent;	/* depth whose children are records */
	int		 emitting;
	int		 recdepth;
	int		 found;
	const unsigned char *mark;
	struct integ_buf rec;
	struct integ_buf trailer;
	struct integ_json_sink sink;
	int		(*on_mark)(void *, const char *, size_t);

	/* record shapes (json_int.h) */
	struct json_shape *shape;
	const unsigned char *shkey;	/* where the member name began */
};

static const char *
bytename(int c, char buf[16])
{
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 16, "'%c'", c);
	else if (c == ' ')
		snprintf(buf, 16, "space");
	else if (c == '\n')
		snprintf(buf, 16, "newline");
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static int
fail_at(struct integ_json_stream *s, uint64_t off, struct integ_err *e,
    const char *why, int c)
{
	char name[16];
	int rc;

	s->state = S_ERROR;
	if (c >= 0)
		rc = integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column %llu: %s %s",
		    (unsigned long long)s->line,
		    (unsigned long long)(off - s->linestart + 1), why,
		    bytename(c, name));
	else
		rc = integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column %llu: %s",
		    (unsigned long long)s->line,
		    (unsigned long long)(off - s->linestart + 1), why);
	/*
	 * A stage upstream that failed in the middle of a text (a --stream
	 * body cut) ends that line and writes its trailer on the next: the
	 * error stands only if the line after the break is not one.
	 */
	if (s->sink.trailer != NULL && (c == '\n' ||
	    (c == 'i' && off == s->linestart))) {
		s->cut = 1;
		s->cutoff = c == '\n' ? off + 1 : off;
		s->errline = c == '\n' ? s->line + 1 : s->line;
		if (e != NULL)
			s->cuterr = *e;
		else
			integ_errf(&s->cuterr, rc, "malformed");
	}
	return rc;
}

static void
stream_init(struct integ_json_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->line = 1;
	s->recparent = -1;
	s->recdepth = -1;
	integ_buf_init(&s->key, 0);
	integ_buf_init(&s->rec, 0);
	integ_buf_init(&s->trailer, TRAILER_MAX);
}

/* Back to the start of an input. */
static void
stream_restart(struct integ_json_stream *s)
{
	s->state = S_TOP;
	s->depth = 0;
	s->glued = 0;
	s->base = 0;
	s->line = 1;
	s->linestart = 0;
	s->watch = s->whole ? -2 : 0;
	s->capkey = 0;
	s->recparent = s->whole ? 0 : -1;
	s->emitting = 0;
	s->found = 0;
	s->nrec = 0;
	/* once a line with integ-emit: only what was used */
	if (s->rec.len > 0)
		integ_buf_reset(&s->rec);
	if (s->key.len > 0)
		integ_buf_reset(&s->key);
	if (s->trailer.len > 0)
		integ_buf_reset(&s->trailer);
}

/* Append [a, b) to the record. */
static int
rec_add(struct integ_json_stream *s, const unsigned char *a,
    const unsigned char *b, struct integ_err *e)
{
	if (a < b && integ_buf_add(&s->rec, a, (size_t)(b - a)) == -1)
		return integ_errf(e, INTEG_EXIT_DATA,
		    "a record is larger than %zu bytes", s->rec.max);
	return 0;
}

static int
key_add(struct integ_json_stream *s, const unsigned char *a,
    const unsigned char *b)
{
	if (s->capkey != 1 || a >= b)
		return 0;
	if ((size_t)(b - a) > s->keymax - s->key.len ||
	    integ_buf_add(&s->key, a, (size_t)(b - a)) == -1) {
		s->capkey = 2;
		integ_buf_reset(&s->key);
	}
	return 0;
}

/* A value found at the path's streamed prefix, captured whole. */
static int
deliver_rest(struct integ_json_stream *s, const char *p, size_t len)
{
	struct integ_json_span v = { p, len }, out, key, el;
	struct integ_json_iter it;
	int rc;

	if (!integ_path_find_from(s->path, s->nsteps, v, &out) ||
	    integ_json_type(out) == INTEG_JSON_NULL)
		return 0;
	s->found = 1;
	if (integ_json_type(out) != INTEG_JSON_ARRAY) {
		s->nrec++;
		return s->sink.record(s->sink.arg, out.p, out.len);
	}
	integ_json_iter_init(&it, out);
	while (integ_json_iter_next(&it, &key, &el)) {
		s->nrec++;
		if ((rc = s->sink.record(s->sink.arg, el.p, el.len)) != 0)
			return rc;
	}
	return 0;
}

/* The record that started at s->mark (or earlier) ends before p. */
static inline __attribute__((always_inline)) int
rec_end(struct integ_json_stream *s, const unsigned char *p,
    struct integ_err *e)
{
	const char *r;
	size_t len;
	int rc;

	s->emitting = 0;
	if (s->rec.len == 0) {
		r = (const char *)s->mark;
		len = (size_t)(p - s->mark);
		if (len > s->rec.max)
			return integ_errf(e, INTEG_EXIT_DATA,
			    "a record is larger than %zu bytes", s->rec.max);
	} else {
		if ((rc = rec_add(s, s->mark, p, e)) != 0)
			return rc;
		r = s->rec.data;
		len = s->rec.len;
	}
	if (s->sink.record == NULL)
		rc = 0;
	else if (s->rest)
		rc = deliver_rest(s, r, len);
	else {
		s->nrec++;
		rc = s->sink.record(s->sink.arg, r, len);
	}
	integ_buf_reset(&s->rec);
	if (rc != 0)
		return integ_errf(e, rc, "stopped by the record callback");
	return 0;
}

static inline __attribute__((always_inline)) int
text_end(struct integ_json_stream *s, struct integ_err *e)
{
	int rc;

	s->ntexts++;
	if (s->sink.text != NULL &&
	    (rc = s->sink.text(s->sink.arg, s->found)) != 0)
		return integ_errf(e, rc, "stopped by the text callback");
	s->found = 0;
	s->nrec = 0;
	s->watch = s->whole ? -2 : 0;
	return 0;
}

/*
 * The key just read names the path's step at this depth. A second time
 * in one object, the member before it loses: what it gave is taken back.
 */
static int __attribute__((noinline))
path_key(struct integ_json_stream *s, struct integ_err *e)
{
	struct path_hit *h = &s->hits[s->depth];
	char esc[128];
	uint64_t n;
	int rc;

	if (!h->seen) {
		h->seen = 1;
		h->nrec = s->nrec;
		h->found = s->found;
		return 0;
	}
	s->found = h->found;
	if ((n = s->nrec - h->nrec) == 0)
		return 0;
	s->nrec = h->nrec;
	if (s->sink.retract != NULL && (rc = s->sink.retract(s->sink.arg,
	    n)) == 0)
		return 0;
	integ_secret_escape(esc, sizeof(esc), s->path->steps[s->depth - 1].name,
	    s->path->steps[s->depth - 1].namelen);
	return integ_errf(e, INTEG_EXIT_DATA, "the member \"%s\" on the "
	    "path comes again after %llu records of the one before were "
	    "delivered: the last one wins, as in jq, but those cannot be "
	    "taken back", esc, (unsigned long long)n);
}

/*
 * At the start of a value (byte c at p) inside the on-path container,
 * or at the top: is it at the path, or on the way there?
 */
static inline __attribute__((always_inline)) void
path_value(struct integ_json_stream *s, int c, const unsigned char *p)
{
	const struct path_step *st;
	int hit, d = s->depth;

	if (d == 0)
		hit = 1;
	else if (s->stack[d] == C_OBJ)
		hit = s->keyhit;
	else {
		st = &s->path->steps[d - 1];
		hit = st->kind == PATH_INDEX && s->cnt[d] == st->index;
		s->cnt[d]++;
	}
	if (!hit)
		return;
	if (d < s->nsteps) {
		if (c == '[' || c == '{') {
			s->watch = d + 1;
			s->cnt[d + 1] = 0;
			s->hits[d + 1].seen = 0;
			s->keyhit = 0;
		}
		return;
	}
	/* the value at the path */
	if (c == 'n')
		return;
	if (!s->rest)
		s->found = 1;
	if (c == '[' && !s->rest) {
		s->recparent = d + 1;
		return;
	}
	s->emitting = 1;
	s->recdepth = d;
	s->mark = p;
}

/* Bytes in a word that need a look: '"', '\\', < 0x20, >= 0x80. */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
static inline uint64_t
special8(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return ((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((w - ONES * 0x20) & ~w) | w;
}

/* The shape class of a value, by its first byte (json_int.h). */
static const unsigned char shape_class[256] = {
	['"'] = 's', ['{'] = '{', ['['] = '[', ['t'] = 'b', ['f'] = 'b',
	['n'] = 'z', ['-'] = 'i', ['0'] = 'i', ['1'] = 'i', ['2'] = 'i',
	['3'] = 'i', ['4'] = 'i', ['5'] = 'i', ['6'] = 'i', ['7'] = 'i',
	['8'] = 'i', ['9'] = 'i'
};

/* A value starts at p (byte c); a record starts with its first value. */
static inline void
shape_value(struct integ_json_stream *s, unsigned c, const unsigned char *p)
{
	struct json_shape *sh = s->shape;

	if (sh->len >= SHAPE_MAX) {
		sh->ok = 0;
		return;
	}
	/* each value adds a byte: nvals <= len < SHAPE_MAX */
	sh->off[sh->nvals++] = (uint32_t)(s->rec.len + (size_t)(p - s->mark));
	sh->text[sh->len++] = (char)shape_class[c];
}

/* A container closes with byte c. */
static inline void
shape_close(struct integ_json_stream *s, unsigned c)
{
	struct json_shape *sh = s->shape;

	if (sh->len >= SHAPE_MAX) {
		sh->ok = 0;
		return;
	}
	sh->text[sh->len++] = (char)c;
}

/* A member name ends before q (past its closing quote); the chunk at end. */
static inline void
shape_key(struct integ_json_stream *s, const unsigned char *q,
    const unsigned char *end)
{
	struct json_shape *sh = s->shape;
	const unsigned char *k = s->shkey;
	char *d;
	size_t n;

	if (k == NULL) {		/* it began in an earlier chunk */
		sh->ok = 0;
		return;
	}
	n = (size_t)(q - k);
	if (n > SHAPE_MAX - sh->len) {
		sh->ok = 0;
		return;
	}
	d = sh->text + sh->len;
	/* names are short: fixed-size copies (text has room past the end) */
	if (n <= 16 && end - k >= 16)
		memcpy(d, k, 16);
	else if (n >= 8 && n <= 16) {
		memcpy(d, k, 8);
		memcpy(d + n - 8, k + n - 8, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(d, k, 4);
		memcpy(d + n - 4, k + n - 4, 4);
	} else if (n < 4) {
		memcpy(d, k, 2);	/* n >= 2: the quotes */
		memcpy(d + n - 2, k + n - 2, 2);
	} else
		memcpy(d, k, n);
	sh->len += n;
}

/*
 * Feed n bytes. Returns 0, INTEG_EXIT_DATA (malformed), or what a
 * callback returned to stop.
 *
 * Threaded code: each state is a label and a transition jumps straight
 * to the next one; s->state is written only when the chunk runs out
 * (AT) and read only on entry.
 *
 * Compiled twice (scan below): shaping, a constant, gathers record
 * shapes; the plain scanner carries none of it.
 */
static inline __attribute__((always_inline)) int
scan_impl(struct integ_json_stream *s, const unsigned char *p, size_t n,
    struct integ_err *e, const int shaping)
{
	const unsigned char *const start = p, *const end = p + n;
	unsigned int c;
	int rc = 0;

#define OFF(q)	(s->base + (uint64_t)((q) - start))
#define FAIL(why, ch) do { rc = fail_at(s, OFF(p), e, why, (ch)); goto out; } while (0)
#define CHECK(x) do { if ((rc = (x)) != 0) { s->state = S_ERROR; goto out; } } while (0)
#define AT(st) do { if (p == end) { s->state = (st); goto out; } c = *p; } while (0)
	/* whitespace inside a text, not copied; c is the first byte */
#define SKIPWS() do {							\
	if (s->emitting)						\
		CHECK(rec_add(s, s->mark, p, e));			\
	do {								\
		if (c == '\n') {					\
			s->line++;					\
			s->linestart = OFF(p) + 1;			\
		}							\
		if (++p == end)						\
			break;						\
		c = *p;							\
	} while (integ_json_ws(c));					\
	s->mark = p;							\
} while (0)
	/* at whitespace: skip it, then take the same state again */
#define SKIPWS_TO(l) do {						\
	if (integ_json_ws(c)) {						\
		SKIPWS();						\
		goto l;							\
	}								\
} while (0)

	if (s->state == S_ERROR)
		return integ_errf(e, INTEG_EXIT_DATA, "scanner used after an error");
	if (s->emitting)
		s->mark = p;
	if (s->capkey == 1)
		s->kmark = p;
	if (shaping)
		s->shkey = NULL;
	switch (s->state) {
	case S_TOP:		goto L_top;
	case S_BOM:		goto L_bom;
	case S_VALUE:		goto L_value;
	case S_ARR_FIRST:	goto L_arr_first;
	case S_OBJ_FIRST:	goto L_obj_first;
	case S_KEY:		goto L_key;
	case S_COLON:		goto L_colon;
	case S_AFTER:		goto L_after;
	case S_STR:		goto L_str;
	case S_STR_ESC:		goto L_str_esc;
	case S_STR_U:		goto L_str_u;
	case S_STR_UTF8:	goto L_str_utf8;
	case S_NUM:		goto L_num;
	case S_LIT:		goto L_lit;
	case S_TRAILER:		goto L_trailer;
	case S_DONE:		goto L_done;
	}
	abort();

L_top:
	for (;;) {
		AT(S_TOP);
		if (!integ_json_ws(c))
			break;
		s->glued = 0;
		if (c == '\n') {
			s->line++;
			s->linestart = OFF(p) + 1;
		}
		p++;
	}
	if (c == 0xef && OFF(p) == 0 && !s->single) {
		s->sub = 1;
		p++;
		goto L_bom;
	}
	if (c == 'i' && OFF(p) == s->linestart && s->sink.trailer != NULL) {
		s->errline = s->line;
		integ_buf_reset(&s->trailer);
		goto L_trailer;
	}
	if (s->glued && ((c >= '0' && c <= '9') || c == '-' ||
	    (c >= 'a' && c <= 'z')))
		FAIL("no space between texts at", c);
	s->textstart = OFF(p);
	goto value;

L_bom:
	AT(S_BOM);
	if (c != (s->sub == 1 ? 0xbb : 0xbf))
		FAIL("bad byte-order mark:", c);
	p++;
	if (++s->sub == 3)
		goto L_top;
	goto L_bom;

L_trailer: {
	const unsigned char *nl;
	int code;

	AT(S_TRAILER);
	nl = memchr(p, '\n', (size_t)(end - p));
	if (integ_buf_add(&s->trailer, p, (size_t)((nl ? nl : end) - p)) == -1) {
		rc = integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column 1: unexpected 'i'",
		    (unsigned long long)s->errline);
		s->state = S_ERROR;
		goto out;
	}
	if (nl == NULL) {
		p = end;
		goto L_trailer;
	}
	if (s->on_mark != NULL && (rc = s->on_mark(s->sink.arg,
	    s->trailer.data, s->trailer.len)) != -1) {
		/* a window's end, between texts: passed on, go on */
		p = nl + 1;
		s->line++;
		s->linestart = OFF(p);
		s->glued = 0;
		if (rc != 0) {
			integ_errf(e, rc, "a window mark: stopped");
			s->state = S_ERROR;
			goto out;
		}
		goto L_top;
	}
	if (!integ_trailer_parse(s->trailer.data, s->trailer.len, &code,
	    NULL)) {
		rc = integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column 1: unexpected 'i'",
		    (unsigned long long)s->errline);
		s->state = S_ERROR;
		goto out;
	}
	p = nl + 1;
	rc = s->sink.trailer(s->sink.arg, code, s->trailer.data,
	    s->trailer.len);
	if (rc == 0)
		rc = code;
	integ_errf(e, rc, "%.*s", (int)s->trailer.len, s->trailer.data);
	s->state = S_ERROR;
	goto out;
}

L_done:
	AT(S_DONE);
	if (!integ_json_ws(c))
		FAIL("unexpected data after the text:", c);
	if (c == '\n') {
		s->line++;
		s->linestart = OFF(p) + 1;
	}
	p++;
	goto L_done;

L_arr_first:
	AT(S_ARR_FIRST);
	if (c == ']')
		goto close;
	SKIPWS_TO(L_arr_first);
	goto value;

L_value:
	AT(S_VALUE);
	if (__builtin_expect(integ_json_ws(c), 0)) {
		SKIPWS();
		goto L_value;
	}
	goto value;

L_obj_first:
	AT(S_OBJ_FIRST);
	if (c == '}')
		goto close;
	SKIPWS_TO(L_obj_first);
	goto key;

L_key:
	AT(S_KEY);
key:
	if (__builtin_expect(c != '"', 0)) {
		SKIPWS_TO(L_key);
		FAIL("expected a member name, got", c);
	}
	s->in_key = 1;
	if (shaping)
		s->shkey = p;
	if (s->depth == s->watch) {
		s->capkey = 1;
		integ_buf_reset(&s->key);
		s->kmark = p;
	}
	p++;
	goto L_str;

L_colon:
	AT(S_COLON);
	if (c == ':') {
		p++;
		goto L_value;
	}
	SKIPWS_TO(L_colon);
	FAIL("expected ':', got", c);

L_after:
	AT(S_AFTER);
	if (c == ',') {
		p++;
		if (s->stack[s->depth] == C_OBJ)
			goto L_key;
		goto L_value;
	}
	if (c == (s->stack[s->depth] == C_OBJ ? '}' : ']'))
		goto close;
	SKIPWS_TO(L_after);
	FAIL(s->stack[s->depth] == C_OBJ ? "expected ',' or '}', got" :
	    "expected ',' or ']', got", c);

L_str_esc:
	AT(S_STR_ESC);
	switch (c) {
	case '"': case '\\': case '/': case 'b': case 'f':
	case 'n': case 'r': case 't':
		p++;
		goto L_str;
	case 'u':
		s->sub = 0;
		p++;
		goto L_str_u;
	}
	FAIL("bad escape: backslash and", c);

L_str_u:
	AT(S_STR_U);
	if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
		p++;
		if (++s->sub == 4)
			goto L_str;
		goto L_str_u;
	}
	FAIL("bad \\u escape: expected a hex digit, got", c);

L_str_utf8:
	AT(S_STR_UTF8);
	if (c < s->u8lo || c > s->u8hi)
		FAIL("invalid UTF-8:", c);
	p++;
	s->u8lo = 0x80;
	s->u8hi = 0xbf;
	if (--s->sub == 0)
		goto L_str;
	goto L_str_utf8;

L_lit:
	AT(S_LIT);
	if (c != (unsigned char)s->lit[s->sub])
		FAIL("invalid literal at", c);
	p++;
	if (s->lit[++s->sub] == '\0')
		goto scalar_end;
	goto L_lit;

value:
	/* c at p starts a value */
	if (s->depth == s->watch)
		path_value(s, c, p);
	else if (s->depth == s->recparent) {
		s->emitting = 1;
		s->recdepth = s->depth;
		s->mark = p;
		if (shaping) {		/* a record starts */
			s->shape->ok = 1;
			s->shape->len = 0;
			s->shape->nvals = 0;
		}
	}
	if (shaping)
		shape_value(s, c, p);
	switch (c) {
	case '"':
		s->in_key = 0;
		p++;
		goto L_str;
	case '{':
	case '[':
		if (s->depth == INTEG_JSON_MAX_DEPTH)
			FAIL("nesting deeper than 1024 levels at", c);
		p++;
		if (c == '{') {
			s->stack[++s->depth] = C_OBJ;
			goto L_obj_first;
		}
		s->stack[++s->depth] = C_ARR;
		goto L_arr_first;
	case '-':
		s->sub = N_MINUS;
		p++;
		goto L_num;
	case '0':
		s->sub = N_ZERO;
		p++;
		goto L_num;
	case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		/* the common integer, whole in the chunk */
		p++;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p < end && (*p == ',' || *p == '}' || *p == ']'))
			goto scalar_end;
		s->sub = N_INT;
		goto L_num;
	case 't':
		s->lit = "true";
		break;
	case 'f':
		s->lit = "false";
		break;
	case 'n':
		s->lit = "null";
		break;
	default:
		FAIL("expected a value, got", c);
	}
	/* a literal */
	if (end - p >= 5 && memcmp(p, s->lit, 4) == 0 &&
	    (c != 'f' || p[4] == 'e')) {
		p += c == 'f' ? 5 : 4;
		goto scalar_end;
	}
	s->sub = 1;
	p++;
	goto L_lit;

close:
	if (shaping)
		shape_close(s, c);
	p++;
	if (s->depth == s->watch)
		s->watch--;
	if (s->depth == s->recparent)
		s->recparent = -1;
	s->depth--;
	goto value_end;

scalar_end:
	if (s->depth == 0)
		s->glued = 1;
	/* FALLTHROUGH */
value_end:
	/* p is just past the value */
	if (s->emitting && s->depth == s->recdepth)
		CHECK(rec_end(s, p, e));
	if (s->depth > 0)
		goto L_after;
	CHECK(text_end(s, e));
	s->textend = OFF(p);
	if (s->single)
		goto L_done;
	goto L_top;

L_str:
	/* inside a string body, at p */
	for (;;) {
#ifdef __SSE2__
		if (integ_json_str_find16(&p, end))
			goto special;
#endif
		while (end - p >= 8) {
			uint64_t w, m;

			memcpy(&w, p, 8);
			m = special8(w) & HIGHS;
			if (m != 0) {
				p += __builtin_ctzll(m) >> 3;
				break;
			}
			p += 8;
		}
		if (p == end) {
			s->state = S_STR;
			goto out;
		}
#ifdef __SSE2__
special:
#endif
		c = *p;
		if (c == '"') {
			p++;
			if (!s->in_key)
				goto value_end;
			if (shaping)
				shape_key(s, p, end);
			if (s->capkey) {
				const struct path_step *st =
				    &s->path->steps[s->depth - 1];

				key_add(s, s->kmark, p);
				s->keyhit = s->capkey == 1 &&
				    st->kind == PATH_NAME && integ_json_str_eq(
				    (struct integ_json_span){ s->key.data,
				    s->key.len }, st->name, st->namelen);
				s->capkey = 0;
				if (s->keyhit)
					CHECK(path_key(s, e));
			}
			goto L_colon;
		}
		if (c == '\\') {
			p++;
			if (p == end || *p == 'u')
				goto L_str_esc;
			switch (*p) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p++;
				continue;
			}
			FAIL("bad escape: backslash and", *p);
		}
		if (c < 0x80 && c >= 0x20) {
			p++;
			continue;
		}
		if (c < 0x20)
			FAIL("control character in a string:", c);
		/* UTF-8: shortest form, no surrogates, <= U+10FFFF */
		if (c < 0xc2 || c > 0xf4)
			FAIL("invalid UTF-8:", c);
		if (c < 0xe0) {
			s->sub = 1;
			s->u8lo = 0x80;
			s->u8hi = 0xbf;
		} else if (c < 0xf0) {
			s->sub = 2;
			s->u8lo = c == 0xe0 ? 0xa0 : 0x80;
			s->u8hi = c == 0xed ? 0x9f : 0xbf;
		} else {
			s->sub = 3;
			s->u8lo = c == 0xf0 ? 0x90 : 0x80;
			s->u8hi = c == 0xf4 ? 0x8f : 0xbf;
		}
		p++;
		while (p < end && s->sub > 0) {
			if (*p < s->u8lo || *p > s->u8hi)
				FAIL("invalid UTF-8:", *p);
			s->u8lo = 0x80;
			s->u8hi = 0xbf;
			s->sub--;
			p++;
		}
		if (s->sub > 0)
			goto L_str_utf8;
	}

L_num:
	/* inside a number, at p */
	while (p < end) {
		c = *p;
		switch (s->sub) {
		case N_MINUS:
			if (c == '0')
				s->sub = N_ZERO;
			else if (c >= '1' && c <= '9')
				s->sub = N_INT;
			else
				FAIL("expected a digit after '-', got", c);
			p++;
			continue;
		case N_ZERO:
		case N_INT:
		case N_FRAC:
		case N_EXP:
			if (c >= '0' && c <= '9') {
				if (s->sub == N_ZERO)
					FAIL("leading zero in a number:", c);
				p++;
				while (p < end && *p >= '0' && *p <= '9')
					p++;
				continue;
			}
			if (c == '.' && (s->sub == N_ZERO || s->sub == N_INT)) {
				s->sub = N_DOT;
				p++;
				continue;
			}
			if ((c == 'e' || c == 'E') && s->sub != N_EXP) {
				s->sub = N_E;
				p++;
				continue;
			}
			break;
		case N_DOT:
			if (c < '0' || c > '9')
				FAIL("expected a digit after '.', got", c);
			s->sub = N_FRAC;
			p++;
			continue;
		case N_E:
			if (c == '+' || c == '-') {
				s->sub = N_ESIGN;
				p++;
				continue;
			}
			/* FALLTHROUGH */
		case N_ESIGN:
			if (c < '0' || c > '9')
				FAIL("expected a digit in an exponent, got", c);
			s->sub = N_EXP;
			p++;
			continue;
		}
		/* the number ended before c */
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '.' || c == '+' || c == '-')
			FAIL("invalid number at", c);
		/* its class byte is the last one written (len >= 1) */
		if (shaping && (s->sub == N_FRAC || s->sub == N_EXP))
			s->shape->text[s->shape->len - 1] = 'n';
		goto scalar_end;
	}
	s->state = S_NUM;
	goto out;

out:
	if (rc == 0) {
		if (s->emitting)
			rc = rec_add(s, s->mark, end, e);
		if (s->capkey == 1)
			key_add(s, s->kmark, end);
		if (rc != 0)
			s->state = S_ERROR;
	}
	s->base += (uint64_t)(end - start);
	return rc;
#undef OFF
#undef FAIL
#undef CHECK
#undef AT
#undef SKIPWS
#undef SKIPWS_TO
}

static int __attribute__((noinline))
scan_plain(struct integ_json_stream *s, const unsigned char *p, size_t n,
    struct integ_err *e)
{
	return scan_impl(s, p, n, e, 0);
}

static int __attribute__((noinline))
scan_shaping(struct integ_json_stream *s, const unsigned char *p, size_t n,
    struct integ_err *e)
{
	return scan_impl(s, p, n, e, 1);
}

/*
 * After a text cut by a line break: gather the next line; a trailer is
 * passed on as at the top, anything else is the error of the cut.
 */
static int
cut_line(struct integ_json_stream *s, const unsigned char *p, size_t n,
    int last, struct integ_err *e)
{
	const unsigned char *nl;
	int code, rc;

	nl = memchr(p, '\n', n);
	if (integ_buf_add(&s->trailer, p, nl != NULL ? (size_t)(nl - p) : n) ==
	    -1)
		nl = p;		/* too long for a trailer */
	else if (nl == NULL && !last) {
		s->state = S_CUT;
		return 0;
	}
	s->state = S_ERROR;
	s->cut = 0;
	if (!integ_trailer_parse(s->trailer.data, s->trailer.len, &code,
	    NULL)) {
		if (e != NULL)
			*e = s->cuterr;
		return s->cuterr.code;
	}
	s->cut = 2;	/* integ_json_stream_cut() */
	rc = s->sink.trailer(s->sink.arg, code, s->trailer.data,
	    s->trailer.len);
	return integ_errf(e, rc ? rc : code, "%.*s", (int)s->trailer.len,
	    s->trailer.data);
}

static int
scan(struct integ_json_stream *s, const unsigned char *p, size_t n,
    struct integ_err *e)
{
	uint64_t at;
	int rc;

	if (s->state == S_CUT)
		return cut_line(s, p, n, 0, e);
	if (s->shape != NULL)
		rc = scan_shaping(s, p, n, e);
	else
		rc = scan_plain(s, p, n, e);
	if (rc == 0 || s->cut != 1)
		return rc;
	/* s->base has moved past this chunk */
	at = s->cutoff - (s->base - n);
	integ_buf_reset(&s->trailer);
	return cut_line(s, p + at, n - (size_t)at, 0, e);
}

/* The end of an input. */
static int
scan_end(struct integ_json_stream *s, struct integ_err *e)
{
	static const unsigned char sp = ' ';
	const char *what;
	int rc, code;

	switch (s->state) {
	case S_TOP:
	case S_DONE:
		return 0;
	case S_ERROR:
		return integ_errf(e, INTEG_EXIT_DATA, "scanner used after an error");
	case S_NUM:
		if (s->sub == N_ZERO || s->sub == N_INT || s->sub == N_FRAC ||
		    s->sub == N_EXP) {
			/* a number ends at the end of the input: feed a space */
			rc = scan(s, &sp, 1, e);
			s->base--;
			return rc != 0 ? rc : scan_end(s, e);
		}
		what = "a number";
		break;
	case S_CUT:
		return cut_line(s, (const unsigned char *)"", 0, 1, e);
	case S_TRAILER:
		if (s->on_mark != NULL && (rc = s->on_mark(s->sink.arg,
		    s->trailer.data, s->trailer.len)) != -1) {
			s->state = S_TOP;
			if (rc != 0) {
				s->state = S_ERROR;
				return integ_errf(e, rc, "a window mark: "
				    "stopped");
			}
			return 0;
		}
		if (integ_trailer_parse(s->trailer.data, s->trailer.len,
		    &code, NULL)) {
			rc = s->sink.trailer(s->sink.arg, code,
			    s->trailer.data, s->trailer.len);
			s->state = S_ERROR;
			return integ_errf(e, rc ? rc : code, "%.*s",
			    (int)s->trailer.len, s->trailer.data);
		}
		s->state = S_ERROR;
		return integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column 1: unexpected 'i'",
		    (unsigned long long)s->errline);
	case S_STR:
	case S_STR_ESC:
	case S_STR_U:
	case S_STR_UTF8:
		what = "a string";
		break;
	case S_LIT:
		what = "a literal";
		break;
	case S_BOM:
		what = "a byte-order mark";
		break;
	default:
		what = s->depth > 0 && s->stack[s->depth] == C_OBJ ?
		    "an object" : "an array";
		break;
	}
	s->state = S_ERROR;
	return integ_errf(e, INTEG_EXIT_DATA,
	    "line %llu, column %llu: unexpected end of input in %s",
	    (unsigned long long)s->line,
	    (unsigned long long)(s->base - s->linestart + 1), what);
}

/* Scan p as exactly one text with s, then free s. */
static int
validate_one(struct integ_json_stream *s, const char *p, size_t len,
    struct integ_json_span *value, struct integ_err *e)
{
	int rc;

	s->single = 1;
	if ((rc = scan(s, (const unsigned char *)p, len, e)) == 0 &&
	    (rc = scan_end(s, e)) == 0 && s->ntexts == 0)
		rc = integ_errf(e, INTEG_EXIT_DATA,
		    "line %llu, column %llu: no JSON text",
		    (unsigned long long)s->line,
		    (unsigned long long)(len - s->linestart + 1));
	if (rc == 0 && value != NULL) {
		value->p = p + s->textstart;
		value->len = (size_t)(s->textend - s->textstart);
	}
	integ_json_stream_free(s);
	return rc;
}

int
integ_json_validate(const char *p, size_t len, struct integ_json_span *value,
    struct integ_err *e)
{
	struct integ_json_stream *s;

	s = integ_xmalloc(sizeof(*s));
	stream_init(s);
	return validate_one(s, p, len, value, e);
}

/*
 * One text, validated whole, whose records at path reach fn as they end
 * (pointing into p): a page is scanned once, not validated and then
 * split.
 */
int
integ_json_validate_records(const char *p, size_t len,
    const struct integ_path *path, int (*fn)(void *, const char *, size_t),
    int (*retract)(void *, uint64_t), void *arg,
    struct integ_json_span *value, struct integ_err *e)
{
	struct integ_json_sink sink = { fn, NULL, NULL, arg, retract };

	/* a record is part of the text: its size is bounded by the text's */
	return validate_one(integ_json_stream_new(path, len + 1, &sink), p,
	    len, value, e);
}

struct integ_json_stream *
integ_json_stream_new(const struct integ_path *path, size_t maxrec,
    const struct integ_json_sink *sink)
{
	struct integ_json_stream *s;
	int i;

	s = integ_xmalloc(sizeof(*s));
	stream_init(s);
	s->sink = *sink;
	s->rec.max = maxrec ? maxrec : REC_MAX_DEFAULT;
	s->path = path;
	if (path == NULL) {
		/* whole texts: the root is a record, null included */
		s->whole = 1;
		s->recparent = 0;
		s->nsteps = -1;
		s->watch = -2;
		return s;
	}
	s->nsteps = path->nsteps;
	for (i = 0; i < path->nsteps; i++) {
		if (path->steps[i].kind == PATH_INDEX &&
		    path->steps[i].index < 0) {
			s->nsteps = i;
			s->rest = 1;
			break;
		}
	}
	s->cnt = integ_xcalloc((size_t)s->nsteps + 2, sizeof(*s->cnt));
	s->hits = integ_xcalloc((size_t)s->nsteps + 2, sizeof(*s->hits));
	for (i = 0; i < s->nsteps; i++) {
		size_t k = path->steps[i].namelen * 6 + 2;

		if (k > s->keymax)
			s->keymax = k;
	}
	return s;
}

void
integ_json_stream_free(struct integ_json_stream *s)
{
	if (s == NULL)
		return;
	free(s->cnt);
	free(s->hits);
	integ_buf_free(&s->key);
	integ_buf_free(&s->rec);
	integ_buf_free(&s->trailer);
	free(s);
}

int
integ_json_stream_feed(struct integ_json_stream *s, const void *p, size_t n,
    struct integ_err *e)
{
	return scan(s, p, n, e);
}

int
integ_json_stream_end(struct integ_json_stream *s, struct integ_err *e)
{
	int rc;

	rc = scan_end(s, e);
	if (rc == 0)
		stream_restart(s);
	return rc;
}

int
integ_json_stream_cut(const struct integ_json_stream *s)
{
	return s->cut == 2;
}

int
integ_json_stream_shape(struct integ_json_stream *s, struct json_shape *sh)
{
	if (!s->whole)
		return -1;
	s->shape = sh;
	if (sh != NULL)
		sh->ok = 0;
	return 0;
}

unsigned long long
integ_json_stream_line(const struct integ_json_stream *s)
{
	return (unsigned long long)s->line;
}

void
integ_json_stream_on_mark(struct integ_json_stream *s,
    int (*fn)(void *, const char *, size_t))
{
	s->on_mark = fn;
}
