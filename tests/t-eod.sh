#!/bin/sh
# The end of data between the stages (integ(7)): the end-of-data mark (a
# tab ending the last line) that integ-fetch and integ-extract write into
# a pipe after a clean run, what
# integ-emit does without it, a trailer on a line of its own after a cut
# --stream body, pages written out before a wait, and kill -9 of each
# upstream stage at random moments, for an ascending and a newest-first
# API: the saved bookmark never passes a record that was not delivered.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'
need curl || skip_all 'no curl'
need mkfifo || skip_all 'no mkfifo'

# the records of eod-asc and eod-desc are this large (see there)
EOD_PAD=$(head -c 60000 /dev/zero | tr "\0" x)
export EOD_PAD

# wait_requests N [PID]: until the mock has logged N requests (at most 5 s),
# or PID has ended
wait_requests() {
	_w=0
	while [ "$(wc -l <"$MOCK_LOG")" -lt "$1" ] && [ $_w -lt 500 ]; do
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 0
		sleep 0.01; _w=$((_w + 1))
	done
}

# the last two bytes of stdin, in hex ("090a": the end-of-data mark)
last2() { tail -c 2 | od -An -tx1 | tr -d " \n"; }
# a random pause of 0 to $1 seconds
rnd() {
	od -An -N2 -tu2 /dev/urandom |
	    awk -v m="$1" '{ printf "%.3f", $1 / 65536 * m }'
}

t 'integ-fetch into a pipe ends with the end-of-data mark, into a file not' '
	mock_start eod
	integ-fetch "$MOCK_URL/plain" | last2 >got
	expect_eq 090a "$(cat got)"
	# the last line ends with it: lines are counted and read as before
	expect_eq 1 "$(integ-fetch "$MOCK_URL/plain" | wc -l)"
	integ-fetch "$MOCK_URL/plain" >file
	expect_eq "{\"results\":[{\"id\":1,\"u\":1},{\"id\":2,\"u\":2}]}" "$(cat file)"
'

# pipesz: after the first byte, the size of the pipe on stdin (F_GETPIPE_SZ)
pipesz() {
	python3 -c "import fcntl, sys; sys.stdin.buffer.read(1); print(fcntl.fcntl(0, 1032)); sys.stdin.buffer.read()"
}

t 'the pipes between the stages hold 1 MiB, so the stages run side by side' '
	mock_start eod
	expect_eq 1048576 "$(integ-fetch "$MOCK_URL/plain" | pipesz)"
	expect_eq 1048576 "$(integ-fetch "$MOCK_URL/plain" >f; integ-extract results f | pipesz)"
	expect_eq 1048576 "$(integ-extract results f | integ-emit --jsonl | pipesz)"
'

t 'integ-fetch | jq and integ-extract | jq work as before' '
	mock_start eod
	integ-fetch "$MOCK_URL/plain" | jq -c .results >got
	expect_eq "[{\"id\":1,\"u\":1},{\"id\":2,\"u\":2}]" "$(cat got)"
	integ-fetch "$MOCK_URL/plain" | jq -r ".results[].id" >got
	expect_eq "1 2" "$(echo $(cat got))"
	integ-fetch "$MOCK_URL/plain" | integ-extract results | jq -c . >got
	printf "%s\n" "{\"id\":1,\"u\":1}" "{\"id\":2,\"u\":2}" >want
	expect_same want got
	integ-fetch "$MOCK_URL/plain" | integ-extract --jq ".results[].u" | jq -s -c . >got
	expect_eq "[1,2]" "$(cat got)"
	integ-fetch "$MOCK_URL/plain" | integ-extract results | wc -l >got
	expect_eq 2 "$(tr -d " " <got)"
	integ-fetch "$MOCK_URL/plain" | integ-extract --jq ".results[].id" | while read -r id; do echo "<$id>"; done >got
	expect_eq "<1> <2>" "$(echo $(cat got))"
'

