/*
 * fuzz-config: a connector's config checked against a spec, and a
 * catalog read for the streams it selects. The input is two JSON texts
 * separated by a NUL byte: a spec (also read as a catalog) and a config.
 * Neither check may read out of bounds or leak, whatever the texts; a
 * config the spec accepts is accepted again (no state carried over).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "source_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
nop(struct integ_ctx *ctx)
{
	return 0;
}

static const struct integ_stream streams[] = {
	{ .name = "a", .key = "id", .cursor = "u", .run = nop },
	{ .name = "b", .run = nop },
	{ 0 }
};

static const struct integ_source source = {
	.name = "fuzz", .spec = "{}", .streams = streams
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nul;
	struct integ_json_span spec, config;
	struct integ_selected *sel;
	struct integ_err e;
	size_t n;
	int rc, proto;

	if ((nul = memchr(p, '\0', size)) == NULL)
		return 0;
	for (proto = INTEG_PROTO_SINGER; proto <= INTEG_PROTO_AIRBYTE; proto++) {
		if (integ_catalog_select(&source, proto, p, (size_t)(nul - p),
		    &sel, &n, &e) == 0 && n > 2)
			abort();	/* each stream at most once */
		free(sel);
	}
	if (integ_json_validate(p, (size_t)(nul - p), &spec, &e) != 0 ||
	    integ_json_validate(nul + 1, size - (size_t)(nul - p) - 1, &config,
	    &e) != 0)
		return 0;
	rc = integ_config_validate(spec, config, &e);
	if (integ_config_validate(spec, config, &e) != rc)
		abort();
	integ_config_secrets(spec, config);
	integ_secret_clear();
	return 0;
}
