/*
 * bucket.c: a call-limit bucket. Some APIs meter calls with a leaky
 * bucket and report its level on every answer as "USED/SIZE" in a header
 * (Shopify's X-Shopify-Shop-Api-Call-Limit); a call that finds it full is
 * refused (429). The doer keeps an estimate of the level between answers
 * and holds a call back until the bucket has room, so a sync paces
 * itself at the leak rate instead of running into 429s.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "test_int.h"

struct integ_bucket {
	pthread_mutex_t	 mu;
	char		*header;
	double		 share;		/* leak a second, as a share of size */
	double		 per_second;	/* or calls a second */
	double		 level;		/* calls in the bucket at t */
	double		 t;		/* integ_time_now() of that answer */
	double		 size;		/* 0: not known yet */
	int		 inflight;	/* calls sent, not answered */
};

struct integ_bucket *
integ_bucket_new(const char *header, double share, double per_second)
{
	struct integ_bucket *b = integ_xcalloc(1, sizeof(*b));

	pthread_mutex_init(&b->mu, NULL);
	b->header = integ_xstrdup(header);
	b->share = share;
	b->per_second = per_second;
	return b;
}

void
integ_bucket_free(struct integ_bucket *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->mu);
	free(b->header);
	free(b);
}

/* Calls kept free for whatever else uses the same account. */
static double
reserve(double size)
{
	return 1 + (double)(long)(size / 40);
}

/* Wait until one more call fits in the bucket, and count it in flight. */
static int
enter(struct integ_bucket *b, struct integ_http *h, struct integ_err *e)
{
	double scale = integ_time_scale(), leak, level, room, wait;
	int code;

	pthread_mutex_lock(&b->mu);
	while (b->size > 0 && scale > 0) {
		leak = b->per_second > 0 ? b->per_second : b->size * b->share;
		level = b->level - (integ_time_now() - b->t) / scale * leak;
		if (level < 0)
			level = 0;
		level += b->inflight;
		room = b->size - reserve(b->size);
		if (level + 1 <= room)
			break;
		wait = (level + 1 - room) / leak;	/* the API's seconds */
		pthread_mutex_unlock(&b->mu);
		integ_log(INTEG_LOG_DEBUG, "call limit %.0f/%.0f: next call in "
		    "%.2fs", level, b->size, wait);
		if ((code = integ_http_sleep(h, wait * scale)) != 0)
			return integ_errf(e, code, "interrupted waiting for the "
			    "call limit");
		pthread_mutex_lock(&b->mu);
	}
	b->inflight++;
	pthread_mutex_unlock(&b->mu);
	return 0;
}

/* An answer came (or none did): what the API says the bucket holds. */
static void
leave(struct integ_bucket *b, const char *hdr)
{
	double used, size;

	pthread_mutex_lock(&b->mu);
	b->inflight--;
	if (hdr != NULL && sscanf(hdr, "%lf/%lf", &used, &size) == 2 &&
	    size >= 1 && used >= 0 && used <= size) {
		b->level = used;
		b->size = size;
		b->t = integ_time_now();
	}
	pthread_mutex_unlock(&b->mu);
}

int
integ_bucket_doer(void *arg, struct integ_http *h,
    const struct integ_request *rq, struct integ_response *rs,
    struct integ_err *e)
{
	struct integ_bucket *b = arg;
	int code;

	if ((code = enter(b, h, e)) != 0)
		return code;
	code = integ_http_doer_curl(NULL, h, rq, rs, e);
	leave(b, code == 0 ? integ_response_header(rs, b->header) : NULL);
	return code;
}
