/*
 * integ.h: the public interface of libinteg.
 *
 * libinteg is the thin library under the integ tools (integ-fetch,
 * integ-extract, integ-emit, integ-state) and the connectors. Rules that
 * hold for every function here:
 *
 * - The library never writes to stdout unless it is handed a stream to
 *   write to, and never exits on a recoverable error: it returns an
 *   exit status from the table below (and fills a struct integ_err)
 *   and lets main() decide. Running out of memory is not recoverable:
 *   the integ_x* allocators die.
 * - Every integ_*_new() has an integ_*_free(); free(NULL)-style calls on
 *   NULL are no-ops.
 * - Ownership: what a function returns, or fills in through a pointer to
 *   a pointer, is the caller's when it is not const: free() a string or
 *   an array, integ_*_free() an object. A const pointer returned is
 *   borrowed from the object it came from, for as long as that object
 *   is neither changed nor freed. Pointers handed in are borrowed for the
 *   call only, copied where they are needed later, unless the function
 *   says that it keeps them ("kept, not copied") or that the memory it
 *   returns belongs to someone else ("owned by the context"). A span
 *   (struct integ_json_span) points into the text it was found in.
 * - Every buffer has a hard cap.
 * - Anything printed (logs, errors, trailers) goes through secret masking.
 */
#ifndef INTEG_H
#define INTEG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define INTEG_VERSION "0.1.0"

/* ---- exit statuses (sysexits numbers; DESIGN.md, Conventions) ---- */

enum {
	INTEG_EXIT_OK = 0,
	INTEG_EXIT_FAIL = 1,		/* unexpected; or "not found" */
	INTEG_EXIT_USAGE = 64,		/* bad invocation */
	INTEG_EXIT_DATA = 65,		/* malformed input data */
	INTEG_EXIT_NOINPUT = 66,	/* input/config/state file unreadable */
	INTEG_EXIT_REFUSED = 69,	/* API refused for good, bad TLS cert */
	INTEG_EXIT_IO = 74,		/* read or write error */
	INTEG_EXIT_TEMPFAIL = 75,	/* retries outlasted: try again later */
	INTEG_EXIT_PROTOCOL = 76,	/* server broke the contract */
	INTEG_EXIT_AUTH = 77,		/* 401 or 403 */
	INTEG_EXIT_CONFIG = 78,		/* invalid configuration */
	INTEG_EXIT_SIGNAL = 128		/* + signal number */
};

/* A short name for an exit status ("tempfail"), or "unknown". */
const char	*integ_exit_name(int);

/* ---- errors (err.c) ---- */

/*
 * A recoverable error: an exit status and a message "what: why" without
 * the program name. integ_errf masks the message, then cuts it to fit
 * (integ_secret_mask_cut); messages are masked again when they are
 * printed, and untrusted bytes in them should be passed through
 * integ_secret_escape() first.
 */
struct integ_err {
	int	 code;
	char	 msg[1024];
};

