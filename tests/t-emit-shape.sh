#!/bin/sh
# integ-emit reads a line shaped like a record it has seen by matching
# the shape's fixed bytes and scanning only the values (shape.c); the
# scanner reads every other line. Whatever path a line takes, the output
# and the errors are the same.
. "$(dirname "$0")/lib.sh"

# n records of one shape: a nested array of one or two objects
recs() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) {
		t = i % 2 ? "{\"s\":1}" : "{\"s\":1},{\"s\":2.5}"
		printf "{\"id\":%d,\"t\":[%s],\"ok\":true,\"n\":null,\"u\":\"2024-01-%02dT00:00:00Z\"}\n", i, t, i % 28 + 1 } }'
}

# a record of that shape with v in place of the member its class goes in
bad_line() {
	case $1 in
	\"*)	echo "{\"id\":1,\"t\":[{\"s\":1}],\"ok\":true,\"n\":null,\"u\":$1}" ;;
	t*)	echo "{\"id\":1,\"t\":[{\"s\":1}],\"ok\":$1,\"n\":null,\"u\":\"2024-01-01T00:00:00Z\"}" ;;
	n*)	echo "{\"id\":1,\"t\":[{\"s\":1}],\"ok\":true,\"n\":$1,\"u\":\"2024-01-01T00:00:00Z\"}" ;;
	*)	echo "{\"id\":$1,\"t\":[{\"s\":1}],\"ok\":true,\"n\":null,\"u\":\"2024-01-01T00:00:00Z\"}" ;;
	esac
}

t 'a bad value in a line of a known shape: 65 with the scanner'"'"'s words, records before framed' '
	for bad in "\"\\x\"" "\"a\\u12G4\"" "\"a\\u12\"" "01" "-" "-a" "1." "1.e5" "1e" "1e+" "tru" "trux" "nul" \
	    "\"a$(printf "\t")b\"" "\"unterminated" "\"$(printf "\\377")\"" \
	    "\"$(printf "\\355\\240\\200")\"" "\"$(printf "\\300\\200")\"" \
	    "\"$(printf "\\340\\200\\200")\"" "\"$(printf "\\364\\220\\200\\200")\"" \
	    "\"$(printf "\\342\\202")\"" "\"\\"; do
		line=$(bad_line "$bad")
		{ recs 40; printf "%s\n" "$line"; } >in
		printf "%s\n" "$line" >alone
		expect_exit 65 integ-emit --singer --replication-key u <in >out 2>err
		expect_eq 40 "$(grep -c "\"type\":\"RECORD\"" out)" "$bad"
		expect_no_grep "\"type\":\"STATE\"" out
		integ-emit --singer --replication-key u <alone >/dev/null 2>want || :
		expect_eq "$(sed "s/line 1,/line 41,/" want)" "$(cat err)" "$bad"
	done
'

t 'records of many shapes, more than are kept, then of one: byte for byte; whitespace and CRLF are read too' '
	awk "BEGIN { for (i = 1; i <= 8000; i++) {
		a = \"\"; for (k = 0; k < (i > 6000 ? 2 : i % 90); k++) a = a (k ? \",\" : \"\") k
		printf \"{\\\"id\\\":%d,\\\"a\\\":[%s],\\\"u\\\":\\\"2024-01-01T00:00:%02dZ\\\"}\\n\", i, a, i % 60 } }" >in
	integ-emit --jsonl <in >out
	cmp in out
	printf "%s\r\n" "{\"id\":1,\"a\":[],\"u\":\"x\"}" "{\"id\": 2,\"a\":[],\"u\":\"x\"}" "{\"id\":3,\"a\":[],\"u\":\"x\"}" >crlf
	integ-emit --jsonl <crlf >out
	expect_eq "{\"id\":1,\"a\":[],\"u\":\"x\"} {\"id\":2,\"a\":[],\"u\":\"x\"} {\"id\":3,\"a\":[],\"u\":\"x\"}" "$(echo $(cat out))"
	integ-emit --airbyte --replication-key u <in >out
	expect_eq 8000 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "\"stream_state\":{\"u\":\"2024-01-01T00:00:59Z\"}" out
'

t 'Singer: a known shape with another kind of value is not taken for it: the schema widens' '
	{ recs 50; echo "{\"id\":1.5,\"t\":[{\"s\":1}],\"ok\":true,\"n\":null,\"u\":\"2024-01-01T00:00:00Z\"}"
	  recs 5; echo "{\"id\":1,\"t\":[{\"s\":1}],\"ok\":true,\"n\":\"x\",\"u\":\"2024-01-01T00:00:00Z\"}"
	  recs 5; echo "{\"id\":1,\"t\":[{\"s\":1}],\"ok\":true,\"n\":null,\"u\":\"soon\"}"; } >in
	integ-emit --singer --infer 10 <in >out
	expect_eq 4 "$(grep -c "\"type\":\"SCHEMA\"" out)"
	expect_eq 63 "$(grep -c "\"type\":\"RECORD\"" out)"
	n=$(grep -n "\"record\":{\"id\":1.5," out | cut -d: -f1)
	sed -n "$((n - 1))p" out | grep -qF "\"id\":{\"type\":\"number\"}"
	n=$(grep -n "\"n\":\"x\"" out | cut -d: -f1)
	sed -n "$((n - 1))p" out | grep -qF "\"n\":{\"type\":[\"null\",\"string\"]}"
	n=$(grep -n "\"u\":\"soon\"" out | cut -d: -f1)
	sed -n "$((n - 1))p" out | grep -qF "\"u\":{\"type\":\"string\"}"
'

t 'a cursor read from lines of known shapes: the newest is the bookmark; older than the bookmark dropped' '
	recs 100 >in
	echo "{\"bookmarks\":{\"records\":{\"replication_key\":\"u\",\"replication_key_value\":\"2024-01-20T00:00:00Z\"}}}" >st
	integ-emit --singer --replication-key u --state st <in >out
	expect_eq "$(awk -F"\"u\":" "{ split(\$2, a, \"\\\"\"); if (a[2] >= \"2024-01-20\") n++ } END { print n }" in)" \
	    "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "\"replication_key_value\":\"2024-01-28T00:00:00Z\"" out
'

done_testing
