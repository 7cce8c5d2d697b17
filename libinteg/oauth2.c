/*
 * oauth2.c: OAuth 2 access tokens (RFC 6749), as an authorizer of the
 * HTTP client: the refresh-token grant (section 6) and the
 * client-credentials grant (4.4).
 *
 * One token is shared by every transfer of the client; its lock is held
 * while a token is fetched, so parallel transfers that find it expired
 * wait for one fetch instead of making one each. The token request
 * itself goes through the client (request budget, retries of 429 and
 * 5xx, Retry-After) without the authorizer, its secrets to the token
 * endpoint's own origin only, and no redirect followed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integ.h"
#include "http_int.h"

/* The largest token response, and the largest secret file. */
#define TOKEN_MAX	(1 << 20)
#define SECRET_FILE_MAX	(64 << 10)

/* Fetch again this long before expires_in runs out (at most). */
#define EARLY		60.0

struct integ_oauth2 {
	pthread_mutex_t	 mu;
	char		*token_url;
	char		*client_id;
	char		*client_secret;
	char		*refresh_token;
	char		*scope;
	int		 basic;
	integ_oauth2_rotated_fn *rotated;
	void		*rotated_arg;
	struct integ_http *h;
	char		*bearer;	/* "Bearer TOKEN", or NULL */
	double		 renew_at;	/* integ_time_now() to renew; 0 never */
	unsigned long	 fetched;
	struct integ_err failed;	/* a fetch that failed: every later one */
};

static char *
dup_or_null(const char *s)
{
	return s != NULL ? integ_xstrdup(s) : NULL;
}

static void
free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

int
integ_oauth2_new(const struct integ_oauth2_opts *o, struct integ_oauth2 **out,
    struct integ_err *e)
{
	struct integ_oauth2 *a;
	char esc[300];

	*out = NULL;
	if (o->token_url == NULL || *o->token_url == '\0')
		return integ_errf(e, INTEG_EXIT_CONFIG, "OAuth 2: no token "
		    "endpoint URL");
	if (o->client_id == NULL || *o->client_id == '\0')
		return integ_errf(e, INTEG_EXIT_CONFIG, "OAuth 2: no client id");
	if (integ_url_origin(o->token_url, esc, sizeof(esc)) == -1) {
		integ_secret_escape(esc, sizeof(esc), o->token_url,
		    strlen(o->token_url));
		return integ_errf(e, INTEG_EXIT_CONFIG, "OAuth 2: token "
		    "endpoint %s: not an http or https URL", esc);
	}
	/* registered before anything can print them */
	integ_secret_add(o->client_secret);
	integ_secret_add(o->refresh_token);
	a = integ_xcalloc(1, sizeof(*a));
	pthread_mutex_init(&a->mu, NULL);
	a->token_url = integ_xstrdup(o->token_url);
	a->client_id = integ_xstrdup(o->client_id);
	a->client_secret = dup_or_null(o->client_secret);
	a->refresh_token = dup_or_null(o->refresh_token);
	a->scope = o->scope != NULL && *o->scope != '\0' ?
	    integ_xstrdup(o->scope) : NULL;
	a->basic = o->basic;
	a->rotated = o->rotated;
	a->rotated_arg = o->rotated_arg;
	*out = a;
	return 0;
}

void
integ_oauth2_free(struct integ_oauth2 *a)
{
	if (a == NULL)
		return;
	pthread_mutex_destroy(&a->mu);
	free(a->token_url);
	free(a->client_id);
	free_secret(a->client_secret);
	free_secret(a->refresh_token);
	free(a->scope);
	free_secret(a->bearer);
	free(a);
}

unsigned long
integ_oauth2_fetched(struct integ_oauth2 *a)
{
	unsigned long n;

	pthread_mutex_lock(&a->mu);
	n = a->fetched;
	pthread_mutex_unlock(&a->mu);
	return n;
}

/* "&name=value", form-encoded (RFC 6749 appendix B). */
static void
form(struct integ_buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		integ_buf_addc(b, '&');
	integ_buf_adds(b, name);
	integ_buf_addc(b, '=');
	integ_url_encode(b, value, strlen(value));
}

