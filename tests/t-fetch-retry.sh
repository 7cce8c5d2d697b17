#!/bin/sh
# integ-fetch retries: each retryable status and connection fault, backoff,
# Retry-After in all forms, rate-limit headers, --retries, --retry-max-time,
# stalls and --timeout, --max-time, --rate.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

requests() { mock_log .n | wc -l | tr -d " "; }
# at_least X Y: X >= Y as decimal numbers
at_least() {
	awk -v x="$1" -v y="$2" "BEGIN { exit !(x >= y) }" && return 0
	echo "expected $1 >= $2" >&2; return 1
}
# the mock reads these when it starts: each test sets them just before
stamp() {
	RA_DATE=$(date -u -d "+30 sec" "+%a, %d %b %Y %H:%M:%S GMT")
	RESET_EPOCH=$(( $(date +%s) + 20 ))
	export RA_DATE RESET_EPOCH
}
stamp

t '408, 425, 429, 500, 502, 503, 504 are retried' '
	mock_start fetch-retry
	for s in 408 425 429 500 502 503 504; do
		integ-fetch "$MOCK_URL/s/$s" >out
		expect_eq "{\"ok\":true}" "$(cat out)"
	done
	expect_eq 14 "$(requests)"
'

t 'a connection dropped mid-body, then one hung up: retried from the start' '
	mock_start fetch-retry
	integ-fetch -v "$MOCK_URL/drop" >out 2>err
	expect_eq "{\"whole\":\"this body is long enough to be cut\"}" "$(cat out)"
	expect_eq 3 "$(requests)"
	expect_grep "retry 1/5" err
	expect_grep "retry 2/5" err
'

t 'Retry-After: seconds, fractional seconds, HTTP-date set the wait' '
	stamp
	mock_start fetch-retry
	integ-fetch -v "$MOCK_URL/ra/secs" >out 2>err
	expect_grep "retry 1/5 in 2.00s" err
	integ-fetch -v "$MOCK_URL/ra/frac" >out 2>err
	expect_grep "retry 1/5 in 1.50s" err
	integ-fetch -v "$MOCK_URL/ra/date" >out 2>err
	grep -Eq "retry 1/5 in (2[6-9]|30)\.[0-9]+s" err || { cat err; false; }
	expect_eq 6 "$(requests)"
'

t 'rate-limit reset on a 429: epoch X-RateLimit-Reset, delta RateLimit-Reset' '
	stamp
	mock_start fetch-retry
	integ-fetch -v "$MOCK_URL/rl/epoch" >out 2>err
	grep -Eq "retry 1/5 in (1[5-9]|20)\.[0-9]+s" err || { cat err; false; }
	integ-fetch -v "$MOCK_URL/rl/delta" >out 2>err
	expect_grep "retry 1/5 in 7.00s" err
'

t 'a 200 that says none remain makes the next request wait for the reset' '
	stamp
	mock_start fetch-retry
	INTEG_TEST_TIMESCALE=0.02 integ-fetch -v --next next "$MOCK_URL/rl/ok200" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_grep "rate limit reached" err
	t1=$(jq -r "select(.n==1) | .time" mock.log)
	t2=$(jq -r "select(.n==2) | .time" mock.log)
	# about 20 s scaled by 0.02: at least 0.25 s apart
	at_least "$(awk -v a="$t1" -v b="$t2" "BEGIN { print b - a }")" 0.25
'

t 'retries exhausted: 75, the URL, status and body; --retries counts' '
	mock_start fetch-retry
	expect_exit 75 integ-fetch --retries 2 "$MOCK_URL/down" >out 2>err
	expect_eq 3 "$(requests)"
	expect_grep "GET $MOCK_URL/down: 503: {\\\"error\\\":\\\"down for maintenance\\\"} (gave up after 2 retries)" err
	expect_grep "integ-error: 75 " out
	: >mock.log
	expect_exit 75 integ-fetch --retries 0 "$MOCK_URL/down" >out 2>err
	expect_eq 1 "$(requests)"
'

t '--retry-max-time: a wait beyond it fails at once with 75' '
	mock_start fetch-retry
	expect_exit 75 integ-fetch --retry-max-time 60 "$MOCK_URL/ra/long" >out 2>err
	expect_grep "beyond --retry-max-time 60" err
	expect_eq 1 "$(requests)"
'

t 'a stall past --timeout is retried; stalling for good is 75' '
	mock_start fetch-retry
	integ-fetch --timeout 0.5 "$MOCK_URL/stall" >out 2>err
	expect_eq "{\"slow\":false}" "$(cat out)"
	expect_eq 2 "$(requests)"
	expect_exit 75 integ-fetch --timeout 0.5 --retries 0 "$MOCK_URL/stalls" >out 2>err
	expect_grep "stalled" err
'

t '--max-time bounds one exchange; an overrun is retried like a stall' '
	mock_start fetch-retry
	expect_exit 75 integ-fetch --max-time 0.3 --retries 1 "$MOCK_URL/slow" >out 2>err
	expect_eq 2 "$(requests)"
	expect_grep "timed out" err
'

t 'a refused connection is retried, then 75' '
	expect_exit 75 integ-fetch --retries 1 --connect-timeout 1 http://127.0.0.1:1/x >out 2>err
	expect_grep "127.0.0.1:1" err
'

t '--stream: a break after bytes were written fails with 75, not retried' '
	mock_start fetch-retry
	expect_exit 75 integ-fetch --stream "$MOCK_URL/streamdrop" >out 2>err
	expect_eq 1 "$(requests)"
	expect_grep "not retried" err
'

t '--rate spaces requests, shared by parallel transfers' '
	mock_start fetch-retry
	for i in 1 2 3 4 5 6; do echo "$MOCK_URL/rate/$i"; done >urls
	INTEG_TEST_TIMESCALE=1 integ-fetch --rate 10/s --parallel 3 --urls-from urls >out
	expect_eq 6 "$(wc -l <out | tr -d " ")"
	first=$(jq -r .time mock.log | sort -n | head -n 1)
	last=$(jq -r .time mock.log | sort -n | tail -n 1)
	at_least "$(awk -v a="$first" -v b="$last" "BEGIN { print b - a }")" 0.45
'

done_testing
