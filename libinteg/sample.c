/*
 * sample.c: discover for a stream whose schema is inferred (a manifest's
 * "schema: infer"). The stream runs as check runs it, its first page
 * only, but its records go to an emitter of their own that writes
 * nowhere and keeps the schema it infers from them, as integ-emit
 * --infer does; discover then declares that schema. read infers again,
 * from its own records, and widens where a later one does not fit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "source_int.h"

int
integ_sample_wanted(const struct integ_source *src)
{
	const struct integ_stream *s;

	for (s = src->streams; s->name != NULL; s++)
		if (s->infer && s->schema == NULL)
			return 1;
	return 0;
}

/* The json_schema of the one stream of an emitter's catalog. */
static char *
schema_of(struct integ_emitter *em)
{
	struct integ_json_span cat, v;
	struct integ_path *p;
	struct integ_buf b, out;
	char *s = NULL;

	integ_buf_init(&b, 0);
	integ_buf_init(&out, 0);
	if (integ_emit_catalog(em, &b) == 0 &&
	    integ_json_validate(b.data, b.len, &cat, NULL) == 0 &&
	    integ_path_compile("streams[0].json_schema", &p, NULL) == 0) {
		if (integ_path_find(p, cat, &v)) {
			integ_buf_add(&out, v.p, v.len);
			s = integ_buf_take(&out);
		}
		integ_path_free(p);
	}
	integ_buf_free(&b);
	integ_buf_free(&out);
	return s;
}

/* One stream's first page through an emitter of its own: its schema. */
static int
sample(struct integ_ctx *ctx, const struct integ_stream *s, char **out,
    struct integ_err *e)
{
	struct integ_stream_spec spec;
	struct integ_emitter *em, *was = ctx->em;
	const char *keys[1];
	FILE *null;
	int code;

	*out = NULL;
	if ((null = fopen("/dev/null", "w")) == NULL)
		return integ_errf(e, INTEG_EXIT_IO, "/dev/null: %s",
		    strerror(errno));
	if ((code = integ_emit_new("jsonl", null, &em, e)) != 0) {
		fclose(null);
		return code;
	}
	integ_emit_keep_schemas(em);
	memset(&spec, 0, sizeof(spec));
	spec.name = s->name;
	keys[0] = s->key;
	spec.keys = keys;
	spec.nkeys = s->key != NULL;
	spec.cursor = s->cursor;
	integ_ctx_reset(ctx);
	ctx->stream = s;
	ctx->incremental = 0;
	ctx->sampling = 1;
	/* Singer's discover has no emitter: this one stands in */
	if (ctx->em == NULL)
		ctx->em = em;
	if ((code = integ_emit_stream_begin(em, &spec, &ctx->st, e)) == 0) {
		if ((code = s->run(ctx)) != 0)
			*e = ctx->err;
		else if ((code = integ_emit_stream_end(ctx->st, e)) == 0 &&
		    (*out = schema_of(em)) == NULL)
			code = integ_errf(e, INTEG_EXIT_FAIL, "%s: no schema "
			    "inferred", s->name);
	}
	if (code == 0)
		integ_log(INTEG_LOG_INFO, "%s: schema inferred from its "
		    "first page, %llu records", s->name, (unsigned long long)
		    integ_emit_stream_written(ctx->st));
	else
		integ_err_wrap(e, code, "%s: sampling its schema", s->name);
	ctx->sampling = 0;
	ctx->st = NULL;
	ctx->stream = NULL;
	ctx->em = was;
	integ_ctx_reset(ctx);
	integ_emit_free(em);
	fclose(null);
	return code;
}

int
integ_sample(struct integ_ctx *ctx, struct integ_stream **out,
    struct integ_err *e)
{
	const struct integ_stream *src = ctx->src->streams;
	struct integ_stream *t;
	char *schema;
	size_t i, n;
	int code;

	for (n = 0; src[n].name != NULL; n++)
		;
	t = integ_xcalloc(n + 1, sizeof(*t));
	for (i = 0; i < n; i++) {
		t[i] = src[i];
		if (!src[i].infer || src[i].schema != NULL)
			continue;
		if ((code = sample(ctx, &src[i], &schema, e)) != 0) {
			integ_sample_free(ctx->src, t);
			return code;
		}
		t[i].schema = schema;
	}
	*out = t;
	return 0;
}

void
integ_sample_free(const struct integ_source *src, struct integ_stream *t)
{
	size_t i;

	if (t == NULL)
		return;
	/* the schemas that are not the source's are the table's own */
	for (i = 0; t[i].name != NULL; i++)
		if (t[i].schema != src->streams[i].schema)
			free((char *)(uintptr_t)t[i].schema);
	free(t);
}
