/*
 * oauth2_source.c: OAuth 2 for a connector, and the rotated refresh
 * token kept where its config lives: Airbyte gets a CONTROL message
 * CONNECTOR_CONFIG with the updated config (the platform stores it),
 * Singer gets its config file rewritten atomically.
 *
 * The token endpoint may answer on a worker thread (integ_paginate
 * fetches ahead) while the main thread writes records, so the CONTROL
 * message waits for the main thread (integ_ctx_oauth_flush, at each page
 * and at the end of each stream and of the run). The config file is
 * rewritten at once: a run killed after the rotation still leaves the
 * new token on disk.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "integ.h"
#include "source_int.h"

struct integ_ctx_oauth {
	struct integ_oauth2	*oa;
	pthread_mutex_t		 mu;
	enum integ_protocol	 proto;
	const char		*config_path;
	struct integ_path	*path;		/* of the refresh token */
	struct integ_buf	 config;	/* the config, updated */
	int			 pending;	/* a CONTROL to write */
};

/* The config with the value at the path replaced by the new token. */
static int
splice(struct integ_ctx_oauth *g, const char *token, struct integ_err *e)
{
	struct integ_json_span all, v;
	struct integ_buf b;
	size_t off;

	if (integ_json_validate(g->config.data, g->config.len, &all, e) != 0 ||
	    !integ_path_find(g->path, all, &v) ||
	    integ_json_type(v) != INTEG_JSON_STRING)
		return integ_errf(e, INTEG_EXIT_CONFIG, "config: %s: no "
		    "string there to keep the rotated refresh token in",
		    integ_path_text(g->path));
	off = (size_t)(v.p - g->config.data);
	integ_buf_init(&b, g->config.max);
	if (integ_buf_add(&b, g->config.data, off) == -1 ||
	    integ_json_str_encode(&b, token, strlen(token)) == -1 ||
	    integ_buf_add(&b, v.p + v.len, g->config.len - off - v.len) == -1) {
		integ_buf_free(&b);
		return integ_errf(e, INTEG_EXIT_CONFIG, "config: too large "
		    "with the rotated refresh token");
	}
	explicit_bzero(g->config.data, g->config.len);
	integ_buf_free(&g->config);
	g->config = b;
	return 0;
}

/*
 * Singer: the config file, when it is a regular file, rewritten with its
 * mode. Not through a symbolic link: the rename would replace the link
 * (a mounted secret's, or /dev/stdin) instead of the file.
 */
static int
rewrite(struct integ_ctx_oauth *g, struct integ_err *e)
{
	struct stat st;
	int rc;

	if (g->config_path == NULL || lstat(g->config_path, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		integ_log(INTEG_LOG_WARN, "the OAuth 2 refresh token was "
		    "rotated, but config %s is not a regular file: the new "
		    "one cannot be kept there",
		    g->config_path ? g->config_path : "");
		return 0;
	}
	if ((rc = integ_atomic_write_mode(g->config_path, g->config.data,
	    g->config.len, (unsigned int)(st.st_mode & 07777), e)) != 0)
		return integ_err_wrap(e, rc, "config: the rotated refresh "
		    "token could not be kept");
	integ_log(INTEG_LOG_INFO, "config %s: the rotated refresh token "
	    "written", g->config_path);
	return 0;
}

static int
rotated(void *arg, const char *token, struct integ_err *e)
{
	struct integ_ctx_oauth *g = arg;
	int rc;

	if (g->path == NULL) {
		integ_log(INTEG_LOG_WARN, "the OAuth 2 refresh token was "
		    "rotated; the connector names no config field to keep the "
		    "new one in");
		return 0;
	}
	pthread_mutex_lock(&g->mu);
	if ((rc = splice(g, token, e)) == 0) {
		if (g->proto == INTEG_PROTO_AIRBYTE)
			g->pending = 1;
		else
			rc = rewrite(g, e);
	}
	pthread_mutex_unlock(&g->mu);
	return rc;
}

int
integ_ctx_oauth2(struct integ_ctx *ctx, const struct integ_oauth2_opts *o,
    const char *refresh_path)
{
	struct integ_ctx_oauth *g;
	struct integ_oauth2_opts oo = *o;
	int rc;

	if (ctx->oauth != NULL)
		return integ_errf(&ctx->err, INTEG_EXIT_FAIL, "OAuth 2: "
		    "already set up");
	g = integ_xcalloc(1, sizeof(*g));
	pthread_mutex_init(&g->mu, NULL);
	g->proto = ctx->proto;
	g->config_path = ctx->config_path;
	integ_buf_init(&g->config, 0);
	integ_buf_add(&g->config, ctx->config.p, ctx->config.len);
	ctx->oauth = g;
	if (refresh_path != NULL &&
	    (rc = integ_path_compile(refresh_path, &g->path, &ctx->err)) != 0)
		return rc;
	oo.rotated = rotated;
	oo.rotated_arg = g;
	if ((rc = integ_oauth2_new(&oo, &g->oa, &ctx->err)) != 0)
		return rc;
	integ_oauth2_attach(g->oa, ctx->http);
	return 0;
}

void
integ_ctx_oauth_flush(struct integ_ctx *ctx)
{
	struct integ_ctx_oauth *g = ctx->oauth;
	struct integ_buf cfg;
	struct integ_msg m;

	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	if (!g->pending || ctx->em == NULL) {
		pthread_mutex_unlock(&g->mu);
		return;
	}
	g->pending = 0;
	/* a copy: the lock is not held while stdout may block */
	integ_buf_init(&cfg, 0);
	integ_buf_add(&cfg, g->config.data, g->config.len);
	pthread_mutex_unlock(&g->mu);
	integ_emit_flush(ctx->em, NULL);
	memset(&m, 0, sizeof(m));
	m.kind = INTEG_MSG_CONTROL;
	m.now_ms = integ_time_now_ms();
	m.doc.p = cfg.data;
	m.doc.len = cfg.len;
	integ_format_print(&integ_format_airbyte, &m, stdout, NULL);
	explicit_bzero(cfg.data, cfg.len);
	integ_buf_free(&cfg);
	integ_log(INTEG_LOG_INFO, "the rotated OAuth 2 refresh token is in "
	    "a CONTROL message");
}

void
integ_ctx_oauth_free(struct integ_ctx *ctx)
{
	struct integ_ctx_oauth *g = ctx->oauth;

	if (g == NULL)
		return;
	integ_oauth2_free(g->oa);
	integ_path_free(g->path);
	if (g->config.data != NULL)
		explicit_bzero(g->config.data, g->config.len);
	integ_buf_free(&g->config);
	pthread_mutex_destroy(&g->mu);
	free(g);
	ctx->oauth = NULL;
}
