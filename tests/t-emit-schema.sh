#!/bin/sh
# integ-emit schemas: --schema, inference from the first N records,
# widening, --catalog-out.
. "$(dirname "$0")/lib.sh"

t 'inference: types, nullability, nested objects and arrays, integer vs number, date-time' '
	printf "%s\n" \
	    "{\"a\":1,\"b\":\"2024-01-01T00:00:00Z\",\"c\":[1,2.5],\"d\":{\"e\":null},\"s\":\"x\"}" \
	    "{\"a\":2,\"b\":\"2024-01-01T00:00:00.5+02:00\",\"c\":[],\"d\":{\"e\":true},\"f\":null,\"s\":\"2024-13-01T00:00:00Z\"}" |
	    tt-emit infer 2 >out
	expect_eq "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\",\"format\":\"date-time\"},\"c\":{\"type\":\"array\",\"items\":{\"type\":\"number\"}},\"d\":{\"type\":\"object\",\"properties\":{\"e\":{\"type\":[\"null\",\"boolean\"]}}},\"s\":{\"type\":\"string\"},\"f\":{\"type\":\"null\"}}}" "$(cat out)"
'

t 'inference: 1.0 is a number, 1e2 is a number, 10 an integer' '
	printf "%s\n" "{\"x\":1.0,\"y\":1e2,\"z\":10}" | tt-emit infer 1 >out
	expect_eq "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\"},\"y\":{\"type\":\"number\"},\"z\":{\"type\":\"integer\"}}}" "$(cat out)"
'

t 'widening: a later record that does not fit widens; one that fits does not' '
	printf "%s\n" "{\"a\":1,\"b\":\"2024-01-01T00:00:00Z\"}" "{\"a\":3}" "{\"a\":3.5}" \
	    "{\"b\":\"yesterday\"}" "{\"g\":[1]}" "{\"b\":\"2024-01-01T00:00:00Z\"}" | tt-emit infer 1 >out
	expect_eq "fits" "$(sed -n 2p out)"
	sed -n 3p out | grep -q "^widened .*\"a\":{\"type\":\"number\"}"
	sed -n 4p out | grep -q "^widened .*\"b\":{\"type\":\"string\"}"
	sed -n 5p out | grep -q "^widened .*\"g\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}"
	expect_eq "fits" "$(sed -n 6p out)"
'

t 'Singer: the inferred schema accepts every record; a widened SCHEMA precedes the misfit' '
	{ i=0; while [ $i -lt 5 ]; do echo "{\"id\":$i,\"v\":\"s\"}"; i=$((i+1)); done
	  echo "{\"id\":9,\"v\":12}"; echo "{\"id\":10,\"v\":\"t\"}"; } >in
	integ-emit --singer --key id --infer 3 <in >out
	expect_eq 2 "$(grep -c "\"type\":\"SCHEMA\"" out)"
	expect_eq 7 "$(grep -c "\"type\":\"RECORD\"" out)"
	n=$(grep -nF "\"v\":{\"type\":[\"integer\",\"string\"]" out | cut -d: -f1)
	m=$(grep -n "\"record\":{\"id\":9" out | cut -d: -f1)
	expect_eq $((m - 1)) "$n" "widened SCHEMA right before the record"
	have_conformance && check_singer --strict out
	:
'

t 'Singer: the first SCHEMA is written before any RECORD, even with inference' '
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" | integ-emit --singer --infer 1000 >out
	expect_eq SCHEMA "$(head -n 1 out | sed "s/^{\"type\":\"\\([A-Z]*\\)\".*/\\1/")"
'

t 'inference: keys and the replication key are properties even if no record has them' '
	: | integ-emit --singer --key id --replication-key updated_at >out
	expect_grep "\"properties\":{\"id\":{},\"updated_at\":{}}" out
	have_conformance && check_singer --strict out
	:
'

t '--schema FILE is written as given, compacted, and not inferred' '
	printf "%s\n" "{\"type\":\"object\"," "  \"properties\": {\"id\": {\"type\":\"integer\"}}," \
	    "  \"additionalProperties\": true}" >s.json
	printf "%s\n" "{\"id\":1}" | integ-emit --singer --schema s.json --key id >out
	expect_eq 3 "$(wc -l <out | tr -d " ")" "lines: SCHEMA, RECORD, STATE"
	expect_grep "\"schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},\"additionalProperties\":true}" out
'

