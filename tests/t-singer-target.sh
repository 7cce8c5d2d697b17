#!/bin/sh
# What Singer targets ask of a tap (issue 16): SCHEMA messages a draft-4
# validator takes (no "$schema" of another draft), records valid against
# them and covered by them, field selection, ACTIVATE_VERSION. The rules
# are tests/helpers/singer-rules.py's; a real target runs where one is
# installed.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
    skip_all 'no python3 jsonschema (Debian python3-jsonschema)'
rules() { /usr/bin/python3 "$TESTS/helpers/singer-rules.py" "$@"; }

pokeapi_config() {
	printf '{"url":"%s/api/v2","page_size":20%s}\n' "$MOCK_URL" "${1:-}" >config.json
}
shopify_config() {
	printf '{"url":"%s","shop":"mock","access_token":"%s"%s}\n' "$MOCK_URL" \
	    "$(jq -r .access_token "$TESTS/data/shopify/shopify.json")" "${1:-}" >config.json
}

t 'the rules checker fails a draft-07 $schema, a record its schema lacks, an undeclared member' '
	printf "%s\n" "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{\"\$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},\"key_properties\":[\"id\"]}" >a
	! rules a 2>err
	expect_grep "Schema version must be Draft 4" err
	printf "%s\n" "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},\"key_properties\":[\"id\"]}" >b
	rules b
	printf "%s\n" "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"id\":\"x\"}}" >>b
	! rules b 2>err
	expect_grep "is not of type" err
	sed -n 1p b >c
	printf "%s\n" "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"id\":1,\"more\":2}}" >>c
	rules c
	! rules --closed c 2>err
	expect_grep "record.more is not declared" err
	printf "%s\n" "{\"type\":\"SCHEMA\",\"stream\":\"s\",\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"const\":1}}},\"key_properties\":[\"id\"]}" >d
	! rules d 2>err
	expect_grep "const is not a draft-4 keyword" err
'

t 'the library: fields dropped by decoded name, the rest as they came; a schema loses them from required too' '
	expect_eq "{\"a\":1,\"b\" : 2}" "$(tt-emit drop record "{\"a\":1,\"st\\u0061ts\":[1,{\"x\":2}],\"b\" : 2}" stats)"
	expect_eq "{}" "$(tt-emit drop record "{\"stats\":1}" stats)"
	expect_eq "{\"stats\":1}" "$(tt-emit drop record "{\"stats\":1}" stat stats2)"
	expect_eq "{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{}}}" \
	    "$(tt-emit drop schema "{\"type\":\"object\",\"required\":[\"a\",\"b\"],\"properties\":{\"a\":{},\"b\":{\"type\":\"string\"}}}" b)"
	# draft 4 refuses an empty required: none then
	expect_eq "{\"type\":\"object\",\"properties\":{\"a\":{}}}" \
	    "$(tt-emit drop schema "{\"type\":\"object\",\"properties\":{\"a\":{},\"b\":{}},\"required\":[\"b\"]}" b)"
	expect_eq "{\"type\":\"object\"}" "$(tt-emit singer-schema "{\"\$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}")"
	expect_eq "{\"type\":\"object\"}" "$(tt-emit singer-schema "{\"\$schema\":\"http://json-schema.org/schema#\",\"type\":\"object\"}")"
	expect_eq "{\"type\":\"object\",\"\$schema\":\"http://json-schema.org/draft-04/schema\"}" "$(tt-emit singer-schema "{ \"type\" : \"object\", \"\$schema\" : \"http://json-schema.org/draft-04/schema\"}")"
'

t 'integ-emit --singer drops a draft-07 $schema from SCHEMA, keeps a draft-04 one' '
	printf "%s\n" "{\"\$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}}}" >s7.json
	echo "{\"id\":1}" | integ-emit --singer --schema s7.json --key id >out
	expect_eq null "$(jq -c "select(.type==\"SCHEMA\") | .schema[\"\$schema\"]" out)"
	expect_eq "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}}" "$(jq -c "select(.type==\"SCHEMA\") | .schema" out)"
	rules out
	sed "s/draft-07/draft-04/" s7.json >s4.json
	echo "{\"id\":1}" | integ-emit --singer --schema s4.json --key id >out
	expect_eq "\"http://json-schema.org/draft-04/schema#\"" "$(jq -c "select(.type==\"SCHEMA\") | .schema[\"\$schema\"]" out)"
	rules out
'

t 'source-pokeapi: SCHEMA and catalog without draft-07 $schema, every record valid and declared' '
	mock_start --dataset pokeapi
	pokeapi_config
	source-pokeapi --config config.json --discover >catalog.json
	expect_eq "" "$(jq -r ".streams[].schema[\"\$schema\"] // empty" catalog.json)"
	source-pokeapi --config config.json >out 2>err
	expect_eq 146 "$(grep -c "\"type\":\"RECORD\"" out)"
	rules --closed out
'

