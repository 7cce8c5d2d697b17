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

static const char *const fmt_names[] = {
	[INTEG_TIME_RFC3339] = "rfc3339",
	[INTEG_TIME_DATE] = "date",
	[INTEG_TIME_EPOCH] = "epoch",
	[INTEG_TIME_EPOCH_MS] = "epoch-ms",
};

int
integ_time_format_parse(const char *name, enum integ_time_format *f)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++)
		if (strcmp(name, fmt_names[i]) == 0) {
			*f = (enum integ_time_format)i;
			return 0;
		}
	return -1;
}

/* Digits, then one of the designators; *n the number. */
static int
part(const char **p, long long *n, char *des)
{
	const char *q = *p;
	long long v = 0;

	if (*q < '0' || *q > '9')
		return -1;
	while (*q >= '0' && *q <= '9') {
		v = v * 10 + (*q++ - '0');
		if (v > 1000000000LL)
			return -1;
	}
	if (*q == '\0')
		return -1;
	*des = *q++;
	*n = v;
	*p = q;
	return 0;
}

int
integ_duration_parse(const char *s, struct integ_duration *d)
{
	const char *p = s, *order = "YMWD";
	long long n;
	char des;
	int in_time = 0, any = 0;

	memset(d, 0, sizeof(*d));
	if (*p++ != 'P')
		return -1;
	while (*p != '\0') {
		if (*p == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			order = "HMS";
			p++;
			if (*p == '\0')
				return -1;
			continue;
		}
		if (part(&p, &n, &des) == -1 ||
		    (order = strchr(order, des)) == NULL)
			return -1;
		order++;	/* designators in order, each once */
		any = 1;
		if (!in_time && des == 'Y')
			d->years = (int)n;
		else if (!in_time && des == 'M')
			d->months = (int)n;
		else if (!in_time && des == 'W')
			d->days += (int)n * 7;
		else if (!in_time && des == 'D')
			d->days += (int)n;
		else if (des == 'H')
			d->secs += n * 3600;
		else if (des == 'M')
			d->secs += n * 60;
		else
			d->secs += n;
	}
	if (!any || (d->years == 0 && d->months == 0 && d->days == 0 &&
	    d->secs == 0))
		return -1;
	return 0;
}

/* t plus (sign 1) or minus (sign -1) d, calendar parts in UTC. */
int64_t
integ_time_add(int64_t t, const struct integ_duration *d, int sign)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (d->years != 0 || d->months != 0 || d->days != 0) {
		gmtime_r(&tt, &tm);
		tm.tm_year += sign * d->years;
		tm.tm_mon += sign * d->months;
		tm.tm_mday += sign * d->days;
		tt = timegm(&tm);
	}
	return (int64_t)tt + sign * d->secs;
}

int
integ_time_parse(const char *s, int64_t *t)
{
	size_t len = strlen(s);
	long nsec;
	char *end;
	long long v;
	struct tm tm;

	if (len > 0 && s[0] >= '0' && s[0] <= '9' && len <= 13 &&
	    s[strspn(s, "0123456789")] == '\0') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0)
			return -1;
		*t = len == 13 ? v / 1000 : v;	/* epoch ms: 13 digits */
		return 0;
	}
	if (len == 10 && s[4] == '-' && s[7] == '-' &&
	    strspn(s, "0123456789") == 4 && strspn(s + 5, "0123456789") == 2 &&
	    strspn(s + 8, "0123456789") == 2) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = atoi(s) - 1900;
		tm.tm_mon = atoi(s + 5) - 1;
		tm.tm_mday = atoi(s + 8);
		if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
		    tm.tm_mday > 31)
			return -1;
		*t = (int64_t)timegm(&tm);
		return 0;
	}
	return integ_rfc3339_parse(s, len, 0, t, &nsec);
}

void
integ_time_format(int64_t t, enum integ_time_format f, char out[40])
{
	struct tm tm;
	time_t tt = (time_t)t;

	switch (f) {
	case INTEG_TIME_EPOCH:
		snprintf(out, 40, "%lld", (long long)t);
		return;
	case INTEG_TIME_EPOCH_MS:
		snprintf(out, 40, "%lld", (long long)t * 1000);
		return;
	default:
		break;
	}
	gmtime_r(&tt, &tm);
	if (f == INTEG_TIME_DATE)
		strftime(out, 40, "%Y-%m-%d", &tm);
	else
		strftime(out, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

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
integ_windows_plan(const struct integ_window_opts *o,
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
	if (o->step == NULL || integ_duration_parse(o->step, &step) == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--step %s: expected "
		    "an ISO 8601 duration (P7D, PT6H, P1M)", o->step ?
		    o->step : "");
	if (o->format == INTEG_TIME_DATE && step.secs % 86400 != 0)
		return integ_errf(e, INTEG_EXIT_USAGE, "--step %s: a date "
		    "window needs whole days", o->step);
	if (o->lookback != NULL && integ_duration_parse(o->lookback, &back)
	    == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--lookback %s: "
		    "expected an ISO 8601 duration (PT1H)", o->lookback);
	if (o->from == NULL || integ_time_parse(o->from, &start) == -1)
		return integ_errf(e, INTEG_EXIT_USAGE, "--from %s: expected "
		    "an RFC 3339 date-time, a date or epoch seconds",
		    o->from ? o->from : "");
	if (o->to == NULL)
		to = integ_now_ms() / 1000;
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
integ_mark_write(FILE *fp, const char *value)
{
	fprintf(fp, INTEG_MARK_PREFIX "%s\n", value);
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

int
integ_mark_parse(const char *line, size_t len, struct integ_json_span *v)
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
