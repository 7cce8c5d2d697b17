/*
 * jq.c: the one libjq host. A program is compiled once and run on one
 * JSON text at a time; every output leaves as compact text. libjq 1.6
 * holds numbers as doubles: integers beyond 2^53 come out rounded, so
 * the hot path never comes here.
 *
 * Where this file touches jv values it follows jq's rule: every jv_*
 * function consumes its arguments and returns a new reference, except
 * jv_copy.
 */
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "integ.h"
#include "jq_int.h"

#define MSG_MAX		4000

struct integ_jq {
	jq_state		*jq;
	struct integ_buf	 msg;	/* jq's first complaint */
};

static void
on_error(void *arg, jv msg)
{
	struct integ_buf *b = arg;

	if (jv_get_kind(msg) != JV_KIND_STRING)
		msg = jv_dump_string(msg, 0);
	/* within what integ_jq_new reserved: no allocation here */
	if (b->len == 0)
		integ_buf_add(b, jv_string_value(msg),
		    strnlen(jv_string_value(msg), MSG_MAX));
	jv_free(msg);
}

/* input and inputs: each text is a program run of its own. */
static jv
no_inputs(jq_state *jq, void *arg)
{
	return jv_invalid();
}

int
integ_jq_new(const char *program, const char *what, struct integ_jq **jp,
    struct integ_err *e)
{
	struct integ_jq *j;

	*jp = NULL;
	j = integ_xcalloc(1, sizeof(*j));
	integ_buf_init(&j->msg, MSG_MAX + 96);
	if ((j->jq = jq_init()) == NULL) {
		integ_jq_free(j);
		return integ_errf(e, INTEG_EXIT_FAIL, "jq: cannot start");
	}
	/*
	 * The buffer is allocated here, not under jq_compile: a leak in
	 * libjq's parser is suppressed (tests/lsan.supp) by its frame, and
	 * nothing of ours must run allocating below it.
	 */
	integ_buf_reserve(&j->msg, MSG_MAX);
	jq_set_error_cb(j->jq, on_error, &j->msg);
	jq_set_input_cb(j->jq, no_inputs, NULL);
	if (!jq_compile(j->jq, program)) {
		integ_errf(e, INTEG_EXIT_USAGE, "%s: %s", what,
		    j->msg.len ? j->msg.data : "does not compile");
		integ_jq_free(j);
		return INTEG_EXIT_USAGE;
	}
	*jp = j;
	return 0;
}

void
integ_jq_free(struct integ_jq *j)
{
	if (j == NULL)
		return;
	if (j->jq != NULL)
		jq_teardown(&j->jq);
	integ_buf_free(&j->msg);
	free(j);
}

/* A failure's message as text (a string as it is, anything else as JSON). */
static int
failed(jv msg, struct integ_err *e)
{
	if (jv_get_kind(msg) != JV_KIND_STRING)
		msg = jv_dump_string(msg, 0);
	integ_errf(e, INTEG_EXIT_DATA, "%s", jv_string_value(msg));
	jv_free(msg);
	return INTEG_EXIT_DATA;
}

int
integ_jq_run(struct integ_jq *j, const char *p, size_t n,
    integ_jq_out_fn *fn, void *arg, int *unreadable, struct integ_err *e)
{
	jv in, r;
	int rc;

	*unreadable = 0;
	in = jv_parse_sized(p, (int)n);
	if (!jv_is_valid(in)) {
		*unreadable = 1;
		return failed(jv_invalid_get_msg(in), e);
	}
	jq_start(j->jq, in, 0);
	while (jv_is_valid(r = jq_next(j->jq))) {
		r = jv_dump_string(r, 0);
		rc = fn(arg, jv_string_value(r),
		    (size_t)jv_string_length_bytes(jv_copy(r)));
		jv_free(r);
		if (rc != 0)
			return rc;
	}
	if (jv_invalid_has_msg(jv_copy(r)))
		return failed(jv_invalid_get_msg(r), e);
	jv_free(r);
	return 0;
}
