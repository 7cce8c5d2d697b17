/* state_int.h: state.c's internals for its test helper. */
#ifndef STATE_INT_H
#define STATE_INT_H

#include <stddef.h>

struct integ_state;

/* The largest state (bytes) that is read, set or written; tests only. */
void	 integ_state_cap(struct integ_state *, size_t);

#endif
