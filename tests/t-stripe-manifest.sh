#!/bin/sh
# The acceptance suite of connectors/stripe/manifest.yaml against the
# mock's Stripe dataset (tests/mock/datasets_examples.py): the checks the
# C connectors pass (t-shopify.sh): spec, check, discover, full and
# incremental reads in both protocols, starting_after paging with
# has_more, newest first so one STATE at the clean end, created[gte] in
# epoch seconds, failures and cut connections, the key kept secret.
. "$(dirname "$0")/lib.sh"
. "$TESTS/manifest.sh"
: "${INTEG_ACCEPT_MANIFEST:=$TOP/connectors/stripe/manifest.yaml}"
as_manifest stripe

# the newest customer's created, and the pair's (the 12th and 13th)
# shellcheck disable=SC2034 # used in the tests' eval'd bodies
NEWEST=1730509375 PAIR=1730462484 DATA=$TESTS/data/stripe/stripe.json
KEY=$(jq -r .token "$DATA")

st() { mock_start --dataset "stripe $*"; }

# config [extra json members]: a config pointing at the mock.
config() {
	printf '{"api_key":"%s","url":"%s"%s}\n' "$KEY" "$MOCK_URL" "${1:-}" >config.json
}

configured() {
	source-stripe discover --config config.json |
	    jq -c '{streams:[.catalog.streams[] | {stream:., sync_mode:"incremental",
	        cursor_field:["created"], destination_sync_mode:"append"}]}' >catalog.json
}

# state CREATED: an Airbyte state of customers at that bookmark.
state() {
	printf '[{"type":"STREAM","stream":{"stream_descriptor":{"name":"customers"},"stream_state":{"created":%s}}}]\n' "$1" >state.json
}

# customer N CREATED: a customer numbered N created then.
customer() {
	printf '{"id":"cus_Test%010d","object":"customer","created":%s,"name":"Test %s","email":null,"balance":0,"currency":null,"livemode":false,"metadata":{"n":"%s"}}' \
	    "$1" "$2" "$1" "$1"
}

# ns FILE: the customers' metadata.n, in order, on one line.
ns() {
	jq -r "select(.type==\"RECORD\") | .record.data.metadata.n" "$1" |
	    tr "\n" " " | sed "s/ $//"
}

# states FILE: where the customers' STATEs are: r for a record, S a STATE.
states() {
	jq -r "select(.type==\"RECORD\" or .type==\"STATE\") | .type[0:1]" "$1" | tr -d "\n" |
	    sed "s/RR*/r/g"
}

t 'spec: one SPEC message; api_key secret; start_date, url, page_size' '
	one_spec source-stripe
	expect_eq true "$(jq .properties.api_key.airbyte_secret spec.json)"
	expect_eq "[\"api_key\"]" "$(jq -c .required spec.json)"
	expect_eq date-time "$(jq -r .properties.start_date.format spec.json)"
	expect_eq https://api.stripe.com "$(jq -r .properties.url.default spec.json)"
	expect_eq "1 100 100" "$(jq -r ".properties.page_size | \"\(.minimum) \(.maximum) \(.default)\"" spec.json)"
'

t 'check: SUCCEEDED with the key as Bearer; FAILED naming api_key on a 401' '
	st
	config
	source-stripe check --config config.json >out
	expect_eq SUCCEEDED "$(status_of out)"
	expect_eq "Bearer $KEY" "$(mock_log .headers.Authorization)"
	conform_airbyte out
	st token=sk_test_anotherKEYanotherKEY0123
	config
	check_refused source-stripe "$KEY" "api_key: refused by Stripe" stripe
	printf "{\"url\":\"%s\"}\n" "$MOCK_URL" >config.json
	source-stripe check --config config.json >out
	expect_eq FAILED "$(status_of out)"
	expect_grep api_key out
	expect_eq 1 "$(wc -l <mock-2.log | tr -d " ")" "requests made"
'

