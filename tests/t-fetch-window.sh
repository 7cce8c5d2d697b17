#!/bin/sh
# Date windows: integ-fetch --window/--step/--from/--to/--lookback, the
# mark lines between windows, integ-extract passing them on, integ-emit's
# STATE at each window's end, a backfill killed and resumed.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

W='--window since,until --step P7D --from 2024-01-01T00:00:00Z --to 2024-01-29T00:00:00Z'
TOKEN=shpat_mock_0123456789abcdef0123456789abcdef
export W TOKEN

# the query arguments NAME of each logged request, in order
args() { mock_log ".args.$1[0]" | tr "\n" " "; }

t 'one request a window, each paged in full, a mark after each window' '
	mock_start fetch-window
	integ-fetch -s --parallel 1 $W --to 2024-01-15T00:00:00Z --next next \
	    "$MOCK_URL/items" >out
	expect_eq "2024-01-01T00:00:00Z 2024-01-08T00:00:00Z " "$(args since)"
	expect_eq "2024-01-08T00:00:00Z 2024-01-15T00:00:00Z " "$(args until)"
	cat >want <<-EOT
	integ-window: "2024-01-01T00:00:00Z"
	{"items":[{"id":2,"updated_at":"2024-01-05T00:00:00Z"},{"id":1,"updated_at":"2024-01-02T00:00:00Z"}],"next":null}
	integ-window: "2024-01-08T00:00:00Z"
	{"items":[{"id":3,"updated_at":"2024-01-10T00:00:00Z"}],"next":null}
	integ-window: "2024-01-15T00:00:00Z"
	EOT
	expect_same want out
'

t 'jq stops at a mark; with the marks dropped as integ-fetch(1) says, it reads all else' '
	mock_start fetch-window
	integ-fetch -s --parallel 1 $W --to 2024-01-15T00:00:00Z --next next \
	    "$MOCK_URL/items" >out
	if jq -c . out >/dev/null 2>err; then echo "jq read a mark" >&2; exit 1; fi
	expect_grep "parse error" err
	# integ-extract passes the marks on: jq stops there too
	integ-extract items out >recs
	if jq -c . recs >/dev/null 2>err; then echo "jq read a mark" >&2; exit 1; fi
	sed "/^integ-window: /d" out | jq -r ".items[].id" | tr "\n" " " >ids
	expect_eq "2 1 3 " "$(cat ids)"
	sed "/^integ-window: /d" recs | jq -r .id | tr "\n" " " >ids
	expect_eq "2 1 3 " "$(cat ids)"
	# nothing but the marks is removed
	expect_eq "$(grep -vc "^integ-window: " out)" "$(sed "/^integ-window: /d" out | wc -l | tr -d " ")"
'

t 'integ-extract passes the marks on, in place, in both modes' '
	printf "integ-window: \"2024-01-01T00:00:00Z\"\n{\"a\":[1,2]}\ninteg-window: 7\n{\"a\":[3]}\ninteg-window: 8" >in
	integ-extract a in >out
	printf "integ-window: \"2024-01-01T00:00:00Z\"\n1\n2\ninteg-window: 7\n3\ninteg-window: 8\n" >want
	expect_same want out
	integ-extract --jq ".a[]" in >out
	expect_same want out
	# a mark not at the start of a line is malformed
	printf "{\"a\":1} integ-window: 7\n" >bad
	expect_exit 65 integ-extract a bad >out 2>err
	# a line with the prefix but no string or number after it is no
	# mark: malformed, inside the input and at its end
	printf "{\"a\":1}\ninteg-window: [7]\n{\"a\":2}\n" >bad
	expect_exit 65 integ-extract a bad >out 2>err
	expect_grep "bad: line 2, column 1: unexpected" err
	printf "{\"a\":1}\ninteg-window: [7]" >bad
	expect_exit 65 integ-extract --jq ".a" bad >out 2>err
	expect_grep "bad: line 2, column 1: unexpected" err
	# a trailer is still a trailer where marks are taken
	printf "{\"a\":1}\ninteg-error: 75 upstream broke\n" >tr
	expect_exit 75 integ-extract a tr >out 2>err
	printf "1\ninteg-error: 75 upstream broke\n" >want
	expect_same want out
'

