/*
 * emit.c: the emitter. It asks its format to write each message of its
 * streams (emit_stream.c) and of the run (LOG, a TRACE ERROR). Output is
 * gathered in a buffer and written in large pieces; it is flushed at
 * every STATE, so a STATE never reaches the reader before the records
 * it covers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit_int.h"

#define OUT_FLUSH	(64 * 1024)

/* The clock, read for every message: the coarse one is cheap enough. */
void
integ_emitter_tick(struct integ_emitter *em)
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

void
integ_emitter_free(struct integ_emitter *em)
{
	size_t i;

	if (em == NULL)
		return;
	for (i = 0; i < em->nstreams; i++)
		integ_emit_stream_free(em->streams[i]);
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
int
integ_emitter_drain(struct integ_emitter *em, int flush, struct integ_err *e)
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
	return integ_emitter_drain(em, 1, e);
}

void
integ_emitter_msg(struct integ_msg *m, struct integ_emitter *em,
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

int
integ_emitter_put(struct integ_emitter *em, const struct integ_msg *m,
    struct integ_err *e)
{
	int code;

	if ((code = em->fmt->write(em->fmtarg, m, &em->out, e)) != 0)
		return code;
	if (em->out.len >= OUT_FLUSH)
		return integ_emitter_drain(em, 0, e);
	return 0;
}

int
integ_emit_log(struct integ_emitter *em, enum integ_level lv,
    const char *text, struct integ_err *e)
{
	struct integ_msg m;
	int code;

	integ_emitter_tick(em);
	integ_emitter_msg(&m, em, NULL, INTEG_MSG_LOG);
	m.level = lv;
	m.message = text;
	if ((code = integ_emitter_put(em, &m, e)) != 0)
		return code;
	return integ_emitter_drain(em, 1, e);
}

void
integ_emit_log_sink(enum integ_level lv, const char *line, void *arg)
{
	struct integ_emitter *em = arg;

	/* a log line that cannot be written has nowhere else to go */
	integ_emit_log(em, lv, line, NULL);
}

int
integ_emitter_error_msg(struct integ_emitter *em,
    const struct integ_emit_stream *st, enum integ_failure f,
    const char *text, const char *internal, struct integ_err *e)
{
	struct integ_msg m;

	integ_emitter_tick(em);
	integ_emitter_msg(&m, em, st, INTEG_MSG_ERROR);
	m.failure = f;
	m.message = text;
	m.internal = internal;
	return integ_emitter_put(em, &m, e);
}

int
integ_emit_error(struct integ_emitter *em, enum integ_failure f,
    const char *text, const char *internal, struct integ_err *e)
{
	int code;

	if ((code = integ_emitter_error_msg(em, NULL, f, text, internal,
	    e)) != 0)
		return code;
	return integ_emitter_drain(em, 1, e);
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
		r |= integ_emit_stream_schema(st, &em->scratch);
		r |= integ_catalog_airbyte_stream(b, st->name, st->ns,
		    (struct integ_json_span){ em->scratch.data,
		    em->scratch.len }, st->cursor,
		    (const char *const *)st->keys, st->nkeys);
	}
	r |= integ_buf_adds(b, "]}\n");
	return r ? -1 : 0;
}

/* The last line: a trailer, after everything already framed. */
void
integ_emitter_trailer(struct integ_emitter *em, int code, const char *msg,
    const char *raw, size_t rawlen)
{
	struct integ_err fe;

	integ_emitter_drain(em, 0, &fe);
	if (raw != NULL) {
		fwrite(raw, 1, rawlen, em->fp);
		fputc('\n', em->fp);
		fflush(em->fp);
	} else
		integ_trailer_write(em->fp, code, msg);
}
