/*
 * emit_stream.c: one stream of the emitter. It keeps the schema (given
 * or inferred), keys, cursor, bookmark and counters. Records are framed
 * as the bytes they came in; shape.c's classifier says whether a record
 * fits the schema and where its cursor is, the bookmark filter here
 * whether it is written at all.
 */
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"

#define INFER_DEFAULT	1000
#define HELD_MAX	((size_t)256 << 20)

void
integ_emit_stream_free(struct integ_emit_stream *st)
{
	size_t i;

	integ_shape_classifier_free(st->cl);
	free(st->name);
	integ_buf_free(&st->name_json);
	free(st->ns);
	for (i = 0; i < st->nkeys; i++)
		free(st->keys[i]);
	free(st->keys);
	free(st->cursor);
	for (i = 0; i < st->ndrop; i++)
		free(st->drop[i]);
	free(st->drop);
	integ_buf_free(&st->kept);
	integ_path_free(st->cpath);
	integ_buf_free(&st->ckey);
	free(st->given);
	integ_schema_free(st->schema);
	integ_buf_free(&st->held);
	free(st->heldend);
	integ_buf_free(&st->bookmark);
	integ_buf_free(&st->newest);
	integ_buf_free(&st->wend);
	free(st);
}

/* The schema text of a stream, into b. */
int
integ_emit_stream_schema(const struct integ_emit_stream *st,
    struct integ_buf *b)
{
	integ_buf_reset(b);
	if (st->schema != NULL)
		return integ_schema_write(st->schema, b);
	return integ_buf_adds(b, st->given);
}

static int
status(struct integ_emit_stream *st, const char *s, struct integ_err *e)
{
	struct integ_msg m;

	integ_emit_tick(st->em);
	integ_emit_msg(&m, st->em, st, INTEG_MSG_STATUS);
	m.status = s;
	return integ_emit_put(st->em, &m, e);
}

static int
activate(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_msg m;

	integ_emit_tick(st->em);
	integ_emit_msg(&m, st->em, st, INTEG_MSG_VERSION);
	st->activated = 1;
	return integ_emit_put(st->em, &m, e);
}

static int
send_schema(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_msg m;
	int code;

	if (integ_emit_stream_schema(st, &em->scratch) == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "%s: schema too large",
		    st->name);
	integ_emit_tick(em);
	integ_emit_msg(&m, em, st, INTEG_MSG_SCHEMA);
	m.schema.p = em->scratch.data;
	m.schema.len = em->scratch.len;
	st->schema_sent = 1;
	if ((code = integ_emit_put(em, &m, e)) != 0)
		return code;
	/* the table version begins after the first SCHEMA, before a record */
	if (st->version != 0 && !st->activated)
		return activate(st, e);
	return 0;
}

/* The property name of a path: ".a" is "a". */
static const char *
field(const char *path)
{
	return path[0] == '.' && path[1] != '\0' ? path + 1 : path;
}

/* A name a path means as itself: letters, digits, underscores. */
static int
plain_name(const char *s)
{
	const char *p;

	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

/* Is name one of the n paths (a key: ".id" names "id")? */
static int
named_in(const char *name, const char *const *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(field(paths[i]), name) == 0)
			return 1;
	return 0;
}

/* Is this an object schema? */
static int
object_schema(struct integ_json_span s)
{
	struct integ_json_iter it;
	struct integ_json_span t, v;

	if (integ_json_type(s) != INTEG_JSON_OBJECT ||
	    !integ_json_member(s, "type", &t))
		return 0;
	if (integ_json_type(t) == INTEG_JSON_STRING)
		return integ_json_str_eq(t, "object", 6);
	if (integ_json_type(t) != INTEG_JSON_ARRAY)
		return 0;
	integ_json_iter_init(&it, t);
	while (integ_json_iter_next(&it, NULL, &v))
		if (integ_json_type(v) == INTEG_JSON_STRING &&
		    integ_json_str_eq(v, "object", 6))
			return 1;
	return 0;
}

int
integ_emit_stream_begin(struct integ_emitter *em,
    const struct integ_stream_spec *spec, struct integ_emit_stream **out,
    struct integ_err *e)
{
	struct integ_emit_stream *st;
	struct integ_json_span sv, bm;
	size_t i;
	int code;

