/* io.c: the end of stdout, where a full disk must not pass for success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "integ.h"

int
integ_io_close_stdout(struct integ_err *e)
{
	int bad;

	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad)
		return integ_errf(e, INTEG_EXIT_IO, "write error: stdout: %s",
		    strerror(errno));
	return 0;
}

int
integ_io_stdout_done(int code)
{
	struct integ_err e;

	if (integ_io_close_stdout(&e) != 0 && code == 0)
		code = integ_log_err(&e);
	return code;
}
