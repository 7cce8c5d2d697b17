/*
 * log.c: levelled logging. Every line goes through secret masking before
 * it reaches a sink, whichever sink that is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static char		 prog[64] = "integ";
static enum integ_level	 level = INTEG_LOG_WARN;
static integ_log_sink_fn *sink;
static void		*sinkarg;

void
integ_log_init(const char *name, enum integ_level lv)
{
	const char *slash;

	if (name != NULL) {
		if ((slash = strrchr(name, '/')) != NULL)
			name = slash + 1;
		strlcpy(prog, name, sizeof(prog));
	}
	level = lv;
}

const char *
integ_progname(void)
{
	return prog;
}

void
integ_log_set_level(enum integ_level lv)
{
	level = lv;
}

enum integ_level
integ_log_get_level(void)
{
	return level;
}

void
integ_log_set_sink(integ_log_sink_fn *fn, void *arg)
{
	sink = fn;
	sinkarg = arg;
}

static void
stderr_sink(enum integ_level lv, const char *line)
{
	const char *tag = lv == INTEG_LOG_WARN ? "warning: " : "";

	fprintf(stderr, "%s: %s%s\n", prog, tag, line);
	fflush(stderr);
}

void
integ_vlog(enum integ_level lv, const char *fmt, va_list ap)
{
	char *raw, *line, *nl;

	if (lv > level)
		return;
	integ_xvasprintf(&raw, fmt, ap);
	line = integ_mask(raw);
	free(raw);
	/* one message, one line: a stray newline would forge another */
	for (nl = line; (nl = strpbrk(nl, "\r\n")) != NULL; )
		*nl = ' ';
	if (sink != NULL)
		sink(lv, line, sinkarg);
	else
		stderr_sink(lv, line);
	free(line);
}

void
integ_log(enum integ_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	integ_vlog(lv, fmt, ap);
	va_end(ap);
}

int
integ_log_err(const struct integ_err *e)
{
	integ_log(INTEG_LOG_ERROR, "%s", e->msg);
	return e->code;
}
