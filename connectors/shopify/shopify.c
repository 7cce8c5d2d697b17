/*
 * source-shopify: the Shopify REST Admin API for Singer and Airbyte.
 *
 * orders, products and customers, each read incrementally on updated_at:
 * updated_at_min from the bookmark (or start_date), ascending, a STATE
 * after every page. Pages follow Link rel="next" (page_info cursors).
 *
 * Shopify meters calls with a leaky bucket per app and shop, reported on
 * every answer as X-Shopify-Shop-Api-Call-Limit: USED/SIZE; a call that
 * finds it full gets 429. The doer below keeps an estimate of the level
 * between answers and holds a call back until the bucket has room, so a
 * sync paces itself at the leak rate instead of running into 429s.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "integ.h"

extern const char embed_spec[], embed_schema_orders[],
    embed_schema_products[], embed_schema_customers[];

#define PAGE_LIMIT	"250"		/* Shopify's largest page */
#define CALL_LIMIT	"X-Shopify-Shop-Api-Call-Limit"
#define TOKEN_HEADER	"X-Shopify-Access-Token"
/* Shopify's buckets leak SIZE/20 calls a second: 40 -> 2/s, 400 -> 20/s */
#define LEAK_RATIO	(1.0 / 20)

/*
 * The call-limit bucket as the shop last reported it. One for the
 * process: every stream shares the one HTTP client.
 */
struct bucket {
	pthread_mutex_t	 mu;
	double		 level;		/* calls in the bucket at t */
	double		 t;		/* integ_now() of that answer */
	double		 size;		/* 0: not known yet */
	int		 inflight;	/* calls sent, not answered */
};

static struct bucket bucket = { .mu = PTHREAD_MUTEX_INITIALIZER };
static char shop_url[1024];	/* url, or https://SHOP.myshopify.com */

/* Calls kept free for whatever else uses the same app and shop. */
static double
reserve(double size)
{
	return 1 + (double)(long)(size / 40);
}

