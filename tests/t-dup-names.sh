#!/bin/sh
# A member name repeated in one object: the last one wins, everywhere (as
# in jq and JSON.parse): extract paths, --next, --cursor, --has-more,
# --records, --replication-key, --key, state files.
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # used in the tests' eval'd bodies
DUP='{"a":{"r":[1]},"id":1,"a":{"r":[2,3]},"id":2,"u":"x","u":"y"}'

t 'integ-extract: a path through repeated names takes the last, as --jq does' '
	echo "$DUP" >in
	expect_eq "2 3" "$(integ-extract a.r in | tr -d "\t" | tr "\n" " " | sed "s/ $//")"
	expect_eq "2 3" "$(integ-extract --jq ".a.r[]" in | tr -d "\t" | tr "\n" " " | sed "s/ $//")"
	expect_eq 2 "$(integ-extract id in | tr -d "\t")"
	expect_eq y "$(integ-extract u in | tr -d "\"\t")"
	expect_eq 3 "$(integ-extract "a.r[-1]" in | tr -d "\t")"
	expect_eq 2 "$(integ-extract "a.r[0]" in | tr -d "\t")"
	# the first holds the only match: still nothing, it lost
	echo "{\"x\":{\"y\":1},\"x\":{\"z\":2}}" | integ-extract x.y >out
	expect_eq "" "$(tr -d "\t" <out)"
	# records of a repeated array, the first one long
	{ printf "{\"items\":["; seq -s, 1 50000; printf "],\"items\":[7]}\n"; } >big
	expect_eq 7 "$(integ-extract items big | tr -d "\t")"
	# past what extract holds back (1 MiB), the first ones are out: 65
	{ printf "{\"items\":["; seq -s, 1 300000; printf "],\"items\":[7]}\n"; } >huge
	expect_exit 65 integ-extract items huge >out 2>err
	expect_grep "member \"items\" on the path comes again" err
	expect_eq "integ-error: 65" "$(tail -n 1 out | cut -c1-15)"
	# nested: the last inner among the last outer
	echo "{\"o\":{\"i\":1,\"i\":2},\"o\":{\"i\":3,\"i\":4}}" | integ-extract o.i >out
	expect_eq 4 "$(tr -d "\t" <out)"
	# the whole text is passed on as it is
	echo "$DUP" | integ-extract . >out
	expect_eq "$DUP" "$(tr -d "\t" <out)"
'

t 'integ-fetch --next follows the last "next"' '
	mock_start dup-names
	integ-fetch -s --next next "$MOCK_URL/next/1" | integ-extract items >out
	expect_eq "1 2" "$(tr "\n" " " <out | sed "s/ $//")"
	expect_no_grep wrong "$MOCK_LOG"
'

t 'integ-fetch --next: a later name spelled with escapes wins, other escapes do not matter' '
	mock_start dup-names
	integ-fetch -s --next next "$MOCK_URL/esc/1" | integ-extract items >out
	expect_eq "1 \"\\u00e9\\ud83d\\ude20\" 2 \"\\u2014\" 3 \"\\u00a0\" 4" "$(tr -d "\t" <out | tr "\n" " " | sed "s/ $//")"
	expect_no_grep wrong "$MOCK_LOG"
'

t 'integ-fetch --next: a later "next" deep in a long body wins' '
	mock_start dup-names
	integ-fetch -s --next next "$MOCK_URL/long/1" | integ-extract items >out
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	expect_eq 2 "$(tail -n 1 out | tr -d "\t")"
	expect_no_grep wrong "$MOCK_LOG"
'

t 'integ-fetch --cursor and --has-more read the last members' '
	mock_start dup-names
	integ-fetch -s --cursor c=c --has-more more "$MOCK_URL/cur" | integ-extract items >out
	expect_eq "1 2" "$(tr "\n" " " <out | sed "s/ $//")"
	expect_no_grep wrong "$MOCK_LOG"
