/*
 * emit.c: the emitter. It keeps, per stream, the schema (given or
 * inferred), keys, cursor, bookmark and counters, and asks its format to
 * write each message. Records are validated and framed as the bytes they
 * came in. Output is gathered in a buffer and written in large pieces;
 * it is flushed at every STATE, so a STATE never reaches the reader
 * before the records it covers.
 */
#include <sys/param.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "integ.h"
#include "json_int.h"
#include "lines_int.h"

#define OUT_FLUSH	(64 * 1024)
#define INFER_DEFAULT	1000
#define HELD_MAX	((size_t)256 << 20)

struct integ_emit_stream {
	struct integ_emitter	*em;
	char			*name;
	struct integ_buf	 name_json;
	char			*ns;
	char			**keys;
	size_t			 nkeys;
	char			*cursor;	/* field name (path text) */
	struct integ_path	*cpath;
	struct integ_buf	 ckey;		/* a plain top-level cursor, as JSON */
	char			*given;		/* schema text given */
	struct integ_schema	*schema;	/* inferred (or NULL) */
	size_t			 infer;
	int			 schema_sent;
	int			 running;
	int			 ended;
	/* records held back until the schema is inferred */
	int			 holding;
	struct integ_buf	 held;
	size_t			*heldend;
	size_t			 nheld;
	/* incremental */
	struct integ_buf	 bookmark;	/* at the start; empty: none */
	struct integ_buf	 newest;	/* newest cursor seen */
	int			 sorted;	/* ascending: newest is safe */
	int			 unverified;	/* the bookmark stays */
	/* bookmark, newest: a date-time string in the usual layout */
	int			 bookmark_usual;
	int			 newest_usual;
	/* date windows: the bookmark moves only to a window's end */
	int			 windowed;
	struct integ_buf	 wend;		/* the last window's end */
	uint64_t		 since_state;
	uint64_t		 estimate;	/* rows announced, 0: none */
	int			 stateless;	/* ends without a STATE (--test) */
	uint64_t		 written;
	uint64_t		 dropped;
	uint64_t		 nocursor;
	struct shape_classifier	*cl;		/* fits, cursor: shape.c */
	struct integ_msg	 recmsg;	/* kind 0 until the first record */
	int64_t			 version;	/* ACTIVATE_VERSION, 0: none */
	int			 activated;	/* the first one written */
	char			**drop;		/* fields deselected */
	size_t			 ndrop;
	struct integ_buf	 kept;		/* a record without them */
};

struct integ_emitter {
	const struct integ_format *fmt;
	void			*fmtarg;
	FILE			*fp;
	struct integ_buf	 out;
	struct integ_buf	 scratch;
	struct integ_buf	 scratch2;
	struct integ_state	*state;
	struct integ_state	*own;
	struct integ_emit_stream **streams;
	size_t			 nstreams;
	int64_t			 now_ms;
	char			 now[32];
	int			 failed_io;
	int			 keep;		/* schemas kept up to date */
};

/* The clock, read for every message: the coarse one is cheap enough. */
static void
tick(struct integ_emitter *em)
{
	struct timespec ts;
	int64_t ms;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

	if (ms != em->now_ms) {
		em->now_ms = ms;
		integ_time_rfc3339(ms, em->now);
	}
}

int
integ_emitter_new(const char *spec, FILE *fp, struct integ_emitter **out,
    struct integ_err *e)
{
	const struct integ_format *fmt;
	struct integ_emitter *em;
	const char *arg = NULL, *eq;
	char name[64];
	int code;

	if ((eq = strchr(spec, '=')) != NULL) {
		arg = eq + 1;
		if ((size_t)(eq - spec) >= sizeof(name))
			return integ_errf(e, INTEG_EXIT_USAGE,
			    "unknown format: %.64s", spec);
		memcpy(name, spec, (size_t)(eq - spec));
		name[eq - spec] = '\0';
	} else
		strlcpy(name, spec, sizeof(name));
	if ((fmt = integ_format_find(name)) == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "unknown format: %s",
		    name);
	if (fmt->needs_arg && arg == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "format %s needs an "
		    "argument: %s=ARG", name, name);
	em = integ_xcalloc(1, sizeof(*em));
	em->fmt = fmt;
	em->fp = fp;
	if (fmt->open != NULL && (code = fmt->open(&em->fmtarg, arg, e)) != 0) {
		free(em);
		return code;
	}
	integ_buf_init(&em->out, 0);
	integ_buf_init(&em->scratch, 0);
	integ_buf_init(&em->scratch2, 0);
	em->keep = fmt->needs_schema;
	em->own = integ_state_new();
	em->state = em->own;
	*out = em;
	return 0;
}

static void
stream_free(struct integ_emit_stream *st)
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

