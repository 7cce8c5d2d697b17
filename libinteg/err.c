/*
 * err.c: recoverable errors. A message is masked, then cut to fit (see
 * secret.c): cut first, a secret across the end would show its first part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static void
set(struct integ_err *e, const char *fmt, va_list ap)
{
	char *s;
	int n;

	n = integ_xvasprintf(&s, fmt, ap);
	integ_secret_mask_cut(e->msg, sizeof(e->msg), s, (size_t)n, 0);
	explicit_bzero(s, (size_t)n);
	free(s);
}

int
integ_errf(struct integ_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	set(e, fmt, ap);
	va_end(ap);
	return code;
}

int
integ_err_wrap(struct integ_err *e, int code, const char *fmt, ...)
{
	char *what, why[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return code;
	va_start(ap, fmt);
	integ_xvasprintf(&what, fmt, ap);
	va_end(ap);
	strlcpy(why, e->msg, sizeof(why));
	integ_errf(e, code, "%s: %s", what, why);
	free(what);
	return code;
}

void
integ_err_clear(struct integ_err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->msg[0] = '\0';
}
