/*
 * format_singer.c: Singer messages (spec v0.3, as singer-python and
 * singer-sdk read them): SCHEMA with key_properties always present and
 * bookmark_properties with a replication key, RECORD with time_extracted,
 * STATE with its value; discover's catalog. Singer has no status, error or
 * log messages.
 */
#include <stdio.h>
#include <string.h>

#include "integ.h"
#include "buf_int.h"

static int
str(struct integ_buf *b, const char *s)
{
	return integ_json_str_encode(b, s, strlen(s));
}

/* The property name of a path: ".a" is "a". */
static const char *
field(const char *path)
{
	return path[0] == '.' && path[1] != '\0' ? path + 1 : path;
}

/*
 * Singer readers (singer-python and the targets built on it) validate
 * with draft 4 and refuse a "$schema" that names another draft: a
 * top-level "$schema" goes unless it names draft 4. Compact output.
 */
#define D4	"http://json-schema.org/draft-04/schema"

int
integ_format_singer_schema(struct integ_json_span schema, struct integ_buf *b)
{
	static const char *const name[] = { "$schema" };
	struct integ_json_span v;

	if (integ_json_type(schema) != INTEG_JSON_OBJECT ||
	    !integ_json_member(schema, "$schema", &v) ||
	    integ_json_str_eq(v, D4 "#", sizeof(D4)) ||
	    integ_json_str_eq(v, D4, sizeof(D4) - 1))
		return integ_json_compact(schema, b);
	return integ_select_without(schema, name, 1, b);
}

/* ",\"version\":N" for a version other than 0, else "". */
static size_t
version_text(int64_t version, char buf[48])
{
	if (version == 0)
		return 0;
	return (size_t)snprintf(buf, 48, ",\"version\":%lld",
	    (long long)version);
}

/* The message every record is: one reservation, then copies. */
static int
record_fast(struct integ_buf *b, const struct integ_msg *m,
    struct integ_err *e)
{
	char ver[48];
	const struct integ_json_span v[] = {
		INTEG_SPAN_LIT("{\"type\":\"RECORD\",\"stream\":"),
		m->stream_json, INTEG_SPAN_LIT(",\"record\":"), m->record,
		{ ver, version_text(m->version, ver) },
		INTEG_SPAN_LIT(",\"time_extracted\":\""),
		{ m->now, strlen(m->now) }, INTEG_SPAN_LIT("\"}\n")
	};

	return integ_format_pieces(b, v, sizeof(v) / sizeof(v[0]), e);
}

/* The message as text; non-zero when it did not fit. */
static int
message(struct integ_buf *b, const struct integ_msg *m)
{
	char ver[48];
	size_t i;
	int r = 0;

	switch (m->kind) {
	case INTEG_MSG_SCHEMA:
		r |= integ_buf_adds(b, "{\"type\":\"SCHEMA\",\"stream\":");
		r |= str(b, m->stream);
		r |= integ_buf_adds(b, ",\"schema\":");
		r |= integ_format_singer_schema(m->schema, b);
		r |= integ_buf_adds(b, ",\"key_properties\":[");
		for (i = 0; i < m->nkeys; i++) {
			if (i > 0)
				r |= integ_buf_addc(b, ',');
			r |= str(b, field(m->keys[i]));
		}
		r |= integ_buf_addc(b, ']');
		if (m->cursor != NULL) {
			r |= integ_buf_adds(b, ",\"bookmark_properties\":[");
			r |= str(b, field(m->cursor));
			r |= integ_buf_addc(b, ']');
		}
		return r | integ_buf_adds(b, "}\n");
	case INTEG_MSG_RECORD:
		r |= integ_buf_adds(b, "{\"type\":\"RECORD\",\"stream\":");
		r |= str(b, m->stream);
		r |= integ_buf_adds(b, ",\"record\":");
		r |= integ_buf_add(b, m->record.p, m->record.len);
		r |= integ_buf_add(b, ver, version_text(m->version, ver));
		r |= integ_buf_adds(b, ",\"time_extracted\":\"");
		r |= integ_buf_adds(b, m->now);
		return r | integ_buf_adds(b, "\"}\n");
	case INTEG_MSG_VERSION:
		r |= integ_buf_adds(b, "{\"type\":\"ACTIVATE_VERSION\","
		    "\"stream\":");
		r |= str(b, m->stream);
		r |= integ_buf_add(b, ver, version_text(m->version, ver));
		return r | integ_buf_adds(b, "}\n");
	case INTEG_MSG_STATE:
		r |= integ_buf_adds(b, "{\"type\":\"STATE\",\"value\":");
		r |= integ_buf_add(b, m->value.p, m->value.len);
		return r | integ_buf_adds(b, "}\n");
	case INTEG_MSG_CATALOG:
		/* discover's answer is the catalog itself, not a message */
		r |= integ_buf_add(b, m->doc.p, m->doc.len);
		return r | integ_buf_addc(b, '\n');
	default:
		return 0;
	}
}

static int
singer_write(void *arg, const struct integ_msg *m, struct integ_buf *b,
    struct integ_err *e)
{
	if (m->kind == INTEG_MSG_RECORD && m->stream_json.p != NULL)
		return record_fast(b, m, e);
	return message(b, m) ? integ_format_too_large(e) : 0;
}

const struct integ_format integ_format_singer = {
	.name = "singer",
	.summary = "Singer SCHEMA, RECORD and STATE messages",
	.needs_schema = 1,
	.write = singer_write,
};
