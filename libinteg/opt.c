/*
 * opt.c: the values a command line gives, read the same way by every
 * tool. A value that does not read is a usage error (64) whose message
 * names the option and the value: "OPT ARG: why". A tool's options are
 * a table (struct integ_opt) saying where each value goes.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

int
integ_opt_bad(const char *opt, const char *arg, const char *why,
    struct integ_err *e)
{
	return integ_errf(e, INTEG_EXIT_USAGE, "%s %s: %s", opt, arg, why);
}

int
integ_opt_count(const char *opt, const char *arg, long long min,
    long long max, long long *out, struct integ_err *e)
{
	const char *errstr;

	*out = strtonum(arg, min, max, &errstr);
	if (errstr != NULL)
		return integ_opt_bad(opt, arg, errstr, e);
	return 0;
}

/* A number at the start of arg, finite and not negative; NULL if none. */
static const char *
number(const char *arg, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (end == arg || errno != 0 || !isfinite(*out) || *out < 0)
		return NULL;
	return end;
}

int
integ_opt_secs(const char *opt, const char *arg, double *out,
    struct integ_err *e)
{
	const char *end = number(arg, out);

	if (end == NULL || *end != '\0')
		return integ_opt_bad(opt, arg, "expected a number of seconds",
		    e);
	return 0;
}

int
integ_opt_rate(const char *opt, const char *arg, double *out,
    struct integ_err *e)
{
	static const struct { const char *unit; double secs; } per[] = {
		{ "/s", 1 }, { "/m", 60 }, { "/h", 3600 }
	};
	const char *end = number(arg, out);
	size_t i;

	for (i = 0; end != NULL && *out > 0 && i < sizeof(per) /
	    sizeof(per[0]); i++)
		if (strcmp(end, per[i].unit) == 0) {
			*out /= per[i].secs;
			return 0;
		}
	return integ_opt_bad(opt, arg, "expected N/s or N/m", e);
}

int
integ_opt_size(const char *opt, const char *arg, size_t *out,
    struct integ_err *e)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end == arg || errno != 0)
		return integ_opt_bad(opt, arg, "expected a size", e);
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v == 0 || v > (SIZE_MAX >> 2) >> shift)
		return integ_opt_bad(opt, arg, "expected a size", e);
	*out = (size_t)(v << shift);
	return 0;
}

int
integ_opt_pair(const char *opt, char *arg, char **name, char **value,
    int need, struct integ_err *e)
{
	char *eq = strchr(arg, '=');

	*name = arg;
	*value = NULL;
	if (eq != NULL) {
		*eq = '\0';
		*value = eq + 1;
	}
	if (**name == '\0' || (need && (*value == NULL || **value == '\0')))
		return integ_opt_bad(opt, arg, need ? "expected PARAM=VALUE" :
		    "expected PARAM[=START]", e);
	return 0;
}

void
integ_opt_push(char ***list, size_t *n, char *value)
{
	*list = integ_xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = value;
}

/* ---- a tool's option table ---- */

#define SHORTLESS	256	/* getopt's value of a row without a letter */

#define AT(target, off, type)	((type *)(void *)((char *)(target) + (off)))

/* One option's value into the target, as its row says. */
static int
apply(const struct integ_opt *o, void *target, char *arg,
    struct integ_err *e)
{
	char opt[64];
	long long n;
	int code;

	snprintf(opt, sizeof(opt), "--%s", o->name);
	switch (o->kind) {
	case INTEG_OPT_FLAG:
	case INTEG_OPT_STOP:
		*AT(target, o->off, int) = 1;
		return 0;
	case INTEG_OPT_STR:
		*AT(target, o->off, const char *) = arg;
		return 0;
	case INTEG_OPT_LIST:
		integ_opt_push(AT(target, o->off, char **),
		    AT(target, o->off2, size_t), arg);
		return 0;
	case INTEG_OPT_COUNT:
		return integ_opt_count(opt, arg, o->min, o->max,
		    AT(target, o->off, long long), e);
	case INTEG_OPT_INT:
		if ((code = integ_opt_count(opt, arg, o->min, o->max, &n,
		    e)) == 0)
			*AT(target, o->off, int) = (int)n;
		return code;
	case INTEG_OPT_SECS:
		return integ_opt_secs(opt, arg, AT(target, o->off, double), e);
	case INTEG_OPT_RATE:
		return integ_opt_rate(opt, arg, AT(target, o->off, double), e);
	case INTEG_OPT_SIZE:
		return integ_opt_size(opt, arg, AT(target, o->off, size_t), e);
	default:
		return o->fn(target, o, opt, arg, e);
	}
}

int
integ_opt_read(int argc, char *argv[], const struct integ_opt *opts,
    void *target, int *first, struct integ_err *e)
{
	struct option *lo;
	char shorts[128];
	size_t i, n, ns = 0;
	int ch, code = 0, takes;

	for (n = 0; opts[n].name != NULL; n++)
		;
	lo = integ_xcalloc(n + 1, sizeof(*lo));
	for (i = 0; i < n; i++) {
		takes = opts[i].kind != INTEG_OPT_FLAG &&
		    opts[i].kind != INTEG_OPT_STOP && !opts[i].no_arg;
		lo[i].name = opts[i].name;
		lo[i].has_arg = takes ? required_argument : no_argument;
		lo[i].val = opts[i].letter ? opts[i].letter :
		    SHORTLESS + (int)i;
		if (opts[i].letter && ns + 3 < sizeof(shorts)) {
			shorts[ns++] = (char)opts[i].letter;
			if (takes)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	integ_err_clear(e);
	optind = 1;
	while (code == 0 &&
	    (ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		for (i = 0; i < n && lo[i].val != ch; i++)
			;
		if (i == n) {		/* getopt said why */
			code = INTEG_EXIT_USAGE;
			break;
		}
		code = apply(&opts[i], target, optarg, e);
		if (code == 0 && opts[i].kind == INTEG_OPT_STOP)
			break;
	}
	*first = optind;
	free(lo);
	return code;
}
