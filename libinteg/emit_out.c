/*
 * emit_out.c: the emitter's output, below its streams: each message of
 * the streams (emit_stream.c) and of the run (LOG, a TRACE ERROR) is
 * written by the format into a buffer and goes out in large pieces; it
 * is flushed at every STATE, so a STATE never reaches the reader before
 * the records it covers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emit_int.h"

#define OUT_FLUSH	(64 * 1024)

/* The clock, read for every message: the coarse one is cheap enough. */
void
integ_emit_tick(struct integ_emitter *em)
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

/* Write the buffered output; flush the FILE too when asked. */
int
integ_emit_drain(struct integ_emitter *em, int flush, struct integ_err *e)
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
integ_emit_flush(struct integ_emitter *em, struct integ_err *e)
{
	return integ_emit_drain(em, 1, e);
}

void
integ_emit_msg(struct integ_msg *m, struct integ_emitter *em,
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
integ_emit_put(struct integ_emitter *em, const struct integ_msg *m,
    struct integ_err *e)
{
	int code;

	if ((code = em->fmt->write(em->fmtarg, m, &em->out, e)) != 0)
		return code;
	if (em->out.len >= OUT_FLUSH)
		return integ_emit_drain(em, 0, e);
	return 0;
}

int
integ_emit_log(struct integ_emitter *em, enum integ_level lv,
    const char *text, struct integ_err *e)
{
	struct integ_msg m;
	int code;

	integ_emit_tick(em);
	integ_emit_msg(&m, em, NULL, INTEG_MSG_LOG);
	m.level = lv;
	m.message = text;
	if ((code = integ_emit_put(em, &m, e)) != 0)
		return code;
	return integ_emit_drain(em, 1, e);
}

void
integ_emit_log_sink(enum integ_level lv, const char *line, void *arg)
{
	struct integ_emitter *em = arg;

	/* a log line that cannot be written has nowhere else to go */
	integ_emit_log(em, lv, line, NULL);
}

int
integ_emit_error_msg(struct integ_emitter *em,
    const struct integ_emit_stream *st, enum integ_failure f,
    const char *text, const char *internal, struct integ_err *e)
{
	struct integ_msg m;

	integ_emit_tick(em);
	integ_emit_msg(&m, em, st, INTEG_MSG_ERROR);
	m.failure = f;
	m.message = text;
	m.internal = internal;
	return integ_emit_put(em, &m, e);
}

int
integ_emit_error(struct integ_emitter *em, enum integ_failure f,
    const char *text, const char *internal, struct integ_err *e)
{
	int code;

	if ((code = integ_emit_error_msg(em, NULL, f, text, internal,
	    e)) != 0)
		return code;
	return integ_emit_drain(em, 1, e);
}

/* The last line: a trailer, after everything already framed. */
void
integ_emit_trailer(struct integ_emitter *em, int code, const char *msg,
    const char *raw, size_t rawlen)
{
	struct integ_err fe;

	integ_emit_drain(em, 0, &fe);
	if (raw != NULL) {
		fwrite(raw, 1, rawlen, em->fp);
		fputc('\n', em->fp);
		fflush(em->fp);
	} else
		integ_trailer_write(em->fp, code, msg);
}
