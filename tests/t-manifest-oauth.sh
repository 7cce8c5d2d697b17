#!/bin/sh
# integ-source with auth oauth2 (integ-manifest(5)): the library's OAuth 2
# (integ_ctx_oauth2) against tests/mock/oauth.py, as t-oauth-source.sh
# checks it for a C connector: a rotated refresh token kept (Airbyte
# CONTROL, Singer config rewritten), expiry mid-sync, a 401 renewing
# once, a refused refresh token, the client-credentials grant, secrets
# kept to the token endpoint's origin and the API's, and the mistakes.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'
need curl || skip_all 'no curl'

CS=mock-client-secret-0123456789 RT=mock-rt-initial-0123456789
export CS RT

# scn 'OAUTH OPTIONS' [FILE]: an authorization server, FILE's reply
# blocks (faults), then the pages of oauth-records.scn
scn() {
	{
		echo "oauth $1"
		[ -z "${2:-}" ] || cat "$2"
		cat "$TESTS/scenarios/oauth-records.scn"
	} >oauth.scn
}

# manifest [AUTH LINES]: oa.yaml, the stream of tt-oauth (items at
# /api/items, Link paging); the auth block's lines default to the
# refresh-token grant with the client in the body
manifest() {
	cat >oa.yaml <<'YAML'
name: oa
version: "1"
spec:
  type: object
  required: [url, token_url, client_id]
  properties:
    url: {type: string}
    token_url: {type: string}
    client_id: {type: string}
    client_secret: {type: string, airbyte_secret: true}
    refresh_token: {type: string, airbyte_secret: true}
base_url: "{{ config.url }}"
streams:
  - name: items
    path: /api/items
    records: items
    primary_key: id
    paging: {type: link}
auth:
  type: oauth2
YAML
	if [ $# -gt 0 ]; then
		printf '  %s\n' "$@" >>oa.yaml
	else
		cat >>oa.yaml <<'YAML'
  token_url: "{{ config.token_url }}"
  client_id: "{{ config.client_id }}"
  client_secret: "{{ config.client_secret }}"
  refresh_token: "{{ config.refresh_token }}"
YAML
	fi
}

# config [REFRESH_TOKEN]: config.json for the mock
config() {
	jq -n --arg u "$MOCK_URL" --arg cs "$CS" --arg rt "${1:-$RT}" \
	    '{url: $u, token_url: ($u + "/oauth/token"), client_id: "mock-client",
	      client_secret: $cs, refresh_token: $rt}' >config.json
}

src() { integ-source --manifest oa.yaml "$@"; }
oauth_stat() { curl -sS "$MOCK_URL/_mock/oauth" | jq -r ".$1"; }
nrec() { jq -c "select(.type == \"RECORD\")" "$1" | wc -l | tr -d " "; }
# the access token the mock issues as its Nth (tests/mock/oauth.py made())
at() {
	printf 'mock-at-%s-%s' "$1" \
	    "$(printf 'at%s' "$1" | sha256sum | cut -c1-24)"
}
tokens() { mock_log 'select(.path == "/oauth/token") | .n' | wc -l | tr -d ' '; }

t 'Airbyte: the token fetched once, a rotated refresh token in a CONTROL message' '
	scn "refresh_token=$RT rotate=1 auth=body"
	mock_start "$PWD/oauth.scn"
	manifest
	config
	cp config.json before.json
	src read --config config.json >out 2>err
	expect_eq 3 "$(nrec out)"
	expect_eq 1 "$(tokens)"
	mock_log "select(.path == \"/oauth/token\") | .body" >body
	expect_grep "grant_type=refresh_token" body
	expect_grep "refresh_token=$RT" body
	expect_grep "client_id=mock-client" body
	expect_grep "client_secret=$CS" body
	jq -c "select(.type == \"CONTROL\")" out >control
	expect_eq 1 "$(wc -l <control | tr -d " ")" "CONTROL messages"
	expect_eq CONNECTOR_CONFIG "$(jq -r .control.type control)"
	new=$(oauth_stat refresh_token)
	expect_eq "$new" "$(jq -r .control.connectorConfig.config.refresh_token control)"
	expect_eq "$(jq -c "del(.refresh_token)" before.json)" \
	    "$(jq -c ".control.connectorConfig.config | del(.refresh_token)" control)"
	expect_same before.json config.json
	grep -v "\"CONTROL\"" out >rest
	for s in "$new" "$CS" "$RT"; do expect_no_part "$s" rest err; done
	if have_conformance; then validate_airbyte out; fi
	# the platform stores the config: the next read works with it
	jq .control.connectorConfig.config control >config.json
	src read --config config.json >out 2>err
	expect_eq 3 "$(nrec out)"
	expect_eq 2 "$(oauth_stat rotations)"
