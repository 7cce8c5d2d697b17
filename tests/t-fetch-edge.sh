#!/bin/sh
# integ-fetch and the connectors at the edges of HTTP: a response cut
# before its headers end or before its promised body is a transport
# failure (retried, then 75); a body that trickles under --speed-limit is
# a stall; oversized headers are the server breaking the contract (76).
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

requests() { mock_log .n | wc -l | tr -d " "; }

# gave_up RETRIES CUT: integ-fetch --retries RETRIES of /cut/CUT (the log
# emptied first) is 75 after RETRIES + 1 requests, its trailer the only
# line written.
gave_up() {
	: >mock.log
	expect_exit 75 integ-fetch --retries "$1" "$MOCK_URL/cut/$2" >out 2>err
	expect_eq $(($1 + 1)) "$(requests)" "requests for /cut/$2"
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_grep "integ-error: 75 GET" out
}

t 'a response cut inside its headers is retried, then 75, nothing written' '
	mock_start fetch-edge
	for p in status header; do
		gave_up 2 $p
		expect_grep "gave up after 2 retries" err
	done
	expect_grep "closed before the end of the response headers" err
'

t 'a cut inside the headers, then a whole response: the whole one is written' '
	mock_start fetch-edge
	integ-fetch -v "$MOCK_URL/cut/once" >out 2>err
	expect_eq "{\"whole\":true}" "$(cat out)"
	expect_eq 2 "$(requests)"
	expect_grep "retry 1/5" err
'

t 'a body shorter than its Content-Length, a chunked body cut: retried, then 75' '
	mock_start fetch-edge
	for p in length chunked; do
		gave_up 1 $p
	done
'

t 'a pipeline over a cut response: no STATE, no COMPLETE, exit 75' '
	mock_start fetch-edge
	set +e
	integ-fetch --retries 1 "$MOCK_URL/cut/header" 2>/dev/null |
	    integ-extract items 2>/dev/null | integ-emit --airbyte --stream s >out 2>err
	rc=$?
	set -e
	expect_eq 75 "$rc"
	expect_eq 0 "$(grep -c "\"STATE\"" out || :)" "STATE messages"
	expect_eq 0 "$(grep -c "\"COMPLETE\"" out || :)" "COMPLETE messages"
'

pokeapi_cut() { # the berry list cut inside its headers, for good
	cat >s.scn <<SCN
dataset pokeapi
reply
path /api/v2/berry*
drop-head 30
header Content-Type: application/json
body {"count":0,"next":null,"results":[]}
always
SCN
	mock_start s.scn
	printf "{\"url\":\"%s/api/v2\",\"page_size\":5}\n" "$MOCK_URL" >config.json
}

t 'a connector (Singer) over a response cut in its headers: no STATE, exit 75' '
	pokeapi_cut
	source-pokeapi --config config.json --discover |
	    jq ".streams |= map(select(.tap_stream_id==\"berry\"))" >catalog.json
	set +e; source-pokeapi --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	expect_eq 0 "$(grep -c "\"type\":\"RECORD\"" out || :)" "RECORD messages"
	expect_grep "closed before the end of the response headers" err
	expect_eq 6 "$(mock_log .path | grep -c berry)" "the first try and 5 retries"
'

t 'a connector (Airbyte read) over it: INCOMPLETE, no COMPLETE, no STATE, exit 75' '
	pokeapi_cut
	full_refresh source-pokeapi berry
	expect_exit 75 source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	expect_eq 0 "$(grep -c "\"COMPLETE\"" out || :)" "COMPLETE messages"
	expect_grep "\"INCOMPLETE\"" out
'

t 'a body that trickles under --speed-limit over --timeout is a stall: retried, then 75' '
	mock_start fetch-edge
	expect_exit 75 integ-fetch --timeout 0.5 --retries 1 "$MOCK_URL/trickle" >out 2>err
	expect_eq 2 "$(requests)"
	expect_grep "too slow" err
	expect_grep "integ-error: 75 GET" out
	: >mock.log
	integ-fetch -v --timeout 0.5 "$MOCK_URL/trickle/once" >out 2>err
	expect_eq "{\"fast\":true}" "$(cat out)"
	expect_grep "retry 1/5" err
'

t '--speed-limit 0 lets a body trickle as long as it makes progress; a low floor too' '
	mock_start fetch-edge
	integ-fetch --timeout 0.5 --speed-limit 0 "$MOCK_URL/trickle" >out 2>err
	expect_eq "{\"slow\":\"0123456789012345\"}" "$(cat out)"
	: >mock.log
	integ-fetch --timeout 0.5 --speed-limit 10 "$MOCK_URL/trickle" >out 2>err
	expect_eq 1 "$(requests)"
	expect_exit 64 integ-fetch --speed-limit -1 "$MOCK_URL/trickle" 2>err
	expect_grep "speed-limit" err
'

t 'response headers of 400 KB are exit 76, not retried' '
	{
		echo reply
		echo always
		i=0
		while [ $i -lt 400 ]; do
			printf "header X-Pad-%d: %01000d\n" $i 0
			i=$((i + 1))
		done
		echo "body {}"
	} >big.scn
	mock_start big.scn
	expect_exit 76 integ-fetch "$MOCK_URL/x" >out 2>err
	expect_eq 1 "$(requests)"
	expect_grep "response headers are larger than" err
	expect_grep "integ-error: 76 GET" out
'

t 'a 1 MB Link header is exit 76, not retried, not "out of memory"' '
	{
		echo reply
		echo always
		printf "header Link: <%%URL/next?p=%01048576d>; rel=\"next\"\n" 0
		echo "body []"
	} >big.scn
	mock_start big.scn
	expect_exit 76 integ-fetch --link "$MOCK_URL/x" >out 2>err
	expect_eq 1 "$(requests)"
	expect_grep "header line is longer than" err
'

done_testing
