#!/bin/sh
# The examples of integ.h, compiled from the header (tests/helpers/
# tt-example.c) and run: the emit example frames, filters and fails as
# the header says; the connector example pages with its query.
. "$(dirname "$0")/lib.sh"

records() {
	printf '%s\n' '{"id":1,"updated_at":"2024-01-01T00:00:00Z"}' \
	    '{"id":2,"updated_at":"2024-03-01T00:00:00Z"}' \
	    '{"id":3,"updated_at":"2024-02-01T00:00:00Z"}'
}

t 'emit: every record, then STATE with the newest cursor and COMPLETE' '
	records | tt-example emit nostate >out
	expect_eq "1 2 3" "$(jq -r "select(.type == \"RECORD\") | .record.data.id" out | xargs)"
	expect_eq 2024-03-01T00:00:00Z "$(jq -r "select(.type == \"STATE\") | .state.stream.stream_state.updated_at" out)"
	expect_eq COMPLETE "$(jq -r "select(.type == \"TRACE\") | .trace.stream_status.status" out | tail -n 1)"
'

t 'emit: the state given is the bookmark, older records are dropped' '
	echo "{\"users\":{\"updated_at\":\"2024-02-01T00:00:00Z\"}}" >state.json
	records | tt-example emit state.json >out
	expect_eq "2 3" "$(jq -r "select(.type == \"RECORD\") | .record.data.id" out | xargs)"
	expect_eq 2024-03-01T00:00:00Z "$(jq -r "select(.type == \"STATE\") | .state.stream.stream_state.updated_at" out)"
'

t 'emit: a record that is not an object fails the stream, no STATE' '
	{ records; echo "[1]"; } >in
	expect_exit 65 tt-example emit nostate <in >out
	expect_eq "1 2 3" "$(jq -r "select(.type == \"RECORD\") | .record.data.id" out | xargs)"
	expect_eq 0 "$(grep -c "\"STATE\"" out || :)"
	expect_eq "a record is a JSON object, not array" "$(jq -r "select(.trace.type == \"ERROR\") | .trace.error.message" out)"
	expect_eq INCOMPLETE "$(jq -r "select(.type == \"TRACE\") | .trace.stream_status.status" out | tail -n 1)"
'

t 'connector: the query of the example on every page, the Link followed' '
	cat >orders.scn <<SCN
reply page2
path /api/orders.json
arg page=2
header Content-Type: application/json
body {"orders":[{"id":3,"updated_at":"2024-05-01T00:00:00Z"}]}

reply page1
path /api/orders.json
arg status=any
arg updated_at_min=2024-04-01T00:00:00Z
header Content-Type: application/json
header Link: <%URL/api/orders.json?page=2>; rel="next"
body {"orders":[{"id":1,"updated_at":"2024-04-02T00:00:00Z"},{"id":2,"updated_at":"2024-04-03T00:00:00Z"}]}
SCN
	mock_start ./orders.scn
	echo "{\"url\":\"$MOCK_URL/api\",\"start_date\":\"2024-04-01T00:00:00Z\"}" >config.json
	tt-example connector read --config config.json >out
	expect_eq "1 2 3" "$(jq -r "select(.type == \"RECORD\") | .record.data.id" out | xargs)"
	expect_eq "status=any&updated_at_min=2024-04-01T00%3a00%3a00Z page=2" "$(mock_log .query | xargs)"
'

done_testing