t '--schema: not an object schema is 65; a missing file is 66' '
	echo "{\"type\":\"array\"}" >s.json
	expect_exit 65 integ-emit --singer --schema s.json </dev/null >out 2>err
	expect_grep "not a JSON object schema" err
	echo "[1" >s.json
	expect_exit 65 integ-emit --singer --schema s.json </dev/null >out 2>err
	expect_exit 66 integ-emit --singer --schema nosuch.json </dev/null >out 2>err
	expect_grep "nosuch.json" err
'

t '--catalog-out writes an Airbyte catalog with the final schema, keys, cursor, sync modes' '
	printf "%s\n" "{\"id\":1,\"u\":\"2024-01-01T00:00:00Z\"}" "{\"id\":2,\"u\":\"2024-01-02T00:00:00Z\",\"x\":true}" |
	    integ-emit --airbyte --stream users --key id --replication-key u --infer 1 --catalog-out cat.json >out
	expect_eq "{\"streams\":[{\"name\":\"users\",\"json_schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"u\":{\"type\":\"string\",\"format\":\"date-time\"},\"x\":{\"type\":\"boolean\"}}},\"supported_sync_modes\":[\"full_refresh\",\"incremental\"],\"source_defined_cursor\":true,\"default_cursor_field\":[\"u\"],\"source_defined_primary_key\":[[\"id\"]]}]}" "$(cat cat.json)"
	have_conformance && validate_airbyte --document --definition AirbyteCatalog cat.json
	:
'

t '--catalog-out: the namespace, and a nested cursor as its field path however it is written' '
	printf "%s\n" "{\"id\":1,\"a\":{\"b\":\"2024-01-01T00:00:00Z\"}}" |
	    integ-emit --airbyte --stream s --namespace n --key .id --replication-key ".[\"a\"].b" --catalog-out cat.json >out
	expect_eq "{\"streams\":[{\"name\":\"s\",\"namespace\":\"n\",\"json_schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\",\"format\":\"date-time\"}}}}},\"supported_sync_modes\":[\"full_refresh\",\"incremental\"],\"source_defined_cursor\":true,\"default_cursor_field\":[\"a\",\"b\"],\"source_defined_primary_key\":[[\"id\"]]}]}" "$(cat cat.json)"
	have_conformance && validate_airbyte --document --definition AirbyteCatalog cat.json
	:
'

t 'Airbyte records pass the catalog they came with' '
	have_conformance || exit 0
	printf "%s\n" "{\"id\":1,\"n\":null}" "{\"id\":2,\"n\":2.5,\"t\":[\"a\"]}" |
	    integ-emit --airbyte --stream s --infer 1 --catalog-out cat.json >out
	sed "s/^{\"streams\":\\[\\(.*\\)\\]}\$/{\"streams\":[{\"stream\":\\1,\"sync_mode\":\"full_refresh\",\"destination_sync_mode\":\"append\"}]}/" cat.json >configured.json
	validate_airbyte --strict --catalog configured.json out
'

# Records shaped like an earlier one are checked by their shape (the
# scanner's summary) and their date-time strings only: these show the
# shortcut never hides a misfit.
t 'Singer: a misfit after many records of the same shape still gets its widened SCHEMA first' '
	{ i=0; while [ $i -lt 200 ]; do echo "{\"id\":$i,\"d\":\"2024-01-01T00:00:0$((i % 10))Z\"}"; i=$((i+1)); done
	  echo "{\"id\":200,\"d\":\"yesterday\"}"; echo "{\"id\":201,\"d\":\"2024-01-02T00:00:00Z\"}"; } >in
	integ-emit --singer --infer 3 <in >out
	expect_eq 2 "$(grep -c "\"type\":\"SCHEMA\"" out)"
	expect_eq 202 "$(grep -c "\"type\":\"RECORD\"" out)"
	n=$(grep -nF "\"d\":{\"type\":\"string\"}" out | cut -d: -f1)
	m=$(grep -n "\"record\":{\"id\":200," out | cut -d: -f1)
	expect_eq $((m - 1)) "$n" "widened SCHEMA right before the record"
	expect_eq 1 "$(grep -c "date-time" out)" "date-time only in the first SCHEMA"
'

