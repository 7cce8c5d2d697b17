/*
 * source-pokeapi: PokeAPI (https://pokeapi.co) for Singer and Airbyte.
 *
 * Full refresh only: the API has no change tracking, so no stream claims
 * a cursor. pokemon_details fans out from the pokemon list to each
 * pokemon's own URL, "concurrency" requests at a time.
 */
#include "integ.h"

extern const char embed_spec[], embed_schema_list[], embed_schema_pokemon_details[];

/* Lists follow "next"; their "count" is how many there are, for estimates. */
static const struct integ_pager_opts by_next = {
	.mode = INTEG_PAGE_NEXT, .path = "next", .total = "count", .json = 1
};

static int
list(struct integ_ctx *ctx, const char *path)
{
	struct integ_request *rq = integ_ctx_request(ctx, path);

	integ_request_query(rq, "limit", integ_ctx_config(ctx, "page_size"), 0);
	return integ_ctx_pages(ctx, rq, &by_next, "results");
}

static int pokemon(struct integ_ctx *ctx) { return list(ctx, "pokemon"); }
static int berry(struct integ_ctx *ctx) { return list(ctx, "berry"); }
static int type(struct integ_ctx *ctx) { return list(ctx, "type"); }

static int
pokemon_details(struct integ_ctx *ctx)
{
	struct integ_request *rq = integ_ctx_request(ctx, "pokemon");
	char **urls;
	size_t n;
	int code;

	integ_request_query(rq, "limit", integ_ctx_config(ctx, "page_size"), 0);
	if ((code = integ_ctx_collect(ctx, rq, INTEG_NEXT("next"), "results",
	    "url", &urls, &n)) != 0)
		return code;
	return integ_ctx_urls(ctx, (const char *const *)urls, n, INTEG_SINGLE,
	    ".");
}

static const struct integ_stream streams[] = {
	{ .name = "pokemon", .schema = embed_schema_list, .key = "name", .run = pokemon },
	{ .name = "berry", .schema = embed_schema_list, .key = "name", .run = berry },
	{ .name = "type", .schema = embed_schema_list, .key = "name", .run = type },
	{ .name = "pokemon_details", .schema = embed_schema_pokemon_details, .key = "id",
	  .run = pokemon_details },
	{ 0 }
};

static const struct integ_source source = {
	.name = "pokeapi",
	.version = "0.1.0",
	.docs = "https://pokeapi.co/docs/v2",
	.description = "PokeAPI: pokemon, berries, types and each pokemon's "
	    "details",
	.spec = embed_spec,
	.streams = streams,
};

int
main(int argc, char *argv[])
{
	return integ_source_main(&source, argc, argv);
}