'

t 'integ-fetch --page with --records counts the last "items"' '
	mock_start dup-names
	integ-fetch -s --page p --records items "$MOCK_URL/page" | integ-extract items >out
	expect_eq "1 2" "$(tr "\n" " " <out | sed "s/ $//")"
	expect_eq 2 "$(mock_log .query | wc -l | tr -d " ")"
'

t 'integ-emit: --replication-key and --key read the last member, in every path of emit' '
	# many lines of one shape, so the shape matchers are used as well
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		echo "{\"id\":$i,\"u\":\"2024-01-0${i}T00:00:00Z\",\"id\":$((i + 100)),\"u\":\"2024-02-01T00:00:$((i + 10))Z\"}"
	done | sed "s/0\\([0-9][0-9]\\)T/\\1T/" >recs
	integ-emit --singer --stream s --key id --replication-key u <recs >out
	expect_eq "2024-02-01T00:00:30Z" "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.s.replication_key_value" out)"
	integ-emit --airbyte --stream s --key id --replication-key u <recs >out
	expect_eq "2024-02-01T00:00:30Z" "$(jq -r "select(.type==\"STATE\") | .state.stream.stream_state.u" out)"
	# the bookmark filters on the last member too
	echo "{\"bookmarks\":{\"s\":{\"u\":\"2024-02-01T00:00:25Z\"}}}" >st.json
	integ-emit --singer --stream s --replication-key u --state st.json <recs >out
	expect_eq 6 "$(grep -c "\"RECORD\"" out)"
	# a nested cursor path
	echo "{\"m\":{\"t\":9},\"m\":{\"t\":5}}" >r2
	echo "{\"m\":{\"t\":1},\"m\":{\"t\":7}}" >>r2
	integ-emit --singer --stream s --replication-key m.t <r2 >out
	expect_eq 7 "$(jq -r "select(.type==\"STATE\") | .value.bookmarks.s.replication_key_value" out)"
'

t 'a key that repeats: the record without its last key value is a missing key, not the first' '
	echo "{\"id\":1,\"id\":null}" >recs
	integ-emit --airbyte --stream s --key id --catalog-out cat.json <recs >out 2>err || :
	integ-emit --singer --stream s --key id <recs >out2 2>err2 || :
	# both runs agree with jq on what the key is
	expect_eq null "$(jq -r .id recs)"
'

t 'state files: a repeated stream or bookmark takes the last' '
	echo "{\"bookmarks\":{\"s\":{\"k\":1,\"k\":2},\"s\":{\"k\":3,\"k\":4}}}" >st.json
	expect_eq 4 "$(integ-state get st.json s k)"
	echo "[{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\",\"name\":\"t\"},\"stream_state\":{\"k\":1,\"k\":5}}}]" >ab.json
	expect_eq 5 "$(integ-state get ab.json t k)"
	expect_exit 1 integ-state get ab.json s k
'

t 'a connector reads the last of a repeated records member (source-pokeapi, Singer)' '
	cat >s.scn <<SCN
reply
path /api/v2/pokemon
always
header Content-Type: application/json
body {"results":[{"name":"wrong","url":"x"}],"count":1,"next":null,"results":[{"name":"one","url":"u1"},{"name":"two","url":"u2"}]}
SCN
	mock_start s.scn
	printf "{\"url\":\"%s/api/v2\",\"page_size\":20}\n" "$MOCK_URL" >config.json
	printf "{\"streams\":[{\"tap_stream_id\":\"pokemon\",\"stream\":\"pokemon\",\"schema\":{\"selected\":true},\"metadata\":[{\"breadcrumb\":[],\"metadata\":{\"selected\":true}}]}]}\n" >cat.json
	source-pokeapi --config config.json --catalog cat.json >out
	expect_eq "one two" "$(jq -r "select(.type==\"RECORD\") | .record.name" out | tr "\n" " " | sed "s/ $//")"
'

done_testing
