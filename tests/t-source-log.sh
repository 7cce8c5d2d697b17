#!/bin/sh
# What connectors log (libinteg's source.c and ctx.c, for every
# connector): a line as each stream starts and ends at the default level,
# one per request at DEBUG, the level from the config's log_level or
# INTEG_LOG_LEVEL, Airbyte's level names, and a progress line on a
# terminal in Singer mode.
. "$(dirname "$0")/lib.sh"
need jq || skip_all 'no jq'

# config [extra json members]: source-pokeapi against the mock, 5 a page.
config() {
	printf '{"url":"%s/api/v2","page_size":5%s}\n' "$MOCK_URL" "${1:-}" >config.json
}

# The Airbyte catalog of one stream (default pokemon), full refresh.
catalog() {
	printf '{"streams":[{"stream":{"name":"%s","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}\n' \
	    "${1:-pokemon}" >catalog.json
}

# logs FILE: each LOG message as "LEVEL message".
logs() { jq -r 'select(.type=="LOG") | .log.level + " " + .log.message' "$1"; }

t 'the default level: a line as a stream starts and one as it ends, none per request' '
	mock_start --dataset pokeapi
	config
	catalog
	source-pokeapi read --config config.json --catalog catalog.json >out
	pages=$(wc -l <mock.log | tr -d " ")
	[ "$pages" -gt 3 ]
	logs out >log
	expect_eq 2 "$(wc -l <log | tr -d " ")" "LOG messages"
	expect_eq "INFO pokemon: started" "$(sed -n 1p log)"
	n=$(jq -r "select(.type==\"RECORD\") | .record.stream" out | wc -l | tr -d " ")
	sed -n 2p log | grep "^INFO pokemon: done: $n records, $pages pages, 0 retries, [0-9]*\.[0-9][0-9] s$" >/dev/null ||
	    { cat log >&2; false; }
	expect_no_grep "GET " log
'

t 'log_level DEBUG: each request and its answer; retries at INFO; levels named as Airbyte names them' '
	cat >s.scn <<SCN
dataset pokeapi
reply
path /api/v2/pokemon
arg offset=5
status 503 Service Unavailable
body busy
SCN
	mock_start s.scn
	config ",\"log_level\":\"DEBUG\""
	catalog
	source-pokeapi read --config config.json --catalog catalog.json >out
	logs out >log
	reqs=$(wc -l <mock.log | tr -d " ")
	expect_eq "$reqs" "$(grep -c "^DEBUG GET $MOCK_URL/api/v2/pokemon" log)" "GET lines"
	expect_eq "$reqs" "$(grep -c "^DEBUG HTTP/1.1 [0-9]*, [0-9]* bytes in" log)" "answer lines"
	expect_eq 1 "$(grep -c "^INFO retry 1/5 in .*: 503" log)" "retry lines"
	grep "^INFO pokemon: done: .*, 1 retries, " log >/dev/null || { cat log >&2; false; }
	expect_eq "" "$(jq -r "select(.type==\"LOG\") | .log.level" out | grep -v -x -e FATAL -e ERROR -e WARN -e INFO -e DEBUG -e TRACE || :)"
	if have_conformance; then validate_airbyte --strict out >/dev/null; fi
'

t 'lines logged on worker threads (parallel requests) reach stdout as LOG messages, whole, none on stderr' '
	mock_start --dataset pokeapi
	config ",\"log_level\":\"DEBUG\",\"concurrency\":4"
	catalog pokemon_details
	source-pokeapi read --config config.json --catalog catalog.json >out 2>err
	expect_eq "" "$(cat err)" "stderr"
	jq -c . out >/dev/null
	logs out >log
	reqs=$(wc -l <mock.log | tr -d " ")
	[ "$reqs" -gt 4 ]
	expect_eq "$reqs" "$(grep -c "^DEBUG GET $MOCK_URL/api/v2/pokemon" log)" "GET lines"
	expect_eq "$reqs" "$(grep -c "^DEBUG HTTP/1.1 [0-9]*, [0-9]* bytes in" log)" "answer lines"
	expect_no_grep "log lines lost" log
