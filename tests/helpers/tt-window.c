/*
 * tt-window: a connector of one stream read in date windows with
 * integ_ctx_windows, for tests/t-fetch-window.sh. Config: url,
 * start_date, step, end_date (all strings). The API is the one of
 * tests/scenarios/fetch-window.scn: GET url/items?since=..&until=..,
 * records at items, the next page at next.
 */
#include <stdlib.h>

#include "integ.h"

static const char spec[] =
    "{\"type\":\"object\",\"required\":[\"url\",\"start_date\",\"step\"],"
    "\"properties\":{\"url\":{\"type\":\"string\"},"
    "\"start_date\":{\"type\":\"string\"},\"step\":{\"type\":\"string\"},"
    "\"end_date\":{\"type\":\"string\"}}}";

static const char schema[] =
    "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
    "\"updated_at\":{\"type\":\"string\",\"format\":\"date-time\"}}}";

static int
items(struct integ_ctx *ctx)
{
	struct integ_window_opts w = {
		.start_param = "since",
		.end_param = "until",
		.format = INTEG_TIME_RFC3339,
		.step = integ_ctx_config(ctx, "step"),
		.to = integ_ctx_config(ctx, "end_date"),
	};

	return integ_ctx_windows(ctx, integ_ctx_request(ctx, "items"), &w,
	    INTEG_NEXT("next"), "items");
}

static const struct integ_stream streams[] = {
	{ .name = "items", .schema = schema, .key = "id",
	    .cursor = "updated_at", .run = items },
	{ 0 }
};

static const struct integ_source source = {
	.name = "window",
	.version = "0.1.0",
	.spec = spec,
	.streams = streams,
};

int
main(int argc, char *argv[])
{
	return integ_source_main(&source, argc, argv);
}