t 'source-shopify: SCHEMA without draft-07 $schema, every record valid and declared' '
	mock_start --dataset shopify
	shopify_config
	source-shopify --config config.json >out 2>err
	expect_eq 90 "$(grep -c "\"type\":\"RECORD\"" out)"
	rules --closed out
'

t 'the Airbyte catalog keeps each stream schema as the connector declares it' '
	mock_start --dataset pokeapi
	pokeapi_config
	source-pokeapi discover --config config.json >out
	expect_eq "http://json-schema.org/draft-07/schema#" "$(jq -r ".catalog.streams[0].json_schema[\"\$schema\"]" out)"
'

# catalog.json: the Singer catalog of one stream, jq FILTER applied to
# its metadata entries (an array).
one_stream() { # SOURCE STREAM FILTER
	"$1" --config config.json --discover |
	    jq ".streams |= map(select(.tap_stream_id == \"$2\")) | .streams[0].metadata |= ($3)" >catalog.json
}
deselect() { # properties...: selected false on each
	_f=.
	for _p in "$@"; do
		_f="$_f | map(if .breadcrumb == [\"properties\",\"$_p\"] then .metadata.selected = false else . end)"
	done
	echo "$_f"
}

t 'Singer field selection: a property selected false is neither in the records nor in the SCHEMA' '
	mock_start --dataset pokeapi
	pokeapi_config
	one_stream source-pokeapi pokemon_details "$(deselect stats moves)"
	source-pokeapi --config config.json --catalog catalog.json >out 2>err
	expect_eq 60 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq 0 "$(jq -c "select(.type==\"RECORD\") | .record | select(has(\"stats\") or has(\"moves\"))" out | wc -l | tr -d " ")" "records with stats or moves"
	expect_eq 60 "$(jq -c "select(.type==\"RECORD\") | .record | select(has(\"height\") and has(\"types\"))" out | wc -l | tr -d " ")" "records with the other fields"
	expect_eq false "$(jq "select(.type==\"SCHEMA\") | .schema.properties | has(\"stats\") or has(\"moves\")" out)"
	rules --closed out
	if have_conformance; then check_singer --strict out; fi
'

t 'Singer field selection: the key and automatic fields are always sent; unsupported and selected-by-default false are not' '
	mock_start --dataset pokeapi
	pokeapi_config
	one_stream source-pokeapi pokemon_details "$(deselect id name) | map(if .breadcrumb == [\"properties\",\"name\"] then .metadata.inclusion = \"automatic\" elif .breadcrumb == [\"properties\",\"weight\"] then .metadata.inclusion = \"unsupported\" elif .breadcrumb == [\"properties\",\"sprites\"] then .metadata[\"selected-by-default\"] = false elif .breadcrumb == [\"properties\",\"cries\"] then .metadata[\"selected-by-default\"] = false | .metadata.selected = \"true\" else . end)"
	expect_eq automatic "$(jq -r ".streams[0].metadata[] | select(.breadcrumb == [\"properties\",\"id\"]) | .metadata.inclusion" catalog.json)"
	source-pokeapi --config config.json --properties catalog.json >out 2>err
	jq -c "select(.type==\"RECORD\") | .record | keys" out | sort -u >keys
	expect_eq 1 "$(wc -l <keys | tr -d " ")"
	expect_grep "\"id\"" keys
	expect_grep "\"name\"" keys
	expect_grep "\"cries\"" keys
	expect_no_grep "\"weight\"" keys
	expect_no_grep "\"sprites\"" keys
	rules --closed out
'

t 'Singer field selection on an incremental stream keeps the replication key and the bookmark' '
	mock_start --dataset shopify
	shopify_config
	one_stream source-shopify customers "$(deselect updated_at email phone)"
	source-shopify --config config.json --catalog catalog.json >out 2>err
	expect_eq 30 "$(jq -c "select(.type==\"RECORD\") | .record | select(has(\"updated_at\") and has(\"id\") and (has(\"email\") | not) and (has(\"phone\") | not))" out | wc -l | tr -d " ")"
	expect_eq "$(jq -r "select(.type==\"RECORD\") | .record.updated_at" out | tail -n 1)" "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.customers.replication_key_value" out | tail -n 1)"
	rules --closed out
'

t 'Airbyte column selection: a configured json_schema with fewer properties gets those (and the key) alone' '
	mock_start --dataset pokeapi
	pokeapi_config
	source-pokeapi discover --config config.json |
	    jq -c "{streams:[.catalog.streams[] | select(.name==\"pokemon_details\") | .json_schema.properties |= {name, height} | {stream:., sync_mode:\"full_refresh\", destination_sync_mode:\"overwrite\"}]}" >catalog.json
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq 60 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq "[\"height\",\"id\",\"name\"]" "$(jq -c "select(.type==\"RECORD\") | .record.data | keys" out | sort -u)"
	if have_conformance; then validate_airbyte --strict --catalog catalog.json out; fi
'

t 'ACTIVATE_VERSION: after SCHEMA, the version on every RECORD, again at the end before STATE' '
	mock_start --dataset pokeapi
	pokeapi_config
	one_stream source-pokeapi pokemon .
	source-pokeapi --config config.json --catalog catalog.json >out 2>err
	expect_eq "SCHEMA ACTIVATE_VERSION RECORD" "$(jq -r .type out | head -n 3 | tr "\n" " " | sed "s/ \$//")"
	expect_eq "ACTIVATE_VERSION STATE" "$(jq -r .type out | tail -n 2 | tr "\n" " " | sed "s/ \$//")"
	expect_eq 1 "$(jq -r "select(.type==\"ACTIVATE_VERSION\" or .type==\"RECORD\") | .version" out | sort -u | wc -l | tr -d " ")" "versions"
	v=$(jq -r "select(.type==\"ACTIVATE_VERSION\") | .version" out | head -n 1)
	expect_eq 60 "$(jq -r "select(.type==\"RECORD\") | .version" out | grep -c "^$v\$")"
	now=$(date +%s)
	expect_eq 1 "$(( v / 1000 <= now && v / 1000 > now - 600 ))" "a version from the clock, in ms"
	rules out
	if have_conformance; then check_singer --strict --require-state out; fi
'

t 'ACTIVATE_VERSION: a later sync has a greater version' '
	mock_start --dataset pokeapi
	pokeapi_config
	one_stream source-pokeapi type .
	source-pokeapi --config config.json --catalog catalog.json >one 2>err
	sleep 0.01
	source-pokeapi --config config.json --catalog catalog.json >two 2>err
	a=$(jq -r "select(.type==\"ACTIVATE_VERSION\") | .version" one | head -n 1)
	b=$(jq -r "select(.type==\"ACTIVATE_VERSION\") | .version" two | head -n 1)
	expect_eq 1 "$(( b > a ))" "$b > $a"
'

t 'ACTIVATE_VERSION: none at the end of a stream that failed' '
	mock_start --dataset "pokeapi fail=404:1:1"
	pokeapi_config
	one_stream source-pokeapi pokemon .
	expect_exit 69 source-pokeapi --config config.json --catalog catalog.json >out 2>err
	expect_eq 20 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq 1 "$(grep -c "\"type\":\"ACTIVATE_VERSION\"" out)"
	expect_eq RECORD "$(jq -r .type out | tail -n 1)"
	rules out
