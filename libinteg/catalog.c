/*
 * catalog.c: a source's streams as each protocol's catalog, and the
 * streams a catalog selects, in its order.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"
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

/*
 * A stream's cursor as Airbyte's field path: one name a step, the
 * leading dot dropped; a path with an index has no such form and stays
 * one name, as given.
 */
static int
cursor_field(struct integ_buf *b, const char *cursor)
{
	struct integ_path *path;
	int i, r = 0;

	if (integ_path_compile(cursor, &path, NULL) != 0)
		return integ_json_str_encode(b, cursor, strlen(cursor));
	for (i = 0; i < path->nsteps; i++)
		if (path->steps[i].kind != PATH_NAME)
			break;
	if (i < path->nsteps || path->nsteps == 0)
		r |= integ_json_str_encode(b, cursor, strlen(cursor));
	else
		for (i = 0; i < path->nsteps; i++) {
			if (i > 0)
				r |= integ_buf_addc(b, ',');
			r |= integ_json_str_encode(b, path->steps[i].name,
			    path->steps[i].namelen);
		}
	integ_path_free(path);
	return r;
}

int
integ_catalog_airbyte_stream(struct integ_buf *b, const char *name,
    const char *ns, struct integ_json_span schema, const char *cursor,
    const char *const *keys, size_t nkeys)
{
	const char *k;
	size_t i;
	int r = 0;

	r |= integ_buf_adds(b, "{\"name\":");
	r |= integ_json_str_encode(b, name, strlen(name));
	if (ns != NULL) {
		r |= integ_buf_adds(b, ",\"namespace\":");
		r |= integ_json_str_encode(b, ns, strlen(ns));
	}
	r |= integ_buf_adds(b, ",\"json_schema\":");
	r |= integ_buf_add(b, schema.p, schema.len);
	if (cursor != NULL) {
		r |= integ_buf_adds(b, ",\"supported_sync_modes\":"
		    "[\"full_refresh\",\"incremental\"],"
		    "\"source_defined_cursor\":true,"
		    "\"default_cursor_field\":[");
		r |= cursor_field(b, cursor);
		r |= integ_buf_addc(b, ']');
	} else
		r |= integ_buf_adds(b, ",\"supported_sync_modes\":"
		    "[\"full_refresh\"]");
	if (nkeys > 0) {
		/* each key a top-level field */
		r |= integ_buf_adds(b, ",\"source_defined_primary_key\":[");
		for (i = 0; i < nkeys; i++) {
			k = keys[i][0] == '.' ? keys[i] + 1 : keys[i];
			r |= integ_buf_adds(b, i > 0 ? ",[" : "[");
			r |= integ_json_str_encode(b, k, strlen(k));
			r |= integ_buf_addc(b, ']');
		}
		r |= integ_buf_addc(b, ']');
	}
	r |= integ_buf_addc(b, '}');
	return r ? -1 : 0;
}

int
integ_catalog_airbyte(const struct integ_source *src, struct integ_buf *b)
{
	const struct integ_stream *s;
	struct integ_buf schema;
	int r = 0;

	integ_buf_init(&schema, 0);
	r |= integ_buf_adds(b, "{\"streams\":[");
	for (s = src->streams; s->name != NULL; s++) {
		if (s != src->streams)
			r |= integ_buf_addc(b, ',');
		integ_buf_reset(&schema);
		compact(&schema, schema_of(s));
		r |= integ_catalog_airbyte_stream(b, s->name, NULL,
		    (struct integ_json_span){ schema.data, schema.len },
		    s->cursor, &s->key, s->key != NULL);
	}
	integ_buf_free(&schema);
	r |= integ_buf_adds(b, "]}");
	return r ? -1 : 0;
}