	if (spec->name == NULL || spec->name[0] == '\0')
		return integ_errf(e, INTEG_EXIT_USAGE, "a stream needs a name");
	st = integ_xcalloc(1, sizeof(*st));
	st->em = em;
	integ_buf_init(&st->held, HELD_MAX);
	integ_buf_init(&st->bookmark, 1 << 20);
	integ_buf_init(&st->newest, 1 << 20);
	integ_buf_init(&st->wend, 1 << 10);
	st->name = integ_xstrdup(spec->name);
	st->sorted = spec->sorted;
	integ_buf_init(&st->name_json, 0);
	integ_json_str_encode(&st->name_json, st->name, strlen(st->name));
	st->ns = spec->ns != NULL ? integ_xstrdup(spec->ns) : NULL;
	if (spec->nkeys > 0)
		st->keys = integ_xreallocarray(NULL, spec->nkeys,
		    sizeof(*st->keys));
	for (i = 0; i < spec->nkeys; i++)
		st->keys[i] = integ_xstrdup(spec->keys[i]);
	st->nkeys = spec->nkeys;
	st->version = spec->version;
	integ_buf_init(&st->kept, 0);
	for (i = 0; i < spec->ndrop; i++) {
		/* keys and the cursor are always written */
		if (named_in(spec->drop[i], spec->keys, spec->nkeys) ||
		    (spec->cursor != NULL &&
		    strcmp(field(spec->cursor), spec->drop[i]) == 0))
			continue;
		st->drop = integ_xreallocarray(st->drop, st->ndrop + 1,
		    sizeof(*st->drop));
		st->drop[st->ndrop++] = integ_xstrdup(spec->drop[i]);
	}
	if (spec->cursor != NULL) {
		if ((code = integ_path_compile(spec->cursor, &st->cpath, e))
		    != 0) {
			integ_emit_stream_free(st);
			return code;
		}
		st->cursor = integ_xstrdup(spec->cursor[0] == '.' &&
		    spec->cursor[1] != '\0' ? spec->cursor + 1 : spec->cursor);
		integ_buf_init(&st->ckey, 0);
		if (plain_name(st->cursor))
			integ_json_str_encode(&st->ckey, st->cursor,
			    strlen(st->cursor));
		if (integ_state_get(em->state, st->name, st->ns, st->cursor,
		    &bm)) {
			size_t n;

			/* a bookmark dropped would let the state go back */
			if (integ_buf_add(&st->bookmark, bm.p, bm.len) == -1) {
				integ_emit_stream_free(st);
				return integ_errf(e, INTEG_EXIT_DATA, "%s: the "
				    "bookmark in the state is larger than %zu "
				    "bytes, the most a cursor value may be",
				    spec->name, (size_t)1 << 20);
			}
			st->bookmark_usual = integ_schema_datetime_usual_at(
			    bm.p, bm.p + bm.len, &n) == 1 && n == bm.len;
		}
	}
	st->cl = integ_shape_classifier_new(st->cpath, (struct integ_json_span){
	    st->ckey.data, st->ckey.len });
	if (spec->schema != NULL) {
		if (integ_json_validate(spec->schema, strlen(spec->schema),
		    &sv, e) != 0 || !object_schema(sv)) {
			integ_emit_stream_free(st);
			return integ_errf(e, INTEG_EXIT_DATA, "%s: the schema "
			    "is not a JSON object schema", spec->name);
		}
		{
			struct integ_buf c;

			/* a pretty schema file must not break the line */
			integ_buf_init(&c, 0);
			if (st->ndrop > 0)
				integ_select_schema_drop(sv,
				    (const char *const *)st->drop, st->ndrop,
				    &c);
			else
				integ_json_compact(sv, &c);
			st->given = integ_buf_take(&c);
		}
	} else {
		st->schema = integ_schema_new();
		/* Singer wants keys and bookmarks among the properties */
		for (i = 0; i < st->nkeys; i++)
			integ_schema_ensure(st->schema, field(st->keys[i]));
		if (st->cursor != NULL && strchr(st->cursor, '.') == NULL &&
		    strchr(st->cursor, '[') == NULL)
			integ_schema_ensure(st->schema, st->cursor);
		st->infer = spec->infer ? spec->infer : INFER_DEFAULT;
		/* records wait for their SCHEMA only where one is written */
		st->holding = em->fmt->needs_schema;
	}
	em->streams = integ_xreallocarray(em->streams, em->nstreams + 1,
	    sizeof(*em->streams));
	em->streams[em->nstreams++] = st;
	if (st->given != NULL && (code = send_schema(st, e)) != 0)
		return code;
	if ((code = status(st, "STARTED", e)) != 0)
		return code;
	*out = st;
	return 0;
}

