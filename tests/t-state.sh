#!/bin/sh
# integ-state: get, set, convert, save; state shapes and merges.
. "$(dirname "$0")/lib.sh"

ab_state() {	# ab_state STREAM JSON-STATE
	printf '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"%s"},"stream_state":%s},"sourceStats":{"recordCount":1.0}}}\n' "$1" "$2"
}

t 'get prints a string raw, other values as JSON; absent is 1 unless --default' '
	echo "{\"bookmarks\":{\"u\":{\"replication_key\":\"t\",\"replication_key_value\":\"2024-01-01T00:00:00Z\"},\"o\":{\"id\":42,\"s\":\"a\\\"b\"}}}" >s.json
	expect_eq "2024-01-01T00:00:00Z" "$(integ-state get s.json u t)"
	expect_eq 42 "$(integ-state get s.json o id)"
	expect_eq "a\"b" "$(integ-state get s.json o s)"
	expect_exit 1 integ-state get s.json o nope >out
	expect_eq "" "$(cat out)"
	expect_exit 1 integ-state get s.json nostream id
	expect_eq 0 "$(integ-state get s.json o nope --default 0)"
	expect_eq 7 "$(integ-state get --default 7 s.json x y)"
	expect_exit 1 integ-state get nosuch.json o id
'

t 'get reads every shape: classic, singer-sdk, Airbyte STREAM, GLOBAL, LEGACY' '
	echo "{\"bookmarks\":{\"s\":{\"k\":1}}}" >a.json
	echo "{\"bookmarks\":{\"s\":{\"replication_key\":\"k\",\"replication_key_value\":2}}}" >b.json
	echo "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\",\"namespace\":\"n\"},\"stream_state\":{\"k\":3}}}]" >c.json
	echo "[{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{},\"stream_states\":[{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":4}}]}}]" >d.json
	echo "[{\"type\":\"LEGACY\",\"data\":{\"s\":{\"k\":5}}}]" >e.json
	echo "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"k\":6}}}}" >f.json
	r=""; for f in a b c d e f; do r="$r$(integ-state get $f.json s k)"; done
	expect_eq 123456 "$r"
'

t 'set writes the file shape back (singer-sdk form for Singer), value JSON or string' '
	integ-state set new.json users updated_at 2024-01-01T00:00:00Z
	expect_eq "{\"bookmarks\":{\"users\":{\"replication_key\":\"updated_at\",\"replication_key_value\":\"2024-01-01T00:00:00Z\"}}}" "$(cat new.json)"
	integ-state set new.json orders id 42
	integ-state set new.json orders id "{\"a\": [1]}"
	expect_eq "{\"a\":[1]}" "$(integ-state get new.json orders id)"
	echo "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":3}}}]" >ab.json
	integ-state set ab.json s k 4
	expect_eq "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":4}}}]" "$(cat ab.json)"
	have_conformance && validate_airbyte --state-file ab.json
	:
'

t 'set keeps other bookmarks of a stream and other streams byte for byte' '
	echo "{\"bookmarks\":{\"a\":{\"k\":1,\"other\":  true},\"b\":{\"x\" : [1,2]}},\"currently_syncing\":\"a\"}" >s.json
	integ-state set s.json a k 2
	expect_eq "{\"bookmarks\":{\"a\":{\"other\":true,\"k\":2},\"b\":{\"x\" : [1,2]}},\"currently_syncing\":\"a\"}" "$(cat s.json)"
'

t 'convert between Singer and Airbyte both ways' '
	echo "{\"bookmarks\":{\"a\":{\"replication_key\":\"u\",\"replication_key_value\":\"x\"},\"b\":{\"n\":5}}}" >s.json
	integ-state convert --to airbyte s.json >ab.json
	expect_eq "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"a\"},\"stream_state\":{\"u\":\"x\"}}},{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"b\"},\"stream_state\":{\"n\":5}}}]" "$(cat ab.json)"
	have_conformance && validate_airbyte --state-file ab.json
	integ-state convert --to singer ab.json >back.json
	expect_eq "{\"bookmarks\":{\"a\":{\"replication_key\":\"u\",\"replication_key_value\":\"x\"},\"b\":{\"replication_key\":\"n\",\"replication_key_value\":5}}}" "$(cat back.json)"
	expect_exit 64 integ-state convert --to nosuch s.json 2>err
	expect_exit 64 integ-state convert s.json 2>err
'

t 'a GLOBAL state converts to a GLOBAL state' '
	echo "[{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{\"lsn\":7},\"stream_states\":[{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":4}}]}}]" >g.json
	integ-state convert --to airbyte g.json >out
	expect_eq "[{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{\"lsn\":7},\"stream_states\":[{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"k\":4}}]}}]" "$(cat out)"
'

t 'an empty stream name survives a round trip (fuzz-emit found it)' '
	echo "{\"bookmarks\":{\"\":{\"k\":1}}}" >s.json
	integ-state convert --to airbyte s.json >a.json
	expect_eq 1 "$(integ-state get a.json "" k)"
	tt-state write singer <a.json >b.json
	expect_eq "{\"bookmarks\":{\"\":{\"replication_key\":\"k\",\"replication_key_value\":1}}}" "$(cat b.json)"
