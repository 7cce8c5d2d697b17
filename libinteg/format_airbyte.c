/*
 * format_airbyte.c: Airbyte protocol messages as the official protocol
 * schema defines them: RECORD (emitted_at in epoch ms), per-stream STATE
 * with sourceStats.recordCount, TRACE STREAM_STATUS, TRACE ERROR with a
 * failure_type, LOG. Airbyte has no schema message: the catalog carries
 * the schema.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "buf_int.h"

static int
str(struct integ_buf *b, const char *s)
{
	return integ_json_str_encode(b, s, strlen(s));
}

/* A message text, masked: it may quote an error body. */
static int
masked(struct integ_buf *b, const char *s)
{
	char *m = integ_mask(s);
	int r;

	r = str(b, m);
	free(m);
	return r;
}

static int
descriptor(struct integ_buf *b, const struct integ_msg *m)
{
	int r = 0;

	r |= integ_buf_adds(b, "{\"name\":");
	r |= str(b, m->stream);
	if (m->ns != NULL) {
		r |= integ_buf_adds(b, ",\"namespace\":");
		r |= str(b, m->ns);
	}
	r |= integ_buf_addc(b, '}');
	return r;
}

/* A number without printf: this is on every record's path. */
static int
decimal(struct integ_buf *b, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	return integ_buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

/*
 * emitted_at of the last record, as digits: the clock moves once a
 * millisecond at most, records come by the thousand.
 */
static _Thread_local int64_t last_ms = -1;
static _Thread_local char last_digits[24];
static _Thread_local size_t last_nd;

/* The message every record is: one reservation, then copies. */
static int
record_fast(struct integ_buf *b, const struct integ_msg *m,
    struct integ_err *e)
{
	char d[24], *p;
	uint64_t u;

	if (m->now_ms != last_ms) {
		u = m->now_ms < 0 ? 0 : (uint64_t)m->now_ms;
		p = d + sizeof(d);
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u > 0);
		last_nd = (size_t)(d + sizeof(d) - p);
		memcpy(last_digits, p, last_nd);
		last_ms = m->now_ms;
	}
	{
#define S(lit)	{ lit, sizeof(lit) - 1 }
		const struct integ_json_span v[] = {
			S("{\"type\":\"RECORD\",\"record\":{\"stream\":"),
			m->stream_json, S(",\"data\":"), m->record,
			S(",\"emitted_at\":"), { last_digits, last_nd },
			S("}}\n")
		};
#undef S

		if (integ_buf_addv(b, v, sizeof(v) / sizeof(v[0])) == -1)
			return integ_errf(e, INTEG_EXIT_DATA,
			    "message too large");
	}
	return 0;
}

static int
airbyte_write(void *arg, const struct integ_msg *m, struct integ_buf *b,
    struct integ_err *e)
{
	int r = 0;

	switch (m->kind) {
	case INTEG_MSG_RECORD:
		if (m->ns == NULL && m->stream_json.p != NULL)
			return record_fast(b, m, e);
		r |= integ_buf_adds(b, "{\"type\":\"RECORD\",\"record\":"
		    "{\"stream\":");
		r |= str(b, m->stream);
		if (m->ns != NULL) {
			r |= integ_buf_adds(b, ",\"namespace\":");
			r |= str(b, m->ns);
		}
		r |= integ_buf_adds(b, ",\"data\":");
		r |= integ_buf_add(b, m->record.p, m->record.len);
		r |= integ_buf_adds(b, ",\"emitted_at\":");
		r |= decimal(b, m->now_ms);
		r |= integ_buf_adds(b, "}}\n");
		break;
	case INTEG_MSG_STATE:
		r |= integ_buf_adds(b, "{\"type\":\"STATE\",\"state\":"
		    "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":");
		r |= descriptor(b, m);
		r |= integ_buf_adds(b, ",\"stream_state\":");
		r |= integ_buf_add(b, m->stream_state.p, m->stream_state.len);
		r |= integ_buf_printf(b, "},\"sourceStats\":{\"recordCount\":"
		    "%" PRIu64 ".0}}}\n", m->count);
		break;
	case INTEG_MSG_STATUS:
		r |= integ_buf_printf(b, "{\"type\":\"TRACE\",\"trace\":"
		    "{\"type\":\"STREAM_STATUS\",\"emitted_at\":%" PRId64
		    ",\"stream_status\":{\"stream_descriptor\":", m->now_ms);
		r |= descriptor(b, m);
		r |= integ_buf_printf(b, ",\"status\":\"%s\"}}}\n", m->status);
		break;
	case INTEG_MSG_ERROR:
		r |= integ_buf_printf(b, "{\"type\":\"TRACE\",\"trace\":"
		    "{\"type\":\"ERROR\",\"emitted_at\":%" PRId64
		    ",\"error\":{\"message\":", m->now_ms);
		r |= masked(b, m->message);
		if (m->internal != NULL) {
			r |= integ_buf_adds(b, ",\"internal_message\":");
			r |= masked(b, m->internal);
		}
		r |= integ_buf_printf(b, ",\"failure_type\":\"%s\"",
		    integ_failure_name(m->failure));
		if (m->stream != NULL) {
			r |= integ_buf_adds(b, ",\"stream_descriptor\":");
			r |= descriptor(b, m);
		}
		r |= integ_buf_adds(b, "}}}\n");
		break;
	case INTEG_MSG_ESTIMATE:
		r |= integ_buf_printf(b, "{\"type\":\"TRACE\",\"trace\":"
		    "{\"type\":\"ESTIMATE\",\"emitted_at\":%" PRId64
		    ",\"estimate\":{\"name\":", m->now_ms);
		r |= str(b, m->stream);
		if (m->ns != NULL) {
			r |= integ_buf_adds(b, ",\"namespace\":");
			r |= str(b, m->ns);
		}
		r |= integ_buf_printf(b, ",\"type\":\"STREAM\",\"row_estimate\":"
		    "%" PRIu64 "}}}\n", m->count);
		break;
	case INTEG_MSG_LOG:
		r |= integ_buf_printf(b, "{\"type\":\"LOG\",\"log\":"
		    "{\"level\":\"%s\",\"message\":", integ_log_level_name(m->level));
		r |= str(b, m->message);
		r |= integ_buf_adds(b, "}}\n");
		break;
	default:
		break;
	}
	if (r)
		return integ_errf(e, INTEG_EXIT_DATA, "message too large");
	return 0;
}

const struct integ_format integ_format_airbyte = {
	.name = "airbyte",
	.summary = "Airbyte RECORD, STATE, TRACE and LOG messages",
	.write = airbyte_write,
};