void
integ_emitter_free(struct integ_emitter *em)
{
	size_t i;

	if (em == NULL)
		return;
	for (i = 0; i < em->nstreams; i++)
		stream_free(em->streams[i]);
	free(em->streams);
	if (em->fmt->close != NULL)
		em->fmt->close(em->fmtarg);
	integ_buf_free(&em->out);
	integ_buf_free(&em->scratch);
	integ_buf_free(&em->scratch2);
	integ_state_free(em->own);
	free(em);
}

void
integ_emitter_keep_schemas(struct integ_emitter *em)
{
	em->keep = 1;
}

const struct integ_format *
integ_emitter_format(const struct integ_emitter *em)
{
	return em->fmt;
}

void
integ_emitter_set_state(struct integ_emitter *em, struct integ_state *s)
{
	em->state = s != NULL ? s : em->own;
}

/* Write the buffered output; flush the FILE too when asked. */
static int
drain(struct integ_emitter *em, int flush, struct integ_err *e)
{
	if (em->out.len > 0) {
		if (fwrite(em->out.data, 1, em->out.len, em->fp) !=
		    em->out.len)
			em->failed_io = errno ? errno : EIO;
		integ_buf_reset(&em->out);
	}
	if (flush && fflush(em->fp) != 0)
		em->failed_io = errno ? errno : EIO;
	if (em->failed_io || ferror(em->fp))
		return integ_errf(e, INTEG_EXIT_IO, "write error: %s",
		    strerror(em->failed_io ? em->failed_io : EIO));
	return 0;
}

int
integ_emitter_flush(struct integ_emitter *em, struct integ_err *e)
{
	return drain(em, 1, e);
}

static void
msg_init(struct integ_msg *m, struct integ_emitter *em,
    const struct integ_emit_stream *st, enum integ_msg_kind kind)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->now_ms = em->now_ms;
	m->now = em->now;
	if (st != NULL) {
		m->stream = st->name;
		m->stream_json.p = st->name_json.data;
		m->stream_json.len = st->name_json.len;
		m->ns = st->ns;
		m->keys = (const char *const *)st->keys;
		m->nkeys = st->nkeys;
		m->cursor = st->cursor;
		m->version = st->version;
	}
}

static int
put(struct integ_emitter *em, const struct integ_msg *m, struct integ_err *e)
{
	int code;

	if ((code = em->fmt->write(em->fmtarg, m, &em->out, e)) != 0)
		return code;
	if (em->out.len >= OUT_FLUSH)
		return drain(em, 0, e);
	return 0;
}

static int
status(struct integ_emit_stream *st, const char *s, struct integ_err *e)
{
	struct integ_msg m;

	tick(st->em);
	msg_init(&m, st->em, st, INTEG_MSG_STATUS);
	m.status = s;
	return put(st->em, &m, e);
}

int
integ_emit_log(struct integ_emitter *em, enum integ_level lv,
    const char *text, struct integ_err *e)
{
	struct integ_msg m;
	int code;

	tick(em);
	msg_init(&m, em, NULL, INTEG_MSG_LOG);
	m.level = lv;
	m.message = text;
	if ((code = put(em, &m, e)) != 0)
		return code;
	return drain(em, 1, e);
}

void
integ_emit_log_sink(enum integ_level lv, const char *line, void *arg)
{
	struct integ_emitter *em = arg;

	/* a log line that cannot be written has nowhere else to go */
	integ_emit_log(em, lv, line, NULL);
}

static int
error_msg(struct integ_emitter *em, const struct integ_emit_stream *st,
    enum integ_failure f, const char *text, const char *internal,
    struct integ_err *e)
{
	struct integ_msg m;

	tick(em);
	msg_init(&m, em, st, INTEG_MSG_ERROR);
	m.failure = f;
	m.message = text;
	m.internal = internal;
	return put(em, &m, e);
}

int
integ_emit_error(struct integ_emitter *em, enum integ_failure f,
    const char *text, const char *internal, struct integ_err *e)
{
	int code;

	if ((code = error_msg(em, NULL, f, text, internal, e)) != 0)
		return code;
	return drain(em, 1, e);
}

/* The schema text of a stream, into b. */
static int
schema_text(const struct integ_emit_stream *st, struct integ_buf *b)
{
	integ_buf_reset(b);
	if (st->schema != NULL)
		return integ_schema_write(st->schema, b);
	return integ_buf_adds(b, st->given);
}

static int
activate(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_msg m;

	tick(st->em);
	msg_init(&m, st->em, st, INTEG_MSG_VERSION);
	st->activated = 1;
	return put(st->em, &m, e);
}

