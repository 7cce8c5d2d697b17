#!/bin/sh
# The acceptance suite of source-pokeapi, after Airbyte's connector
# acceptance tests, against the mock's PokeAPI dataset: spec, check,
# discover, full reads in both protocols, failures and cancellation.
# t-pokeapi-manifest.sh runs it against the manifest source.
. "$(dirname "$0")/lib.sh"
. "$TESTS/manifest.sh"
as_manifest pokeapi

# used inside the tests' bodies
export STREAMS="pokemon berry type pokemon_details"

# config [extra json members]: a config pointing at the mock.
config() {
	printf '{"url":"%s/api/v2","page_size":20%s}\n' "$MOCK_URL" "${1:-}" >config.json
}

# The configured catalog of every stream, full refresh.
configured() { full_refresh source-pokeapi; }

t 'spec is one SPEC message with a JSON Schema object spec' '
	source-pokeapi spec >out
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_eq SPEC "$(jq -r .type out)"
	expect_eq object "$(jq -r .spec.connectionSpecification.type out)"
	expect_eq "https://pokeapi.co/api/v2" "$(jq -r .spec.connectionSpecification.properties.url.default out)"
	conform_airbyte out
	jq .spec.connectionSpecification out >spec.json
	valid_schema spec.json
'

t 'check succeeds on a good config' '
	mock_start --dataset pokeapi
	config
	source-pokeapi check --config config.json >out
	expect_eq SUCCEEDED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	expect_eq 1 "$(grep -c CONNECTION_STATUS out)"
	conform_airbyte out
'

t 'check gives FAILED naming the bad field, before any request' '
	mock_start --dataset pokeapi
	config ",\"page_size\":0"
	source-pokeapi check --config config.json >out
	expect_eq FAILED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.message" out >msg
	expect_grep "page_size" msg
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")" "requests made"
	conform_airbyte out
'

t 'check gives FAILED on a refused credential (401)' '
	cat >s.scn <<SCN
reply
status 401 Unauthorized
body {"detail":"Invalid token."}
SCN
	mock_start s.scn
	config
	source-pokeapi check --config config.json >out
	expect_eq FAILED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.message" out >msg
	expect_grep "401" msg
'

t 'check with a server down for good (5xx past the retries): FAILED with the reason, exit 0' '
	cat >s.scn <<SCN
exhausted repeat-last
reply
status 503 Service Unavailable
body down
SCN
	mock_start s.scn
	config
	source-pokeapi check --config config.json >out
	expect_eq FAILED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	expect_eq 1 "$(grep -c CONNECTION_STATUS out)"
	jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.message" out >why
	expect_grep 503 why
	# the TRACE beside it says that trying later may help
	expect_eq transient_error "$(jq -r "select(.type==\"TRACE\") | .trace.error.failure_type" out)"
	[ "$(mock_log .path | wc -l)" -gt 1 ] || { echo "no retries"; exit 1; }
	conform_airbyte out
'

t 'check with nothing listening (connection refused): FAILED with the reason, exit 0' '
	mock_start --dataset pokeapi
	config
	mock_stop
	source-pokeapi check --config config.json >out
	expect_eq FAILED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	expect_eq 1 "$(grep -c CONNECTION_STATUS out)"
	jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.message" out >why
	grep -qi "connect" why || { cat why; exit 1; }
	conform_airbyte out
'

t 'a read with the server down is still exit 75 with TRACE ERROR transient_error' '
	mock_start --dataset pokeapi
	config
	mock_stop
	expect_exit 75 source-pokeapi read --config config.json >out
	expect_eq transient_error "$(jq -r "select(.type==\"TRACE\" and .trace.type==\"ERROR\") | .trace.error.failure_type" out | head -n 1)"
	expect_eq 0 "$(grep -c CONNECTION_STATUS out || :)"
'

t 'a config that is not there is 66; one that fails the spec is 78 with TRACE ERROR' '
	mock_start --dataset pokeapi
	expect_exit 66 source-pokeapi discover --config nope.json >out
	config ",\"url\":\"no url\""
	expect_exit 78 source-pokeapi read --config config.json >out
	expect_eq config_error "$(jq -r "select(.type==\"TRACE\") | .trace.error.failure_type" out)"
	jq -r "select(.type==\"TRACE\") | .trace.error.message" out >msg
	expect_grep "url" msg
