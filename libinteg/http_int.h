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
};

struct integ_request *integ_request_prepare(const struct integ_request *,
	    const char *, int);
void	 integ_request_clear_query(struct integ_request *);
int	 integ_http_sleep(struct integ_http *, double);
int	 integ_http_cancelled(struct integ_http *);
void	 integ_http_uncancel(struct integ_http *);
const struct integ_http_opts *integ_http_options(const struct integ_http *);

#endif
