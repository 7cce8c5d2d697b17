/*
 * shared.c: the config fields the library gives every connector, so a
 * connector's spec need not declare them: they are added to its spec's
 * properties (SPEC, validation, defaults) unless it declares them itself.
 */
#include <string.h>

#include "integ.h"
#include "source_int.h"

#define LOG_LEVEL_FIELD \
	"\"log_level\":{\"type\":\"string\",\"title\":\"Log level\"," \
	"\"description\":\"The least severe log messages written, as " \
	"Airbyte names the levels: INFO gives a line as each stream starts " \
	"and ends, DEBUG one for each request. INTEG_LOG_LEVEL in the " \
	"environment overrides it.\",\"enum\":[\"FATAL\",\"ERROR\",\"WARN\"," \
	"\"INFO\",\"DEBUG\",\"TRACE\"],\"default\":\"INFO\"}"

void
integ_shared_spec(struct integ_json_span spec, struct integ_buf *out)
{
	struct integ_json_span props, v;
	struct integ_json_iter it;
	const char *at;
	int empty;

	integ_buf_reset(out);
	if (!integ_json_member(spec, "properties", &props) ||
	    integ_json_type(props) != INTEG_JSON_OBJECT ||
	    integ_json_member(props, "log_level", &v)) {
		integ_buf_add(out, spec.p, spec.len);
		return;
	}
	integ_json_iter_init(&it, props);
	empty = !integ_json_iter_next(&it, NULL, &v);
	at = props.p + 1;	/* just inside the brace */
	integ_buf_add(out, spec.p, (size_t)(at - spec.p));
	integ_buf_adds(out, LOG_LEVEL_FIELD);
	if (!empty)
		integ_buf_addc(out, ',');
	integ_buf_add(out, at, (size_t)(spec.p + spec.len - at));
}
