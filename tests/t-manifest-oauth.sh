#!/bin/sh
# integ-source with auth oauth2 (integ-manifest(5)), what a manifest says
# of its own: the grant, the client's authentication and the scopes
# written in the manifest, and its mistakes. What a manifest shares with a
# C connector (rotation kept in both protocols, expiry, a 401, a refused
# refresh token, the origins) is t-oauth-source.sh's, run against
# tests/data/oauth/manifest.yaml by t-oauth-source-manifest.sh.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

SECRET=mock-client-secret-0123456789
export SECRET

# manifest AUTH-LINES...: oa.yaml, the stream of tt-oauth (items at
# /api/items, Link paging) behind auth oauth2 with those lines
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
	printf '  %s\n' "$@" >>oa.yaml
}

# config: config.json for the mock, no refresh token
config() {
	jq -n --arg u "$MOCK_URL" --arg cs "$SECRET" \
	    '{url: $u, token_url: ($u + "/oauth/token"), client_id: "mock-client",
	      client_secret: $cs}' >config.json
}

src() { integ-source --manifest oa.yaml "$@"; }
# the access token the mock issues as its Nth (tests/mock/oauth.py made())
at() {
	printf 'mock-at-%s-%s' "$1" \
	    "$(printf 'at%s' "$1" | sha256sum | cut -c1-24)"
}

t 'client-credentials grant, the client as HTTP Basic, scopes joined' '
	{ echo "oauth auth=basic scope=read:items+write:items"
	  cat "$TESTS/scenarios/oauth-records.scn"; } >cc.scn
	mock_start "$PWD/cc.scn"
	manifest "token_url: \"{{ config.token_url }}\"" "grant: client_credentials" \
	    "client_auth: basic" "client_id: \"{{ config.client_id }}\"" \
	    "client_secret: \"{{ config.client_secret }}\"" "scopes: [\"read:items\", \"write:items\"]"
	config
	src read --config config.json >out 2>err
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	mock_log "select(.path == \"/oauth/token\") | .body" >body
	expect_eq "grant_type=client_credentials&scope=read%3Aitems%20write%3Aitems" "$(cat body)"
	basic=$(printf "mock-client:%s" "$SECRET" | base64 -w0)
	expect_eq "Basic $basic" \
	    "$(mock_log "select(.path == \"/oauth/token\") | .headers.Authorization")"
	expect_eq 0 "$(jq -c "select(.type == \"CONTROL\")" out | wc -l | tr -d " ")"
	for s in "$SECRET" "$(at 1)"; do expect_no_part "$s" out err; done
'

t 'auth oauth2 mistakes: 78 with the file, the line and the key' '
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
