/*
 * extract.c: what integ-extract does. Inputs are read in chunks and fed
 * to the streaming scanner (json.c); records go to an output buffer as
 * JSON Lines. Output is held back until the text it came from has ended
 * (up to HOLD_MAX bytes), so a text that turns out malformed leaves
 * nothing of itself on stdout unless it is larger than that.
 *
 * The end-of-data mark (eod.c) is passed on: the last line ends with a
 * tab when every input was a regular file or ended with the mark, so a
 * stage before that died without a word leaves none for the next. The
 * newline that ends the output is held back until it is known which.
 *
 * --jq runs a program on each text (jq.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"
#include "jq_int.h"

#define READ_SIZE	((size_t)256 << 10)
#define FLUSH_AT	((size_t)256 << 10)
#define HOLD_MAX	((size_t)1 << 20)

struct integ_extract {
	struct integ_path	*path;
	struct integ_json_stream *stream;
	struct integ_jq		*jq;
	int			 strict;
	FILE			*out;
	char			*obuf;
	size_t			 olen, ocap;
	size_t			 committed;	/* bytes of ended texts */
	uint64_t		 held;		/* records of this text in obuf */
	int			 werr;		/* errno of a failed write */
	int			 passed;	/* an upstream trailer was passed on */
	int			 unverified;	/* an input without its end mark */
	int			 owed;		/* the last newline, not written */
	const char		*name;		/* the current input */
	unsigned long long	 ntext;
	int			 rc;		/* a failure inside a callback */
	struct integ_err	*e;
	unsigned char		*rbuf;
};

