/* buf.c: a growable byte buffer that never grows past its cap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

void
integ_buf_init(struct integ_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : INTEG_BUF_MAX_DEFAULT;
}

/* Room for n more bytes and the terminating NUL. */
int
integ_buf_reserve(struct integ_buf *b, size_t n)
{
	size_t want, cap;

	if (n > b->max || b->len > b->max - n) {
		errno = EMSGSIZE;
		return -1;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	b->data = integ_xreallocarray(b->data, cap, 1);
	b->cap = cap;
	b->data[b->len] = '\0';	/* as promised, even before the first add */
	return 0;
}

int
integ_buf_add(struct integ_buf *b, const void *p, size_t n)
{
	if (integ_buf_reserve(b, n) == -1)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
integ_buf_addc(struct integ_buf *b, int c)
{
	char ch = (char)c;

	return integ_buf_add(b, &ch, 1);
}

int
integ_buf_adds(struct integ_buf *b, const char *s)
{
	return integ_buf_add(b, s, strlen(s));
}

int
integ_buf_printf(struct integ_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || integ_buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Drop the first n bytes (a consumed prefix). */
void
integ_buf_consume(struct integ_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data)
		b->data[b->len] = '\0';
}

void
integ_buf_reset(struct integ_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
integ_buf_free(struct integ_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *
integ_buf_take(struct integ_buf *b)
{
	char *p = b->data;

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
