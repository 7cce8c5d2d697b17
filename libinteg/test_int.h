/*
 * test_int.h: the knobs the test suite turns through the environment,
 * read inside libinteg and by nobody else. Not installed.
 */
#ifndef INTEG_TEST_INT_H
#define INTEG_TEST_INT_H

/*
 * The factor every wait (backoff, Retry-After, rate limits, the rate
 * bucket) is multiplied by: INTEG_TEST_TIMESCALE when it is set, else 1.
 */
double	 integ_time_scale(void);

#endif /* INTEG_TEST_INT_H */
