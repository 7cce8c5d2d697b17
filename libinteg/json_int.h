/*
 * json_int.h: what json.c, jsonval.c, path.c and path_find.c share
 * inside libinteg, and the record shapes the scanner gathers for shape.c
 * and schema.c.
 * Not installed; tools and connectors use integ.h only.
 */
#ifndef JSON_INT_H
#define JSON_INT_H

#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "integ.h"

enum {
	PATH_NAME,	/* .name or .["name"] */
	PATH_INDEX	/* [N], N < 0 counts from the end */
};

struct path_step {
	int	 kind;
	char	*name;		/* PATH_NAME: decoded bytes, NUL-terminated */
	size_t	 namelen;
	int64_t	 index;		/* PATH_INDEX */
};

struct integ_path {
	char		*text;
	struct path_step *steps;
	int		 nsteps;
};

/*
 * integ_json_validate, handing each record at path to fn as the scanner
 * passes its end (the records of a page in the pass that validates it),
 * and taking the last n back with retract when a name on the path comes
 * again (the sink's retract).
 */
int	 integ_json_validate_records(const char *, size_t,
	    const struct integ_path *, int (*)(void *, const char *, size_t),
	    int (*)(void *, uint64_t), void *, struct integ_json_span *,
	    struct integ_err *);

/* integ_path_find, starting at step `from`. */
int	 integ_path_find_from(const struct integ_path *, int,
	    struct integ_json_span, struct integ_json_span *);

/* JSON's whitespace (RFC 8259): inline, the scanner asks for every byte. */
static inline int
integ_json_ws(int c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/*
 * In a string's body at *pp: find the first quote, backslash, control
 * or byte >= 0x80, 16 bytes at a time. 1: *pp is at it; 0: fewer than
 * 16 bytes are left before end, *pp where the search stopped.
 */
static inline int
integ_json_str_find16(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"');
	const __m128i bs = _mm_set1_epi8('\\');
	const __m128i sp = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		/* bytes >= 0x80 are negative: less than a space */
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
		    _mm_cmplt_epi8(v, sp)));

		if (m != 0) {
			*pp = p + __builtin_ctz(m);
			return 1;
		}
		p += 16;
	}
#endif
	*pp = p;
	return 0;
}

/*
 * Length of a valid UTF-8 sequence at p, n bytes there, or 0: shortest
 * form, no surrogates, at most U+10FFFF.
 */
static inline size_t
integ_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t k, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0)
		k = 2;
	else if (c < 0xf0) {
		k = 3;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else {
		k = 4;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	}
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return k;
}

/* Skip one validated value at p (no leading whitespace); returns its end. */
const char *integ_json_skip(const char *, const char *);

/*
 * The shape of a record, gathered by the scanner as it validates a
 * stream of whole texts (integ_json_stream_shape), for shape.c's schema
 * and cursor cache. Two records with the same shape text have the same
 * structure: the same member names (as JSON text) in the same order,
 * the same array lengths, and at each place the same kind of value.
 * The text is, in document order: for each value a class byte ('z'
 * null, 'b' boolean, 'i' integer, 'n' a number with a fraction or an
 * exponent, 's' string, '{' object, '[' array), for each member name its
 * JSON text (quotes included), and '}' or ']' where a container closes.
 * off[i] is where value i (in the same order) starts in the record as
 * delivered. ok is 0 when the shape is not known: larger than
 * SHAPE_MAX, or a member name cut between two chunks.
 */
#define SHAPE_MAX	4096

struct json_shape {
	int		 ok;
	size_t		 len;
	size_t		 nvals;
	char		 text[SHAPE_MAX + 16];	/* room for 16-byte copies */
	uint32_t	 off[SHAPE_MAX];
};

/* Gather each record's shape into sh (NULL: stop); whole texts only: -1 else. */
int	 integ_json_stream_shape(struct integ_json_stream *, struct json_shape *);

