/*
 * xmalloc.c: allocation that dies on exhaustion. Running out of memory is
 * the one error the library does not return: every caller would have to
 * invent a way out of a state it cannot recover from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

static void
oom(void)
{
	static const char msg[] = "integ: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(INTEG_EXIT_FAIL);
}

void *
integ_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
integ_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
integ_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p = reallocarray(ptr, nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

char *
integ_xstrdup(const char *s)
{
	return integ_xstrndup(s, strlen(s));
}

char *
integ_xstrndup(const char *s, size_t n)
{
	char *p = integ_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
integ_xvasprintf(char **ret, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		*ret = integ_xstrdup("");
		return 0;
	}
	*ret = integ_xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap);
	return n;
}

int
integ_xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = integ_xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}
