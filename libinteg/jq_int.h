/*
 * jq_int.h: the one libjq host, shared by integ-extract --jq (extract.c)
 * and the jq format (format_jq.c). Not installed.
 */
#ifndef JQ_INT_H
#define JQ_INT_H

#include "integ.h"

struct integ_jq;

/*
 * Compile a jq program. 0, or 64 with "WHAT: " and jq's first message
 * in e (what: the option or format that gave the program).
 */
int	 integ_jq_new(const char *, const char *, struct integ_jq **,
	    struct integ_err *);
void	 integ_jq_free(struct integ_jq *);

/* Each output of a run, compact JSON text; 0 or an exit status. */
typedef int	integ_jq_out_fn(void *, const char *, size_t);

/*
 * Run the program on one JSON text (input and inputs see no other text):
 * every output to fn, in order. 0; fn's status (the run stops there);
 * INTEG_EXIT_DATA with jq's message in e and *unreadable 1 when the text
 * does not parse, 0 when the program failed (a message that is not a
 * string, as JSON).
 */
int	 integ_jq_run(struct integ_jq *, const char *, size_t,
	    integ_jq_out_fn *, void *, int *, struct integ_err *);

#endif /* JQ_INT_H */