'

t 'log_level WARN in the config quiets the stream lines; INTEG_LOG_LEVEL overrides it' '
	mock_start --dataset pokeapi
	config ",\"log_level\":\"WARN\""
	catalog
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq "" "$(logs out)"
	INTEG_LOG_LEVEL=debug source-pokeapi read --config config.json --catalog catalog.json >out
	expect_grep "DEBUG GET " "$(logs out >log; echo log)"
	INTEG_LOG_LEVEL=ERROR source-pokeapi --config config.json >/dev/null 2>err
	expect_eq "" "$(cat err)"
	source-pokeapi --config config.json >/dev/null 2>err
	expect_eq "" "$(cat err)"
	config
	source-pokeapi --config config.json >/dev/null 2>err
	expect_grep "source-pokeapi: berry: started" err
'

t 'a level that is not one: 78 naming it, before any request; check says FAILED' '
	mock_start --dataset pokeapi
	config ",\"log_level\":\"LOUD\""
	catalog
	expect_exit 78 source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq config_error "$(jq -r "select(.type==\"TRACE\") | .trace.error.failure_type" out)"
	jq -r "select(.type==\"TRACE\") | .trace.error.message" out >msg
	expect_grep "log_level" msg
	source-pokeapi check --config config.json >out
	expect_eq FAILED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	config
	INTEG_LOG_LEVEL=verbose expect_exit 78 source-pokeapi read --config config.json --catalog catalog.json >out
	jq -r "select(.type==\"TRACE\") | .trace.error.message" out >msg
	expect_grep "INTEG_LOG_LEVEL: verbose is not one of FATAL, ERROR, WARN, INFO, DEBUG, TRACE" msg
	INTEG_LOG_LEVEL=verbose expect_exit 78 source-pokeapi --config config.json >out 2>err
	expect_grep "INTEG_LOG_LEVEL" err
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")" "requests made"
'

t 'log_level is in every connector spec, with the six levels, INFO by default' '
	for c in source-pokeapi source-shopify; do
		$c spec | jq -c ".spec.connectionSpecification.properties.log_level | [.type, .default, .enum]"
	done >out
	printf "%s\n" "[\"string\",\"INFO\",[\"FATAL\",\"ERROR\",\"WARN\",\"INFO\",\"DEBUG\",\"TRACE\"]]" \
	    "[\"string\",\"INFO\",[\"FATAL\",\"ERROR\",\"WARN\",\"INFO\",\"DEBUG\",\"TRACE\"]]" >want
	expect_same want out
	# the fields the connector declares, as it declares them
	source-pokeapi spec | jq -S ".spec.connectionSpecification | del(.properties.log_level)" >got
	jq -S . "$TOP/connectors/pokeapi/spec.json" >want
	expect_same want got
'

t 'a terminal gets a progress line in Singer mode; a file or Airbyte mode does not' '
	need script || { echo "no script(1)" >"$_dir/.skip"; exit 0; }
	mock_start --dataset pokeapi
	config
	script -qefc "source-pokeapi --config config.json >out" tty.log >/dev/null
	tr "\r" "\n" <tty.log >lines
	grep -E "^source-pokeapi: pokemon: [0-9]+ pages, [0-9.]+ MB, [0-9]+ records/s, ([0-9]+ of 60 records \([0-9]+%\), )?0 retries" lines >/dev/null ||
	    { cat -v tty.log >&2; false; }
	expect_grep "source-pokeapi: pokemon: done: " lines
	expect_grep "\"type\":\"RECORD\"" out
	source-pokeapi --config config.json >out 2>err
	expect_no_grep " MB, " err
	script -qefc "source-pokeapi read --config config.json >out" tty.log >/dev/null
	expect_no_grep " MB, " tty.log
'

done_testing
