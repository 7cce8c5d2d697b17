/*
 * timefmt.c: the clock as protocols want it (epoch milliseconds for
 * Airbyte, RFC 3339 UTC with milliseconds for Singer) and RFC 3339
 * parsing for cursors and schema inference.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "integ.h"

int64_t
integ_now_ms(void)
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
integ_rfc3339_parse(const char *s, size_t len, int strict, int64_t *secs,
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
