/*
 * source-shopify: the Shopify REST Admin API for Singer and Airbyte.
 *
 * orders, products and customers, each read incrementally on updated_at:
 * updated_at_min from the bookmark (or start_date), ascending, a STATE
 * after every page. Pages follow Link rel="next" (page_info cursors).
 *
 * Shopify meters calls with a leaky bucket per app and shop, reported on
 * every answer as X-Shopify-Shop-Api-Call-Limit: USED/SIZE; a call that
 * finds it full gets 429. libinteg's bucket doer (bucket.c) keeps an
 * estimate of the level between answers and holds a call back until the
 * bucket has room, so a sync paces itself at the leak rate instead of
 * running into 429s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

extern const char embed_spec[], embed_schema_orders[],
    embed_schema_products[], embed_schema_customers[];

#define PAGE_LIMIT	"250"		/* Shopify's largest page */
#define CALL_LIMIT	"X-Shopify-Shop-Api-Call-Limit"
#define TOKEN_HEADER	"X-Shopify-Access-Token"
/* Shopify's buckets leak SIZE/20 calls a second: 40 -> 2/s, 400 -> 20/s */
#define LEAK_RATIO	(1.0 / 20)

/* One for the process: every stream shares the one HTTP client. */
static struct integ_bucket *bucket;
static char shop_url[1024];	/* url, or https://SHOP.myshopify.com */

/* Once before any request: the shop's URL, trusted, and the doer. */
static int
init(struct integ_ctx *ctx)
{
	const char *url = integ_ctx_config(ctx, "url");
	size_t n;

	if (url != NULL)
		n = strlcpy(shop_url, url, sizeof(shop_url));
	else
		n = (size_t)snprintf(shop_url, sizeof(shop_url),
		    "https://%s.myshopify.com", integ_ctx_config(ctx, "shop"));
	if (n >= sizeof(shop_url))
		return integ_ctx_fail(ctx, INTEG_EXIT_CONFIG, "url: too long");
	while (n > 0 && shop_url[n - 1] == '/')
		shop_url[--n] = '\0';
	if (integ_http_trust(integ_ctx_http(ctx), shop_url,
	    integ_ctx_err(ctx)) != 0)
		return integ_err_wrap(integ_ctx_err(ctx), INTEG_EXIT_CONFIG,
		    "url");
	if (bucket == NULL)
		bucket = integ_bucket_new(CALL_LIMIT, LEAK_RATIO, 0);
	integ_http_set_doer(integ_ctx_http(ctx), integ_bucket_doer, bucket);
	return 0;
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
	    integ_ctx_config(ctx, "api_version"), stream);
	rq = integ_ctx_request_url(ctx, url);
	integ_request_header(rq, TOKEN_HEADER,
	    integ_ctx_config(ctx, "access_token"), 1);
	integ_request_query(rq, "limit", PAGE_LIMIT, 0);
	/* else only open orders: the rest silently lost */
	if (strcmp(stream, "orders") == 0)
		integ_request_query(rq, "status", "any", 0);
	since = integ_cursor_rfc3339_later(integ_ctx_bookmark(ctx, NULL),
	    integ_ctx_config(ctx, "start_date"));
	integ_request_query(rq, "updated_at_min", since, 0);
	integ_request_query(rq, "order", "updated_at asc", 0);
	code = integ_ctx_pages(ctx, rq, INTEG_LINK, stream);
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
	return integ_source_main(&source, argc, argv);
}
