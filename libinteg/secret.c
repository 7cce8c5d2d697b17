/*
 * secret.c: the registry of secret values, masking, and cutting a text
 * short without letting part of a secret through.
 *
 * A secret leaks in more shapes than the one it was given in: a token put
 * into a query string is percent-encoded, and a log line may show either.
 * Each value is registered with its encoded forms, longest first, so a
 * longer form is masked before a shorter one can cut it in half.
 *
 * A text is masked before it is cut, never after: a secret that straddles
 * the cut would no longer match, and its first half would be shown. And
 * the first PREFIX_MIN or more bytes of a secret are masked wherever the
 * rest does not follow: a text cut short here, or a server that echoed
 * only the start of a header (at the end of its body or not).
 */
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "http_int.h"

/* A shorter start of a secret is shown: it tells little, and is common. */
#define PREFIX_MIN	8

struct form {
	char	*s;
	size_t	 len;
};

/*
 * Secrets are registered before threads start, mostly; a URL's password
 * may come later, from a link a worker thread follows.
 */
static pthread_rwlock_t	 lock = PTHREAD_RWLOCK_INITIALIZER;
static struct form	*forms;
static size_t		 nforms;
static int		 nsecrets;

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Percent-encode s; hex in upper or lower case, space as '+' if plus. */
static char *
pctencode(const char *s, size_t n, int lower, int plus)
{
	const char *hex = lower ? "0123456789abcdef" : "0123456789ABCDEF";
	char *out = integ_xmalloc(n * 3 + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c)) {
			*o++ = (char)c;
		} else if (c == ' ' && plus) {
			*o++ = '+';
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* RFC 4648 base64 with padding, as an Authorization: Basic value has it. */
static char *
base64(const char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	char *out = integ_xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	unsigned long v;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 |
		    p[i + 2];
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
		*o++ = tab[v & 63];
	}
	if (i < n) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *
integ_secret_base64(const char *s, size_t n)
{
	return base64(s, n);
}

static void
addform(char *f)
{
	size_t i, len = strlen(f);

	for (i = 0; i < nforms; i++) {
		if (strcmp(forms[i].s, f) == 0) {
			explicit_bzero(f, len);
			free(f);
			return;
		}
	}
	forms = integ_xreallocarray(forms, nforms + 1, sizeof(*forms));
	/* keep longest first */
	for (i = nforms; i > 0 && forms[i - 1].len < len; i--)
		forms[i] = forms[i - 1];
	forms[i].s = f;
	forms[i].len = len;
	nforms++;
}

/*
 * A process that holds a secret leaves no core file (and, on Linux, no
 * ptrace or /proc/PID/mem access for its user): the secret is in memory.
 */
static void
nodump(void)
{
	struct rlimit rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
#ifdef __linux__
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

void
integ_secret_addn(const char *s, size_t n)
{
	if (n == 0)
		return;
	pthread_rwlock_wrlock(&lock);
	if (nsecrets++ == 0)
		nodump();
	addform(integ_xstrndup(s, n));
	addform(pctencode(s, n, 0, 0));
	addform(pctencode(s, n, 1, 0));
	addform(pctencode(s, n, 0, 1));
	addform(pctencode(s, n, 1, 1));
	pthread_rwlock_unlock(&lock);
}

void
integ_secret_add(const char *s)
{
	if (s != NULL)
		integ_secret_addn(s, strlen(s));
}

void
integ_secret_add_userinfo(const char *user, const char *password)
{
	char *ui, *b;

	if (password == NULL || *password == '\0')
		return;
	integ_secret_add(password);
	integ_xasprintf(&ui, "%s:%s", user != NULL ? user : "", password);
	integ_secret_add(ui);
	/* what "Authorization: Basic" carries, and a server may echo */
	b = base64(ui, strlen(ui));
	integ_secret_add(b);
	explicit_bzero(b, strlen(b));
	free(b);
	explicit_bzero(ui, strlen(ui));
	free(ui);
}

int
integ_secret_count(void)
{
	int n;

	pthread_rwlock_rdlock(&lock);
	n = nsecrets;
	pthread_rwlock_unlock(&lock);
	return n;
}

void
integ_secret_clear(void)
{
	size_t i;

	pthread_rwlock_wrlock(&lock);
	for (i = 0; i < nforms; i++) {
		explicit_bzero(forms[i].s, forms[i].len);
		free(forms[i].s);
	}
	free(forms);
	forms = NULL;
	nforms = 0;
	nsecrets = 0;
	pthread_rwlock_unlock(&lock);
}

/*
 * The length of the longest secret form at p, or 0. With part, a start of
 * a form of PREFIX_MIN bytes or more counts too: the rest of it was cut
 * off, here or by whoever echoed it.
 */
static size_t
match(const char *p, size_t left, int part)
{
	size_t i, k, best = 0;

	for (i = 0; i < nforms; i++) {
		if (p[0] != forms[i].s[0])
			continue;
		/* longest first: a part of an earlier form may be longer */
		if (forms[i].len <= left &&
		    memcmp(p, forms[i].s, forms[i].len) == 0)
			return forms[i].len > best ? forms[i].len : best;
		if (!part)
			continue;
		for (k = 1; k < forms[i].len && k < left &&
		    p[k] == forms[i].s[k]; k++)
			;
		if (k >= PREFIX_MIN && k > best)
			best = k;
	}
	return best;
}

int
integ_secret_in(const char *s, size_t n)
{
	size_t i;
	int in = 0;

	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < n && nforms > 0 && !in; i++)
		in = match(s + i, n - i, 0) > 0;
	pthread_rwlock_unlock(&lock);
	return in;
}

char *
integ_secret_maskn(const char *s, size_t n)
{
	struct integ_buf b;
	size_t i, m;

	integ_buf_init(&b, SIZE_MAX - 1);
	integ_buf_reserve(&b, n);
	pthread_rwlock_rdlock(&lock);
	for (i = 0; i < n; ) {
		if (nforms > 0 && (m = match(s + i, n - i, 1)) > 0) {
			integ_buf_add(&b, "***", 3);
			i += m;
		} else {
			integ_buf_add(&b, s + i, 1);
			i++;
		}
	}
	pthread_rwlock_unlock(&lock);
	return integ_buf_take(&b);
}

char *
integ_secret_mask(const char *s)
{
	return integ_secret_maskn(s, strlen(s));
}

/* How one byte is shown: itself, or an escape of up to 4 characters. */
static size_t
escape1(char out[5], unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '\n': memcpy(out, "\\n", 2); return 2;
	case '\r': memcpy(out, "\\r", 2); return 2;
	case '\t': memcpy(out, "\\t", 2); return 2;
	case '\\': memcpy(out, "\\\\", 2); return 2;
	case '"':  memcpy(out, "\\\"", 2); return 2;
	}
	if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
	return 4;
}

