/*
 * http.c: the client. Its pool is a free list of libcurl easy handles,
 * each keeping its own keep-alive connections: a transfer takes the
 * handle used last (so one transfer at a time runs on one connection for
 * the whole run) and gives it back. The handles share DNS and TLS
 * sessions through one libcurl share; not connections, which libcurl does
 * not support sharing between threads that run transfers concurrently.
 * integ_http_get() is the policy: request budget, the doer, retries,
 * redirects, credentials.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "integ.h"
#include "http_int.h"
#include "test_int.h"

#define MAX_HANDLES	64

struct integ_http {
	struct integ_http_opts	 o;
	integ_http_doer_fn	*doer;
	void			*doer_arg;
	integ_http_auth_fn	*auth;
	void			*auth_arg;
	CURLSH			*share;
	pthread_mutex_t		 shlock[CURL_LOCK_DATA_LAST];
	pthread_mutex_t		 mu;
	CURL			*handles[MAX_HANDLES];
	size_t			 nhandles;
	char			**trusted;
	size_t			 ntrusted;
	double			 next_slot;	/* --rate: next request's time */
	double			 not_before;	/* a rate-limit window's reset */
	int			 cancel;
	struct integ_http_stats	 st;
	double			 scale;
	char			*user_agent;	/* owned copies of o's strings */
	char			*cacert;
};

struct integ_rate {
	double	 rate;		/* requests per second */
	double	 next_slot;	/* under the client's lock */
};

struct integ_rate *
integ_http_rate_new(double per_second)
{
	struct integ_rate *r = integ_xcalloc(1, sizeof(*r));

	r->rate = per_second;
	return r;
}

void
integ_http_rate_free(struct integ_rate *r)
{
	free(r);
}

void
integ_http_opts_init(struct integ_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->retries = 5;
	o->retry_max_time = 300;
	o->connect_timeout = 10;
	o->stall_timeout = 60;
	o->speed_limit = INTEG_HTTP_SPEED_LIMIT;
	o->max_body = INTEG_BUF_MAX_DEFAULT;
	o->max_redirects = 10;
}

static void
sh_lock(CURL *c, curl_lock_data d, curl_lock_access a, void *arg)
{
	struct integ_http *h = arg;

	pthread_mutex_lock(&h->shlock[d]);
}

static void
sh_unlock(CURL *c, curl_lock_data d, void *arg)
{
	struct integ_http *h = arg;

	pthread_mutex_unlock(&h->shlock[d]);
}

int
integ_http_new(const struct integ_http_opts *o, struct integ_http **out,
    struct integ_err *e)
{
	struct integ_http *h;
	int i;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return integ_errf(e, INTEG_EXIT_FAIL, "libcurl: cannot start");
	h = integ_xcalloc(1, sizeof(*h));
	if (o != NULL)
		h->o = *o;
	else
		integ_http_opts_init(&h->o);
	if (h->o.max_body == 0)
		h->o.max_body = INTEG_BUF_MAX_DEFAULT;
	/* the caller's strings may not outlive this call: keep copies */
	if (h->o.user_agent != NULL)
		h->o.user_agent = h->user_agent = integ_xstrdup(h->o.user_agent);
	if (h->o.cacert != NULL)
		h->o.cacert = h->cacert = integ_xstrdup(h->o.cacert);
	h->doer = integ_http_doer_curl;
	h->scale = integ_time_scale();
	pthread_mutex_init(&h->mu, NULL);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&h->shlock[i], NULL);
	h->share = curl_share_init();
	curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, sh_lock);
	curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, sh_unlock);
	curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	if (h->o.insecure)
		integ_log(INTEG_LOG_WARN, "--insecure: TLS certificates are "
		    "not verified; anyone on the path can read and change "
		    "this traffic, credentials included");
	*out = h;
	return 0;
}

void
integ_http_free(struct integ_http *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nhandles; i++)
		curl_easy_cleanup(h->handles[i]);
	curl_share_cleanup(h->share);
	for (i = 0; i < h->ntrusted; i++)
		free(h->trusted[i]);
	free(h->trusted);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&h->shlock[i]);
	pthread_mutex_destroy(&h->mu);
	free(h->user_agent);
	free(h->cacert);
	free(h);
	curl_global_cleanup();
}