/* The stream's key as a Singer list of names: [] or ["id"]. */
static void
key_array(struct integ_buf *b, const struct integ_stream *s)
{
	integ_buf_addc(b, '[');
	if (s->key != NULL)
		strlit(b, s->key);
	integ_buf_addc(b, ']');
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
		    integ_format_singer_schema(schema, b) != 0)
			integ_buf_adds(b, "{}");
		integ_buf_adds(b, ",\"key_properties\":");
		key_array(b, s);
		if (s->cursor != NULL) {
			integ_buf_adds(b, ",\"replication_key\":");
			strlit(b, s->cursor);
			integ_buf_adds(b, ",\"replication_method\":\"INCREMENTAL\"");
		} else {
			integ_buf_adds(b, ",\"replication_method\":\"FULL_TABLE\"");
		}
		integ_buf_adds(b, ",\"metadata\":[{\"breadcrumb\":[],\"metadata\":"
		    "{\"inclusion\":\"available\",\"selected-by-default\":true,"
		    "\"table-key-properties\":");
		key_array(b, s);
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

struct names {
	char		**v;
	size_t		  n;
};

static void
names_add(struct names *l, const char *s, size_t len)
{
	l->v = integ_xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n] = integ_xmalloc(len + 1);
	memcpy(l->v[l->n], s, len);
	l->v[l->n++][len] = '\0';
}

static void
names_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
integ_catalog_selected_free(struct integ_selected *sel, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		names_free(sel[i].drop, sel[i].ndrop);
	free(sel);
}

/* The stream, to run; drop (its fields deselected) is taken over. */
static int
add(struct integ_selected **sel, size_t *n, const struct integ_stream *s,
    int incremental, struct names *drop)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*sel)[i].stream == s) {
			/* listed twice: run once */
			names_free(drop->v, drop->n);
			return 0;
		}
	*sel = integ_xreallocarray(*sel, *n + 1, sizeof(**sel));
	(*sel)[*n].stream = s;
	(*sel)[*n].incremental = incremental && s->cursor != NULL;
	(*sel)[*n].drop = drop->v;
	(*sel)[*n].ndrop = drop->n;
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

/*
 * Is the property of this metadata deselected? As singer-python and
 * singer-sdk decide: inclusion automatic is always sent, unsupported
 * never; then "selected", then "selected-by-default"; with neither, it
 * goes with its stream, which runs.
 */
static int
deselected(struct integ_json_span m)
{
	struct integ_json_span v;

	if (integ_json_member(m, "inclusion", &v)) {
		if (integ_json_str_eq(v, "automatic", 9))
			return 0;
		if (integ_json_str_eq(v, "unsupported", 11))
			return 1;
	}
	if (integ_json_member(m, "selected", &v))
		return !flag(v);
	if (integ_json_member(m, "selected-by-default", &v))
		return !flag(v);
	return 0;
}

/* A breadcrumb ["properties", NAME]: NAME's span. */
static int
top_property(struct integ_json_span bc, struct integ_json_span *name)
{
	struct integ_json_iter it;
	struct integ_json_span p;

	if (integ_json_count(bc) != 2)
		return 0;
	integ_json_iter_init(&it, bc);
	if (!integ_json_iter_next(&it, NULL, &p) ||
	    !integ_json_str_eq(p, "properties", 10) ||
	    !integ_json_iter_next(&it, NULL, name) ||
	    integ_json_type(*name) != INTEG_JSON_STRING)
		return 0;
	return 1;
}

/* Append a property name (a JSON string span) to the list. */
static void
names_add_span(struct names *l, struct integ_json_span name,
    struct integ_buf *tmp)
{
	if (integ_json_str_decode(name, tmp) == 0 && tmp->data != NULL)
		names_add(l, tmp->data, tmp->len);
}

static int
singer_entry(const struct integ_source *src, struct integ_json_span entry,
    struct integ_selected **sel, size_t *n, struct integ_err *e)
{
	struct integ_json_span name, md, el, bc, m, v, schema, prop;
	struct integ_json_iter it;
	const struct integ_stream *s;
	struct names drop = { NULL, 0 };
	struct integ_buf tmp;
	int selected = -1, dflt = 0, incremental = 1;