t 'a pipeline: a STATE at each window end, records never dropped, Singer valid' '
	mock_start --dataset "shopify leak=0 bucket=1000"
	integ-fetch -s --window updated_at_min,updated_at_max --step P1D \
	    --from 2024-11-01T00:00:00Z --to 2024-11-05T00:00:00Z --link \
	    -q status=any -q limit=5 -H "X-Shopify-Access-Token: $TOKEN" \
	    "$MOCK_URL/admin/api/2024-10/orders.json" |
	    integ-extract orders |
	    integ-emit --singer --stream orders --key id --replication-key updated_at \
	    --state state.json | integ-state save state.json >msgs
	jq -r "select(.type == \"STATE\") | .value.bookmarks.orders.replication_key_value" msgs | tr "\n" " " >states
	expect_eq "2024-11-01T00:00:00Z 2024-11-02T00:00:00Z 2024-11-03T00:00:00Z 2024-11-04T00:00:00Z 2024-11-05T00:00:00Z 2024-11-05T00:00:00Z " "$(cat states)"
	expect_eq 30 "$(jq -r "select(.type == \"RECORD\") | .record.order_number" msgs | sort -u | wc -l | tr -d " ")"
	expect_eq "2024-11-05T00:00:00Z" "$(integ-state get state.json orders updated_at)"
	# 4 windows, and their Link pages
	expect_eq 4 "$(mock_log ".args.updated_at_min[0] // empty" | wc -l | tr -d " ")"
	if have_conformance; then check_singer msgs; fi
'

t 'a backfill killed (SIGKILL) inside a window resumes at the last complete one' '
	mock_start fetch-window
	mkfifo pipe
	integ-fetch -s $W --next next "$MOCK_URL/items" >pipe &
	fpid=$!
	tee raw <pipe | integ-extract items | integ-emit --singer --stream items --key id \
	    --replication-key updated_at --state state.json |
	    integ-state save state.json >msgs &
	i=0
	# the second page of window 3 is asked for, windows 1 and 2 are out
	until grep -q w3p2-hang mock.log 2>/dev/null &&
	    grep -q "integ-window: \"2024-01-15" raw 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 1000 ] || exit 1; sleep 0.01
	done
	kill -9 "$fpid"
	wait $! || :
	# window 3 was not read whole: its end is no bookmark
	expect_eq "2024-01-15T00:00:00Z" "$(integ-state get state.json items updated_at)"
	jq -r "select(.type == \"RECORD\") | .record.id" msgs | sort | tr "\n" " " >ids
	case "$(cat ids)" in "1 2 3 "*) ;; *) echo "ids: $(cat ids)" >&2; exit 1 ;; esac
	# the next run starts at that bookmark
	from=$(integ-state get state.json items updated_at)
	n0=$(wc -l <mock.log)
	integ-fetch -s --window since,until --step P7D --from "$from" \
	    --to 2024-01-29T00:00:00Z --next next "$MOCK_URL/items" |
	    integ-extract items | integ-emit --singer --stream items --key id \
	    --replication-key updated_at --state state.json |
	    integ-state save state.json >msgs2
	tail -n +$((n0 + 1)) mock.log | jq -r ".args.since[0] // empty" | sort | head -n 1 >first
	expect_eq "2024-01-15T00:00:00Z" "$(cat first)"
	expect_eq "5 4 6 " "$(jq -r "select(.type == \"RECORD\") | .record.id" msgs2 | tr "\n" " ")"
	expect_eq "2024-01-29T00:00:00Z" "$(integ-state get state.json items updated_at)"
'

t 'integ-emit: input cut inside a window keeps the last window end as the bookmark' '
	cat >in <<-EOT
	integ-window: "2024-01-01T00:00:00Z"
	{"id":2,"updated_at":"2024-01-05T00:00:00Z"}
	{"id":1,"updated_at":"2024-01-02T00:00:00Z"}
	integ-window: "2024-01-08T00:00:00Z"
	{"id":5,"updated_at":"2024-01-12T00:00:00Z"}
	EOT
	integ-emit --singer --stream s --replication-key updated_at <in >msgs
	expect_eq "2024-01-01T00:00:00Z 2024-01-08T00:00:00Z 2024-01-08T00:00:00Z " \
	    "$(jq -r "select(.type == \"STATE\") | .value.bookmarks.s.replication_key_value" msgs | tr "\n" " ")"
	expect_eq 3 "$(grep -c RECORD msgs)"
	# a bookmark never goes back; records older than it are kept
	printf "{\"bookmarks\":{\"s\":{\"updated_at\":\"2024-01-20T00:00:00Z\"}}}" >state.json
	integ-emit --airbyte --stream s --replication-key updated_at --state state.json <in >msgs
	expect_eq 3 "$(grep -c "\"type\":\"RECORD\"" msgs)"
	expect_eq "2024-01-20T00:00:00Z" "$(jq -r "select(.type == \"STATE\") | .state.stream.stream_state.updated_at" msgs | sort -u)"
'