void
integ_http_set_doer(struct integ_http *h, integ_http_doer_fn *fn, void *arg)
{
	h->doer = fn != NULL ? fn : integ_http_doer_curl;
	h->doer_arg = fn != NULL ? arg : NULL;
}

void
integ_http_set_auth(struct integ_http *h, integ_http_auth_fn *fn, void *arg)
{
	h->auth = fn;
	h->auth_arg = arg;
}

const struct integ_http_opts *
integ_http_options(const struct integ_http *h)
{
	return &h->o;
}

int
integ_http_trust(struct integ_http *h, const char *url, struct integ_err *e)
{
	char o[512], esc[300];
	size_t i;

	if (integ_url_origin(url, o, sizeof(o)) == -1) {
		integ_secret_escape(esc, sizeof(esc), url, strlen(url));
		return integ_errf(e, INTEG_EXIT_USAGE, "%s: bad URL", esc);
	}
	pthread_mutex_lock(&h->mu);
	for (i = 0; i < h->ntrusted; i++)
		if (strcmp(h->trusted[i], o) == 0)
			break;
	if (i == h->ntrusted) {
		h->trusted = integ_xreallocarray(h->trusted, h->ntrusted + 1,
		    sizeof(*h->trusted));
		h->trusted[h->ntrusted++] = integ_xstrdup(o);
	}
	pthread_mutex_unlock(&h->mu);
	return 0;
}

int
integ_http_trusted(const struct integ_http *h, const char *url)
{
	char o[512];
	size_t i;

	if (integ_url_origin(url, o, sizeof(o)) == -1)
		return 0;
	for (i = 0; i < h->ntrusted; i++)
		if (strcmp(h->trusted[i], o) == 0)
			return 1;
	return 0;
}

void
integ_http_cancel(struct integ_http *h)
{
	__atomic_store_n(&h->cancel, 1, __ATOMIC_SEQ_CST);
}

int
integ_http_cancelled(struct integ_http *h)
{
	return __atomic_load_n(&h->cancel, __ATOMIC_SEQ_CST);
}

void
integ_http_stats(struct integ_http *h, struct integ_http_stats *st)
{
	pthread_mutex_lock(&h->mu);
	*st = h->st;
	pthread_mutex_unlock(&h->mu);
}

/* Why an interrupted wait or transfer stopped. */
static int
stop_code(struct integ_http *h)
{
	int sig;

	if ((sig = integ_signal_caught()) != 0)
		return INTEG_EXIT_SIGNAL + sig;
	if (integ_http_cancelled(h))
		return INTEG_EXIT_FAIL;
	return 0;
}

