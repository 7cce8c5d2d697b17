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

int
main(int argc, char *argv[])
{
	struct integ_json_span schema, config;
	struct integ_buf s, c;
	struct integ_err e;
	char line[4096], *m;
	int rc = 0;

	integ_log_init("tt-config", INTEG_LOG_WARN);
	if (argc != 4)
		return 64;
	integ_buf_init(&s, 0);
	integ_buf_init(&c, 0);
	if (integ_file_read(argv[2], 0, &s, &e) != 0 ||
	    integ_file_read(argv[3], 0, &c, &e) != 0 ||
	    integ_json_validate(s.data ? s.data : "", s.len, &schema, &e) != 0 ||
	    integ_json_validate(c.data ? c.data : "", c.len, &config, &e) != 0) {
		rc = integ_log_err(&e);
	} else if (strcmp(argv[1], "validate") == 0) {
		if ((rc = integ_config_validate(schema, config, &e)) != 0)
			integ_log_err(&e);
	} else if (strcmp(argv[1], "secrets") == 0) {
		printf("%d\n", integ_config_secrets(schema, config));
		while (fgets(line, sizeof(line), stdin) != NULL) {
			m = integ_secret_mask(line);
			fputs(m, stdout);
			free(m);
		}
		integ_secret_clear();
	} else {
		rc = 64;
	}
	integ_buf_free(&s);
	integ_buf_free(&c);
	return rc;
}
