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
