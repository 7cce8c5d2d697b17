/*
 * eod.c: the end of data between integ stages (integ(7)). A stage that
 * ended cleanly ends its last line with a tab: its output ends with the
 * two bytes tab, newline (alone on a line when it wrote nothing else).
 * That is JSON whitespace, so jq, and any reader of JSON texts or JSON
 * Lines, skips it; `wc -l` and `read` see the lines they saw before. A
 * stage killed without a word (SIGKILL, the OOM killer) never writes it,
 * so the next stage can tell a whole input from a cut one.
 *
 * integ-fetch writes server bytes, which may end a line with a tab
 * anywhere: its output goes through a guard that never lets tab, newline
 * be the last bytes on the descriptor, at any moment, until the mark.
 */
#define _GNU_SOURCE		/* fopencookie, F_SETPIPE_SZ */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

void
integ_eod_add(struct integ_eod *t, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	if (n >= 2) {
		memcpy(t->tail, s + n - 2, 2);
	} else {
		for (i = 0; i < n; i++) {
			t->tail[0] = t->tail[1];
			t->tail[1] = s[i];
		}
	}
	t->n += n;
}

int
integ_eod_seen(const struct integ_eod *t)
{
	return t->n >= 2 && t->tail[0] == '\t' && t->tail[1] == '\n';
}

int
integ_eod_whole(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

/*
 * A pipe between two stages holds 64 KiB: a stage that writes a page of
 * 300 KiB waits for the reader five times, and the stages take turns on
 * the processors instead of running side by side. A mebibyte (the
 * default limit of /proc/sys/fs/pipe-max-size) lets them run apart.
 */
void
integ_eod_pipe_widen(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

int
integ_eod_wanted(int fd)
{
	return !integ_eod_whole(fd) && !isatty(fd);
}

/* ---- the guard ---- */

struct integ_eod_out {
	int		 fd;
	FILE		*fp;
	struct integ_eod seen;		/* what reached fd */
	int		 held;		/* the last newline, not yet written */
};

static int
put(struct integ_eod_out *o, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(o->fd, p, n)) == -1) {
			if (errno == EINTR && integ_signal_caught() == 0)
				continue;
			return -1;
		}
		integ_eod_add(&o->seen, p, (size_t)w);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The newline that ends what was written is held until more comes, so
 * the mark can end the last line. A newline after a tab is written
 * together with the byte after it, in one write of two bytes (atomic on
 * a pipe): a cut at any moment never shows the mark.
 */
static ssize_t
guard_write(void *arg, const char *p, size_t n)
{
	struct integ_eod_out *o = arg;
	const char *nl;
	char two[2];
	size_t from = 0, i;

	if (n == 0)
		return 0;
	if (o->held) {
		two[0] = '\n';
		two[1] = p[0];
		if (put(o, two, 2) == -1)
			return -1;
		o->held = 0;
		from = 1;
	}
	while (from < n) {
		/* the next newline after a tab, or the last byte */
		i = n;
		for (nl = p + from; (nl = memchr(nl, '\n',
		    (size_t)(p + n - nl))) != NULL; nl++) {
			if ((size_t)(nl - p) + 1 == n ||
			    (nl > p + from ? nl[-1] : (char)o->seen.tail[1]) ==
			    '\t') {
				i = (size_t)(nl - p);
				break;
			}
		}
		if (put(o, p + from, i - from) == -1)
			return -1;
		if (i == n)
			break;
		if (i + 1 == n) {
			o->held = 1;
			break;
		}
		if (put(o, p + i, 2) == -1)
			return -1;
		from = i + 2;
	}
	return (ssize_t)n;
}

static int
guard_close(void *arg)
{
	return 0;
}

struct integ_eod_out *
integ_eod_out_new(int fd)
{
	cookie_io_functions_t io = { NULL, guard_write, NULL, guard_close };
	struct integ_eod_out *o;

	integ_eod_pipe_widen(fd);
	o = integ_xcalloc(1, sizeof(*o));
	o->fd = fd;
	if ((o->fp = fopencookie(o, "w", io)) == NULL) {
		free(o);
		return NULL;
	}
	return o;
}

FILE *
integ_eod_out_fp(struct integ_eod_out *o)
{
	return o->fp;
}

int
integ_eod_out_newline(struct integ_eod_out *o)
{
	if (fflush(o->fp) != 0)
		return -1;
	if (o->held || o->seen.n == 0 || o->seen.tail[1] == '\n')
		return 0;
	return fputc('\n', o->fp) == EOF ? -1 : 0;
}

int
integ_eod_out_end(struct integ_eod_out *o, int mark)
{
	int rc;

	rc = fflush(o->fp) == 0 && !ferror(o->fp) ? 0 : -1;
	if (rc == 0 && mark)
		rc = put(o, INTEG_EOD_LINE, 2);
	else if (rc == 0 && o->held)
		/* a newline after a tab would be the mark */
		rc = o->seen.n > 0 && o->seen.tail[1] == '\t' ?
		    put(o, " \n", 2) : put(o, "\n", 1);
	o->held = 0;
	return rc;
}

void
integ_eod_out_free(struct integ_eod_out *o)
{
	if (o == NULL)
		return;
	fclose(o->fp);
	free(o);
}
