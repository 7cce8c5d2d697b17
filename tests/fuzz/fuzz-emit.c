/*
 * fuzz-emit: the parsers of emit and state. The input is a JSON text.
 * - A schema inferred from a value accepts it (schema.c's one-pass walk
 *   agrees with what it was built from), and picks up the top-level
 *   member "u" as integ_json_member does (when no name is escaped).
 * - Cursor comparison is antisymmetric and reflexive on the members of
 *   an array or object.
 * - Any text read as a state writes in both shapes, and what is written
 *   reads back.
 * - RFC 3339 parsing of the raw bytes never reads out of bounds.
 * - The date-time check of a string in place (the shape cache's) agrees
 *   with the parser on the members of an array or object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
schema(struct integ_json_span v)
{
	struct integ_schema *s = integ_schema_new();
	struct integ_json_span key = { "\"u\"", 3 }, got, want;
	int found, has;

	integ_schema_add(s, v);
	if (!integ_schema_fits(s, v))
		abort();
	if (!integ_schema_fits_grab(s, v, key, &got, &found))
		abort();
	if (found != -1 && integ_json_type(v) == INTEG_JSON_OBJECT) {
		has = integ_json_member(v, "u", &want);
		if (has != found || (found && (got.p != want.p ||
		    got.len != want.len)))
			abort();
	}
	integ_schema_free(s);
}

static void
cursors(struct integ_json_span v)
{
	struct integ_json_iter it;
	struct integ_json_span prev = { NULL, 0 }, c;
	size_t ulen = 0, prevlen = 0;
	int n = 0;

	if (integ_json_iter_init(&it, v) != 0)
		return;
	while (integ_json_iter_next(&it, NULL, &c) && n++ < 16) {
		if (integ_json_type(c) == INTEG_JSON_STRING) {
			int64_t secs;
			long ns;
			int want = c.len >= 22 && c.len <= 64 &&
			    memchr(c.p, '\\', c.len) == NULL &&
			    integ_time_rfc3339_parse(c.p + 1, c.len - 2, 1,
			    &secs, &ns) == 0;

			if (integ_schema_datetime_at(c.p, v.p + v.len) != want)
				abort();
			/* the usual layout's length, and its byte order */
			if (integ_schema_datetime_usual_at(c.p, v.p + v.len,
			    &ulen) != want || (ulen != 0 && ulen != c.len))
				abort();
			if (ulen != 0 && prev.p != NULL && prevlen == ulen) {
				int m = memcmp(prev.p, c.p, ulen);

				if (integ_cursor_cmp(prev, c) != (m > 0) - (m < 0))
					abort();
			}
		}
		if (integ_cursor_cmp(c, c) != 0)
			abort();
		if (prev.p != NULL && integ_cursor_cmp(prev, c) !=
		    -integ_cursor_cmp(c, prev))
			abort();
		prev = c;
		prevlen = integ_json_type(c) == INTEG_JSON_STRING ? ulen : 0;
	}
}

static void
state(const char *p, size_t len)
{
	struct integ_state *s = integ_state_new(), *t;
	struct integ_buf b;
	int proto;

	if (integ_state_parse(s, p, len, NULL) == 0) {
		for (proto = INTEG_PROTO_SINGER; proto <= INTEG_PROTO_AIRBYTE;
		    proto++) {
			integ_buf_init(&b, 0);
			integ_state_write(s, proto, &b);
			if (integ_json_validate(b.data, b.len, NULL, NULL) != 0)
				abort();
			t = integ_state_new();
			if (integ_state_parse(t, b.data, b.len, NULL) != 0)
				abort();
			integ_state_free(t);
			integ_buf_free(&b);
		}
	}
	integ_state_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct integ_json_span v;
	int64_t secs;
	long ns;

	integ_time_rfc3339_parse(p, size, 1, &secs, &ns);
	integ_time_rfc3339_parse(p, size, 0, &secs, &ns);
	if (integ_json_validate(p, size, &v, NULL) != 0)
		return 0;
	schema(v);
	cursors(v);
	state(p, size);
	return 0;
}
