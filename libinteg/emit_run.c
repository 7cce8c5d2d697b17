/*
 * emit_run.c: integ-emit's loop. It reads JSON Lines, each line
 * validated and classified by shape.c, and frames them on one stream;
 * the end-of-data mark, a trailer from upstream, a bad line or a signal
 * decide how the stream ends.
 */
#include <errno.h>
#include <string.h>

#include "emit_int.h"
#include "lines_int.h"

/* integ-emit's input. */
struct run {
	struct integ_emit_stream *st;
	struct integ_err	 *e;
	const char		 *name;
	uint64_t		  every;
};

/* Each text of a line: a record, valid, as shape.c hands it out. */
static int
on_text(void *arg, const char *p, size_t len, struct integ_err *e)
{
	return integ_emit_record_valid(arg, p, len, e);
}

/* One input line of integ-emit; a failure is framed here. */
static int
line(struct run *r, const char *p, size_t len, size_t lineno)
{
	struct integ_emit_stream *st = r->st;
	struct integ_emitter *em = st->em;
	struct integ_err fe, *e = r->e;
	struct integ_json_span mv;
	const char *tmsg, *why;
	char msg[sizeof(e->msg)];
	int code, tcode;

	/* the end-of-data mark that ends the last line (integ(7)) */
	if (len > 0 && p[len - 1] == '\t')
		len--;
	if (len > 0 && p[0] == 'i' && integ_window_mark_parse(p, len, &mv)) {
		if ((code = integ_emit_mark(st, mv, e)) != 0) {
			integ_emit_stream_fail(st, code, e->msg, &fe);
			integ_emit_trailer(em, code, e->msg, NULL, 0);
		}
		return code;
	}
	if (len > 0 && p[0] == 'i' && integ_trailer_parse(p, len, &tcode,
	    &tmsg)) {
		integ_errf(e, tcode, "upstream failed: %.*s",
		    (int)(len - (size_t)(tmsg - p)), tmsg);
		integ_emit_stream_fail(st, tcode, e->msg, &fe);
		/* the trailer goes on as it came, after our messages */
		integ_emit_trailer(em, tcode, NULL, p, len);
		return tcode;
	}
	code = integ_shape_line(st->cl, p, len, integ_emit_stream_checking(st),
	    e);
	if (code != 0) {
		if (code == INTEG_EXIT_IO)
			return code;
		/* the scanner counts lines of this line: one */
		why = e->msg;
		if (strncmp(why, "line 1, ", 8) == 0)
			snprintf(msg, sizeof(msg), "%s: line %zu, %.900s",
			    r->name, lineno, why + 8);
		else
			snprintf(msg, sizeof(msg), "%s: line %zu: %.900s",
			    r->name, lineno, why);
		integ_errf(e, code, "%s", msg);
		integ_emit_stream_fail(st, code, msg, &fe);
		integ_emit_trailer(em, code, msg, NULL, 0);
		return code;
	}
	if (r->every > 0 && st->since_state + st->nheld >= r->every)
		return integ_emit_checkpoint(st, e);
	return 0;
}

/*
 * integ-emit's loop: read JSON Lines from fd and emit them on stream st.
 * A trailer line, a bad line or a signal ends the stream as failed,
 * after the records before it; the trailer (the one read, or our own) is
 * the last line written. Returns the exit status.
 */
int
integ_emit_run(struct integ_emit_stream *st, int fd, const char *name,
    uint64_t state_every, struct integ_err *e)
{
	struct integ_emitter *em = st->em;
	struct integ_lines lr;
	struct integ_err fe;
	struct run r;
	char msg[sizeof(e->msg)];
	const char *p;
	size_t len;
	int code = 0, k;

	r.st = st;
	r.e = e;
	r.name = name;
	r.every = state_every;
	/*
	 * Shapes spare a record of a shape seen before the scanner, and the
	 * schema check and the cursor lookup their walks.
	 */
	integ_shape_lines(st->cl, (st->schema != NULL && em->keep) ||
	    st->cpath != NULL, on_text, st);
	integ_eod_pipe_widen(fileno(em->fp));
	integ_lines_init(&lr, fd);
	while ((k = integ_lines_next(&lr, &p, &len)) == INTEG_LINES_LINE) {
		if (lr.sig) {
			/* the lines read before a signal: framed, no STATE */
			r.e = &fe;
			r.every = 0;
		}
		if ((code = line(&r, p, len, lr.lineno)) != 0) {
			if (lr.sig)
				code = integ_errf(e, INTEG_EXIT_SIGNAL + lr.sig,
				    "interrupted by signal %d", lr.sig);
			goto done;
		}
	}
	switch (k) {
	case INTEG_LINES_END:
		/* a stage before that died without a word: not a clean end */
		if (!integ_eod_seen(&lr.eod) && !integ_eod_whole(fd))
			integ_emit_stream_unverified(st);
		if ((code = integ_emit_stream_end(st, e)) != 0 &&
		    code != INTEG_EXIT_IO)
			/* a jq error */
			integ_emit_trailer(em, code, e->msg, NULL, 0);
		goto done;
	case INTEG_LINES_LONG:
		code = integ_errf(e, INTEG_EXIT_DATA, "%s: line %zu: longer "
		    "than %zu bytes", name, lr.lineno + 1, lr.in.max);
		break;
	case INTEG_LINES_ERROR:
		code = integ_errf(e, INTEG_EXIT_IO, "%s: %s", name,
		    strerror(errno));
		break;
	default:
		code = integ_errf(e, INTEG_EXIT_SIGNAL + lr.sig,
		    "interrupted by signal %d", lr.sig);
		break;
	}
	strlcpy(msg, e->msg, sizeof(msg));
	integ_emit_stream_fail(st, code, msg, &fe);
	integ_emit_trailer(em, code, msg, NULL, 0);
done:
	integ_lines_free(&lr);
	return code;
}
