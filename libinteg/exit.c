/* exit.c: names for the exit statuses of DESIGN.md's table. */
#include "integ.h"

const char *
integ_exit_name(int code)
{
	if (code > INTEG_EXIT_SIGNAL && code < INTEG_EXIT_SIGNAL + 65)
		return "signal";
	switch (code) {
	case INTEG_EXIT_OK:		return "ok";
	case INTEG_EXIT_FAIL:		return "failure";
	case INTEG_EXIT_USAGE:		return "usage";
	case INTEG_EXIT_DATA:		return "dataerr";
	case INTEG_EXIT_NOINPUT:	return "noinput";
	case INTEG_EXIT_REFUSED:	return "unavailable";
	case INTEG_EXIT_IO:		return "ioerr";
	case INTEG_EXIT_TEMPFAIL:	return "tempfail";
	case INTEG_EXIT_PROTOCOL:	return "protocol";
	case INTEG_EXIT_AUTH:		return "noperm";
	case INTEG_EXIT_CONFIG:		return "config";
	default:			return "unknown";
	}
}
