#!/bin/sh
# integ-emit failures travel down the pipe: a trailer on input, a line
# that is not a JSON object, SIGTERM/SIGINT. The records before are
# framed, then the protocol's error, no STATE, the documented status.
. "$(dirname "$0")/lib.sh"

recs() {
	printf '%s\n' '{"id":1,"u":"2024-01-01T00:00:00Z"}' '{"id":2,"u":"2024-01-02T00:00:00Z"}'
}

t 'a trailer: records framed, TRACE ERROR + INCOMPLETE, no STATE, trailer passed on last, its code' '
	{ recs; echo "integ-error: 75 GET http://h/: 503 after 5 retries"; } >in
	expect_exit 75 integ-emit --airbyte --replication-key u <in >out 2>err
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep "\"type\":\"STATE\"" out
	expect_grep "\"failure_type\":\"transient_error\"" out
	expect_grep "\"status\":\"INCOMPLETE\"" out
	expect_no_grep "\"status\":\"COMPLETE\"" out
	expect_eq "integ-error: 75 GET http://h/: 503 after 5 retries" "$(tail -n 1 out)"
	n=$(grep -n INCOMPLETE out | cut -d: -f1)
	expect_eq $((n + 1)) "$(wc -l <out | tr -d " ")"
	if have_conformance; then
		head -n -1 out >msgs
		validate_airbyte --strict msgs
	fi
'

t 'a trailer in Singer: records framed, nothing more but the trailer, no STATE' '
	{ recs; echo "integ-error: 77 denied"; } >in
	expect_exit 77 integ-emit --singer --replication-key u <in >out 2>err
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep "\"type\":\"STATE\"" out
	expect_eq "integ-error: 77 denied" "$(tail -n 1 out)"
	expect_eq 4 "$(wc -l <out | tr -d " ")"
'

t 'a trailer while records are held for inference: they are framed first (SCHEMA first)' '
	{ recs; echo "integ-error: 76 loop"; } | sh -c "integ-emit --singer --infer 100 >out 2>err; echo \$? >rc"
	expect_eq 76 "$(cat rc)"
	expect_eq SCHEMA "$(head -n 1 out | sed "s/^{\"type\":\"\\([A-Z]*\\)\".*/\\1/")"
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
'

t 'a line that is not a JSON object: 65 naming the line, the records before framed, no STATE' '
	{ recs; echo "[1,2]"; echo "{\"id\":3}"; } >in
	expect_exit 65 integ-emit --airbyte <in >out 2>err
	expect_grep "stdin: line 3: a record is a JSON object, not array" err
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep "\"id\":3" out
	expect_no_grep "\"type\":\"STATE\"" out
	expect_grep "\"failure_type\":\"system_error\"" out
	expect_grep "INCOMPLETE" out
	tail -n 1 out | grep -q "^integ-error: 65 stdin: line 3: "
'

t 'malformed JSON names its line and column' '
	{ recs; echo "{\"id\":3,}"; } >in
	expect_exit 65 integ-emit --singer <in >out 2>err
	expect_grep "stdin: line 3, column" err
	expect_no_grep "\"type\":\"STATE\"" out
	tail -n 1 out | grep -q "^integ-error: 65 stdin: line 3"
'

sigtest() {
	sig=$1 want=$2 fmt=$3
	rm -f fifo out
	mkfifo fifo
	integ-emit "$fmt" --replication-key u <fifo >out 2>err &
	pid=$!
	exec 3>fifo
	recs >&3
	i=0; while [ "$(grep -c "\"id\":2" out 2>/dev/null)" != 1 ] && [ $i -lt 200 ]; do
		# Airbyte frames at once; Singer holds records for inference
		[ "$fmt" = --singer ] && break
		sleep 0.02; i=$((i+1)); done
	[ "$fmt" = --singer ] && sleep 0.2
	kill -"$sig" $pid
	# A slow start (sanitizers, a loaded machine) may still ignore the
	# signal, as sh sets SIGINT for a background job: say it again.
	i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; kill -"$sig" $pid 2>/dev/null || break; i=$((i+1)); done
	set +e; wait $pid; rc=$?; set -e
	exec 3>&-
	expect_eq "$want" "$rc" "exit status"
}

t 'SIGTERM: the records read are framed, then INCOMPLETE, no STATE, 143' '
	sigtest TERM 143 --airbyte
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep "\"type\":\"STATE\"" out
	expect_grep INCOMPLETE out
	tail -n 1 out | grep -q "^integ-error: 143 "
'

t 'SIGINT in Singer: held records are framed after their SCHEMA, no STATE, 130' '
	sigtest INT 130 --singer
	expect_eq 2 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq SCHEMA "$(head -n 1 out | sed "s/^{\"type\":\"\\([A-Z]*\\)\".*/\\1/")"
	expect_no_grep "\"type\":\"STATE\"" out
	tail -n 1 out | grep -q "^integ-error: 130 "
'

t 'a STATE already written stays; none after the failure' '
	{ i=1; while [ $i -le 4 ]; do echo "{\"u\":$i}"; i=$((i+1)); done; echo "integ-error: 75 x"; } >in
	expect_exit 75 integ-emit --airbyte --replication-key u --sorted --state-every 2 <in >out 2>err
	expect_eq 2 "$(grep -c "\"type\":\"STATE\"" out)"
	awk "/\"type\":\"STATE\"/{s=NR} /INCOMPLETE/{i=NR} END{exit !(s < i)}" out
'

t 'a closed stdout ends integ-emit quietly' '
	set +e
	yes "{\"a\":1}" | head -n 200000 | integ-emit --airbyte 2>err | head -n 1 >/dev/null
	set -e
	expect_eq "" "$(cat err)"
'

t 'a full disk on stdout is 74' '
	[ -w /dev/full ] || exit 0
	recs | sh -c "integ-emit --airbyte >/dev/full 2>err; echo \$? >rc"
	expect_eq 74 "$(cat rc)"
'

done_testing