t 'discover: customers, incremental on created (an integer), id key' '
	st
	config
	source-stripe discover --config config.json >out
	expect_eq customers "$(jq -r ".catalog.streams[].name" out)"
	expect_eq "[\"full_refresh\",\"incremental\"] [\"created\"] [[\"id\"]] true" \
	    "$(jq -c ".catalog.streams[0] | .supported_sync_modes, .default_cursor_field, .source_defined_primary_key, .source_defined_cursor" out | tr "\n" " " | sed "s/ $//")"
	expect_eq integer "$(jq -r ".catalog.streams[0].json_schema.properties.created.type" out)"
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")" "requests made"
	conform_airbyte out
'

t 'a full read: 25 customers newest first, the same-second pair, one STATE at the end' '
	st
	config
	configured
	source-stripe read --config config.json --catalog catalog.json >out 2>err
	expect_eq "25 24 23 22 21 20 19 18 17 16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1" "$(ns out)"
	expect_eq "STARTED RUNNING COMPLETE " "$(jq -r "select(.type==\"TRACE\" and .trace.type==\"STREAM_STATUS\") | .trace.stream_status.status" out | tr "\n" " ")"
	expect_eq "/v1/customers limit=100" "$(mock_log "\"\(.path) \(.query)\"")"
	expect_eq rS "$(states out)"
	expect_eq "$NEWEST" "$(final_state out | jq -r ".[0].stream.stream_state.created")"
	"$PY" -c "
