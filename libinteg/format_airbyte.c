/*
 * format_airbyte.c: Airbyte protocol messages as the official protocol
 * schema defines them: RECORD (emitted_at in epoch ms), per-stream STATE
 * with sourceStats.recordCount, TRACE STREAM_STATUS, TRACE ERROR with a
 * failure_type, LOG; and the messages around a sync: SPEC, CONNECTION_STATUS,
 * CATALOG, CONTROL CONNECTOR_CONFIG. Airbyte has no schema message: the
 * catalog carries the schema.
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
	char *m = integ_secret_mask(s);
	int r;

	r = str(b, m);
	free(m);
	return r;
}

/* "KEY":name[,"namespace":ns]: the stream's names, in any message. */
static int
names(struct integ_buf *b, const char *key, const struct integ_msg *m)
{
	int r = 0;

	r |= integ_buf_printf(b, "\"%s\":", key);
	r |= str(b, m->stream);
	if (m->ns != NULL) {
		r |= integ_buf_adds(b, ",\"namespace\":");
		r |= str(b, m->ns);
	}
	return r;
}

static int
descriptor(struct integ_buf *b, const struct integ_msg *m)
{
	int r = 0;

	r |= integ_buf_addc(b, '{');
	r |= names(b, "name", m);
	r |= integ_buf_addc(b, '}');
	return r;
}

/*
 * The digits of v at the end of d, without printf: this is on every
 * record's path. Returns how many.
 */
