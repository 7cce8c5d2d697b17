/*
 * tt-example: the examples of integ.h, compiled from the header itself
 * (the Makefile cuts each out into $(B)/gen/example-NAME.inc), so that
 * they cannot go stale; tests/t-api-example.sh runs them.
 *
 *   tt-example emit STATEFILE    stdin's lines as records of the emit
 *                                example, the state read from STATEFILE
 *   tt-example connector ARG...  integ_source_main of a source whose one stream
 *                                runs the connector example
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static int
emit_example(struct integ_state *state, char *const *rec, size_t n)
{
#include "example-emit.inc"
}

#include "example-connector.inc"

static const struct integ_stream streams[] = {
	{ .name = "orders", .schema = "{\"type\":\"object\"}", .key = "id",
	    .cursor = "updated_at", .run = orders },
	{ 0 }
};

static const struct integ_source source = {
	.name = "example",
	.version = INTEG_VERSION,
	.docs = "https://example.invalid/",
	.spec = "{\"type\":\"object\",\"required\":[\"url\"],\"properties\":"
	    "{\"url\":{\"type\":\"string\"},"
	    "\"start_date\":{\"type\":\"string\"}}}",
	.streams = streams
};

static int
emit(const char *statefile)
{
	struct integ_state *state = integ_state_new();
	struct integ_err e;
	char **rec = NULL, *line = NULL;
	size_t n = 0, i, cap = 0;
	ssize_t len;
	int rc;

	if ((rc = integ_state_load(state, statefile, &e)) != 0) {
		fprintf(stderr, "tt-example: %s\n", e.msg);
		integ_state_free(state);
		return rc;
	}
	while ((len = getline(&line, &cap, stdin)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		rec = integ_xreallocarray(rec, n + 1, sizeof(*rec));
		rec[n++] = integ_xstrdup(line);
	}
	free(line);
	rc = emit_example(state, rec, n);
	for (i = 0; i < n; i++)
		free(rec[i]);
	free(rec);
	integ_state_free(state);
	return rc;
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "emit") == 0)
		return emit(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "connector") == 0)
		return integ_source_main(&source, argc - 1, argv + 1);
	fprintf(stderr, "usage: tt-example emit STATEFILE | connector ARG...\n");
	return INTEG_EXIT_USAGE;
}