/* The token request: the grant, the scope, the client's credentials. */
static struct integ_request *
token_request(struct integ_oauth2 *a)
{
	struct integ_request *rq;
	struct integ_buf b, up;
	char *basic, *hdr;

	if (integ_request_new(a->token_url, &rq, NULL) != 0)
		return NULL;
	integ_buf_init(&b, 0);
	if (a->refresh_token != NULL) {
		form(&b, "grant_type", "refresh_token");
		form(&b, "refresh_token", a->refresh_token);
	} else {
		form(&b, "grant_type", "client_credentials");
	}
	if (a->scope != NULL)
		form(&b, "scope", a->scope);
	if (a->basic) {
		/* section 2.3.1: each form-encoded, then user:password */
		integ_buf_init(&up, 0);
		integ_url_encode(&up, a->client_id, strlen(a->client_id));
		integ_buf_addc(&up, ':');
		if (a->client_secret != NULL)
			integ_url_encode(&up, a->client_secret,
			    strlen(a->client_secret));
		basic = integ_secret_base64(up.data, up.len);
		integ_xasprintf(&hdr, "Basic %s", basic);
		integ_request_header(rq, "Authorization", hdr, 1);
		free_secret(hdr);
		free_secret(basic);
		explicit_bzero(up.data, up.len);
		integ_buf_free(&up);
	} else {
		form(&b, "client_id", a->client_id);
		if (a->client_secret != NULL)
			form(&b, "client_secret", a->client_secret);
	}
	integ_request_header(rq, "Content-Type",
	    "application/x-www-form-urlencoded", 0);
	integ_request_header(rq, "Accept", "application/json", 0);
	integ_request_set_body(rq, "POST", b.data, b.len, 1);
	explicit_bzero(b.data, b.len);
	integ_buf_free(&b);
	return rq;
}


/*
 * The endpoint said no (section 5.2): a refused refresh token or client
 * is a matter of credentials (77), and the message says which.
 */
static int
refused(struct integ_oauth2 *a, const struct integ_response *rs,
    struct integ_err *xe, struct integ_err *e)
{
	struct integ_json_span obj;
	struct integ_err je;
	char *err = NULL, *desc = NULL, esc[300], url[300];
	int rc = xe->code;

	integ_secret_escape(url, sizeof(url), a->token_url,
	    strlen(a->token_url));
	if ((rs->status == 400 || rs->status == 401) && rs->body.len > 0 &&
	    integ_json_validate(rs->body.data, rs->body.len, &obj, &je) == 0)
		err = integ_json_member_str(obj, "error", 0);
	/* the client's messages name GET; this one is a POST */
	if (err == NULL && strncmp(xe->msg, "GET ", 4) == 0)
		return integ_errf(e, rc, "OAuth 2 token endpoint: POST %s",
		    xe->msg + 4);
	if (err == NULL)
		return integ_errf(e, rc, "OAuth 2 token endpoint: %s", xe->msg);
	desc = integ_json_member_str(obj, "error_description", 0);
	integ_secret_escape(esc, sizeof(esc), desc != NULL ? desc : "",
	    desc != NULL ? strlen(desc) : 0);
	if (strcmp(err, "invalid_grant") == 0 && a->refresh_token != NULL)
		rc = integ_errf(e, INTEG_EXIT_AUTH, "OAuth 2 token endpoint %s "
		    "refused the refresh token (invalid_grant%s%s): it has "
		    "expired or been revoked, or was replaced by a newer one; "
		    "authorize again for a new refresh token", url,
		    *esc ? ": " : "", esc);
	else if (strcmp(err, "invalid_client") == 0)
		rc = integ_errf(e, INTEG_EXIT_AUTH, "OAuth 2 token endpoint %s "
		    "refused the client id or secret (invalid_client%s%s)",
		    url, *esc ? ": " : "", esc);
	else if (strcmp(err, "invalid_grant") == 0 ||
	    strcmp(err, "unauthorized_client") == 0 ||
	    strcmp(err, "invalid_scope") == 0 ||
	    strcmp(err, "access_denied") == 0) {
		char what[64];

		integ_secret_escape(what, sizeof(what), err, strlen(err));
		rc = integ_errf(e, INTEG_EXIT_AUTH, "OAuth 2 token endpoint %s "
		    "refused the grant (%s%s%s)", url, what, *esc ? ": " : "",
		    esc);
	} else if (strncmp(xe->msg, "GET ", 4) == 0)
		rc = integ_errf(e, rc, "OAuth 2 token endpoint: POST %s",
		    xe->msg + 4);
	else
		rc = integ_errf(e, rc, "OAuth 2 token endpoint: %s", xe->msg);
	free(err);
	free(desc);
	return rc;
}

