#!/bin/sh
# What Meltano and singer-sdk users expect of a tap, given by libinteg to
# every connector: --about (text, json, markdown) from the source table
# and its spec, --test (one record of each selected stream, no STATE),
# and examples/meltano.yml declaring the connectors as custom extractors.
. "$(dirname "$0")/lib.sh"

# used inside the tests' bodies
export TOKEN=shpat_mock_0123456789abcdef0123456789abcdef

pokeconfig() {
	printf '{"url":"%s/api/v2","page_size":20}\n' "$MOCK_URL" >config.json
}

for bin in "$INTEG_BIN"/source-*; do
	name=$(basename "$bin")
	t "$name --about --format json: name, version, capabilities, settings = the spec" '
		'"$name"' --about --format json >about.json
		expect_eq '"$name"' "$(jq -r .name about.json)" name
		'"$name"' --version | cut -d" " -f2 >v
		expect_eq "$(cat v)" "$(jq -r .version about.json)" version
		[ -n "$(jq -r .description about.json)" ]
		for c in catalog properties discover state about test; do
			jq -e --arg c "$c" ".capabilities | index(\$c)" about.json >/dev/null ||
			    { echo "capability $c missing"; exit 1; }
		done
		'"$name"' spec | jq -S .spec.connectionSpecification >spec
		jq -S .settings about.json >settings
		expect_same spec settings
		'"$name"' --about --format=json | cmp - about.json
	'
	t "$name --about: text by default, markdown with a row per setting" '
		'"$name"' --about >text
		grep -q "^Name: '"$name"'$" text
		grep -q "^Capabilities:$" text
		'"$name"' --about --format markdown >md
		grep -q "^# \`'"$name"'\`$" md
		'"$name"' spec | jq -r ".spec.connectionSpecification.properties | keys[]" >keys
		while read -r k; do
			grep -q "^| $k | \(True\|False\) | " md || { echo "no row for $k"; cat md; exit 1; }
		done <keys
		# a required setting says so
		'"$name"' spec | jq -r ".spec.connectionSpecification.required[]?" >req
		while read -r k; do grep -q "^| $k | True | " md; done <req
	'
	t "$name --about: a bad format or an extra argument is a usage error (64)" '
		expect_exit 64 '"$name"' --about --format xml >out 2>err
		grep -q "xml" err
		[ ! -s out ]
		echo "{}" >config.json
		expect_exit 64 '"$name"' --about --config config.json >out 2>err
		expect_exit 64 '"$name"' --format json --config config.json >out 2>err
		expect_exit 64 '"$name"' spec --about >out 2>err
		expect_exit 64 '"$name"' read --config config.json --test >out 2>err
		expect_exit 64 '"$name"' --config config.json --test=some >out 2>err
	'
done

t 'source-pokeapi --about names its secretless settings and no secret value' '
	source-pokeapi --about --format markdown >md
	expect_grep "| page_size | False | 100 |" md
'

t 'source-pokeapi --test: one record of each stream, SCHEMA first, no STATE, exit 0' '
	mock_start --dataset pokeapi
	pokeconfig
	source-pokeapi --config config.json --test >out 2>err
	for s in pokemon berry type pokemon_details; do
		expect_eq 1 "$(jq -r "select(.type==\"RECORD\" and .stream==\"$s\") | .stream" out | wc -l | tr -d " ")" "$s records"
		expect_eq 1 "$(jq -r "select(.type==\"SCHEMA\" and .stream==\"$s\") | .stream" out | wc -l | tr -d " ")" "$s schemas"
	done
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	# a page of the list, a page of parents and a few children at most,
	# not the 1,300 pokemon
	n=$(mock_log .path | wc -l)
	[ "$n" -lt 20 ] || { echo "$n requests"; exit 1; }
	if have_conformance; then check_singer out; fi
'

