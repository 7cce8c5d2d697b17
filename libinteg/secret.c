/*
 * secret.c: the registry of secret values and masking.
 *
 * A secret leaks in more shapes than the one it was given in: a token put
 * into a query string is percent-encoded, and a log line may show either.
 * Each value is registered with its encoded forms, longest first, so a
 * longer form is masked before a shorter one can cut it in half.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static char	**forms;
static size_t	  nforms;
static int	  nsecrets;

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

static void
addform(char *f)
{
	size_t i, len = strlen(f);

	for (i = 0; i < nforms; i++) {
		if (strcmp(forms[i], f) == 0) {
			free(f);
			return;
		}
	}
	forms = integ_xreallocarray(forms, nforms + 1, sizeof(*forms));
	/* keep longest first */
	for (i = nforms; i > 0 && strlen(forms[i - 1]) < len; i--)
		forms[i] = forms[i - 1];
	forms[i] = f;
	nforms++;
}

void
integ_secret_addn(const char *s, size_t n)
{
	if (n == 0)
		return;
	nsecrets++;
	addform(integ_xstrndup(s, n));
	addform(pctencode(s, n, 0, 0));
	addform(pctencode(s, n, 1, 0));
	addform(pctencode(s, n, 0, 1));
	addform(pctencode(s, n, 1, 1));
}

void
integ_secret_add(const char *s)
{
	if (s != NULL)
		integ_secret_addn(s, strlen(s));
}

int
integ_secret_count(void)
{
	return nsecrets;
}

void
integ_secret_clear(void)
{
	size_t i;

	for (i = 0; i < nforms; i++) {
		explicit_bzero(forms[i], strlen(forms[i]));
		free(forms[i]);
	}
	free(forms);
	forms = NULL;
	nforms = 0;
	nsecrets = 0;
}

/* The length of the longest secret form at p, or 0. */
static size_t
match(const char *p, size_t left)
{
	size_t i, len;

	for (i = 0; i < nforms; i++) {
		len = strlen(forms[i]);
		if (len <= left && memcmp(p, forms[i], len) == 0)
			return len;
	}
	return 0;
}

int
integ_secret_in(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && nforms > 0; i++)
		if (match(s + i, n - i))
			return 1;
	return 0;
}

char *
integ_maskn(const char *s, size_t n)
{
	struct integ_buf b;
	size_t i, m;

	integ_buf_init(&b, SIZE_MAX - 1);
	integ_buf_reserve(&b, n);
	for (i = 0; i < n; ) {
		if (nforms > 0 && (m = match(s + i, n - i)) > 0) {
			integ_buf_add(&b, "***", 3);
			i += m;
		} else {
			integ_buf_add(&b, s + i, 1);
			i++;
		}
	}
	return integ_buf_take(&b);
}

char *
integ_mask(const char *s)
{
	return integ_maskn(s, strlen(s));
}
