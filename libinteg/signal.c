/*
 * signal.c: SIGTERM and SIGINT are how orchestrators cancel a sync. They
 * only set a flag here; the tool frames what it already read, says
 * INCOMPLETE, and exits 128+n itself.
 */
#include <signal.h>
#include <string.h>

#include "integ.h"

static volatile sig_atomic_t caught;

static void
onsignal(int sig)
{
	if (caught == 0)
		caught = sig;
}

void
integ_signal_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = onsignal;
	sa.sa_flags = 0;	/* no SA_RESTART: let a blocked read return */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
}

int
integ_signal_caught(void)
{
	return caught;
}

void
integ_signal_raise(int sig)
{
	onsignal(sig);
}