'

t 'discover: a valid catalog, unique names, keys in the schemas, full refresh only' '
	mock_start --dataset pokeapi
	config
	source-pokeapi discover --config config.json >out
	expect_eq CATALOG "$(jq -r .type out)"
	expect_eq "$STREAMS" "$(jq -r "[.catalog.streams[].name] | join(\" \")" out)"
	expect_eq 4 "$(jq -r "[.catalog.streams[].name] | unique | length" out)"
	expect_eq true "$(jq "[.catalog.streams[] | .source_defined_primary_key[0][0] as \$k | .json_schema.properties | has(\$k)] | all" out)"
	expect_eq "[\"full_refresh\"]" "$(jq -c "[.catalog.streams[].supported_sync_modes[]] | unique" out)"
	conform_airbyte out
'

t 'a full read: every stream, records conform, STARTED/RUNNING/COMPLETE each' '
	mock_start --dataset pokeapi
	config
	configured
	source-pokeapi read --config config.json --catalog catalog.json >out
	for s in $STREAMS; do
		st=$(jq -r "select(.type==\"TRACE\" and .trace.type==\"STREAM_STATUS\" and .trace.stream_status.stream_descriptor.name==\"$s\") | .trace.stream_status.status" out | tr "\n" " ")
		expect_eq "STARTED RUNNING COMPLETE " "$st" "$s statuses"
	done
	expect_eq 60 "$(jq -r "select(.type==\"RECORD\" and .record.stream==\"pokemon\")" out | grep -c "\"emitted_at\"")"
	expect_eq 60 "$(jq -r "select(.type==\"RECORD\" and .record.stream==\"pokemon_details\") | .record.data.id" out | sort -u | wc -l | tr -d " ")"
	expect_eq 15 "$(jq -r "select(.type==\"RECORD\" and .record.stream==\"berry\") | .record.data.name" out | wc -l | tr -d " ")"
	conform_airbyte out catalog.json
'

t 'pokemon_details fans out concurrently, at most concurrency at once, in list order' '
	mock_start --dataset "pokeapi delay=0.05"
	config ",\"concurrency\":3"
	printf "%s\n" "{\"streams\":[{\"stream\":{\"name\":\"pokemon_details\",\"json_schema\":{},\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":\"full_refresh\",\"destination_sync_mode\":\"overwrite\"}]}" >catalog.json
	source-pokeapi read --config config.json --catalog catalog.json >out
	jq -r "select(.type==\"RECORD\") | .record.data.id" out >ids
	seq 1 60 >want
	expect_same want ids
	# a 50 ms reply each, 60 of them: three at a time is well under 60 x 50 ms
	jq -r "select(.path | test(\"/pokemon/[0-9]+/\")) | .client_port" mock.log | sort -u | wc -l >ports
	expect_eq 3 "$(tr -d " " <ports)" "connections used for details"
'

t 'two full-refresh reads agree' '
	mock_start --dataset pokeapi
	config
	configured
	source-pokeapi read --config config.json --catalog catalog.json >a
	source-pokeapi read --config config.json --catalog catalog.json >b
	jq -c "select(.type==\"RECORD\") | .record | del(.emitted_at)" a >ra
	jq -c "select(.type==\"RECORD\") | .record | del(.emitted_at)" b >rb
	expect_same ra rb
	expect_eq 146 "$(wc -l <ra | tr -d " ")"
'

t 'a 500 past the retries mid-stream: TRACE ERROR, INCOMPLETE, no STATE, others run' '
	cat >s.scn <<SCN