/* widen: the record does not fit the schema, which takes it first. */
static int
frame(struct integ_emit_stream *st, struct integ_json_span v, int widen,
    struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_msg *m;
	int code;

	if (!st->running) {
		st->running = 1;
		if ((code = status(st, "RUNNING", e)) != 0)
			return code;
	}
	if (widen) {
		integ_schema_add(st->schema, v);
		if (em->fmt->needs_schema && (code = send_schema(st, e)) != 0)
			return code;
	}
	integ_emit_tick(em);
	/* the stream's record message, filled in once */
	m = &st->recmsg;
	if (m->kind != INTEG_MSG_RECORD)
		integ_emit_msg(m, em, st, INTEG_MSG_RECORD);
	m->now_ms = em->now_ms;
	m->record = v;
	st->since_state++;
	st->written++;
	return integ_emit_put(em, m, e);
}

/* The schema is known: SCHEMA, then the records held back. */
static int
release(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_json_span v;
	size_t i, start = 0;
	int code = 0;

	if (!st->holding)
		return 0;
	st->holding = 0;
	if (!st->schema_sent && (code = send_schema(st, e)) != 0)
		return code;
	/* the schema was inferred from them: they fit */
	for (i = 0; i < st->nheld && code == 0; i++) {
		v.p = st->held.data + start;
		v.len = st->heldend[i] - start;
		start = st->heldend[i];
		code = frame(st, v, 0, e);
	}
	integ_buf_free(&st->held);
	free(st->heldend);
	st->heldend = NULL;
	st->nheld = 0;
	return code;
}

/* Is each record checked against the schema (frame() widens it)? */
int
integ_emit_stream_checking(const struct integ_emit_stream *st)
{
	return st->schema != NULL && st->em->keep && !st->holding;
}

/*
 * The bookmark filter, the one place where a record is not written: a
 * record whose cursor k is older than the bookmark the stream began
 * with is dropped (*drop), an equal one kept (at-least-once, never a
 * gap). A record without the cursor is written and does not move the
 * bookmark. The newest cursor written is what a checkpoint promises.
 */
static int
bookmark_filter(struct integ_emit_stream *st, const struct shape_class *k,
    int *drop, struct integ_err *e)
{
	struct integ_json_span bm = { st->bookmark.data, st->bookmark.len };
	struct integ_json_span nw = { st->newest.data, st->newest.len };

	*drop = 0;
	if (!k->found || k->cursor.p[0] == 'n') {	/* null */
		if (st->nocursor++ == 0)
			integ_log(INTEG_LOG_WARN, "%s: a record without the "
			    "cursor %s: written, the bookmark not moved "
			    "(warned once)", st->name, st->cursor);
		return 0;
	}
	/* windows filter by date themselves (lookback too) */
	if (bm.len > 0 && !st->windowed && integ_cursor_cmp_usual(k->cursor,
	    k->usual, bm, st->bookmark_usual) < 0) {
		st->dropped++;
		*drop = 1;
		return 0;
	}
	if (nw.len == 0 || integ_cursor_cmp_usual(k->cursor, k->usual, nw,
	    st->newest_usual) > 0) {
		integ_buf_reset(&st->newest);
		st->newest_usual = k->usual;
		if (integ_buf_add(&st->newest, k->cursor.p,
		    k->cursor.len) == -1)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: cursor "
			    "value too large", st->name);
	}
	return 0;
}

