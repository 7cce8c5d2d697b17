/*
 * buf_int.h: what the formats share inside libinteg. Not installed.
 */
#ifndef BUF_INT_H
#define BUF_INT_H

#include <string.h>

#include "integ.h"

/*
 * Append n pieces with one reservation: a record's message is a few
 * fixed strings around the stream name, the record and a time. Inline,
 * so that the copies of a constant n are unrolled on the hot path.
 */
static inline int
integ_buf_addv(struct integ_buf *b, const struct integ_json_span *v, size_t n)
{
	size_t i, len = 0;
	char *o;

#pragma GCC unroll 8
	for (i = 0; i < n; i++)
		len += v[i].len;
	if (integ_buf_reserve(b, len) == -1)
		return -1;
	o = b->data + b->len;
#pragma GCC unroll 8
	for (i = 0; i < n; i++) {
		memcpy(o, v[i].p, v[i].len);
		o += v[i].len;
	}
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

/* A message that does not fit its buffer: 65, said the same in every format. */
int	 integ_format_too_large(struct integ_err *);

/* A piece of fixed text, for integ_buf_addv. */
#define INTEG_SPAN_LIT(lit)	{ (lit), sizeof(lit) - 1 }

/* A record's message, its pieces added at once; 0 or 65. */
static inline int
integ_format_pieces(struct integ_buf *b, const struct integ_json_span *v,
    size_t n, struct integ_err *e)
{
	if (integ_buf_addv(b, v, n) == -1)
		return integ_format_too_large(e);
	return 0;
}

#endif /* BUF_INT_H */