static int
send_schema(struct integ_emit_stream *st, struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_msg m;
	int code;

	if (schema_text(st, &em->scratch) == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "%s: schema too large",
		    st->name);
	tick(em);
	msg_init(&m, em, st, INTEG_MSG_SCHEMA);
	m.schema.p = em->scratch.data;
	m.schema.len = em->scratch.len;
	st->schema_sent = 1;
	if ((code = put(em, &m, e)) != 0)
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
			stream_free(st);
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
				stream_free(st);
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
			stream_free(st);
			return integ_errf(e, INTEG_EXIT_DATA, "%s: the schema "
			    "is not a JSON object schema", spec->name);
		}
		{
			struct integ_buf c;

			/* a pretty schema file must not break the line */
			integ_buf_init(&c, 0);
			if (st->ndrop > 0)
				integ_schema_drop(sv, (const char *const *)
				    st->drop, st->ndrop, &c);
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
	tick(em);
	/* the stream's record message, filled in once */
	m = &st->recmsg;
	if (m->kind != INTEG_MSG_RECORD)
		msg_init(m, em, st, INTEG_MSG_RECORD);
	m->now_ms = em->now_ms;
	m->record = v;
	st->since_state++;
	st->written++;
	return put(em, m, e);
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
static int
checking(const struct integ_emit_stream *st)
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
		if (integ_buf_add(&st->newest, k->cursor.p, k->cursor.len) ==
		    -1)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: cursor value "
			    "too large", st->name);
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
		if (integ_json_drop(v, (const char *const *)st->drop,
		    st->ndrop, &st->kept) == -1)
			return integ_errf(e, INTEG_EXIT_DATA, "%s: record too "
			    "large", st->name);
		v.p = st->kept.data;
		v.len = st->kept.len;
	}
	integ_shape_classify(st->cl, v, checking(st) ? st->schema : NULL, &k);
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
	tick(em);
	msg_init(&m, em, st, INTEG_MSG_STATE);
	m.value.p = em->scratch.data;
	m.value.len = em->scratch.len;
	m.stream_state.p = em->scratch2.data;
	m.stream_state.len = em->scratch2.len;
	m.count = st->since_state;
	st->since_state = 0;
	if ((code = put(em, &m, e)) != 0)
		return code;
	return drain(em, 1, e);
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

int
integ_emit_stream_end(struct integ_emit_stream *st, struct integ_err *e)
{
	int code;

	if (st->ended)
		return 0;
	st->ended = 1;
	if ((code = release(st, e)) != 0)
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
	if ((code = status(st, "COMPLETE", e)) != 0)
		return code;
	return drain(st->em, 1, e);
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
	st->ended = 1;
	/* the records read before the failure are delivered, no STATE */
	if ((code = release(st, e)) != 0)
		return code;
	snprintf(internal, sizeof(internal), "exit status %d (%s)", failure,
	    integ_exit_name(failure));
	if ((code = error_msg(st->em, st, integ_failure_of(failure), why,
	    internal, e)) != 0)
		return code;
	if ((code = status(st, "INCOMPLETE", e)) != 0)
		return code;
	return drain(st->em, 1, e);
}

int
integ_emit_estimate(struct integ_emit_stream *st, uint64_t rows,
    struct integ_err *e)
{
	struct integ_msg m;

