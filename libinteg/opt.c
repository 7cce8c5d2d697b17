/*
 * opt.c: the values a command line gives, read the same way by every
 * tool. A value that does not read is a usage error (64) whose message
 * names the option and the value: "OPT ARG: why".
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
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
