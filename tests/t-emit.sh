#!/bin/sh
# integ-emit: framing records as Singer, Airbyte, JSON Lines and jq-shaped
# messages; the emitter library as connectors use it.
. "$(dirname "$0")/lib.sh"

records() {
	printf '%s\n' \
	    '{"id":1,"name":"a","updated_at":"2024-01-01T00:00:00Z","n":1.5}' \
	    '{"id":12345678901234567890,"name":"b\u00e9\"q","updated_at":"2024-01-02T00:00:00+01:00","tags":["x"]}' \
	    '{"id":3,"name":null,"updated_at":"2024-01-03T00:00:00Z","deep":{"a":[{"b":1}]}}'
}

# conformance SINGER|AIRBYTE FILE: the shared checkers, when present.
conform() {
	have_conformance || return 0
	if [ "$1" = airbyte ]; then
		validate_airbyte --strict "$2"
	else
		check_singer --strict "$2"
	fi
}

t 'the pipeline form works as typed: --airbyte alone, stream "records"' '
	records | integ-emit --airbyte >out
	expect_eq 3 "$(grep -c "\"type\":\"RECORD\"" out)"
	expect_eq 3 "$(grep -c "\"record\":{\"stream\":\"records\"" out)"
	conform airbyte out
'

t 'records are framed byte for byte: big ids and escapes survive' '
	records >in
	integ-emit --airbyte <in >out
	grep "\"type\":\"RECORD\"" out | sed "s/^{\"type\":\"RECORD\",\"record\":{\"stream\":\"records\",\"data\"://; s/,\"emitted_at\":[0-9]*}}\$//" >data
	expect_same in data
	integ-emit --singer <in >out
	grep "\"type\":\"RECORD\"" out | sed "s/^{\"type\":\"RECORD\",\"stream\":\"records\",\"record\"://; s/,\"time_extracted\":\"[^\"]*\"}\$//" >data
	expect_same in data
	integ-emit --jsonl <in >out
	expect_same in out
'

t 'Airbyte: STARTED, RUNNING before the first record, STATE, COMPLETE in order' '
	records | integ-emit --airbyte --stream users --key id >out
	sed -n "s/.*\"type\":\"\\([A-Z_]*\\)\".*\"status\":\"\\([A-Z]*\\)\".*/\\2/p; /\"type\":\"RECORD\"/s/.*/RECORD/p; /\"type\":\"STATE\"/s/.*/STATE/p" out | uniq >seq
	printf "%s\n" STARTED RUNNING RECORD STATE COMPLETE >want
	expect_same want seq
	conform airbyte out
'

t 'Airbyte: emitted_at is epoch milliseconds, recordCount a number' '
	records | integ-emit --airbyte >out
	ms=$(sed -n "s/.*\"emitted_at\":\\([0-9]*\\)}}\$/\\1/p" out | head -n 1)
	now=$(date +%s)
	[ "${#ms}" -eq 13 ]
	[ $((ms / 1000 - now)) -le 5 ] && [ $((now - ms / 1000)) -le 5 ]
	expect_grep "\"sourceStats\":{\"recordCount\":3.0}" out
'

t 'Airbyte: an empty stream has no RUNNING, and a STATE with count 0' '
	: | integ-emit --airbyte >out
	expect_no_grep RUNNING out
	expect_grep STARTED out
	expect_grep COMPLETE out
	expect_grep "\"recordCount\":0.0" out
	conform airbyte out
'

t 'Airbyte: --namespace goes into records, states and statuses' '
	records | integ-emit --airbyte --namespace public --stream t >out
	expect_eq 3 "$(grep -c "\"record\":{\"stream\":\"t\",\"namespace\":\"public\"" out)"
	expect_grep "\"stream_descriptor\":{\"name\":\"t\",\"namespace\":\"public\"},\"stream_state\"" out
	expect_grep "\"stream_descriptor\":{\"name\":\"t\",\"namespace\":\"public\"},\"status\":\"COMPLETE\"" out
	conform airbyte out
'

t 'Singer: SCHEMA first with key_properties and bookmark_properties, then RECORDs, STATE' '
	{ records; printf "\t\n"; } | integ-emit --singer --stream users --key id --replication-key updated_at >out
	head -n 1 out >first
	expect_grep "{\"type\":\"SCHEMA\",\"stream\":\"users\",\"schema\":{\"type\":\"object\"" first
	expect_grep "\"key_properties\":[\"id\"],\"bookmark_properties\":[\"updated_at\"]}" first
	expect_eq 3 "$(grep -c "^{\"type\":\"RECORD\",\"stream\":\"users\"" out)"
	tail -n 1 out | grep -q "^{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"users\":{\"replication_key\":\"updated_at\",\"replication_key_value\":\"2024-01-03T00:00:00Z\"}}}}\$"
	have_conformance && check_singer --strict --require-state --bookmarks --expect-streams users out
	:
'

t 'Singer: key_properties is present when empty; no bookmark_properties without a key' '
	records | integ-emit --singer >out
	expect_grep "\"key_properties\":[]}" out
	expect_no_grep bookmark_properties out
	conform singer out
'

