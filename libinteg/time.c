/*
 * time.c: the clock as protocols want it (epoch milliseconds for
 * Airbyte, RFC 3339 UTC with milliseconds for Singer), the monotonic
 * clock and its test scale, RFC 3339 parsing for cursors and schema
 * inference, and the dates, ISO 8601 durations and formats of windows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integ.h"
#include "test_int.h"

double
integ_time_scale(void)
{
	const char *s = getenv("INTEG_TEST_TIMESCALE");
	char *end;
	double d;

	if (s == NULL || *s == '\0')
		return 1.0;
	d = strtod(s, &end);
	if (*end != '\0' || !(d >= 0) || d > 1e6)
		return 1.0;
	return d;
}

double
integ_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t
integ_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
integ_time_rfc3339(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char tmp[96];

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	strlcpy(out, tmp, 32);
}

static int
num(const char **p, const char *end, int n, int *out)
{
	int v = 0, i;

	if (end - *p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
integ_time_rfc3339_parse(const char *s, size_t len, int strict, int64_t *secs,
    long *nanos)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	const char *p = s, *end = s + len;
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, i;
	long ns = 0;

	if (num(&p, end, 4, &y) || p == end || *p++ != '-' ||
	    num(&p, end, 2, &mo) || p == end || *p++ != '-' ||
	    num(&p, end, 2, &d) || p == end)
		return -1;
	if (*p != 'T' && *p != 't' && (strict || *p != ' '))
		return -1;
	p++;
	if (num(&p, end, 2, &h) || p == end || *p++ != ':' ||
	    num(&p, end, 2, &mi) || p == end || *p++ != ':' ||
	    num(&p, end, 2, &sec))
		return -1;
	if (p < end && *p == '.') {
		p++;
		if (p == end || *p < '0' || *p > '9')
			return -1;
		for (i = 0; p < end && *p >= '0' && *p <= '9'; p++, i++)
			if (i < 9)
				ns = ns * 10 + (*p - '0');
		for (; i < 9; i++)
			ns *= 10;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (num(&p, end, 2, &oh) || p == end || *p++ != ':' ||
		    num(&p, end, 2, &om) || oh > 23 || om > 59)
			return -1;
	} else if (strict)
		return -1;
	if (p != end)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	*secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    sign * (oh * 3600 + om * 60);
	*nanos = ns;
	return 0;
}

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
integ_time_duration_parse(const char *s, struct integ_duration *d)
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
	return integ_time_rfc3339_parse(s, len, 0, t, &nsec);
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
