/* err.c: recoverable errors and escaping of untrusted bytes. */
#include <stdio.h>
#include <string.h>

#include "integ.h"

int
integ_errf(struct integ_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

int
integ_err_wrap(struct integ_err *e, int code, const char *fmt, ...)
{
	char what[256], why[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return code;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	strlcpy(why, e->msg, sizeof(why));
	return integ_errf(e, code, "%s: %s", what, why);
}

void
integ_err_clear(struct integ_err *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->msg[0] = '\0';
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

size_t
integ_escape(char *dst, size_t dstsz, const void *src, size_t len)
{
	const unsigned char *s = src;
	size_t i, o = 0, n, total = 0, room;
	char one[5];

	if (dstsz == 0)
		return 0;
	for (i = 0; i < len && total < dstsz; i++)
		total += escape1(one, s[i]);
	/* all of it, or as much as leaves room for "..." */
	room = total < dstsz ? dstsz - 1 : (dstsz > 4 ? dstsz - 4 : 0);
	for (i = 0; i < len; i++) {
		n = escape1(one, s[i]);
		if (o + n > room)
			break;
		memcpy(dst + o, one, n);
		o += n;
	}
	if (i < len && dstsz > 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}