t '--lookback is taken off --from; the records it reads again are kept' '
	mock_start fetch-window-any
	integ-fetch -s --window since,until --step P7D --from 2024-01-15T00:00:00Z \
	    --lookback PT1H --to 2024-01-29T00:00:00Z "$MOCK_URL/x" >out
	expect_eq "2024-01-14T23:00:00Z 2024-01-21T23:00:00Z 2024-01-28T23:00:00Z " \
	    "$(args since | tr " " "\n" | sort | tr "\n" " " | sed "s/^ //")"
	expect_eq "2024-01-21T23:00:00Z 2024-01-28T23:00:00Z 2024-01-29T00:00:00Z " \
	    "$(args until | tr " " "\n" | sort | tr "\n" " " | sed "s/^ //")"
	expect_eq "integ-window: \"2024-01-14T23:00:00Z\"" "$(head -n 1 out)"
	printf "{\"bookmarks\":{\"s\":{\"t\":\"2024-01-15T00:00:00Z\"}}}" >state.json
	printf "integ-window: \"2024-01-14T23:00:00Z\"\n{\"t\":\"2024-01-14T23:30:00Z\"}\ninteg-window: \"2024-01-21T23:00:00Z\"\n" |
	    integ-emit --singer --stream s --replication-key t --state state.json >msgs
	expect_eq 1 "$(grep -c RECORD msgs)"
	expect_eq "2024-01-21T23:00:00Z" "$(jq -r "select(.type == \"STATE\") | .value.bookmarks.s.replication_key_value" msgs | tail -n 1)"
'

t 'formats: date (whole days, up to today), epoch, epoch-ms; calendar steps' '
	mock_start fetch-window-any
	integ-fetch -s --window start_date,end_date,date --step P7D --from 2024-01-01 \
	    --to 2024-01-15T12:00:00Z "$MOCK_URL/d" >out
	expect_eq "2024-01-01 2024-01-08 " "$(mock_log ".args.start_date[0]" | sort | tr "\n" " ")"
	expect_eq "2024-01-08 2024-01-15 " "$(mock_log ".args.end_date[0]" | sort | tr "\n" " ")"
	expect_eq "integ-window: \"2024-01-15T00:00:00Z\"" "$(tail -n 1 out)"
	mock_start fetch-window-any
	integ-fetch -s --window start_time,end_time,epoch --step P1D --from 2024-01-01T00:00:00Z \
	    --to 2024-01-02T12:00:00Z "$MOCK_URL/e" >out
	expect_eq "1704067200 1704153600 " "$(jq -r ".args.start_time[0]" mock-2.log | sort | tr "\n" " ")"
	expect_eq "1704153600 1704196800 " "$(jq -r ".args.end_time[0]" mock-2.log | sort | tr "\n" " ")"
	expect_eq "integ-window: 1704196800" "$(tail -n 1 out)"
	mock_start fetch-window-any
	integ-fetch -s --window a,b,epoch-ms --step PT12H --from 1704067200 \
	    --to 2024-01-02T00:00:00Z "$MOCK_URL/m" >out
	expect_eq "1704067200000 1704110400000 " "$(jq -r ".args.a[0]" mock-3.log | sort | tr "\n" " ")"
	expect_eq "integ-window: 1704153600000" "$(tail -n 1 out)"
	mock_start fetch-window-any
	integ-fetch -s --window a,b --step P1M --from 2024-01-01T00:00:00Z \
	    --to 2024-04-01T00:00:00Z "$MOCK_URL/c" >out
	expect_eq "2024-02-01T00:00:00Z 2024-03-01T00:00:00Z 2024-04-01T00:00:00Z " \
	    "$(jq -r ".args.b[0]" mock-4.log | sort | tr "\n" " ")"
'

t '--parallel: windows fetched at once, written in window order' '
	mock_start fetch-window-any
	integ-fetch -s --parallel 4 --window since,until --step P1D --from 2024-01-01T00:00:00Z \
	    --to 2024-01-05T00:00:00Z "$MOCK_URL/slow" >out
	grep -v "^integ-window" out | head -n 1 >first
	expect_eq "{\"items\":[{\"first\":true}]}" "$(cat first)"
	expect_eq 9 "$(wc -l <out | tr -d " ")"
	expect_eq "2024-01-01T00:00:00Z 2024-01-02T00:00:00Z 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z 2024-01-05T00:00:00Z " \
	    "$(grep "^integ-window" out | cut -d "\"" -f 2 | tr "\n" " ")"
	# the other windows were asked for while the first one was slow
	t1=$(mock_log .time | head -n 1) t4=$(mock_log .time | tail -n 1)
	awk -v a="$t1" -v b="$t4" "BEGIN { exit !(b - a < 0.4) }"
	mock_start fetch-window-any
	integ-fetch -s --parallel 1 --window since,until --step P1D --from 2024-01-01T00:00:00Z \
	    --to 2024-01-03T00:00:00Z "$MOCK_URL/slow" >out
	t1=$(jq -r .time mock-2.log | head -n 1) t2=$(jq -r .time mock-2.log | tail -n 1)
	awk -v a="$t1" -v b="$t2" "BEGIN { exit !(b - a >= 0.45) }"
