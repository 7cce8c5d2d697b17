#!/bin/sh
# integ-source and its manifests (integ-manifest(5)): mistakes named by
# file, line and key; the JSON Schema and the loader agreeing; YAML and
# JSON alike; auth, templates and secrets; every paging mode; incremental
# orders and formats; parent-child streams and record steps. The shipped
# manifests pass their connectors' acceptance suites
# (t-pokeapi-manifest.sh, t-shopify-manifest.sh).
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # used in the tests' eval'd bodies
SCHEMA=$TOP/connectors/manifest.schema.json
# shellcheck disable=SC2034
BAD=$TESTS/data/manifest
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
have_jsonschema() { "$PY" -c 'import jsonschema, yaml' 2>/dev/null; }

# api [stream lines...]: a manifest api.yaml of one stream, "items" at
# /items, with the lines given appended to the stream (indented 4).
api() {
	cat >api.yaml <<'YAML'
name: api
version: 1.2.3
documentation_url: https://example.invalid/docs
spec:
  type: object
  required: [url]
  properties:
    url: {type: string, format: uri}
    token: {type: string, airbyte_secret: true}
    user: {type: string}
    start_date: {type: string, format: date-time}
    page_size: {type: integer, default: 2}
base_url: "{{ config.url }}"
YAML
	cat >>api.yaml
}

config() { # [extra json members]
	printf '{"url":"%s","token":"tok-secret-0123456789"%s}\n' "$MOCK_URL" "${1:-}" >config.json
}

bookmarks() { # FILE: the bookmark t of each Airbyte STATE in FILE
	jq -r "select(.type==\"STATE\") | .state.stream.stream_state.t // empty" "$1"
}

records() { # FILE [STREAM]: the Airbyte records' data, compact
	jq -c "select(.type==\"RECORD\"${2:+ and .record.stream==\"$2\"}) | .record.data" "$1"
}

# incremental: catalog.json, every stream of the discovered cat.json read
# incrementally on t
incremental() {
	jq -c '{streams:[.catalog.streams[] | {stream:., sync_mode:"incremental", cursor_field:["t"], destination_sync_mode:"append"}]}' cat.json >catalog.json
}

# news [LINE]: api.yaml of one stream at /n, newest first, incremental on
# t in epoch seconds from config.start_date, with LINE added to it;
# discovered and made incremental (catalog.json)
news() {
	api <<YAML
streams:
  - name: news
    path: /n
    records: items
    paging: {type: next, path: next}
${1:+    $1
}    incremental:
      cursor_field: t
      param: since
      format: epoch
      start: "{{ config.start_date }}"
      order: descending
YAML
	integ-source --manifest api.yaml discover --config config.json >cat.json
	incremental
}

t 'a manifest mistake is 78 with the file, the line, the key and what was expected' '
	api <<YAML
streams:
  - name: items
    path: /items
    paging:
      type: next
      pth: next
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:19: streams[0].paging.pth: unknown key" err
	api <<YAML
streams:
  - name: items
    path: /items
    paging: {type: pages}
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:17: streams[0].paging.type: expected one of none, next, link, cursor, offset, page" err
	api <<YAML
streams:
  - name: items
    path: "/items/{{ config.nope }}"
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:16: streams[0].path: expected a field of the spec" err
	api <<YAML
streams:
  - name: items
    path: "/items/{{ parent.id }}"
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "in a stream without a parent" err
	api <<YAML
streams:
  - name: items
    path: 5
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:16: streams[0].path: expected a string, not a number" err
	api <<YAML
streams: []
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "streams: expected at least one stream" err
	printf "name: x\nspec: {type: object\n" >broken.yaml
	expect_exit 78 integ-source --manifest broken.yaml spec 2>err
	expect_grep "broken.yaml:" err
	expect_exit 66 integ-source --manifest nope.yaml spec 2>err
'

t 'a JSON manifest: the same tree, lines kept, the same mistakes' '
	cat >api.json <<JSON
{
	"name": "api",
	"spec": {"type": "object", "properties": {"url": {"type": "string"}}},
	"base_url": "{{ config.url }}",
	"streams": [
		{"name": "items", "path": "/items", "primary_key": "id", "records": "data"},
		{"name": "other", "path": "/x", "colour": "blue"}
	]
}
JSON
	expect_exit 78 integ-source --manifest api.json spec 2>err
	expect_grep "api.json:7: streams[1].colour: unknown key" err
	sed -i "s/, \"colour\": \"blue\"//" api.json
	integ-source --manifest api.json spec >out
	expect_eq "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\"}}}" "$(jq -c ".spec.connectionSpecification | del(.properties.log_level)" out)"
'

