#!/bin/sh
# The acceptance suite of connectors/github/manifest.yaml against the
# mock's GitHub dataset (tests/mock/datasets_examples.py): the checks the
# C connectors pass (t-shopify.sh): spec, check, discover, full and
# incremental reads in both protocols, Link paging with a STATE per page,
# comments as a child stream carrying their issue's number, failures and
# cut connections, and the token kept to its origin.
. "$(dirname "$0")/lib.sh"
. "$TESTS/manifest.sh"
: "${INTEG_ACCEPT_MANIFEST:=$TOP/connectors/github/manifest.yaml}"
as_manifest github

# shellcheck disable=SC2034 # used in the tests' eval'd bodies
DATA=$TESTS/data/github/github.json
TOKEN=$(jq -r .token "$DATA")
REPO=integ-test/widgets
# shellcheck disable=SC2034
ISSUES=/repos/$REPO/issues

gh() { mock_start --dataset "github $*"; }

# config [extra json members]: a config pointing at the mock.
config() {
	printf '{"token":"%s","repo":"%s","url":"%s"%s}\n' \
	    "$TOKEN" "$REPO" "$MOCK_URL" "${1:-}" >config.json
}

# configured: issues incremental, comments full refresh.
configured() {
	source-github discover --config config.json |
	    jq -c '{streams:[.catalog.streams[] | {stream:.,
	        sync_mode:(if .name == "issues" then "incremental" else "full_refresh" end),
	        destination_sync_mode:"append"}
	        + (if .name == "issues" then {cursor_field:["updated_at"]} else {} end)]}' >catalog.json
}

# issue N UPDATED_AT [ID]: issue #N of the data file again, changed.
issue() {
	"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))["streams"]["issues"][0]
r.update(number=int(sys.argv[2]), updated_at=sys.argv[3], title="new %s" % sys.argv[2],
         id=int(sys.argv[4]) if len(sys.argv) > 4 else 2600000000 + int(sys.argv[2]) * 7919)
print(json.dumps(r))
' "$DATA" "$@"
}

t 'spec: one SPEC message; token secret; repo, start_date, url, page_size' '
	one_spec source-github
	expect_eq true "$(jq .properties.token.airbyte_secret spec.json)"
	expect_eq "[\"token\",\"repo\"]" "$(jq -c .required spec.json)"
	expect_eq date-time "$(jq -r .properties.start_date.format spec.json)"
	expect_eq https://api.github.com "$(jq -r .properties.url.default spec.json)"
	expect_eq 100 "$(jq -r .properties.page_size.maximum spec.json)"
	expect_eq https://docs.github.com/en/rest/issues "$(jq -r .spec.documentationUrl out)"
'

t 'check: SUCCEEDED with the token as Bearer; FAILED naming the token on a 401' '
	gh
	config
	source-github check --config config.json >out
	expect_eq SUCCEEDED "$(status_of out)"
	expect_eq "Bearer $TOKEN" "$(mock_log ".headers.Authorization" | sort -u)"
	expect_eq "$ISSUES" "$(mock_log .path)"
	conform_airbyte out
	gh token=ghp_anotherTOKENanotherTOKEN0123
	config
	check_refused source-github "$TOKEN" "token: refused by GitHub" github
'

t 'check: FAILED before any request on a bad repo or no token' '
	gh
	config ",\"repo\":\"no-slash\""
	source-github check --config config.json >out
	expect_eq FAILED "$(status_of out)"
	expect_grep repo out
	printf "{\"repo\":\"%s\",\"url\":\"%s\"}\n" "$REPO" "$MOCK_URL" >config.json
	source-github check --config config.json >out
	expect_eq FAILED "$(status_of out)"
	expect_grep token out
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")" "requests made"
'