/*
 * The next piece of s[i..n): "***" for a secret, else one byte (escaped
 * when esc). Its text goes to out, its length is returned, and *adv is
 * how many bytes of s it stands for. Matching looks at the whole rest of
 * s, however much of it is kept: that is what "mask, then cut" means.
 */
static size_t
piece(char out[5], const unsigned char *s, size_t i, size_t n, int esc,
    size_t *adv)
{
	size_t m;

	if (nforms > 0 && (m = match((const char *)s + i, n - i, 1)) > 0) {
		*adv = m;
		memcpy(out, "***", 3);
		return 3;
	}
	*adv = 1;
	if (esc)
		return escape1(out, s[i]);
	out[0] = (char)s[i];
	return 1;
}

size_t
integ_secret_mask_cut(char *dst, size_t dstsz, const void *src, size_t len,
    int flags)
{
	const unsigned char *s = src;
	const int esc = (flags & INTEG_CUT_ESCAPE) != 0;
	size_t i, o, n, adv, total, room;
	char one[5];

	if (dstsz == 0)
		return 0;
	pthread_rwlock_rdlock(&lock);
	/* does all of it fit? */
	for (i = 0, total = 0; i < len && total < dstsz; i += adv)
		total += piece(one, s, i, len, esc, &adv);
	room = i == len && total < dstsz ? dstsz - 1 :
	    dstsz > 4 ? dstsz - 4 : 0;
	/*
	 * A cut falls between pieces, and a piece that begins a secret is
	 * "***" whole: no part of a secret is left at the end.
	 */
	for (i = 0, o = 0; i < len; i += adv) {
		n = piece(one, s, i, len, esc, &adv);
		if (o + n > room)
			break;
		memcpy(dst + o, one, n);
		o += n;
	}
	if (i < len && dstsz > 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	pthread_rwlock_unlock(&lock);
	dst[o] = '\0';
	return o;
}

size_t
integ_secret_escape(char *dst, size_t dstsz, const void *src, size_t len)
{
	return integ_secret_mask_cut(dst, dstsz, src, len, INTEG_CUT_ESCAPE);
}
