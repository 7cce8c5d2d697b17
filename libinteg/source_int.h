/* source_int.h: what source.c, ctx.c and catalog.c share, not public. */
#ifndef SOURCE_INT_H
#define SOURCE_INT_H

#include "integ.h"

struct integ_ctx {
	const struct integ_source *src;
	struct integ_json_span	 spec;		/* connectionSpecification */
	struct integ_json_span	 config;
	struct integ_http	*http;
	struct integ_emitter	*em;
	struct integ_state	*state;
	enum integ_protocol	 proto;
	/* the stream being run */
	const struct integ_stream *stream;
	struct integ_emit_stream *st;
	int			 incremental;	/* the bookmark applies */
	int			 checking;
	struct integ_err	 err;
	/* what the run handed out, freed after it */
	struct integ_request	**rqs;
	size_t			 nrqs;
	char			**strs;
	size_t			 nstrs;
};

/* Write the log lines worker threads left for the main thread. */
void	 integ_source_drain_logs(struct integ_emitter *);

/* Forget what one run handed out. */
void	 integ_ctx_reset(struct integ_ctx *);
/* Keep s (malloc'd) until the run ends; returns it. */
char	*integ_ctx_keep(struct integ_ctx *, char *);
/* base + "/" + path, one slash between them; kept until the run ends. */
char	*integ_ctx_url(struct integ_ctx *, const char *, const char *);

/*
 * A record rewritten before it is emitted (a manifest's record steps):
 * the index of its request and the record in; 0 and the new record's
 * text in the buffer, or an exit status.
 */
typedef int	integ_record_fn(void *, size_t, struct integ_json_span,
		    struct integ_buf *, struct integ_err *);
/* integ_emit_requests, each record through fn first. */
int	 integ_emit_requests_with(struct integ_ctx *,
	    struct integ_request *const *, size_t,
	    const struct integ_pager_opts *, const char *, integ_record_fn *,
	    void *);

/* A stream chosen by a catalog, in catalog order. */
struct integ_selected {
	const struct integ_stream *stream;
	int		 incremental;
};

/* Catalogs (catalog.c). */
int	 integ_catalog_airbyte(const struct integ_source *, struct integ_buf *);
int	 integ_catalog_singer(const struct integ_source *, struct integ_buf *);
/*
 * Parse a catalog (Airbyte configured catalog or Singer catalog, by
 * protocol) into the streams to run. NULL text: every stream, each
 * incremental when it has a cursor. 78 for a stream the source lacks.
 */
int	 integ_catalog_select(const struct integ_source *, enum integ_protocol,
	    const char *, size_t, struct integ_selected **, size_t *,
	    struct integ_err *);

#endif