'

t 'Singer: a rotated refresh token rewrites the config file atomically, mode kept' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	manifest
	config
	chmod 0640 config.json
	cp config.json before.json
	src --config config.json >out 2>err
	expect_eq 3 "$(nrec out)"
	new=$(oauth_stat refresh_token)
	expect_eq "$new" "$(jq -r .refresh_token config.json)"
	expect_eq "$(jq -S "del(.refresh_token)" before.json)" \
	    "$(jq -S "del(.refresh_token)" config.json)"
	expect_eq "-rw-r-----" "$(ls -l config.json | cut -c1-10)"
	expect_eq "before.json config.json" "$(ls -A | grep json | tr "\n" " " | sed "s/ $//")"
	for s in "$new" "$CS" "$RT"; do expect_no_part "$s" out err; done
	if have_conformance; then check_singer out; fi
	src --config config.json >out 2>err
	expect_eq 2 "$(oauth_stat rotations)"
	expect_eq "$(oauth_stat refresh_token)" "$(jq -r .refresh_token config.json)"
'

t 'a token about to expire mid-sync is fetched again; no secret in argv' '
	printf "reply\npath /api/items\nquery\ndelay 2\nheader Link: <%%URL/api/items?page=2>; rel=\"next\"\nbody {\"items\":[{\"id\":1},{\"id\":2}]}\n" >slow
	scn "refresh_token=$RT expires_in=2" slow
	mock_start "$PWD/oauth.scn"
	manifest
	config
	src read --config config.json >out 2>err &
	pid=$!
	i=0
	until [ "$(mock_log "select(.path == \"/api/items\") | .n" | wc -l)" -gt 0 ]; do
		i=$((i + 1)); [ "$i" -lt 500 ] || exit 1; sleep 0.01
	done
	tr "\0" " " <"/proc/$pid/cmdline" >argv || :
	wait "$pid"
	for s in "$CS" "$RT"; do expect_no_part "$s" argv; done
	expect_eq 3 "$(nrec out)"
	expect_eq 2 "$(tokens)" "token requests"
	expect_eq 0 "$(oauth_stat refused)" "401s (renewed before, not after)"
'

t 'a 401 mid-read renews once; a second 401 is 77' '
	printf "reply\npath /api/items\narg page=2\nstatus 401\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	manifest
	config
	src read --config config.json >out 2>err
	expect_eq 3 "$(nrec out)"
	expect_eq 2 "$(oauth_stat issued)"
	printf "reply\npath /api/items\narg page=2\nalways\nstatus 401\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	config
	expect_exit 77 src read --config config.json >out 2>err
	expect_eq 2 "$(nrec out)"
	expect_eq 2 "$(oauth_stat issued)"
	jq -c "select(.type == \"TRACE\" and .trace.type == \"ERROR\")" out >trace
	expect_eq config_error "$(jq -r .trace.error.failure_type trace)"
'

t 'a refused refresh token: 77, a message that says so, in both protocols, no secret shown' '
	scn "refresh_token=mock-rt-another-one-0000"
	mock_start "$PWD/oauth.scn"
	manifest
	config
	expect_exit 77 src read --config config.json >out 2>err
	jq -c "select(.type == \"TRACE\" and .trace.type == \"ERROR\")" out >trace
	expect_eq config_error "$(jq -r .trace.error.failure_type trace)"
	expect_grep "refused the refresh token (invalid_grant" trace
	expect_eq 0 "$(jq -c "select(.type == \"RECORD\" or .type == \"STATE\")" out | wc -l | tr -d " ")"
	if have_conformance; then validate_airbyte out; fi
	src check --config config.json >out 2>err
	expect_eq FAILED "$(jq -r "select(.type == \"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	expect_grep "refused the refresh token" out
	expect_exit 77 src --config config.json >out 2>err
	expect_grep "refused the refresh token" err
	for s in "$CS" "$RT"; do expect_no_part "$s" out err; done
'

t 'client-credentials grant, the client as HTTP Basic, scopes joined' '
	scn "auth=basic scope=read:items+write:items"
	mock_start "$PWD/oauth.scn"
	manifest "token_url: \"{{ config.token_url }}\"" "grant: client_credentials" \
	    "client_auth: basic" "client_id: \"{{ config.client_id }}\"" \
	    "client_secret: \"{{ config.client_secret }}\"" "scopes: [\"read:items\", \"write:items\"]"
	config
	src read --config config.json >out 2>err
	expect_eq 3 "$(nrec out)"
	mock_log "select(.path == \"/oauth/token\") | .body" >body
	expect_eq "grant_type=client_credentials&scope=read%3Aitems%20write%3Aitems" "$(cat body)"
	basic=$(printf "mock-client:%s" "$CS" | base64 -w0)
	expect_eq "Basic $basic" \
	    "$(mock_log "select(.path == \"/oauth/token\") | .headers.Authorization")"
	expect_eq 0 "$(jq -c "select(.type == \"CONTROL\")" out | wc -l | tr -d " ")"
	for s in "$CS" "$(at 1)"; do expect_no_part "$s" out err; done
'

t 'secrets go to the token endpoint s origin and the API s, nowhere else' '
	mock_start fetch-other
	OTHER=$MOCK_URL OTHER_LOG=$MOCK_LOG
	export OTHER
	printf "oauth refresh_token=%s protect=/nothing\n" "$RT" >as.scn
	mock_start "$PWD/as.scn"
	AS=$MOCK_URL AS_LOG=$MOCK_LOG
	# the API links its second page to another origin
	printf "reply\npath /api/items\nquery\nalways\nheader Link: <%%ENV{OTHER}/api/items?page=2>; rel=\"next\"\nbody {\"items\":[{\"id\":1}]}\n" >api.scn
	mock_start "$PWD/api.scn"
	manifest
	jq -n --arg u "$MOCK_URL" --arg t "$AS/oauth/token" --arg cs "$CS" --arg rt "$RT" \
	    "{url: \$u, token_url: \$t, client_id: \"mock-client\", client_secret: \$cs, refresh_token: \$rt}" >config.json
	src read --config config.json >out 2>err
	expect_eq 1 "$(nrec out)"
	expect_eq 1 "$(jq -r "select(.path == \"/oauth/token\") | .n" "$AS_LOG" | wc -l | tr -d " ")" "token requests"
	expect_eq 1 "$(jq -r .n "$OTHER_LOG" | wc -l | tr -d " ")" "requests to the other origin"
	expect_eq "Bearer" "$(mock_log "select(.path == \"/api/items\") | .headers.Authorization" | cut -c1-6)"
	expect_no_part "$CS" "$MOCK_LOG"
	expect_no_part "$RT" "$MOCK_LOG"
	expect_eq null "$(jq -r .headers.Authorization "$OTHER_LOG" | sort -u)"
	expect_no_part "$CS" "$OTHER_LOG"
	expect_no_part "$RT" "$OTHER_LOG"
	expect_no_part "$CS" out err
	expect_no_part "$RT" out err
'

t 'auth oauth2 mistakes: 78 with the file, the line and the key' '
	scn "refresh_token=$RT"
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\"" \
	    "refresh_token: \"x{{ config.refresh_token }}\""
	expect_exit 78 src spec 2>err
	expect_grep "oa.yaml:23: auth.refresh_token: expected {{ config.NAME }} alone" err
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\""
	expect_exit 78 src spec 2>err
	expect_grep "oa.yaml:19: auth.refresh_token: required, missing (grant refresh_token)" err
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\"" \
	    "grant: client_credentials" "refresh_token: \"{{ config.refresh_token }}\""
	expect_exit 78 src spec 2>err
	expect_grep "oa.yaml:24: auth.refresh_token: expected none with grant client_credentials" err
	manifest "client_id: \"{{ config.client_id }}\"" "grant: client_credentials"
	expect_exit 78 src spec 2>err
	expect_grep "auth.token_url: required, missing" err
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\"" \
	    "grant: password"
	expect_exit 78 src spec 2>err
	expect_grep "oa.yaml:23: auth.grant: expected one of refresh_token, client_credentials" err
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\"" \
	    "grant: client_credentials" "client_auth: header"
	expect_exit 78 src spec 2>err
	expect_grep "auth.client_auth: expected one of body, basic" err
	manifest "token_url: \"{{ config.token_url }}\"" "client_id: \"{{ config.client_id }}\"" \
	    "grant: client_credentials" "scopes: {a: 1}"
	expect_exit 78 src spec 2>err
	expect_grep "oa.yaml:24: auth.scopes: expected" err
	sed -i "s/type: oauth2/type: bearer/" oa.yaml
	expect_exit 78 src spec 2>err
	expect_grep "auth: token_url: only with type oauth2" err
'

done_testing
