#!/bin/sh
# t-mock.sh: the mock HTTP server (tests/mock/mockhttp.py) and its scenario
# files, feature by feature: driven with curl, checked on the wire bytes
# and in the server's request log.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need curl || skip_all 'no curl'
need jq || skip_all 'no jq'

# Every curl here gives up after 5 s, so a broken server fails a test and
# never hangs the run (a -m later on a command line wins).
curl() { command curl --max-time 5 "$@"; }

# at_least X Y / at_most X Y: compare two decimal numbers
at_least() {
	awk -v x="$1" -v y="$2" 'BEGIN { exit !(x >= y) }' && return 0
	echo "expected $1 >= $2" >&2; return 1
}
at_most() {
	awk -v x="$1" -v y="$2" 'BEGIN { exit !(x <= y) }' && return 0
	echo "expected $1 <= $2" >&2; return 1
}
# crlf LINE...: each LINE followed by CR LF, as HTTP header lines are
crlf() { for _l; do printf '%s\r\n' "$_l"; done; }
# code PATH: the status code of GET $MOCK_URL/PATH
code() { curl -sS -o /dev/null -w '%{http_code}' "$MOCK_URL$1"; }

t 'starts on a free port, writes the port file, logs each request' '
	mock_start mock-arrived
	case $MOCK_PORT in ""|*[!0-9]*) echo "bad port [$MOCK_PORT]"; false ;; esac
	expect_eq "$MOCK_PORT" "$(cat mock.port)"
	expect_eq "http://127.0.0.1:$MOCK_PORT" "$MOCK_URL"
	expect_eq arrived "$(curl -sS "$MOCK_URL/")"
	expect_eq "$PWD/mock.log" "$MOCK_LOG"
	expect_eq 1 "$(mock_log .n)"
'

t 'a sequence is served in order, then 500 with a message' '
	mock_start mock-sequence
	for p in a b c d; do
		curl -sS -o "body.$p" -w "%{http_code}\n" "$MOCK_URL/$p" >>codes
	done
	expect_eq "200 201 503 500" "$(echo $(cat codes))"
	expect_eq "first second third" "$(echo $(cat body.a; echo; cat body.b; echo; cat body.c))"
	expect_grep "no reply left for GET /d" body.d
	expect_eq "1 2 3 null" "$(echo $(mock_log .scenario_step))"
'

t 'exhausted repeat-last serves the last reply again' '
	mock_start mock-repeat-last
	for p in 1 2 3 4; do code /$p >>codes; echo >>codes; done
	expect_eq "503 503 200 200" "$(echo $(cat codes))"
	expect_eq "busy busy ok ok" "$(echo $(mock_log .scenario_step))"
'

t 'exhausted STATUS sets the status of the default reply' '
	printf "exhausted 404\nreply\nbody only\n" >s.scn
	mock_start s.scn
	expect_eq only "$(curl -sS "$MOCK_URL/")"
	expect_eq 404 "$(code /)"
'

t 'path and query matching: page 2 then page 1, each once' '
	mock_start mock-match
	curl -sS -o p2 "$MOCK_URL/items?x=1&page=2"
	curl -sS -D head -o p1 "$MOCK_URL/items"
	expect_eq "{\"items\":[3]}" "$(cat p2)"
	expect_eq "{\"items\":[1,2]}" "$(cat p1)"
	expect_grep "Link: <$MOCK_URL/items?page=2>; rel=\"next\"" head
	expect_eq 500 "$(code /items)"
	expect_eq 500 "$(code "/items?page=2")"
	expect_eq 500 "$(code "/items?page=3")"
	expect_eq "page2 page1 null null null" "$(echo $(mock_log .scenario_step))"
'

t 'path globs, always, and a query glob with [ and ?' '
	mock_start mock-match
	expect_eq "a file" "$(curl -sS "$MOCK_URL/files/a/b.json")"
	expect_eq "a file" "$(curl -sS "$MOCK_URL/files/a/b.json?v=1")"
	expect_eq 500 "$(code /files)"
	expect_eq found "$(curl -sSg "$MOCK_URL/search?filter[q]=a?b&limit=10")"
	expect_eq found "$(curl -sSg "$MOCK_URL/search?filter[q]=&limit=10")"
	expect_eq 500 "$(curl -sSg -o /dev/null -w "%{http_code}" "$MOCK_URL/search?filter[q]=a&limit=100")"
	expect_eq 500 "$(curl -sSg -o /dev/null -w "%{http_code}" "$MOCK_URL/search?filterXq]=a&limit=10")"
'

