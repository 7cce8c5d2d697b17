#!/bin/sh
# OAuth 2 in a connector (integ_ctx_oauth2, tests/helpers/tt-oauth.c):
# a rotated refresh token kept as an Airbyte CONTROL CONNECTOR_CONFIG
# message, or by rewriting a Singer config file atomically; a refused
# refresh token in both protocols; expiry mid-sync; secrets nowhere but
# in the config and at the token endpoint's origin and the API's.
# t-oauth-source-manifest.sh runs it against a manifest's auth oauth2.
. "$(dirname "$0")/lib.sh"
. "$TESTS/manifest.sh"
as_manifest oauth tt-oauth

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'
need tt-oauth || skip_all 'no tt-oauth (make helpers)'

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

# config [REFRESH_TOKEN]: config.json for the mock
config() {
	jq -n --arg u "$MOCK_URL" --arg cs "$CS" --arg rt "${1:-$RT}" \
	    '{url: $u, token_url: ($u + "/oauth/token"), client_id: "mock-client",
	      client_secret: $cs, refresh_token: $rt, scope: "read"}' >config.json
}

oauth_stat() { curl -sS "$MOCK_URL/_mock/oauth" | jq -r ".$1"; }

t 'Airbyte: a rotated refresh token goes out in a CONTROL message' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	config
	cp config.json before.json
	tt-oauth read --config config.json >out 2>err
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	jq -c "select(.type == \"CONTROL\")" out >control
	expect_eq 1 "$(wc -l <control | tr -d " ")" "CONTROL messages"
	expect_eq CONNECTOR_CONFIG "$(jq -r .control.type control)"
	new=$(oauth_stat refresh_token)
	expect_eq "$new" "$(jq -r .control.connectorConfig.config.refresh_token control)"
	# the rest of the config as it was
	expect_eq "$(jq -c "del(.refresh_token)" before.json)" \
	    "$(jq -c ".control.connectorConfig.config | del(.refresh_token)" control)"
	expect_same before.json config.json
	# the secrets are in that message alone
	grep -v "\"CONTROL\"" out >rest
	for s in "$new" "$CS" "$RT"; do expect_no_part "$s" rest err; done
	if have_conformance; then
		validate_airbyte out
	fi
	# the platform stores the config: the next read works with it
	jq .control.connectorConfig.config control >config.json
	tt-oauth read --config config.json >out 2>err
	expect_eq 2 "$(oauth_stat rotations)"
'

t 'Singer: a rotated refresh token rewrites the config file, mode kept' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	config
	chmod 0640 config.json
	cp config.json before.json
	tt-oauth --config config.json >out 2>err
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	new=$(oauth_stat refresh_token)
	expect_eq "$new" "$(jq -r .refresh_token config.json)"
	expect_eq "$(jq -S "del(.refresh_token)" before.json)" \
	    "$(jq -S "del(.refresh_token)" config.json)"
	expect_eq "-rw-r-----" "$(ls -l config.json | cut -c1-10)"
	expect_eq "before.json config.json" "$(ls -A | grep json | tr "\n" " " | sed "s/ $//")"
	for s in "$new" "$CS" "$RT"; do expect_no_part "$s" out err; done
	if have_conformance; then
		check_singer out
	fi
	tt-oauth --config config.json >out 2>err
	expect_eq 2 "$(oauth_stat rotations)"
	expect_eq "$(oauth_stat refresh_token)" "$(jq -r .refresh_token config.json)"
'