	st->estimate = rows;
	tick(st->em);
	msg_init(&m, st->em, st, INTEG_MSG_ESTIMATE);
	m.count = rows;
	return put(st->em, &m, e);
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

int
integ_emitter_catalog(struct integ_emitter *em, struct integ_buf *b)
{
	struct integ_emit_stream *st;
	size_t i;
	int r = 0;

	r |= integ_buf_adds(b, "{\"streams\":[");
	for (i = 0; i < em->nstreams; i++) {
		st = em->streams[i];
		if (i > 0)
			r |= integ_buf_addc(b, ',');
		r |= schema_text(st, &em->scratch);
		r |= integ_catalog_airbyte_stream(b, st->name, st->ns,
		    (struct integ_json_span){ em->scratch.data,
		    em->scratch.len }, st->cursor,
		    (const char *const *)st->keys, st->nkeys);
	}
	r |= integ_buf_adds(b, "]}\n");
	return r ? -1 : 0;
}

/* The last line: a trailer, after everything already framed. */
static void
trailer(struct integ_emitter *em, int code, const char *msg, const char *raw,
    size_t rawlen)
{
	struct integ_err fe;

	drain(em, 0, &fe);
	if (raw != NULL) {
		fwrite(raw, 1, rawlen, em->fp);
		fputc('\n', em->fp);
		fflush(em->fp);
	} else
		integ_trailer_write(em->fp, code, msg);
}

/* integ-emit's input. */
struct run {
	struct integ_emit_stream *st;
	struct integ_err	 *e;
	const char		 *name;
	uint64_t		  every;
};

static int
on_text(void *arg, const char *p, size_t len, struct integ_err *e)
{
	return integ_emit_record_valid(arg, p, len, e);
}

/* One input line of integ-emit; a failure is framed here. */
static int
line(struct run *r, const char *p, size_t len, size_t lineno)
{
	struct integ_emit_stream *st = r->st;
	struct integ_emitter *em = st->em;
	struct integ_err fe, *e = r->e;
	struct integ_json_span mv;
	const char *tmsg, *why;
	char msg[sizeof(e->msg)];
	int code, tcode;

	/* the end-of-data mark that ends the last line (integ(7)) */
	if (len > 0 && p[len - 1] == '\t')
		len--;
	if (len > 0 && p[0] == 'i' && integ_mark_parse(p, len, &mv)) {
		if ((code = integ_emit_mark(st, mv, e)) != 0) {
			integ_emit_stream_fail(st, code, e->msg, &fe);
			trailer(em, code, e->msg, NULL, 0);
		}
		return code;
	}
	if (len > 0 && p[0] == 'i' && integ_trailer_parse(p, len, &tcode,
	    &tmsg)) {
		integ_errf(e, tcode, "upstream failed: %.*s",
		    (int)(len - (size_t)(tmsg - p)), tmsg);
		integ_emit_stream_fail(st, tcode, e->msg, &fe);
		/* the trailer goes on as it came, after our messages */
		trailer(em, tcode, NULL, p, len);
		return tcode;
	}
	code = integ_shape_line(st->cl, p, len, checking(st), e);
	if (code != 0) {
		if (code == INTEG_EXIT_IO)
			return code;
		/* the scanner counts lines of this line: one */
		why = e->msg;
		if (strncmp(why, "line 1, ", 8) == 0)
			snprintf(msg, sizeof(msg), "%s: line %zu, %.900s",
			    r->name, lineno, why + 8);
		else
			snprintf(msg, sizeof(msg), "%s: line %zu: %.900s",
			    r->name, lineno, why);
		integ_errf(e, code, "%s", msg);
		integ_emit_stream_fail(st, code, msg, &fe);
		trailer(em, code, msg, NULL, 0);
		return code;
	}
	if (r->every > 0 && st->since_state + st->nheld >= r->every)
		return integ_emit_checkpoint(st, e);
	return 0;
}

/*
 * integ-emit's loop: read JSON Lines from fd and emit them on stream st.
 * A trailer line, a bad line or a signal ends the stream as failed,
 * after the records before it; the trailer (the one read, or our own) is
 * the last line written. Returns the exit status.
 */
int
integ_emit_run(struct integ_emit_stream *st, int fd, const char *name,
    uint64_t state_every, struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_lines lr;
	struct integ_err fe;
	struct run r;
	char msg[sizeof(e->msg)];
	const char *p;
	size_t len;
	int code = 0, k;

	r.st = st;
	r.e = e;
	r.name = name;
	r.every = state_every;
	/*
	 * Shapes spare a record of a shape seen before the scanner, and the
	 * schema check and the cursor lookup their walks.
	 */
	integ_shape_lines(st->cl, (st->schema != NULL && em->keep) ||
	    st->cpath != NULL, on_text, st);
	integ_lines_init(&lr, fd);
	while ((k = integ_lines_next(&lr, &p, &len)) == INTEG_LINES_LINE) {
		if (lr.sig) {
			/* the lines read before a signal: framed, no STATE */
			r.e = &fe;
			r.every = 0;
		}
		if ((code = line(&r, p, len, lr.lineno)) != 0) {
			if (lr.sig)
				code = integ_errf(e, INTEG_EXIT_SIGNAL + lr.sig,
				    "interrupted by signal %d", lr.sig);
			goto done;
		}
	}
	switch (k) {
	case INTEG_LINES_END:
		/* a stage before that died without a word: not a clean end */
		if (!integ_eod_seen(&lr.eod) && !integ_eod_whole(fd))
			integ_emit_stream_unverified(st);
		if ((code = integ_emit_stream_end(st, e)) != 0 &&
		    code != INTEG_EXIT_IO)
			trailer(em, code, e->msg, NULL, 0);	/* a jq error */
		goto done;
	case INTEG_LINES_LONG:
		code = integ_errf(e, INTEG_EXIT_DATA, "%s: line %zu: longer "
		    "than %zu bytes", name, lr.lineno + 1, lr.in.max);
		break;
	case INTEG_LINES_ERROR:
		code = integ_errf(e, INTEG_EXIT_IO, "%s: %s", name,
		    strerror(errno));
		break;
	default:
		code = integ_errf(e, INTEG_EXIT_SIGNAL + lr.sig,
		    "interrupted by signal %d", lr.sig);
		break;
	}
	strlcpy(msg, e->msg, sizeof(msg));
	integ_emit_stream_fail(st, code, msg, &fe);
	trailer(em, code, msg, NULL, 0);
done:
	integ_lines_free(&lr);
	return code;
}
