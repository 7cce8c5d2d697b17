/*
 * url.c: absolute and relative URLs, origins, query parameters.
 *
 * Parsing is libcurl's URL API; the rules are ours: only http and https
 * anywhere, an origin is (scheme, host, port) with the default port made
 * explicit, and a query parameter set again replaces the earlier one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "integ.h"

static int
unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int
integ_url_encode(struct integ_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	char pct[3];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c)) {
			if (integ_buf_addc(b, c) == -1)
				return -1;
			continue;
		}
		pct[0] = '%';
		pct[1] = hex[c >> 4];
		pct[2] = hex[c & 15];
		if (integ_buf_add(b, pct, 3) == -1)
			return -1;
	}
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode a query component (percent escapes, '+' as space). */
static char *
qdecode(const char *s, size_t n)
{
	char *out = integ_xmalloc(n + 1), *o = out;
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n &&
		    (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static int
scheme_ok(const char *scheme)
{
	return strcasecmp(scheme, "http") == 0 ||
	    strcasecmp(scheme, "https") == 0;
}

/*
 * A password in the text of a URL, registered before the URL is parsed:
 * a URL that does not parse is quoted in the error.
 */
static void
userinfo_text(const char *url)
{
	const char *p, *end, *at, *colon;
	char *user, *pass;

	if ((p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (at = NULL, colon = p; colon < end; colon++)
		if (*colon == '@')
			at = colon;
	if (at == NULL || (colon = memchr(p, ':', (size_t)(at - p))) == NULL)
		return;
	user = integ_xstrndup(p, (size_t)(colon - p));
	pass = integ_xstrndup(colon + 1, (size_t)(at - colon - 1));
	integ_secret_add_userinfo(user, pass);
	explicit_bzero(pass, strlen(pass));
	free(pass);
	free(user);
}

/* Parse url (resolved against base when base is not NULL). */
static int
parse(CURLU **up, const char *base, const char *url, struct integ_err *e)
{
	CURLU *u;
	CURLUcode uc;
	char *scheme = NULL, esc[256];
	int rc = 0;

	userinfo_text(url);
	if (base != NULL)
		userinfo_text(base);
	integ_secret_escape(esc, sizeof(esc), url, strlen(url));
	if ((u = curl_url()) == NULL)
		return integ_errf(e, INTEG_EXIT_FAIL, "%s: out of memory", esc);
	if (base != NULL && (uc = curl_url_set(u, CURLUPART_URL, base,
	    CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK) {
		integ_secret_escape(esc, sizeof(esc), base, strlen(base));
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: bad URL: %s", esc,
		    curl_url_strerror(uc));
		goto out;
	}
	if ((uc = curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK) {
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: bad URL: %s", esc,
		    curl_url_strerror(uc));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    !scheme_ok(scheme)) {
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL,
		    "%s: refused: only http and https URLs are followed", esc);
		goto out;
	}
	if (base == NULL && strncasecmp(url, scheme, strlen(scheme)) != 0) {
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL,
		    "%s: not an absolute URL", esc);
		goto out;
	}
out:
	curl_free(scheme);
	if (rc != 0) {
		curl_url_cleanup(u);
		u = NULL;
	}
	*up = u;
	return rc;
}

/*
 * Register the userinfo's secrets, as written or decoded: the password,
 * and "user:password" and its base64, which Basic authentication sends.
 */
static void
userinfo(CURLU *u, unsigned int flags)
{
	char *user = NULL, *pass = NULL;

	if (curl_url_get(u, CURLUPART_PASSWORD, &pass, flags) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_USER, &user, flags) != CURLUE_OK)
			user = NULL;
		integ_secret_add_userinfo(user, pass);
		explicit_bzero(pass, strlen(pass));
	}
	curl_free(user);
	curl_free(pass);
}

int
integ_url_resolve(const char *base, const char *ref, char **out,
    struct integ_err *e)
{
	CURLU *u;
	char *s;
	int rc;

	*out = NULL;
	if ((rc = parse(&u, base, ref, e)) != 0)
		return rc;
	/* a password in the URL (user:password@host) is a secret too */
	userinfo(u, 0);
	userinfo(u, CURLU_URLDECODE);
	if (curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return integ_errf(e, INTEG_EXIT_PROTOCOL, "bad URL");
	}
	*out = integ_xstrdup(s);
	curl_free(s);
	curl_url_cleanup(u);
	return 0;
}

int
integ_url_origin(const char *url, char *buf, size_t sz)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL, *p;
	int rc = -1;

	if (parse(&u, NULL, url, NULL) != 0)
		return -1;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		for (p = scheme; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (p = host; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if ((size_t)snprintf(buf, sz, "%s://%s:%s", scheme, host,
		    port) < sz)
			rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int
integ_url_same_origin(const char *a, const char *b)
{
	char oa[512], ob[512];

	if (integ_url_origin(a, oa, sizeof(oa)) == -1 ||
	    integ_url_origin(b, ob, sizeof(ob)) == -1)
		return 0;
	return strcmp(oa, ob) == 0;
}

int
integ_url_query_set(const char *url, const char *name, const char *value,
    char **out, struct integ_err *e)
{
	CURLU *u;
	struct integ_buf q;
	char *query = NULL, *s, *p, *amp, *eq, *k;
	int rc;

	*out = NULL;
	if ((rc = parse(&u, NULL, url, e)) != 0)
		return rc;
	integ_buf_init(&q, 0);
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		for (p = query; *p != '\0'; p = *amp ? amp + 1 : amp) {
			amp = p + strcspn(p, "&");
			eq = memchr(p, '=', (size_t)(amp - p));
			k = qdecode(p, (size_t)((eq ? eq : amp) - p));
			if (amp > p && strcmp(k, name) != 0) {
				if (q.len > 0)
					integ_buf_addc(&q, '&');
				integ_buf_add(&q, p, (size_t)(amp - p));
			}
			free(k);
		}
	}
	curl_free(query);
	if (q.len > 0)
		integ_buf_addc(&q, '&');
	integ_url_encode(&q, name, strlen(name));
	integ_buf_addc(&q, '=');
	integ_url_encode(&q, value, strlen(value));
	if (curl_url_set(u, CURLUPART_QUERY, q.data, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		rc = integ_errf(e, INTEG_EXIT_USAGE, "cannot set query %s",
		    name);
	} else {
		*out = integ_xstrdup(s);
		curl_free(s);
	}
	integ_buf_free(&q);
	curl_url_cleanup(u);
	return rc;
}
