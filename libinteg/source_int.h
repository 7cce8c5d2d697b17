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
	int			 testing;	/* --test: one record a stream */
	int			 sampling;	/* discover: a first page (sample.c) */
	struct integ_err	 err;
	/* how the stream is going: its end line and the progress line */
	int			 progress;	/* Singer, stderr a terminal */
	unsigned long		 pages;
	double			 t0;
	double			 shown;
	struct integ_http_stats	 st0;
	/* what the run handed out, freed after it */
	struct integ_request	**rqs;
	size_t			 nrqs;
	char			**strs;
	size_t			 nstrs;
	const char		*config_path;	/* --config as given */
	struct integ_ctx_oauth	*oauth;		/* integ_ctx_oauth2 */
};

/*
 * The spec with the fields every connector shares (shared.c) added to
 * its properties, in out (reset first).
 */
void	 integ_shared_spec(struct integ_json_span, struct integ_buf *);

/* A stream starts and ends: the log lines and the progress line. */
void	 integ_ctx_stream_begin(struct integ_ctx *);
void	 integ_ctx_stream_end(struct integ_ctx *, int);

/*
 * What a page callback returns to stop a stream that has all it needs
 * (--test: its one record); not an exit status.
 */
#define SOURCE_STOP	(-2)

/* --about in FORMAT (text, json, markdown; NULL: text); 64 for another. */
int	 integ_about(const struct integ_source *, struct integ_json_span,
	    const char *, struct integ_buf *, struct integ_err *);

/*
 * OAuth 2 (oauth2_source.c): write a pending CONTROL message (main
 * thread only); free what integ_ctx_oauth2 set up (after the client).
 */
void	 integ_ctx_oauth_flush(struct integ_ctx *);
void	 integ_ctx_oauth_free(struct integ_ctx *);

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
/* integ_ctx_requests, each record through fn first. */
int	 integ_ctx_requests_with(struct integ_ctx *,
	    struct integ_request *const *, size_t,
	    const struct integ_pager_opts *, const char *, integ_record_fn *,
	    void *);
/* integ_ctx_windows, each record through fn first. */
int	 integ_ctx_windows_with(struct integ_ctx *, struct integ_request *,
	    const struct integ_window_opts *, const struct integ_pager_opts *,
	    const char *, integ_record_fn *, void *);

/*
 * sample.c: discover for streams whose schema is inferred. wanted: has
 * the source such a stream? integ_sample: a copy of the source's table
 * of streams with their schemas inferred from a first page (the client
 * made, no stream begun); freed with integ_sample_free.
 */
int	 integ_sample_wanted(const struct integ_source *);
int	 integ_sample(struct integ_ctx *, struct integ_stream **,
	    struct integ_err *);
void	 integ_sample_free(const struct integ_source *, struct integ_stream *);

/* A stream chosen by a catalog, in catalog order. */
struct integ_selected {
	const struct integ_stream *stream;
	int		 incremental;
	char		**drop;		/* top-level fields deselected */
	size_t		 ndrop;
};

/* Catalogs (catalog.c). */
int	 integ_catalog_airbyte(const struct integ_source *, struct integ_buf *);
int	 integ_catalog_singer(const struct integ_source *, struct integ_buf *);
/*
 * Parse a catalog (Airbyte configured catalog or Singer catalog, by
 * protocol) into the streams to run. NULL text: every stream, each
 * incremental when it has a cursor. 78 for a stream the source lacks.
 */
/*
 * Field selection too: a Singer property whose metadata deselects it
 * (unless its inclusion is automatic), a property of the stream's schema
 * that an Airbyte configured stream's json_schema leaves out.
 */
int	 integ_catalog_select(const struct integ_source *, enum integ_protocol,
	    const char *, size_t, struct integ_selected **, size_t *,
	    struct integ_err *);
void	 integ_catalog_selected_free(struct integ_selected *, size_t);

#endif
