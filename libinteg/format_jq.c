/*
 * format_jq.c: a custom format without C. Each message, in the
 * canonical form (the Singer message), goes through a jq filter; every
 * output is written as one compact line. libjq 1.6 holds numbers as
 * doubles: integers beyond 2^53 come out rounded. The jq host is jq.c.
 */
#include <stdlib.h>

#include "integ.h"
#include "jq_int.h"

struct jqfmt {
	struct integ_jq	*jq;
	struct integ_buf scratch;
	struct integ_buf *out;		/* of the message being written */
	int		 full;		/* out could not take an output */
};

static int
jq_open(void **argp, const char *filter, struct integ_err *e)
{
	struct jqfmt *f;
	int code;

	if (filter == NULL || *filter == '\0')
		return integ_errf(e, INTEG_EXIT_USAGE, "jq format: no filter");
	f = integ_xcalloc(1, sizeof(*f));
	if ((code = integ_jq_new(filter, "jq filter", &f->jq, e)) != 0) {
		free(f);
		return code;
	}
	integ_buf_init(&f->scratch, 0);
	*argp = f;
	return 0;
}

static void
jq_close(void *arg)
{
	struct jqfmt *f = arg;

	if (f == NULL)
		return;
	integ_jq_free(f->jq);
	integ_buf_free(&f->scratch);
	free(f);
}

/* One output of the filter, one line. */
static int
on_output(void *arg, const char *p, size_t n)
{
	struct jqfmt *f = arg;

	if (integ_buf_add(f->out, p, n) == -1 ||
	    integ_buf_addc(f->out, '\n') == -1) {
		f->full = 1;
		return INTEG_EXIT_DATA;
	}
	return 0;
}

static int
jq_write(void *arg, const struct integ_msg *m, struct integ_buf *out,
    struct integ_err *e)
{
	struct jqfmt *f = arg;
	int code, unreadable;

	integ_buf_reset(&f->scratch);
	if ((code = integ_format_singer.write(NULL, m, &f->scratch, e)) != 0)
		return code;
	if (f->scratch.len == 0)
		return 0;
	f->out = out;
	f->full = 0;
	code = integ_jq_run(f->jq, f->scratch.data, f->scratch.len, on_output,
	    f, &unreadable, e);
	if (code == INTEG_EXIT_DATA && unreadable)
		return integ_errf(e, code, "jq: cannot parse a message");
	if (f->full)
		return integ_errf(e, code, "jq: output too large");
	if (code != 0)
		return integ_err_wrap(e, code, "jq");
	return 0;
}

const struct integ_format integ_format_jq = {
	.name = "jq",
	.summary = "each Singer message through a jq filter (jq=FILTER)",
	.needs_arg = 1,
	.open = jq_open,
	.close = jq_close,
	.needs_schema = 1,
	.write = jq_write,
};
