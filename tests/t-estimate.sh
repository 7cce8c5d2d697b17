#!/bin/sh
# Where an API says how much there is (PokeAPI's "count", integ-fetch's
# --total), Airbyte gets a TRACE ESTIMATE (row_estimate) for the stream
# before its records, and the terminal progress shows how far along.
. "$(dirname "$0")/lib.sh"

pokeconfig() {
	printf '{"url":"%s/api/v2","page_size":20}\n' "$MOCK_URL" >config.json
}

# berries: catalog.json, the berry stream alone
berries() {
	echo '{"streams":[{"stream":{"name":"berry","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}' >catalog.json
}

# estimates FILE: "stream rows" for each ESTIMATE, in order
estimates() {
	jq -r 'select(.type=="TRACE" and .trace.type=="ESTIMATE") |
	    "\(.trace.estimate.name) \(.trace.estimate.row_estimate)"' "$1"
}
# counts FILE: "stream records" for each stream that has records, in order
counts() {
	jq -r 'select(.type=="RECORD") | .record.stream' "$1" | uniq -c |
	    awk '{ print $2, $1 }'
}

t 'source-pokeapi read: one ESTIMATE a stream, row_estimate = the records that follow' '
	mock_start --dataset pokeapi
	pokeconfig
	source-pokeapi read --config config.json >out
	estimates out >est
	counts out >got
	expect_same got est
	expect_eq 4 "$(wc -l <est | tr -d " ")" "streams with an estimate"
	# each before the first record of its stream, typed STREAM
	for s in pokemon berry type pokemon_details; do
		e=$(grep -n "\"ESTIMATE\".*\"name\":\"$s\"" out | head -n 1 | cut -d: -f1)
		r=$(grep -n "\"RECORD\",\"record\":{\"stream\":\"$s\"" out | head -n 1 | cut -d: -f1)
		[ "$e" -lt "$r" ] || { echo "$s: estimate at line $e, first record at $r"; exit 1; }
	done
	expect_eq STREAM "$(jq -r "select(.trace.type==\"ESTIMATE\") | .trace.estimate.type" out | sort -u)"
	if have_conformance; then validate_airbyte --strict out; fi
'

t 'the estimate is what the API says, not a count of our own' '
	mock_start --dataset pokeapi
	pokeconfig
	berries
	curl -sS "$MOCK_URL/api/v2/berry?limit=1" | jq .count >count
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq "berry $(cat count)" "$(estimates out)"
'

t 'Singer has no estimate message: nothing is added to a Singer read' '
	mock_start --dataset pokeapi
	pokeconfig
	source-pokeapi --config config.json >out 2>/dev/null
	expect_eq "ACTIVATE_VERSION RECORD SCHEMA STATE" "$(echo $(jq -r .type out | sort -u))"
'

t 'a list without a count gets no estimate, and reads as before' '
	cat >s.scn <<SCN
reply p1
path /api/v2/berry
body {"next":"/api/v2/berry?offset=1","results":[{"name":"a","url":"u"}]}
reply p2
path /api/v2/berry
arg offset=1
body {"next":null,"results":[{"name":"b","url":"u"}]}
SCN
	mock_start s.scn
	pokeconfig
	berries
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq "" "$(estimates out)"
	expect_eq "berry 2" "$(counts out)"
'

t 'a count that is not a number is no estimate, and no failure' '
	cat >s.scn <<SCN
reply p1
path /api/v2/berry
body {"count":"many","next":null,"results":[{"name":"a","url":"u"}]}
SCN
	mock_start s.scn
	pokeconfig
	berries
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq "" "$(estimates out)"
	expect_eq "berry 1" "$(counts out)"
'

t 'integ-fetch --total on a terminal: the progress line says how far along, in percent' '
	need script || { echo "no script(1)"; exit 0; }
	mock_start fetch-page
	script -qec "integ-fetch --offset offset --limit limit=2 --records items --total total $MOCK_URL/tot >out" typescript >/dev/null
	expect_eq 4 "$(wc -l <out | tr -d " ")" "pages"
	expect_grep "7 of 7 records (100%)" typescript
	# and short of the end, less than that
	tr "\r" "\n" <typescript | grep -q "of 7 records ([0-9]\{1,2\}%)" ||
	    { tr "\r" "\n" <typescript; exit 1; }
'

t 'integ-fetch without --total shows no percentage' '
	need script || { echo "no script(1)"; exit 0; }
	mock_start fetch-page
	script -qec "integ-fetch --offset offset --limit limit=2 --records items $MOCK_URL/off >out" typescript >/dev/null
	expect_grep "records/s" typescript
	expect_no_grep "%)" typescript
'

done_testing
