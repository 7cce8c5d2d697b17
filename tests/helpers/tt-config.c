/*
 * tt-config: config validation against a spec, from tests/t-config.sh.
 *
 *   tt-config validate SCHEMA CONFIG   exit 0, or 78 with the message
 *   tt-config secrets SCHEMA CONFIG    register secrets, mask stdin
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static char *
readfile(const char *path, size_t *len)
{
	struct integ_buf b;
	char chunk[4096];
	size_t n;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		perror(path);
		exit(66);
	}
	integ_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		integ_buf_add(&b, chunk, n);
	fclose(fp);
	*len = b.len;
	return b.data ? integ_buf_take(&b) : integ_xstrdup("");
}

int
main(int argc, char *argv[])
{
	struct integ_json_span schema, config;
	struct integ_err e;
	char *s, *c, line[4096], *m;
	size_t slen, clen;
	int rc = 0;

	integ_log_init("tt-config", INTEG_LOG_WARN);
	if (argc != 4)
		return 64;
	s = readfile(argv[2], &slen);
	c = readfile(argv[3], &clen);
	if (integ_json_validate(s, slen, &schema, &e) != 0 ||
	    integ_json_validate(c, clen, &config, &e) != 0) {
		rc = integ_log_err(&e);
	} else if (strcmp(argv[1], "validate") == 0) {
		if ((rc = integ_config_validate(schema, config, &e)) != 0)
			integ_log_err(&e);
	} else if (strcmp(argv[1], "secrets") == 0) {
		printf("%d\n", integ_config_secrets(schema, config));
		while (fgets(line, sizeof(line), stdin) != NULL) {
			m = integ_mask(line);
			fputs(m, stdout);
			free(m);
		}
		integ_secret_clear();
	} else {
		rc = 64;
	}
	free(s);
	free(c);
	return rc;
}