'

t 'bad state files: 65 for malformed, 66 for unreadable' '
	echo "{" >bad.json
	expect_exit 65 integ-state get bad.json a b 2>err
	expect_grep "bad.json" err
	echo "42" >num.json
	expect_exit 65 integ-state get num.json a b 2>err
	mkdir d.json
	expect_exit 66 integ-state get d.json a b 2>err
'

t 'save copies messages unchanged and keeps the file equal to the merged Airbyte state' '
	{ echo "{\"type\":\"RECORD\",\"record\":{\"stream\":\"a\",\"data\":{},\"emitted_at\":1}}"
	  ab_state a "{\"n\":1}"; echo "a log line, not JSON"
	  ab_state b "{\"n\":5}"; ab_state a "{\"n\":2}"; } >in
	integ-state save st.json <in >out
	expect_same in out
	expect_eq "[$(ab_state a "{\"n\":2}" | sed "s/^{\"type\":\"STATE\",\"state\"://; s/}\$//"),$(ab_state b "{\"n\":5}" | sed "s/^{\"type\":\"STATE\",\"state\"://; s/}\$//")]" "$(cat st.json)"
	have_conformance && validate_airbyte --state-file st.json
	:
'

t 'save merges Singer bookmarks per stream; a later STATE wins for the streams it names' '
	echo "{\"bookmarks\":{\"old\":{\"k\":0}}}" >st.json
	printf "%s\n" "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":{\"k\":1},\"b\":{\"k\":1}}}}" \
	    "{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"a\":{\"k\":2}},\"currently_syncing\":\"a\"}}" |
	    integ-state save st.json >out
	expect_eq "{\"bookmarks\":{\"old\":{\"k\":0},\"a\":{\"k\":2},\"b\":{\"k\":1}},\"currently_syncing\":\"a\"}" "$(cat st.json)"
'

t 'save after an existing file in the other shape keeps its streams' '
	echo "{\"bookmarks\":{\"x\":{\"replication_key\":\"k\",\"replication_key_value\":9}}}" >st.json
	ab_state a "{\"n\":1}" | integ-state save st.json >out
	expect_eq 9 "$(integ-state get st.json x k)"
	expect_eq 1 "$(integ-state get st.json a n)"
	have_conformance && validate_airbyte --state-file st.json
	:
'

t 'save: a trailer is passed on, nothing more is saved, exit with its code' '
	{ ab_state a "{\"n\":1}"; echo "integ-error: 75 server down"; ab_state a "{\"n\":2}"; } >in
	expect_exit 75 integ-state save st.json <in >out 2>err
	expect_same in out
	expect_eq 1 "$(integ-state get st.json a n)"
	expect_grep "server down" err
'

t 'the whole pipe: emit, save, and the next run starts at the bookmark' '
	printf "%s\n" "{\"id\":1,\"u\":1}" "{\"id\":2,\"u\":2}	" | integ-emit --airbyte --replication-key u --state st.json | integ-state save st.json >/dev/null
	expect_eq 2 "$(integ-state get st.json records u)"
	printf "%s\n" "{\"id\":1,\"u\":1}" "{\"id\":2,\"u\":2}" "{\"id\":3,\"u\":3}	" | integ-emit --airbyte --replication-key u --state st.json | integ-state save st.json >out
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq 3 "$(integ-state get st.json records u)"
	rc=0
	printf "%s\n" "{\"id\":4,\"u\":4}" "integ-error: 75 x" | integ-emit --airbyte --replication-key u --state st.json | integ-state save st.json >out || rc=$?
	expect_eq 75 "$rc" "exit status of the pipe"
	expect_eq "integ-error: 75 x" "$(tail -n 1 out)"
	expect_eq 3 "$(integ-state get st.json records u)"
'

t 'save: a state file that cannot be written is 74, with a trailer' '
	ab_state a "{\"n\":1}" >in
	expect_exit 74 integ-state save nodir/st.json <in >out 2>err
	expect_eq "$(cat in)" "$(head -n 1 out)"
	tail -n 1 out | grep -q "^integ-error: 74 "
'

t 'save: SIGTERM ends it with 143 and a trailer, the file as last saved' '
	mkfifo fifo
	integ-state save st.json <fifo >out 2>err &
	pid=$!
	exec 3>fifo
	ab_state a "{\"n\":1}" >&3
	i=0; while [ ! -s st.json ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i+1)); done
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	exec 3>&-
	expect_eq 143 "$rc"
	expect_eq 1 "$(integ-state get st.json a n)"
	tail -n 1 out | grep -q "^integ-error: 143 "
'

t 'atomic writes leave no temporary file behind and replace the target' '
	echo old >f
	echo new | tt-state atomic f
	expect_eq new "$(cat f)"
	expect_eq "f" "$(ls -A | grep -v "^\.out\$")"
	expect_exit 74 sh -c "echo x | tt-state atomic nodir/f 2>err"
'

t '--help and --version' '
	expect_eq "integ-state 0.1.0" "$(integ-state --version)"
	integ-state --help >out
	expect_grep "usage: integ-state get FILE STREAM KEY [--default V]" out
	expect_exit 64 integ-state frobnicate 2>err
'

done_testing
