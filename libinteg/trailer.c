/*
 * trailer.c: "integ-error: CODE message", the last line a failing stage
 * writes on stdout. It is not JSON on purpose: a plain jq downstream
 * fails loudly instead of taking a half sync for a whole one.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"

int
integ_trailer_write(FILE *fp, int code, const char *msg)
{
	char *masked, esc[1024];

	masked = integ_secret_mask(msg != NULL ? msg : "");
	integ_secret_escape(esc, sizeof(esc), masked, strlen(masked));
	free(masked);
	fprintf(fp, INTEG_TRAILER_PREFIX "%d %s\n", code, esc);
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

int
integ_trailer_parse(const char *line, size_t len, int *code, const char **msg)
{
	const size_t plen = sizeof(INTEG_TRAILER_PREFIX) - 1;
	size_t i;
	int c = 0;

	if (len <= plen || memcmp(line, INTEG_TRAILER_PREFIX, plen) != 0)
		return 0;
	for (i = plen; i < len && i < plen + 3 &&
	    line[i] >= '0' && line[i] <= '9'; i++)
		c = c * 10 + (line[i] - '0');
	if (i == plen || c < 1 || c > 255)
		return 0;
	if (i < len && line[i] != ' ')
		return 0;
	*code = c;
	if (msg != NULL)
		*msg = i < len ? line + i + 1 : line + len;
	return 1;
}