	if (!integ_json_member(entry, "tap_stream_id", &name) &&
	    !integ_json_member(entry, "stream", &name))
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: a stream without tap_stream_id");
	if (integ_json_member(entry, "metadata", &md) &&
	    integ_json_type(md) == INTEG_JSON_ARRAY) {
		integ_json_iter_init(&it, md);
		integ_buf_init(&tmp, 4096);
		while (integ_json_iter_next(&it, NULL, &el)) {
			if (!integ_json_member(el, "breadcrumb", &bc) ||
			    !integ_json_member(el, "metadata", &m))
				continue;
			if (top_property(bc, &prop) && deselected(m))
				names_add_span(&drop, prop, &tmp);
			if (integ_json_count(bc) != 0)
				continue;
			if (integ_json_member(m, "selected", &v))
				selected = flag(v);
			if (integ_json_member(m, "selected-by-default", &v))
				dflt = flag(v);
			if (integ_json_member(m, "replication-method", &v))
				incremental = integ_json_str_eq(v,
				    "INCREMENTAL", 11);
		}
		integ_buf_free(&tmp);
	}
	/* the legacy form: "selected" in the stream's schema */
	if (selected == -1 && integ_json_member(entry, "schema", &schema) &&
	    integ_json_member(schema, "selected", &v))
		selected = flag(v);
	if (selected == -1)
		selected = dflt;
	if (!selected) {
		names_free(drop.v, drop.n);
		return 0;
	}
	if ((s = byname(src, name)) == NULL) {
		char esc[128];

		names_free(drop.v, drop.n);
		integ_secret_escape(esc, sizeof(esc), name.p, name.len);
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: no stream %s in this source", esc);
	}
	return add(sel, n, s, incremental, &drop);
}

/*
 * Airbyte: a configured stream's json_schema with properties selects
 * them; the stream's own properties it leaves out are not sent. (The
 * protocol's column selection: the platform hands the source the
 * discovered schema cut down to the columns chosen.)
 */
static void
airbyte_drop(const struct integ_stream *s, struct integ_json_span stream,
    struct names *drop)
{
	struct integ_json_span js, chosen, own, props, k, v, x;
	struct integ_json_iter it;
	struct integ_buf tmp;

	if (s->schema == NULL ||
	    !integ_json_member(stream, "json_schema", &js) ||
	    !integ_json_member(js, "properties", &chosen) ||
	    integ_json_type(chosen) != INTEG_JSON_OBJECT ||
	    integ_json_validate(s->schema, strlen(s->schema), &own,
	    NULL) != 0 || !integ_json_member(own, "properties", &props))
		return;
	integ_buf_init(&tmp, 4096);
	integ_json_iter_init(&it, props);
	while (integ_json_iter_next(&it, &k, &v)) {
		if (integ_json_str_decode(k, &tmp) != 0 || tmp.data == NULL)
			continue;
		if (!integ_json_member(chosen, tmp.data, &x))
			names_add(drop, tmp.data, tmp.len);
	}
	integ_buf_free(&tmp);
}

static int
airbyte_entry(const struct integ_source *src, struct integ_json_span entry,
    struct integ_selected **sel, size_t *n, struct integ_err *e)
{
	struct integ_json_span stream, name, mode;
	const struct integ_stream *s;
	struct names drop = { NULL, 0 };
	char esc[128];

	if (!integ_json_member(entry, "stream", &stream) ||
	    !integ_json_member(stream, "name", &name))
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: a configured stream without stream.name");
	if ((s = byname(src, name)) == NULL) {
		integ_secret_escape(esc, sizeof(esc), name.p, name.len);
		return integ_errf(e, INTEG_EXIT_CONFIG,
		    "catalog: no stream %s in this source", esc);
	}
	airbyte_drop(s, stream, &drop);
	return add(sel, n, s, integ_json_member(entry, "sync_mode", &mode) &&
	    integ_json_str_eq(mode, "incremental", 11), &drop);
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
			add(sel, n, s, 1, &(struct names){ NULL, 0 });
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
		integ_catalog_selected_free(*sel, *n);
		*sel = NULL;
		*n = 0;
	}
	return code;
}
