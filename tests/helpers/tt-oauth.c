/*
 * tt-oauth: a connector whose API wants OAuth 2, for tests/t-oauth-source.sh.
 * One stream, items, at URL/api/items, paged by Link; its config names
 * the token endpoint, the client, and the refresh token that a rotation
 * replaces (integ_ctx_oauth2). With TT_OAUTH_PATH set, the refresh token
 * is TT_OAUTH_RT and is kept at that config path instead (a nested one).
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static const char spec[] =
    "{\"type\":\"object\",\"required\":[\"url\",\"token_url\",\"client_id\"],"
    "\"properties\":{"
    "\"url\":{\"type\":\"string\",\"format\":\"uri\"},"
    "\"token_url\":{\"type\":\"string\",\"format\":\"uri\"},"
    "\"client_id\":{\"type\":\"string\"},"
    "\"client_secret\":{\"type\":\"string\",\"airbyte_secret\":true},"
    "\"refresh_token\":{\"type\":\"string\",\"airbyte_secret\":true},"
    "\"scope\":{\"type\":\"string\"},"
    "\"client_auth\":{\"type\":\"string\",\"enum\":[\"body\",\"basic\"],"
    "\"default\":\"body\"}}}";

static const char schema[] =
    "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}";

static int
items(struct integ_ctx *ctx)
{
	return integ_ctx_pages(ctx, integ_ctx_request(ctx, "api/items"),
	    INTEG_LINK, "items");
}

static int
init(struct integ_ctx *ctx)
{
	struct integ_oauth2_opts o = {
		.token_url = integ_ctx_config(ctx, "token_url"),
		.client_id = integ_ctx_config(ctx, "client_id"),
		.client_secret = integ_ctx_config(ctx, "client_secret"),
		.refresh_token = integ_ctx_config(ctx, "refresh_token"),
		.scope = integ_ctx_config(ctx, "scope"),
		.basic = strcmp(integ_ctx_config(ctx, "client_auth"),
		    "basic") == 0,
	};

	if (getenv("TT_OAUTH_PATH") != NULL) {
		o.refresh_token = getenv("TT_OAUTH_RT");
		return integ_ctx_oauth2(ctx, &o, getenv("TT_OAUTH_PATH"));
	}
	return integ_ctx_oauth2(ctx, &o, "refresh_token");
}

static const struct integ_stream streams[] = {
	{ .name = "items", .schema = schema, .key = "id", .run = items },
	{ 0 }
};

static const struct integ_source source = {
	.name = "tt-oauth",
	.version = "0",
	.spec = spec,
	.streams = streams,
	.init = init,
};

int
main(int argc, char *argv[])
{
	return integ_source_main(&source, argc, argv);
}
