/*
 * retry.c: how long to wait. Exponential backoff with full jitter, the
 * server's Retry-After (delta seconds, fractional seconds as Shopify
 * sends, or an HTTP-date), and rate-limit windows announced by
 * X-RateLimit-* or RateLimit-* headers. Every real sleep is scaled by
 * INTEG_TEST_TIMESCALE so tests run in milliseconds.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "integ.h"
#include "test_int.h"

#define BACKOFF_BASE	1.0	/* seconds */
#define BACKOFF_CAP	60.0

/* A decimal number of seconds, the whole string (spaces around allowed). */
static int
seconds(const char *s, double *out)
{
	char *end;
	double d;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	d = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0' || errno != 0 || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

double
integ_retry_after(const char *s, double now)
{
	double d;
	time_t t;

	if (s == NULL)
		return -1;
	if (seconds(s, &d) == 0)
		return d;
	if ((t = curl_getdate(s, NULL)) == -1)
		return -1;
	d = (double)t - now;
	return d > 0 ? d : 0;
}

/* A reset value: epoch seconds when it looks like one, else a delta. */
static double
reset_wait(const char *s, double now)
{
	double d;

	if (s == NULL || seconds(s, &d) == -1)
		return -1;
	if (d > 1e9) {
		d -= now;
		return d > 0 ? d : 0;
	}
	return d;
}

double
integ_retry_ratelimit_wait(const struct integ_response *rs, double now)
{
	const char *rem, *reset;
	double d;

	if ((rem = integ_response_header(rs, "X-RateLimit-Remaining")) != NULL &&
	    seconds(rem, &d) == 0 && d == 0) {
		reset = integ_response_header(rs, "X-RateLimit-Reset");
		if (reset == NULL)
			reset = integ_response_header(rs, "RateLimit-Reset");
		return reset_wait(reset, now);
	}
	if ((rem = integ_response_header(rs, "RateLimit-Remaining")) != NULL &&
	    seconds(rem, &d) == 0 && d == 0) {
		reset = integ_response_header(rs, "RateLimit-Reset");
		if (reset == NULL)
			reset = integ_response_header(rs, "X-RateLimit-Reset");
		return reset_wait(reset, now);
	}
	return -1;
}

double
integ_retry_backoff(int attempt)
{
	double top = BACKOFF_BASE;
	int i;

	for (i = 0; i < attempt && top < BACKOFF_CAP; i++)
		top *= 2;
	if (top > BACKOFF_CAP)
		top = BACKOFF_CAP;
	/* full jitter: anywhere between 0 and the exponential bound */
	return top * ((double)arc4random_uniform(1000001) / 1e6);
}
