/*
 * tt-http: the parsers and rules under integ-fetch, driven from
 * tests/t-fetch-unit.sh.
 *
 *   tt-http link REL                stdin: a Link value -> target or "none"
 *   tt-http resolve BASE REF        -> URL, or "CODE message"
 *   tt-http origin URL              -> scheme://host:port or "bad"
 *   tt-http same A B                -> 1 or 0
 *   tt-http qset URL NAME VALUE     -> URL with the parameter set
 *   tt-http retryafter VALUE NOW    -> seconds (%.3f) or -1
 *   tt-http ratelimit NOW 'Name: value'...  -> seconds or -1
 *   tt-http backoff N               -> "ok" when 1000 draws lie in [0, 2^N]
 *   tt-http expand TEXT             -> expanded text, "[secret]" when it was
 *   tt-http prepare URL TRUSTED ARG...  ARG -H... or -q...: what is sent
 *   tt-http sign URL NAME VALUE     GET through a doer that wraps libcurl's
 *                                   and adds a header: prints the body
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static integ_http_doer_fn tt_record, tt_sign;
static void	fail(int, struct integ_err *) __attribute__((noreturn));

static void
fail(int code, struct integ_err *e)
{
	printf("%d %s\n", code, e->msg);
	exit(0);
}

int
main(int argc, char *argv[])
{
	struct integ_err e;
	struct integ_buf b;
	char *s, line[65536], o[512];
	int i, rc;

	integ_log_init("tt-http", INTEG_LOG_WARN);
	integ_err_clear(&e);
	if (argc < 2)
		return 64;
	if (strcmp(argv[1], "link") == 0 && argc == 3) {
		size_t n = fread(line, 1, sizeof(line) - 1, stdin);

		line[n] = '\0';
		integ_buf_init(&b, 0);
		if (integ_link_find(line, argv[2], &b))
			printf("%s\n", b.data);
		else
			printf("none\n");
		integ_buf_free(&b);
	} else if (strcmp(argv[1], "resolve") == 0 && argc == 4) {
		if ((rc = integ_url_resolve(*argv[2] ? argv[2] : NULL, argv[3],
		    &s, &e)) != 0)
			fail(rc, &e);
		printf("%s\n", s);
		free(s);
	} else if (strcmp(argv[1], "origin") == 0 && argc == 3) {
		if (integ_url_origin(argv[2], o, sizeof(o)) == -1)
			printf("bad\n");
		else
			printf("%s\n", o);
	} else if (strcmp(argv[1], "same") == 0 && argc == 4) {
		printf("%d\n", integ_url_same_origin(argv[2], argv[3]));
	} else if (strcmp(argv[1], "qset") == 0 && argc == 5) {
		if ((rc = integ_url_query_set(argv[2], argv[3], argv[4], &s,
		    &e)) != 0)
			fail(rc, &e);
		printf("%s\n", s);
		free(s);
	} else if (strcmp(argv[1], "retryafter") == 0 && argc == 4) {
		printf("%.3f\n", integ_retry_after(argv[2], atof(argv[3])));
	} else if (strcmp(argv[1], "ratelimit") == 0 && argc >= 3) {
		struct integ_response rs;

		integ_response_init(&rs, 0);
		for (i = 3; i < argc; i++) {
			char *colon = strchr(argv[i], ':');

			if (colon == NULL)
				return 64;
			integ_response_add_header(&rs, argv[i],
			    (size_t)(colon - argv[i]), colon + 2,
			    strlen(colon + 2));
		}
		printf("%.3f\n",
		    integ_retry_ratelimit_wait(&rs, atof(argv[2])));
		integ_response_free(&rs);
	} else if (strcmp(argv[1], "backoff") == 0 && argc == 3) {
		int n = atoi(argv[2]);
		double top = ldexp(1.0, n), d, max = 0;

		for (i = 0; i < 1000; i++) {
			d = integ_retry_backoff(n);
			if (d < 0 || d > top || d > 60)
				return printf("out of range: %f\n", d), 1;
			if (d > max)
				max = d;
		}
		/* full jitter: the draws spread over the range */
		printf("%s\n", max > (top < 60 ? top : 60) / 2 ? "ok" : "narrow");
	} else if (strcmp(argv[1], "expand") == 0 && argc == 3) {
		int secret;

		if ((rc = integ_env_expand(argv[2], &s, &secret, &e)) != 0)
			fail(rc, &e);
		printf("%s%s\n", s, secret ? "[secret]" : "");
		free(s);
	} else if (strcmp(argv[1], "prepare") == 0 && argc >= 4) {
		struct integ_request *rq;
		struct integ_http *h;
		size_t k;

		if ((rc = integ_request_new(argv[2], &rq, &e)) != 0)
			fail(rc, &e);
		for (i = 4; i < argc; i++) {
			if (strncmp(argv[i], "-H", 2) == 0)
				rc = integ_request_header_arg(rq, argv[i] + 2, &e);
			else
				rc = integ_request_query_arg(rq, argv[i] + 2, &e);
			if (rc != 0)
				fail(rc, &e);
		}
		if ((rc = integ_http_new(NULL, &h, &e)) != 0)
			fail(rc, &e);
		if (strcmp(argv[3], "-") != 0)
			integ_http_trust(h, argv[3], &e);
		{
			/* what the doer would get, via a recording doer */
			struct integ_response rs;

			integ_http_set_doer(h, tt_record, NULL);
			integ_response_init(&rs, 0);
			rc = integ_http_get(h, rq, &rs, &e);
			integ_response_free(&rs);
		}
		(void)k;
		integ_http_free(h);
		integ_request_free(rq);
	} else if (strcmp(argv[1], "nulls") == 0 && argc == 3) {
		struct integ_request *rq;

		/* a failed request or an absent value adds nothing */
		integ_request_query(NULL, "a", "b", 0);
		integ_request_header(NULL, "A", "b", 1);
		if ((rc = integ_request_new(argv[2], &rq, &e)) != 0)
			fail(rc, &e);
		integ_request_query(rq, "a", NULL, 0);
		integ_request_header(rq, "X-A", NULL, 1);
		printf("%s %zu %d\n", integ_request_full_url(rq),
		    integ_request_nheaders(rq), integ_secret_count());
		integ_request_free(rq);
	} else if (strcmp(argv[1], "sign") == 0 && argc == 5) {
		struct integ_request *rq;
		struct integ_http *h;
		struct integ_response rs;

		if ((rc = integ_request_new(argv[2], &rq, &e)) != 0 ||
		    (rc = integ_http_new(NULL, &h, &e)) != 0)
			fail(rc, &e);
		integ_http_set_doer(h, tt_sign, argv + 3);
		integ_response_init(&rs, 0);
		if ((rc = integ_http_get(h, rq, &rs, &e)) != 0)
			fail(rc, &e);
		printf("%s\n", rs.body.data ? rs.body.data : "");
		integ_response_free(&rs);
		integ_http_free(h);
		integ_request_free(rq);
	} else {
		return 64;
	}
	return 0;
}

/* A doer that wraps libcurl's: sign the request with a header. */
static int
tt_sign(void *arg, struct integ_http *h, const struct integ_request *rq,
    struct integ_response *rs, struct integ_err *e)
{
	char **nv = arg;
	struct integ_request *signed_rq = integ_request_dup(rq);
	int rc;

	integ_request_header(signed_rq, nv[0], nv[1], 0);
	rc = integ_http_doer_curl(NULL, h, signed_rq, rs, e);
	integ_request_free(signed_rq);
	return rc;
}

/* A doer that prints the request it was given and answers 200 {}. */
static int
tt_record(void *arg, struct integ_http *h, const struct integ_request *rq,
    struct integ_response *rs, struct integ_err *e)
{
	size_t i;

	printf("GET %s\n", integ_request_full_url(rq));
	for (i = 0; i < integ_request_nheaders(rq); i++)
		printf("%s: %s\n", integ_request_header_name(rq, i),
		    integ_request_header_value(rq, i));
	rs->status = 200;
	integ_buf_adds(&rs->body, "{}");
	return 0;
}