t 'method matching and times N' '
	mock_start mock-match
	expect_eq 500 "$(code /submit)"
	for i in 1 2 3; do
		curl -sS -o /dev/null -w "%{http_code}\n" -d x "$MOCK_URL/submit" >>codes
	done
	expect_eq "201 201 500" "$(echo $(cat codes))"
'

t 'headers: status reason, repeated names in order, folding, empty value' '
	mock_start mock-headers
	curl -sS -D head -o body -w "%{header_json}" "$MOCK_URL/" >json
	crlf "HTTP/1.1 299 Fine Thanks" \
	    "Link: <$MOCK_URL/items?page=2>; rel=\"next\"" \
	    "Link: <$MOCK_URL/items?page=9>; rel=\"last\"" \
	    "X-Folded: first part," \
	    " second part" \
	    "X-Empty:" \
	    "Content-Length: 2" "" >want
	cmp want head
	expect_eq ok "$(cat body)"
	# and curl, as a client, sees two Link headers and unfolds the other
	expect_eq 2 "$(jq ".link | length" json)"
	expect_eq "first part, second part" "$(jq -r ".[\"x-folded\"][0]" json)"
'

t 'one-line body: the exact text, no newline added' '
	mock_start mock-bodies
	curl -sS -o got "$MOCK_URL/line"
	printf "%s" "{\"id\": 1,  \"name\": \"a b\"}" >want
	cmp want got
'

t 'heredoc bodies: each line with its newline; -n drops the last one' '
	mock_start mock-bodies
	curl -sS -o got "$MOCK_URL/doc"
	printf "  indented line\n# not a comment\n\nlast line\n" >want
	cmp want got
	curl -sS -o got "$MOCK_URL/doc-n"
	printf "{\"a\": 1}" >want
	cmp want got
	expect_eq "204 0" "$(curl -sS -o /dev/null -w "%{http_code} %{size_download}" "$MOCK_URL/empty")"
'

t 'body-file: relative to the scenario file, byte for byte' '
	mkdir -p sc/data
	printf "a\r\nb\000c\377d" >sc/data/body.bin
	printf "reply\nbody-file data/body.bin\n" >sc/s.scn
	mock_start sc/s.scn
	curl -sS -o got "$MOCK_URL/"
	cmp sc/data/body.bin got
'

t 'HEAD: the headers of the reply, with its length, and no body' '
	mock_start mock-bodies
	# HEAD and GET pipelined on one connection: every byte the server sends
	python3 - "$MOCK_PORT" >got <<EOF
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"HEAD /line HTTP/1.1\r\nHost: x\r\n\r\n"
          b"GET /empty HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
while data := s.recv(4096):
    sys.stdout.buffer.write(data)
EOF
	crlf "HTTP/1.1 200 OK" "Content-Length: 25" "" \
	    "HTTP/1.1 204 No Content" "" >want
	cmp want got
	expect_eq "HEAD GET" "$(echo $(mock_log .method))"
	expect_eq 1 "$(mock_connections)"
'

t 'delay: nothing is sent before the delay' '
	mock_start mock-faults
	s=$(curl -sS -o got -w "%{time_starttransfer}" "$MOCK_URL/delay")
	at_least "$s" 0.2
	expect_eq late "$(cat got)"
'

t 'stall: headers and N body bytes, then a pause' '
	mock_start mock-faults
	expect_exit 28 curl -sS -m 0.15 -o part "$MOCK_URL/stall"
	expect_eq 012 "$(cat part)"
	s=$(curl -sS -o whole -w "%{time_total}" "$MOCK_URL/stall")
	at_least "$s" 0.3
	expect_eq 0123456789 "$(cat whole)"
'

t 'drop: the connection closes after N body bytes' '
	mock_start mock-faults
	expect_exit 18 curl -sS -o part "$MOCK_URL/drop"
	expect_eq 0123 "$(cat part)"
	expect_eq drop "$(mock_log .scenario_step)"
'

t 'drop-head: the connection closes after N bytes of the headers' '
	mock_start mock-faults
	printf "GET /drophead HTTP/1.1\r\nHost: x\r\n\r\n" >req
	python3 -c "
