/*
 * format_jq.c: a custom format without C. Each message, in the
 * canonical form (the Singer message), goes through a jq filter; every
 * output is written as one compact line. libjq 1.6 holds numbers as
 * doubles: integers beyond 2^53 come out rounded.
 *
 * jv ownership follows jq's rule: jv_* functions consume their
 * arguments, except jv_copy.
 */
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "integ.h"

struct jqfmt {
	jq_state	*jq;
	struct integ_buf scratch;
	char		 err[512];
};

static void
on_error(void *arg, jv msg)
{
	struct jqfmt *f = arg;

	if (jv_get_kind(msg) == JV_KIND_STRING)
		strlcpy(f->err, jv_string_value(msg), sizeof(f->err));
	else if (jv_get_kind(msg) == JV_KIND_INVALID &&
	    jv_invalid_has_msg(jv_copy(msg))) {
		jv m = jv_invalid_get_msg(msg);

		if (jv_get_kind(m) == JV_KIND_STRING)
			strlcpy(f->err, jv_string_value(m), sizeof(f->err));
		jv_free(m);
		return;
	}
	jv_free(msg);
}

static int
jq_open(void **argp, const char *filter, struct integ_err *e)
{
	struct jqfmt *f = integ_xcalloc(1, sizeof(*f));

	if (filter == NULL || *filter == '\0') {
		free(f);
		return integ_errf(e, INTEG_EXIT_USAGE, "jq format: no filter");
	}
	if ((f->jq = jq_init()) == NULL) {
		free(f);
		return integ_errf(e, INTEG_EXIT_FAIL, "jq: cannot start");
	}
	jq_set_error_cb(f->jq, on_error, f);
	if (!jq_compile(f->jq, filter)) {
		integ_errf(e, INTEG_EXIT_USAGE, "jq filter: %s",
		    f->err[0] ? f->err : "does not compile");
		jq_teardown(&f->jq);
		free(f);
		return INTEG_EXIT_USAGE;
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
	jq_teardown(&f->jq);
	integ_buf_free(&f->scratch);
	free(f);
}

static int
run(struct jqfmt *f, const char *p, size_t len, struct integ_buf *out,
    struct integ_err *e)
{
	jv in, r, s;
	int code = 0;

	in = jv_parse_sized(p, (int)len);
	if (!jv_is_valid(in)) {
		jv_free(in);
		return integ_errf(e, INTEG_EXIT_DATA, "jq: cannot parse "
		    "a message");
	}
	jq_start(f->jq, in, 0);
	while (jv_is_valid(r = jq_next(f->jq))) {
		s = jv_dump_string(r, 0);
		if (integ_buf_adds(out, jv_string_value(s)) == -1 ||
		    integ_buf_addc(out, '\n') == -1)
			code = integ_errf(e, INTEG_EXIT_DATA, "jq: output "
			    "too large");
		jv_free(s);
	}
	if (jv_invalid_has_msg(jv_copy(r))) {
		jv m = jv_invalid_get_msg(r);

		if (jv_get_kind(m) == JV_KIND_STRING)
			code = integ_errf(e, INTEG_EXIT_DATA, "jq: %s",
			    jv_string_value(m));
		else
			code = integ_errf(e, INTEG_EXIT_DATA, "jq: error");
		jv_free(m);
	} else
		jv_free(r);
	return code;
}

static int
jq_write(void *arg, const struct integ_msg *m, struct integ_buf *out,
    struct integ_err *e)
{
	struct jqfmt *f = arg;
	int code;

	integ_buf_reset(&f->scratch);
	if ((code = integ_format_singer.write(NULL, m, &f->scratch, e)) != 0)
		return code;
	if (f->scratch.len == 0)
		return 0;
	return run(f, f->scratch.data, f->scratch.len, out, e);
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