t 'Singer: the shape cache is not fooled by a same-shaped record with another type in a nested field' '
	{ i=0; while [ $i -lt 50 ]; do echo "{\"id\":$i,\"a\":{\"b\":[{\"c\":$i}]}}"; i=$((i+1)); done
	  echo "{\"id\":50,\"a\":{\"b\":[{\"c\":\"x\"}]}}"
	  echo "{\"id\":51,\"a\":{\"b\":[{\"c\":1.5}]}}"
	  echo "{\"id\":52,\"a\":{\"b\":[{\"c\":null}]}}"
	  echo "{\"id\":53,\"a\":{\"b\":[{\"c\":7}]}}"
	  echo "{\"id\":54, \"a\": {\"b\": [{\"c\": \"y\"}]}}"; } >in
	integ-emit --singer --infer 2 <in >out
	expect_eq 4 "$(grep -c "\"type\":\"SCHEMA\"" out)"
	expect_eq 55 "$(grep -c "\"type\":\"RECORD\"" out)"
	for id in 50 51 52; do
		m=$(grep -n "\"record\":{\"id\":$id," out | cut -d: -f1)
		expect_eq SCHEMA "$(sed -n "$((m - 1))p" out | cut -d\" -f4)" "SCHEMA before $id"
	done
	expect_grep "\"c\":{\"type\":[\"null\",\"number\",\"string\"]}" out
	m=$(grep -n "\"record\":{\"id\":53," out | cut -d: -f1)
	expect_eq RECORD "$(sed -n "$((m - 1))p" out | cut -d\" -f4)" "53 fits"
	have_conformance && check_singer --strict out
	:
'

t 'a cursor found through the shape cache: nested, null, missing, and a same-shaped record of another type' '
	{ i=1; while [ $i -le 30 ]; do echo "{\"id\":$i,\"m\":{\"t\":$i}}"; i=$((i+1)); done
	  echo "{\"id\":31,\"m\":{\"t\":null}}"; echo "{\"id\":32,\"m\":{}}"
	  echo "{\"id\":33,\"m\":{\"t\":\"99\"}}"; echo "{\"id\":34,\"m\":{\"t\":5}}"; } >in
	integ-emit --airbyte --replication-key m.t <in >out 2>err
	expect_eq 34 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "\"stream_state\":{\"m.t\":\"99\"}" out
	expect_grep "without the cursor" err
	echo "{\"records\":{\"m.t\":20}}" >st.json
	integ-emit --singer --replication-key m.t --state st.json <in >out 2>err
	expect_eq 14 "$(grep -c "\"type\":\"RECORD\"" out)" "20..30, null, missing, 99 (a string), not 5"
	expect_no_grep "\"id\":34" out
'

t 'date-time cursors through the shape cache: same layout by bytes, other layouts and lengths by instant, bookmark boundary' '
	{ i=1; while [ $i -le 30 ]; do printf "{\"id\":%d,\"u\":\"2024-01-%02dT00:00:00.000Z\"}\n" $i $i; i=$((i+1)); done
	  echo "{\"id\":31,\"u\":\"2024-02-01T00:00:00.5Z\"}"
	  echo "{\"id\":32,\"u\":\"2024-02-01T00:00:00.400Z\"}"
	  echo "{\"id\":33,\"u\":\"2024-02-01T01:00:00.550+01:00\"}"
	  echo "{\"id\":34,\"u\":\"2024-01-14T23:59:59.999Z\"}"
	  echo "{\"id\":35,\"u\":\"2024-02-01T00:00:00.600Z\"}"
	  echo "{\"id\":36,\"u\":\"2024-02-01T00:00:00.599Z\"}"; } >in
	integ-emit --singer --replication-key u <in >out
	expect_eq 36 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_grep "\"replication_key_value\":\"2024-02-01T00:00:00.600Z\"}}}}" out
	head -n 33 in >in33
	integ-emit --singer --replication-key u <in33 >out
	expect_grep "\"replication_key_value\":\"2024-02-01T01:00:00.550+01:00\"}}}}" out "an offset instant after a shorter usual one"
	echo "{\"bookmarks\":{\"records\":{\"u\":\"2024-01-15T00:00:00.000Z\"}}}" >st.json
	integ-emit --singer --replication-key u --state st.json <in >out
	expect_eq 21 "$(grep -c "\"type\":\"RECORD\"" out)" "15..30 and 31, 32, 33, 35, 36"
	expect_grep "\"record\":{\"id\":15," out
	expect_no_grep "\"record\":{\"id\":34," out
	expect_no_grep "\"record\":{\"id\":14," out
	have_conformance && check_singer --strict out
	:
'

done_testing