/* expires_in: a number, or a string of one (some APIs send that). */
static double
expires_in(struct integ_json_span obj)
{
	struct integ_json_span v;
	char *s, *end;
	double d;

	if (!integ_json_member(obj, "expires_in", &v))
		return -1;
	if (integ_json_type(v) == INTEG_JSON_NUMBER)
		return integ_json_number(v);
	if ((s = integ_json_member_str(obj, "expires_in", 0)) == NULL)
		return -1;
	d = strtod(s, &end);
	if (end == s || *end != '\0')
		d = -1;
	free(s);
	return d;
}

/* Take a successful token response (section 5.1). Called locked. */
static int
take(struct integ_oauth2 *a, const struct integ_response *rs,
    struct integ_err *e)
{
	struct integ_json_span obj;
	struct integ_err je;
	char *tok, *type, *rt, esc[300];
	double ttl, early;
	int rc = 0;

	integ_secret_escape(esc, sizeof(esc), a->token_url,
	    strlen(a->token_url));
	if (integ_json_validate(rs->body.data ? rs->body.data : "",
	    rs->body.len, &obj, &je) != 0 ||
	    integ_json_type(obj) != INTEG_JSON_OBJECT)
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "OAuth 2 token "
		    "endpoint %s: the answer is not a JSON object", esc);
	/* a secret from the moment it is read */
	if ((tok = integ_json_member_str(obj, "access_token", 0)) != NULL)
		integ_secret_add(tok);
	if ((rt = integ_json_member_str(obj, "refresh_token", 0)) != NULL)
		integ_secret_add(rt);
	if (tok == NULL || *tok == '\0' || strpbrk(tok, "\r\n") != NULL) {
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "OAuth 2 token "
		    "endpoint %s: no access_token in the answer", esc);
		goto out;
	}
	type = integ_json_member_str(obj, "token_type", 0);
	if (type != NULL && strcasecmp(type, "bearer") != 0) {
		integ_secret_escape(esc, sizeof(esc), type, strlen(type));
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "OAuth 2: token_type "
		    "%s is not supported (only Bearer)", esc);
		free(type);
		goto out;
	}
	free(type);
	free_secret(a->bearer);
	integ_xasprintf(&a->bearer, "Bearer %s", tok);
	a->fetched++;
	a->renew_at = 0;
	if ((ttl = expires_in(obj)) >= 0) {
		early = ttl / 4 < EARLY ? ttl / 4 : EARLY;
		a->renew_at = integ_time_now() + ttl - early;
	}
	integ_log(INTEG_LOG_INFO, "OAuth 2: access token %lu%s", a->fetched,
	    ttl >= 0 ? "" : " (no expires_in: kept until a 401)");
	if (rt != NULL && *rt != '\0' && a->refresh_token != NULL &&
	    strcmp(rt, a->refresh_token) != 0) {
		/* rotated: the old one may no longer work, keep the new */
		free_secret(a->refresh_token);
		a->refresh_token = rt;
		rt = NULL;
		integ_log(INTEG_LOG_INFO, "OAuth 2: the refresh token was "
		    "rotated");
		if (a->rotated != NULL)
			rc = a->rotated(a->rotated_arg, a->refresh_token, e);
	}
out:
	free_secret(tok);
	free_secret(rt);
	return rc;
}

