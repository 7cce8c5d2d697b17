/*
 * catalog.c: a source's streams as each protocol's catalog, and the
 * streams a catalog selects, in its order.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "source_int.h"

static void
strlit(struct integ_buf *b, const char *s)
{
	integ_json_str_encode(b, s, strlen(s));
}

/* The schema's text, or an open object schema when it has none. */
static const char *
schema_of(const struct integ_stream *s)
{
	return s->schema != NULL ? s->schema : "{\"type\":\"object\"}";
}

static void
compact(struct integ_buf *b, const char *json)
{
	struct integ_json_span v;

	/* schemas are compiled in and checked by the tests */
	if (integ_json_validate(json, strlen(json), &v, NULL) == 0)
		integ_json_compact(v, b);
	else
		integ_buf_adds(b, "{}");
}

int
integ_catalog_airbyte(const struct integ_source *src, struct integ_buf *b)
{
	const struct integ_stream *s;

	integ_buf_adds(b, "{\"streams\":[");
	for (s = src->streams; s->name != NULL; s++) {
		if (s != src->streams)
			integ_buf_addc(b, ',');
		integ_buf_adds(b, "{\"name\":");
		strlit(b, s->name);
		integ_buf_adds(b, ",\"json_schema\":");
		compact(b, schema_of(s));
		if (s->cursor != NULL) {
			integ_buf_adds(b, ",\"supported_sync_modes\":"
			    "[\"full_refresh\",\"incremental\"],"
			    "\"source_defined_cursor\":true,"
			    "\"default_cursor_field\":[");
			strlit(b, s->cursor);
			integ_buf_adds(b, "]");
		} else {
			integ_buf_adds(b, ",\"supported_sync_modes\":"
			    "[\"full_refresh\"]");
		}
		if (s->key != NULL) {
			integ_buf_adds(b, ",\"source_defined_primary_key\":[[");
			strlit(b, s->key);
			integ_buf_adds(b, "]]");
		}
		integ_buf_addc(b, '}');
	}
	return integ_buf_adds(b, "]}");
}

static void
breadcrumb(struct integ_buf *b, const char *prop, const char *inclusion)
{
	integ_buf_adds(b, ",{\"breadcrumb\":[\"properties\",");
	strlit(b, prop);
	integ_buf_adds(b, "],\"metadata\":{\"inclusion\":");
	strlit(b, inclusion);
	integ_buf_adds(b, "}}");
}

int
integ_catalog_singer(const struct integ_source *src, struct integ_buf *b)
{
	const struct integ_stream *s;
	struct integ_json_span schema, props, key, val;
	struct integ_json_iter it;
	struct integ_buf name;
	const char *text;

	integ_buf_init(&name, 4096);
	integ_buf_adds(b, "{\"streams\":[");
	for (s = src->streams; s->name != NULL; s++) {
		if (s != src->streams)
			integ_buf_addc(b, ',');
		integ_buf_adds(b, "{\"tap_stream_id\":");
		strlit(b, s->name);
		integ_buf_adds(b, ",\"stream\":");
		strlit(b, s->name);
		integ_buf_adds(b, ",\"schema\":");
		text = schema_of(s);
		if (integ_json_validate(text, strlen(text), &schema, NULL) != 0 ||
		    integ_singer_schema(schema, b) != 0)
			integ_buf_adds(b, "{}");
		integ_buf_adds(b, ",\"key_properties\":[");
		if (s->key != NULL)
			strlit(b, s->key);
		integ_buf_adds(b, "]");
		if (s->cursor != NULL) {
			integ_buf_adds(b, ",\"replication_key\":");
			strlit(b, s->cursor);
			integ_buf_adds(b, ",\"replication_method\":\"INCREMENTAL\"");
		} else {
			integ_buf_adds(b, ",\"replication_method\":\"FULL_TABLE\"");
		}
		integ_buf_adds(b, ",\"metadata\":[{\"breadcrumb\":[],\"metadata\":"
		    "{\"inclusion\":\"available\",\"selected-by-default\":true,"
		    "\"table-key-properties\":[");
		if (s->key != NULL)
			strlit(b, s->key);
		integ_buf_adds(b, "]");
		if (s->cursor != NULL) {
			integ_buf_adds(b, ",\"valid-replication-keys\":[");
			strlit(b, s->cursor);
			integ_buf_adds(b, "],\"replication-method\":\"INCREMENTAL\","
			    "\"replication-key\":");
			strlit(b, s->cursor);
		} else {
			/* the API has no change tracking: say so */
			integ_buf_adds(b, ",\"forced-replication-method\":"
			    "\"FULL_TABLE\",\"replication-method\":\"FULL_TABLE\"");
		}
		integ_buf_adds(b, "}}");
		if (integ_json_validate(text, strlen(text), &schema, NULL) == 0 &&
		    integ_json_member(schema, "properties", &props) &&
		    integ_json_type(props) == INTEG_JSON_OBJECT) {
			integ_json_iter_init(&it, props);
			while (integ_json_iter_next(&it, &key, &val)) {
				if (integ_json_str_decode(key, &name) != 0 ||
				    name.data == NULL)
					continue;
				breadcrumb(b, name.data,
				    (s->key && strcmp(name.data, s->key) == 0) ||
				    (s->cursor && strcmp(name.data, s->cursor) == 0) ?
				    "automatic" : "available");
			}
		}
		integ_buf_adds(b, "]}");
	}
	integ_buf_free(&name);
	return integ_buf_adds(b, "]}");
}