/* Records wait for the schema inferred from them; N read: it is known. */
static int
hold(struct integ_emit_stream *st, struct integ_json_span v,
    struct integ_err *e)
{
	if (integ_buf_add(&st->held, v.p, v.len) == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "%s: records held for "
		    "inference pass %zu bytes", st->name, HELD_MAX);
	st->heldend = integ_xreallocarray(st->heldend, st->nheld + 1,
	    sizeof(*st->heldend));
	st->heldend[st->nheld++] = st->held.len;
	integ_schema_add(st->schema, v);
	if (st->nheld >= st->infer)
		return release(st, e);
	return 0;
}

/*
 * A validated record: its fields deselected taken out, classified
 * (shape.c: does it fit the schema, its cursor), past the bookmark
 * filter, then held while the schema is inferred, or framed.
 */
static int
record(struct integ_emit_stream *st, struct integ_json_span v,
    struct integ_err *e)
{
	struct shape_class k;
	int code, drop;

	if (st->ended)
		return integ_errf(e, INTEG_EXIT_FAIL, "%s: a record after "
		    "the stream ended", st->name);
	/* validated: an object is what starts with '{' */
	if (v.len == 0 || v.p[0] != '{')
		return integ_errf(e, INTEG_EXIT_DATA, "a record is a JSON "
		    "object, not %s", integ_json_type_name(integ_json_type(v)));
	if (st->ndrop > 0) {
		integ_buf_reset(&st->kept);
		if (integ_select_drop(v, (const char *const *)st->drop,
		    st->ndrop, &st->kept) == -1)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: record too "
			    "large", st->name);
		v.p = st->kept.data;
		v.len = st->kept.len;
	}
	integ_shape_classify(st->cl, v, integ_emit_stream_checking(st) ?
	    st->schema : NULL, &k);
	if (st->cpath != NULL) {
		if ((code = bookmark_filter(st, &k, &drop, e)) != 0)
			return code;
		if (drop)
			return 0;
	}
	if (st->holding)
		return hold(st, v, e);
	return frame(st, v, k.fits == 0, e);
}

int
integ_emit_record(struct integ_emit_stream *st, const char *p, size_t len,
    struct integ_err *e)
{
	struct integ_json_span v;
	int code;

	if ((code = integ_json_validate(p, len, &v, e)) != 0)
		return code;
	return record(st, v, e);
}

int
integ_emit_record_valid(struct integ_emit_stream *st, const char *p,
    size_t len, struct integ_err *e)
{
	struct integ_json_span v = { p, len };

	return record(st, v, e);
}

int
integ_emit_checkpoint(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_msg m;
	int code;

	if ((code = release(st, e)) != 0)
		return code;
	if (st->cursor != NULL && st->windowed) {
		/*
		 * Records of a window are in no order: only the end of a
		 * window read whole is a promise, and never one older than
		 * the bookmark the stream began with.
		 */
		if (st->wend.len > 0 && (st->bookmark.len == 0 ||
		    integ_cursor_cmp((struct integ_json_span){ st->wend.data,
		    st->wend.len }, (struct integ_json_span){
		    st->bookmark.data, st->bookmark.len }) > 0))
			integ_state_set(em->state, st->name, st->ns,
			    st->cursor, st->wend.data, st->wend.len);
	} else if (st->cursor != NULL && st->newest.len > 0 &&
	    !st->unverified) {
		/*
		 * The bookmark the stream began with stays the filter: a
		 * checkpoint does not drop later records of this sync.
		 */
		if (integ_state_set(em->state, st->name, st->ns, st->cursor,
		    st->newest.data, st->newest.len) != 0)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: the state "
			    "is too large", st->name);
	}
	integ_buf_reset(&em->scratch);
	integ_buf_reset(&em->scratch2);
	if (integ_state_write(em->state, INTEG_PROTO_SINGER, &em->scratch) ==
	    -1 || integ_state_write_stream(em->state, st->name, st->ns,
	    &em->scratch2) == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "%s: the state is too "
		    "large", st->name);
	integ_emit_tick(em);
	integ_emit_msg(&m, em, st, INTEG_MSG_STATE);
	m.value.p = em->scratch.data;
	m.value.len = em->scratch.len;
	m.stream_state.p = em->scratch2.data;
	m.stream_state.len = em->scratch2.len;
	m.count = st->since_state;
	st->since_state = 0;
	if ((code = integ_emit_put(em, &m, e)) != 0)
		return code;
	return integ_emit_drain(em, 1, e);
}