static size_t
digits(char d[24], int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t i = 24;

	do {
		d[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		d[--i] = '-';
	return 24 - i;
}

static int
decimal(struct integ_buf *b, int64_t v)
{
	char d[24];
	size_t n = digits(d, v);

	return integ_buf_add(b, d + sizeof(d) - n, n);
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
	char d[24];

	if (m->now_ms != last_ms) {
		last_nd = digits(d, m->now_ms < 0 ? 0 : m->now_ms);
		memcpy(last_digits, d + sizeof(d) - last_nd, last_nd);
		last_ms = m->now_ms;
	}
	{
		const struct integ_json_span v[] = {
			INTEG_SPAN_LIT("{\"type\":\"RECORD\",\"record\":"
			    "{\"stream\":"), m->stream_json,
			INTEG_SPAN_LIT(",\"data\":"), m->record,
			INTEG_SPAN_LIT(",\"emitted_at\":"),
			{ last_digits, last_nd }, INTEG_SPAN_LIT("}}\n")
		};

		return integ_format_pieces(b, v, sizeof(v) / sizeof(v[0]), e);
	}
}

/*
 * {"type":"OUTER","outer":{"type":"INNER","emitted_at":N: the head of a
 * TRACE or CONTROL message; the caller adds the rest and closes both.
 */
static int
head(struct integ_buf *b, const char *outer, const char *key,
    const char *inner, const struct integ_msg *m)
{
	return integ_buf_printf(b, "{\"type\":\"%s\",\"%s\":{\"type\":"
	    "\"%s\",\"emitted_at\":%" PRId64, outer, key, inner, m->now_ms);
}

/* The message as text; non-zero when it did not fit. */
static int
message(struct integ_buf *b, const struct integ_msg *m)
{
	int r = 0;

	switch (m->kind) {
	case INTEG_MSG_RECORD:
		r |= integ_buf_adds(b, "{\"type\":\"RECORD\",\"record\":{");
		r |= names(b, "stream", m);
		r |= integ_buf_adds(b, ",\"data\":");
		r |= integ_buf_add(b, m->record.p, m->record.len);
		r |= integ_buf_adds(b, ",\"emitted_at\":");
		r |= decimal(b, m->now_ms);
		return r | integ_buf_adds(b, "}}\n");
	case INTEG_MSG_STATE:
		r |= integ_buf_adds(b, "{\"type\":\"STATE\",\"state\":"
		    "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":");
		r |= descriptor(b, m);
		r |= integ_buf_adds(b, ",\"stream_state\":");
		r |= integ_buf_add(b, m->stream_state.p, m->stream_state.len);
		return r | integ_buf_printf(b, "},\"sourceStats\":"
		    "{\"recordCount\":%" PRIu64 ".0}}}\n", m->count);
	case INTEG_MSG_STATUS:
		r |= head(b, "TRACE", "trace", "STREAM_STATUS", m);
		r |= integ_buf_adds(b, ",\"stream_status\":{\"stream_descriptor\":");
		r |= descriptor(b, m);
		return r | integ_buf_printf(b, ",\"status\":\"%s\"}}}\n",
		    m->status);
	case INTEG_MSG_ERROR:
		r |= head(b, "TRACE", "trace", "ERROR", m);
		r |= integ_buf_adds(b, ",\"error\":{\"message\":");
		r |= masked(b, m->message);
		if (m->internal != NULL) {
			r |= integ_buf_adds(b, ",\"internal_message\":");
			r |= masked(b, m->internal);
		}
		r |= integ_buf_printf(b, ",\"failure_type\":\"%s\"",
		    integ_format_failure_name(m->failure));
		if (m->stream != NULL) {
			r |= integ_buf_adds(b, ",\"stream_descriptor\":");
			r |= descriptor(b, m);
		}
		return r | integ_buf_adds(b, "}}}\n");
	case INTEG_MSG_ESTIMATE:
		r |= head(b, "TRACE", "trace", "ESTIMATE", m);
		r |= integ_buf_adds(b, ",\"estimate\":{");
		r |= names(b, "name", m);
		return r | integ_buf_printf(b, ",\"type\":\"STREAM\","
		    "\"row_estimate\":%" PRIu64 "}}}\n", m->count);
	case INTEG_MSG_LOG:
		r |= integ_buf_printf(b, "{\"type\":\"LOG\",\"log\":"
		    "{\"level\":\"%s\",\"message\":",
		    integ_log_level_name(m->level));
		r |= str(b, m->message);
		return r | integ_buf_adds(b, "}}\n");
	case INTEG_MSG_SPEC:
		r |= integ_buf_adds(b, "{\"type\":\"SPEC\",\"spec\":{");
		if (m->docs != NULL) {
			r |= integ_buf_adds(b, "\"documentationUrl\":");
			r |= str(b, m->docs);
			r |= integ_buf_addc(b, ',');
		}
		r |= integ_buf_adds(b, "\"connectionSpecification\":");
		r |= integ_json_compact(m->doc, b);
		return r | integ_buf_adds(b, "}}\n");
	case INTEG_MSG_CONNECTION:
		r |= integ_buf_printf(b, "{\"type\":\"CONNECTION_STATUS\","
		    "\"connectionStatus\":{\"status\":\"%s\"", m->status);
		if (m->message != NULL) {
			r |= integ_buf_adds(b, ",\"message\":");
			r |= masked(b, m->message);
		}
		return r | integ_buf_adds(b, "}}\n");
	case INTEG_MSG_CATALOG:
		r |= integ_buf_adds(b, "{\"type\":\"CATALOG\",\"catalog\":");
		r |= integ_buf_add(b, m->doc.p, m->doc.len);
		return r | integ_buf_adds(b, "}\n");
	case INTEG_MSG_CONTROL:
		/* the one message that must carry the secrets: not masked */
		r |= head(b, "CONTROL", "control", "CONNECTOR_CONFIG", m);
		r |= integ_buf_adds(b, ",\"connectorConfig\":{\"config\":");
		/* one line, whatever the layout of the config file */
		r |= integ_json_compact(m->doc, b);
		return r | integ_buf_adds(b, "}}}\n");
	default:
		return 0;
	}
}

static int
airbyte_write(void *arg, const struct integ_msg *m, struct integ_buf *b,
    struct integ_err *e)
{
	if (m->kind == INTEG_MSG_RECORD && m->ns == NULL &&
	    m->stream_json.p != NULL)
		return record_fast(b, m, e);
	return message(b, m) ? integ_format_too_large(e) : 0;
}

const struct integ_format integ_format_airbyte = {
	.name = "airbyte",
	.summary = "Airbyte RECORD, STATE, TRACE and LOG messages",
	.write = airbyte_write,
};
