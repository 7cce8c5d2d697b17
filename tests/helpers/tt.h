/* tt.h: what the test helpers share. */
#ifndef TT_H
#define TT_H

#include <stdio.h>

#include "integ.h"

/* All of stdin, NUL-terminated ("" when empty); *lenp its length. */
static inline char *
tt_slurp(size_t *lenp)
{
	struct integ_buf b;
	char chunk[4096];
	size_t n;

	integ_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		integ_buf_add(&b, chunk, n);
	*lenp = b.len;
	if (b.data == NULL)
		return integ_xstrdup("");
	return integ_buf_take(&b);
}

#endif /* TT_H */