static int
out_write(struct integ_extract *x, const char *p, size_t n)
{
	if (n == 0 || x->werr)
		return x->werr ? -1 : 0;
	if (x->owed && putc('\n', x->out) == EOF) {
		x->werr = errno ? errno : EIO;
		return -1;
	}
	x->owed = p[n - 1] == '\n';
	n -= (size_t)x->owed;
	if (fwrite(p, 1, n, x->out) != n) {
		x->werr = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* The end of the output: the held newline, or the mark in its place. */
static int
out_end(struct integ_extract *x, int mark)
{
	if (x->werr)
		return -1;
	if (mark || x->owed) {
		/* records are compact: no line of theirs ends with a tab */
		if (fputs(mark ? INTEG_EOD_LINE : "\n", x->out) == EOF) {
			x->werr = errno ? errno : EIO;
			return -1;
		}
	}
	x->owed = 0;
	if (fflush(x->out) == EOF) {
		x->werr = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

/* Write what is committed; all of it when the held part grows too big. */
static int
out_flush(struct integ_extract *x, int all)
{
	size_t n = all || x->olen - x->committed >= HOLD_MAX ?
	    x->olen : x->committed;

	if (n == 0)
		return 0;
	if (out_write(x, x->obuf, n) == -1)
		return -1;
	memmove(x->obuf, x->obuf + n, x->olen - n);
	x->olen -= n;
	x->committed = 0;
	if (x->olen == 0)
		x->held = 0;
	return 0;
}

static int
ioerr(struct integ_extract *x)
{
	x->rc = integ_errf(x->e, INTEG_EXIT_IO, "write error: stdout: %s",
	    strerror(x->werr));
	return x->rc;
}

/* Append a record and its newline. */
static int
out_rec(struct integ_extract *x, const char *p, size_t n)
{
	size_t cap;

	if (n + 1 > x->ocap - x->olen) {
		if (x->olen >= FLUSH_AT && out_flush(x, 0) == -1)
			return ioerr(x);
		if (n + 1 > x->ocap - x->olen) {
			cap = x->ocap ? x->ocap : FLUSH_AT + HOLD_MAX + 65536;
			while (cap < x->olen + n + 1)
				cap *= 2;
			x->obuf = integ_xreallocarray(x->obuf, cap, 1);
			x->ocap = cap;
		}
	}
	memcpy(x->obuf + x->olen, p, n);
	x->obuf[x->olen + n] = '\n';
	x->olen += n + 1;
	x->held++;
	if (x->olen >= FLUSH_AT && x->olen - x->committed >= HOLD_MAX &&
	    out_flush(x, 1) == -1)
		return ioerr(x);
	return 0;
}

static int
on_record(void *arg, const char *p, size_t n)
{
	return out_rec(arg, p, n);
}

/*
 * A member that comes again on the path replaces the one before: drop
 * its last n records, if they are still held (one per line, no newline
 * inside a compact record).
 */
static int
on_retract(void *arg, uint64_t n)
{
	struct integ_extract *x = arg;
	size_t at = x->olen;

	if (n > x->held)
		return -1;
	x->held -= n;
	for (; n > 0; n--) {
		at--;		/* the record's newline */
		while (at > x->committed && x->obuf[at - 1] != '\n')
			at--;
	}
	x->olen = at;
	return 0;
}

static int
on_text(void *arg, int found)
{
	struct integ_extract *x = arg;

	x->ntext++;
	if (x->strict && !found) {
		x->rc = integ_errf(x->e, INTEG_EXIT_DATA,
		    "%s: line %llu: text %llu: nothing at %s (--strict)",
		    x->name, integ_json_stream_line(x->stream), x->ntext,
		    integ_path_text(x->path));
		return x->rc;
	}
	x->committed = x->olen;
	x->held = 0;
	if (x->olen >= FLUSH_AT && out_flush(x, 0) == -1)
		return ioerr(x);
	return 0;
}

static int
on_trailer(void *arg, int code, const char *line, size_t n)
{
	struct integ_extract *x = arg;

	/* the records of a text cut upstream are not delivered */
	if (integ_json_stream_cut(x->stream))
		x->olen = x->committed;
	x->committed = x->olen;
	if (out_flush(x, 1) == -1 || out_write(x, line, n) == -1 ||
	    out_write(x, "\n", 1) == -1)
		return ioerr(x);
	x->passed = 1;
	return 0;
}

/* A window's end: everything before it goes out first, then the mark. */
static int
on_mark(void *arg, const char *line, size_t n)
{
	struct integ_extract *x = arg;

	if (!integ_window_mark_parse(line, n, NULL))
		return -1;
	x->committed = x->olen;
	if (out_flush(x, 1) == -1 || out_write(x, line, n) == -1 ||
	    out_write(x, "\n", 1) == -1)
		return ioerr(x);
	return 0;
}

/* ---- --jq ---- */

static int
on_jq_text(void *arg, const char *p, size_t n)
{
	struct integ_extract *x = arg;
	int rc, unreadable;

	x->ntext++;
	if ((rc = integ_jq_run(x->jq, p, n, on_record, x, &unreadable,
	    x->e)) == INTEG_EXIT_DATA)
		return x->rc = integ_err_wrap(x->e, rc, "%s: text %llu: %s",
		    x->name, x->ntext, unreadable ? "jq cannot read it" :
		    "jq: error");
	if (rc != 0)
		return rc;
	x->committed = x->olen;
	x->held = 0;
	if (x->olen >= FLUSH_AT && out_flush(x, 0) == -1)
		return ioerr(x);
	return 0;
}

int
integ_extract_new(const char *path, const char *program, int strict,
    FILE *out, struct integ_extract **xp, struct integ_err *e)
{
	struct integ_json_sink sink = { on_record, on_text, on_trailer, NULL,
	    on_retract };
	struct integ_extract *x;
	int rc;

	*xp = NULL;
	x = integ_xcalloc(1, sizeof(*x));
	x->out = out;
	integ_eod_pipe_widen(fileno(out));
	x->strict = strict;
	sink.arg = x;
	if (program != NULL) {
		if ((rc = integ_jq_new(program, "--jq", &x->jq, e)) != 0) {
			integ_extract_free(x);
			return rc;
		}
		sink.record = on_jq_text;
		sink.text = NULL;
	} else if ((rc = integ_path_compile(path, &x->path, e)) != 0) {
		integ_extract_free(x);
		return rc;
	}
	x->stream = integ_json_stream_new(x->path, 0, &sink);
	integ_json_stream_on_mark(x->stream, on_mark);
	x->rbuf = integ_xmalloc(READ_SIZE);
	*xp = x;
	return 0;
}

void
integ_extract_free(struct integ_extract *x)
{
	if (x == NULL)
		return;
	integ_json_stream_free(x->stream);
	integ_path_free(x->path);
	integ_jq_free(x->jq);
	free(x->obuf);
	free(x->rbuf);
	free(x);
}

int
integ_extract_fd(struct integ_extract *x, int fd, const char *name,
    struct integ_err *e)
{
	struct integ_eod eod = { 0, { 0 } };
	struct integ_err se;
	ssize_t n;
	int rc, sig;

	x->name = name;
	x->ntext = 0;
	x->e = e;
	x->rc = 0;
	for (;;) {
		n = read(fd, x->rbuf, READ_SIZE);
		if (n == -1 && errno == EINTR) {
			if ((sig = integ_signal_caught()) != 0)
				return integ_errf(e, INTEG_EXIT_SIGNAL + sig,
				    "%s: interrupted by signal %d", name, sig);
			continue;
		}
		if (n == -1)
			return integ_errf(e, INTEG_EXIT_IO, "%s: read error: %s",
			    name, strerror(errno));
		if (n == 0)
			break;
		integ_eod_add(&eod, x->rbuf, (size_t)n);
		if ((rc = integ_json_stream_feed(x->stream, x->rbuf,
		    (size_t)n, &se)) != 0)
			goto fail;
	}
	if ((rc = integ_json_stream_end(x->stream, &se)) != 0)
		goto fail;
	if (!integ_eod_seen(&eod) && !integ_eod_whole(fd))
		x->unverified = 1;
	return 0;
fail:
	if (x->passed) {
		integ_err_clear(e);
		if (e != NULL)
			e->code = rc;
		return rc;
	}
	if (x->rc != 0)		/* the message is already in e */
		return x->rc;
	return integ_errf(e, rc, "%s: %s", name, se.msg);
}

int
integ_extract_file(struct integ_extract *x, const char *file,
    struct integ_err *e)
{
	int fd, rc;

	if (file == NULL || strcmp(file, "-") == 0)
		return integ_extract_fd(x, STDIN_FILENO, "stdin", e);
	if ((fd = open(file, O_RDONLY)) == -1)
		return integ_errf(e, INTEG_EXIT_NOINPUT, "%s: %s", file,
		    strerror(errno));
	rc = integ_extract_fd(x, fd, file, e);
	close(fd);
	return rc;
}

int
integ_extract_passed(const struct integ_extract *x)
{
	return x->passed;
}

int
integ_extract_finish(struct integ_extract *x, int code, const char *msg,
    struct integ_err *e)
{
	x->e = e;
	if (code == 0 && (out_flush(x, 1) == -1 || out_end(x, !x->unverified &&
	    integ_eod_wanted(fileno(x->out))) == -1))
		return ioerr(x);
	if (code == 0)
		return code;
	if (x->passed)
		return out_end(x, 0) == -1 ? ioerr(x) : code;
	/* the held part belongs to the text that failed */
	x->olen = x->committed;
	if (out_flush(x, 1) == -1 || out_end(x, 0) == -1)
		return ioerr(x);
	if (integ_trailer_write(x->out, code, msg) == -1)
		return integ_errf(e, INTEG_EXIT_IO, "write error: stdout: %s",
		    strerror(errno));
	return code;
}
