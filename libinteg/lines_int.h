/*
 * lines_int.h: reading a descriptor line by line, for the loops of
 * integ-emit (emit_run.c) and integ-state save (state.c). Not installed.
 */
#ifndef LINES_INT_H
#define LINES_INT_H

#include "integ.h"

struct integ_lines {
	int		 fd;
	struct integ_buf in;
	size_t		 off;		/* the lines before it are handed out */
	size_t		 lineno;	/* of the last line handed out */
	int		 eof;
	int		 sig;		/* a signal caught: the last lines */
	struct integ_eod eod;		/* the bytes read, for the mark */
};

void	 integ_lines_init(struct integ_lines *, int);
void	 integ_lines_free(struct integ_lines *);

enum {
	INTEG_LINES_END = 0,
	INTEG_LINES_LINE,	/* *p, *len: a line; p[len] is its newline */
	INTEG_LINES_LONG,	/* a line longer than the buffer may hold */
	INTEG_LINES_ERROR,	/* read(2) failed: errno says why */
	INTEG_LINES_SIGNAL	/* a signal caught: nothing more read */
};

/*
 * The next line. A last line without its newline gets one. Once a
 * signal is caught nothing more is read, but the complete lines already
 * read are handed out first (lr->sig tells they come after the signal);
 * read(2) is not even tried when the signal came before it, as it would
 * block on a writer that keeps the pipe open.
 */
int	 integ_lines_next(struct integ_lines *, const char **, size_t *);

#endif /* LINES_INT_H */
