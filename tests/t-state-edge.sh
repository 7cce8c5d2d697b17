#!/bin/sh
# State at the edges: states past 64 MiB saved whole or refused with the
# file untouched, a pretty-printed state never breaks a line, a state
# file that is not a state is an error, not an empty state.
. "$(dirname "$0")/lib.sh"

# big N: N MiB of x, as a JSON string (without its quotes)
big() { head -c "$(($1 << 20))" /dev/zero | tr '\0' x; }

# one_line FILE: every line of FILE is one JSON text
one_line() {
	n=$(wc -l <"$1" | tr -d ' ')
	expect_eq "$n" "$(jq -c . "$1" | wc -l | tr -d ' ')" "JSON texts in $1"
}

t 'save: a Singer state of 65 MiB is saved whole, byte for byte' '
	{ printf "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"k\":\""; big 65; printf "\"}}}}\n"; } >in
	integ-state save st.json <in >out
	cmp in out
	jq -c .value in >want
	cmp want st.json
'

t 'save: an Airbyte stream_state of 65 MiB is saved whole, not []' '
	{ printf "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":\""; big 65; printf "\"}}}}\n"; } >in
	integ-state save st.json <in >out
	jq -c "[.state]" in >want
	cmp want st.json
	integ-state convert --to singer st.json >conv
	expect_eq $((65 << 20)) "$(jq -r ".bookmarks.s.replication_key_value | length" conv)"
'

t 'integ-emit --state reads a 65 MiB state and carries it on whole, both protocols' '
	{ printf "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":\"b\",\"pad\":\""; big 65; printf "\"}}}]\n"; } >st.json
	printf "{\"id\":1,\"k\":\"a\"}\n{\"id\":2,\"k\":\"c\"}\n" >recs
	integ-emit --airbyte --stream s --replication-key k --state st.json <recs >out
	expect_eq 2 "$(jq -r "select(.type==\"RECORD\") | .record.data.id" out)"
	expect_eq "c $((65 << 20))" "$(jq -r "select(.type==\"STATE\") | .state.stream.stream_state | \"\(.k) \(.pad | length)\"" out)"
	integ-emit --singer --stream s --replication-key k --state st.json <recs |
	    integ-state save saved.json >out
	expect_eq "c $((65 << 20))" "$(jq -r ".bookmarks.s | \"\(.k) \(.pad | length)\"" saved.json)"
'

t 'a state past the cap is refused: exit 65, a clear error, a trailer, the file untouched' '
	echo "{\"bookmarks\":{\"s\":{\"k\":1}}}" >st.json
	cp st.json before
	{ echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"k\":2}}}}"
	  echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"t\":{\"k\":\"$(big 1 | head -c 2000)\"}}}}"
	  echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"k\":3}}}}"; } >in
	expect_exit 65 tt-state save 1000 st.json <in >out 2>err
	expect_grep "larger than 1000 bytes: not saved, the file is unchanged" err
	expect_eq "integ-error: 65" "$(tail -n 1 out | cut -c1-15)"
	# the first STATE was saved; the one too large left it as it was
	expect_eq "{\"bookmarks\":{\"s\":{\"k\":2}}}" "$(cat st.json)"
	for f in .st.json.*; do
		[ ! -e "$f" ] || { echo "left: $f" >&2; return 1; }
	done
'

t 'a bookmark larger than a cursor value may be is an error, not a bookmark gone back' '
	{ printf "{\"bookmarks\":{\"s\":{\"k\":\""; big 2; printf "\"}}}\n"; } >st.json
	echo "{\"id\":1,\"k\":\"a\"}" >recs
	expect_exit 65 integ-emit --singer --stream s --replication-key k --state st.json <recs >out 2>err
	expect_grep "bookmark in the state is larger than" err
	expect_no_grep "\"STATE\"" out
'

pretty_states() {
	printf "{\n  \"bookmarks\": {\n    \"s\": {\n      \"k\": 1,\r\n      \"o\": [\n 1,\n 2\n ]\n    },\n    \"t\": {\"x\":\n {\"y\": true}}\n  },\n  \"currently_syncing\":\n \"s\"\n}\n" >singer.json
	printf "[\n  {\n    \"type\": \"STREAM\",\n    \"stream\": {\n      \"stream_descriptor\": {\"name\": \"s\"},\n      \"stream_state\": {\n        \"k\": 1,\n        \"o\": [1,\n 2]\n      }\n    }\n  },\n  {\"type\": \"STREAM\", \"stream\": {\"stream_descriptor\": {\"name\": \"t\"}, \"stream_state\": {\"x\": {\n\"y\": true}}}}\n]\n" >airbyte.json
}

t 'integ-emit: a pretty-printed --state gives one line per message, both protocols' '
	pretty_states
	printf "{\"id\":1,\"k\":2}\n" >recs
	for f in singer airbyte; do
		for p in singer airbyte; do
			integ-emit --$p --stream s --replication-key k --state $f.json <recs >out.$f.$p
			one_line out.$f.$p
			expect_eq 1 "$(grep -c "\"STATE\"" out.$f.$p)" "$f -> $p"
		done
	done
	expect_eq "{\"bookmarks\":{\"s\":{\"o\":[1,2],\"k\":2},\"t\":{\"x\":{\"y\":true}}},\"currently_syncing\":\"s\"}" "$(jq -c "select(.type==\"STATE\") | .value" out.singer.singer)"
	expect_eq "{\"o\":[1,2],\"k\":2}" "$(jq -c "select(.type==\"STATE\") | .state.stream.stream_state" out.airbyte.airbyte)"
	if have_conformance; then
		validate_airbyte --strict out.singer.airbyte
		check_singer --strict out.airbyte.singer
	fi
'

t 'integ-state: convert, set and save of a pretty-printed state write one line' '
	pretty_states
	for f in singer airbyte; do
		for p in singer airbyte; do
			integ-state convert --to $p $f.json >conv
			expect_eq 1 "$(wc -l <conv | tr -d " ")" "convert $f -> $p"
		done
		cp $f.json set.json
		integ-state set set.json u k 5
		expect_eq 1 "$(wc -l <set.json | tr -d " ")" "set $f"
		cp $f.json saved.json
		echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"u\":{\"k\":5}}}}" |
		    integ-state save saved.json >/dev/null
		expect_eq 1 "$(wc -l <saved.json | tr -d " ")" "save $f"
		expect_eq 1 "$(integ-state get saved.json s k)"
	done
'

t 'a state file that is an array of non-states is an error naming the file, exit 65' '
	echo "[1,2,3]" >st.json
	expect_exit 65 integ-state get st.json s k 2>err
	expect_grep "st.json: a state array holds state messages; element 0 is number" err
	expect_exit 65 integ-emit --singer --stream s --replication-key k --state st.json </dev/null >out 2>err
	expect_grep "st.json" err
	expect_exit 65 integ-state convert --to singer st.json >out 2>err
	expect_eq "" "$(cat out)"
	echo "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":1}}},{\"a\":1}]" >st.json
	expect_exit 65 integ-state get st.json s k 2>err
	expect_grep "element 1 is an object without stream, global or data" err
	cp st.json before
	expect_exit 65 integ-state set st.json s k 2 2>err
	cmp before st.json
'

t 'an empty array, an empty file and a missing file are still the empty state' '
	echo "[]" >a.json
	: >b.json
	for f in a.json b.json none.json; do
		expect_eq 7 "$(integ-state get $f s k --default 7)" "$f"
	done
'

done_testing
