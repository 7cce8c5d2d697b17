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
};

struct integ_request *integ_request_prepare(const struct integ_request *,
	    const char *, int);
void	 integ_request_clear_query(struct integ_request *);
int	 integ_http_sleep(struct integ_http *, double);
int	 integ_http_cancelled(struct integ_http *);
void	 integ_http_uncancel(struct integ_http *);
const struct integ_http_opts *integ_http_options(const struct integ_http *);
/* body.c: a copy's method and body (the body only when it may go there) */
void	 integ_request_body_copy(struct integ_request *,
	    const struct integ_request *, int);
void	 integ_request_body_clear(struct integ_request *);

#endif