t 'discover: issues incremental on updated_at, comments full refresh, id keys' '
	gh
	config
	source-github discover --config config.json >out
	expect_eq "issues comments" "$(jq -r "[.catalog.streams[].name] | join(\" \")" out)"
	expect_eq "[[\"id\"]]" "$(jq -c "[.catalog.streams[].source_defined_primary_key] | unique | .[]" out)"
	expect_eq "[\"full_refresh\",\"incremental\"] [\"updated_at\"]" \
	    "$(jq -c ".catalog.streams[0] | .supported_sync_modes, .default_cursor_field" out | tr "\n" " " | sed "s/ $//")"
	expect_eq "[\"full_refresh\"]" "$(jq -c ".catalog.streams[1].supported_sync_modes" out)"
	expect_eq true "$(jq ".catalog.streams[1].json_schema.properties.issue_number.type == \"integer\"" out)"
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")" "requests made"
	conform_airbyte out
'

t 'a full read: 12 issues, 12 comments with their issue number, ids exact' '
	gh
	config
	configured
	source-github read --config config.json --catalog catalog.json >out 2>err
	for s in issues comments; do
		st=$(jq -r "select(.type==\"TRACE\" and .trace.type==\"STREAM_STATUS\" and .trace.stream_status.stream_descriptor.name==\"$s\") | .trace.stream_status.status" out | tr "\n" " ")
		expect_eq "STARTED RUNNING COMPLETE " "$st" "$s statuses"
	done
	expect_eq "1 2 3 4 5 6 7 8 9 10 11 12" "$(echo $(field out issues number))"
	# the repository s slash kept in the path; every state; ascending
	expect_eq "$ISSUES state=all sort=updated direction=asc per_page=100" \
	    "$(mock_log "select(.path | endswith(\"/issues\")) | \"\(.path) state=\(.args.state[0]) sort=\(.args.sort[0]) direction=\(.args.direction[0]) per_page=\(.args.per_page[0])\"" | sort -u)"
	# each issue s comments once, in issue order, carrying its number
	"$PY" -c "
import json
d = json.load(open(\"$DATA\"))[\"streams\"]
n = {r[\"url\"]: r[\"number\"] for r in d[\"issues\"]}
for c in d[\"comments\"]:
    print(c[\"id\"], n[c[\"issue_url\"]])
" >want
	paste -d " " "$(field out comments id >a; echo a)" "$(field out comments issue_number >b; echo b)" >got
	expect_same want got
	field out comments issue_url | sed "s,.*/,," >nums
	expect_same b nums
	# ids byte for byte
	"$PY" -c "
import json
for r in json.load(open(\"$DATA\"))[\"streams\"][\"issues\"]: print(r[\"id\"])" >want
	field out issues id >got
	expect_same want got
	expect_grep "\"id\":2600095028," out
	expect_eq "" "$(cat err)" "stderr"
	expect_eq "Bearer $TOKEN" "$(mock_log .headers.Authorization | sort -u)"
	expect_eq application/vnd.github+json "$(mock_log ".headers.Accept" | sort -u)"
	conform_airbyte out catalog.json
'

t 'Link paging: later pages by the Link URL; a STATE after every page; comment pages too' '
	gh
	config ",\"page_size\":5"
	configured
	source-github read --config config.json --catalog catalog.json >out
	mock_log "select(.path == \"$ISSUES\") | .args.page[0] // 1" >p
	# the issues stream, then the comments stream s pass over them
	expect_eq "1 2 3 1 2 3" "$(echo $(cat p))"
	expect_eq "5 5 5" "$(echo $(mock_log "select(.path == \"$ISSUES\" and .args.page[0] == \"2\") | .args.per_page[0]") 5)"
	pages out issues >p
	expect_eq "5 5 2" "$(echo $(cut -d" " -f1 p | head -n 3))"
	awk "NR <= 3 && \$2 != \$3 { exit 1 }" p
	expect_eq "2024-11-07T00:55:00Z 2024-11-09T01:50:00Z 2024-11-10T02:12:00Z" "$(echo $(head -n 3 p | cut -d" " -f2))"
	expect_eq 12 "$(field out issues id | sort -u | wc -l | tr -d " ")"
	expect_eq 12 "$(field out comments id | sort -u | wc -l | tr -d " ")"
	conform_airbyte out catalog.json
	# one comment a page: issue 2 s two comments take two pages
	config ",\"page_size\":1"
	: >mock.log
	source-github read --config config.json --catalog catalog.json >out
	expect_eq 12 "$(field out comments id | wc -l | tr -d " ")"
	expect_eq 12 "$(field out comments id | sort -u | wc -l | tr -d " ")"
	expect_eq 2 "$(mock_log "select(.path == \"$ISSUES/2/comments\") | .n" | wc -l | tr -d " ")"
	expect_eq 12 "$(pages out issues | head -n 12 | awk "\$1 == 1" | wc -l | tr -d " ")"
'

t 'incremental: since from the bookmark; only what changed; never older than it' '
	gh
	config ",\"page_size\":5"
	configured
	source-github read --config config.json --catalog catalog.json >one
	final_state one >state.json
	expect_eq 2024-11-10T02:12:00Z "$(jq -r ".[] | select(.stream.stream_descriptor.name==\"issues\") | .stream.stream_state.updated_at" state.json)"
	add issues "[$(issue 13 2024-11-11T09:00:00Z), $(issue 3 2024-11-12T10:00:00Z 2600023757)]"
	: >mock.log
	source-github read --config config.json --catalog catalog.json --state state.json >two
	# the boundary issue again, then the new one and the changed one
	expect_eq "12 13 3" "$(echo $(field two issues number))"
	expect_eq "new 13 new 3" "$(echo $(field two issues title | tail -n 2))"
	expect_eq 2024-11-10T02:12:00Z "$(mock_log "select(.path == \"$ISSUES\") | .args.since[0]" | head -n 1)"
	field two issues updated_at | awk "\$0 < \"2024-11-10T02:12:00Z\" { exit 1 }"
	expect_eq 2024-11-12T10:00:00Z "$(final_state two | jq -r ".[] | select(.stream.stream_descriptor.name==\"issues\") | .stream.stream_state.updated_at")"
	conform_airbyte two catalog.json
	# a state mid-way: nothing older than it, whatever the server sends
	jq -c -n "[{type:\"STREAM\",stream:{stream_descriptor:{name:\"issues\"},stream_state:{updated_at:\"2024-11-09T01:50:00Z\"}}}]" >mid.json
	source-github read --config config.json --catalog catalog.json --state mid.json >three
	expect_eq "10 11 12 13 3" "$(echo $(field three issues number))"
'

t 'start_date: since on the first read; the bookmark when that is later' '
	gh
	config ",\"start_date\":\"2024-11-08T00:00:00Z\""
	configured
	source-github read --config config.json --catalog catalog.json >out
	expect_eq "6 7 8 9 10 11 12" "$(echo $(field out issues number))"
	expect_eq 2024-11-08T00:00:00Z "$(mock_log "select(.path == \"$ISSUES\") | .args.since[0] // empty" | head -n 1)"
	# the comments stream lists every issue: a full refresh of comments
	expect_eq 12 "$(field out comments id | wc -l | tr -d " ")"
	jq -c -n "[{type:\"STREAM\",stream:{stream_descriptor:{name:\"issues\"},stream_state:{updated_at:\"2024-11-10T00:00:00Z\"}}}]" >state.json
	: >mock.log
	source-github read --config config.json --catalog catalog.json --state state.json >out
	expect_eq 12 "$(field out issues number)"
	expect_eq 2024-11-10T00:00:00Z "$(mock_log "select(.path == \"$ISSUES\") | .args.since[0] // empty" | head -n 1)"
'

t 'a 500 past the retries on page 2: exit 75, the STATE of page 1 last, comments still run' '
	gh
	config ",\"page_size\":5"
	configured
	# the first try and 5 retries of page 2 fail, the rest is served
	fault "{\"dataset\":\"github\",\"status\":500,\"count\":6,\"after\":1,\"path\":\"$ISSUES\"}"
	set +e; source-github read --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc" "exit status"
	expect_eq 5 "$(jq -r "select(.type==\"LOG\") | .log.message" out | grep -c "^retry [1-5]/5 in .*issues.*: 500")"
	expect_eq "1 2 3 4 5" "$(echo $(field out issues number))"
	expect_eq 12 "$(field out comments id | wc -l | tr -d " ")"
	pages out issues >p
	expect_eq "5 2024-11-07T00:55:00Z 2024-11-07T00:55:00Z" "$(cat p)"
	jq -c "select(.record.stream==\"issues\" or .trace.stream_status.stream_descriptor.name==\"issues\" or .trace.error or .state.stream.stream_descriptor.name==\"issues\") | .type + \" \" + (.trace.stream_status.status // .trace.error.failure_type // \"\")" out | tail -n 3 >tail
	printf "%s\n" "\"STATE \"" "\"TRACE transient_error\"" "\"TRACE INCOMPLETE\"" >want
	expect_same want tail
	expect_no_part "$TOKEN" out err
	conform_airbyte out catalog.json
	# resumed from that state: the rest, from the boundary on
	final_state out >state.json
	source-github read --config config.json --catalog catalog.json --state state.json >two
	expect_eq "5 6 7 8 9 10 11 12" "$(echo $(field two issues number))"
'

t 'a connection cut mid-page: retried, each record once; cut for good: 75, no STATE past it' '
	cat >cut.scn <<SCN
dataset github
reply
path $ISSUES
arg page=2
header Content-Type: application/json
body [{"id":2600047514,"number":6,"title":"cut here","updated_at":"2024-11-08T01:06:00Z"},{"id":2600055433,"number":7
drop 80
SCN
	mock_start cut.scn
	config ",\"page_size\":5"
	configured
	source-github read --config config.json --catalog catalog.json >out
	expect_eq "1 2 3 4 5 6 7 8 9 10 11 12" "$(echo $(field out issues number))"
	expect_no_grep "cut here" out
	# page 2: cut, again, and once more for the comments
	expect_eq 3 "$(mock_log "select(.path == \"$ISSUES\" and .args.page[0] == \"2\") | .n" | wc -l | tr -d " ")"
	sed -i "s/^drop 80$/drop 80\nalways/" cut.scn
	mock_start cut.scn
	config ",\"page_size\":5"
	set +e; source-github read --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq "1 2 3 4 5" "$(echo $(field out issues number))"
	expect_eq 2024-11-07T00:55:00Z "$(final_state out | jq -r ".[] | select(.stream.stream_descriptor.name==\"issues\") | .stream.stream_state.updated_at")"
	expect_no_grep "cut here" out
'

t 'the token goes to no other origin (a Link elsewhere), and is in no output or log' '
	cat >other.scn <<SCN
reply
path /repos/*
header Content-Type: application/json
body []
always
SCN
	mock_start other.scn
	OTHER=$MOCK_URL L2=$MOCK_LOG
	cat >first.scn <<SCN
dataset github
reply
path $ISSUES
header Content-Type: application/json
header Link: <$OTHER$ISSUES?page=2&per_page=100>; rel="next"
body [{"id":2600007919,"number":1,"updated_at":"2024-11-06T00:11:00Z"}]
SCN
	mock_start first.scn
	config
	configured
	source-github read --config config.json --catalog catalog.json >out 2>err
	expect_eq "$ISSUES" "$(jq -r .path "$L2")"
	expect_eq null "$(jq -r .headers.Authorization "$L2")"
	expect_eq "Bearer $TOKEN" "$(mock_log .headers.Authorization | sort -u)"
	# Singer too, logs on stderr
	source-github --config config.json >sout 2>serr
	[ -s serr ]
	expect_no_part "$TOKEN" out err sout serr "$L2"
	# a 401 body quoting the token back is masked
	cat >echo.scn <<SCN
reply
path $ISSUES
status 401
header Content-Type: application/json
body {"message":"Bad credentials: $TOKEN"}
always
SCN
	mock_start echo.scn
	config
	source-github check --config config.json >out 2>err
	expect_eq FAILED "$(status_of out)"
	expect_no_part "$TOKEN" out err
	expect_exit 77 source-github --config config.json >sout 2>serr
	expect_no_part "$TOKEN" sout serr
'

t 'a 64-bit id beyond 2^53 and a comment of such an issue: exact' '
	gh
	config
	configured
	add issues "$(issue 14 2024-11-11T00:00:00Z | sed "s/\"id\": [0-9]*/\"id\": 9007199254740993/")"
	add comments "{\"id\":9223372036854775807,\"issue_url\":\"%URL$ISSUES/14\",\"user\":{\"login\":\"ada\"},\"body\":\"big\",\"created_at\":\"2024-11-11T00:00:00Z\",\"updated_at\":\"2024-11-11T00:00:00Z\"}"
	source-github read --config config.json --catalog catalog.json >out
	expect_grep "\"id\":9007199254740993,\"node_id\"" out
	expect_grep "{\"id\":9223372036854775807," out
	expect_eq "9223372036854775807 14" "$(paste -d " " "$(field out comments id >a; echo a)" "$(field out comments issue_number >b; echo b)" | tail -n 1)"
	conform_airbyte out catalog.json
'

t 'Singer: discover, a read with a STATE per page, a read from its state, strictly checked' '
	gh
	config ",\"page_size\":5"
	source-github --config config.json --discover >catalog.json
	expect_eq "issues comments" "$(jq -r "[.streams[].tap_stream_id] | join(\" \")" catalog.json)"
	expect_eq "INCREMENTAL FULL_TABLE" "$(echo $(jq -r ".streams[].metadata[] | select(.breadcrumb==[]) | .metadata[\"replication-method\"]" catalog.json))"
	source-github --config config.json --catalog catalog.json >out 2>err
	expect_eq 24 "$(grep -c "\"type\":\"RECORD\"" out)"
	# three pages of issues, a STATE after each, and one at the end
	expect_eq 4 "$(jq -r "select(.type==\"SCHEMA\" or .type==\"STATE\") | .type + .stream" out | sed -n "2,/SCHEMAcomments/p" | grep -c STATE)"
	if have_conformance; then
		check_singer --strict --require-state --bookmarks --expect-streams issues,comments out
	fi
	jq -c "select(.type==\"STATE\") | .value" out | tail -n 1 >state.json
	expect_eq 2024-11-10T02:12:00Z "$(jq -r .bookmarks.issues.replication_key_value state.json)"
	add issues "$(issue 13 2024-11-11T09:00:00Z)"
	source-github --config config.json --catalog catalog.json --state state.json >two 2>err
	expect_eq "12 13" "$(echo $(jq -r "select(.type==\"RECORD\" and .stream==\"issues\") | .record.number" two))"
	expect_eq 2024-11-11T09:00:00Z "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.issues.replication_key_value" two | tail -n 1)"
	if have_conformance; then
		check_singer --strict --require-state --bookmarks two
	fi
	expect_no_part "$TOKEN" out two err
'

t 'Singer: a failure on page 2 leaves page 1 s bookmark last' '
	gh
	config ",\"page_size\":5"
	source-github --config config.json --discover >catalog.json
	fault "{\"dataset\":\"github\",\"status\":500,\"count\":100,\"after\":1,\"path\":\"$ISSUES\"}"
	set +e; source-github --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq 5 "$(jq -r "select(.type==\"RECORD\" and .stream==\"issues\") | .record.number" out | wc -l | tr -d " ")"
	expect_eq 2024-11-07T00:55:00Z "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.issues.replication_key_value // empty" out | tail -n 1)"
	expect_grep "issues:" err
	if have_conformance; then check_singer --strict out; fi
'

done_testing
