#!/bin/sh
# integ-source with windows (integ-manifest(5)): a stream read in date
# windows (integ_ctx_windows), each paged in full, a STATE after each
# complete window; a source killed (SIGKILL) inside a window resumes at
# the last complete one, every record delivered; the window's format,
# lookback and parallel; record steps; a window that fails; the mistakes.
# The mock is t-fetch-window.sh's.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

# win [WINDOWS LINES]: win.yaml, items at /items in windows since,until
# of P7D from config.start_date to config.end_date, one at a time
win() {
	cat >win.yaml <<'YAML'
name: win
spec:
  type: object
  required: [url]
  properties:
    url: {type: string}
    start_date: {type: string}
    end_date: {type: string}
base_url: "{{ config.url }}"
streams:
  - name: items
    path: /items
    records: items
    primary_key: id
    paging: {type: next, path: next}
    incremental: {cursor_field: updated_at, order: unsorted}
    windows:
YAML
	if [ $# -eq 0 ]; then
		set -- "start_param: since" "end_param: until" "step: P7D" \
		    "from: \"{{ config.start_date }}\"" "to: \"{{ config.end_date }}\"" \
		    "parallel: 1"
	fi
	printf '      %s\n' "$@" >>win.yaml
}

config() { # END [START]
	printf '{"url":"%s","start_date":"%s","end_date":"%s"}\n' "$MOCK_URL" \
	    "${2:-2024-01-01T00:00:00Z}" "$1" >config.json
}

src() { integ-source --manifest win.yaml "$@"; }
states() { jq -r "select(.type == \"STATE\") | .value.bookmarks.items.replication_key_value" "$1" | tr "\n" " "; }
ids() { jq -r "select(.type == \"RECORD\") | .record.id" "$1" | tr "\n" " "; }

t 'one request a window, paged in full, a STATE at each window end, resumed from it' '
	mock_start fetch-window
	win
	config 2024-01-15T00:00:00Z
	src --config config.json >msgs 2>err
	expect_eq "2 1 3 " "$(ids msgs)"
	expect_eq "2024-01-01T00:00:00Z 2024-01-08T00:00:00Z 2024-01-15T00:00:00Z 2024-01-15T00:00:00Z " "$(states msgs)"
	expect_eq "2024-01-01T00:00:00Z 2024-01-08T00:00:00Z " "$(mock_log ".args.since[0]" | tr "\n" " ")"
	expect_eq "2024-01-08T00:00:00Z 2024-01-15T00:00:00Z " "$(mock_log ".args.until[0]" | tr "\n" " ")"
	if have_conformance; then check_singer msgs; fi
	# the bookmark, not the start date, is where the next run begins
	jq -c "select(.type == \"STATE\") | .value" msgs | tail -n 1 >state.json
	config 2024-01-22T00:00:00Z
	n0=$(wc -l <mock.log)
	src --config config.json --state state.json >msgs 2>err
	expect_eq "2024-01-15T00:00:00Z " "$(tail -n +$((n0 + 1)) mock.log | jq -r ".args.since[0] // empty" | sort -u | tr "\n" " ")"
'

t 'SIGKILL inside a window: the last STATE is the last complete window; resumed, none skipped' '
	mock_start fetch-window
	win
	config 2024-01-29T00:00:00Z
	src --config config.json >msgs 2>err &
	pid=$!
	i=0
	# window 3 s second page hangs; windows 1 and 2 are out
	until grep -q w3p2-hang mock.log 2>/dev/null &&
	    grep -q "\"replication_key_value\":\"2024-01-15" msgs 2>/dev/null; do
		i=$((i + 1)); [ "$i" -lt 1000 ] || exit 1; sleep 0.01
	done
	kill -KILL "$pid"
	wait "$pid" || :
	expect_eq "2024-01-15T00:00:00Z" "$(jq -r "select(.type == \"STATE\") | .value.bookmarks.items.replication_key_value" msgs | tail -n 1)"
	# window 3 s first page may be out; its end is no bookmark
	case "$(ids msgs)" in "2 1 3 "*) ;; *) echo "ids: $(ids msgs)" >&2; exit 1 ;; esac
	jq -c "select(.type == \"STATE\") | .value" msgs | tail -n 1 >state.json
	n0=$(wc -l <mock.log)
	src --config config.json --state state.json >msgs2 2>err
	expect_eq "2024-01-15T00:00:00Z" "$(tail -n +$((n0 + 1)) mock.log | jq -r ".args.since[0] // empty" | sort | head -n 1)"
	expect_eq "5 4 6 " "$(ids msgs2)"
	expect_eq "2024-01-15T00:00:00Z 2024-01-22T00:00:00Z 2024-01-29T00:00:00Z 2024-01-29T00:00:00Z " "$(states msgs2)"
	# every record of the mock, across both runs
	expect_eq "1 2 3 4 5 6" "$(cat msgs msgs2 | jq -r "select(.type == \"RECORD\") | .record.id" | sort -u | tr "\n" " " | sed "s/ $//")"
'

t 'Airbyte: a window that fails ends the stream with no STATE past the window before' '
	mock_start fetch-window-fail
	win
	config 2024-01-15T00:00:00Z
	printf "{\"streams\":[{\"stream\":{\"name\":\"items\",\"json_schema\":{},\"supported_sync_modes\":[\"incremental\"]},\"sync_mode\":\"incremental\",\"destination_sync_mode\":\"append\",\"cursor_field\":[\"updated_at\"]}]}" >catalog.json
	expect_exit 69 src read --config config.json --catalog catalog.json >msgs 2>err
	expect_eq "2024-01-08T00:00:00Z" "$(jq -r "select(.type == \"STATE\") | .state.stream.stream_state.updated_at" msgs | tail -n 1)"
	expect_grep "INCOMPLETE" msgs
	if have_conformance; then validate_airbyte msgs; fi