/* Sleep secs (already scaled) in short steps; a signal or cancel ends it. */
int
integ_http_sleep(struct integ_http *h, double secs)
{
	double until = integ_time_now() + secs, left;
	struct timespec ts;
	int rc;

	while ((left = until - integ_time_now()) > 0) {
		if ((rc = stop_code(h)) != 0)
			return rc;
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	return stop_code(h);
}

/* ---- the libcurl doer ---- */

/*
 * Response headers are bounded below libcurl's own bound on their total
 * (300 KiB in 7.88 and later) by more than its bound on one line
 * (CURL_MAX_HTTP_HEADER), so ours is met first and the failure is ours
 * to name: a server that sends that much broke the contract.
 */
#define MAX_HEADERS	(192 * 1024)

struct xfer {
	struct integ_http	*h;
	struct integ_response	*rs;
	double			 last;		/* time of the last progress */
	curl_off_t		 seen;
	double			 wstart;	/* the speed window's start */
	curl_off_t		 wseen;		/* bytes at its start */
	size_t			 hbytes;	/* header bytes received */
	int			 hdr_end;	/* the blank line that ends them */
	int			 stalled;
	int			 slow;
	int			 hdrbig;
	int			 toobig;
	int			 writefail;
};

static CURL *
take_handle(struct integ_http *h)
{
	CURL *c = NULL;

	pthread_mutex_lock(&h->mu);
	if (h->nhandles > 0)
		c = h->handles[--h->nhandles];
	pthread_mutex_unlock(&h->mu);
	if (c == NULL && (c = curl_easy_init()) == NULL)
		return NULL;
	return c;
}

static void
give_handle(struct integ_http *h, CURL *c)
{
	pthread_mutex_lock(&h->mu);
	if (h->nhandles < MAX_HANDLES) {
		h->handles[h->nhandles++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&h->mu);
	if (c != NULL)
		curl_easy_cleanup(c);
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct integ_response *rs = x->rs;
	size_t len = size * n, nl, vl;
	const char *colon, *v;
	struct integ_header *last;
	char *nv;

	if ((x->hbytes += len) > MAX_HEADERS) {
		x->hdrbig = 1;
		return 0;
	}
	nl = len;
	while (nl > 0 && (p[nl - 1] == '\n' || p[nl - 1] == '\r'))
		nl--;
	if (nl >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue, or a proxy's) */
		const char *sp = memchr(p, ' ', nl);

		while (rs->nhdrs > 0) {
			rs->nhdrs--;
			free(rs->hdrs[rs->nhdrs].name);
			free(rs->hdrs[rs->nhdrs].value);
		}
		rs->status = sp != NULL ? strtol(sp + 1, NULL, 10) : 0;
		x->hdr_end = 0;
		return len;
	}
	if (nl == 0) {
		/* only this line says the headers came whole */
		x->hdr_end = 1;
		return len;
	}
	if ((p[0] == ' ' || p[0] == '\t') && rs->nhdrs > 0) {
		/* obsolete line folding: a continuation of the last header */
		last = &rs->hdrs[rs->nhdrs - 1];
		while (nl > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			nl--;
		}
		integ_xasprintf(&nv, "%s %.*s", last->value, (int)nl, p);
		free(last->value);
		last->value = nv;
		return len;
	}
	if ((colon = memchr(p, ':', nl)) == NULL)
		return len;
	v = colon + 1;
	vl = nl - (size_t)(v - p);
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (integ_response_add_header(rs, p, (size_t)(colon - p), v, vl) == -1)
		return 0;
	/* room for the whole body at once (not when it is compressed) */
	if ((size_t)(colon - p) == 14 && strncasecmp(p, "Content-Length", 14) == 0 &&
	    x->h->o.stream == NULL) {
		unsigned long long cl = strtoull(v, NULL, 10);

		if (cl > 0 && cl <= x->h->o.max_body && cl < (1ULL << 30))
			integ_buf_reserve(&rs->body, (size_t)cl);
	}
	return len;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct integ_response *rs = x->rs;
	FILE *fp = x->h->o.stream;
	size_t len = size * n;

	__atomic_fetch_add(&x->h->st.bytes, len, __ATOMIC_RELAXED);
	if (fp != NULL && rs->status >= 200 && rs->status < 300) {
		if (fwrite(p, 1, len, fp) != len) {
			x->writefail = errno ? errno : EIO;
			return 0;
		}
		rs->streamed += len;
		return len;
	}
	if (integ_buf_add(&rs->body, p, len) == -1) {
		x->toobig = 1;
		return 0;
	}
	return len;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = arg;
	double now = integ_time_now();

	if (stop_code(x->h) != 0)
		return 1;
	if (dlnow != x->seen) {
		/* the speed floor counts from the first byte: waiting for
		 * it is the no-progress rule's business */
		if (x->wstart == 0)
			x->wstart = now;
		x->seen = dlnow;
		x->last = now;
	} else if (x->h->o.stall_timeout > 0 &&
	    now - x->last > x->h->o.stall_timeout) {
		x->stalled = 1;
		return 1;
	}
	/*
	 * A transfer that trickles makes progress but may never end: over
	 * each window of stall_timeout it must average speed_limit.
	 */
	if (x->h->o.speed_limit > 0 && x->h->o.stall_timeout > 0 &&
	    x->wstart > 0 && now - x->wstart >= x->h->o.stall_timeout) {
		if ((double)(dlnow - x->wseen) <
		    x->h->o.speed_limit * (now - x->wstart)) {
			x->slow = 1;
			return 1;
		}
		x->wstart = now;
		x->wseen = dlnow;
	}
	return 0;
}

static long
ms(double s)
{
	return s > 0 ? (long)ceil(s * 1000) : 0;
}

/* "GET url" for messages, the URL escaped. */
static void
method_url(char *dst, size_t dstsz, const struct integ_request *rq,
    const char *url)
{
	const char *m = integ_request_method_name(rq);
	size_t n = strlen(m) + 1;

	snprintf(dst, dstsz, "%s ", m);
	if (n < dstsz)
		integ_secret_escape(dst + n, dstsz - n, url, strlen(url));
}

int
integ_http_doer_curl(void *unused, struct integ_http *h,
    const struct integ_request *rq, struct integ_response *rs,
    struct integ_err *e)
{
	struct curl_slist *hl = NULL, *t;
	struct xfer x;
	char errbuf[CURL_ERROR_SIZE], *line, esc[300];
	const char *url = integ_request_full_url(rq);
	CURL *c;
	CURLcode cc;
	long ver = 0;
	size_t i;
	int rc = 0;

	method_url(esc, sizeof(esc), rq, url);
	if ((c = take_handle(h)) == NULL)
		return integ_errf(e, INTEG_EXIT_FAIL, "%s: libcurl: "
		    "cannot make a handle", esc);
	curl_easy_reset(c);
	memset(&x, 0, sizeof(x));
	x.h = h;
	x.rs = rs;
	x.last = integ_time_now();
	errbuf[0] = '\0';
	for (i = 0; i < rq->nhdr; i++) {
		integ_xasprintf(&line, "%s: %s", rq->hdr[i].name,
		    rq->hdr[i].value);
		if ((t = curl_slist_append(hl, line)) != NULL)
			hl = t;
		explicit_bzero(line, strlen(line));
		free(line);
	}
	if (rq->body != NULL) {
		/* JSON unless the user said otherwise; no 100-continue wait */
		for (i = 0; i < rq->nhdr; i++)
			if (strcasecmp(rq->hdr[i].name, "Content-Type") == 0)
				break;
		if (i == rq->nhdr && (t = curl_slist_append(hl,
		    "Content-Type: application/json")) != NULL)
			hl = t;
		if ((t = curl_slist_append(hl, "Expect:")) != NULL)
			hl = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	if (rq->body != NULL || rq->method != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)rq->bodylen);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    rq->body != NULL ? rq->body : "");
		if (strcmp(integ_request_method_name(rq), "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
			    integ_request_method_name(rq));
	} else
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SHARE, h->share);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, h->o.user_agent != NULL ?
	    h->o.user_agent : "integ/" INTEG_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &x);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms(h->o.connect_timeout));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms(h->o.max_time));
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->o.insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->o.insecure ? 0L : 2L);
	if (h->o.cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->o.cacert);

	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_HTTP_VERSION, &ver);
	switch (ver) {
	case CURL_HTTP_VERSION_1_0: rs->http_version = 10; break;
	case CURL_HTTP_VERSION_1_1: rs->http_version = 11; break;
	case CURL_HTTP_VERSION_2_0: rs->http_version = 20; break;
	case CURL_HTTP_VERSION_3: rs->http_version = 30; break;
	default: rs->http_version = 0; break;
	}
	free(rs->url);
	rs->url = integ_xstrdup(url);
	if (errbuf[0] == '\0')
		strlcpy(errbuf, curl_easy_strerror(cc), sizeof(errbuf));

	/* a line over libcurl's bound is its "out of memory" */
	if (x.hdrbig || (cc == CURLE_OUT_OF_MEMORY && !x.hdr_end)) {
		if (x.hdrbig)
			rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: the "
			    "response headers are larger than %d KiB", esc,
			    MAX_HEADERS / 1024);
		else
			rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: a "
			    "response header line is longer than %d KiB", esc,
			    CURL_MAX_HTTP_HEADER / 1024);
		goto done;
	}
	/* libcurl takes a close inside the headers for their end */
	if (cc == CURLE_OK && (!x.hdr_end || rs->status == 0)) {
		rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s: the connection "
		    "closed before the end of the response headers", esc);
		goto done;
	}
	switch (cc) {
	case CURLE_OK:
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		if (x.stalled)
			rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s: stalled: "
			    "no data for %gs", esc, h->o.stall_timeout);
		else if (x.slow)
			rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s: too "
			    "slow: under %g bytes/s for %gs (--speed-limit)",
			    esc, h->o.speed_limit, h->o.stall_timeout);
		else if ((rc = stop_code(h)) != 0)
			integ_errf(e, rc, "%s: interrupted", esc);
		else
			rc = integ_errf(e, INTEG_EXIT_FAIL, "%s: aborted",
			    esc);
		break;
	case CURLE_WRITE_ERROR:
		if (x.toobig)
			rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: body "
			    "larger than --max-body (%zu bytes)", esc,
			    h->o.max_body);
		else if (x.writefail)
			rc = integ_errf(e, INTEG_EXIT_IO, "write error: %s",
			    strerror(x.writefail));
		else
			rc = integ_errf(e, INTEG_EXIT_FAIL, "%s: %s", esc,
			    errbuf);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		rc = integ_errf(e, INTEG_EXIT_REFUSED, "%s: TLS certificate "
		    "verification failed: %s", esc, errbuf);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		rc = integ_errf(e, INTEG_EXIT_NOINPUT, "--cacert %s: cannot "
		    "use it: %s", h->o.cacert ? h->o.cacert : "", errbuf);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
		rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: %s", esc,
		    errbuf);
		break;
	case CURLE_URL_MALFORMAT:
		rc = integ_errf(e, INTEG_EXIT_USAGE, "%s: %s", esc,
		    errbuf);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP3:
	case CURLE_QUIC_CONNECT_ERROR:
		rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s: %s", esc,
		    errbuf);
		break;
	default:
		rc = integ_errf(e, INTEG_EXIT_FAIL, "%s: %s", esc, errbuf);
		break;
	}
