/*
 * format.c: the registry of output formats. A protocol is one file
 * defining a struct integ_format and one line in this table.
 */
#include <stdio.h>
#include <string.h>

#include "integ.h"
#include "buf_int.h"

static const struct integ_format *const formats[] = {
	&integ_format_singer,
	&integ_format_airbyte,
	&integ_format_jsonl,
	&integ_format_jq,
	NULL
};

const struct integ_format *const *
integ_format_list(void)
{
	return formats;
}

const struct integ_format *
integ_format_find(const char *name)
{
	size_t i;

	for (i = 0; formats[i] != NULL; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

int
integ_format_too_large(struct integ_err *e)
{
	return integ_errf(e, INTEG_EXIT_DATA, "message too large");
}

int
integ_format_print(const struct integ_format *fmt, const struct integ_msg *m,
    FILE *fp, struct integ_err *e)
{
	struct integ_buf b;
	int code;

	integ_buf_init(&b, 0);
	if ((code = fmt->write(NULL, m, &b, e)) == 0) {
		fwrite(b.data, 1, b.len, fp);
		fflush(fp);
	}
	if (b.data != NULL)
		explicit_bzero(b.data, b.len);
	integ_buf_free(&b);
	return code;
}

const char *
integ_format_failure_name(enum integ_failure f)
{
	switch (f) {
	case INTEG_FAILURE_CONFIG:	return "config_error";
	case INTEG_FAILURE_TRANSIENT:	return "transient_error";
	default:			return "system_error";
	}
}

/* The Airbyte failure type an exit status stands for. */
enum integ_failure
integ_format_failure_of(int code)
{
	switch (code) {
	case INTEG_EXIT_USAGE:
	case INTEG_EXIT_AUTH:
	case INTEG_EXIT_CONFIG:
		return INTEG_FAILURE_CONFIG;
	case INTEG_EXIT_TEMPFAIL:
		return INTEG_FAILURE_TRANSIENT;
	default:
		return INTEG_FAILURE_SYSTEM;
	}
}