t 'Singer: time_extracted is RFC 3339 UTC with milliseconds' '
	records | integ-emit --singer >out
	grep "\"type\":\"RECORD\"" out | sed "s/.*\"time_extracted\":\"\\([^\"]*\\)\"}\$/\\1/" >ts
	expect_eq 3 "$(grep -cE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z\$" ts)"
	expect_eq "1970-01-01T00:00:01.005Z" "$(tt-emit time 1005)"
	expect_eq "2024-02-29T23:59:59.999Z" "$(tt-emit time 1709251199999)"
'

t 'Singer: an empty stream still gets its SCHEMA and a STATE' '
	: | integ-emit --singer --key id >out
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_grep "\"type\":\"SCHEMA\"" out
	expect_grep "\"type\":\"STATE\"" out
	conform singer out
'

t '--jsonl writes the records alone; blank and CRLF lines are tolerated' '
	printf "{\"a\":1}\r\n\n  \n{\"a\":2}" | integ-emit --jsonl >out
	printf "%s\n" "{\"a\":1}" "{\"a\":2}" >want
	expect_same want out
'

t '--format NAME picks a registered format; an unknown one is a usage error' '
	records | integ-emit --format airbyte >a
	records | integ-emit --airbyte >b
	expect_eq "$(sed "s/[0-9]\{13\}/T/g" b)" "$(sed "s/[0-9]\{13\}/T/g" a)"
	expect_exit 64 integ-emit --format nosuch </dev/null 2>err
	expect_grep "unknown format: nosuch" err
	tt-emit formats >f
	printf "%s\n" singer airbyte jsonl jq >want
	expect_same want f
'

t 'exactly one format is required' '
	expect_exit 64 integ-emit </dev/null 2>err
	expect_grep "usage:" err
	expect_exit 64 integ-emit --singer --airbyte </dev/null 2>err
	expect_grep "choose one format" err
'

t '--format-jq shapes every canonical (Singer) message' '
	records | integ-emit --format-jq "select(.type==\"RECORD\") | {t: .type, id: .record.id}" >out
	printf "%s\n" "{\"t\":\"RECORD\",\"id\":1}" "{\"t\":\"RECORD\",\"id\":12345678901234567000}" "{\"t\":\"RECORD\",\"id\":3}" >want
	expect_same want out
	records | integ-emit --format-jq ".type" >out
	printf "%s\n" "\"SCHEMA\"" "\"RECORD\"" "\"RECORD\"" "\"RECORD\"" "\"STATE\"" >want
	expect_same want out
'

t '--format-jq: a filter that does not compile is a usage error' '
	expect_exit 64 integ-emit --format-jq ".[" </dev/null 2>err
	expect_grep "jq filter" err
'

t '--format-jq: a runtime error is 65, with a trailer and no STATE' '
	printf "%s\n" "{\"a\":1}" "{\"a\":\"x\"}" | sh -c "integ-emit --format-jq \"if .type == \\\"RECORD\\\" then .record.a + 1 else empty end\" >out 2>err; echo \$? >rc"
	expect_eq 65 "$(cat rc)"
	expect_grep "jq:" err
	tail -n 1 out | grep -q "^integ-error: 65 "
	expect_eq 2 "$(head -n 1 out)"
'

t '--help and --version' '
	integ-emit --version >out
	expect_eq "integ-emit 0.1.0" "$(cat out)"
	integ-emit --help >out
	expect_grep "usage: integ-emit (--singer | --airbyte" out
	expect_exit 64 integ-emit --bogus 2>err
	expect_grep "usage: integ-emit" err
'

t 'the library: two streams, a LOG, a checkpoint that drops nothing after it, errors (Airbyte)' '
	tt-emit streams airbyte >out
	expect_grep "{\"type\":\"LOG\",\"log\":{\"level\":\"INFO\",\"message\":\"hello \\\"log\\\"\"}}" out
	expect_grep "{\"type\":\"LOG\",\"log\":{\"level\":\"WARN\",\"message\":\"through the sink\"}}" out
	expect_grep "\"stream_state\":{\"n\":7}},\"sourceStats\":{\"recordCount\":2.0}" out
	expect_grep "\"stream_state\":{\"n\":9}},\"sourceStats\":{\"recordCount\":2.0}" out
	expect_grep "\"data\":{\"id\":4,\"n\":6}" out
	expect_grep "\"failure_type\":\"config_error\",\"stream_descriptor\":{\"name\":\"b\",\"namespace\":\"ns1\"}" out
	expect_grep "{\"message\":\"bad config\",\"failure_type\":\"config_error\"}" out
	expect_grep "\"name\":\"b\",\"namespace\":\"ns1\"},\"status\":\"INCOMPLETE\"" out
	expect_no_grep "\"stream_descriptor\":{\"name\":\"b\",\"namespace\":\"ns1\"},\"stream_state\"" out
	conform airbyte out
'

t 'the library: two streams in Singer carry every bookmark in STATE' '
	tt-emit streams singer >out
	expect_grep "\"bookmarks\":{\"other\":{\"replication_key\":\"k\",\"replication_key_value\":\"v\"},\"a\":{\"replication_key\":\"n\",\"replication_key_value\":9}}" out
	expect_no_grep "\"type\":\"LOG\"" out
	conform singer out
'

done_testing
