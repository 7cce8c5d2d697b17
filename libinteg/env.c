/*
 * env.c: ${VAR} in the value of a header, a body or an OAuth flag, from
 * the environment. What is expanded is a secret from then on (secret.c).
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"

int
integ_env_expand(const char *in, char **out, int *secret,
    struct integ_err *e)
{
	struct integ_buf b;
	const char *p, *end, *v;
	char name[256], esc[300];
	size_t n;

	*out = NULL;
	if (secret != NULL)
		*secret = 0;
	integ_buf_init(&b, 0);
	integ_buf_adds(&b, "");
	for (p = in; *p != '\0'; ) {
		if (p[0] != '$' || p[1] != '{') {
			integ_buf_addc(&b, *p++);
			continue;
		}
		if ((end = strchr(p + 2, '}')) == NULL) {
			integ_buf_free(&b);
			integ_secret_escape(esc, sizeof(esc), in, strlen(in));
			return integ_errf(e, INTEG_EXIT_USAGE,
			    "%s: unterminated ${", esc);
		}
		n = (size_t)(end - (p + 2));
		if (n == 0 || n >= sizeof(name)) {
			integ_buf_free(&b);
			return integ_errf(e, INTEG_EXIT_USAGE,
			    "bad variable name in ${...}");
		}
		memcpy(name, p + 2, n);
		name[n] = '\0';
		if ((v = getenv(name)) == NULL) {
			integ_buf_free(&b);
			integ_secret_escape(esc, sizeof(esc), name, n);
			return integ_errf(e, INTEG_EXIT_CONFIG,
			    "${%s}: environment variable not set", esc);
		}
		integ_secret_add(v);
		if (secret != NULL && *v != '\0')
			*secret = 1;
		integ_buf_adds(&b, v);
		p = end + 1;
	}
	*out = integ_buf_take(&b);
	return 0;
}
