/*
 * lines.c: lines read from a descriptor into one bounded buffer, handed
 * out where they lie (no copy), for the filters that read JSON Lines or
 * protocol messages from a pipe.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lines_int.h"

#define READ_SIZE	(1 << 16)

void
integ_lines_init(struct integ_lines *lr, int fd)
{
	memset(lr, 0, sizeof(*lr));
	lr->fd = fd;
	integ_buf_init(&lr->in, INTEG_BUF_MAX_DEFAULT);
}

void
integ_lines_free(struct integ_lines *lr)
{
	integ_buf_free(&lr->in);
}

int
integ_lines_next(struct integ_lines *lr, const char **p, size_t *len)
{
	struct integ_buf *in = &lr->in;
	const char *nl;
	ssize_t n;

	for (;;) {
		if (in->len > lr->off && (nl = memchr(in->data + lr->off, '\n',
		    in->len - lr->off)) != NULL) {
			*p = in->data + lr->off;
			*len = (size_t)(nl - *p);
			lr->off += *len + 1;
			lr->lineno++;
			return INTEG_LINES_LINE;
		}
		if (lr->sig)
			return INTEG_LINES_SIGNAL;
		integ_buf_consume(in, lr->off);
		lr->off = 0;
		if (lr->eof) {
			if (in->len == 0)
				return INTEG_LINES_END;
			/* the last line lacks its newline: the buffer keeps a
			 * byte past its length */
			in->data[in->len] = '\n';
			*p = in->data;
			*len = in->len;
			lr->off = in->len;
			lr->lineno++;
			return INTEG_LINES_LINE;
		}
		if (integ_buf_reserve(in, READ_SIZE) == -1)
			return INTEG_LINES_LONG;
		n = integ_signal_caught() != 0 ? -1 :
		    read(lr->fd, in->data + in->len, in->cap - in->len - 1);
		if ((lr->sig = integ_signal_caught()) != 0) {
			if (n > 0) {
				integ_eod_add(&lr->eod, in->data + in->len,
				    (size_t)n);
				in->len += (size_t)n;
			}
			continue;
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return INTEG_LINES_ERROR;
		}
		if (n == 0) {
			lr->eof = 1;
			continue;
		}
		integ_eod_add(&lr->eod, in->data + in->len, (size_t)n);
		in->len += (size_t)n;
	}
}