import json
for r in json.load(open(\"$DATA\"))[\"streams\"][\"customers\"]: print(r[\"id\"], r[\"created\"])" | sort >want
	paste -d " " "$(field out customers id >a; echo a)" "$(field out customers created >b; echo b)" | sort >got
	expect_same want got
	expect_grep "Karen Spärck Jones" out
	expect_eq "" "$(cat err)" "stderr"
	conform_airbyte out catalog.json
'

t 'starting_after paging: the last id of each page, until has_more is false; no STATE mid-stream' '
	st
	config ",\"page_size\":5"
	configured
	source-stripe read --config config.json --catalog catalog.json >out
	expect_eq 5 "$(wc -l <mock.log | tr -d " ")" "pages"
	# each later page starts after the last id of the page before
	field out customers id | awk "NR % 5 == 0 && NR < 25" >want
	mock_log ".args.starting_after[0] // empty" >got
	expect_same want got
	expect_eq 5 "$(mock_log .args.limit[0] | sort -u)"
	expect_eq 25 "$(field out customers id | sort -u | wc -l | tr -d " ")"
	expect_eq rS "$(states out)"
	# the pair split by a page: 13 ends page 1, 12 begins page 2
	config ",\"page_size\":13"
	: >mock.log
	source-stripe read --config config.json --catalog catalog.json >out
	expect_eq 2 "$(wc -l <mock.log | tr -d " ")" "pages"
	expect_eq "$(field out customers id | sed -n 13p)" "$(mock_log ".args.starting_after[0] // empty")"
	expect_eq "13 12" "$(ns out | cut -d" " -f13,14)"
	expect_eq 25 "$(field out customers id | sort -u | wc -l | tr -d " ")"
	conform_airbyte out catalog.json
'

t 'incremental: created[gte] from the bookmark; new customers; none older than it' '
	st
	config ",\"page_size\":5"
	configured
	source-stripe read --config config.json --catalog catalog.json >one
	final_state one >state.json
	add customers "[$(customer 26 1730600000), $(customer 27 1730400000)]"
	: >mock.log
	source-stripe read --config config.json --catalog catalog.json --state state.json >two
	# the boundary customer again and the new one; 27 is older than the bookmark
	expect_eq "26 25" "$(ns two)"
	expect_eq "$NEWEST" "$(mock_log ".args[\"created[gte]\"][0]")"
	expect_eq 1730600000 "$(final_state two | jq -r ".[0].stream.stream_state.created")"
	conform_airbyte two catalog.json
	# from the same-second pair: both of it, nothing older
	state "$PAIR"
	source-stripe read --config config.json --catalog catalog.json --state state.json >three
	expect_eq "26 25 24 23 22 21 20 19 18 17 16 15 14 13 12" "$(ns three)"
	field three customers created | awk -v b="$PAIR" "\$1 < b { exit 1 }"
'

t 'records older than the bookmark are dropped, whatever the server sends' '
	cat >old.scn <<SCN
reply
path /v1/customers
header Content-Type: application/json
body {"object":"list","has_more":false,"data":[$(customer 3 1730500010),$(customer 2 1730500000),$(customer 1 1730499990)]}
SCN
	mock_start old.scn
	config
	configured
	state 1730500000
	source-stripe read --config config.json --catalog catalog.json --state state.json >out
	expect_eq "3 2" "$(ns out)"
	expect_eq 1730500010 "$(final_state out | jq -r ".[0].stream.stream_state.created")"
'

t 'start_date: created[gte] in epoch seconds; the later of it and the bookmark' '
	st
	config ",\"start_date\":\"2024-11-01T20:00:00Z\""
	configured
	source-stripe read --config config.json --catalog catalog.json >out
	expect_eq "25 24 23 22 21 20" "$(ns out)"
	expect_eq 1730491200 "$(mock_log ".args[\"created[gte]\"][0]")"
	state "$PAIR"
	: >mock.log
	source-stripe read --config config.json --catalog catalog.json --state state.json >out
	expect_eq 1730491200 "$(mock_log ".args[\"created[gte]\"][0]")"
	expect_eq "25 24 23 22 21 20" "$(ns out)"
	state 1730500000
	: >mock.log
	source-stripe read --config config.json --catalog catalog.json --state state.json >out
	expect_eq 1730500000 "$(mock_log ".args[\"created[gte]\"][0]")"
	expect_eq "25 24 23" "$(ns out)"
'

t 'a 500 past the retries on page 3: exit 75, no STATE past the old bookmark; resumed' '
	st
	config ",\"page_size\":5"
	configured
	fault "{\"dataset\":\"stripe\",\"status\":500,\"count\":6,\"after\":2}"
	set +e; source-stripe read --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq 10 "$(field out customers id | wc -l | tr -d " ")"
	expect_eq r "$(states out)"
	expect_eq "transient_error INCOMPLETE" "$(echo $(jq -r "select(.type==\"TRACE\") | .trace.error.failure_type // .trace.stream_status.status" out | tail -n 2))"
	conform_airbyte out catalog.json
	# from a bookmark: a failure leaves it where it was
	state "$PAIR"
	fault "{\"dataset\":\"stripe\",\"status\":500,\"count\":6,\"after\":1}"
	set +e; source-stripe read --config config.json --catalog catalog.json --state state.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq 5 "$(field out customers id | wc -l | tr -d " ")"
	jq -r "select(.type==\"STATE\") | .state.stream.stream_state.created" out | sort -u >st
	[ ! -s st ] || expect_eq "$PAIR" "$(cat st)"
	# the rerun from it reads every newer customer
	source-stripe read --config config.json --catalog catalog.json --state state.json >two
	expect_eq 14 "$(field two customers id | wc -l | tr -d " ")"
	expect_eq "$NEWEST" "$(final_state two | jq -r ".[0].stream.stream_state.created")"
'

t 'a connection cut mid-page: retried, each customer once; cut for good: 75, no STATE' '
	cat >cut.scn <<SCN
dataset stripe
reply
path /v1/customers
arg starting_after
header Content-Type: application/json
body {"object":"list","has_more":true,"data":[$(customer 90 1730509000),$(customer 91 1730508000)]}
drop 60
SCN
	mock_start cut.scn
	config ",\"page_size\":5"
	configured
	source-stripe read --config config.json --catalog catalog.json >out
	expect_eq 25 "$(field out customers id | wc -l | tr -d " ")"
	expect_eq 25 "$(field out customers id | sort -u | wc -l | tr -d " ")"
	expect_no_grep cus_Test out
	expect_eq 6 "$(wc -l <mock.log | tr -d " ")" "requests"
	sed -i "s/^drop 60$/drop 60\nalways/" cut.scn
	mock_start cut.scn
	config ",\"page_size\":5"
	set +e; source-stripe read --config config.json --catalog catalog.json >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	expect_eq 5 "$(field out customers id | wc -l | tr -d " ")"
	expect_eq r "$(states out)"
'

t 'the key goes to no other origin (a redirect elsewhere), and is in no output or log' '
	cat >other.scn <<SCN
reply
path /v1/*
header Content-Type: application/json
body {"object":"list","has_more":false,"data":[]}
always
SCN
	mock_start other.scn
	OTHER=$MOCK_URL L2=$MOCK_LOG
	cat >first.scn <<SCN
reply
path /v1/customers
status 302
header Location: $OTHER/v1/customers?limit=100
SCN
	mock_start first.scn
	config
	configured
	source-stripe read --config config.json --catalog catalog.json >out 2>err
	expect_eq "Bearer $KEY" "$(mock_log .headers.Authorization)"
	# followed, without the key
	expect_eq "/v1/customers null" "$(jq -r "\"\(.path) \(.headers.Authorization)\"" "$L2")"
	# an error body quoting the key back is masked, in both protocols
	cat >echo.scn <<SCN
reply
path /v1/customers
status 401
header Content-Type: application/json
body {"error":{"type":"invalid_request_error","message":"Invalid API Key provided: $KEY"}}
always
SCN
	mock_start echo.scn
	config
	source-stripe check --config config.json >cout 2>cerr
	expect_eq FAILED "$(status_of cout)"
	expect_exit 77 source-stripe read --config config.json --catalog catalog.json >rout 2>rerr
	expect_exit 77 source-stripe --config config.json >sout 2>serr
	[ -s serr ]
	expect_no_part "$KEY" out err cout cerr rout rerr sout serr "$L2"
'

t 'Singer: discover, a read with one STATE at the end, a read from it, strictly checked' '
	st
	config ",\"page_size\":5"
	source-stripe --config config.json --discover >catalog.json
	expect_eq "INCREMENTAL created" "$(jq -r ".streams[0] | (.metadata[] | select(.breadcrumb==[]) | .metadata[\"replication-method\"]), .replication_key" catalog.json | tr "\n" " " | sed "s/ $//")"
	source-stripe --config config.json --catalog catalog.json >out 2>err
	expect_eq 25 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq rS "$(states out)"
	if have_conformance; then
		check_singer --strict --require-state --bookmarks --expect-streams customers out
	fi
	jq -c "select(.type==\"STATE\") | .value" out | tail -n 1 >state.json
	expect_eq "$NEWEST" "$(jq -r .bookmarks.customers.replication_key_value state.json)"
	add customers "$(customer 26 1730600000)"
	source-stripe --config config.json --catalog catalog.json --state state.json >two 2>err
	expect_eq "26 25" "$(echo $(jq -r "select(.type==\"RECORD\") | .record.metadata.n" two))"
	expect_eq 1730600000 "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.customers.replication_key_value" two | tail -n 1)"
	if have_conformance; then
		check_singer --strict --require-state --bookmarks two
	fi
	# a failure: no bookmark past the one it started from
	fault "{\"dataset\":\"stripe\",\"status\":500,\"count\":6,\"after\":0}"
	set +e; source-stripe --config config.json --catalog catalog.json --state state.json >three 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	jq -r "select(.type==\"STATE\") | .value.bookmarks.customers.replication_key_value // empty" three | sort -u >b
	[ ! -s b ] || expect_eq "$NEWEST" "$(cat b)"
	expect_no_part "$KEY" out two three err
'

done_testing
