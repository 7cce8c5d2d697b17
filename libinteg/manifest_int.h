/* manifest_int.h: what the manifest files share, not public. */
#ifndef MANIFEST_INT_H
#define MANIFEST_INT_H

#include "integ.h"

/*
 * A manifest as read, YAML or JSON alike: maps, sequences and scalars,
 * each with the line it starts on. Plain YAML scalars resolve as YAML
 * 1.2's core schema does (null, true/false, JSON numbers; the rest
 * strings); quoted scalars are strings.
 */
enum mnode_kind { MN_NULL, MN_BOOL, MN_NUM, MN_STR, MN_SEQ, MN_MAP };

struct mnode {
	enum mnode_kind	 kind;
	char		*text;		/* scalars: the text, decoded */
	char		*key;		/* a map's member: its key */
	unsigned long	 line;
	struct mnode	**kids;		/* SEQ items, MAP members */
	size_t		 n;
};

/* Read a file into a tree; 66 unreadable, 78 with FILE:LINE on a mistake. */
int	 mnode_load(const char *, struct mnode **, struct integ_err *);
void	 mnode_free(struct mnode *);
/* A map's member, or NULL. */
struct mnode *mnode_get(const struct mnode *, const char *);
/* Append the node as JSON text. */
void	 mnode_json(const struct mnode *, struct integ_buf *);
/* The same, each string appended by fn instead; its error stops it. */
typedef int	mnode_str_fn(void *, const struct mnode *, struct integ_buf *);
int	 mnode_json_with(const struct mnode *, struct integ_buf *,
	    mnode_str_fn *, void *);
const char *mnode_kind_name(enum mnode_kind);

/*
 * A template: text with {{ config.NAME }}, {{ env.NAME }} and
 * {{ parent.PATH }} in it, each optionally followed by | path.
 */
enum tpart_kind { TP_TEXT, TP_CONFIG, TP_ENV, TP_PARENT };

struct tpart {
	enum tpart_kind	 kind;
	char		*s;		/* text, or the name / path */
	struct integ_path *path;	/* TP_PARENT */
	int		 segs;		/* | path: its '/' kept, in a path */
};

struct tmpl {
	struct tpart	*parts;
	size_t		 n;
	int		 json;		/* a scalar that is not a string */
	char		*raw;		/* its text as written */
	struct tmpl	*alt;		/* the next choice when a value is unset */
};

int	 tmpl_parse(const char *, int, struct tmpl *, struct integ_err *);
void	 tmpl_free(struct tmpl *);
/* The one {{ parent.PATH }} the template is, else NULL. */
const struct tpart *tmpl_only_parent(const struct tmpl *);
/* The NAME of the one {{ config.NAME }} the template is, else NULL. */
const char *tmpl_only_config(const struct tmpl *);

/* A header or query parameter: name and template. */
struct mkv {
	const char	*name;
	struct tmpl	 t;
};

enum { AUTH_NONE, AUTH_BEARER, AUTH_HEADER, AUTH_QUERY, AUTH_BASIC,
    AUTH_OAUTH2 };
enum { FMT_RFC3339, FMT_DATE, FMT_EPOCH };
enum { ORDER_ASC, ORDER_DESC, ORDER_NONE };

struct mstream {
	const char	*name;
	struct tmpl	 path;
	const char	*records;
	struct mkv	*params, *headers;
	size_t		 nparams, nheaders;
	struct integ_pager_opts pager;	/* strings in the tree */
	struct tmpl	 limit, start, max_pages, concurrency;
	char		*schema;
	/* incremental */
	const char	*inc_param;
	int		 inc_format;
	struct tmpl	 inc_start;
	/* a request body (body.c): method, its tree, its strings' templates */
	const char	*method;	/* NULL: GET */
	const struct mnode *body;	/* NULL: none */
	struct mnode	*body_file;	/* the tree read from a file, owned */
	struct tmpl	*body_t;	/* depth first, one a string */
	size_t		 nbody_t;
	int		 graphql;
	/* date windows (window.c): start_param set */
	struct integ_window_opts win;
	struct tmpl	 win_from, win_to;
	long long	 win_parallel;
	/* parent-child and record steps */
	struct mstream	*parent;
	struct mkv	*add;
	size_t		 nadd;
	const char	**remove;
	size_t		 nremove;
	/* http: a budget on top of the source's, retries (-1: the source's) */
	struct integ_rate *rate;
	int		 retries;
};

struct integ_manifest {
	struct integ_source src;	/* first: a ctx's src is the manifest */
	struct mnode	*root;
	char		*file, *dir;
	char		*spec;
	struct tmpl	 base;
	struct mkv	*params, *headers;
	size_t		 nparams, nheaders;
	int		 auth;
	const char	*auth_name;	/* header or parameter */
	struct tmpl	 auth_a, auth_b;
	const char	*auth_refused;	/* said first of a 401 or 403 */
	/* auth oauth2: the token endpoint, the client, the grant */
	struct tmpl	 oa_url, oa_id, oa_secret, oa_scope;
	struct tmpl	 oa_rt;		/* {{ config.NAME }}; none: client_credentials */
	int		 oa_basic;
	struct integ_http_opts http;
	int		 has_http;
	struct integ_bucket *bucket;	/* http.call_limit, or NULL */
	struct integ_stream *streams;	/* ends with { 0 } */
	struct mstream	*ms;
	size_t		 nstreams;
};

/* The run and init functions of a manifest's streams (manifest_run.c). */
int	 manifest_run(struct integ_ctx *);
int	 manifest_init(struct integ_ctx *);

#endif
