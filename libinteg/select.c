/*
 * select.c: field selection. A catalog may deselect top-level fields of
 * a stream; they are left out of its records and of its schema. Records
 * are copied member by member as they came, the others skipped.
 */
#include <string.h>

#include "integ.h"

static int
named(struct integ_json_span k, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (integ_json_str_eq(k, names[i], strlen(names[i])))
			return 1;
	return 0;
}

int
integ_select_drop(struct integ_json_span v, const char *const *drop, size_t n,
    struct integ_buf *b)
{
	struct integ_json_span k, val;
	struct integ_json_iter it;
	int r = 0, first = 1;

	r |= integ_buf_addc(b, '{');
	integ_json_iter_init(&it, v);
	while (integ_json_iter_next(&it, &k, &val)) {
		if (named(k, drop, n))
			continue;
		if (!first)
			r |= integ_buf_addc(b, ',');
		first = 0;
		/* the name, the colon and the value, as they came */
		r |= integ_buf_add(b, k.p, (size_t)(val.p + val.len - k.p));
	}
	r |= integ_buf_addc(b, '}');
	return r ? -1 : 0;
}

int
integ_select_without(struct integ_json_span v, const char *const *drop,
    size_t n, struct integ_buf *b)
{
	struct integ_json_span k, el;
	struct integ_json_iter it;
	int r = 0, first = 1, obj = integ_json_type(v) == INTEG_JSON_OBJECT;

	r |= integ_buf_addc(b, obj ? '{' : '[');
	integ_json_iter_init(&it, v);
	while (integ_json_iter_next(&it, &k, &el)) {
		if (named(obj ? k : el, drop, n))
			continue;
		if (!first)
			r |= integ_buf_addc(b, ',');
		first = 0;
		if (obj) {
			r |= integ_json_compact(k, b);
			r |= integ_buf_addc(b, ':');
		}
		r |= integ_json_compact(el, b);
	}
	r |= integ_buf_addc(b, obj ? '}' : ']');
	return r ? -1 : 0;
}

/* Does an array keep an element other than the names in drop? */
static int
survivor(struct integ_json_span v, const char *const *drop, size_t n)
{
	struct integ_json_span el;
	struct integ_json_iter it;

	integ_json_iter_init(&it, v);
	while (integ_json_iter_next(&it, NULL, &el))
		if (!named(el, drop, n))
			return 1;
	return 0;
}

int
integ_select_schema_drop(struct integ_json_span schema, const char *const *drop,
    size_t n, struct integ_buf *b)
{
	struct integ_json_span k, v;
	struct integ_json_iter it;
	int r = 0, first = 1;

	r |= integ_buf_addc(b, '{');
	integ_json_iter_init(&it, schema);
	while (integ_json_iter_next(&it, &k, &v)) {
		/* draft 4 wants a "required" of one name or more, or none */
		if (integ_json_str_eq(k, "required", 8) &&
		    integ_json_type(v) == INTEG_JSON_ARRAY && !survivor(v,
		    drop, n))
			continue;
		if (!first)
			r |= integ_buf_addc(b, ',');
		first = 0;
		r |= integ_json_compact(k, b);
		r |= integ_buf_addc(b, ':');
		if ((integ_json_str_eq(k, "properties", 10) &&
		    integ_json_type(v) == INTEG_JSON_OBJECT) ||
		    (integ_json_str_eq(k, "required", 8) &&
		    integ_json_type(v) == INTEG_JSON_ARRAY))
			r |= integ_select_without(v, drop, n, b);
		else
			r |= integ_json_compact(v, b);
	}
	r |= integ_buf_addc(b, '}');
	return r ? -1 : 0;
}