t 'integ-extract passes the end-of-data mark on, and writes none without one' '
	mock_start eod
	integ-fetch "$MOCK_URL/plain" | integ-extract results | last2 >got
	expect_eq 090a "$(cat got)"
	# a producer that is not an integ stage: its end is not verified
	printf "{\"results\":[{\"u\":1}]}\n" | integ-extract results | od -An -tx1 >got
	expect_eq "7b 22 75 22 3a 31 7d 0a" "$(echo $(cat got))"
	# nothing but the mark: a line of one tab
	printf "{\"results\":[]}\n\t\n" | integ-extract results | od -An -tx1 >got
	expect_eq "09 0a" "$(echo $(cat got))"
	# a regular file is whole as it is
	printf "{\"results\":[{\"u\":1}]}" >in.json
	integ-extract results in.json | last2 >got
	expect_eq 090a "$(cat got)"
	# into a file: JSON Lines and nothing else
	integ-extract results in.json >file
	expect_eq "{\"u\":1}" "$(cat file)"
	# a stage killed half-way: the mark was never written
	printf "{\"results\":[{\"u\":1}]}\n{\"results\":[" | integ-extract results 2>/dev/null >got || :
	expect_no_grep "	" got
'

t 'integ-emit: no verified end, unsorted: the bookmark stays, and it says why' '
	printf "{\"bookmarks\":{\"s\":{\"u\":5},\"other\":{\"k\":1}}}" >st.json
	printf "%s\n" "{\"u\":9}" "{\"u\":7}" |
	    integ-emit --singer --stream s --replication-key u --state st.json >out 2>err
	expect_grep "bookmark is not moved" err
	expect_grep "end-of-data" err
	jq -c "select(.type == \"STATE\") | .value.bookmarks" out >got
	expect_eq "{\"s\":{\"u\":5},\"other\":{\"k\":1}}" "$(cat got)"
	expect_eq 2 "$(grep -c "\"RECORD\"" out)"
	# Airbyte: the STATE carries the old bookmark too
	printf "%s\n" "{\"u\":9}" | integ-emit --airbyte --stream s --replication-key u --state st.json >out 2>err
	jq -c "select(.type == \"STATE\") | .state.stream.stream_state" out >got
	expect_eq "{\"u\":5}" "$(cat got)"
	# nothing newer than the bookmark: nothing to say
	printf "%s\n" "{\"u\":5}" | integ-emit --singer --stream s --replication-key u --state st.json >out 2>err
	expect_no_grep "bookmark" err
'

t 'integ-emit: the end-of-data mark, a regular file or --sorted move the bookmark' '
	printf "%s\n" "{\"u\":9}" "{\"u\":7}	" |
	    integ-emit --singer --stream s --replication-key u >out 2>err
	expect_eq "" "$(cat err)"
	expect_eq 9 "$(jq -c "select(.type == \"STATE\") | .value.bookmarks.s.replication_key_value" out)"
	printf "%s\n" "{\"u\":9}" "{\"u\":7}" >in
	integ-emit --singer --stream s --replication-key u <in >out 2>err
	expect_eq 9 "$(jq -c "select(.type == \"STATE\") | .value.bookmarks.s.replication_key_value" out)"
	printf "%s\n" "{\"u\":7}" "{\"u\":9}" |
	    integ-emit --singer --stream s --replication-key u --sorted >out 2>err
	expect_eq 9 "$(jq -c "select(.type == \"STATE\") | .value.bookmarks.s.replication_key_value" out)"
	# the mark must be last: records after it are an end not verified
	printf "%s\n" "{\"u\":9}	" "{\"u\":10}" |
	    integ-emit --singer --stream s --replication-key u >out 2>err
	expect_eq 0 "$(jq -c "select(.type == \"STATE\") | .value.bookmarks | length" out)"
	# half a mark (no newline) is none
	printf "{\"u\":9}\n\t" | integ-emit --singer --stream s --replication-key u >out 2>err
	expect_grep "bookmark is not moved" err
'

t 'a whole pipeline, newest first, moves the bookmark; the next run goes on from it' '
	mock_start eod-desc
	integ-fetch -s --next next "$MOCK_URL/desc" | integ-extract results |
	    integ-emit --singer --stream s --key id --replication-key u --state st.json 2>err |
	    integ-state save st.json >out
	expect_eq 15 "$(integ-state get st.json s u)"
	expect_eq 15 "$(grep -c "\"RECORD\"" out)"
	expect_no_grep "bookmark" err
'

t '--max-pages cuts a newest-first sync: no end-of-data line, the bookmark stays' '
	mock_start eod-desc
	printf "{\"bookmarks\":{\"s\":{\"u\":5}}}" >st.json
	integ-fetch --next next --max-pages 2 "$MOCK_URL/desc" 2>ferr >page
	expect_grep "cut at --max-pages 2" ferr
	expect_eq 1 "$(grep -c "max-pages" ferr)"
	integ-fetch --next next --max-pages 2 "$MOCK_URL/desc" 2>ferr | last2 >got
	expect_eq 7d0a "$(cat got)"
	integ-fetch --next next --max-pages 2 "$MOCK_URL/desc" 2>ferr | integ-extract results |
	    integ-emit --singer --stream s --key id --replication-key u --state st.json 2>err |
	    integ-state save st.json >out
	expect_eq 0 "$?"
	expect_eq 5 "$(integ-state get st.json s u)"
	expect_eq 6 "$(grep -c "\"RECORD\"" out)"
	expect_grep "bookmark is not moved" err
	expect_grep "cut at --max-pages" ferr