t 'the pokeapi manifest in JSON answers exactly as in YAML' '
	need "$PY" && have_jsonschema || { echo "no python3 yaml"; exit 0; }
	mkdir p && cp -r "$TOP/connectors/pokeapi/schemas" p/
	"$PY" -c "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], \"w\"), indent=1)" \
	    "$TOP/connectors/pokeapi/manifest.yaml" p/manifest.json
	echo "{\"url\":\"http://127.0.0.1:9/api\"}" >config.json
	integ-source --manifest "$TOP/connectors/pokeapi/manifest.yaml" spec >a
	integ-source --manifest p/manifest.json spec >b
	expect_same a b
	integ-source --manifest "$TOP/connectors/pokeapi/manifest.yaml" discover --config config.json >a
	INTEG_MANIFEST=p/manifest.json integ-source discover --config config.json >b
	expect_same a b
'

t 'the schema accepts the shipped manifests and rejects what the loader rejects' '
	have_jsonschema || { echo "# no python3 jsonschema: schema half skipped"; }
	for f in "$TOP"/connectors/*/manifest.yaml; do
		integ-source --manifest "$f" spec >/dev/null
		if have_jsonschema; then
			"$PY" "$TESTS/manifest-check.py" "$SCHEMA" "$f" || { echo "schema rejects $f"; exit 1; }
		fi
	done
	n=0
	for f in "$BAD"/bad-*.yaml; do
		n=$((n + 1))
		set +e; integ-source --manifest "$f" spec >/dev/null 2>err; rc=$?; set -e
		[ "$rc" -eq 78 ] || { echo "loader: $f: exit $rc"; cat err; exit 1; }
		if have_jsonschema && "$PY" "$TESTS/manifest-check.py" "$SCHEMA" "$f" 2>/dev/null; then
			case $f in *-loader-*) ;; *) echo "schema accepts $f"; exit 1 ;; esac
		fi
	done
	[ "$n" -ge 20 ] || { echo "only $n bad manifests"; exit 1; }
'

t 'spec and config as for C connectors: secret marked, config checked before requests' '
	mock_start --dataset pokeapi
	api <<YAML
streams:
  - name: items
    path: /items
YAML
	integ-source --manifest api.yaml spec >out
	expect_eq true "$(jq .spec.connectionSpecification.properties.token.airbyte_secret out)"
	expect_eq https://example.invalid/docs "$(jq -r .spec.documentationUrl out)"
	echo "{\"token\":\"x\"}" >config.json
	integ-source --manifest api.yaml check --config config.json >out
	expect_eq FAILED "$(jq -r .connectionStatus.status out)"
	expect_grep "url" out
	expect_eq 0 "$(wc -l <mock.log | tr -d " ")"
	integ-source --manifest api.yaml --version >out
	expect_grep "source-api 1.2.3" out
'

t 'auth: bearer from config, api key from env in a header and the query, basic; all masked' '
	cat >s.scn <<SCN
reply
path /items
status 500
body {"echo":"tok-secret-0123456789 env-secret-9876543210 Zm9vOnBhc3N3b3JkLXNlY3JldA=="}
always
SCN
	mock_start s.scn
	config ",\"user\":\"foo\""
	api <<YAML
auth: {type: bearer, token: "{{ config.token }}"}
http: {retries: 0}
headers:
  X-Env: "{{ env.MY_KEY }}"
params:
  key: "{{ env.MY_KEY }}"
streams:
  - name: items
    path: /items
YAML
	export MY_KEY=env-secret-9876543210
	expect_exit 75 integ-source --manifest api.yaml read --config config.json >out 2>err
	expect_eq "Bearer tok-secret-0123456789" "$(mock_log ".headers.Authorization")"
	expect_eq "env-secret-9876543210" "$(mock_log ".headers[\"X-Env\"]")"
	expect_grep "key=env-secret-9876543210" mock.log
	expect_no_part tok-secret-0123456789 out err
	expect_no_part env-secret-9876543210 out err
	unset MY_KEY
	expect_exit 78 integ-source --manifest api.yaml read --config config.json >out 2>err
	expect_grep "env.MY_KEY: environment variable not set" out
	api <<YAML
auth: {type: basic, username: "{{ config.user }}", password: "{{ env.MY_PW }}"}
http: {retries: 0}
streams:
  - name: items
    path: /items
YAML
	MY_PW=password-secret expect_exit 75 integ-source --manifest api.yaml read --config config.json >out 2>err
	expect_eq "Basic Zm9vOnBhc3N3b3JkLXNlY3JldA==" "$(mock_log ".headers.Authorization" | tail -n 1)"
	expect_no_grep "Zm9vOnBhc3N3b3JkLXNlY3JldA==" out
	api <<YAML
auth: {type: api_key, param: api_key, value: "{{ config.token }}", refused: "token: refused"}
streams:
  - name: items
    path: /items
YAML
	cat >s2.scn <<SCN
reply
status 401
body no
SCN
	mock_start s2.scn
	config
	expect_exit 77 integ-source --manifest api.yaml read --config config.json >out 2>err
	expect_grep "api_key=tok-secret-0123456789" mock-2.log
	expect_grep "token: refused" out
'

t 'the token goes only to the base URL s origin, not to a next link elsewhere' '
	mock_start --dataset pokeapi
	other=$MOCK_URL
	cat >s.scn <<SCN
reply
path /items
header Content-Type: application/json
body {"data":[{"id":1}],"next":"$other/api/v2/berry?limit=1"}
SCN
	mock_start s.scn
	config
	api <<YAML
auth: {type: bearer, token: "{{ config.token }}"}
streams:
  - name: items
    path: /items
    records: data
    paging: {type: next, path: next}
    max_pages: 2
YAML
	integ-source --manifest api.yaml read --config config.json >out
	expect_eq "Bearer tok-secret-0123456789" "$(jq -r ".headers.Authorization" mock-2.log)"
	expect_eq null "$(jq -r ".headers.Authorization" mock.log)"
'

t 'paging: cursor with has_more, offset with limit, page with total, max_pages' '
	cat >s.scn <<SCN
reply
path /c
query limit=2
body {"data":[{"id":"a"},{"id":"b"}],"has_more":true}
reply
path /c
arg starting_after=b
body {"data":[{"id":"c"}],"has_more":false}
reply
path /o
arg offset=0
body {"rows":[{"id":1},{"id":2}]}
reply
path /o
arg offset=2
body {"rows":[{"id":3}]}
reply
path /p
arg page=1
body {"total":5,"items":[{"id":1},{"id":2}]}
reply
path /p
arg page=2
body {"total":5,"items":[{"id":3},{"id":4}]}
reply
path /p
arg page=3
body {"total":5,"items":[{"id":5}]}
reply
path /m
query
body {"items":[{"id":1}],"next":"%URL/m?p=2"}
reply
arg p=2
body {"items":[{"id":2}],"next":"%URL/m?p=3"}
reply
arg p=3
body {"items":[{"id":3}],"next":"%URL/m?p=4"}
reply
arg p=4
body {"items":[{"id":4}]}
SCN
	mock_start s.scn
	config
	api <<YAML
streams:
  - name: cursor
    path: /c
    params: {limit: 2}
    records: data
    paging: {type: cursor, param: starting_after, path: "data[-1].id", has_more: has_more}
  - name: offset
    path: /o
    records: rows
    paging: {type: offset, param: offset, limit_param: limit, limit: "{{ config.page_size }}"}
  - name: page
    path: /p
    records: items
    paging: {type: page, param: page, limit_param: per_page, limit: 2, total: total}
  - name: capped
    path: /m
    records: items
    paging: {type: next, path: next}
    max_pages: 3
YAML
	integ-source --manifest api.yaml read --config config.json >out
	expect_eq "\"a\" \"b\" \"c\"" "$(echo $(records out cursor | jq .id))"
	expect_eq "1 2 3" "$(echo $(records out offset | jq .id))"
	expect_eq "1 2 3 4 5" "$(echo $(records out page | jq .id))"
	expect_eq 3 "$(records out capped | wc -l | tr -d " ")"
	expect_eq 0 "$(grep -c "p=4" mock.log || :)" "requests past max_pages"
'

t 'incremental ascending: the start or bookmark as a date, STATE per page, resumed' '
	cat >s.scn <<SCN
reply
path /e
arg since=2024-01-02
body {"items":[{"id":1,"t":"2024-01-02T00:00:00Z"}],"next":"%URL/e?p=2"}
reply
path /e
arg p=2
body {"items":[{"id":2,"t":"2024-01-05T10:00:00Z"}]}
reply
path /e
arg since=2024-01-05
body {"items":[{"id":2,"t":"2024-01-05T10:00:00Z"},{"id":3,"t":"2024-01-06T00:00:00Z"}]}
SCN
	mock_start s.scn
	config ",\"start_date\":\"2024-01-02T03:00:00Z\""
	api <<YAML
streams:
  - name: events
    path: /e
    records: items
    primary_key: id
    paging: {type: next, path: next}
    incremental:
      cursor_field: t
      param: since
      format: date
      start: "{{ config.start_date }}"
YAML
	integ-source --manifest api.yaml discover --config config.json >cat.json
	expect_eq "[\"t\"]" "$(jq -c ".catalog.streams[0].default_cursor_field" cat.json)"
	incremental
	integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_eq "RECORD STATE RECORD STATE STATE" "$(echo $(jq -r "select(.type==\"RECORD\" or .type==\"STATE\") | .type" out))"
	jq -c "select(.type==\"STATE\") | .state" out | tail -n 1 | jq -s -c . >state.json
	integ-source --manifest api.yaml read --config config.json --catalog catalog.json --state state.json >out2
	expect_eq "2 3" "$(echo $(records out2 | jq .id))"
	expect_eq "2024-01-06T00:00:00Z" "$(bookmarks out2 | tail -n 1)"
'

t 'incremental newest first: no STATE mid-stream, none after a failure, the newest at the end' '
	cat >s.scn <<SCN
reply
path /n
arg since=1704153600
body {"items":[{"id":3,"t":"2024-01-06T00:00:00Z"}],"next":"%URL/n?p=2"}
times 2
reply
path /n
arg p=2
body {"items":[{"id":2,"t":"2024-01-05T00:00:00Z"}],"next":"%URL/n?p=3"}
times 2
reply
path /n
arg p=3
body {"items":[{"id":1,"t":"2024-01-04T00:00:00Z"}]}
reply
path /n
arg p=3
status 404
body gone
SCN
	mock_start s.scn
	config ",\"start_date\":\"2024-01-02T00:00:00Z\""
	news
	integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_eq "RECORD RECORD RECORD STATE" "$(echo $(jq -r "select(.type==\"RECORD\" or .type==\"STATE\") | .type" out))"
	expect_eq "2024-01-06T00:00:00Z" "$(bookmarks out)"
	expect_exit 69 integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE after a failure"
	expect_eq 2 "$(records out | wc -l | tr -d " ")"
'

t 'incremental newest first cut at max_pages: the bookmark stays, and it says so' '
	cat >s.scn <<SCN
reply
path /n
arg since=1704153600
always
body {"items":[{"id":3,"t":"2024-01-06T00:00:00Z"}],"next":"%URL/n?p=2"}
reply
path /n
arg p=2
always
body {"items":[{"id":2,"t":"2024-01-05T00:00:00Z"}],"next":"%URL/n?p=3"}
reply
path /n
arg p=3
always
body {"items":[{"id":1,"t":"2024-01-04T00:00:00Z"}]}
SCN
	mock_start s.scn
	config ",\"start_date\":\"2024-01-02T00:00:00Z\""
	for m in 2 3; do
		news "max_pages: $m"
		integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out$m 2>err$m
	done
	expect_eq 2 "$(records out2 | wc -l | tr -d " ")"
	expect_eq "" "$(bookmarks out2)"
	expect_grep "cut at max_pages" out2
	expect_eq "2024-01-06T00:00:00Z" "$(bookmarks out3)"
	expect_no_grep "max_pages" out3
'

t 'a child whose parents were cut at max_pages: its bookmark stays, and it says so' '
	cat >s.scn <<SCN
reply
path /p
arg page=2
always
body {"items":[{"n":2}]}
reply
path /p
always
body {"items":[{"n":1}],"next":"%URL/p?page=2"}
reply
path /p/1/c
always
body [{"id":1,"t":"2024-01-03T00:00:00Z"}]
reply
path /p/2/c
always
body [{"id":2,"t":"2024-01-06T00:00:00Z"}]
SCN
	mock_start s.scn
	config
	for m in 1 2; do
		api <<YAML
streams:
  - name: parents
    path: /p
    records: items
    paging: {type: next, path: next}
    max_pages: $m
  - name: children
    parent: parents
    path: "/p/{{ parent.n }}/c"
    incremental: {cursor_field: t, order: unsorted}
YAML
		integ-source --manifest api.yaml discover --config config.json >cat.json
		jq -c "{streams:[.catalog.streams[] | select(.name==\"children\") | {stream:., sync_mode:\"incremental\", cursor_field:[\"t\"], destination_sync_mode:\"append\"}]}" cat.json >catalog.json
		integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out$m
	done
	expect_eq "{\"id\":1,\"t\":\"2024-01-03T00:00:00Z\"}" "$(records out1 children)"
	expect_eq "" "$(bookmarks out1)"
	expect_grep "children: the parents cut at max_pages (the API has more pages): the bookmark will not move" out1
	expect_eq 2 "$(records out2 children | wc -l | tr -d " ")"
	expect_eq "2024-01-06T00:00:00Z" "$(bookmarks out2)"
	expect_no_grep "max_pages" out2
'

t 'parent-child: fanned out in parent order, parent fields carried exactly, fields removed' '
	cat >s.scn <<SCN
reply
path /repos
body [{"number":5234567890123456789,"name":"a b"},{"number":2,"name":"c"},{"name":"no number"}]
reply
path /repos/5234567890123456789/comments
delay 0.1
body [{"id":1,"body":"x","secret":1},{"id":2,"body":"y","secret":2}]
reply
path /repos/2/comments
body [{"id":3,"body":"z","secret":3}]
SCN
	mock_start s.scn
	config
	api <<YAML
streams:
  - name: repos
    path: /repos
  - name: comments
    parent: repos
    path: "/repos/{{ parent.number }}/comments"
    concurrency: 2
    add_fields:
      repo: "{{ parent.number }}"
      repo_name: "{{ parent.name }}"
      label: "repo {{ parent.name }}"
      source: manifest
      version: 2
    remove_fields: [secret]
YAML
	printf "%s\n" "{\"streams\":[{\"stream\":{\"name\":\"comments\",\"json_schema\":{},\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":\"full_refresh\",\"destination_sync_mode\":\"overwrite\"}]}" >catalog.json
	integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	jq -c "select(.type==\"RECORD\") | .record.data" out | head -n 1 >first
	grep -qF "{\"id\":1,\"body\":\"x\",\"repo\":5234567890123456789,\"repo_name\":\"a b\",\"label\":\"repo a b\",\"source\":\"manifest\",\"version\":2}" out
	expect_eq "1 2 3" "$(echo $(records out | jq .id))"
	expect_no_grep "\"secret\"" out
	expect_eq 2 "$(jq -r "select(.path | test(\"comments\")) | .client_port" mock.log | sort -u | wc -l | tr -d " ")" "connections"
'

t 'a | path value keeps its slashes, each segment encoded; . and .. refused' '
	cat >s.scn <<SCN
reply
path /repos/a%20b/c/issues
always
body [{"n":"x y"},{"n":".."}]
reply
path /repos/a%20b/c/issues/x%20y/comments
always
body [{"id":1}]
SCN
	mock_start s.scn
	config ",\"user\":\"a b/c\""
	api <<YAML
streams:
  - name: issues
    path: "/repos/{{ config.user | path }}/issues"
  - name: comments
    parent: issues
    path: "/repos/{{ config.user|path }}/issues/{{ parent.n }}/comments"
  - name: bad
    parent: issues
    path: "/repos/{{ config.user | path }}/issues/{{ parent.n | path }}/comments"
YAML
	cat >catalog.json <<JSON
{"streams":[{"stream":{"name":"issues","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"},
 {"stream":{"name":"comments","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}
JSON
	# a record whose field is .. makes no request of another path: the
	# stream fails before its first, with | path or without
	expect_exit 65 integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_eq "{\"n\":\"x y\"} {\"n\":\"..\"}" "$(echo $(records out))"
	expect_grep "parent.n: an empty, . or .. segment" out
	expect_eq "/repos/a%20b/c/issues /repos/a%20b/c/issues" "$(echo $(mock_log .path))"
	sed "s/\"comments\",\"json_schema\"/\"bad\",\"json_schema\"/" catalog.json >bad.json
	expect_exit 65 integ-source --manifest api.yaml read --config config.json --catalog bad.json >out
	expect_grep "parent.n | path: an empty, . or .. segment" out
	expect_no_grep "comments" mock.log
	# a config value: 78 before any request
	config ",\"user\":\"a/../admin\""
	expect_exit 78 integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_grep "config.user | path: an empty, . or .. segment" out
	expect_eq 4 "$(wc -l <mock.log | tr -d " ")" "requests made"
	# the slash kept, the space encoded, in the path and the parent s too
	sed "s/{\"n\":\"..\"}/{\"n\":\"x y\"}/" s.scn >good.scn
	mock_start good.scn
	config ",\"user\":\"a b/c\""
	integ-source --manifest api.yaml read --config config.json --catalog catalog.json >out
	expect_eq "{\"n\":\"x y\"} {\"n\":\"x y\"} {\"id\":1} {\"id\":1}" "$(echo $(records out))"
	expect_eq "/repos/a%20b/c/issues/x%20y/comments" "$(mock_log .path | sort -u | tail -n 1)"
	# only in a path, and no other filter
	api <<YAML
params: {u: "{{ config.user | path }}"}
streams: [{name: s, path: /s}]
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:14: params.u: | path in a stream" err
	api <<YAML
defaults: {path: "/d/{{ config.user | path }}"}
streams: [{name: s, add_fields: {path: "{{ config.user | path }}"}}]
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:15: streams[0].add_fields.path: | path in a stream" err
	api <<YAML
streams: [{name: s, path: "/s/{{ config.user | upper }}"}]
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "streams[0].path: expected the filter | path, not | upper" err
'

t 'an epoch bookmark and an instant start: the later one, compared as seconds' '
	cat >s.scn <<SCN
reply
path /c
always
body {"data":[{"id":"b","created":1730462484}]}
SCN
	mock_start s.scn
	config ",\"start_date\":\"2024-11-01T20:00:00Z\""
	api <<YAML
streams:
  - name: c
    path: /c
    records: data
    incremental: {cursor_field: created, param: "created[gte]", format: epoch,
                  start: "{{ config.start_date }}", order: descending}
YAML
	for b in 1730462484 1730491200 1730500000 "\"1730500000\""; do
		printf "{\"bookmarks\":{\"c\":{\"replication_key\":\"created\",\"replication_key_value\":%s}}}\n" "$b" >state.json
		integ-source --manifest api.yaml --config config.json --state state.json >/dev/null
	done
	# 1730491200 is the start, 2024-11-01T20:00:00Z
	expect_eq "1730491200 1730491200 1730500000 1730500000" \
	    "$(echo $(mock_log ".args[\"created[gte]\"][0]"))"
'

down_scn() { # s.scn: 503 "down" to every request
	printf "exhausted repeat-last\nreply\nstatus 503\nbody down\n" >s.scn
}

t 'http: retries and timeout from the manifest' '
	down_scn
	mock_start s.scn
	config
	api <<YAML
http: {retries: 1, timeout: 5, rate: 100/s}
streams:
  - name: items
    path: /items
YAML
	expect_exit 75 integ-source --manifest api.yaml read --config config.json >out
	expect_eq 2 "$(wc -l <mock.log | tr -d " ")" "requests"
	expect_grep "after 1 retry" out
'

t 'a stream s own http: retries 0 fails at the first 500, the default survives two' '
	cat >s.scn <<SCN
reply
path /strict
status 500
body strict down
reply
path /loose
status 500
body loose down
times 2
reply
path /loose
body [{"id":1}]
reply
path /third
status 500
body third down
reply
path /third
body [{"id":3}]
SCN
	mock_start s.scn
	config
	api <<YAML
http: {retries: 3}
defaults:
  http: {retries: 1}
streams:
  - name: strict
    path: /strict
    http: {retries: 0}
  - name: loose
    path: /loose
    http: {}
  - name: third
    path: /third
YAML
	expect_exit 75 integ-source --manifest api.yaml read --config config.json >out
	expect_eq 1 "$(mock_log .path | grep -c "^/strict$")" "strict: one request, no retry"
	expect_grep "strict down (gave up after 0 retries)" out
	expect_eq 3 "$(mock_log .path | grep -c "^/loose$")" "loose: two 500s, then 200"
	expect_eq "{\"id\":1}" "$(records out loose)"
	# a stream without http: takes the defaults (1 retry), not the source
	expect_eq "{\"id\":3}" "$(records out third)"
	expect_eq 2 "$(mock_log .path | grep -c "^/third$")"
'

# three linked pages at /NAME: [{"id":1}], [{"id":2}], [{"id":3}]
three_pages() {
	for p in "$@"; do
		cat <<SCN
reply
path /$p
arg p=3
body [{"id":3}]
reply
path /$p
arg p=2
header Link: <%URL/$p?p=3>; rel="next"
body [{"id":2}]
reply
path /$p
header Link: <%URL/$p?p=2>; rel="next"
body [{"id":1}]
SCN
	done
}

# the shortest time between two requests for a path in the mock log
min_gap() {
	jq -s "[.[] | select(.path == \"$1\") | .time] | [.[1] - .[0], .[2] - .[1]] | min" mock.log
}

t 'a stream s own http: rate spaces its requests within the source s budget' '
	three_pages a b >s.scn
	mock_start s.scn
	config
	api <<YAML
http: {rate: 20/s}
streams:
  - name: fast
    path: /a
    paging: {type: link}
  - name: slow
    path: /b
    paging: {type: link}
    http: {rate: 240/m}
YAML
	INTEG_TEST_TIMESCALE=1 integ-source --manifest api.yaml read --config config.json >out
	expect_eq "1 2 3" "$(echo $(records out slow | jq .id))"
	# generous bounds: the source s 20/s is 0.05 s apart, the stream s 4/s 0.25 s
	gap=$(min_gap /b)
	expect_eq 1 "$(echo "$gap >= 0.2" | bc -l)" "slow: 4/s apart ($gap s)"
	gap=$(min_gap /a)
	expect_eq 1 "$(echo "$gap >= 0.04" | bc -l)" "fast: the source s 20/s still holds ($gap s)"
'

t 'a stream s http: mistakes are 78 with the line; its rate no more than the source s' '
	api <<YAML
http: {rate: 2/s}
streams:
  - name: items
    path: /items
    http: {rate: 3/s}
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:18: streams[0].http.rate: expected at most the source" err
	api <<YAML
streams:
  - name: items
    path: /items
    http:
      retries: many
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:18: streams[0].http.retries: expected" err
	api <<YAML
defaults:
  http: {rate: fast}
streams:
  - name: items
    path: /items
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:15: defaults.http.rate: expected N/s or N/m" err
	api <<YAML
streams:
  - name: items
    path: /items
    http: {call_limit: {header: X}}
YAML
	expect_exit 78 integ-source --manifest api.yaml spec 2>err
	expect_grep "api.yaml:17: streams[0].http.call_limit: unknown key" err
'

# two streams of two pages; the second page of drift does not fit its first
infer_scn() {
	cat >s.scn <<SCN
reply
path /items
arg p=2
always
body [{"id":3,"name":"c","at":"2024-01-03T00:00:00Z"}]
reply
path /items
always
header Link: <%URL/items?p=2>; rel="next"
body [{"id":1,"name":"a","at":"2024-01-01T00:00:00Z"},{"id":2,"name":"b","at":"2024-01-02T00:00:00Z"}]
reply
path /drift
arg p=2
always
body [{"id":2,"v":7,"extra":{"k":true}}]
reply
path /drift
always
header Link: <%URL/drift?p=2>; rel="next"
body [{"id":1,"v":"x"}]
SCN
	api <<YAML
streams:
  - name: items
    path: /items
    primary_key: id
    paging: {type: link}
    schema: infer
  - name: drift
    path: /drift
    paging: {type: link}
    schema: infer
YAML
}

t 'schema infer: discover samples the first page for the fields and types served' '
	infer_scn
	mock_start s.scn
	config
	integ-source --manifest api.yaml discover --config config.json >out
	expect_eq 2 "$(wc -l <mock.log | tr -d " ")" "one page a stream"
	expect_eq 0 "$(mock_log .query | grep -c "p=2" || :)" "no second page"
	jq -c "select(.type==\"CATALOG\") | .catalog.streams[] | select(.name==\"items\") | .json_schema" out >got
	expect_eq "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"at\":{\"type\":\"string\",\"format\":\"date-time\"}}}" "$(cat got)"
	expect_eq "[[\"id\"]]" "$(jq -c "select(.type==\"CATALOG\") | .catalog.streams[0].source_defined_primary_key" out)"
	expect_eq "{\"id\":{\"type\":\"integer\"},\"v\":{\"type\":\"string\"}}" "$(jq -c "select(.type==\"CATALOG\") | .catalog.streams[1].json_schema.properties" out)"
	expect_grep "items: schema inferred from its first page, 2 records" out
	expect_eq 0 "$(grep -c "max_pages" out || :)" "no warning about the pages left"
	integ-source --manifest api.yaml --config config.json --discover >cat.json
	expect_eq "$(cat got)" "$(jq -c ".streams[0].schema" cat.json)"
	have_conformance && jq -c "select(.type==\"CATALOG\") | .catalog" out >c.json &&
	    validate_airbyte --document --definition AirbyteCatalog c.json
	:
'

t 'schema infer: read keeps every record; Singer widens past the sample, Airbyte fits its catalog' '
	infer_scn
	mock_start s.scn
	config
	integ-source --manifest api.yaml --config config.json --discover >cat.json
	integ-source --manifest api.yaml --config config.json --catalog cat.json >out
	/usr/bin/python3 "$TESTS/helpers/singer-rules.py" --closed out
	have_conformance && check_singer --strict out
	expect_eq 5 "$(jq -c "select(.type==\"RECORD\")" out | wc -l | tr -d " ")"
	# the sample saw v a string; the read declares what the records hold
	expect_eq "[\"integer\",\"string\"]" "$(jq -c "select(.type==\"SCHEMA\" and .stream==\"drift\") | .schema.properties.v.type" out | tail -n 1)"
	expect_eq "{\"id\":2,\"v\":7,\"extra\":{\"k\":true}}" "$(jq -c "select(.type==\"RECORD\" and .stream==\"drift\") | .record" out | tail -n 1)"
	integ-source --manifest api.yaml discover --config config.json >d
	jq -c "select(.type==\"CATALOG\") | {streams: [.catalog.streams[] | select(.name==\"items\") | {stream: ., sync_mode: \"full_refresh\", destination_sync_mode: \"overwrite\"}]}" d >configured.json
	integ-source --manifest api.yaml read --config config.json --catalog configured.json >ab
	expect_eq "1 2 3" "$(echo $(records ab items | jq .id))"
	expect_eq 0 "$(records ab drift | wc -l | tr -d " ")"
	have_conformance && validate_airbyte --strict --catalog configured.json ab
	# not cut down to the catalog s columns: what the sample missed arrives
	jq -c "select(.type==\"CATALOG\") | {streams: [.catalog.streams[] | {stream: ., sync_mode: \"full_refresh\", destination_sync_mode: \"overwrite\"}]}" d >all.json
	integ-source --manifest api.yaml read --config config.json --catalog all.json >ab
	expect_eq "{\"id\":2,\"v\":7,\"extra\":{\"k\":true}}" "$(records ab drift | tail -n 1)"
	:
'

t 'schema infer: a child samples its first parent s first child page, no more' '
	cat >s.scn <<SCN
reply
path /p
always
header Link: <%URL/p?n=2>; rel="next"
body [{"id":1},{"id":2}]
reply
path /p/*
always
body {"pid":"x","big":12345678901234567890,"tags":["a"]}
SCN
	mock_start s.scn
	config
	api <<YAML
streams:
  - name: parents
    path: /p
    paging: {type: link}
  - name: kids
    parent: parents
    path: "/p/{{ parent.id }}"
    schema: infer
    add_fields: {parent_id: "{{ parent.id }}"}
YAML
	integ-source --manifest api.yaml discover --config config.json >out
	expect_eq "/p /p/1" "$(echo $(mock_log .path))"
	expect_eq "{\"pid\":{\"type\":\"string\"},\"big\":{\"type\":\"integer\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},\"parent_id\":{\"type\":\"integer\"}}" \
	    "$(jq -c "select(.type==\"CATALOG\") | .catalog.streams[1].json_schema.properties" out)"
	expect_eq "{\"type\":\"object\"}" "$(jq -c "select(.type==\"CATALOG\") | .catalog.streams[0].json_schema" out)"
'

t 'schema infer: a sample the API refuses fails discover, naming the stream' '
	down_scn
	mock_start s.scn
	config
	api <<YAML
http: {retries: 1}
auth: {type: api_key, param: key, value: "{{ config.token }}"}
streams:
  - name: items
    path: /items
    schema: infer
YAML
	expect_exit 75 integ-source --manifest api.yaml discover --config config.json >out
	expect_grep "items: sampling its schema" out
	expect_no_grep "tok-secret" out
	expect_eq 0 "$(grep -c "\"CATALOG\"" out || :)" "no catalog"
	expect_exit 75 integ-source --manifest api.yaml --config config.json --discover >out 2>err
	expect_grep "items: sampling its schema" err
	expect_eq 0 "$(wc -c <out | tr -d " ")"
	expect_no_grep "tok-secret" err
	expect_grep "key=tok-secret" mock.log
	# spec needs no request
	integ-source --manifest api.yaml spec >/dev/null
	expect_eq 4 "$(wc -l <mock.log | tr -d " ")"
	# a sample that is not JSON: no catalog on a lie
	mock_stop
	printf "reply\nalways\nbody [{\"id\":1},\n" >lie.scn
	mock_start lie.scn
	config
	set +e; integ-source --manifest api.yaml discover --config config.json >out; rc=$?; set -e
	[ "$rc" -ne 0 ] || { echo "discover passed a broken page"; exit 1; }
	expect_eq 0 "$(grep -c "\"CATALOG\"" out || :)" "no catalog"
'

t 'hostile: SIGTERM during a stream s rate wait ends the run at once, 143' '
	three_pages s >s.scn
	mock_start s.scn
	config
	api <<YAML
streams:
  - name: slow
    path: /s
    paging: {type: link}
    http: {rate: 1/m}
YAML
	INTEG_TEST_TIMESCALE=1 integ-source --manifest api.yaml read --config config.json >out 2>err &
	pid=$!
	n=0
	while [ "$(wc -l <mock.log 2>/dev/null | tr -d " ")" != 1 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	sleep 0.3
	t0=$(date +%s)
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	expect_eq 143 "$rc"
	expect_eq 1 "$(echo "$(date +%s) - $t0 <= 5" | bc)" "ended at once"
	expect_eq 1 "$(wc -l <mock.log | tr -d " ")" "no second request"
'

t 'a call-limit header paces requests: the bucket of leak_per_second never overflows' '
	cat >s.scn <<SCN
reply
path /b
header X-Call-Limit: 9/10
header Link: <%URL/b?p=2>; rel="next"
body []
reply
path /b
arg p=2
header X-Call-Limit: 10/10
body []
SCN
	mock_start s.scn
	config
	api <<YAML
http:
  call_limit: {header: X-Call-Limit, leak_per_second: 100}
streams:
  - name: items
    path: /b
    paging: {type: link}
YAML
	INTEG_TEST_TIMESCALE=1 integ-source --manifest api.yaml read --config config.json >out
	expect_eq 2 "$(wc -l <mock.log | tr -d " ")"
	# 9 of 10 used, 1 kept free: the second call waited for one to leak
	gap=$(jq -s ".[1].time - .[0].time" mock.log)
	expect_eq 1 "$(echo "$gap >= 0.005" | bc -l)" "a wait before the second call ($gap s)"
'

t 'usage: no manifest is 64; --help answers; INTEG_MANIFEST stands in for --manifest' '
	expect_exit 64 env -u INTEG_MANIFEST integ-source spec 2>err
	expect_grep "usage:" err
	env -u INTEG_MANIFEST integ-source --help >out
	expect_grep "integ-source [--manifest FILE] spec" out
	INTEG_MANIFEST=$TOP/connectors/shopify/manifest.yaml integ-source spec >out
	expect_eq SPEC "$(jq -r .type out)"
	expect_exit 64 integ-source --manifest "$TOP/connectors/shopify/manifest.yaml" 2>err
'

t 'the integ-source image: Airbyte conventions, the manifest baked in where INTEG_MANIFEST says' '
	df=$TOP/connectors/integ-source.Dockerfile
	entry=$(sed -n "s/^ENTRYPOINT \[\"\([^\"]*\)\"\]$/\1/p" "$df")
	expect_eq /usr/local/bin/integ-source "$entry" ENTRYPOINT
	expect_grep "ENV AIRBYTE_ENTRYPOINT=\"$entry\"" "$df"
	expect_grep "LABEL io.airbyte.name=\$NAME" "$df"
	expect_grep "LABEL io.airbyte.version=\$VERSION" "$df"
	expect_grep "ARG MANIFEST=" "$df"
	expect_grep "sh connectors/bake-manifest.sh \"\$MANIFEST\" /out/etc/integ" "$df"
	expect_grep "COPY --from=build /out/etc/integ /etc/integ" "$df"
	expect_grep "ENV INTEG_MANIFEST=\"/etc/integ/integ-manifest\"" "$df"
	for m in "$TOP"/connectors/*/manifest.yaml; do
		rm -rf etc
		sh "$TOP/connectors/bake-manifest.sh" "$m" etc/integ
		INTEG_MANIFEST=$PWD/etc/integ/integ-manifest integ-source spec >a
		integ-source --manifest "$m" spec >b
		expect_same b a
	done
'

done_testing
