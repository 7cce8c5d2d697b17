/*
 * window.c: date windows. A backfill over an API that filters by date is
 * read window by window, [start, start + step), ... up to now, each
 * window paged in full before the next one's end is announced.
 *
 * The announcement is a line "integ-window: END" (END a JSON value: an
 * RFC 3339 string, or a number for epoch formats) between the bodies of
 * two windows. integ-extract passes it on; integ-emit turns it into a
 * STATE whose bookmark is END. The line follows the last page of its
 * window, so no bookmark passes a window that was not read whole: a
 * stage that dies mid-window leaves the previous window's STATE as the
 * last one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integ.h"
#include "http_int.h"

/* A plan longer than this is a mistake (a step of seconds over years). */
#define WINDOWS_MAX	100000

/* Midnight UTC of the day of t. */
static int64_t
day_floor(int64_t t)
{
	int64_t d = t / 86400;

	if (t < 0 && t % 86400 != 0)
		d--;
	return d * 86400;
}

int
integ_window_plan(const struct integ_window_opts *o,
    struct integ_window **out, size_t *n, struct integ_err *e)
{
	struct integ_duration step, back;
	struct integ_window *w = NULL;
	int64_t start, to, s, next;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (o->start_param == NULL || o->end_param == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "--window: expected "
		    "START_PARAM,END_PARAM[,FORMAT]");
	if (o->step == NULL || integ_time_duration_parse(o->step, &step) == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--step %s: expected "
		    "an ISO 8601 duration (P7D, PT6H, P1M)", o->step ?
		    o->step : "");
	if (o->format == INTEG_TIME_DATE && step.secs % 86400 != 0)
		return integ_errf(e, INTEG_EXIT_USAGE, "--step %s: a date "
		    "window needs whole days", o->step);
	if (o->lookback != NULL && integ_time_duration_parse(o->lookback, &back)
	    == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--lookback %s: "
		    "expected an ISO 8601 duration (PT1H)", o->lookback);
	if (o->from == NULL || integ_time_parse(o->from, &start) == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--from %s: expected "
		    "an RFC 3339 date-time, a date or epoch seconds",
		    o->from ? o->from : "");
	if (o->to == NULL)
		to = integ_time_now_ms() / 1000;
	else if (integ_time_parse(o->to, &to) == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--to %s: expected "
		    "an RFC 3339 date-time, a date or epoch seconds", o->to);
	if (o->lookback != NULL)
		start = integ_time_add(start, &back, -1);
	if (o->format == INTEG_TIME_DATE) {
		/* whole days only: today is read once it is over */
		start = day_floor(start);
		to = day_floor(to);
	}
	for (s = start; s < to; s = next) {
		next = integ_time_add(s, &step, 1);
		if (next <= s)
			break;
		if (next > to)
			next = to;
		if (*n == WINDOWS_MAX) {
			free(w);
			return integ_errf(e, INTEG_EXIT_USAGE, "--step %s: more "
			    "than %d windows: take a longer step", o->step,
			    WINDOWS_MAX);
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			w = integ_xreallocarray(w, cap, sizeof(*w));
		}
		w[*n].start = s;
		w[*n].end = next;
		integ_time_format(s, o->format, w[*n].start_text);
		integ_time_format(next, o->format, w[*n].end_text);
		(*n)++;
	}
	*out = w;
	return 0;
}

int
integ_window_request(const struct integ_request *tmpl,
    const struct integ_window_opts *o, const struct integ_window *w,
    struct integ_request **out)
{
	struct integ_request *rq = integ_request_dup(tmpl);

	integ_request_query(rq, o->start_param, w->start_text, 0);
	integ_request_query(rq, o->end_param, w->end_text, 0);
	*out = rq;
	return 0;
}

void
integ_window_mark_value(const struct integ_window *w,
    enum integ_time_format f, char out[48])
{
	char t[40];

	if (f == INTEG_TIME_EPOCH || f == INTEG_TIME_EPOCH_MS) {
		snprintf(out, 48, "%s", w->end_text);
		return;
	}
	/* a date's end is that day's midnight: an instant, as a bookmark */
	integ_time_format(w->end, INTEG_TIME_RFC3339, t);
	snprintf(out, 48, "\"%s\"", t);
}

int
integ_window_mark_write(FILE *fp, const char *value)
{
	fprintf(fp, INTEG_MARK_PREFIX "%s\n", value);
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

int
integ_window_mark_parse(const char *line, size_t len, struct integ_json_span *v)
{
	const size_t plen = sizeof(INTEG_MARK_PREFIX) - 1;
	struct integ_json_span s;
	enum integ_json_type ty;

	if (len <= plen || memcmp(line, INTEG_MARK_PREFIX, plen) != 0)
		return 0;
	if (integ_json_validate(line + plen, len - plen, &s, NULL) != 0)
		return 0;
	ty = integ_json_type(s);
	if (ty != INTEG_JSON_STRING && ty != INTEG_JSON_NUMBER)
		return 0;
	if (v != NULL)
		*v = s;
	return 1;
}
