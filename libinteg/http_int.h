/*
 * http_int.h: what http.c, request.c, paginate.c and fetch.c share and
 * nobody else needs.
 */
#ifndef INTEG_HTTP_INT_H
#define INTEG_HTTP_INT_H

struct integ_kv {
	char	*name;
	char	*value;
	int	 secret;
};

struct integ_request {
	char		*url;		/* without the added parameters */
	char		*full;		/* with them */
	struct integ_kv	*hdr;
	size_t		 nhdr;
	struct integ_kv	*qry;
	size_t		 nqry;
	/* body.c: the method (NULL: GET, or POST with a body) and body */
	char		*method;
	char		*body;
	size_t		 bodylen;
	int		 body_secret;
	int		 graphql;	/* a 200 with "errors" fails */
	/* a manifest stream's http: (integ_request_rate, _retries) */
	struct integ_rate *rate;	/* NULL: the client's budget only */
	int		 retries;	/* -1: the client's */
};

/*
 * A body for the request (method POST when NULL). A secret one (its
 * secrets registered by the caller) goes only where secret headers go;
 * a redirect of a request with a body is not followed.
 */
void	 integ_request_set_body(struct integ_request *, const char *,
	    const char *, size_t, int);

/* integ_http_do flags */
#define INTEG_HTTP_NOAUTH	0x1	/* not the client's authorizer */
#define INTEG_HTTP_OWN_ORIGIN	0x2	/* secrets to the request's origin only */
/* integ_http_get with flags (the token request of oauth2.c). */
int	 integ_http_do(struct integ_http *, const struct integ_request *,
	    struct integ_response *, int, struct integ_err *);

struct integ_request *integ_request_prepare(const struct integ_request *,
	    const char *, int);
void	 integ_request_clear_query(struct integ_request *);
int	 integ_http_cancelled(struct integ_http *);
void	 integ_http_uncancel(struct integ_http *);
const struct integ_http_opts *integ_http_options(const struct integ_http *);
/* body.c: a copy's method and body (the body only when it may go there) */
void	 integ_request_body_copy(struct integ_request *,
	    const struct integ_request *, int);
void	 integ_request_body_clear(struct integ_request *);

#endif
