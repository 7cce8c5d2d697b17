#!/bin/sh
# integ-source with request bodies (integ-manifest(5)): method POST and
# PUT, a body in the manifest or in a file beside it with templates in its
# strings, paging body_cursor (GitHub's GraphQL issues query paged to the
# end against the mock t-fetch-body.sh uses), graphql errors (69, and 75
# rate limited), a secret body kept to the API's origin, the mistakes.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

TOKEN=ghp_manifest_graphql_token_0123456789
export TOKEN

# gh [STREAM LINES]: gh.yaml, GitHub's GraphQL issues query oldest first,
# the cursor in variables.after; lines given replace the stream's tail
gh() {
	cat >gh.yaml <<'YAML'
name: gh
spec:
  type: object
  required: [url, token, owner, repo]
  properties:
    url: {type: string}
    token: {type: string, airbyte_secret: true}
    owner: {type: string}
    repo: {type: string}
    per_page: {type: integer, default: 2}
base_url: "{{ config.url }}"
auth: {type: bearer, token: "{{ config.token }}"}
http: {retries: 2}
streams:
  - name: issues
    primary_key: id
YAML
	if [ $# -gt 0 ]; then
		printf '    %s\n' "$@" >>gh.yaml
		return 0
	fi
	cat >>gh.yaml <<'YAML'
    path: /graphql
    method: POST
    graphql: true
    body:
      query: >-
        query($owner:String!,$name:String!,$n:Int!,$after:String){
        repository(owner:$owner,name:$name){issues(first:$n,after:$after,
        orderBy:{field:UPDATED_AT,direction:ASC}){pageInfo{hasNextPage
        endCursor} nodes{id number title updatedAt}}}}
      variables:
        owner: "{{ config.owner }}"
        name: "{{ config.repo }}"
        n: "{{ config.per_page }}"
        after: null
    records: data.repository.issues.nodes
    paging:
      type: body_cursor
      body_path: variables.after
      path: data.repository.issues.pageInfo.endCursor
      has_more: data.repository.issues.pageInfo.hasNextPage
YAML
}

config() {
	printf '{"url":"%s","token":"%s","owner":"o","repo":"r"}\n' "$MOCK_URL" "$TOKEN" >config.json
}

src() { integ-source --manifest gh.yaml "$@"; }
records() { jq -c "select(.type==\"RECORD\") | .record.data" "$1"; }

t 'GraphQL: GitHub s issues paged to the end, the cursor in variables.after' '
	mock_start fetch-body
	gh
	config
	src read --config config.json >out 2>err
	expect_eq "1 2 3 4 5 " "$(records out | jq -r .number | tr "\n" " ")"
	expect_eq "I_kwDOAAAAAM1" "$(records out | head -n 1 | jq -r .id)"
	expect_eq "gh1 gh2 gh3 " "$(mock_log .scenario_step | tr "\n" " ")"
	expect_eq "POST POST POST " "$(mock_log .method | tr "\n" " ")"
	mock_log ".body | fromjson | .variables.after" | tr "\n" " " >after
	expect_eq "null Y3Vyc29yOnYyOpHOAAAAAQ== Y3Vyc29yOnYyOpHOAAAAAg== " "$(cat after)"
	# the config fills the templates; one alone keeps its type (the number)
	expect_eq "{\"owner\":\"o\",\"name\":\"r\",\"n\":2}" \
	    "$(mock_log ".body | fromjson | .variables | del(.after) | tojson" | sort -u)"
	expect_eq 1 "$(mock_log ".body | fromjson | .query" | sort -u | wc -l | tr -d " ")"
	mock_log ".body | fromjson | .query" | grep -q "^query(\$owner:String!,\$name:String!,\$n:Int!,\$after:String){ repository"
	expect_eq "application/json" "$(mock_log ".headers[\"Content-Type\"]" | sort -u)"
	expect_eq "Bearer $TOKEN" "$(mock_log ".headers.Authorization" | sort -u)"
	expect_no_part "$TOKEN" out err
	if have_conformance; then validate_airbyte out; fi
	# Singer alike
	mock_start fetch-body
	config
	src --config config.json >out 2>err
	expect_eq "1 2 3 4 5 " "$(jq -r "select(.type == \"RECORD\") | .record.number" out | tr "\n" " ")"
'

t 'graphql: errors in a 200 fail the stream (69); without graphql it is a record' '
	mock_start fetch-body
	gh "path: /gql-error" "graphql: true" "body: {query: \"{x}\"}"
	config
	expect_exit 69 src read --config config.json >out 2>err
	jq -c "select(.type == \"TRACE\" and .trace.type == \"ERROR\")" out >trace
	expect_grep "GraphQL error: Could not resolve to a Repository" trace
	expect_eq 0 "$(records out | wc -l | tr -d " ")"
	mock_start fetch-body
	config
	expect_exit 69 src --config config.json >out 2>err
	expect_grep "GraphQL error: Could not resolve to a Repository" err
	mock_start fetch-body
	gh "path: /gql-error" "body: {query: \"{x}\"}"
	config
	src read --config config.json >out 2>err
	expect_eq NOT_FOUND "$(records out | jq -r ".errors[0].type")"
'

t 'graphql: RATE_LIMITED is retried after the reset, then 75 (transient)' '
	mock_start fetch-body
	gh "path: /gql-limited" "graphql: true" "body: {query: \"{x}\"}"
	config
	expect_exit 75 src read --config config.json >out 2>err
	jq -c "select(.type == \"TRACE\" and .trace.type == \"ERROR\")" out >trace
	expect_grep "rate limited" trace
	expect_eq transient_error "$(jq -r .trace.error.failure_type trace)"
	expect_eq 3 "$(mock_log .n | wc -l | tr -d " ")"
	mock_start fetch-body
	gh "path: /gql-once" "graphql: true" "body: {query: \"{x}\"}" "records: data.viewer"
	config
	src read --config config.json >out 2>err
	expect_eq "{\"login\":\"octocat\"}" "$(records out)"
'

t 'PUT with a body from a file beside the manifest, its strings templates' '
	mock_start fetch-body
	mkdir m
	printf "{\"a\": [1, \"{{ config.owner }}/{{ config.repo }}\"], \"n\": \"{{ config.per_page }}\", \"t\": true}\n" >m/put.json
	gh "path: /put" "method: PUT" "body: put.json"
	mv gh.yaml m/
	config
	integ-source --manifest m/gh.yaml read --config config.json >out 2>err
	expect_eq "{\"updated\":true}" "$(records out)"
	expect_eq PUT "$(mock_log .method)"
	expect_eq "{\"a\":[1,\"o/r\"],\"n\":2,\"t\":true}" "$(mock_log .body)"
	# the file is a manifest part: its mistakes are named by line
	printf "{\"a\": 1,\n \"b\": \"{{ config.nope }}\"}\n" >m/put.json
	expect_exit 78 integ-source --manifest m/gh.yaml spec 2>err
	expect_grep "streams[0].body: expected a field of the spec" err
	printf "[1, 2]\n" >m/put.json
	expect_exit 78 integ-source --manifest m/gh.yaml spec 2>err
	expect_grep "gh.yaml:19: streams[0].body: expected a file of a JSON object, not a list" err
	rm m/put.json
	expect_exit 78 integ-source --manifest m/gh.yaml spec 2>err
	expect_grep "gh.yaml:19: streams[0].body" err
'

t 'a body that holds a secret goes to the API s origin only, and is masked' '
	mock_start fetch-window-any
	OTHER=$MOCK_URL OTHER_LOG=$MOCK_LOG
	MOCK_OTHER=$OTHER
	export MOCK_OTHER
	mock_start fetch-body-redirect
	gh "path: /r307" "body: {t: \"{{ config.token }}\"}"
	config
	src read --config config.json >out 2>err || :
	expect_eq "{\"t\":\"$TOKEN\"}" "$(mock_log ".body" | head -n 1)"
	expect_eq "POST" "$(jq -r .method "$OTHER_LOG")" "the 307 followed"
	expect_eq "" "$(jq -r .body "$OTHER_LOG")"
	expect_no_part "$TOKEN" "$OTHER_LOG" out err
	# an API that echoes the secret body back in an error: masked
	ECHO_SECRET=$TOKEN
	export ECHO_SECRET
	mock_start fetch-body-echo
	gh "path: /echo" "method: PUT" "body: {t: \"{{ config.token }}\"}"
	config
	expect_exit 69 src read --config config.json >out 2>err
	expect_no_part "$TOKEN" out err
'

t 'mistakes in method, body, graphql, body_cursor: 78 with the line and the key' '
	gh "path: /x" "method: DELETE"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:18: streams[0].method: expected one of GET, POST, PUT, not \"DELETE\"" err
	gh "path: /x" "method: GET" "body: {a: 1}"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:18: streams[0].method: expected POST or PUT with a body, not GET" err
	gh "path: /x" "graphql: true"
	expect_exit 78 src spec 2>err
	expect_grep "streams[0].graphql: expected a body (the query) with it" err
	gh "path: /x" "graphql: 1" "body: {a: 1}"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:18: streams[0].graphql: expected true or false, not a number" err
	gh "path: /x" "body: [1]"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:18: streams[0].body: expected a map or a file name, not a list" err
	gh "path: /x" "paging: {type: body_cursor, path: a, body_path: v.after}"
	expect_exit 78 src spec 2>err
	expect_grep "streams[0].paging: body_cursor: expected a body to put the cursor in" err
	gh "path: /x" "body: {a: 1}" "paging: {type: body_cursor, path: a}"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:19: streams[0].paging.body_path: required, missing" err
	gh "path: /x" "body: {a: 1}" "paging: {type: body_cursor, path: a, body_path: \"v[0]\"}"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:19: streams[0].paging.body_path: expected member names joined by dots" err
	gh "path: /x" "body: {a: 1}" "paging: {type: body_cursor, path: a, param: after}"
	expect_exit 78 src spec 2>err
	expect_grep "streams[0].paging.param: expected body_path with type body_cursor, not param" err
	gh "path: /x" "paging: {type: cursor, path: a, param: after, body_path: v}"
	expect_exit 78 src spec 2>err
	expect_grep "streams[0].paging.body_path: only with type body_cursor" err
	gh "path: /x" "body: {q: \"{{ config.nope }}\"}"
	expect_exit 78 src spec 2>err
	expect_grep "gh.yaml:18: streams[0].body: expected a field of the spec" err
'

done_testing
