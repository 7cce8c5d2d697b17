#!/bin/sh
# integ-fetch with request bodies: -X, --data (JSON or @FILE, ${VAR}),
# --body-cursor with --has-more (GraphQL paging), --graphql errors.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

# GitHub's GraphQL issues query, oldest first, the cursor in $after (a
# JSON text, used as one argument: its quotes are meant literally).
# shellcheck disable=SC2089,SC2090
Q='{"query":"query($owner:String!,$name:String!,$after:String){repository(owner:$owner,name:$name){issues(first:2,after:$after,orderBy:{field:UPDATED_AT,direction:ASC}){pageInfo{hasNextPage endCursor} nodes{number title updatedAt}}}}","variables":{"owner":"o","name":"r","after":null}}'
# shellcheck disable=SC2090
export Q
PI=data.repository.issues.pageInfo
export PI

t '--body-cursor: the cursor goes into variables.after until hasNextPage is false' '
	mock_start fetch-body
	integ-fetch --graphql -d "$Q" --body-cursor variables.after=$PI.endCursor \
	    --has-more $PI.hasNextPage "$MOCK_URL/graphql" >out
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	integ-extract data.repository.issues.nodes out | jq -r .number | tr "\n" " " >nums
	expect_eq "1 2 3 4 5 " "$(cat nums)"
	expect_eq "gh1 gh2 gh3 " "$(mock_log .scenario_step | tr "\n" " ")"
	expect_eq "POST POST POST " "$(mock_log .method | tr "\n" " ")"
	mock_log ".body | fromjson | .variables.after" | tr "\n" " " >after
	expect_eq "null Y3Vyc29yOnYyOpHOAAAAAQ== Y3Vyc29yOnYyOpHOAAAAAg== " "$(cat after)"
	# the rest of the body is sent as given
	expect_eq "o r o r o r " "$(mock_log ".body | fromjson | .variables | .owner, .name" | tr "\n" " ")"
	expect_eq 1 "$(mock_log ".body | fromjson | .query" | sort -u | wc -l | tr -d " ")"
	expect_eq "application/json" "$(mock_log ".headers[\"Content-Type\"]" | sort -u)"
	expect_eq 1 "$(mock_connections)"
'

t '--body-cursor: a body without the member gets it, in a new object' '
	mock_start fetch-body
	integ-fetch -d "{\"query\":\"q\",\"variables\":{\"after\":null}}" \
	    --body-cursor variables.after=$PI.endCursor \
	    --has-more $PI.hasNextPage "$MOCK_URL/graphql" >out
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	mock_start fetch-body
	integ-fetch -d "{\"query\":\"q\",\"variables\":{\"after\":null}}" \
	    --body-cursor page.cursor.after=$PI.endCursor \
	    --max-pages 2 "$MOCK_URL/graphql" >out 2>err || :
	expect_eq "\"Y3Vyc29yOnYyOpHOAAAAAQ==\"" "$(jq -c .body mock-2.log | tail -n 1 | jq -r . | jq -c .page.cursor.after)"
'

t '--body-cursor: the same cursor again is a pagination loop (76)' '
	mock_start fetch-body
	expect_exit 76 integ-fetch -d "{\"v\":{}}" --body-cursor v.after=data.pageInfo.endCursor \
	    "$MOCK_URL/loop" >out 2>err
	expect_grep "pagination loop" err
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
	expect_grep "integ-error: 76" out
'

t '--graphql: errors in a 200 are a failure (69), the message named' '
	mock_start fetch-body
	expect_exit 69 integ-fetch --graphql -d "{\"query\":\"{x}\"}" "$MOCK_URL/gql-error" >out 2>err
	expect_grep "GraphQL error: Could not resolve to a Repository" err
	expect_eq "integ-error: 69" "$(tail -n 1 out | cut -c1-15)"
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_eq 1 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'without --graphql the same 200 is a page like any other' '
	mock_start fetch-body
	integ-fetch -d "{\"query\":\"{x}\"}" "$MOCK_URL/gql-error" >out
	expect_grep "NOT_FOUND" out
'

t '--graphql: RATE_LIMITED is retried after the reset, then 75' '
	mock_start fetch-body
	expect_exit 75 integ-fetch --graphql --retries 2 -d "{\"query\":\"{x}\"}" \
	    "$MOCK_URL/gql-limited" >out 2>err
	expect_grep "rate limited" err
	expect_grep "gave up after 2 retries" err
	expect_eq 3 "$(mock_log .n | wc -l | tr -d " ")"
	expect_grep "integ-error: 75" out
'

t '--graphql: RATE_LIMITED once, waited for X-RateLimit-Reset, then the data' '
	mock_start fetch-body
	INTEG_TEST_TIMESCALE=0.2 integ-fetch -v --graphql -d "{\"query\":\"{x}\"}" \
	    "$MOCK_URL/gql-once" >out 2>err
	expect_eq "{\"data\":{\"viewer\":{\"login\":\"octocat\"}}}" "$(cat out)"
	expect_grep "retry 1/5 in 1.00s" err
	t1=$(mock_log .time | head -n 1) t2=$(mock_log .time | tail -n 1)
	awk -v a="$t1" -v b="$t2" "BEGIN { exit !(b - a >= 0.18) }"