/* Fetch a token. Called locked. */
static int
fetch(struct integ_oauth2 *a, struct integ_err *e)
{
	struct integ_request *rq;
	struct integ_response rs;
	struct integ_err xe;
	int rc;

	if (a->h == NULL)
		return integ_errf(e, INTEG_EXIT_FAIL, "OAuth 2: not attached "
		    "to a client");
	if ((rq = token_request(a)) == NULL)
		return integ_errf(e, INTEG_EXIT_CONFIG, "OAuth 2: bad token "
		    "endpoint URL");
	integ_response_init(&rs, TOKEN_MAX);
	integ_err_clear(&xe);
	rc = integ_http_do(a->h, rq, &rs, INTEG_HTTP_NOAUTH |
	    INTEG_HTTP_OWN_ORIGIN, &xe);
	if (rc == 0)
		rc = take(a, &rs, e);
	else if (rc < INTEG_EXIT_SIGNAL)
		rc = refused(a, &rs, &xe, e);
	else
		*e = xe;
	if (rs.body.data != NULL)
		explicit_bzero(rs.body.data, rs.body.len);
	integ_response_free(&rs);
	integ_request_free(rq);
	return rc;
}

/* The authorizer: a valid token on the request, renewed when refused. */
static int
authorize(void *arg, struct integ_request *rq, int renew,
    struct integ_err *e)
{
	struct integ_oauth2 *a = arg;
	const char *sent = NULL;
	char *bearer = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < integ_request_nheaders(rq); i++)
		if (strcasecmp(integ_request_header_name(rq, i),
		    "Authorization") == 0)
			sent = integ_request_header_value(rq, i);
	pthread_mutex_lock(&a->mu);
	/* refused: unless another transfer has renewed it meanwhile */
	if (renew && a->bearer != NULL && sent != NULL &&
	    strcmp(sent, a->bearer) == 0) {
		free_secret(a->bearer);
		a->bearer = NULL;
	}
	/*
	 * A failed fetch (its retries spent) fails the transfers that
	 * waited for it too, at once, rather than each trying again.
	 */
	if (a->failed.code != 0) {
		*e = a->failed;
		rc = e->code;
	} else if (a->bearer == NULL ||
	    (a->renew_at > 0 && integ_time_now() >= a->renew_at)) {
		if ((rc = fetch(a, e)) != 0 && rc < INTEG_EXIT_SIGNAL)
			a->failed = *e;
	}
	if (rc == 0)
		bearer = integ_xstrdup(a->bearer);
	pthread_mutex_unlock(&a->mu);
	if (rc == 0)
		integ_request_header(rq, "Authorization", bearer, 1);
	free_secret(bearer);
	return rc;
}

void
integ_oauth2_attach(struct integ_oauth2 *a, struct integ_http *h)
{
	a->h = h;
	integ_http_set_auth(h, authorize, a);
}

int
integ_oauth2_secret_arg(const char *what, const char *arg, char **out,
    struct integ_err *e)
{
	struct integ_buf b;
	int rc, secret;

	*out = NULL;
	if (arg[0] == '@') {
		if ((rc = integ_file_read(arg + 1, SECRET_FILE_MAX, &b, e)) != 0)
			return integ_err_wrap(e, rc, "%s", what);
		while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
		    b.data[b.len - 1] == '\r'))
			b.data[--b.len] = '\0';
		if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL) {
			integ_buf_free(&b);
			return integ_errf(e, INTEG_EXIT_CONFIG, "%s %s: empty, "
			    "or not text", what, arg);
		}
		integ_secret_add(b.data);
		*out = integ_buf_take(&b);
		return 0;
	}
	if (strstr(arg, "${") == NULL)
		return integ_errf(e, INTEG_EXIT_USAGE, "%s: a secret is never "
		    "taken from the command line: give '${VAR}' or @FILE",
		    what);
	if ((rc = integ_env_expand(arg, out, &secret, e)) != 0)
		return integ_err_wrap(e, rc, "%s", what);
	if (**out == '\0') {
		free(*out);
		*out = NULL;
		return integ_errf(e, INTEG_EXIT_CONFIG, "%s: empty", what);
	}
	return 0;
}