static const struct integ_stream *
byname(const struct integ_source *src, struct integ_json_span name)
{
	const struct integ_stream *s;

	for (s = src->streams; s->name != NULL; s++)
		if (integ_json_str_eq(name, s->name, strlen(s->name)))
			return s;
	return NULL;
}

static int
add(struct integ_selected **sel, size_t *n, const struct integ_stream *s,
    int incremental)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*sel)[i].stream == s)
			return 0;	/* listed twice: run once */
	*sel = integ_xreallocarray(*sel, *n + 1, sizeof(**sel));
	(*sel)[*n].stream = s;
	(*sel)[*n].incremental = incremental && s->cursor != NULL;
	(*n)++;
	return 0;
}

/* "selected": a boolean, or a string as some tools write it. */
static int
flag(struct integ_json_span v)
{
	if (integ_json_type(v) == INTEG_JSON_STRING)
		return integ_json_str_eq(v, "true", 4);
	return integ_json_type(v) == INTEG_JSON_TRUE;
}

static int
singer_entry(const struct integ_source *src, struct integ_json_span entry,
    struct integ_selected **sel, size_t *n, struct integ_err *e)
{
	struct integ_json_span name, md, el, bc, m, v, schema;
	struct integ_json_iter it;
	const struct integ_stream *s;
	int selected = -1, dflt = 0, incremental = 1;

	if (!integ_json_member(entry, "tap_stream_id", &name) &&
	    !integ_json_member(entry, "stream", &name))
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: a stream without tap_stream_id");
	if (integ_json_member(entry, "metadata", &md) &&
	    integ_json_type(md) == INTEG_JSON_ARRAY) {
		integ_json_iter_init(&it, md);
		while (integ_json_iter_next(&it, NULL, &el)) {
			if (!integ_json_member(el, "breadcrumb", &bc) ||
			    integ_json_count(bc) != 0 ||
			    !integ_json_member(el, "metadata", &m))
				continue;
			if (integ_json_member(m, "selected", &v))
				selected = flag(v);
			if (integ_json_member(m, "selected-by-default", &v))
				dflt = flag(v);
			if (integ_json_member(m, "replication-method", &v))
				incremental = integ_json_str_eq(v,
				    "INCREMENTAL", 11);
		}
	}
	/* the legacy form: "selected" in the stream's schema */
	if (selected == -1 && integ_json_member(entry, "schema", &schema) &&
	    integ_json_member(schema, "selected", &v))
		selected = flag(v);
	if (selected == -1)
		selected = dflt;
	if (!selected)
		return 0;
	if ((s = byname(src, name)) == NULL) {
		char esc[128];

		integ_escape(esc, sizeof(esc), name.p, name.len);
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: no stream %s in this source", esc);
	}
	return add(sel, n, s, incremental);
}

static int
airbyte_entry(const struct integ_source *src, struct integ_json_span entry,
    struct integ_selected **sel, size_t *n, struct integ_err *e)
{
	struct integ_json_span stream, name, mode;
	const struct integ_stream *s;
	char esc[128];

	if (!integ_json_member(entry, "stream", &stream) ||
	    !integ_json_member(stream, "name", &name))
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: a configured stream without stream.name");
	if ((s = byname(src, name)) == NULL) {
		integ_escape(esc, sizeof(esc), name.p, name.len);
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: no stream %s in this source", esc);
	}
	return add(sel, n, s, integ_json_member(entry, "sync_mode", &mode) &&
	    integ_json_str_eq(mode, "incremental", 11));
}

int
integ_catalog_select(const struct integ_source *src, enum integ_protocol proto,
    const char *text, size_t len, struct integ_selected **sel, size_t *n,
    struct integ_err *e)
{
	const struct integ_stream *s;
	struct integ_json_span doc, streams, el;
	struct integ_json_iter it;
	int code = 0;

	*sel = NULL;
	*n = 0;
	if (text == NULL) {
		for (s = src->streams; s->name != NULL; s++)
			add(sel, n, s, 1);
		return 0;
	}
	if (integ_json_validate(text, len, &doc, e) != 0)
		return integ_err_wrap(e, INTEG_EXIT_CONFIG, "catalog");
	if (!integ_json_member(doc, "streams", &streams) ||
	    integ_json_type(streams) != INTEG_JSON_ARRAY)
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: no \"streams\" array");
	integ_json_iter_init(&it, streams);
	while (code == 0 && integ_json_iter_next(&it, NULL, &el))
		code = proto == INTEG_PROTO_AIRBYTE ?
		    airbyte_entry(src, el, sel, n, e) :
		    singer_entry(src, el, sel, n, e);
	if (code != 0) {
		free(*sel);
		*sel = NULL;
		*n = 0;
	}
	return code;
}