t 'source-pokeapi --test with a catalog: only the selected streams' '
	mock_start --dataset pokeapi
	pokeconfig
	source-pokeapi --config config.json --discover |
	    jq ".streams |= map(if .tap_stream_id == \"berry\" then
	        .metadata |= map(if .breadcrumb == [] then .metadata.selected = true else . end)
	        else .metadata |= map(if .breadcrumb == [] then .metadata.selected = false else . end) end)" >catalog.json
	source-pokeapi --config config.json --catalog catalog.json --test >out 2>/dev/null
	expect_eq berry "$(jq -r "select(.type==\"RECORD\") | .stream" out)"
'

t 'source-pokeapi --test=schema: the schemas alone, no request, no record' '
	mock_start --dataset pokeapi
	pokeconfig
	source-pokeapi --config config.json --test=schema >out 2>/dev/null
	expect_eq "SCHEMA SCHEMA SCHEMA SCHEMA" "$(echo $(jq -r .type out))"
	expect_eq 0 "$(mock_log .path | wc -l | tr -d " ")" "requests"
'

t 'source-shopify --test: one record a stream, the state file untouched, no STATE' '
	mock_start --dataset "shopify timescale=$INTEG_TEST_TIMESCALE"
	printf "{\"shop\":\"mock\",\"access_token\":\"%s\",\"url\":\"%s\",\"start_date\":\"2024-11-01T00:00:00Z\"}\n" \
	    "$TOKEN" "$MOCK_URL" >config.json
	printf "{\"bookmarks\":{\"orders\":{\"updated_at\":\"2024-11-02T00:00:00Z\"}}}\n" >state.json
	cp state.json before.json
	source-shopify --config config.json --state state.json --test >out 2>err
	for s in orders products customers; do
		expect_eq 1 "$(jq -r "select(.type==\"RECORD\" and .stream==\"$s\") | .stream" out | wc -l | tr -d " ")" "$s records"
	done
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	cmp before.json state.json
	# the bookmark still filters: the order is not older than it
	u=$(jq -r "select(.type==\"RECORD\" and .stream==\"orders\") | .record.updated_at" out)
	[ "$(printf "%s\n%s\n" "2024-11-02T00:00:00Z" "$u" | sort | head -n 1)" = 2024-11-02T00:00:00Z ] ||
	    { echo "order of $u is before the bookmark"; exit 1; }
	expect_no_grep "$TOKEN" out
	expect_no_grep "$TOKEN" err
'

t 'source-pokeapi --test with the server down: the stream fails as a read does' '
	mock_start --dataset pokeapi
	pokeconfig
	mock_stop
	expect_exit 75 source-pokeapi --config config.json --test >out 2>err
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
'

t 'examples/meltano.yml declares both connectors with the capabilities and settings of --about' '
	y=$TOP/examples/meltano.yml
	[ -f "$y" ]
	py=python3
	[ -x /usr/bin/python3 ] && py=/usr/bin/python3
	"$py" -c "import yaml" 2>/dev/null || { echo "no python3-yaml"; exit 1; }
	for name in pokeapi shopify; do
		"$py" - "$y" "$name" >got <<PY
import json, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
ex = [e for e in doc["plugins"]["extractors"] if e["name"] == "source-" + sys.argv[2]]
assert len(ex) == 1, ex
e = ex[0]
assert e.get("namespace"), e
assert e.get("executable") == "source-" + sys.argv[2], e
print(json.dumps({"capabilities": sorted(e["capabilities"]),
    "settings": sorted(s["name"] for s in e["settings"]),
    "sensitive": sorted(s["name"] for s in e["settings"] if s.get("kind") == "password" or s.get("sensitive"))}, sort_keys=True))
PY
		source-$name --about --format json | jq -c -S "{capabilities: (.capabilities | sort),
		    settings: (.settings.properties | keys | sort),
		    sensitive: [.settings.properties | to_entries[] | select(.value.airbyte_secret) | .key] | sort}" >want
		jq -c -S . got >got.json
		expect_same want got.json
	done
'

done_testing