/*
 * shape.c: a set of object shapes (the text of each, json_int.h above)
 * matched at once against lines.
 */
struct json_shapes;
struct json_shape_node;

struct json_shapes *integ_json_shapes_new(void);
void	 integ_json_shapes_free(struct json_shapes *);
/*
 * Add a shape (its text) for arg; the handle that removes it, or NULL:
 * not an object's shape, or in the set already.
 */
struct json_shape_node *integ_json_shapes_add(struct json_shapes *,
	    const char *, size_t, void *);
void	 integ_json_shapes_remove(struct json_shapes *,
	    struct json_shape_node *);
/*
 * Is the line [p, p + len) one JSON text of a shape of the set, with
 * no whitespace? Its arg, off[] filled in with its values' offsets as
 * the scanner gives them and *nvals their count; else NULL (a line of
 * another shape, with whitespace or not valid: the scanner knows).
 */
void	*integ_json_shapes_match(struct json_shapes *, const char *, size_t,
	    uint32_t *, size_t *);

/*
 * shape.c: the classifier of a stream's records. It answers what the
 * emitter asks of a record: is it valid JSON (for lines), does it fit
 * the schema, where is its cursor; for a record shaped like one seen
 * before, from what that one taught.
 */
struct shape_classifier;

struct shape_class {
	int			 fits;	/* the schema: 1, 0; -1 not asked */
	int			 found;	/* the cursor: 1 at cursor, else 0 */
	struct integ_json_span	 cursor;
	/* cursor: a date-time string in the usual layout, for
	 * integ_cursor_cmp_usual */
	int			 usual;
};

/* cpath: the cursor (NULL: none); ckey: the cursor's plain name as JSON,
 * or empty. Both borrowed. */
struct shape_classifier *integ_shape_classifier_new(const struct integ_path *,
	    struct integ_json_span);
void	 integ_shape_classifier_free(struct shape_classifier *);
/*
 * Classify the validated record v against schema (NULL: not asked). A
 * record handed out by integ_shape_line, as it was handed out, is
 * classified by its shape.
 */
void	 integ_shape_classify(struct shape_classifier *,
	    struct integ_json_span, const struct integ_schema *,
	    struct shape_class *);
/*
 * Lines: hand each JSON text of a line to fn (arg, text, its length,
 * where to say why it failed), the line validated by a matched shape
 * or by the scanner. need: the schema or the cursor is asked (shapes
 * are then gathered anyway). check: the schema is asked of this line.
 * The status of the scanner or of fn, e set.
 */
void	 integ_shape_lines(struct shape_classifier *, int,
	    int (*)(void *, const char *, size_t, struct integ_err *), void *);
int	 integ_shape_line(struct shape_classifier *, const char *, size_t,
	    int, struct integ_err *);

/*
 * schema.c, for a record v of shape sh that the schema accepts: the
 * indexes (in shape order; *idx allocated) of the strings the schema
 * requires to be date-times. Any record of the same shape is accepted
 * exactly when those strings are date-times. -1 when v does not fit.
 */
int	 integ_schema_shape_dates(const struct integ_schema *,
	    struct integ_json_span, const struct json_shape *, uint32_t **,
	    size_t *);
/* Is the validated string at p (its opening quote) a date-time? */
int	 integ_schema_datetime_at(const char *, const char *);
/*
 * The same, and in *usual the string's length (quotes included) when it
 * is a date-time in the usual layout (YYYY-MM-DDTHH:MM:SS[.f]Z), else 0:
 * two such strings of one length order as instants by their bytes.
 */
int	 integ_schema_datetime_usual_at(const char *, const char *, size_t *);
/*
 * cursor.c: integ_cursor_cmp, sparing its layout test when both are
 * date-time strings of one length in the usual layout (ausual, busual:
 * then bytes order them).
 */
int	 integ_cursor_cmp_usual(struct integ_json_span, int,
	    struct integ_json_span, int);

#endif /* JSON_INT_H */