done:
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hl);
	give_handle(h, c);
	return rc;
}

/* ---- the policy: one request done whole ---- */

/*
 * Wait for the request budget: --rate spacing, the request's own rate
 * too, and a rate-limit reset a server announced. waited counts what
 * this request has waited so far.
 */
static int
budget(struct integ_http *h, struct integ_rate *own, const char *esc,
    double *waited, struct integ_err *e)
{
	double now, slot, reset = 0;
	int rc;

	pthread_mutex_lock(&h->mu);
	now = integ_time_now();
	slot = h->next_slot > now ? h->next_slot : now;
	if (own != NULL && own->next_slot > slot)
		slot = own->next_slot;
	if (h->not_before > slot) {
		reset = (h->not_before - slot) / (h->scale > 0 ? h->scale : 1);
		if (*waited + reset > h->o.retry_max_time) {
			pthread_mutex_unlock(&h->mu);
			return integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s: the "
			    "rate limit resets in %.1fs, beyond "
			    "--retry-max-time %gs", esc, reset,
			    h->o.retry_max_time);
		}
		slot = h->not_before;
	}
	if (h->o.rate > 0)
		h->next_slot = slot + h->scale / h->o.rate;
	if (own != NULL)
		own->next_slot = slot + h->scale / own->rate;
	h->st.requests++;
	pthread_mutex_unlock(&h->mu);
	if (reset > 0) {
		integ_log(INTEG_LOG_INFO, "waiting %.2fs for the rate-limit "
		    "reset", reset);
		*waited += reset;
	}
	if (slot > now && (rc = integ_http_sleep(h, slot - now)) != 0)
		return integ_errf(e, rc, "%s: interrupted", esc);
	return 0;
}