dataset pokeapi
reply
path /api/v2/berry
arg offset=*
status 500 Internal Server Error
body oops
always
SCN
	mock_start s.scn
	config ",\"page_size\":5"
	configured
	expect_exit 75 source-pokeapi read --config config.json --catalog catalog.json >out
	jq -c "select(.record.stream==\"berry\" or .trace.stream_status.stream_descriptor.name==\"berry\" or .trace.error or .state.stream.stream_descriptor.name==\"berry\") | .type + \" \" + (.trace.type // \"\") + \" \" + (.trace.stream_status.status // .trace.error.failure_type // \"\")" out >berry
	printf "%s\n" "\"TRACE STREAM_STATUS STARTED\"" "\"TRACE STREAM_STATUS RUNNING\"" \
	    "\"RECORD  \"" "\"RECORD  \"" "\"RECORD  \"" "\"RECORD  \"" "\"RECORD  \"" \
	    "\"TRACE ERROR transient_error\"" "\"TRACE STREAM_STATUS INCOMPLETE\"" >want
	expect_same want berry
	expect_eq "STARTED RUNNING COMPLETE " "$(jq -r "select(.trace.stream_status.stream_descriptor.name==\"type\") | .trace.stream_status.status" out | tr "\n" " ")"
	expect_eq 60 "$(jq -r "select(.type==\"RECORD\" and .record.stream==\"pokemon_details\")" out | grep -c emitted_at)"
	conform_airbyte out catalog.json
'

# berry_page BODY: s.scn of the pokeapi dataset whose second page of
# berries (offset 5) is BODY
berry_page() {
	printf "dataset pokeapi\nreply\npath /api/v2/berry\narg offset=5\nheader Content-Type: application/json\nbody %s\nalways\n" "$1" >s.scn
}

# bad_berries: a read over s.scn in pages of 5 fails with 76 (out) after
# the first page's five berries, and none of the bad page's (lie-)
bad_berries() {
	mock_start s.scn
	config ",\"page_size\":5"
	configured
	expect_exit 76 source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq 5 "$(jq -r "select(.record.stream==\"berry\") | .record.data.name" out | wc -l | tr -d " ")"
	expect_no_grep lie- out
}

t 'a page that is not JSON: 76 naming its line and column, none of its records' '
	berry_page "{\"count\":20,\"next\":null,\"results\":[{\"name\":\"lie-1\"},{\"name\":\"lie-2\"}]} x"
	bad_berries
	jq -r "select(.trace.error) | .trace.error.message" out >msg
	expect_grep "not JSON: line 1, column 72" msg
	expect_eq INCOMPLETE "$(jq -r "select(.trace.stream_status.stream_descriptor.name==\"berry\") | .trace.stream_status.status" out | tail -n 1)"
	expect_eq COMPLETE "$(jq -r "select(.trace.stream_status.stream_descriptor.name==\"type\") | .trace.stream_status.status" out | tail -n 1)"
	conform_airbyte out catalog.json
	set +e; source-pokeapi --config config.json >sout 2>serr; rc=$?; set -e
	expect_eq 76 "$rc" "Singer exit status"
	grep "berry: .*not JSON: line 1, column 72" serr >/dev/null || { cat serr >&2; false; }
	expect_no_grep lie- sout
'

t 'a page that is not JSON but names a next page: 76, nothing of it or after it' '
	berry_page "{\"count\":20,\"next\":\"%URL/api/v2/berry?offset=10&limit=5\",\"results\":[{\"name\":\"lie-1\"},{\"name\":\"lie-2\"}] x}"
	printf "reply\npath /api/v2/berry\narg offset=10\nbody {\"count\":20,\"next\":null,\"results\":[{\"name\":\"after-1\"}]}\nalways\n" >>s.scn
	bad_berries
	expect_no_grep after- out
	expect_eq 0 "$(grep -c "\"type\":\"STATE\".*berry" out || :)" "berry STATE messages"
	jq -r "select(.trace.error) | .trace.error.message" out >msg
	expect_grep "offset=5&limit=5: the body is not JSON: line 1, column 122" msg
	conform_airbyte out catalog.json
'

t 'a page that names next twice: the last one is followed, whatever the records hold' '
	cat >s.scn <<SCN