'

t 'ACTIVATE_VERSION: activate_version false in the config turns it off' '
	mock_start --dataset pokeapi
	pokeapi_config ",\"activate_version\":false"
	source-pokeapi --config config.json >out 2>err
	expect_eq 146 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep ACTIVATE_VERSION out
	expect_eq 0 "$(jq -c "select(has(\"version\"))" out | wc -l | tr -d " ")" "messages with a version"
	pokeapi_config ",\"activate_version\":\"no\""
	expect_exit 78 source-pokeapi --config config.json >out 2>err
	expect_grep activate_version err
'

t 'ACTIVATE_VERSION: not for an incremental stream, but for one read FULL_TABLE' '
	mock_start --dataset shopify
	shopify_config
	source-shopify --config config.json >out 2>err
	expect_eq 90 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep ACTIVATE_VERSION out
	expect_eq 0 "$(jq -c "select(has(\"version\"))" out | wc -l | tr -d " ")" "messages with a version"
	one_stream source-shopify orders "map(if .breadcrumb == [] then .metadata[\"replication-method\"] = \"FULL_TABLE\" else . end)"
	source-shopify --config config.json --catalog catalog.json >out 2>err
	expect_eq 2 "$(grep -c "\"type\":\"ACTIVATE_VERSION\"" out)"
	expect_eq 30 "$(jq -c "select(.type==\"RECORD\" and .version != null)" out | wc -l | tr -d " ")"
	rules out
'

t 'Airbyte: no ACTIVATE_VERSION and no version' '
	mock_start --dataset pokeapi
	pokeapi_config
	source-pokeapi discover --config config.json |
	    jq -c "{streams:[.catalog.streams[] | {stream:., sync_mode:\"full_refresh\", destination_sync_mode:\"overwrite\"}]}" >catalog.json
	source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq 146 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_no_grep ACTIVATE_VERSION out
	expect_eq 0 "$(jq -c "select(.record | has(\"version\"))" out | wc -l | tr -d " ")" "messages with a version"
	if have_conformance; then validate_airbyte --strict --catalog catalog.json out; fi
'

if need target-jsonl; then
	t 'a real Singer target (target-jsonl) takes a source-pokeapi run' '
		mock_start --dataset pokeapi
		pokeapi_config
		source-pokeapi --config config.json 2>err | target-jsonl >tout 2>terr
	'
else
	skip 'a real Singer target' 'none installed (no Debian package ships one; PyPI is not reachable)'
fi

done_testing