t 'a refresh token kept at a nested config path, the rest of the config as it was' '
	if [ -n "${INTEG_ACCEPT_MANIFEST:-}" ]; then
		echo "a manifest names its refresh token by a top-level config field" >"$_dir/.skip"
		exit 0
	fi
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	# printf, not jq: the bytes of 2.50 and the escapes must survive
	printf "%s\n" "{\"url\": \"$MOCK_URL\", \"token_url\": \"$MOCK_URL/oauth/token\"," \
	    "  \"client_id\": \"mock-client\", \"client_secret\": \"$CS\"," \
	    "  \"credentials\": {\"kind\": \"oauth\", \"refresh_token\": \"$RT\"," \
	    "    \"note\": \"a \\\"quoted\\\" \\u00fc\"}, \"after\": [1, 2.50, {}]}" >config.json
	cp config.json before.json
	TT_OAUTH_PATH=credentials.refresh_token TT_OAUTH_RT=$RT tt-oauth --config config.json >out 2>err
	expect_eq "$(oauth_stat refresh_token)" "$(jq -r .credentials.refresh_token config.json)"
	jq -S "del(.credentials.refresh_token)" before.json >a
	jq -S "del(.credentials.refresh_token)" config.json >b
	expect_same a b
	grep -q "2.50, {}" config.json
	grep -qF "a \\\"quoted\\\" \\u00fc" config.json
	TT_OAUTH_PATH=credentials.refresh_token TT_OAUTH_RT=$(oauth_stat refresh_token) \
	    tt-oauth read --config before.json >out 2>err
	jq -c "select(.type == \"CONTROL\") | .control.connectorConfig.config" out >c
	expect_eq "$(oauth_stat refresh_token)" "$(jq -r .credentials.refresh_token c)"
	TT_OAUTH_PATH=nowhere.at.all TT_OAUTH_RT=$(oauth_stat refresh_token) \
	    expect_exit 78 tt-oauth --config config.json >out 2>err
	expect_grep "nowhere.at.all: no string there to keep the rotated refresh token in" err
'

t 'Singer: SIGKILL after a rotation: the config file already holds the new token' '
	printf "reply\npath /api/items\nquery\ndelay 30\nbody {}\n" >slow
	scn "refresh_token=$RT rotate=1" slow
	mock_start "$PWD/oauth.scn"
	config
	tt-oauth --config config.json >out 2>err &
	pid=$!
	mock_wait "select(.path == \"/api/items\")"
	kill -KILL $pid
	set +e; wait $pid; set -e
	expect_eq "$(oauth_stat refresh_token)" "$(jq -r .refresh_token config.json)"
	expect_eq "config.json" "$(ls -A | grep json)"
'

t 'Singer: a config that is a pipe or a symbolic link is not rewritten: warned' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	config
	mkfifo fifo
	cat config.json >fifo &
	tt-oauth --config fifo >out 2>err
	expect_grep "config fifo is not a regular file" err
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	test -p fifo
	ln -s config.json link.json
	config "$(oauth_stat refresh_token)"
	cp config.json before.json
	tt-oauth --config link.json >out 2>err
	expect_grep "config link.json is not a regular file" err
	test -L link.json
	expect_same before.json config.json
'

t 'no rotation: no CONTROL message, the config file untouched' '
	scn "refresh_token=$RT"
	mock_start "$PWD/oauth.scn"
	config
	touch -d 2000-01-01 config.json
	tt-oauth read --config config.json >out 2>err
	expect_eq 0 "$(jq -c "select(.type == \"CONTROL\")" out | wc -l | tr -d " ")"
	tt-oauth --config config.json >out 2>err
	expect_eq "200001010000" "$(date -r config.json +%Y%m%d%H%M)"
	expect_eq "Bearer" "$(mock_log "select(.path == \"/api/items\") | .headers.Authorization" | cut -c1-6 | sort -u)"
'

t 'a refused refresh token: 77, a config_error that says so, no secret shown' '
	scn "refresh_token=mock-rt-another-one-0000"
	mock_start "$PWD/oauth.scn"
	config
	expect_exit 77 tt-oauth read --config config.json >out 2>err
	jq -c "select(.type == \"TRACE\" and .trace.type == \"ERROR\")" out >trace
	expect_eq config_error "$(jq -r .trace.error.failure_type trace)"
	expect_grep "refused the refresh token (invalid_grant" trace
	expect_eq 0 "$(jq -c "select(.type == \"RECORD\" or .type == \"STATE\")" out | wc -l | tr -d " ")"
	if have_conformance; then
		validate_airbyte out
	fi
	tt-oauth check --config config.json >out 2>err
	expect_eq FAILED "$(jq -r "select(.type == \"CONNECTION_STATUS\") | .connectionStatus.status" out)"
	expect_grep "refused the refresh token" out
	expect_exit 77 tt-oauth --config config.json >out 2>err
	expect_grep "refused the refresh token" err
	for s in "$CS" "$RT"; do expect_no_part "$s" out err; done