'

t '--max-pages at or above the page count, or --sorted, still moves the bookmark' '
	mock_start eod-desc
	for m in 5 9; do
		printf "{\"bookmarks\":{\"s\":{\"u\":5}}}" >st.json
		integ-fetch --next next --max-pages $m "$MOCK_URL/desc" 2>ferr | integ-extract results |
		    integ-emit --singer --stream s --key id --replication-key u --state st.json 2>err |
		    integ-state save st.json >out
		expect_eq 15 "$(integ-state get st.json s u)"
		expect_no_grep "bookmark" err
		expect_no_grep "max-pages" ferr
	done
	mock_start eod-asc
	printf "{\"bookmarks\":{\"s\":{\"u\":0}}}" >st.json
	integ-fetch --next next --max-pages 2 "$MOCK_URL/asc" 2>ferr | integ-extract results |
	    integ-emit --singer --stream s --key id --replication-key u --sorted --state st.json 2>err |
	    integ-state save st.json >out
	expect_eq 6 "$(integ-state get st.json s u)"
	expect_no_grep "bookmark" err
	expect_grep "cut at --max-pages" ferr
'

t '--stream: the trailer after a cut body is a line of its own (75, not 65)' '
	mock_start eod
	expect_exit 75 integ-fetch --stream "$MOCK_URL/cut" >out 2>err
	expect_eq "{\"results\":[1,2" "$(head -n 1 out)"
	tail -n 1 out | grep -q "^integ-error: 75 "
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	set +e
	integ-fetch --stream "$MOCK_URL/cut" 2>/dev/null | integ-extract results >out 2>err
	rc=$?
	set -e
	expect_eq 75 "$rc"
	tail -n 1 out | grep -q "^integ-error: 75 "
'

t 'every tool: the trailer starts a line' '
	mock_start eod
	# an upstream trailer after a line without its newline
	printf "{\"u\":1}\ninteg-error: 75 gone\n" | integ-emit --jsonl >out 2>/dev/null || :
	expect_eq "integ-error: 75 gone" "$(tail -n 1 out)"
	printf "{\"results\":[1]}\n{\"res" | integ-extract results >out 2>/dev/null || :
	tail -n 1 out | grep -q "^integ-error: 65 "
	printf "{\"type\":\"RECORD\"}\ninteg-error: 75 gone\n" | integ-state save st.json >out 2>/dev/null || :
	expect_eq "integ-error: 75 gone" "$(tail -n 1 out)"
	printf "%s\n" "$MOCK_URL/plain" "integ-error: 75 gone" |
	    integ-fetch --stream --urls-from - >out 2>/dev/null || :
	expect_eq "integ-error: 75 gone" "$(tail -n 1 out)"
'

t 'integ-fetch writes out each page before it waits (retry, rate limit)' '
	mock_start eod
	integ-fetch -s --next next "$MOCK_URL/tab" >out 2>err &
	pid=$!
	wait_requests 2
	sleep 0.1
	kill -9 $pid
	wait $pid || :
	grep -q "\"u\":9" out
'

t 'a body ending in a line of one tab, then a kill: no end-of-data mark' '
	mock_start eod
	mkfifo p
	integ-fetch -s --next next "$MOCK_URL/tab" >p 2>/dev/null &
	pid=$!
	od -An -tx1 <p | tr -s " \n" "  " >bytes &
	odpid=$!
	wait_requests 2
	sleep 0.1
	kill -9 $pid
	wait $pid || :
	wait $odpid
	# the body came out (page 1), its tab line too, but not as the end
	grep -q "7d 0a 09" bytes
	case "$(cat bytes)" in
	*"09 0a ") echo "ends with the end-of-data mark: $(cat bytes)" >&2; false ;;
	esac
	# and whole, the same pages end with it once, last
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	integ-fetch -s --next next "$MOCK_URL/tab" | integ-extract results | last2 >got
	expect_eq 090a "$(cat got)"
'

