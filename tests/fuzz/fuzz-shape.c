/*
 * fuzz-shape: shape.c's matcher against the scanner, its reference.
 * The input is lines: the first two are records whose shapes become
 * matchers A and B, the third is the line matched.
 * - A line A matches is one text to the scanner, of A's very shape,
 *   with the offsets the scanner gives.
 * - A line without whitespace that the scanner reads as one text of
 *   A's shape is matched.
 * - B going on where A stopped (when they share the runs before it)
 *   ends as B from the start does; B sharing the run A stopped in
 *   stops too. The hashes tell whether they share just those runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	struct integ_json_sink sink = { on_record, NULL, NULL, &s };
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

static struct json_tmpl *
matcher(const char *p, size_t len, struct json_shape *sh)
{
	struct json_tmpl *t;

	if (!scan(p, len, sh) || !sh->ok)
		return NULL;
	t = integ_json_tmpl_new(sh->text, sh->len);
	/* every object's shape has a matcher, nothing else's */
	if ((t != NULL) != (len > 0 && sh->text[0] == '{'))
		abort();
	if (t != NULL && integ_json_tmpl_nvals(t) != sh->nvals)
		abort();
	return t;
}

static const char *
next_line(const char *p, const char *end, size_t *len)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	*len = (size_t)((nl ? nl : end) - p);
	return nl ? nl + 1 : end;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_shape sa, sb, sl;
	static uint32_t off[SHAPE_MAX], off2[SHAPE_MAX];
	const char *p = (const char *)data, *end = p + size, *a, *b, *l;
	size_t alen, blen, llen, common, i;
	struct json_tmpl *ta, *tb;
	struct json_tmpl_at at = { 0, 0 }, at2 = { 0, 0 };
	int m, ws;

	a = p;
	p = next_line(p, end, &alen);
	b = p;
	p = next_line(p, end, &blen);
	l = p;
	next_line(p, end, &llen);
	if ((ta = matcher(a, alen, &sa)) == NULL)
		return 0;
	m = integ_json_tmpl_match(ta, l, llen, off, &at);
	ws = memchr(l, ' ', llen) || memchr(l, '\t', llen) ||
	    memchr(l, '\r', llen);
	if (m) {
		if (!scan(l, llen, &sl) || !sl.ok || sl.len != sa.len ||
		    memcmp(sl.text, sa.text, sa.len) != 0 ||
		    memcmp(off, sl.off, sl.nvals * sizeof(*off)) != 0)
			abort();
	} else if (!ws && scan(l, llen, &sl) && sl.ok && sl.len == sa.len &&
	    memcmp(sl.text, sa.text, sa.len) == 0)
		abort();
	if (!m && (tb = matcher(b, blen, &sb)) != NULL) {
		common = integ_json_tmpl_common(ta, tb);
		if (common != integ_json_tmpl_common(tb, ta))
			abort();
		/* the hashes say so exactly when the runs do */
		if ((common == at.seg) != integ_json_tmpl_may_part_at(ta, tb,
		    at.seg) && at.seg < sa.len)
			abort();
		m = integ_json_tmpl_match(tb, l, llen, off2, &at2);
		if (common > at.seg && m)
			abort();
		if (common >= at.seg) {
			/* off[] before where A stopped is B's too */
			if (integ_json_tmpl_match(tb, l, llen, off, &at) != m)
				abort();
			for (i = 0; m && i < sb.nvals; i++)
				if (off[i] != off2[i])
					abort();
		}
		integ_json_tmpl_free(tb);
	}
	integ_json_tmpl_free(ta);
	return 0;
}
