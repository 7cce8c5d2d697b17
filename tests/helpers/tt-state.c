/*
 * tt-state: state.c and atomic.c, driven from tests/t-state*.sh.
 *
 *   tt-state write singer|airbyte   stdin (a state in any shape) out in
 *                                   a protocol's shape
 *   tt-state atomic FILE            stdin written to FILE atomically
 *   tt-state save MAX FILE          integ-state save FILE with states
 *                                   capped at MAX bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "state_int.h"
#include "tt.h"

int
main(int argc, char *argv[])
{
	struct integ_state *s;
	struct integ_buf out;
	struct integ_err e;
	char *in;
	size_t len;
	int code = 0;

	integ_log_init("tt-state", INTEG_LOG_WARN);
	if (argc == 4 && strcmp(argv[1], "save") == 0) {
		s = integ_state_new();
		integ_state_cap(s, strtoul(argv[2], NULL, 10));
		if ((code = integ_state_load(s, argv[3], &e)) == 0)
			code = integ_state_save_run(s, argv[3], 0, stdout, &e);
		if (code != 0)
			fprintf(stderr, "tt-state: %s\n", e.msg);
		integ_state_free(s);
		return code;
	}
	if (argc != 3)
		return 64;
	in = tt_slurp(&len);
	if (strcmp(argv[1], "write") == 0) {
		s = integ_state_new();
		if ((code = integ_state_parse(s, in, len, &e)) != 0) {
			fprintf(stderr, "tt-state: %s\n", e.msg);
		} else {
			integ_buf_init(&out, 0);
			integ_state_write(s, strcmp(argv[2], "airbyte") == 0 ?
			    INTEG_PROTO_AIRBYTE : INTEG_PROTO_SINGER, &out);
			printf("%s\n", out.data);
			integ_buf_free(&out);
		}
		integ_state_free(s);
	} else if (strcmp(argv[1], "atomic") == 0) {
		if ((code = integ_atomic_write(argv[2], in, len, &e))
		    != 0)
			fprintf(stderr, "tt-state: %s\n", e.msg);
	} else
		code = 64;
	free(in);
	return code;
}