import socket, sys
s = socket.create_connection((\"127.0.0.1\", $MOCK_PORT))
s.sendall(open(\"req\", \"rb\").read())
data = b\"\"
while True:
    b = s.recv(4096)
    if not b:
        break
    data += b
sys.stdout.buffer.write(data)
" >got
	expect_eq 30 "$(wc -c <got | tr -d " ")"
	printf "HTTP/1.1 200 OK\r\nContent-Type: application/json" >want
	head -c 30 want >want30
	cmp want30 got
	expect_eq drophead "$(mock_log .scenario_step)"
'

t 'trickle: the body N bytes at a time, SECS apart' '
	mock_start mock-faults
	s=$(curl -sS -o got -w "%{time_total}" "$MOCK_URL/trickle")
	at_least "$s" 0.35
	expect_eq 0123456789 "$(cat got)"
	expect_exit 28 curl -sS -m 0.25 -o part "$MOCK_URL/trickle"
	n=$(wc -c <part | tr -d " ")
	[ "$n" -ge 2 ] && [ "$n" -le 6 ] || { echo "got $n bytes"; false; }
'

t 'hangup: the connection closes before anything is sent' '
	mock_start mock-faults
	expect_exit 52 curl -sS "$MOCK_URL/hangup"
	expect_eq hangup "$(mock_log .scenario_step)"
'

t 'gzip: compressed by the server, decoded by curl to the exact bytes' '
	mock_start mock-encodings
	printf "%s" "{\"records\":[{\"id\":1},{\"id\":2},{\"id\":3}]}" >want
	curl -sS --compressed -o got "$MOCK_URL/gzip"
	cmp want got
	curl -sS -D head -o raw "$MOCK_URL/gzip"
	expect_grep "Content-Encoding: gzip" head
	expect_grep "Content-Length: $(($(wc -c <raw)))" head
	expect_eq 1f8b "$(head -c 2 raw | od -An -tx1 | tr -d " \n")"
	gzip -dc <raw >unzipped
	cmp want unzipped
'

t 'chunked: Transfer-Encoding chunked, in chunks of the given size' '
	mock_start mock-encodings
	curl -sS --raw -D head -o raw "$MOCK_URL/chunked"
	printf "4\r\n0123\r\n4\r\n4567\r\n2\r\n89\r\n0\r\n\r\n" >want
	cmp want raw
	expect_grep "Transfer-Encoding: chunked" head
	expect_no_grep "Content-Length" head
	expect_eq 0123456789 "$(curl -sS "$MOCK_URL/chunked")"
	curl -sS --compressed -o got "$MOCK_URL/gzip-chunked"
	printf "line one\nline two\n" >want
	cmp want got
'

t 'keep-alive: requests on one curl command line share one connection' '
	mock_start mock-encodings
	curl -sS "$MOCK_URL/keep" "$MOCK_URL/keep" "$MOCK_URL/chunked" >/dev/null
	expect_eq "1 2 3" "$(echo $(mock_log .n))"
	expect_eq 1 "$(mock_connections)"
'

t 'close: Connection: close, and the next request opens a new connection' '
	mock_start mock-encodings
	curl -sS -D head "$MOCK_URL/close" "$MOCK_URL/close" >got
	expect_eq byebye "$(cat got)"
	expect_grep "Connection: close" head
	expect_eq 2 "$(mock_connections)"
'

t 'no-length: the body ends when the connection closes' '
	mock_start mock-encodings
	curl -sS -D head -o got "$MOCK_URL/no-length"
	expect_eq "until close" "$(cat got)"
	expect_no_grep "Content-Length" head
	expect_no_grep "Transfer-Encoding" head
'

t 'substitutions: %PORT %HOST %URL %ENV{NAME} %% in headers and bodies' '
	MOCK_TEST_SECRET=s3cret; export MOCK_TEST_SECRET
	mock_start mock-subst
	curl -sS -D head -o got "$MOCK_URL/"
	expect_grep "X-Port: $MOCK_PORT" head
	expect_grep "X-Url: $MOCK_URL/next" head
	expect_grep "X-Secret: s3cret" head
	printf "port=%s host=127.0.0.1 url=%s\nenv=s3cret\npercent=100%% 50%% %sS\n" \
	    "$MOCK_PORT" "$MOCK_URL" "$MOCK_PORT" >want
	cmp want got
'

t 'an unset %ENV{NAME} stops the server at start, naming file and line' '
	unset MOCK_TEST_SECRET
	expect_exit 1 mock_start mock-subst
	expect_grep "mock-subst.scn:5: %ENV{MOCK_TEST_SECRET} is not set" mock.err
'

t 'scenario errors name the file and line' '
	printf "reply\nstatus 200\nbogus thing\n" >bad.scn
	expect_exit 1 mock_start bad.scn
	expect_grep "bad.scn:3: unknown keyword" mock.err
	printf "reply\nbody <<END\nno end\n" >open.scn
	expect_exit 1 mock_start open.scn
	expect_grep "open.scn:2: body <<END: no closing END line" mock-2.err
	printf "reply\nbody a\nbody b\n" >two.scn
	expect_exit 1 mock_start two.scn
	expect_grep "two.scn:3: one body per reply" mock-3.err
'

t 'redirects: a Location with %URL, then one to a second server' '
	mock_start mock-arrived
	other_log=$MOCK_LOG
	MOCK_OTHER=$MOCK_URL; export MOCK_OTHER
	mock_start mock-redirect
	expect_eq "$PWD/mock-2.log" "$MOCK_LOG"
	curl -sS -L -o got -w "%{num_redirects} %{url_effective}" "$MOCK_URL/old" >info
	expect_eq arrived "$(cat got)"
	expect_eq "2 $MOCK_OTHER/elsewhere" "$(cat info)"
	expect_eq "/old /new" "$(echo $(mock_log .path))"
	expect_eq /elsewhere "$(jq -r .path "$other_log")"
'

t 'the log: method, raw path and query, decoded args, headers, body' '
	mock_start mock-arrived
	before=$(date +%s)
	curl -sS -o /dev/null -H "X-Token: abc" -H "Content-Type: application/json" \
	    -d "{\"k\":1}" "$MOCK_URL/p/a%20b?a=1&b=x%2By&a=2&flag"
	curl -sS -o /dev/null -H "Transfer-Encoding: chunked" -d chunky "$MOCK_URL/c"
	expect_eq "1 2" "$(echo $(mock_log .n))"
	expect_eq "POST /p/a%20b a=1&b=x%2By&a=2&flag" \
	    "$(mock_log "select(.n == 1) | \"\(.method) \(.path) \(.query)\"")"
	expect_eq "{\"a\":[\"1\",\"2\"],\"b\":[\"x+y\"],\"flag\":[\"\"]}" \
	    "$(jq -c "select(.n == 1) | .args" "$MOCK_LOG")"
	expect_eq "abc" "$(mock_log "select(.n == 1) | .headers[\"X-Token\"]")"
	expect_eq "127.0.0.1:$MOCK_PORT" "$(mock_log "select(.n == 1) | .headers.Host")"
	expect_eq "{\"k\":1}" "$(mock_log "select(.n == 1) | .body")"
	expect_eq chunky "$(mock_log "select(.n == 2) | .body")"
	expect_eq "" "$(mock_log "select(.n == 2) | .query")"
	at_least "$(mock_log "select(.n == 1) | .time")" "$before"
	at_least "$(mock_log "select(.n == 1) | .client_port")" 1
	expect_eq "1 1" "$(echo $(mock_log .scenario_step))"
'

t 'control: GET /_mock/log, POST /_mock/reset rereads the scenario' '
	printf "reply\nbody one\n" >s.scn
	mock_start s.scn
	expect_eq one "$(curl -sS "$MOCK_URL/a")"
	expect_eq 500 "$(code /b)"
	curl -sS -o via-url "$MOCK_URL/_mock/log"
	cmp "$MOCK_LOG" via-url
	printf "reply\nbody two\n" >s.scn
	expect_eq reset "$(curl -sS -X POST "$MOCK_URL/_mock/reset")"
	expect_eq two "$(curl -sS "$MOCK_URL/c")"
	expect_eq 404 "$(code /_mock/nothing)"
	expect_eq "/a /b /c" "$(echo $(mock_log .path))"
	expect_eq "1 2 3" "$(echo $(mock_log .n))"
'

t 'threaded: a slow reply does not hold up another connection' '
	printf "reply\npath /slow\ndelay 0.4\nbody slow\nreply\npath /fast\nbody fast\n" >s.scn
	mock_start s.scn
	curl -sS -o slow "$MOCK_URL/slow" &
	bg=$!
	i=0
	while [ ! -s "$MOCK_LOG" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.01; done
	s=$(curl -sS -o fast -w "%{time_total}" "$MOCK_URL/fast")
	at_most "$s" 0.3
	wait $bg
	expect_eq "slow fast" "$(echo $(cat slow; echo; cat fast))"
'

t 'SIGTERM: the server exits with status 0' '
	mock_start mock-arrived
	kill -TERM "$MOCK_PID"
	set +e; wait "$MOCK_PID"; rc=$?; set -e
	expect_eq 0 "$rc" "exit status"
	expect_exit 7 curl -sS "$MOCK_URL/"
'

t 'a server ends with the shell that started it' '
	( mock_start mock-arrived; echo "$MOCK_URL" >url; curl -sS "$MOCK_URL/" )
	i=0
	while curl -s -o /dev/null "$(cat url)/" && [ $i -lt 40 ]; do
		i=$((i + 1)); sleep 0.05
	done
	expect_exit 7 curl -sS "$(cat url)/"
'

done_testing
