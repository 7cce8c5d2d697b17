#!/bin/sh
# integ-fetch: plain GETs, -H and -q, bodies and the newline after them,
# --meta, gzip, the exit status of each kind of answer, error messages,
# the failure trailer, --max-body, --stream, -v.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

t 'prints the body and a newline; --version and --help' '
	mock_start fetch-core
	integ-fetch "$MOCK_URL/plain" >out
	printf "{\"a\":1}\n" >want
	expect_same want out
	expect_eq "integ-fetch $(sed -n "s/^#define INTEG_VERSION \"\(.*\)\"/\1/p" "$TOP/libinteg/integ.h")" "$(integ-fetch --version)"
	integ-fetch --help >help 2>err
	expect_grep "usage: integ-fetch" help
	expect_eq "" "$(cat err)" "stderr of --help"
'

t '-H headers and -q parameters, encoded and merged with the URL query' '
	mock_start fetch-core
	integ-fetch -H "X-One: 1" -H "Accept: application/json" \
	    -q "q=a b&c" -q "x=2" "$MOCK_URL/plain?keep=yes&x=1" >out
	expect_eq "1" "$(mock_log ".headers[\"X-One\"]")"
	expect_eq "application/json" "$(mock_log .headers.Accept)"
	expect_eq "keep=yes&q=a%20b%26c&x=2" "$(mock_log .query)"
	expect_eq "a b&c" "$(mock_log ".args.q[0]")"
'

t 'bad invocations exit 64 without a trailer' '
	expect_exit 64 integ-fetch 2>err >out
	expect_eq "" "$(cat out)"
	expect_exit 64 integ-fetch --next next --link http://127.0.0.1:1/ 2>err
	expect_grep "only one pagination mode" err
	expect_exit 64 integ-fetch --offset offset http://127.0.0.1:1/ 2>err
	expect_grep "records" err
	expect_exit 64 integ-fetch -H "no colon" http://127.0.0.1:1/ 2>err
	expect_exit 64 integ-fetch --rate 5/x http://127.0.0.1:1/ 2>err
	expect_exit 64 integ-fetch --next "data[" http://127.0.0.1:1/ 2>err
	expect_exit 64 integ-fetch ftp://127.0.0.1/x 2>err
	expect_exit 64 integ-fetch --stream --next next http://127.0.0.1:1/ 2>err
'

t 'option values: each refused with the option and the value named, before any request' '
	u=http://127.0.0.1:1/
	expect_exit 64 integ-fetch --parallel 65 "$u" 2>err >out
	expect_grep "integ-fetch: --parallel 65: too large" err
	expect_eq "" "$(cat out)"
	expect_exit 64 integ-fetch --retries=-1 "$u" 2>err
	expect_grep "integ-fetch: --retries -1: too small" err
	expect_exit 64 integ-fetch --timeout 1e999 "$u" 2>err
	expect_grep "integ-fetch: --timeout 1e999: expected a number of seconds" err
	expect_exit 64 integ-fetch --max-body 99999999999g "$u" 2>err
	expect_grep "integ-fetch: --max-body 99999999999g: expected a size" err
	expect_exit 64 integ-fetch --rate 0/s "$u" 2>err
	expect_grep "integ-fetch: --rate 0/s: expected N/s or N/m" err
	expect_exit 64 integ-fetch --cursor a=b --cursor c=d "$u" 2>err
	expect_grep "integ-fetch: --cursor c: given more than once" err
	expect_exit 64 integ-fetch --link=x "$u" 2>err
	expect_exit 64 integ-fetch --limit "$u" 2>err
	expect_grep "usage: integ-fetch" err
	# --help before a bad option answers; after one, the bad one does
	integ-fetch --help --bogus >out
	expect_grep "usage: integ-fetch" out
	expect_exit 64 integ-fetch --bogus --help 2>err >out
	expect_eq "" "$(cat out)"
'

t 'gzip is asked for and decoded; chunked bodies are whole' '
	mock_start fetch-core
	integ-fetch "$MOCK_URL/gz" "$MOCK_URL/chunked" >out
	printf "%s\n" "{\"zipped\":[1,2,3]}" "{\"chunked\":\"yes, in pieces\"}" >want
	expect_same want out
	mock_log ".headers[\"Accept-Encoding\"]" | head -n 1 >enc
	expect_grep gzip enc
'

t '404 is 69: URL, status and the body escaped, in the error and the trailer' '
	mock_start fetch-core
	expect_exit 69 integ-fetch "$MOCK_URL/404" >out 2>err
	expect_grep "integ-fetch: GET $MOCK_URL/404: 404: {\\\"detail\\\":\\\"Not found\\\"}\\n\\tline two" err
	expect_eq 1 "$(wc -l <err | tr -d " ")"
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_grep "integ-error: 69 GET $MOCK_URL/404: 404" out
'