/* Fill e (which may be NULL) and return code, for `return integ_errf(...)`. */
int	 integ_errf(struct integ_err *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* Put "what: " before e's message (what from the format); return code. */
int	 integ_err_wrap(struct integ_err *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 integ_err_clear(struct integ_err *);

/* ---- allocation (xmalloc.c): dies on exhaustion, not an error ---- */

void	*integ_xmalloc(size_t);
void	*integ_xcalloc(size_t, size_t);
void	*integ_xreallocarray(void *, size_t, size_t);
char	*integ_xstrdup(const char *);
char	*integ_xstrndup(const char *, size_t);
int	 integ_xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 integ_xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* ---- secrets (secret.c) ---- */

/*
 * A process-wide registry of secret values. Every registered value is
 * also masked in its percent-encoded forms (upper and lower case hex, and
 * '+' for space). The registry has a read-write lock: a secret may be
 * registered (a URL's password) while other threads mask. The first one
 * registered makes the process write no core file (RLIMIT_CORE 0, and on
 * Linux not dumpable).
 */
void	 integ_secret_add(const char *);
void	 integ_secret_addn(const char *, size_t);
int	 integ_secret_count(void);
void	 integ_secret_clear(void);
/* Does the text contain a registered secret (in any form)? */
int	 integ_secret_in(const char *, size_t);
/*
 * A URL's userinfo: the password, "user:password" and its base64 (what
 * Authorization: Basic carries) are registered; nothing without a password.
 */
void	 integ_secret_add_userinfo(const char *, const char *);
/*
 * A new string with every secret replaced by "***", and every start of a
 * secret of 8 or more bytes that the rest does not follow (see below).
 */
char	*integ_secret_mask(const char *);
/* RFC 4648 base64 (padded) of n bytes. */
char	*integ_secret_base64(const char *, size_t);
char	*integ_secret_maskn(const char *, size_t);
/*
 * Mask, then cut: src into dst with every secret replaced by "***" (the
 * whole of src is looked at, however little is kept), escaped as by
 * integ_secret_escape with INTEG_CUT_ESCAPE, cut to fit dstsz with "..."
 * when longer. The first 8 or more bytes of a secret form are masked too where
 * the rest does not follow (a server echoed only part of it), so a cut
 * never leaves a part of a secret at the end. Always NUL-terminates
 * (dstsz > 0); returns strlen(dst).
 */
#define INTEG_CUT_ESCAPE	0x1
size_t	 integ_secret_mask_cut(char *, size_t, const void *, size_t, int);
/*
 * Escape untrusted bytes for a one-line message: secrets masked first,
 * printable ASCII as is, \n \r \t \\ \" and \xNN for the rest, cut to
 * fit dstsz with "..." when longer (integ_secret_mask_cut with
 * INTEG_CUT_ESCAPE). Always NUL-terminates (dstsz > 0). Returns
 * strlen(dst).
 */
size_t	 integ_secret_escape(char *, size_t, const void *, size_t);

/* ---- logging (log.c) ---- */

/* The levels of Airbyte's LOG message, most severe first. */
enum integ_level {
	INTEG_LOG_FATAL = 0,
	INTEG_LOG_ERROR,
	INTEG_LOG_WARN,
	INTEG_LOG_INFO,
	INTEG_LOG_DEBUG,		/* each request */
	INTEG_LOG_TRACE
};

/*
 * A sink receives one masked line without its newline. The default sink
 * writes "PROG: line\n" to stderr; connectors in Airbyte mode install one
 * that writes LOG messages (integ_emit_log_sink). A sink is called only
 * on the thread that set it: lines logged on other threads wait until
 * that thread logs, or calls integ_log_drain (at most 1 MiB of them; past
 * that they are counted, and the count said as a WARN line).
 */
typedef void	integ_log_sink_fn(enum integ_level, const char *, void *);

void	 integ_log_init(const char *, enum integ_level);
const char *integ_log_progname(void);
void	 integ_log_set_level(enum integ_level);
enum integ_level integ_log_get_level(void);
void	 integ_log_set_sink(integ_log_sink_fn *, void *);
void	 integ_log_drain(void);
/* FATAL, ERROR, WARN, INFO, DEBUG, TRACE (any case): 0, else -1. */
int	 integ_log_level_parse(const char *, enum integ_level *);
const char *integ_log_level_name(enum integ_level);
/*
 * The progress line on stderr, redrawn in place (callers draw it only
 * when stderr is a terminal): "PROG: [WHAT: ]N pages, N MB[, N
 * records/s], N retries"; final ends it with a newline. A log line
 * written to stderr meanwhile clears it first.
 */
/* total: the records the API announced, or -1 (no percentage) */
void	 integ_log_progress(const char *, unsigned long, unsigned long long,
	    long long, double, unsigned long, long long, int);
void	 integ_log(enum integ_level, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 integ_log_va(enum integ_level, const char *, va_list);
/* Log an integ_err at ERROR level; returns its code. */
int	 integ_log_err(const struct integ_err *);

/* ---- growable buffer with a hard cap (buf.c) ---- */

struct integ_buf {
	char	*data;		/* always NUL-terminated once allocated */
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* len never exceeds this */
};

#define INTEG_BUF_MAX_DEFAULT	((size_t)256 << 20)

void	 integ_buf_init(struct integ_buf *, size_t);
/* 0, or -1 with errno EMSGSIZE when the cap would be passed. */
int	 integ_buf_add(struct integ_buf *, const void *, size_t);
int	 integ_buf_addc(struct integ_buf *, int);
int	 integ_buf_adds(struct integ_buf *, const char *);
int	 integ_buf_printf(struct integ_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 integ_buf_reserve(struct integ_buf *, size_t);
void	 integ_buf_consume(struct integ_buf *, size_t);
void	 integ_buf_reset(struct integ_buf *);
void	 integ_buf_free(struct integ_buf *);
/* Take the data (NUL-terminated, may be NULL when empty); b is reset. */
char	*integ_buf_take(struct integ_buf *);

/* ---- the failure trailer (trailer.c): "integ-error: CODE message" ---- */

#define INTEG_TRAILER_PREFIX	"integ-error: "

/* Write the trailer line (masked, escaped, one line) and flush. */
int	 integ_trailer_write(FILE *, int, const char *);
/*
 * Is this line (without its newline) a trailer? If so, return 1 and set
 * *code and, when msg is not NULL, *msg to the message (inside line).
 */
int	 integ_trailer_parse(const char *, size_t, int *, const char **);

/* ---- the end of data: a tab ending the last line (eod.c, integ(7)) ---- */

/*
 * A stage that ended cleanly ends its output with INTEG_EOD_LINE: its
 * last line ends with a tab (a line of its own when nothing came before).
 * A stage killed without a word does not. It is JSON whitespace: jq
 * skips it. A reader that finds it last knows its input is whole; a
 * regular file is whole as it is (integ_eod_whole).
 */
#define INTEG_EOD_LINE	"\t\n"

/* The last two bytes seen of an input or output, and how many. */
struct integ_eod {
	unsigned long long n;
	unsigned char	 tail[2];
};

void	 integ_eod_add(struct integ_eod *, const void *, size_t);
/* Did what was seen end with the mark? */
int	 integ_eod_seen(const struct integ_eod *);
/* Is fd a regular file (whole as it is: no mark needed)? */
int	 integ_eod_whole(int fd);
/* Is the mark wanted on fd: not a regular file, not a terminal? */
int	 integ_eod_wanted(int fd);
/* A pipe on fd made to hold 1 MiB, so stages run side by side. */
void	 integ_eod_pipe_widen(int fd);

/*
 * A FILE onto fd for bytes that are not ours (integ-fetch's bodies):
 * whatever they hold, the descriptor never ends with the mark, at any
 * moment, until integ_eod_out_end(o, 1) writes it. The last newline
 * written is held back until more comes or the end. The fd stays open.
 */
struct integ_eod_out;
struct integ_eod_out *integ_eod_out_new(int);
FILE	*integ_eod_out_fp(struct integ_eod_out *);
/* Flush, and start a line if the output is in the middle of one. */
int	 integ_eod_out_newline(struct integ_eod_out *);
/* Flush, and end the output: with the mark when mark is not 0. */
int	 integ_eod_out_end(struct integ_eod_out *, int);
void	 integ_eod_out_free(struct integ_eod_out *);

/* ---- signals (signal.c) ---- */

/*
 * SIGTERM and SIGINT set a flag (without SA_RESTART, so a blocking read
 * returns EINTR) so a tool can frame what it has and end cleanly; SIGPIPE
 * keeps its default action, so a closed stdout ends the tool quietly.
 */
void	 integ_signal_init(void);
/* The signal caught (SIGTERM or SIGINT), or 0. */
int	 integ_signal_caught(void);
/* For a connector that cancels itself. */
void	 integ_signal_raise(int);

/* ---- option values (opt.c) ---- */
/*
 * The values a command line gives, read alike by every tool. Each
 * returns 0, or 64 with "OPT ARG: why" in e (integ_opt_bad says so).
 */
int	 integ_opt_bad(const char *, const char *, const char *,
	    struct integ_err *);
/* A whole number in [min, max]. */
int	 integ_opt_count(const char *, const char *, long long, long long,
	    long long *, struct integ_err *);
/* Seconds, fractions too, not negative. */
int	 integ_opt_secs(const char *, const char *, double *,
	    struct integ_err *);
/* N/s, N/m or N/h, as requests a second. */
int	 integ_opt_rate(const char *, const char *, double *,
	    struct integ_err *);
/* Bytes, with k, m or g (binary multiples). */
int	 integ_opt_size(const char *, const char *, size_t *,
	    struct integ_err *);
/*
 * NAME=VALUE split at the first '=' (arg is cut there); need: VALUE
 * must be there and not empty, else it may be left out (NULL).
 */
int	 integ_opt_pair(const char *, char *, char **, char **, int,
	    struct integ_err *);
/* A repeated option's value appended to a list (the strings borrowed). */
void	 integ_opt_push(char ***, size_t *, char *);
/*
 * A tool's options as a table, one row an option: its long name, its
 * letter (or 0), what it takes and where the value goes in the tool's
 * struct (off, an offsetof). A row of kind FN hands the value to fn
 * (opt: "--NAME"); one of kind STOP sets its int and ends the reading
 * (--help, --version). The table ends with a NULL name.
 */
enum integ_opt_kind {
	INTEG_OPT_FLAG = 1,	/* int = 1 */
	INTEG_OPT_STOP,		/* int = 1, and no more options are read */
	INTEG_OPT_STR,		/* const char * = the value */
	INTEG_OPT_LIST,		/* char ** at off and its size_t at off2 */
	INTEG_OPT_COUNT,	/* long long in [min, max] */
	INTEG_OPT_INT,		/* int in [min, max] */
	INTEG_OPT_SECS,		/* double: seconds */
	INTEG_OPT_RATE,		/* double: requests a second */
	INTEG_OPT_SIZE,		/* size_t: bytes */
	INTEG_OPT_FN		/* fn */
};
struct integ_opt {
	const char		*name;
	int			 letter;
	enum integ_opt_kind	 kind;
	size_t			 off, off2;
	long long		 min, max;	/* FN: min is the row's own */
	int			 no_arg;	/* FN: takes no value */
	int			(*fn)(void *, const struct integ_opt *,
				    const char *, char *, struct integ_err *);
};
/*
 * Read argv's options into target by the table. 0 and *first the index
 * of the first operand; or 64, e saying why (empty: getopt said it).
 */
int	 integ_opt_read(int, char *[], const struct integ_opt *, void *,
	    int *, struct integ_err *);
/* ---- end of option values ---- */

/* ---- about: a program's --version (about.c) ---- */
/*
 * "NAME VERSION" (integ's), or "NAME OWN (integ VERSION)" for a program
 * with a version of its own (a connector), on stdout, closed after; 0,
 * or the exit status of a stdout that cannot be written, said on stderr.
 */
int	 integ_about_version(const char *, const char *);
/* ---- end of about ---- */

/* ---- stdout (io.c) ---- */

/* Flush and close stdout; a write error (disk full) is INTEG_EXIT_IO. */
int	 integ_io_close_stdout(struct integ_err *);
/*
 * A program's last word: stdout closed; returns code, or, when code is 0
 * and stdout could not be written, INTEG_EXIT_IO, said on stderr.
 */
int	 integ_io_stdout_done(int);

/* ==== json (json.c, path.c) ==== */

/*
 * JSON is handled as bytes: a value is a span of the text it came in,
 * never re-printed, so numbers such as 12345678901234567890 and every
 * string escape survive as they were. Validate a text once
 * (integ_json_validate); the other functions take spans of validated
 * text and do not validate again.
 */

#define INTEG_JSON_MAX_DEPTH	1024

enum integ_json_type {
	INTEG_JSON_INVALID = 0,
	INTEG_JSON_NULL,
	INTEG_JSON_FALSE,
	INTEG_JSON_TRUE,
	INTEG_JSON_NUMBER,
	INTEG_JSON_STRING,
	INTEG_JSON_ARRAY,
	INTEG_JSON_OBJECT
};

struct integ_json_span {
	const char	*p;
	size_t		 len;
};

/*
 * Validate exactly one JSON text (RFC 8259, UTF-8, depth at most
 * INTEG_JSON_MAX_DEPTH; surrounding whitespace allowed). Returns 0, or
 * INTEG_EXIT_DATA with e->msg "line L, column C: why" (1-based; columns
 * count bytes). On success *value (may be NULL) is the text without the
 * surrounding whitespace. Stricter than jq 1.6: no NaN, 01, 1., raw
 * control bytes in strings, invalid UTF-8 or NUL; a byte-order mark is
 * an error here (the streaming API skips one at the start of an input).
 */
int	 integ_json_validate(const char *, size_t, struct integ_json_span *,
	    struct integ_err *);

/* The type of a validated value, from its first byte. */
enum integ_json_type integ_json_type(struct integ_json_span);
const char	*integ_json_type_name(enum integ_json_type);

/*
 * Children of an array or object span. For arrays key is left empty
 * ({NULL, 0}); for objects key is the member name's span with its quotes.
 * next returns 1 with a child, 0 at the end; key and value may be NULL.
 */
struct integ_json_iter {
	const char	*p;
	const char	*end;
	int		 object;
};
/* 0, or -1 when the span is not an array or object (next then yields nothing). */
int	 integ_json_iter_init(struct integ_json_iter *, struct integ_json_span);
int	 integ_json_iter_next(struct integ_json_iter *, struct integ_json_span *,
	    struct integ_json_span *);
/* Number of elements of an array (or members of an object). */
size_t	 integ_json_count(struct integ_json_span);

/* Does the string span (with quotes) decode to exactly these bytes? */
int	 integ_json_str_eq(struct integ_json_span, const char *, size_t);
/*
 * Decode a string span (with quotes) into buf (reset first) as UTF-8:
 * escapes resolved, surrogate pairs joined, a lone surrogate escape
 * (which RFC 8259 allows) as U+FFFD, as jq does. Returns 0, or -1 when the
 * buffer's cap is passed or the span is not a string.
 */
int	 integ_json_str_decode(struct integ_json_span, struct integ_buf *);
/*
 * The string member name of obj, decoded, in a new string (at most max
 * bytes; 0: the default bound), or NULL when it is absent, not a string
 * or too long.
 */
char	*integ_json_member_str(struct integ_json_span, const char *, size_t);
/*
 * Append a JSON string literal (with quotes) for len bytes of UTF-8;
 * bytes that are not valid UTF-8 become \ufffd. 0, or -1 past the cap.
 */
int	 integ_json_str_encode(struct integ_buf *, const char *, size_t);
/* Append the value without insignificant whitespace. 0, or -1 past the cap. */
int	 integ_json_compact(struct integ_json_span, struct integ_buf *);
/*
 * Structural equality: same type; numbers by exact decimal value (1,
 * 1.0 and 10e-1 are equal; nothing is rounded through a double);
 * strings by decoded bytes; arrays in order; objects by key regardless
 * of member order (a repeated name counts with its last value).
 */
int	 integ_json_equal(struct integ_json_span, struct integ_json_span);
/* A number span as a double (strtod). */
double	 integ_json_number(struct integ_json_span);
/* null and false are false; anything else is true (as in jq). */
int	 integ_json_truthy(struct integ_json_span);
/* An object's member by (decoded) name. 1 found, 0 not. */
int	 integ_json_member(struct integ_json_span, const char *,
	    struct integ_json_span *);

/*
 * Paths: the one syntax of every tool (DESIGN.md): jq-style with the
 * leading dot optional: results, .data.items, links.next, .["odd key"],
 * data[0], data[-1].id, and . for the whole text.
 */
struct integ_path;

/* Compile; a bad path is INTEG_EXIT_USAGE naming the offset. */
int	 integ_path_compile(const char *, struct integ_path **,
	    struct integ_err *);
void	 integ_path_free(struct integ_path *);
/* The path as the user wrote it. */
const char *integ_path_text(const struct integ_path *);
/*
 * Find the value at the path in a validated value. 1 found (*out set),
 * 0 missing (a member absent, an index out of range, or a step into a
 * value of the wrong type). A null found is found: callers decide.
 */
int	 integ_path_find(const struct integ_path *, struct integ_json_span,
	    struct integ_json_span *);

/*
 * Streaming: a stream of JSON texts (any whitespace between them), fed
 * in chunks of any size, yields each record at a path as compact bytes
 * (whitespace outside strings dropped, every other byte as it came).
 * An array at the path yields its elements, another value itself, null
 * or a missing path nothing. Memory is bounded by the largest record:
 * the document is never held, except that a negative index in the path
 * holds the value where the index applies. A path of NULL yields each
 * text whole (null included), for --jq. Where an object repeats a name
 * on the path, every occurrence is followed (integ_path_find takes the
 * last, as jq does).
 *
 * Any callback may be NULL. A non-zero return stops the
 * stream: feed returns that value.
 * - record: one record, p valid until the callback returns.
 * - text: the end of each text; found says whether the path held a
 *   value other than null (for --strict).
 * - trailer: a line "integ-error: CODE msg" at the start of a line
 *   between texts (without its newline). The stream stops after it:
 *   feed returns what the callback returned, or CODE if that was 0.
 *   With no trailer callback such a line is malformed input.
 *
 * Errors are INTEG_EXIT_DATA with "line L, column C: why" (the input's
 * name is the caller's to add). A UTF-8 byte-order mark at the very
 * start of an input is skipped. integ_json_stream_end() ends an input (a
 * text cut short is an error) and readies the stream for the next one,
 * from line 1. After an error or a trailer the stream is done: free it.
 */
struct integ_json_sink {
	int	(*record)(void *, const char *, size_t);
	int	(*text)(void *, int);
	int	(*trailer)(void *, int, const char *, size_t);
	void	*arg;
	/*
	 * Take back the last n records of this text: a member name that
	 * comes again on the path replaces the one before (the last wins,
	 * as in jq). 0 done; else, or when NULL, the text fails with 65.
	 */
	int	(*retract)(void *, uint64_t);
};

struct integ_json_stream;

/* maxrec: the largest record (0: INTEG_BUF_MAX_DEFAULT); path kept, not copied. */
struct integ_json_stream *integ_json_stream_new(const struct integ_path *,
	    size_t, const struct integ_json_sink *);
void	 integ_json_stream_free(struct integ_json_stream *);
int	 integ_json_stream_feed(struct integ_json_stream *, const void *,
	    size_t, struct integ_err *);
int	 integ_json_stream_end(struct integ_json_stream *, struct integ_err *);
/*
 * Was the trailer passed on found in the middle of a text (a stage
 * upstream failed while writing it, and broke the line for its trailer)?
 * The records of that text are then not whole.
 */
int	 integ_json_stream_cut(const struct integ_json_stream *);
/*
 * Offer fn (with the sink's arg) each line between texts that starts
 * with 'i', without its newline, so that it can take a mark line
 * "integ-window: V" (integ_window_mark_parse). fn returns -1 for a line that is
 * not its own, which is then a trailer or malformed input; 0 for a line
 * taken; any other value stops the stream with it as the exit status.
 */
void	 integ_json_stream_on_mark(struct integ_json_stream *,
	    int (*)(void *, const char *, size_t));
/* The current line of the input (in a callback: where the text ended). */
unsigned long long integ_json_stream_line(const struct integ_json_stream *);

/* ==== extract (extract.c) ==== */

/*
 * integ-extract: records at a path (or a jq program's outputs) from a
 * stream of JSON texts, as JSON Lines on out. Output is held back until
 * its text has ended (up to 1 MiB), so a malformed text leaves nothing
 * of itself. An upstream "integ-error:" line is passed on and its CODE
 * becomes the status.
 */
struct integ_extract;

/*
 * path or program (--jq; the other NULL). A bad path or a jq compile
 * error is INTEG_EXIT_USAGE with the reason.
 */
int	 integ_extract_new(const char *, const char *, int, FILE *,
	    struct integ_extract **, struct integ_err *);
void	 integ_extract_free(struct integ_extract *);
/*
 * One input, whole: a file (NULL or "-": stdin), or a descriptor with
 * the name to show. 0, or the status with e->msg "NAME: line L, column
 * C: why" (malformed: 65), or 66 for a file that cannot be opened; after
 * a passed-on trailer its CODE with e->msg empty.
 */
int	 integ_extract_file(struct integ_extract *, const char *,
	    struct integ_err *);
int	 integ_extract_fd(struct integ_extract *, int, const char *,
	    struct integ_err *);
/* Was an upstream trailer passed on (and the run is over)? */
int	 integ_extract_passed(const struct integ_extract *);
/*
 * The end: code 0 writes all output; otherwise what belongs to ended
 * texts, then the trailer "integ-error: CODE msg" (unless an upstream
 * one was passed on). Returns code, or INTEG_EXIT_IO on a write error.
 */
int	 integ_extract_finish(struct integ_extract *, int, const char *,
	    struct integ_err *);

/* ==== http (http.c, fetch.c, paginate.c) ==== */

/*
 * HTTP for tools and connectors. Objects:
 *
 * - struct integ_http, the client: one connection pool (keep-alive,
 *   HTTP/2 over TLS where offered), one request budget (--rate and the
 *   servers' rate-limit resets), the retry policy, the origins trusted
 *   with credentials, and the doer that performs one exchange.
 * - struct integ_request: a URL, headers and query parameters; each
 *   header or query value may be marked secret (sent only to trusted
 *   origins, masked everywhere).
 * - struct integ_response: status, headers, body of one answer.
 * - struct integ_pager: a pagination mode; integ_paginate() runs it over
 *   one or many requests and hands complete pages, in order, to a
 *   callback on the calling thread while worker threads fetch ahead.
 */

struct integ_http;
struct integ_request;

struct integ_header {
	char	*name;
	char	*value;
};

struct integ_response {
	long		 status;
	char		*url;		/* the URL that answered */
	struct integ_header *hdrs;	/* in order received; names as sent */
	size_t		 nhdrs;
	struct integ_buf body;
	int		 http_version;	/* 10, 11, 20, 30; 0 unknown */
	size_t		 streamed;	/* bytes written to the stream sink */
};

void	 integ_response_init(struct integ_response *, size_t);
void	 integ_response_reset(struct integ_response *);
void	 integ_response_free(struct integ_response *);
int	 integ_response_add_header(struct integ_response *, const char *,
	    size_t, const char *, size_t);
/* The first header of that name (any case), or NULL. */
const char *integ_response_header(const struct integ_response *,
	    const char *);

/* The default floor of a transfer's speed, over each stall_timeout. */
#define INTEG_HTTP_SPEED_LIMIT	1024

struct integ_http_opts {
	int		 retries;		/* 5 */
	double		 retry_max_time;	/* 300 s: all waits of one request */
	double		 connect_timeout;	/* 10 s */
	double		 stall_timeout;		/* 60 s without progress */
	double		 speed_limit;		/* bytes/s over stall_timeout; 0: none */
	double		 max_time;		/* 0: no bound on one exchange */
	double		 rate;			/* requests per second; 0: none */
	size_t		 max_body;		/* 256 MiB */
	int		 max_redirects;		/* 10 */
	const char	*cacert;		/* an extra CA file */
	int		 insecure;		/* no TLS verification (warned) */
	FILE		*stream;		/* write 2xx bodies here as they come */
	const char	*user_agent;
};

void	 integ_http_opts_init(struct integ_http_opts *);

/*
 * The injection point: performs one exchange (no retries, no redirects)
 * of a prepared request (absolute URL, the headers to send) and fills
 * the response. Returns 0 when an answer arrived, whatever its status;
 * INTEG_EXIT_TEMPFAIL for a failure worth retrying (connection, stall,
 * timeout, broken transfer); any other status is final. May be called
 * from several threads at once (integ_paginate with parallel > 1).
 */
typedef int	integ_http_doer_fn(void *, struct integ_http *,
		    const struct integ_request *, struct integ_response *,
		    struct integ_err *);

int	 integ_http_new(const struct integ_http_opts *, struct integ_http **,
	    struct integ_err *);
void	 integ_http_free(struct integ_http *);
/* Replace the doer (NULL restores libcurl's). Set before any request. */
void	 integ_http_set_doer(struct integ_http *, integ_http_doer_fn *,
	    void *);
/*
 * An authorizer: called before each exchange with a trusted origin, on
 * the request as it will be sent, to add its credentials
 * (integ_request_header with secret set); renew is 1 after a 401, once
 * per request: the credentials were refused, get new ones. Returns 0 or
 * an exit status (e says why). May be called from several threads.
 */
typedef int	integ_http_auth_fn(void *, struct integ_request *, int,
		    struct integ_err *);
/* Install an authorizer (NULL: none). Set before any request. */
void	 integ_http_set_auth(struct integ_http *, integ_http_auth_fn *,
	    void *);
/* The libcurl doer, for a doer that wraps it (arg unused). */
int	 integ_http_doer_curl(void *, struct integ_http *,
	    const struct integ_request *, struct integ_response *,
	    struct integ_err *);
/* Credentials (secret values) go only to origins trusted here. */
int	 integ_http_trust(struct integ_http *, const char *,
	    struct integ_err *);
int	 integ_http_trusted(const struct integ_http *, const char *);
/* Ask every transfer and wait to end (INTEG_EXIT_FAIL) soon. */
void	 integ_http_cancel(struct integ_http *);

/* ---- http: a doer's waits (http.c) ---- */
/*
 * Sleep secs in short steps; a signal ends it (128+n), so does
 * integ_http_cancel (INTEG_EXIT_FAIL). 0 when the time has passed.
 */
int	 integ_http_sleep(struct integ_http *, double);
/* ---- end of http: a doer's waits ---- */

/*
 * A call-limit bucket (bucket.c): for APIs that report a leaky bucket's
 * level on every answer as "USED/SIZE" in a header. Its doer (arg: the
 * bucket) holds a call back until the bucket has room, keeping 1 +
 * SIZE/40 calls free. It leaks share * SIZE calls a second (Shopify:
 * 1/20), or per_second calls a second when that is not 0.
 */
struct integ_bucket;
struct integ_bucket *integ_bucket_new(const char *, double, double);
void	 integ_bucket_free(struct integ_bucket *);
int	 integ_bucket_doer(void *, struct integ_http *,
	    const struct integ_request *, struct integ_response *,
	    struct integ_err *);
/*
 * A request budget of its own (a manifest stream's http.rate): requests
 * that carry it (integ_request_rate) are spaced at per_second on top of
 * the client's budget, which still holds for all of them. Used with one
 * client (its lock guards it); freed after the requests that carry it.
 */
struct integ_rate;
struct integ_rate *integ_http_rate_new(double);
void	 integ_http_rate_free(struct integ_rate *);
/* Counters for progress lines. */
struct integ_http_stats {
	unsigned long	 requests;
	unsigned long	 retries;
	unsigned long long bytes;
};
void	 integ_http_stats(struct integ_http *, struct integ_http_stats *);

/*
 * One request done whole: the request budget, the doer, retries with
 * backoff and Retry-After, redirects (at most max_redirects, http and
 * https only, secrets dropped for untrusted origins). 0 with a 2xx
 * response; otherwise the exit status of DESIGN.md's table with e
 * naming the URL, the status and the first bytes of the body.
 */
int	 integ_http_get(struct integ_http *, const struct integ_request *,
	    struct integ_response *, struct integ_err *);

/*
 * Requests. URLs must be absolute http or https (else INTEG_EXIT_USAGE).
 * Query parameters are added to any query already in the URL; a
 * parameter set again replaces the earlier one of that name.
 */
int	 integ_request_new(const char *, struct integ_request **,
	    struct integ_err *);
struct integ_request *integ_request_dup(const struct integ_request *);
void	 integ_request_free(struct integ_request *);
int	 integ_request_set_url(struct integ_request *, const char *,
	    struct integ_err *);
/*
 * A budget of the request's own besides the client's (NULL: none), and
 * its retries in place of the client's (-1: the client's). Copies (the
 * next pages) keep both.
 */
void	 integ_request_rate(struct integ_request *, struct integ_rate *);
void	 integ_request_retries(struct integ_request *, int);
/* The URL without the parameters added by integ_request_query. */
const char *integ_request_url(const struct integ_request *);
/*
 * Secret values are registered with integ_secret_add. A NULL request
 * (integ_ctx_request failed and said why) or a NULL value (an absent
 * config field or bookmark) adds nothing, so run functions need no
 * checks of their own.
 */
void	 integ_request_header(struct integ_request *, const char *,
	    const char *, int);
void	 integ_request_query(struct integ_request *, const char *,
	    const char *, int);
/* "Name: value" and "name=value", ${VAR} expanded (secret); 64 or 78. */
int	 integ_request_header_arg(struct integ_request *, const char *,
	    struct integ_err *);
int	 integ_request_query_arg(struct integ_request *, const char *,
	    struct integ_err *);
/*
 * The request as sent to url's origin: the full URL (query added) and
 * the headers, without any secret value when the origin is not trusted.
 * For doers: the prepared request's full URL and its headers.
 */
const char *integ_request_full_url(const struct integ_request *);
size_t	 integ_request_nheaders(const struct integ_request *);
const char *integ_request_header_name(const struct integ_request *, size_t);
const char *integ_request_header_value(const struct integ_request *, size_t);

/*
 * ${VAR} expansion from the environment (env.c): every expanded value is a
 * secret (registered); an unset VAR is INTEG_EXIT_CONFIG. *secret tells
 * whether anything was expanded.
 */
int	 integ_env_expand(const char *, char **, int *, struct integ_err *);

/*
 * Request bodies (body.c). A request with a body is a POST unless a
 * method is set (PUT, PATCH); a JSON body is sent with Content-Type
 * application/json unless a header says otherwise. A secret body (one
 * that held a ${VAR}) goes only to trusted origins, as secret headers do.
 */
void	 integ_request_method(struct integ_request *, const char *);
/* "GET", "POST", ...: what the request is sent as. */
const char *integ_request_method_name(const struct integ_request *);
void	 integ_request_body(struct integ_request *, const char *, size_t,
	    int);
/* The body, or NULL (and 0) when there is none. */
const char *integ_request_body_data(const struct integ_request *, size_t *);
/*
 * --data: a JSON text, or @FILE; ${VAR} expanded (secret). The result
 * must be one JSON text: 65 when it is not, 66 for a file that cannot
 * be read, 78 for an unset VAR.
 */
int	 integ_request_body_arg(struct integ_request *, const char *,
	    struct integ_err *);
/*
 * Set the value at path (member names: variables.after; objects made
 * where missing) of the request's JSON body to a JSON value text. 64
 * for a path that is not names, 65 for a body that is not an object.
 */
int	 integ_request_body_set(struct integ_request *, const char *,
	    struct integ_json_span, struct integ_err *);
/*
 * GraphQL: a 2xx answer whose body has a non-empty "errors" array fails
 * (integ_http_get): with INTEG_EXIT_REFUSED, or, when an error says it
 * is a rate limit (GitHub's type RATE_LIMITED, Shopify's THROTTLED, a
 * message about a rate limit), as a retryable failure that waits for
 * the rate-limit reset the headers give, and ends in 75.
 */
void	 integ_request_graphql(struct integ_request *, int);
/* 0, or the status above with e naming the first error's message. */
int	 integ_request_graphql_check(const struct integ_response *,
	    struct integ_err *);
/*
 * The text doc with the value at path (names) set to value, appended to
 * out. 0, 64 (a bad path) or 65 (doc or a step on the way not an object).
 */
int	 integ_request_json_set(struct integ_json_span, const char *,
	    struct integ_json_span, struct integ_buf *, struct integ_err *);

/* URLs (url.c). */
/* Resolve ref against base (NULL: ref absolute); http/https only (76). */
int	 integ_url_resolve(const char *, const char *, char **,
	    struct integ_err *);
/* "scheme://host:port" in lower case with the default port; -1 bad. */
int	 integ_url_origin(const char *, char *, size_t);
int	 integ_url_same_origin(const char *, const char *);
/* A new URL with query parameter name set (replacing) to value. */
int	 integ_url_query_set(const char *, const char *, const char *,
	    char **, struct integ_err *);
/* Append s percent-encoded (RFC 3986 unreserved kept). */
int	 integ_url_encode(struct integ_buf *, const char *, size_t);

/* Link headers (link.c): the target of rel (e.g. "next"); 1 found. */
int	 integ_link_find(const char *, const char *, struct integ_buf *);

/* Waits (retry.c). */
/* Retry-After as seconds from now (delta, fraction or HTTP-date); -1 bad. */
double	 integ_retry_after(const char *, double);
/*
 * Seconds until a rate-limit window resets when a response says none
 * remain (X-RateLimit-Remaining / RateLimit-Remaining 0 with
 * X-RateLimit-Reset epoch seconds or RateLimit-Reset delta seconds);
 * -1 when it does not say so.
 */
double	 integ_retry_ratelimit_wait(const struct integ_response *, double);
/* Exponential backoff with full jitter for attempt n (0-based). */
double	 integ_retry_backoff(int);

/* Pagination (paginate.c). */
enum integ_page_mode {
	INTEG_PAGE_NONE = 0,
	INTEG_PAGE_NEXT,	/* URL at path */
	INTEG_PAGE_LINK,	/* Link: rel="next" */
	INTEG_PAGE_CURSOR,	/* param = value at path */
	INTEG_PAGE_OFFSET,	/* param = start, start + limit, ... */
	INTEG_PAGE_NUMBER,	/* param = start, start + 1, ... */
	INTEG_PAGE_BODY		/* body path param = value at path */
};

struct integ_pager_opts {
	enum integ_page_mode mode;
	const char	*path;		/* NEXT, CURSOR */
	const char	*param;		/* CURSOR, OFFSET, NUMBER; BODY: a
					   path in the request body */
	long long	 start;		/* OFFSET (0), NUMBER (1) */
	int		 has_start;
	const char	*has_more;	/* CURSOR, BODY: stop when false */
	const char	*limit_param;	/* OFFSET, NUMBER: page size */
	long long	 limit;
	const char	*records;	/* OFFSET, NUMBER (required); counted */
	const char	*total;		/* total records: OFFSET, NUMBER page
					   by it; in any mode page->total */
	long long	 max_pages;	/* per request; 0: no bound */
	int		 parallel;	/* requests or pages at once (4) */
	int		 json;		/* validate every body whole (else --next
					   with plain names reads only what it needs) */
	int		 job_ends;	/* the callback also gets a page with rs
					   NULL after a request's last page */
};

struct integ_pager;

/* Compiles the paths: INTEG_EXIT_USAGE when they are bad or missing. */
int	 integ_pager_new(const struct integ_pager_opts *, struct integ_pager **,
	    struct integ_err *);
void	 integ_pager_free(struct integ_pager *);
/*
 * Validate each page in the one pass that also finds the records at
 * path: they reach the callback as spans into the body, page->recs
 * (path kept, not copied). Without it, pages carry no records.
 */
void	 integ_pager_gather(struct integ_pager *, const struct integ_path *);

struct integ_page {
	size_t		 job;		/* index of the first request */
	long long	 n;		/* page number within it, from 0 */
	const struct integ_response *rs;
	long long	 records;	/* count at the records path, or -1 */
	const struct integ_json_span *recs;	/* integ_pager_gather() */
	size_t		 nrecs;
	long long	 total;		/* records the first page announces
					   at the total path, or -1 */
	int		 cut;		/* max_pages ends the request's walk
					   though the API has more: its data
					   is not whole (on one of its pages) */
};

/* Return 0 to go on; anything else stops integ_paginate with it. */
typedef int	integ_page_fn(void *, const struct integ_page *,
		    struct integ_err *);

/*
 * Fetch and paginate each of the n requests, up to parallel at once;
 * pages reach fn complete, in request and page order, on the calling
 * thread. Stops at the first failure (after the pages before it). With
 * job_ends (not with a stream sink), fn also gets { job, n -1, rs NULL }
 * once every page of that request has reached it.
 */
int	 integ_paginate(struct integ_http *, struct integ_pager *,
	    struct integ_request *const *, size_t, integ_page_fn *, void *,
	    struct integ_err *);

/*
 * OAuth 2 (oauth2.c, RFC 6749): an authorizer that gets an access token
 * from a token endpoint with the refresh-token grant (section 6) when a
 * refresh token is given, else the client-credentials grant (4.4); the
 * client authenticates in the body (client_id, client_secret) or, with
 * basic, with HTTP Basic. The token is kept until shortly before its
 * expires_in runs out (a minute, or a quarter of its life when that is
 * shorter), then fetched again; a 401 renews it once. The client
 * secret, the refresh token and every access token are secrets; the
 * token request goes to the token endpoint's origin only (no redirect
 * followed), the access token to the client's trusted origins only.
 *
 * When the endpoint answers with a new refresh token (rotation), rotated
 * is called with it (under the authorizer's lock, possibly on a worker
 * thread) so the caller can keep it; its error fails the request.
 */
typedef int	integ_oauth2_rotated_fn(void *, const char *,
		    struct integ_err *);

struct integ_oauth2_opts {
	const char	*token_url;
	const char	*client_id;
	const char	*client_secret;	/* may be NULL (a public client) */
	const char	*refresh_token;	/* NULL: client-credentials grant */
	const char	*scope;		/* space-separated, or NULL */
	int		 basic;		/* client id and secret as HTTP Basic */
	integ_oauth2_rotated_fn *rotated;
	void		*rotated_arg;
};

struct integ_oauth2;

/* Copies opts; 78 for a missing token_url or client_id. */
int	 integ_oauth2_new(const struct integ_oauth2_opts *,
	    struct integ_oauth2 **, struct integ_err *);
void	 integ_oauth2_free(struct integ_oauth2 *);
/* Authorize every request of the client h makes to its trusted origins. */
void	 integ_oauth2_attach(struct integ_oauth2 *, struct integ_http *);
/* Access tokens fetched so far. */
unsigned long integ_oauth2_fetched(struct integ_oauth2 *);
/*
 * A secret given on a command line as ${VAR} (expanded from the
 * environment) or @FILE (the file's contents, the final newline
 * dropped); a literal value is INTEG_EXIT_USAGE: secrets never come
 * from argv. The value is registered as a secret.
 */
int	 integ_oauth2_secret_arg(const char *, const char *, char **,
	    struct integ_err *);

/* ==== time (time.c): clocks, RFC 3339, ISO 8601 durations ==== */

/* Monotonic seconds. */
double	 integ_time_now(void);

/* Current time as epoch ms and as RFC 3339 UTC ("...T..:..:..mmmZ"). */
int64_t	 integ_time_now_ms(void);
void	 integ_time_rfc3339(int64_t, char [32]);

/*
 * RFC 3339 date-times. parse: 0 and the instant (seconds since the epoch
 * and nanoseconds, the offset applied), or -1. strict requires 'T' and an
 * offset and checks ranges (format: date-time); lenient also takes a
 * space for 'T' and no offset (UTC).
 */
int	 integ_time_rfc3339_parse(const char *, size_t, int, int64_t *, long *);

enum integ_time_format {
	INTEG_TIME_RFC3339 = 0,	/* 2024-01-08T00:00:00Z */
	INTEG_TIME_DATE,	/* 2024-01-08: whole days, up to today */
	INTEG_TIME_EPOCH,	/* seconds */
	INTEG_TIME_EPOCH_MS	/* milliseconds */
};

/* An ISO 8601 duration: P1Y2M3W4DT5H6M7S, parts in that order. */
struct integ_duration {
	int		 years;
	int		 months;
	int		 days;
	long long	 secs;
};

/* "rfc3339", "date", "epoch", "epoch-ms": 0, else -1. */
int	 integ_time_format_parse(const char *, enum integ_time_format *);
/* 0, or -1 when it is not a duration (or is zero). */
int	 integ_time_duration_parse(const char *, struct integ_duration *);
/* t + d (sign 1) or t - d (sign -1); years, months, days in UTC. */
int64_t	 integ_time_add(int64_t, const struct integ_duration *, int);
/* An RFC 3339 date-time, a date (UTC midnight) or epoch seconds (ms). */
int	 integ_time_parse(const char *, int64_t *);
void	 integ_time_format(int64_t, enum integ_time_format, char [40]);
/* ==== end of time ==== */

/*
 * Date windows (window.c). A backfill over an API that filters by date
 * is read window by window: [from - lookback, + step), ... up to now
 * (to), each window a request with START_PARAM and END_PARAM set, in the
 * format the API wants. Between the windows' pages goes a mark line,
 * "integ-window: END" (END a JSON string or number), written only after
 * the window's last page; integ-extract passes it on and integ-emit
 * answers it with a STATE whose bookmark is END (integ_emit_mark), so no
 * bookmark passes a window that was not read whole.
 */
struct integ_window_opts {
	const char		*start_param;
	const char		*end_param;
	enum integ_time_format	 format;
	const char		*step;		/* ISO 8601 duration */
	const char		*lookback;	/* taken off from, or NULL */
	const char		*from;		/* the bookmark or a start date */
	const char		*to;		/* NULL: now */
};

struct integ_window {
	int64_t		 start;		/* epoch seconds */
	int64_t		 end;
	char		 start_text[40];	/* as the API wants them */
	char		 end_text[40];
};

#define INTEG_MARK_PREFIX	"integ-window: "

/*
 * The windows, oldest first, in an array; none when
 * from is at or past to. 64 for a bad option.
 */
int	 integ_window_plan(const struct integ_window_opts *,
	    struct integ_window **, size_t *, struct integ_err *);
/* A copy of the template with the window's parameters. */
int	 integ_window_request(const struct integ_request *,
	    const struct integ_window_opts *, const struct integ_window *,
	    struct integ_request **);
/* The window's end as the mark's JSON value (an RFC 3339 string or a number). */
void	 integ_window_mark_value(const struct integ_window *,
	    enum integ_time_format, char [48]);
/* Write "integ-window: VALUE" and flush; 0 or -1. */
int	 integ_window_mark_write(FILE *, const char *);
/* Is this line (without its newline) a mark? 1 and its value, else 0. */
int	 integ_window_mark_parse(const char *, size_t,
	    struct integ_json_span *);

/* The integ-fetch tool (fetch.c). */
struct integ_fetch_opts {
	struct integ_http_opts	 http;
	struct integ_pager_opts	 pager;
	char			**headers;	/* "Name: value" */
	size_t			 nheaders;
	char			**queries;	/* "name=value" */
	size_t			 nqueries;
	char			**urls;
	size_t			 nurls;
	const char		*urls_from;	/* file or "-" */
	/*
	 * OAuth 2 when oauth.token_url is set: client_secret and
	 * refresh_token as given (${VAR} or @FILE, see
	 * integ_oauth2_secret_arg); the refresh token is read from
	 * oauth_token_file when it exists, and a rotated one written to it.
	 */
	struct integ_oauth2_opts oauth;
	const char		*oauth_token_file;
	int			 meta;
	int			 silent;
	int			 verbose;
	const char		*method;	/* -X: NULL, or POST, PUT, ... */
	const char		*data;		/* --data: JSON or @FILE */
	int			 graphql;	/* errors in a 200 fail */
	struct integ_window_opts window;	/* start_param set: windows */
};

void	 integ_fetch_opts_init(struct integ_fetch_opts *);
/* ---- fetch: options that go together (fetch_opts.c) ---- */
/*
 * 0 when the options make one run: one pagination mode whose companions
 * are given (--limit and --total with --offset or --page, which need
 * --records; --has-more with a cursor), OAuth 2 with its token URL and
 * client, windows with their step and start on one URL, --stream
 * without a JSON path; else 64, "OPT ARG: why" in e.
 */
int	 integ_fetch_opts_check(const struct integ_fetch_opts *,
	    struct integ_err *);
/*
 * A pagination option: mode m, given as opt with arg (--next PATH,
 * --link, --cursor or --body-cursor PARAM=PATH, --offset or --page
 * PARAM[=START]; arg is cut). 64 when another mode was chosen, or a
 * cursor twice.
 */
int	 integ_fetch_opts_pager(struct integ_fetch_opts *, enum integ_page_mode,
	    const char *, char *, struct integ_err *);
/* --window START,END[,FORMAT] into the window options (arg is cut). */
int	 integ_fetch_opts_window(struct integ_fetch_opts *, char *,
	    struct integ_err *);
/* ---- end of fetch: options ---- */
/* Run integ-fetch, writing to out; the trailer on failure. */
int	 integ_fetch_run(const struct integ_fetch_opts *, FILE *,
	    struct integ_err *);

/* ==== emit (emit*.c, format_*.c, schema.c) ==== */

/*
 * Framing records as protocol messages. An emitter writes one protocol
 * (Singer, Airbyte, JSON Lines, a jq-shaped custom format) to a FILE it
 * was handed, for any number of streams in one process. A record's bytes
 * go into its message as they came: records are validated, never
 * re-printed. For records rec[0] to rec[n - 1] (JSON text) and a state
 * (integ_state_load) that gives the bookmarks and takes the new ones
 * (tt-example: emit):
 *
 *	const char *const keys[] = { "id" };
 *	struct integ_stream_spec spec = { .name = "users", .keys = keys,
 *	    .nkeys = 1, .cursor = "updated_at" };
 *	struct integ_emitter *em;
 *	struct integ_emit_stream *st = NULL;
 *	struct integ_err e;
 *	char why[sizeof(e.msg)];
 *	size_t i;
 *	int rc;
 *
 *	if ((rc = integ_emit_new("airbyte", stdout, &em, &e)) != 0)
 *		return rc;
 *	integ_emit_set_state(em, state);
 *	rc = integ_emit_stream_begin(em, &spec, &st, &e);
 *	for (i = 0; rc == 0 && i < n; i++)
 *		rc = integ_emit_record(st, rec[i], strlen(rec[i]), &e);
 *	if (rc == 0) {
 *		rc = integ_emit_stream_end(st, &e);
 *	} else if (st != NULL) {
 *		snprintf(why, sizeof(why), "%s", e.msg);
 *		integ_emit_stream_fail(st, rc, why, &e);
 *	}
 *	integ_emit_free(em);
 *	return rc;
 *
 * integ_emit_stream_end frames what is held and writes STATE and
 * COMPLETE; integ_emit_checkpoint writes a STATE between records (where
 * they are sorted). integ_emit_stream_fail writes TRACE ERROR and
 * INCOMPLETE (Airbyte; nothing in Singer) and no STATE.
 */

/* Airbyte's failure_type; integ_format_failure_of(code) maps an exit status. */
enum integ_failure {
	INTEG_FAILURE_SYSTEM = 0,	/* system_error */
	INTEG_FAILURE_CONFIG,		/* config_error */
	INTEG_FAILURE_TRANSIENT		/* transient_error */
};
const char	*integ_format_failure_name(enum integ_failure);
enum integ_failure integ_format_failure_of(int);

/* What a format is asked to write. */
enum integ_msg_kind {
	INTEG_MSG_SCHEMA = 1,	/* the stream's schema (again when widened) */
	INTEG_MSG_RECORD,
	INTEG_MSG_STATE,
	INTEG_MSG_STATUS,	/* STARTED, RUNNING, COMPLETE, INCOMPLETE */
	INTEG_MSG_ERROR,
	INTEG_MSG_LOG,
	INTEG_MSG_VERSION,	/* Singer ACTIVATE_VERSION */
	INTEG_MSG_ESTIMATE,	/* rows the source expects (count) */
	/* a connector's answers outside the streams (source.c) */
	INTEG_MSG_SPEC,		/* Airbyte: the spec (doc), docs */
	INTEG_MSG_CONNECTION,	/* Airbyte CONNECTION_STATUS: status, message */
	INTEG_MSG_CATALOG,	/* discover: the catalog (doc) */
	INTEG_MSG_CONTROL	/* Airbyte: the updated config (doc), unmasked */
};

/*
 * One message, in the terms of every protocol; a format picks what it
 * needs. Strings are NUL-terminated; spans are JSON text.
 */
struct integ_msg {
	enum integ_msg_kind	 kind;
	const char		*stream;	/* NULL for a LOG or a global ERROR */
	struct integ_json_span	 stream_json;	/* the name as a JSON string */
	const char		*ns;		/* Airbyte namespace or NULL */
	int64_t			 now_ms;	/* epoch milliseconds */
	const char		*now;		/* the same, RFC 3339 UTC with ms */
	/* SCHEMA */
	struct integ_json_span	 schema;
	const char *const	*keys;
	size_t			 nkeys;
	const char		*cursor;	/* replication key or NULL */
	/* RECORD */
	struct integ_json_span	 record;
	int64_t			 version;	/* RECORD, VERSION; 0: none */
	/* STATE */
	struct integ_json_span	 value;		/* Singer: the whole state */
	struct integ_json_span	 stream_state;	/* Airbyte: this stream's */
	uint64_t		 count;		/* STATE: records since the last
					   STATE; ESTIMATE: rows expected */
	/* STATUS */
	const char		*status;
	/* ERROR and LOG */
	enum integ_failure	 failure;
	enum integ_level	 level;
	const char		*message;
	const char		*internal;	/* may be NULL */
	/* SPEC, CATALOG, CONTROL */
	struct integ_json_span	 doc;
	const char		*docs;		/* SPEC: documentationUrl or NULL */
};

/*
 * A format: adding a protocol is one file defining one of these and one
 * line in format.c's table. open (may be NULL) gets the argument of
 * --format NAME=ARG style formats (jq's filter); write appends zero or
 * more lines to out.
 */
struct integ_format {
	const char	*name;
	const char	*summary;
	int		 needs_arg;
	int		 needs_schema;	/* SCHEMA messages: infer, hold, widen */
	int		(*open)(void **, const char *, struct integ_err *);
	void		(*close)(void *);
	int		(*write)(void *, const struct integ_msg *,
			    struct integ_buf *, struct integ_err *);
};

extern const struct integ_format integ_format_singer;
/*
 * Append a JSON Schema as Singer readers take it (they validate with
 * draft 4): compact, without a top-level "$schema" of another draft.
 */
int	 integ_format_singer_schema(struct integ_json_span, struct integ_buf *);
extern const struct integ_format integ_format_airbyte;
extern const struct integ_format integ_format_jsonl;
extern const struct integ_format integ_format_jq;

/* The registered formats, NULL-terminated; one by name, or NULL. */
const struct integ_format *const *integ_format_list(void);
const struct integ_format *integ_format_find(const char *);
/*
 * One message written by a format outside an emitter (a connector's
 * answers beside the streams) straight to fp, flushed; the bytes are
 * wiped after (CONTROL carries secrets). 0, or an exit status.
 */
int	 integ_format_print(const struct integ_format *,
	    const struct integ_msg *, FILE *, struct integ_err *);

/*
 * cursor.c: the one ordering of cursor values.
 * Compare two cursor values (JSON spans): as numbers when both are
 * numbers (or numeric strings against numbers), as instants when both
 * are RFC 3339 strings, else as decoded strings. <0, 0, >0.
 */
int	 integ_cursor_cmp(struct integ_json_span, struct integ_json_span);
/* The later of two instants (either may be NULL); the first when they
 * do not both parse. */
const char *integ_cursor_rfc3339_later(const char *, const char *);
/* end cursor.c */

/*
 * Schemas inferred from records and widened by later ones. A schema
 * accepts every record it was built from: types (null, boolean, integer,
 * number, string, object, array), nested properties and array items,
 * format date-time when every string seen was an RFC 3339 instant.
 */
struct integ_schema;
struct integ_schema *integ_schema_new(void);
void	 integ_schema_free(struct integ_schema *);
/* Widen to accept a validated value; 1 if the schema changed, else 0. */
int	 integ_schema_add(struct integ_schema *, struct integ_json_span);
/* Have a top-level property of this name (keys, cursor), any type. */
void	 integ_schema_ensure(struct integ_schema *, const char *);
/* Would the schema accept the value unchanged (no new property either)? */
int	 integ_schema_fits(const struct integ_schema *, struct integ_json_span);
/*
 * The same, picking up on the way the top-level member whose name is the
 * JSON string key (with quotes): *found 1 (and *value), 0 absent, or -1
 * unknown (the value did not fit, or a member name has an escape).
 */
int	 integ_schema_fits_grab(const struct integ_schema *,
	    struct integ_json_span, struct integ_json_span,
	    struct integ_json_span *, int *);
/* Append the JSON Schema text. */
int	 integ_schema_write(const struct integ_schema *, struct integ_buf *);

/*
 * Field selection (select.c). Append object v without its members named
 * in drop (n names), the others as they came; a schema without those
 * properties, nor in "required" (which goes when it is left empty).
 * 0, or -1 past the buffer's cap.
 */
int	 integ_select_drop(struct integ_json_span, const char *const *, size_t,
	    struct integ_buf *);
int	 integ_select_schema_drop(struct integ_json_span, const char *const *,
	    size_t, struct integ_buf *);
/* An object without those members, or an array without those strings, compact. */
int	 integ_select_without(struct integ_json_span, const char *const *,
	    size_t, struct integ_buf *);

struct integ_state;
struct integ_emitter;
struct integ_emit_stream;

/* A stream as the emitter needs it. */
struct integ_stream_spec {
	const char		*name;
	const char		*ns;		/* Airbyte namespace or NULL */
	const char		*schema;	/* JSON Schema text, or NULL: infer */
	const char *const	*keys;
	size_t			 nkeys;
	const char		*cursor;	/* replication key path, or NULL */
	size_t			 infer;		/* records to infer from; 0: 1000 */
	/*
	 * A full-table stream's table version (Singer): ACTIVATE_VERSION
	 * after its SCHEMA and again at a clean end, on every RECORD, so a
	 * target drops the rows the sync did not send. 0: none.
	 */
	int64_t			 version;
	/* Top-level members never written (field selection), or NULL. */
	const char *const	*drop;
	size_t			 ndrop;
	int			 sorted;	/* records ascending by cursor */
};

/*
 * New emitter writing format NAME (or "NAME=ARG", e.g. "jq=.record") to
 * fp. Unknown format: INTEG_EXIT_USAGE; a bad argument: its error.
 */
int	 integ_emit_new(const char *, FILE *, struct integ_emitter **,
	    struct integ_err *);
void	 integ_emit_free(struct integ_emitter *);
const struct integ_format *integ_emit_format(const struct integ_emitter *);
/*
 * Bookmarks are read from this state and recorded in it (kept, not
 * copied; NULL: no previous state).
 */
void	 integ_emit_set_state(struct integ_emitter *, struct integ_state *);
/* Write an Airbyte LOG message (Airbyte formats only; others ignore it). */
int	 integ_emit_log(struct integ_emitter *, enum integ_level, const char *,
	    struct integ_err *);
/*
 * A log sink (integ_log_set_sink(integ_emit_log_sink, em)) that writes
 * every log line as an Airbyte LOG message through the emitter.
 */
void	 integ_emit_log_sink(enum integ_level, const char *, void *);
/* A TRACE ERROR not tied to a stream. */
int	 integ_emit_error(struct integ_emitter *, enum integ_failure,
	    const char *, const char *, struct integ_err *);
/* Flush the output; a write error is INTEG_EXIT_IO. */
int	 integ_emit_flush(struct integ_emitter *, struct integ_err *);
/*
 * Keep inferred schemas up to date for integ_emit_catalog() even when
 * the format writes no schema (Airbyte). Call before the streams begin.
 */
void	 integ_emit_keep_schemas(struct integ_emitter *);
/*
 * Write an Airbyte catalog {"streams":[...]} of every stream begun, with
 * its final schema, keys, cursor and sync modes.
 */
int	 integ_emit_catalog(struct integ_emitter *, struct integ_buf *);

/*
 * catalog.c: one stream of an Airbyte catalog (an AirbyteStream), the
 * one writer of both discover and --catalog-out: name, namespace (or
 * NULL), the schema (compact JSON text), the cursor (a path: its names
 * become the field path) or NULL, the primary key's top-level fields.
 */
int	 integ_catalog_airbyte_stream(struct integ_buf *, const char *,
	    const char *, struct integ_json_span, const char *,
	    const char *const *, size_t);
/* end catalog.c */

int	 integ_emit_stream_begin(struct integ_emitter *,
	    const struct integ_stream_spec *, struct integ_emit_stream **,
	    struct integ_err *);
/*
 * One record: a JSON object (surrounding whitespace allowed). Anything
 * else is INTEG_EXIT_DATA ("not a JSON object"). A record older than the
 * bookmark is dropped; one without the cursor is written and warned
 * about once per stream.
 */
int	 integ_emit_record(struct integ_emit_stream *, const char *, size_t,
	    struct integ_err *);
/* The same for a record already validated (from the JSON scanner). */
int	 integ_emit_record_valid(struct integ_emit_stream *, const char *,
	    size_t, struct integ_err *);
/* Write the stream's STATE now (records so far are all delivered). */
int	 integ_emit_checkpoint(struct integ_emit_stream *, struct integ_err *);
/*
 * A date window read whole up to v (a JSON string or number, from a mark
 * line): from the first mark on, the bookmark is the latest window end
 * (never older than the one the stream began with), whatever the
 * records' cursors, and records are not dropped by the bookmark (the
 * windows filter, lookback included). Writes a STATE.
 */
int	 integ_emit_mark(struct integ_emit_stream *, struct integ_json_span,
	    struct integ_err *);
/* Clean end: frame what is held, STATE, COMPLETE. Output flushed. */
int	 integ_emit_stream_end(struct integ_emit_stream *, struct integ_err *);
/*
 * The end of the input was not verified (integ(7)): unless the stream
 * is sorted, its STATEs carry the bookmark it began with, and its end
 * says why on stderr if the bookmark would have moved.
 */
void	 integ_emit_stream_unverified(struct integ_emit_stream *);
/*
 * End that records nothing (a --test run): frame what is held, COMPLETE,
 * no STATE, the state untouched. Output flushed.
 */
int	 integ_emit_stream_stop(struct integ_emit_stream *, struct integ_err *);
/*
 * Failed end: frame what is held, TRACE ERROR with the failure type of
 * code, INCOMPLETE; no STATE. Output flushed.
 */
int	 integ_emit_stream_fail(struct integ_emit_stream *, int, const char *,
	    struct integ_err *);
/*
 * integ-emit's loop: JSON Lines from fd (named name in messages) onto
 * stream st, a STATE every state_every records (0: only at the end). An
 * "integ-error:" line, a line that is not a JSON object or SIGTERM/SIGINT
 * end the stream as failed after the records before it and write the
 * trailer last. An input that is not a regular file and does not end
 * with the end-of-data line is unverified (integ_emit_stream_unverified).
 * Returns the exit status (e says why when not 0).
 */
int	 integ_emit_run(struct integ_emit_stream *, int, const char *,
	    uint64_t, struct integ_err *);
/*
 * The number of records the source says the stream has (Airbyte: TRACE
 * ESTIMATE row_estimate; other protocols: nothing), for the platform's
 * progress bar and ours.
 */
int	 integ_emit_estimate(struct integ_emit_stream *, uint64_t,
	    struct integ_err *);
/* Counters of a stream: records written, dropped by the bookmark. */
uint64_t integ_emit_stream_written(const struct integ_emit_stream *);
/* The last estimate given, or 0 when none was. */
uint64_t integ_emit_stream_estimate(const struct integ_emit_stream *);
uint64_t integ_emit_stream_dropped(const struct integ_emit_stream *);

/* ==== state (state.c) ==== */

/*
 * State: every stream's bookmarks, read in any shape users have (Singer
 * classic {"bookmarks":{"S":{"K":V}}}, singer-sdk {"bookmarks":{"S":
 * {"replication_key":"K","replication_key_value":V}}}, an Airbyte
 * read --state array of STREAM/GLOBAL/LEGACY states, one Airbyte state or
 * STATE message, a Singer STATE message) and written in either
 * protocol's shape. Streams not touched keep their bytes.
 */
enum integ_protocol {
	INTEG_PROTO_SINGER = 1,
	INTEG_PROTO_AIRBYTE
};

struct integ_state *integ_state_new(void);
void	 integ_state_free(struct integ_state *);
/* Read a file; a missing file is an empty state. 66, 65 on errors. */
int	 integ_state_load(struct integ_state *, const char *,
	    struct integ_err *);
int	 integ_state_parse(struct integ_state *, const char *, size_t,
	    struct integ_err *);
/* The shape a state was read in (0: empty). */
enum integ_protocol integ_state_shape(const struct integ_state *);
/* The bookmark KEY of stream S (namespace may be NULL): 1 found, 0 not. */
int	 integ_state_get(const struct integ_state *, const char *,
	    const char *, const char *, struct integ_json_span *);
/* Set (replace) bookmark KEY of stream S to a JSON value text. */
int	 integ_state_set(struct integ_state *, const char *, const char *,
	    const char *, const char *, size_t);
/* Write the whole state in a protocol's shape. */
int	 integ_state_write(const struct integ_state *, enum integ_protocol,
	    struct integ_buf *);
/* Airbyte: one stream's stream_state object ({} when none). */
int	 integ_state_write_stream(const struct integ_state *, const char *,
	    const char *, struct integ_buf *);
/*
 * Merge one protocol message line into the state (integ-state save): an
 * Airbyte STATE replaces its stream's entry (kept verbatim), a Singer
 * STATE's bookmarks replace those of the streams it names. Returns 1 and
 * the protocol when the line was a STATE, 0 for any other message.
 */
int	 integ_state_merge_message(struct integ_state *, struct integ_json_span,
	    enum integ_protocol *);
/* Write the state to a file atomically, in a protocol's shape. */
int	 integ_state_save(const struct integ_state *, enum integ_protocol,
	    const char *, struct integ_err *);

/*
 * integ-state save: copy protocol messages from fd to out unchanged and,
 * after each STATE went out, save the merged state to path atomically.
 * An "integ-error:" line is passed on and nothing more is saved; its
 * code is returned.
 */
int	 integ_state_save_run(struct integ_state *, const char *, int, FILE *,
	    struct integ_err *);

/* file.c: read a whole file, at most max bytes, into b (initialised here). */
int	 integ_file_read(const char *, size_t, struct integ_buf *,
	    struct integ_err *);

/*
 * Write a file atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync the directory. 0 or INTEG_EXIT_IO.
 */
int	 integ_atomic_write(const char *, const void *, size_t,
	    struct integ_err *);
/* The same with the file's mode (0600 for a file that holds a secret). */
int	 integ_atomic_write_mode(const char *, const void *, size_t,
	    unsigned int, struct integ_err *);

/* ==== connectors (source.c, config.c) ==== */

/*
 * A config checked against a spec's connectionSpecification (the JSON
 * Schema subset of DESIGN.md). 0, or INTEG_EXIT_CONFIG with the field
 * named in e ("auth.kind: required field missing").
 */
int	 integ_config_validate(struct integ_json_span, struct integ_json_span,
	    struct integ_err *);
/* Register every airbyte_secret field's value as a secret; how many. */
int	 integ_config_secrets(struct integ_json_span, struct integ_json_span);

/*
 * Connectors. A source is a table of streams; integ_source_main() gives it the
 * Airbyte command line (spec, check, discover, read) and the Singer one
 * (--config, --discover, --catalog/--properties, --state). A stream's run
 * function says only what is particular to its API
 * (tt-example: connector):
 *
 *	static int
 *	orders(struct integ_ctx *ctx)
 *	{
 *		struct integ_request *rq = integ_ctx_request(ctx, "orders.json");
 *
 *		integ_request_query(rq, "status", "any", 0);
 *		integ_request_query(rq, "updated_at_min",
 *		    integ_ctx_bookmark(ctx,
 *		    integ_ctx_config(ctx, "start_date")), 0);
 *		return integ_ctx_pages(ctx, rq, INTEG_LINK, "orders");
 *	}
 *
 * Paging, retries, rate limits, state, framing, logging and both command
 * lines come from the library. Run functions return 0 or an exit status
 * (the library's errors already say why; integ_ctx_fail says it for the
 * connector's own).
 */
struct integ_ctx;
typedef int	integ_run_fn(struct integ_ctx *);

struct integ_stream {
	const char	*name;
	const char	*schema;	/* JSON Schema text, compiled in */
	const char	*key;		/* primary key field, or NULL */
	const char	*cursor;	/* replication key; NULL: full refresh */
	int		 sorted;	/* ascending by cursor: STATE every page */
	integ_run_fn	*run;
	/*
	 * schema NULL: discover infers it from the stream's first page (a
	 * request at discover time); read infers it from what it reads
	 */
	int		 infer;
};

struct integ_source {
	const char	*name;		/* the binary is source-NAME */
	const char	*version;
	const char	*docs;		/* documentationUrl */
	const char	*spec;		/* connectionSpecification, JSON text */
	const struct integ_stream *streams;	/* ends with { 0 } */
	/* NULL: check reads the first page of the first stream */
	integ_run_fn	*check;
	/* NULL, or once before any request (install a doer, say) */
	integ_run_fn	*init;
	/* one line for --about; NULL: the spec's description or title */
	const char	*description;
	/* NULL, or the HTTP client's options (rate, retries, timeouts) */
	const struct integ_http_opts *http;
};

int	 integ_source_main(const struct integ_source *, int, char *[]);

/* A config value as text (a string decoded), the spec's default, or NULL. */
const char *integ_ctx_config(struct integ_ctx *, const char *);
long long integ_ctx_config_int(struct integ_ctx *, const char *, long long);
/* The stream's bookmark as text (a string decoded), or dflt. */
const char *integ_ctx_bookmark(struct integ_ctx *, const char *);
const struct integ_stream *integ_ctx_stream(struct integ_ctx *);
struct integ_http *integ_ctx_http(struct integ_ctx *);
/* Is this run a check (one page is enough, nothing is emitted)? */
int	 integ_ctx_checking(struct integ_ctx *);
/* Config "url" + "/" + path; owned by the context, freed after the run. */
struct integ_request *integ_ctx_request(struct integ_ctx *, const char *);
/* The same for an absolute URL (a child of a listed record, say). */
struct integ_request *integ_ctx_request_url(struct integ_ctx *, const char *);
/* Fail the stream with code and a message; returns code. */
int	 integ_ctx_fail(struct integ_ctx *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * The run's error so far (code and message of the failure a library call
 * just returned), to say more about it: integ_err_wrap(integ_ctx_err(ctx),
 * code, "access_token refused").
 */
struct integ_err *integ_ctx_err(struct integ_ctx *);

/*
 * OAuth 2 for every request to the config's url (integ_oauth2_new; call
 * it from the source's init). opts hold the values (read from the
 * config: integ_ctx_config(ctx, "client_id")...). refresh_path is the config
 * path of the refresh token ("credentials.refresh_token"): a rotated
 * one replaces it there, and the updated config goes out as an Airbyte
 * CONTROL message CONNECTOR_CONFIG, or, in Singer mode, is written back
 * to the config file (atomically, its mode kept) when that is a regular
 * file. NULL: a rotated token is not kept (warned).
 */
int	 integ_ctx_oauth2(struct integ_ctx *, const struct integ_oauth2_opts *,
	    const char *);

/* Paging modes for the calls below. */
#define INTEG_SINGLE	(&(const struct integ_pager_opts){ .mode = INTEG_PAGE_NONE, .json = 1 })
#define INTEG_NEXT(p)	(&(const struct integ_pager_opts){ .mode = INTEG_PAGE_NEXT, .path = (p), .json = 1 })
#define INTEG_LINK	(&(const struct integ_pager_opts){ .mode = INTEG_PAGE_LINK, .json = 1 })

/*
 * A connector from a manifest (manifest.c, integ-manifest(5)): the file,
 * YAML or JSON, read into a source for integ_source_main(). A mistake in it is
 * INTEG_EXIT_CONFIG, "FILE:LINE: KEY: expected ...".
 */
struct integ_manifest;
int	 integ_manifest_load(const char *, struct integ_manifest **,
	    struct integ_err *);
const struct integ_source *integ_manifest_source(const struct integ_manifest *);
void	 integ_manifest_free(struct integ_manifest *);

/*
 * Fetch every page of the request(s) and emit the records found at path
 * in each (an array's elements, or the value itself; "." for the whole
 * body). With the stream's cursor and sorted, a STATE follows each page.
 * Several requests run up to "parallel" at once (the pager's, else the
 * config's "concurrency", else 4), records still in request order.
 */
int	 integ_ctx_pages(struct integ_ctx *, struct integ_request *,
	    const struct integ_pager_opts *, const char *);
int	 integ_ctx_requests(struct integ_ctx *, struct integ_request *const *,
	    size_t, const struct integ_pager_opts *, const char *);
/*
 * A backfill in date windows (integ_window_plan): one copy of the
 * request a window, each paged in full, the windows up to "parallel" at
 * once, records in window order; a STATE at each window's end (the
 * bookmark moves only there). from NULL: the stream's bookmark, else the
 * config's "start_date".
 */
int	 integ_ctx_windows(struct integ_ctx *, struct integ_request *,
	    const struct integ_window_opts *, const struct integ_pager_opts *,
	    const char *);
/* The same for absolute URLs (the children of a list, say). */
int	 integ_ctx_urls(struct integ_ctx *, const char *const *, size_t,
	    const struct integ_pager_opts *, const char *);
/*
 * Parent-child: the strings at field (a path) of every record at path on
 * every page, in order. *out is an array of n strings, freed with the
 * context.
 */
int	 integ_ctx_collect(struct integ_ctx *, struct integ_request *,
	    const struct integ_pager_opts *, const char *, const char *,
	    char ***, size_t *);

#endif /* INTEG_H */
