#!/bin/sh
# integ-emit incremental: bookmarks in any shape, the boundary, cursor
# comparisons, other streams carried over, --state-every with --sorted.
. "$(dirname "$0")/lib.sh"

# records, and the end-of-data mark (integ(7)) an integ stage writes
recs() {
	printf '%s\n' '{"id":1,"u":"2024-01-01T00:00:00Z"}' \
	    '{"id":2,"u":"2024-01-02T00:00:00Z"}' \
	    '{"id":3,"u":"2024-01-03T00:00:00Z"}' '	'
}

t 'cursor comparison: numbers by value, exact for long integers' '
	expect_eq 1 "$(tt-emit cmp 10 9)"
	expect_eq -1 "$(tt-emit cmp 12345678901234567890 12345678901234567891)"
	expect_eq 1 "$(tt-emit cmp -5 -10)"
	expect_eq -1 "$(tt-emit cmp 1.5 2)"
	expect_eq 0 "$(tt-emit cmp 100 1e2)"
	expect_eq 1 "$(tt-emit cmp "\"10\"" 9)"
'

t 'cursor comparison: RFC 3339 instants with offsets normalised' '
	expect_eq 0 "$(tt-emit cmp "\"2024-01-01T01:00:00+01:00\"" "\"2024-01-01T00:00:00Z\"")"
	expect_eq -1 "$(tt-emit cmp "\"2024-01-01T01:00:00+02:00\"" "\"2024-01-01T00:00:00Z\"")"
	expect_eq 1 "$(tt-emit cmp "\"2024-01-01T00:00:00.5Z\"" "\"2024-01-01T00:00:00.25Z\"")"
	expect_eq 0 "$(tt-emit cmp "\"2023-12-31T23:30:00-00:30\"" "\"2024-01-01T00:00:00z\"")"
	expect_eq -1 "$(tt-emit cmp "\"2024-01-01 00:00:00\"" "\"2024-01-01T00:00:01Z\"")"
'

t 'cursor comparison: anything else as strings' '
	expect_eq 1 "$(tt-emit cmp "\"b\"" "\"a\"")"
	expect_eq -1 "$(tt-emit cmp "\"abc\"" "\"abd\"")"
	expect_eq -1 "$(tt-emit cmp "\"ab\"" "\"abc\"")"
	expect_eq 0 "$(tt-emit cmp "\"\\u0041\"" "\"A\"")"
'

t 'RFC 3339 parsing: strict (format date-time) and lenient' '
	expect_eq "1704067200 0" "$(tt-emit rfc3339 2024-01-01T00:00:00Z strict)"
	expect_eq "1704067200 500000000" "$(tt-emit rfc3339 2024-01-01T01:00:00.5+01:00 strict)"
	expect_eq bad "$(tt-emit rfc3339 2024-01-01T00:00:00 strict)"
	expect_eq bad "$(tt-emit rfc3339 "2024-01-01 00:00:00Z" strict)"
	expect_eq bad "$(tt-emit rfc3339 2023-02-29T00:00:00Z strict)"
	expect_eq bad "$(tt-emit rfc3339 2024-01-01T24:00:00Z strict)"
	expect_eq "1709164800 0" "$(tt-emit rfc3339 2024-02-29T00:00:00Z)"
	expect_eq "1704067200 0" "$(tt-emit rfc3339 "2024-01-01 00:00:00")"
'

t 'the bookmark boundary: older dropped, equal kept, newest becomes the bookmark (Singer sdk state)' '
	echo "{\"bookmarks\":{\"records\":{\"replication_key\":\"u\",\"replication_key_value\":\"2024-01-02T00:00:00Z\"}}}" >state.json
	recs | integ-emit --singer --replication-key u --state state.json >out
	expect_no_grep "\"id\":1" out
	expect_grep "\"id\":2" out
	expect_grep "\"id\":3" out
	expect_grep "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"records\":{\"replication_key\":\"u\",\"replication_key_value\":\"2024-01-03T00:00:00Z\"}}}}" out
'

t 'classic Singer state is read; the same boundary with a mixed offset' '
	echo "{\"bookmarks\":{\"records\":{\"u\":\"2024-01-02T01:00:00+01:00\"}}}" >state.json
	recs | integ-emit --airbyte --replication-key u --state state.json >out
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep "\"id\":1" out
	expect_grep "\"stream_state\":{\"u\":\"2024-01-03T00:00:00Z\"}},\"sourceStats\":{\"recordCount\":2.0}" out
'

t 'Airbyte STREAM state array is read (namespace and all)' '
	echo "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"records\"},\"stream_state\":{\"u\":\"2024-01-03T00:00:00Z\"}}}]" >state.json
	recs | integ-emit --airbyte --replication-key u --state state.json >out
	expect_eq 1 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "\"id\":3" out
'

t 'Airbyte GLOBAL and LEGACY states are read' '
	echo "[{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{\"x\":1},\"stream_states\":[{\"stream_descriptor\":{\"name\":\"records\"},\"stream_state\":{\"u\":\"2024-01-03T00:00:00Z\"}}]}}]" >g.json
	recs | integ-emit --jsonl --replication-key u --state g.json >out
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	echo "[{\"type\":\"LEGACY\",\"data\":{\"records\":{\"u\":\"2024-01-02T00:00:00Z\"}}}]" >l.json
	recs | integ-emit --jsonl --replication-key u --state l.json >out
	expect_eq 2 "$(wc -l <out | tr -d " ")"
