/*
 * log.c: levelled logging. Every line goes through secret masking before
 * it reaches a sink, whichever sink that is.
 *
 * A sink set with integ_log_set_sink is called on the thread that set it
 * only (an emitter is not shared): worker threads (the HTTP layer's
 * parallel transfers) log too, and their lines wait here until that
 * thread logs a line of its own or calls integ_log_drain.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integ.h"

static char		 prog[64] = "integ";
static enum integ_level	 level = INTEG_LOG_WARN;
static integ_log_sink_fn *sink;
static void		*sinkarg;
static pthread_t	 sink_thread;

/* The lines that wait: each its level as one byte, the text, a NUL. */
#define PENDING_MAX	((size_t)1 << 20)

static pthread_mutex_t	 pending_mu = PTHREAD_MUTEX_INITIALIZER;
static struct integ_buf	 pending = { NULL, 0, 0, PENDING_MAX };
static unsigned long	 pending_lost;

void
integ_log_init(const char *name, enum integ_level lv)
{
	const char *slash;

	if (name != NULL) {
		if ((slash = strrchr(name, '/')) != NULL)
			name = slash + 1;
		strlcpy(prog, name, sizeof(prog));
	}
	level = lv;
}

const char *
integ_log_progname(void)
{
	return prog;
}

void
integ_log_set_level(enum integ_level lv)
{
	level = lv;
}

enum integ_level
integ_log_get_level(void)
{
	return level;
}

void
integ_log_set_sink(integ_log_sink_fn *fn, void *arg)
{
	pthread_mutex_lock(&pending_mu);
	integ_buf_free(&pending);	/* they were the last sink's */
	integ_buf_init(&pending, PENDING_MAX);
	pending_lost = 0;
	pthread_mutex_unlock(&pending_mu);
	sink = fn;
	sinkarg = arg;
	sink_thread = pthread_self();
}

void
integ_log_drain(void)
{
	struct integ_buf b;
	unsigned long lost;
	size_t i, n;

	if (sink == NULL)
		return;
	pthread_mutex_lock(&pending_mu);
	b = pending;
	integ_buf_init(&pending, PENDING_MAX);
	lost = pending_lost;
	pending_lost = 0;
	pthread_mutex_unlock(&pending_mu);
	for (i = 0; i < b.len; i += n + 2) {
		n = strlen(b.data + i + 1);
		sink((enum integ_level)b.data[i], b.data + i + 1, sinkarg);
	}
	if (lost > 0) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%lu log lines lost", lost);
		sink(INTEG_LOG_WARN, msg, sinkarg);
	}
	integ_buf_free(&b);
}

/* A line logged on a thread other than the sink's: it waits. */
static void
defer(enum integ_level lv, const char *line)
{
	pthread_mutex_lock(&pending_mu);
	if (integ_buf_addc(&pending, (int)lv) == -1 ||
	    integ_buf_add(&pending, line, strlen(line) + 1) == -1)
		pending_lost++;
	pthread_mutex_unlock(&pending_mu);
}

static const char *const names[] = {
	"FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"
};

/* A progress line is on the terminal, without its newline. */
static int progress_shown;

int
integ_log_level_parse(const char *s, enum integ_level *lv)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i]) == 0) {
			*lv = (enum integ_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
integ_log_level_name(enum integ_level lv)
{
	if ((size_t)lv >= sizeof(names) / sizeof(names[0]))
		return "TRACE";
	return names[lv];
}

void
integ_log_progress(const char *what, unsigned long pages,
    unsigned long long bytes, long long records, double secs,
    unsigned long retries, long long total, int final)
{
	if (secs < 0.001)
		secs = 0.001;
	fprintf(stderr, "\r%s: ", prog);
	if (what != NULL)
		fprintf(stderr, "%s: ", what);
	fprintf(stderr, "%lu pages, %.1f MB", pages, (double)bytes / 1e6);
	if (records >= 0)
		fprintf(stderr, ", %.0f records/s", (double)records / secs);
	/* the API said how many there are: how far along */
	if (records >= 0 && total > 0)
		fprintf(stderr, ", %lld of %lld records (%.0f%%)", records,
		    total, records >= total ? 100.0 :
		    100.0 * (double)records / (double)total);
	fprintf(stderr, ", %lu retries\033[K%s", retries, final ? "\n" : "");
	fflush(stderr);
	progress_shown = !final;
}

static void
stderr_sink(enum integ_level lv, const char *line)
{
	const char *tag = lv == INTEG_LOG_WARN ? "warning: " : "";

	if (progress_shown) {
		/* the next progress line draws it again */
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
	fprintf(stderr, "%s: %s%s\n", prog, tag, line);
	fflush(stderr);
}

void
integ_log_va(enum integ_level lv, const char *fmt, va_list ap)
{
	char *raw, *line, *nl;

	if (lv > level)
		return;
	integ_xvasprintf(&raw, fmt, ap);
	line = integ_secret_mask(raw);
	free(raw);
	/* one message, one line: a stray newline would forge another */
	for (nl = line; (nl = strpbrk(nl, "\r\n")) != NULL; )
		*nl = ' ';
	if (sink == NULL)
		stderr_sink(lv, line);
	else if (!pthread_equal(pthread_self(), sink_thread))
		defer(lv, line);
	else {
		integ_log_drain();
		sink(lv, line, sinkarg);
	}
	free(line);
}

void
integ_log(enum integ_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	integ_log_va(lv, fmt, ap);
	va_end(ap);
}

int
integ_log_err(const struct integ_err *e)
{
	integ_log(INTEG_LOG_ERROR, "%s", e->msg);
	return e->code;
}