'

t 'bad invocations are 64; no window to read is no output' '
	expect_exit 64 integ-fetch --window a,b http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a --step P1D --from 2024-01-01 http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a,b,iso --step P1D --from 2024-01-01 http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --step P1D http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a,b --step 7D --from 2024-01-01 http://127.0.0.1:9/ 2>err
	expect_grep "ISO 8601 duration" err
	expect_exit 64 integ-fetch --window a,b --step P0D --from 2024-01-01 http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a,b,date --step PT6H --from 2024-01-01 http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a,b --step P1D --from yesterday http://127.0.0.1:9/ 2>err
	expect_exit 64 integ-fetch --window a,b --step PT1S --from 2000-01-01 http://127.0.0.1:9/ 2>err
	expect_grep "more than 100000 windows" err
	expect_exit 64 integ-fetch --window a,b --step P1D --from 2024-01-01 --urls-from /dev/null 2>err
	integ-fetch --window a,b --step P1D --from 2024-01-01 --to 2024-01-01 http://127.0.0.1:9/ >out
	expect_eq 0 "$(wc -c <out | tr -d " ")"
'
t 'a window that fails: the marks of the windows before it, then the trailer' '
	mock_start fetch-window-fail
	expect_exit 69 integ-fetch -s --window since,until --step P7D --from 2024-01-01T00:00:00Z \
	    --to 2024-01-15T00:00:00Z "$MOCK_URL/items" >out 2>err
	expect_eq "integ-window: \"2024-01-08T00:00:00Z\"" "$(sed -n 3p out)"
	expect_eq "integ-error: 69" "$(sed -n 4p out | cut -c1-15)"
	expect_eq 4 "$(wc -l <out | tr -d " ")"
	integ-extract items out | integ-emit --singer --stream s --replication-key updated_at \
	    --state state.json | integ-state save state.json >msgs || :
	expect_eq "2024-01-08T00:00:00Z" "$(integ-state get state.json s updated_at)"
'

t 'a connector (integ_ctx_windows): a STATE at each window end, from the bookmark' '
	mock_start fetch-window
	printf "{\"url\":\"%s\",\"start_date\":\"2024-01-01T00:00:00Z\",\"step\":\"P7D\",\"end_date\":\"2024-01-15T00:00:00Z\"}" \
	    "$MOCK_URL" >config.json
	tt-window --config config.json >msgs
	expect_eq "2024-01-01T00:00:00Z 2024-01-08T00:00:00Z 2024-01-15T00:00:00Z 2024-01-15T00:00:00Z " \
	    "$(jq -r "select(.type == \"STATE\") | .value.bookmarks.items.replication_key_value" msgs | tr "\n" " ")"
	expect_eq "2 1 3 " "$(jq -r "select(.type == \"RECORD\") | .record.id" msgs | tr "\n" " ")"
	if have_conformance; then check_singer msgs; fi
	# the next read starts at the bookmark
	jq -c "select(.type == \"STATE\") | .value" msgs | tail -n 1 >state.json
	printf "{\"url\":\"%s\",\"start_date\":\"2024-01-01T00:00:00Z\",\"step\":\"P7D\",\"end_date\":\"2024-01-22T00:00:00Z\"}" \
	    "$MOCK_URL" >config.json
	n0=$(wc -l <mock.log)
	tt-window --config config.json --state state.json >msgs
	expect_eq "2024-01-15T00:00:00Z" "$(tail -n +$((n0 + 1)) mock.log | jq -r ".args.since[0] // empty" | sort | head -n 1)"
'

t 'a connector: a window that fails ends the stream with no STATE past the window before' '
	mock_start fetch-window-fail
	printf "{\"url\":\"%s\",\"start_date\":\"2024-01-01T00:00:00Z\",\"step\":\"P7D\",\"end_date\":\"2024-01-15T00:00:00Z\"}" \
	    "$MOCK_URL" >config.json
	printf "{\"streams\":[{\"stream\":{\"name\":\"items\",\"json_schema\":{},\"supported_sync_modes\":[\"incremental\"]},\"sync_mode\":\"incremental\",\"destination_sync_mode\":\"append\",\"cursor_field\":[\"updated_at\"]}]}" >catalog.json
	expect_exit 69 tt-window read --config config.json --catalog catalog.json >msgs
	expect_eq "2024-01-08T00:00:00Z" "$(jq -r "select(.type == \"STATE\") | .state.stream.stream_state.updated_at" msgs | tail -n 1)"
	expect_grep "INCOMPLETE" msgs
	if have_conformance; then validate_airbyte msgs; fi
'
done_testing