/* Sleep secs (real), in short steps; a signal ends it: its exit status. */
static int
nap(double secs)
{
	double until = integ_now() + secs, left;
	struct timespec ts;
	int sig;

	while ((left = until - integ_now()) > 0) {
		if ((sig = integ_signal_caught()) != 0)
			return INTEG_EXIT_SIGNAL + sig;
		if (left > 0.05)
			left = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* Wait until one more call fits in the bucket, and count it in flight. */
static int
bucket_enter(struct bucket *b, struct integ_err *e)
{
	double scale = integ_timescale(), leak, level, room, wait;
	int code;

	pthread_mutex_lock(&b->mu);
	while (b->size > 0 && scale > 0) {
		leak = b->size * LEAK_RATIO;
		level = b->level - (integ_now() - b->t) / scale * leak;
		if (level < 0)
			level = 0;
		level += b->inflight;
		room = b->size - reserve(b->size);
		if (level + 1 <= room)
			break;
		wait = (level + 1 - room) / leak;	/* shop seconds */
		pthread_mutex_unlock(&b->mu);
		integ_log(INTEG_LOG_DEBUG, "call limit %.0f/%.0f: next call in "
		    "%.2fs", level, b->size, wait);
		if ((code = nap(wait * scale)) != 0)
			return integ_errf(e, code, "interrupted waiting for the "
			    "call limit");
		pthread_mutex_lock(&b->mu);
	}
	b->inflight++;
	pthread_mutex_unlock(&b->mu);
	return 0;
}

/* An answer came (or none did): what the shop says the bucket holds. */
static void
bucket_leave(struct bucket *b, const char *hdr)
{
	double used, size;

	pthread_mutex_lock(&b->mu);
	b->inflight--;
	if (hdr != NULL && sscanf(hdr, "%lf/%lf", &used, &size) == 2 &&
	    size >= 1 && used >= 0 && used <= size) {
		b->level = used;
		b->size = size;
		b->t = integ_now();
	}
	pthread_mutex_unlock(&b->mu);
}

static int
calllimit_doer(void *arg, struct integ_http *h, const struct integ_request *rq,
    struct integ_response *rs, struct integ_err *e)
{
	struct bucket *b = arg;
	int code;

	if ((code = bucket_enter(b, e)) != 0)
		return code;
	code = integ_http_doer_curl(NULL, h, rq, rs, e);
	bucket_leave(b, code == 0 ? integ_response_header(rs, CALL_LIMIT) :
	    NULL);
	return code;
}

/* Once before any request: the shop's URL, trusted, and the doer. */
static int
init(struct integ_ctx *ctx)
{
	const char *url = integ_config(ctx, "url");
	size_t n;

	if (url != NULL)
		n = strlcpy(shop_url, url, sizeof(shop_url));
	else
		n = (size_t)snprintf(shop_url, sizeof(shop_url),
		    "https://%s.myshopify.com", integ_config(ctx, "shop"));
	if (n >= sizeof(shop_url))
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "url: too long");
	while (n > 0 && shop_url[n - 1] == '/')
		shop_url[--n] = '\0';
	if (integ_http_trust(integ_ctx_http(ctx), shop_url,
	    integ_ctx_err(ctx)) != 0)
		return integ_err_wrap(integ_ctx_err(ctx), INTEG_EXIT_CONFIG,
		    "url");
	integ_http_set_doer(integ_ctx_http(ctx), calllimit_doer, &bucket);
	return 0;
}

/* The later of two instants (either may be NULL); a when not comparable. */
static const char *
later(const char *a, const char *b)
{
	int64_t sa, sb;
	long na, nb;

	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	if (integ_rfc3339_parse(a, strlen(a), 0, &sa, &na) != 0 ||
	    integ_rfc3339_parse(b, strlen(b), 0, &sb, &nb) != 0)
		return a;
	return sb > sa || (sb == sa && nb > na) ? b : a;
}

/*
 * GET /admin/api/VERSION/STREAM.json, every page since the bookmark (or
 * since start_date when that is later: the user moved it forward).
 */
static int
list(struct integ_ctx *ctx, const char *stream)
{
	struct integ_request *rq;
	const char *since;
	char url[1400];
	int code;

	snprintf(url, sizeof(url), "%s/admin/api/%s/%s.json", shop_url,
	    integ_config(ctx, "api_version"), stream);
	rq = integ_ctx_request_url(ctx, url);
	integ_request_header(rq, TOKEN_HEADER, integ_config(ctx, "access_token"),
	    1);
	integ_request_query(rq, "limit", PAGE_LIMIT, 0);
	/* else only open orders: the rest silently lost */
	if (strcmp(stream, "orders") == 0)
		integ_request_query(rq, "status", "any", 0);
	since = later(integ_bookmark(ctx, NULL), integ_config(ctx, "start_date"));
	integ_request_query(rq, "updated_at_min", since, 0);
	integ_request_query(rq, "order", "updated_at asc", 0);
	code = integ_emit_pages(ctx, rq, INTEG_LINK, stream);
	if (code == INTEG_EXIT_AUTH)
		integ_err_wrap(integ_ctx_err(ctx), code, "access_token: "
		    "refused by the shop");
	return code;
}

static int orders(struct integ_ctx *ctx) { return list(ctx, "orders"); }
static int products(struct integ_ctx *ctx) { return list(ctx, "products"); }
static int customers(struct integ_ctx *ctx) { return list(ctx, "customers"); }

static const struct integ_stream streams[] = {
	{ .name = "orders", .schema = embed_schema_orders, .key = "id",
	  .cursor = "updated_at", .sorted = 1, .run = orders },
	{ .name = "products", .schema = embed_schema_products, .key = "id",
	  .cursor = "updated_at", .sorted = 1, .run = products },
	{ .name = "customers", .schema = embed_schema_customers, .key = "id",
	  .cursor = "updated_at", .sorted = 1, .run = customers },
	{ 0 }
};

static const struct integ_source source = {
	.name = "shopify",
	.version = "0.1.0",
	.docs = "https://shopify.dev/docs/api/admin-rest",
	.description = "Shopify's Admin REST API: orders, products and "
	    "customers, incremental on updated_at",
	.spec = embed_spec,
	.streams = streams,
	.init = init,
};

int
main(int argc, char *argv[])
{
	return integ_main(&source, argc, argv);
}
