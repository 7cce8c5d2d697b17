/*
 * emit.c: the emitter: its format, its streams (emit_stream.c), its
 * state and the catalog of what it wrote. Its messages go out through
 * emit_out.c.
 */
#include <stdlib.h>
#include <string.h>

#include "emit_int.h"

int
integ_emit_new(const char *spec, FILE *fp, struct integ_emitter **out,
    struct integ_err *e)
{
	const struct integ_format *fmt;
	struct integ_emitter *em;
	const char *arg = NULL, *eq;
	char name[64];
	int code;

	if ((eq = strchr(spec, '=')) != NULL) {
		arg = eq + 1;
		if ((size_t)(eq - spec) >= sizeof(name))
			return integ_errf(e, INTEG_EXIT_USAGE,
			    "unknown format: %.64s", spec);
		memcpy(name, spec, (size_t)(eq - spec));
		name[eq - spec] = '\0';
	} else
		strlcpy(name, spec, sizeof(name));
	if ((fmt = integ_format_find(name)) == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "unknown format: %s",
		    name);
	if (fmt->needs_arg && arg == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "format %s needs an "
		    "argument: %s=ARG", name, name);
	em = integ_xcalloc(1, sizeof(*em));
	em->fmt = fmt;
	em->fp = fp;
	if (fmt->open != NULL && (code = fmt->open(&em->fmtarg, arg, e)) != 0) {
		free(em);
		return code;
	}
	integ_buf_init(&em->out, 0);
	integ_buf_init(&em->scratch, 0);
	integ_buf_init(&em->scratch2, 0);
	em->keep = fmt->needs_schema;
	em->own = integ_state_new();
	em->state = em->own;
	*out = em;
	return 0;
}

void
integ_emit_free(struct integ_emitter *em)
{
	size_t i;

	if (em == NULL)
		return;
	for (i = 0; i < em->nstreams; i++)
		integ_emit_stream_free(em->streams[i]);
	free(em->streams);
	if (em->fmt->close != NULL)
		em->fmt->close(em->fmtarg);
	integ_buf_free(&em->out);
	integ_buf_free(&em->scratch);
	integ_buf_free(&em->scratch2);
	integ_state_free(em->own);
	free(em);
}

void
integ_emit_keep_schemas(struct integ_emitter *em)
{
	em->keep = 1;
}

const struct integ_format *
integ_emit_format(const struct integ_emitter *em)
{
	return em->fmt;
}

void
integ_emit_set_state(struct integ_emitter *em, struct integ_state *s)
{
	em->state = s != NULL ? s : em->own;
}

int
integ_emit_catalog(struct integ_emitter *em, struct integ_buf *b)
{
	struct integ_emit_stream *st;
	size_t i;
	int r = 0;

	r |= integ_buf_adds(b, "{\"streams\":[");
	for (i = 0; i < em->nstreams; i++) {
		st = em->streams[i];
		if (i > 0)
			r |= integ_buf_addc(b, ',');
		r |= integ_emit_stream_schema(st, &em->scratch);
		r |= integ_catalog_airbyte_stream(b, st->name, st->ns,
		    (struct integ_json_span){ em->scratch.data,
		    em->scratch.len }, st->cursor,
		    (const char *const *)st->keys, st->nkeys);
	}
	r |= integ_buf_adds(b, "]}\n");
	return r ? -1 : 0;
}