'

t 'format date, lookback, epoch; the windows to now when to is not given' '
	mock_start fetch-window-any
	win "start_param: start_date" "end_param: end_date" "step: P7D" "format: date" \
	    "from: \"{{ config.start_date }}\"" "to: \"{{ config.end_date }}\""
	config 2024-01-15T12:00:00Z 2024-01-01
	src --config config.json >msgs 2>err
	expect_eq "2024-01-01 2024-01-08 " "$(mock_log ".args.start_date[0]" | sort | tr "\n" " ")"
	expect_eq "2024-01-08 2024-01-15 " "$(mock_log ".args.end_date[0]" | sort | tr "\n" " ")"
	mock_start fetch-window-any
	win "start_param: a" "end_param: b" "step: P1D" "format: epoch" "lookback: PT1H" \
	    "from: \"{{ config.start_date }}\"" "to: \"{{ config.end_date }}\""
	config 2024-01-02T12:00:00Z
	src --config config.json >msgs 2>err
	expect_eq "1704063600 1704150000 " "$(jq -r ".args.a[0]" mock-2.log | sort | tr "\n" " ")"
	expect_eq "1704150000 1704196800 " "$(jq -r ".args.b[0]" mock-2.log | sort | tr "\n" " ")"
	expect_eq 1704196800 "$(states msgs | tr " " "\n" | grep . | tail -n 1)"
	# no to: up to now, a window a year
	mock_start fetch-window-any
	win "start_param: a" "end_param: b" "step: P1Y" "from: \"{{ config.start_date }}\""
	config x 2020-01-01T00:00:00Z
	src --config config.json >msgs 2>err
	y=$(date -u +%Y)
	expect_eq "$((y - 2020 + 1))" "$(jq -r ".args.a[0]" mock-3.log | wc -l | tr -d " ")"
'

t 'parallel windows: fetched at once, records and STATEs in window order' '
	mock_start fetch-window-any
	cat >win.yaml <<-YAML
	name: win
	spec: {type: object, properties: {url: {type: string}}}
	base_url: "{{ config.url }}"
	streams:
	  - name: items
	    path: /slow
	    records: items
	    incremental: {cursor_field: t}
	    add_fields: {window_read: true}
	    windows: {start_param: since, end_param: until, step: P1D,
	      from: "2024-01-01T00:00:00Z", to: "2024-01-05T00:00:00Z", parallel: 4}
	YAML
	printf "{\"url\":\"%s\"}\n" "$MOCK_URL" >config.json
	src --config config.json >msgs 2>err
	expect_eq "{\"first\":true,\"window_read\":true}" "$(jq -c "select(.type == \"RECORD\") | .record" msgs)"
	expect_eq "2024-01-01T00:00:00Z 2024-01-02T00:00:00Z 2024-01-03T00:00:00Z 2024-01-04T00:00:00Z 2024-01-05T00:00:00Z 2024-01-05T00:00:00Z " \
	    "$(jq -r "select(.type == \"STATE\") | .value.bookmarks.items.replication_key_value" msgs | tr "\n" " ")"
	expect_eq 4 "$(mock_log .n | wc -l | tr -d " ")"
	t1=$(mock_log .time | head -n 1) t4=$(mock_log .time | tail -n 1)
	awk -v a="$t1" -v b="$t4" "BEGIN { exit !(b - a < 0.4) }"
'

t 'windows mistakes: 78 with the file, the line and the key' '
	win "start_param: since" "end_param: until" "step: 7D"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:20: streams[0].windows.step: expected an ISO 8601 duration (P7D, PT6H), not \"7D\"" err
	win "start_param: since" "end_param: until" "step: P1D" "lookback: 1h"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:21: streams[0].windows.lookback: expected an ISO 8601 duration" err
	win "start_param: since" "end_param: until" "step: P1D" "format: iso"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:21: streams[0].windows.format: expected one of rfc3339, date, epoch, epoch-ms" err
	win "start_param: since" "step: P1D"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:17: streams[0].windows.end_param: required, missing" err
	win "start_param: since" "end_param: until" "step: P1D" "parallel: 0"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:21: streams[0].windows.parallel: expected windows at once, 1 to 64" err
	win "start_param: since" "end_param: until" "step: P1D" "size: 3"
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:21: streams[0].windows.size: unknown key" err
	win "start_param: since" "end_param: until" "step: P1D" "from: \"{{ config.nope }}\""
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:21: streams[0].windows.from: expected a field of the spec" err
	win "start_param: since" "end_param: until" "step: P1D"
	sed -i "s/order: unsorted}/order: unsorted, param: since}/" win.yaml
	expect_exit 78 src spec 2>err
	expect_grep "win.yaml:17: streams[0].windows: expected no incremental.param with it" err
	# a from that is unset, no bookmark: 78 when the stream runs
	win "start_param: since" "end_param: until" "step: P1D" "from: \"{{ config.start_date }}\""
	printf "{\"url\":\"http://127.0.0.1:9\"}\n" >config.json
	expect_exit 78 src --config config.json >msgs 2>err
	expect_grep "items: windows" err
'

done_testing