'

t 'a connector: a 401 mid-read renews once; a second 401 is 77' '
	printf "reply\npath /api/items\narg page=2\nstatus 401\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	config
	tt-oauth read --config config.json >out 2>err
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	expect_eq 2 "$(oauth_stat issued)"
	printf "reply\npath /api/items\narg page=2\nalways\nstatus 401\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	config
	expect_exit 77 tt-oauth read --config config.json >out 2>err
	expect_eq 2 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	expect_eq 2 "$(oauth_stat issued)"
'

t 'a token about to expire mid-sync is fetched again first; no secret in argv' '
	printf "reply\npath /api/items\nquery\ndelay 2\nheader Link: <%%URL/api/items?page=2>; rel=\"next\"\nbody {\"items\":[{\"id\":1},{\"id\":2}]}\n" >slow
	scn "refresh_token=$RT expires_in=2" slow
	mock_start "$PWD/oauth.scn"
	config
	tt-oauth read --config config.json >out 2>err &
	pid=$!
	i=0
	until [ "$(mock_log "select(.path == \"/api/items\") | .n" | wc -l)" -gt 0 ]; do
		i=$((i + 1)); [ "$i" -lt 500 ] || exit 1; sleep 0.01
	done
	# the process and the one it execs: argv holds the config file name only
	for p in $pid $(pgrep -P "$pid" || :); do
		tr "\0" " " <"/proc/$p/cmdline" >>argv 2>/dev/null || :
	done
	wait "$pid"
	expect_grep "config.json" argv
	for s in "$CS" "$RT"; do expect_no_part "$s" argv; done
	expect_eq 3 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	expect_eq 2 "$(oauth_stat issued)" "access tokens"
	expect_eq 0 "$(oauth_stat refused)" "401s (renewed before, not after)"
'

t 'the token endpoint on an origin of its own; a Link elsewhere gets no token' '
	# the authorization server also answers the Link away from the API
	{ printf "oauth refresh_token=%s protect=/nothing\n" "$RT"
	  printf "reply\npath /elsewhere\nalways\nbody {\"items\":[]}\n"; } >as.scn
	mock_start "$PWD/as.scn"
	AS=$MOCK_URL AS_LOG=$MOCK_LOG
	export AS
	printf "reply\npath /api/items\nalways\nheader Link: <%%ENV{AS}/elsewhere>; rel=\"next\"\nbody {\"items\":[{\"id\":1}]}\n" >api.scn
	mock_start "$PWD/api.scn"
	jq -n --arg u "$MOCK_URL" --arg t "$AS/oauth/token" --arg cs "$CS" --arg rt "$RT" \
	    "{url: \$u, token_url: \$t, client_id: \"mock-client\", client_secret: \$cs, refresh_token: \$rt}" >config.json
	tt-oauth read --config config.json >out 2>err
	expect_eq 1 "$(jq -c "select(.type == \"RECORD\")" out | wc -l | tr -d " ")"
	expect_eq "/oauth/token /elsewhere" "$(jq -r .path "$AS_LOG" | tr "\n" " " | sed "s/ $//")"
	expect_eq null "$(jq -r "select(.path == \"/elsewhere\") | .headers.Authorization" "$AS_LOG")"
	expect_eq Bearer "$(mock_log .headers.Authorization | cut -c1-6)"
	for s in "$CS" "$RT"; do expect_no_part "$s" "$MOCK_LOG" out err; done
'

done_testing