'

t 'numeric cursors compare as numbers, not as text' '
	echo "{\"bookmarks\":{\"records\":{\"n\":9}}}" >state.json
	printf "%s\n" "{\"n\":10}" "{\"n\":8}" "{\"n\":9}" "{\"n\":100}" "	" | integ-emit --jsonl --replication-key n --state state.json >out
	printf "%s\n" "{\"n\":10}" "{\"n\":9}" "{\"n\":100}" >want
	expect_same want out
'

t 'other streams in the state are carried over untouched (Singer)' '
	echo "{\"bookmarks\":{\"other\":{\"k\":  [1, 2]},\"records\":{\"u\":\"2024-01-01T00:00:00Z\"}},\"currently_syncing\":null}" >state.json
	recs | integ-emit --singer --replication-key u --state state.json >out
	expect_grep "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"other\":{\"k\":  [1, 2]},\"records\":{\"replication_key\":\"u\",\"replication_key_value\":\"2024-01-03T00:00:00Z\"}},\"currently_syncing\":null}}" out
	have_conformance && check_singer --strict out
	:
'

t 'a missing state file is an empty state; an unreadable one is 66, a bad one 65' '
	recs | integ-emit --jsonl --replication-key u --state nosuch.json >out
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	mkdir dir.json
	expect_exit 66 integ-emit --jsonl --replication-key u --state dir.json </dev/null >out 2>err
	echo "{bad" >bad.json
	expect_exit 65 integ-emit --jsonl --replication-key u --state bad.json </dev/null >out 2>err
	expect_grep "bad.json" err
'

t 'a record without the cursor is emitted, warned about once, and does not move the bookmark' '
	printf "%s\n" "{\"id\":1,\"u\":\"2024-01-01T00:00:00Z\"}" "{\"id\":2}" "{\"id\":3,\"u\":null}" "	" |
	    integ-emit --airbyte --replication-key u >out 2>err
	expect_eq 3 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "without the cursor u" err
	expect_grep "\"stream_state\":{\"u\":\"2024-01-01T00:00:00Z\"}" out
	expect_eq 2 "$(wc -l <err | tr -d " ")"
'

t 'the newest cursor wins even when records are not sorted' '
	printf "%s\n" "{\"u\":\"2024-01-03T00:00:00Z\"}" "{\"u\":\"2024-01-01T00:00:00Z\"}" "	" |
	    integ-emit --airbyte --replication-key .u >out
	expect_grep "\"stream_state\":{\"u\":\"2024-01-03T00:00:00Z\"}" out
'

t 'Singer finds the cursor as the path does: top level only, the last of repeated names, escaped names' '
	printf "%s\n" "{\"a\":{\"u\":99},\"u\":1}" "{\"a\":{\"u\":98},\"u\":2}" \
	    "{\"u\":1,\"u\":5,\"a\":{}}" "{\"a\":{\"u\":97},\"u\":3}" "	" |
	    integ-emit --singer --replication-key u --infer 1 >out
	expect_grep "\"replication_key_value\":5}" out
	printf "%s\n" "{\"u\":1}" "{\"\\u0075\":7}" "{\"u\":2}" "	" |
	    integ-emit --singer --replication-key u --infer 1 >out
	expect_grep "\"replication_key_value\":7}" out
	printf "%s\n" "{\"u\":1}" "{\"u\":\"x\",\"v\":1}" "{\"u\":3}" "	" |
	    integ-emit --singer --replication-key u --infer 1 >out
	expect_grep "\"replication_key_value\":\"x\"}" out
'

t '--state-every N with --sorted: a STATE after every N records, recordCount adds up' '
	i=1; while [ $i -le 7 ]; do echo "{\"n\":$i}"; i=$((i+1)); done >in
	integ-emit --airbyte --replication-key n --sorted --state-every 3 <in >out
	sed -n "s/.*\"stream_state\":{\"n\":\\([0-9]*\\)}},\"sourceStats\":{\"recordCount\":\\([0-9.]*\\)}.*/\\1 \\2/p" out >states
	printf "%s\n" "3 3.0" "6 3.0" "7 1.0" >want
	expect_same want states
	# each STATE comes after the records it covers
	expect_eq 6 "$(grep -n "\"n\":3}}" out | head -n 1 | cut -d: -f1)"
	awk "/\"type\":\"RECORD\"/{r++} /\"type\":\"STATE\"/{print r}" out >covered
	printf "%s\n" 3 6 7 >want
	expect_same want covered
	have_conformance && validate_airbyte --strict out
	:
'

t '--state-every without --sorted is a usage error' '
	expect_exit 64 integ-emit --airbyte --replication-key n --state-every 3 </dev/null 2>err
	expect_grep "needs --sorted" err
	expect_exit 64 integ-emit --airbyte --sorted --state-every 3 </dev/null 2>err
	expect_grep "needs --replication-key" err
'

t '--state-every with inference: the STATE waits for the records held back' '
	i=1; while [ $i -le 5 ]; do echo "{\"n\":$i}"; i=$((i+1)); done >in
	integ-emit --singer --replication-key n --sorted --state-every 2 --infer 4 <in >out
	awk "/\"type\":\"RECORD\"/{r++} /\"type\":\"STATE\"/{print r}" out >covered
	head -n 1 covered >first
	[ "$(cat first)" -ge 2 ]
	expect_eq 5 "$(tail -n 1 covered)"
	have_conformance && check_singer --strict out
	:
'

done_testing
