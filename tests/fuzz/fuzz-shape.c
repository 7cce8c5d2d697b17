/*
 * fuzz-shape: shape.c's set of shapes against the scanner, its
 * reference. The input is lines: the last is matched, the ones before
 * are records whose shapes go into a set; the first byte of a line
 * that is "r" after its record removes that line's shape again.
 * - A match names a shape of the set, and is what the scanner reads as
 *   one text of that very shape, with the same value offsets.
 * - A line without whitespace that the scanner reads as one text of a
 *   shape of the set is matched; a removed shape is never matched.
 * - A shape is added once: adding it again is refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXSHAPES	8

struct seen {
	struct json_shape sh;
	struct json_shape got;		/* of the first text */
	int	ntexts;
};

static int
on_record(void *arg, const char *p, size_t len)
{
	struct seen *s = arg;

	if (s->ntexts++ == 0)
		memcpy(&s->got, &s->sh, sizeof(s->got));
	return 0;
}

/* The scanner's reading of a line: 1 when it is one text, shape in *out. */
static int
scan(const char *p, size_t len, struct json_shape *out)
{
	static struct seen s;
	struct integ_json_sink sink = { on_record, NULL, NULL, &s, NULL };
	struct integ_json_stream *js;
	int ok;

	memset(&s, 0, sizeof(s));
	js = integ_json_stream_new(NULL, 0, &sink);
	integ_json_stream_shape(js, &s.sh);
	ok = integ_json_stream_feed(js, p, len, NULL) == 0 &&
	    integ_json_stream_end(js, NULL) == 0 && s.ntexts == 1;
	integ_json_stream_free(js);
	if (ok)
		memcpy(out, &s.got, sizeof(*out));
	return ok;
}

static int
same(const struct json_shape *a, const struct json_shape *b)
{
	return a->ok && b->ok && a->len == b->len &&
	    memcmp(a->text, b->text, a->len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_shape shapes[MAXSHAPES], sl;
	static uint32_t off[SHAPE_MAX];
	struct json_shape_node *node[MAXSHAPES];
	int live[MAXSHAPES];
	const char *p = (const char *)data, *end = p + size, *nl;
	struct json_shapes *set = integ_json_shapes_new();
	struct json_shape *hit;
	size_t len, nvals, n = 0, i;
	int ws, dup;

	/* every line but the last: a shape for the set */
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL &&
	    n < MAXSHAPES) {
		len = (size_t)(nl - p);
		if (len > 1 && p[0] == 'r' && n > 0 && live[n - 1]) {
			integ_json_shapes_remove(set, node[n - 1]);
			live[n - 1] = 0;
		} else if (scan(p, len, &shapes[n]) && shapes[n].ok) {
			for (dup = 0, i = 0; i < n; i++)
				dup |= live[i] && same(&shapes[i], &shapes[n]);
			node[n] = integ_json_shapes_add(set, shapes[n].text,
			    shapes[n].len, &shapes[n]);
			/* objects' shapes go in, once; nothing else does */
			if ((node[n] != NULL) != (shapes[n].text[0] == '{' &&
			    !dup))
				abort();
			live[n] = node[n] != NULL;
			n++;
		}
		p = nl + 1;
	}
	len = (size_t)(end - p);
	hit = integ_json_shapes_match(set, p, len, off, &nvals);
	ws = memchr(p, ' ', len) || memchr(p, '\t', len) ||
	    memchr(p, '\r', len) || memchr(p, '\n', len);
	if (hit != NULL) {
		for (i = 0; i < n && hit != &shapes[i]; i++)
			;
		if (i == n || !live[i] || !scan(p, len, &sl) ||
		    !same(&sl, hit) || nvals != sl.nvals ||
		    memcmp(off, sl.off, sl.nvals * sizeof(*off)) != 0)
			abort();
	} else if (!ws && scan(p, len, &sl)) {
		for (i = 0; i < n; i++)
			if (live[i] && same(&sl, &shapes[i]))
				abort();
	}
	integ_json_shapes_free(set);
	return 0;
}