/* A server's rate-limit window reset, shared by every transfer. */
static void
set_reset(struct integ_http *h, double wait)
{
	double t;

	pthread_mutex_lock(&h->mu);
	t = integ_time_now() + wait * h->scale;
	if (t > h->not_before)
		h->not_before = t;
	pthread_mutex_unlock(&h->mu);
}

static int
retryable_status(long st)
{
	switch (st) {
	case 408: case 425: case 429: case 500: case 502: case 503: case 504:
		return 1;
	}
	return 0;
}

static int
is_redirect(long st)
{
	return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

/* "GET url: 404: body..." (esc: the method and the URL) */
static int
status_error(struct integ_err *e, int code, const char *esc,
    const struct integ_response *rs, const char *why)
{
	char body[240];

	/* the whole body: masked first, then cut (a secret may cross 240) */
	integ_secret_escape(body, sizeof(body),
	    rs->body.data ? rs->body.data : "", rs->body.len);
	return integ_errf(e, code, "%s: %ld%s%s%s%s", esc, rs->status,
	    why ? " " : "", why ? why : "", body[0] ? ": " : "", body);
}

/* May this URL have the request's secrets? */
static int
trusted_for(const struct integ_http *h, const struct integ_request *rq,
    const char *url, int flags)
{
	if (flags & INTEG_HTTP_OWN_ORIGIN)
		return integ_url_same_origin(url, rq->url);
	return integ_http_trusted(h, url);
}

int
integ_http_get(struct integ_http *h, const struct integ_request *rq,
    struct integ_response *rs, struct integ_err *e)
{
	return integ_http_do(h, rq, rs, 0, e);
}

int
integ_http_do(struct integ_http *h, const struct integ_request *rq,
    struct integ_response *rs, int flags, struct integ_err *e)
{
	struct integ_request *cur;
	struct integ_err xe;
	char esc[300], *next = NULL, **chain = NULL, why[1100];
	const char *loc, *ra;
	double waited = 0, wait, t0;
	int rc, attempt = 0, nredir = 0, nchain = 0, i, authed, renew = 0;
	int retries = rq->retries >= 0 ? rq->retries : h->o.retries;

	cur = integ_request_prepare(rq, NULL,
	    trusted_for(h, rq, integ_request_full_url(rq), flags));
	for (;;) {
		method_url(esc, sizeof(esc), cur, cur->full);
		if ((rc = budget(h, rq->rate, esc, &waited, e)) != 0)
			break;
		/* the authorizer's credentials: where secrets may go */
		authed = h->auth != NULL && !(flags & INTEG_HTTP_NOAUTH) &&
		    integ_http_trusted(h, cur->full);
		if (authed && (rc = h->auth(h->auth_arg, cur, renew == 1,
		    e)) != 0)
			break;
		if (authed && renew == 1)
			renew = 2;
		integ_log(INTEG_LOG_DEBUG, "%s", esc);
		integ_response_reset(rs);
		integ_err_clear(&xe);
		t0 = integ_time_now();
		rc = h->doer(h->doer_arg, h, cur, rs, &xe);
		if (rc == 0)
			integ_log(INTEG_LOG_DEBUG, "%s%ld, %zu bytes in %.3fs",
			    rs->http_version == 20 ? "HTTP/2 " :
			    rs->http_version == 30 ? "HTTP/3 " : "HTTP/1.1 ",
			    rs->status, rs->body.len + rs->streamed,
			    integ_time_now() - t0);
		wait = -1;
		if (rc == INTEG_EXIT_TEMPFAIL) {
			if (rs->streamed > 0) {
				rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%s (after "
				    "%zu bytes were written: not retried)",
				    xe.msg, rs->streamed);
				break;
			}
			strlcpy(why, xe.msg, sizeof(why));
		} else if (rc != 0) {
			*e = xe;
			break;
		} else if (rs->status >= 200 && rs->status < 300) {
			if ((wait = integ_retry_ratelimit_wait(rs,
			    (double)time(NULL))) > 0) {
				integ_log(INTEG_LOG_INFO, "rate limit reached: "
				    "next request in %.2fs", wait);
				set_reset(h, wait);
			}
			rc = 0;
			if (!rq->graphql ||
			    (rc = integ_request_graphql_check(rs, &xe)) == 0)
				break;
			if (rc != INTEG_EXIT_TEMPFAIL) {
				*e = xe;
				break;
			}
			/* a GraphQL rate limit: retried after the reset */
			strlcpy(why, xe.msg, sizeof(why));
		} else if (is_redirect(rs->status) && rq->body != NULL &&
		    (flags & INTEG_HTTP_OWN_ORIGIN)) {
			/* a token request's secrets are not taken elsewhere */
			rc = status_error(e, INTEG_EXIT_PROTOCOL, esc, rs,
			    "redirect of a request with a body: not followed");
			break;
		} else if (is_redirect(rs->status)) {
			if ((loc = integ_response_header(rs, "Location")) ==
			    NULL) {
				rc = status_error(e, INTEG_EXIT_PROTOCOL, esc, rs,
				    "redirect without a Location");
				break;
			}
			if ((rc = integ_url_resolve(cur->full, loc, &next,
			    &xe)) != 0) {
				integ_errf(e, rc, "%s: redirect: %s", esc,
				    xe.msg);
				break;
			}
			if (++nredir > h->o.max_redirects) {
				rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: "
				    "more than %d redirects", esc,
				    h->o.max_redirects);
				break;
			}
			for (i = 0; i < nchain; i++)
				if (strcmp(chain[i], next) == 0)
					break;
			if (i < nchain || strcmp(next, rq->full) == 0) {
				rc = integ_errf(e, INTEG_EXIT_PROTOCOL, "%s: "
				    "redirect loop", esc);
				break;
			}
			chain = integ_xreallocarray(chain, (size_t)nchain + 1,
			    sizeof(*chain));
			chain[nchain++] = next;
			integ_log(INTEG_LOG_DEBUG, "%ld: redirected", rs->status);
			integ_request_free(cur);
			cur = integ_request_prepare(rq, next,
			    trusted_for(h, rq, next, flags));
			/* only 307 and 308 repeat the method and the body */
			if (rs->status != 307 && rs->status != 308)
				integ_request_body_clear(cur);
			next = NULL;
			continue;
		} else if (rs->status == 401 && authed && renew == 0) {
			/* once: a token the server no longer takes */
			integ_log(INTEG_LOG_INFO, "401: renewing the "
			    "credentials, once");
			renew = 1;
			continue;
		} else if (rs->status == 401 || rs->status == 403) {
			rc = status_error(e, INTEG_EXIT_AUTH, esc, rs, NULL);
			break;
		} else if (retryable_status(rs->status)) {
			snprintf(why, sizeof(why), "%s: %ld", esc,
			    rs->status);
			ra = integ_response_header(rs, "Retry-After");
			if ((wait = integ_retry_after(ra,
			    (double)time(NULL))) < 0)
				wait = integ_retry_ratelimit_wait(rs,
				    (double)time(NULL));
			if (wait >= 0 && rs->status == 429)
				set_reset(h, wait);
		} else {
			rc = status_error(e, INTEG_EXIT_REFUSED, esc, rs, NULL);
			break;
		}
		/* a failure worth retrying */
		if (attempt >= retries) {
			if (rs->status != 0 && rc == 0)
				status_error(&xe, INTEG_EXIT_TEMPFAIL, esc, rs, NULL);
			else
				integ_errf(&xe, INTEG_EXIT_TEMPFAIL, "%s", why);
			rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%.900s (gave up "
			    "after %d %s)", xe.msg, retries,
			    retries == 1 ? "retry" : "retries");
			break;
		}
		if (wait < 0)
			wait = integ_retry_backoff(attempt);
		if (waited + wait > h->o.retry_max_time) {
			rc = integ_errf(e, INTEG_EXIT_TEMPFAIL, "%.900s: a wait "
			    "of %.1fs is beyond --retry-max-time %gs", why, wait,
			    h->o.retry_max_time);
			break;
		}
		attempt++;
		pthread_mutex_lock(&h->mu);
		h->st.retries++;
		pthread_mutex_unlock(&h->mu);
		integ_log(INTEG_LOG_INFO, "retry %d/%d in %.2fs: %s", attempt,
		    retries, wait, why);
		waited += wait;
		if ((rc = integ_http_sleep(h, wait * h->scale)) != 0) {
			integ_errf(e, rc, "%s: interrupted", esc);
			break;
		}
	}
	for (i = 0; i < nchain; i++)
		free(chain[i]);
	free(chain);
	free(next);
	integ_request_free(cur);
	return rc;
}

void
integ_http_uncancel(struct integ_http *h)
{
	__atomic_store_n(&h->cancel, 0, __ATOMIC_SEQ_CST);
}
