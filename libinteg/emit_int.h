/*
 * emit_int.h: what the emitter's files share inside libinteg: emit.c
 * (the emitter), emit_stream.c (a stream: schema, bookmark, held
 * records, checkpoints), emit_out.c (the output both write through) and
 * emit_run.c (integ-emit's read loop). Not installed.
 */
#ifndef EMIT_INT_H
#define EMIT_INT_H

#include <stdio.h>

#include "integ.h"
#include "json_int.h"

/* One stream of the emitter (emit_stream.c). */
struct integ_emit_stream {
	struct integ_emitter	*em;
	char			*name;
	struct integ_buf	 name_json;
	char			*ns;
	char			**keys;
	size_t			 nkeys;
	char			*cursor;	/* field name (path text) */
	struct integ_path	*cpath;
	struct integ_buf	 ckey;		/* a plain top-level cursor, as JSON */
	char			*given;		/* schema text given */
	struct integ_schema	*schema;	/* inferred (or NULL) */
	size_t			 infer;
	int			 schema_sent;
	int			 running;
	int			 ended;
	/* records held back until the schema is inferred */
	int			 holding;
	struct integ_buf	 held;
	size_t			*heldend;
	size_t			 nheld;
	/* incremental */
	struct integ_buf	 bookmark;	/* at the start; empty: none */
	struct integ_buf	 newest;	/* newest cursor seen */
	int			 sorted;	/* ascending: newest is safe */
	int			 unverified;	/* the bookmark stays */
	/* bookmark, newest: a date-time string in the usual layout */
	int			 bookmark_usual;
	int			 newest_usual;
	/* date windows: the bookmark moves only to a window's end */
	int			 windowed;
	struct integ_buf	 wend;		/* the last window's end */
	uint64_t		 since_state;
	uint64_t		 estimate;	/* rows announced, 0: none */
	int			 stateless;	/* ends without a STATE (--test) */
	uint64_t		 written;
	uint64_t		 dropped;
	uint64_t		 nocursor;
	struct shape_classifier	*cl;		/* fits, cursor: shape.c */
	struct integ_msg	 recmsg;	/* kind 0 until the first record */
	int64_t			 version;	/* ACTIVATE_VERSION, 0: none */
	int			 activated;	/* the first one written */
	char			**drop;		/* fields deselected */
	size_t			 ndrop;
	struct integ_buf	 kept;		/* a record without them */
};

/* The emitter (emit.c): its format, output and streams. */
struct integ_emitter {
	const struct integ_format *fmt;
	void			*fmtarg;
	FILE			*fp;
	struct integ_buf	 out;
	struct integ_buf	 scratch;
	struct integ_buf	 scratch2;
	struct integ_state	*state;
	struct integ_state	*own;
	struct integ_emit_stream **streams;
	size_t			 nstreams;
	int64_t			 now_ms;
	char			 now[32];
	int			 failed_io;
	int			 keep;		/* schemas kept up to date */
};

/* emit.c */
/* The clock, read for every message. */
void	 integ_emit_tick(struct integ_emitter *);
/* A message of kind for stream st (NULL: none), at the clock's time. */
void	 integ_emit_msg(struct integ_msg *, struct integ_emitter *,
	    const struct integ_emit_stream *, enum integ_msg_kind);
/* Format a message into the output, written in large pieces. */
int	 integ_emit_put(struct integ_emitter *, const struct integ_msg *,
	    struct integ_err *);
/* Write the buffered output; flush the FILE too when asked. */
int	 integ_emit_drain(struct integ_emitter *, int, struct integ_err *);
/* A TRACE ERROR of stream st (NULL: none). */
int	 integ_emit_error_msg(struct integ_emitter *,
	    const struct integ_emit_stream *, enum integ_failure,
	    const char *, const char *, struct integ_err *);
/* The last line: our trailer (code, msg), or raw, the one read. */
void	 integ_emit_trailer(struct integ_emitter *, int, const char *,
	    const char *, size_t);

/* emit_stream.c */
void	 integ_emit_stream_free(struct integ_emit_stream *);
/* The schema text of a stream (given or inferred), into b (reset). */
int	 integ_emit_stream_schema(const struct integ_emit_stream *,
	    struct integ_buf *);
/* Is each record checked against the schema (frame() widens it)? */
int	 integ_emit_stream_checking(const struct integ_emit_stream *);

#endif /* EMIT_INT_H */
