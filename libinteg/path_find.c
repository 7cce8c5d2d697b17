/*
 * path_find.c: a compiled path (path.c) looked up in a validated value.
 * It walks spans only (jsonval.c), below the scanner, which looks up the
 * rest of a path inside the value it found at the path's streamed prefix.
 */
#include <stdint.h>

#include "integ.h"
#include "json_int.h"

int
integ_path_find_from(const struct integ_path *p, int from,
    struct integ_json_span v, struct integ_json_span *out)
{
	const struct path_step *st;
	struct integ_json_iter it;
	struct integ_json_span k, el, found;
	int64_t idx, n;
	int i, hit;

	for (i = from; i < p->nsteps; i++) {
		st = &p->steps[i];
		if (st->kind == PATH_NAME) {
			if (integ_json_type(v) != INTEG_JSON_OBJECT)
				return 0;
			integ_json_iter_init(&it, v);
			hit = 0;
			while (integ_json_iter_next(&it, &k, &el))
				if (integ_json_str_eq(k, st->name, st->namelen)) {
					found = el;
					hit = 1;
				}
			if (!hit)
				return 0;
			v = found;
			continue;
		}
		if (integ_json_type(v) != INTEG_JSON_ARRAY)
			return 0;
		idx = st->index;
		if (idx < 0) {
			idx += (int64_t)integ_json_count(v);
			if (idx < 0)
				return 0;
		}
		integ_json_iter_init(&it, v);
		n = 0;
		hit = 0;
		while (integ_json_iter_next(&it, NULL, &el))
			if (n++ == idx) {
				hit = 1;
				break;
			}
		if (!hit)
			return 0;
		v = el;
	}
	*out = v;
	return 1;
}

int
integ_path_find(const struct integ_path *p, struct integ_json_span v,
    struct integ_json_span *out)
{
	return integ_path_find_from(p, 0, v, out);
}