t '401 and 403 are 77; other 4xx and 501 are 69' '
	mock_start fetch-core
	expect_exit 77 integ-fetch "$MOCK_URL/401" >out 2>err
	expect_grep "Bad credentials" err
	expect_exit 77 integ-fetch "$MOCK_URL/403" >out 2>err
	expect_exit 69 integ-fetch "$MOCK_URL/410" >out 2>err
	expect_grep "410: gone for good" err
	expect_exit 69 integ-fetch "$MOCK_URL/501" >out 2>err
	expect_eq 4 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'pages already written, then the failure: the trailer ends the output' '
	mock_start fetch-core
	expect_exit 69 integ-fetch --next next "$MOCK_URL/two" >out 2>err
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	expect_eq 1 "$(sed -n 1p out | jq .n)"
	expect_eq 2 "$(sed -n 2p out | jq .n)"
	sed -n 3p out | grep -q "^integ-error: 69 GET $MOCK_URL/two?p=3: 404"
	! jq . out >/dev/null 2>&1
'

t 'a page that is not JSON where JSON is needed is 76; without paging it is written' '
	mock_start fetch-core
	expect_exit 76 integ-fetch --next next "$MOCK_URL/html" >out 2>err
	expect_grep "not JSON" err
	expect_no_grep "<html>" out
	integ-fetch "$MOCK_URL/html" >out
	expect_eq "<html>not json</html>" "$(cat out)"
'

t '--max-body: a larger body is 76, nothing of it written' '
	mock_start fetch-core
	expect_exit 76 integ-fetch --max-body 20 "$MOCK_URL/big" >out 2>err
	expect_grep "max-body" err
	expect_no_grep filler out
	integ-fetch --max-body 1k "$MOCK_URL/big" >out
	expect_grep filler out
'

t '--stream writes the body as it comes, and the newline' '
	mock_start fetch-core
	integ-fetch --stream "$MOCK_URL/chunked" "$MOCK_URL/gz" >out
	printf "%s\n" "{\"chunked\":\"yes, in pieces\"}" "{\"zipped\":[1,2,3]}" >want
	expect_same want out
'

t '--meta wraps url, status, headers (repeated joined) and the body' '
	mock_start fetch-core
	integ-fetch --meta "$MOCK_URL/dup" "$MOCK_URL/html" >out
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq "$MOCK_URL/dup" "$(sed -n 1p out | jq -r .url)"
	expect_eq 200 "$(sed -n 1p out | jq .status)"
	expect_eq "a, b" "$(sed -n 1p out | jq -r ".headers[\"set-thing\"]")"
	expect_eq true "$(sed -n 1p out | jq .body.dup)"
	expect_eq "<html>not json</html>" "$(sed -n 2p out | jq -r .body)"
'

t '-v logs each request and its status on stderr, never on stdout' '
	mock_start fetch-core
	expect_exit 69 integ-fetch -v --next next "$MOCK_URL/two" >out 2>err
	expect_grep "GET $MOCK_URL/two" err
	expect_grep "HTTP/1.1 200" err
	expect_grep "GET $MOCK_URL/two?p=2" err
	expect_no_grep "integ-fetch:" out
'

t 'no progress line when stderr is not a terminal, nor with -s' '
	mock_start fetch-core
	integ-fetch "$MOCK_URL/plain" >out 2>err
	expect_eq "" "$(cat err)"
'

t 'a closed stdout ends integ-fetch quietly' '
	mock_start fetch-core
	set +e
	integ-fetch "$MOCK_URL/plain" "$MOCK_URL/plain" 2>err | head -c 1 >/dev/null
	set -e
	expect_eq "" "$(cat err)"
'

t 'SIGTERM mid-transfer: the pages written, the trailer, 143, at once' '
	mock_start fetch-core
	integ-fetch --next next "$MOCK_URL/slowtwo" >out 2>err &
	pid=$!
	i=0; while [ "$(mock_log .n 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	expect_eq 143 "$rc" "exit status"
	expect_eq 1 "$(head -n 1 out | jq .n)"
	sed -n 2p out | grep -q "^integ-error: 143 "
'

t 'a progress line on a terminal (pages, bytes, records/s, retries); -s silences it' '
	need script || { echo "no script(1)"; exit 0; }
	mock_start fetch-page
	script -qec "integ-fetch --offset offset --limit limit=2 --records items $MOCK_URL/off >out" typescript >/dev/null
	expect_grep "3 pages" typescript
	expect_grep "records/s" typescript
	expect_grep "retries" typescript
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	curl -sS -X POST "$MOCK_URL/_mock/reset" >/dev/null
	script -qec "integ-fetch -s --offset offset --limit limit=2 --records items $MOCK_URL/off >out" typescript >/dev/null
	expect_no_grep "pages" typescript
'

done_testing