'

t '--data @FILE, -X PUT, a Content-Type of the users own' '
	mock_start fetch-body
	printf "{\"a\": [1, 2]}\n" >body.json
	integ-fetch -X PUT -d @body.json -H "Content-Type: application/vnd+json" \
	    "$MOCK_URL/put" >out
	expect_eq "{\"updated\":true}" "$(cat out)"
	expect_eq PUT "$(mock_log .method)"
	expect_eq "{\"a\": [1, 2]}" "$(mock_log .body)"
	expect_eq "application/vnd+json" "$(mock_log ".headers[\"Content-Type\"]")"
	expect_exit 69 integ-fetch -X PUT -d @body.json "$MOCK_URL/put" >out 2>err
	expect_grep "PUT $MOCK_URL/put: 405" err
	integ-fetch -X POST -d @body.json "$MOCK_URL/post" >out
	expect_eq "{\"ok\":true}" "$(cat out)"
'

t '--data: not JSON (65), an unset ${VAR} (78), a missing file (66), no --data (64)' '
	expect_exit 65 integ-fetch -d "{\"a\":" http://127.0.0.1:9/x >out 2>err
	expect_grep "not one JSON text" err
	expect_exit 78 integ-fetch -d "{\"a\":\"\${INTEG_NOT_SET_ANYWHERE}\"}" http://127.0.0.1:9/x >out 2>err
	expect_exit 66 integ-fetch -d @nonexistent.json http://127.0.0.1:9/x >out 2>err
	expect_exit 64 integ-fetch --body-cursor a=b http://127.0.0.1:9/x 2>err
	expect_exit 64 integ-fetch --graphql http://127.0.0.1:9/x 2>err
	expect_exit 64 integ-fetch -X post -d "{}" http://127.0.0.1:9/x 2>err
	expect_exit 64 integ-fetch -d "{}" --body-cursor "a[0]=b" http://127.0.0.1:9/x >out 2>err
'

t 'a ${VAR} in the body is sent, and masked in logs and errors' '
	ECHO_SECRET=s3cr3t-body-token-0123456789abcdef
	export ECHO_SECRET
	mock_start fetch-body-echo
	expect_exit 69 integ-fetch -v -X PUT -d "{\"token\":\"\${ECHO_SECRET}\"}" \
	    "$MOCK_URL/echo" >out 2>err
	expect_eq "{\"token\":\"$ECHO_SECRET\"}" "$(mock_log .body)"
	expect_grep "***" err
	expect_no_part "$ECHO_SECRET" out err
'
t 'a secret body is not sent to another origin; a 303 is followed with a GET' '
	mock_start fetch-window-any
	MOCK_OTHER=$MOCK_URL other_log=$MOCK_LOG
	export MOCK_OTHER
	BODY_TOKEN=body-token-0123456789abcdef
	export BODY_TOKEN
	mock_start fetch-body-redirect
	integ-fetch -d "{\"t\":\"\${BODY_TOKEN}\"}" "$MOCK_URL/r307" >out
	expect_eq "POST" "$(jq -r .method "$other_log")"
	expect_eq "" "$(jq -r .body "$other_log")"
	expect_no_part "$BODY_TOKEN" "$other_log"
	# a body without a secret goes along
	integ-fetch -d "{\"t\":1}" "$MOCK_URL/r307" >out
	expect_eq "{\"t\":1}" "$(jq -r .body "$other_log" | tail -n 1)"
	integ-fetch -d "{\"t\":1}" "$MOCK_URL/r303" >out
	expect_eq "POST GET" "$(mock_log .method | tail -n 2 | tr "\n" " " | sed "s/ $//")"
	expect_eq "" "$(mock_log .body | tail -n 1)"
'

t 'examples/github-graphql-issues.sh: three pages, a Singer sync, the state saved' '
	mock_start fetch-body
	GITHUB_TOKEN=ghp_graphql_example_token_0123456789 GITHUB_REPO=o/r \
	    GITHUB_API_URL=$MOCK_URL STATE_FILE=state.json PER_PAGE=2 \
	    sh "$TOP/examples/github-graphql-issues.sh" >msgs 2>err
	expect_eq "1 2 3 4 5 " "$(jq -r "select(.type == \"RECORD\") | .record.number" msgs | tr "\n" " ")"
	expect_eq "2024-03-05T00:00:00Z" "$(integ-state get state.json issues updatedAt)"
	expect_eq "Bearer ghp_graphql_example_token_0123456789" "$(mock_log ".headers.Authorization" | sort -u)"
	expect_eq "o r 2000-01-01T00:00:00Z 2 " "$(mock_log ".body | fromjson | .variables | .owner, .name, .since, .n" | head -n 4 | tr "\n" " ")"
	if have_conformance; then check_singer msgs; fi
'

done_testing