dataset pokeapi
reply
path /api/v2/berry
arg offset=5
header Content-Type: application/json
body {"next":"%URL/api/v2/berry?offset=999","results":[{"name":"r1","next":"%URL/api/v2/berry?offset=998"},{"name":"r2"}], "next" : "%URL/api/v2/berry-end" }
reply
path /api/v2/berry-end
header Content-Type: application/json
body {"next":null,"results":[{"name":"last"}]}
SCN
	mock_start s.scn
	config ",\"page_size\":5"
	catalog_of() { printf "{\"streams\":[{\"stream\":{\"name\":\"berry\",\"json_schema\":{},\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":\"full_refresh\",\"destination_sync_mode\":\"overwrite\"}]}\n"; }
	catalog_of >catalog.json
	source-pokeapi read --config config.json --catalog catalog.json >out
	jq -r "select(.type==\"RECORD\") | .record.data.name" out | tail -n 3 | tr "\n" " " >names
	expect_eq "r1 r2 last " "$(cat names)"
	expect_eq "" "$(mock_log .query | grep -e offset=999 -e offset=998 || :)"
'

t 'SIGTERM mid-read: INCOMPLETE, no new STATE, exit 143' '
	mock_start --dataset "pokeapi delay=0.3"
	config ",\"page_size\":5"
	configured
	source-pokeapi read --config config.json --catalog catalog.json >out &
	pid=$!
	i=0; until grep -q "\"RUNNING\"" out 2>/dev/null || [ $i -gt 100 ]; do sleep 0.05; i=$((i+1)); done
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	expect_eq 143 "$rc"
	expect_eq INCOMPLETE "$(jq -r "select(.trace.type==\"STREAM_STATUS\") | .trace.stream_status.status" out | tail -n 1)"
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	conform_airbyte out catalog.json
'

t 'Singer: discover, then a read that passes the strict Singer check' '
	mock_start --dataset pokeapi
	config
	source-pokeapi --config config.json --discover >catalog.json
	expect_eq "$STREAMS" "$(jq -r "[.streams[].tap_stream_id] | join(\" \")" catalog.json)"
	expect_eq FULL_TABLE "$(jq -r ".streams[0].metadata[] | select(.breadcrumb==[]) | .metadata[\"forced-replication-method\"]" catalog.json)"
	source-pokeapi --config config.json --catalog catalog.json >out 2>err
	expect_eq 146 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq 4 "$(grep -c "\"type\":\"SCHEMA\"" out)"
	if have_conformance; then
		check_singer --strict --require-state --expect-streams pokemon,berry,type,pokemon_details out
	fi
'

t 'Singer: only the selected streams run, in catalog order' '
	mock_start --dataset pokeapi
	config
	source-pokeapi --config config.json --discover |
	    jq ".streams |= (reverse | map(.metadata |= map(if .breadcrumb==[] then .metadata.selected = (.metadata.selected // false) else . end)))
	        | .streams[0].metadata[0].metadata.selected = true
	        | .streams[2].metadata[0].metadata.selected = \"true\"" >catalog.json
	source-pokeapi --config config.json --properties catalog.json >out 2>err
	expect_eq "pokemon_details berry" "$(jq -r "select(.type==\"SCHEMA\") | .stream" out | tr "\n" " " | sed "s/ \$//")"
	if have_conformance; then check_singer --strict out; fi
'

t 'a catalog naming a stream the source lacks is a config error' '
	mock_start --dataset pokeapi
	config
	echo "{\"streams\":[{\"stream\":{\"name\":\"nope\",\"json_schema\":{},\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":\"full_refresh\",\"destination_sync_mode\":\"overwrite\"}]}" >catalog.json
	expect_exit 78 source-pokeapi read --config config.json --catalog catalog.json >out
	jq -r "select(.type==\"TRACE\") | .trace.error.message" out >msg
	expect_grep "nope" msg
'

t 'usage errors exit 64; --help and --version answer' '
	expect_exit 64 source-pokeapi 2>err
	expect_grep "usage:" err
	expect_exit 64 source-pokeapi frobnicate 2>err
	source-pokeapi --help >out
	expect_grep "read --config FILE" out
	source-pokeapi --version >out
	expect_grep "source-pokeapi 0.1.0" out
'

done_testing