void
integ_emit_stream_unverified(struct integ_emit_stream *st)
{
	if (!st->sorted)
		st->unverified = 1;
}

/* Would the newest cursor seen move the bookmark? */
static int
moves(const struct integ_emit_stream *st)
{
	if (st->cursor == NULL || st->newest.len == 0)
		return 0;
	if (st->bookmark.len == 0)
		return 1;
	return integ_cursor_cmp_usual((struct integ_json_span){ st->newest.data,
	    st->newest.len }, st->newest_usual, (struct integ_json_span){
	    st->bookmark.data, st->bookmark.len }, st->bookmark_usual) > 0;
}

int
integ_emit_mark(struct integ_emit_stream *st, struct integ_json_span v,
    struct integ_err *e)
{
	st->windowed = 1;
	if (st->wend.len == 0 || integ_cursor_cmp(v, (struct integ_json_span){
	    st->wend.data, st->wend.len }) > 0) {
		integ_buf_reset(&st->wend);
		if (integ_buf_add(&st->wend, v.p, v.len) == -1)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: a window's "
			    "end too large", st->name);
	}
	return integ_emit_checkpoint(st, e);
}

/* The stream ends, well or not: what is held is framed first. */
static int
ending(struct integ_emit_stream *st, struct integ_err *e)
{
	st->ended = 1;
	return release(st, e);
}

/* The stream's last message, COMPLETE or INCOMPLETE, flushed. */
static int
last_status(struct integ_emit_stream *st, const char *s, struct integ_err *e)
{
	int code;

	if ((code = status(st, s, e)) != 0)
		return code;
	return integ_emit_drain(st->em, 1, e);
}

int
integ_emit_stream_end(struct integ_emit_stream *st, struct integ_err *e)
{
	int code;

	if (st->ended)
		return 0;
	if ((code = ending(st, e)) != 0)
		return code;
	if (st->unverified && moves(st))
		integ_log(INTEG_LOG_WARN, "%s: the bookmark is not moved: the "
		    "input did not end with the end-of-data mark (a stage "
		    "before may have died half-way) and the records are not "
		    "--sorted", st->name);
	if (!st->schema_sent && (code = send_schema(st, e)) != 0)
		return code;
	/* every record of the version is out: the target may drop the rest */
	if (st->version != 0 && (code = activate(st, e)) != 0)
		return code;
	if (!st->stateless && (code = integ_emit_checkpoint(st, e)) != 0)
		return code;
	if (st->nocursor > 1)
		integ_log(INTEG_LOG_WARN, "%s: %llu records without the "
		    "cursor %s", st->name, (unsigned long long)st->nocursor,
		    st->cursor);
	return last_status(st, "COMPLETE", e);
}

int
integ_emit_stream_stop(struct integ_emit_stream *st, struct integ_err *e)
{
	st->stateless = 1;
	return integ_emit_stream_end(st, e);
}

int
integ_emit_stream_fail(struct integ_emit_stream *st, int failure,
    const char *why, struct integ_err *e)
{
	char internal[64];
	int code;

	if (st->ended)
		return 0;
	/* the records read before the failure are delivered, no STATE */
	if ((code = ending(st, e)) != 0)
		return code;
	snprintf(internal, sizeof(internal), "exit status %d (%s)", failure,
	    integ_exit_name(failure));
	if ((code = integ_emit_error_msg(st->em, st,
	    integ_format_failure_of(failure), why, internal, e)) != 0)
		return code;
	return last_status(st, "INCOMPLETE", e);
}

int
integ_emit_estimate(struct integ_emit_stream *st, uint64_t rows,
    struct integ_err *e)
{
	struct integ_msg m;

	st->estimate = rows;
	integ_emit_tick(st->em);
	integ_emit_msg(&m, st->em, st, INTEG_MSG_ESTIMATE);
	m.count = rows;
	return integ_emit_put(st->em, &m, e);
}

uint64_t
integ_emit_stream_estimate(const struct integ_emit_stream *st)
{
	return st->estimate;
}

uint64_t
integ_emit_stream_written(const struct integ_emit_stream *st)
{
	return st->written;
}

uint64_t
integ_emit_stream_dropped(const struct integ_emit_stream *st)
{
	return st->dropped;
}