t '--urls-from: a list without the end-of-data mark gives an output without' '
	mock_start eod
	printf "%s\n" "$MOCK_URL/plain" | integ-fetch --urls-from - | last2 >got
	expect_eq 7d0a "$(cat got)"
	printf "%s\t\n" "$MOCK_URL/plain" | integ-fetch --urls-from - | last2 >got
	expect_eq 090a "$(cat got)"
	printf "%s\n" "$MOCK_URL/plain" "	" | integ-fetch --urls-from - | last2 >got
	expect_eq 090a "$(cat got)"
	printf "%s\n" "$MOCK_URL/plain" >list
	integ-fetch --urls-from list | last2 >got
	expect_eq 090a "$(cat got)"
'

# One run of fetch | extract | emit | state save against API (asc or desc),
# in the current directory, with STAGE (fetch or extract) killed by
# SIGKILL at a random moment (after a random number of requests, then a
# random pause: the same spread however busy the machine is); the rest
# are integ-emit options. Then the
# check: every record at or before the saved bookmark was delivered.
# Writes "cut" when the run was cut short, "moved" when it saved a
# bookmark.
kill_run() {
	_api=$1 _stage=$2
	shift 2
	mkfifo p1 p2
	integ-fetch -s --next next "$MOCK_URL/$_api" >p1 2>/dev/null &
	_f=$!
	integ-extract results <p1 >p2 2>/dev/null &
	_x=$!
	{ integ-emit --singer --stream s --key id --replication-key u \
	    --state st.json "$@" <p2 2>emit.err |
	    integ-state save st.json >out 2>/dev/null; } &
	_e=$!
	_want=$(($(wc -l <"$MOCK_LOG") + $(rnd 5 | cut -d. -f1) + 1))
	wait_requests "$_want" "$_f"
	sleep "$(rnd 0.06)"
	if [ "$_stage" = fetch ]; then _k=$_f; else _k=$_x; fi
	kill -9 "$_k" 2>/dev/null || :
	wait "$_f" 2>/dev/null || :
	wait "$_x" 2>/dev/null || :
	wait "$_e" 2>/dev/null || :
	_bm=$(integ-state get st.json s u --default 0)
	# a failed run ends with a trailer: not JSON
	grep "^{" out | jq -r "select(.type == \"RECORD\") | .record.u" >got
	awk -v bm="$_bm" '{ got[$1] = 1 } END {
		for (i = 1; i <= bm; i++)
			if (!(i in got)) {
				printf "bookmark %d passes record %d, never " \
				    "delivered\n", bm, i
				exit 1
			}
	}' got
	[ "$(wc -l <got)" -eq 15 ] || echo cut
	[ "$_bm" -eq 0 ] || echo moved
}

# 20 runs of kill_run; the first finds integ-fetch waiting to retry page
# 4 (if it gets that far), the rest are each cut at another moment.
kill_runs() {
	_n=0
	while [ $_n -lt 20 ]; do
		mkdir "r$_n"
		( cd "r$_n" && kill_run "$@" >res 2>&1 ) ||
		    { cat r*/res >&2; return 1; }
		_n=$((_n + 1))
	done
	echo "$(cat r*/res | grep -c cut) of 20 runs cut short," \
	    "$(cat r*/res | grep -c moved) saved a bookmark"
	# the test means something only when some runs were cut
	grep -q cut r*/res
}

for api in asc desc; do
	for stage in fetch extract; do
		opts=
		[ $api = asc ] && opts="--sorted --state-every 1"
		t "kill -9 of integ-$stage at random moments, $api API: no bookmark past a lost record" '
			mock_start eod-$api
			kill_runs '"$api $stage $opts"'
		'
	done
done

t 'killed while it waits to retry page 4, newest first: no bookmark, page 3 delivered' '
	mock_start eod-desc
	mkfifo p1
	# the retry waits 5 s at this timescale
	INTEG_TEST_TIMESCALE=1 integ-fetch -s --next next "$MOCK_URL/desc" >p1 &
	f=$!
	integ-extract results <p1 |
	    integ-emit --singer --stream s --key id --replication-key u --state st.json 2>err |
	    integ-state save st.json >out &
	e=$!
	wait_requests 4
	sleep 0.1
	kill -9 $f
	wait $e
	# pages 1 to 3 were received, and so delivered
	expect_eq 9 "$(grep -c "\"RECORD\"" out)"
	expect_eq "" "$(integ-state get st.json s u --default "")"
	expect_grep "bookmark is not moved" err
'

done_testing
