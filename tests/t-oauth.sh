#!/bin/sh
# OAuth 2 in integ-fetch (--oauth-*): the refresh-token and
# client-credentials grants against the mock's authorization server
# (tests/mock/oauth.py), expiry, a 401 renewing once, a refused refresh
# token, token endpoint faults retried, a rotated refresh token kept, and
# the secrets: never shown, never sent to another origin.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

CS=mock-client-secret-0123456789 RT=mock-rt-initial-0123456789
OTHER=http://127.0.0.1:1
export CS RT OTHER

# scn 'OAUTH OPTIONS' [FILE]: oauth.scn, an authorization server with
# those options, the reply blocks of FILE (faults, served first) and the
# pages of oauth-pages.scn
scn() {
	{
		echo "oauth $1"
		[ -z "${2:-}" ] || cat "$2"
		cat "$TESTS/scenarios/oauth-pages.scn"
	} >oauth.scn
}

# fetch [integ-fetch options] URL: with the token endpoint and client
fetch() {
	integ-fetch --link --oauth-token-url "$MOCK_URL/oauth/token" \
	    --oauth-client-id mock-client --oauth-client-secret '${CS}' "$@"
}

# the access token the mock issues as its Nth (tests/mock/oauth.py made())
at() {
	printf 'mock-at-%s-%s' "$1" \
	    "$(printf 'at%s' "$1" | sha256sum | cut -c1-24)"
}

# token requests and refusals so far
oauth_stat() { curl -sS "$MOCK_URL/_mock/oauth" | jq -r ".$1"; }

tokens() { mock_log 'select(.path == "/oauth/token") | .n' | wc -l | tr -d ' '; }

t 'the mock: an authorization server that guards /api and refuses bad grants' '
	printf "oauth rotate=2\n" >bad.scn
	expect_exit 1 mock_start "$PWD/bad.scn" 2>err
	expect_grep "bad.scn:1: oauth: rotate=0 or 1" err
	scn "refresh_token=$RT"
	mock_start "$PWD/oauth.scn"
	expect_eq 401 "$(curl -s -o /dev/null -w "%{http_code}" "$MOCK_URL/api/items")"
	curl -s -d grant_type=refresh_token -d refresh_token=nope -d client_id=mock-client \
	    -d "client_secret=$CS" "$MOCK_URL/oauth/token" >r
	expect_eq invalid_grant "$(jq -r .error r)"
	curl -s -u "mock-client:$CS" -d grant_type=client_credentials "$MOCK_URL/oauth/token" >r
	expect_eq "$(at 1)" "$(jq -r .access_token r)"
	expect_eq 200 "$(curl -s -o /dev/null -w "%{http_code}" \
	    -H "Authorization: Bearer $(at 1)" "$MOCK_URL/api/items")"
	curl -s -X POST "$MOCK_URL/_mock/oauth/revoke" >/dev/null
	expect_eq 401 "$(curl -s -o /dev/null -w "%{http_code}" \
	    -H "Authorization: Bearer $(at 1)" "$MOCK_URL/api/items")"
	expect_eq 2 "$(oauth_stat refused)"
'

t 'refresh-token grant: the token fetched once, sent as Bearer on every page' '
	scn "refresh_token=$RT auth=body"
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	printf "%s\n" "{\"items\":[1,2]}" "{\"items\":[3]}" >want
	expect_same want out
	expect_eq 1 "$(tokens)" "token requests"
	mock_log "select(.path == \"/oauth/token\") | .body" >body
	expect_grep "grant_type=refresh_token" body
	expect_grep "refresh_token=$RT" body
	expect_grep "client_id=mock-client" body
	expect_grep "client_secret=$CS" body
	expect_eq "application/x-www-form-urlencoded" \
	    "$(mock_log "select(.path == \"/oauth/token\") | .headers[\"Content-Type\"]")"
	expect_eq "Bearer $(at 1)
Bearer $(at 1)" "$(mock_log "select(.path == \"/api/items\") | .headers.Authorization")"
	expect_eq 0 "$(oauth_stat refused)" "401s"
'

t 'client-credentials grant with HTTP Basic and scopes' '
	scn "auth=basic scope=read:items+write:items"
	mock_start "$PWD/oauth.scn"
	fetch --oauth-basic --oauth-scope read:items --oauth-scope write:items \
	    "$MOCK_URL/api/items" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	mock_log "select(.path == \"/oauth/token\") | .body" >body
	expect_eq "grant_type=client_credentials&scope=read%3Aitems%20write%3Aitems" "$(cat body)"
	basic=$(printf "mock-client:%s" "$CS" | base64 -w0)
	expect_eq "Basic $basic" \
	    "$(mock_log "select(.path == \"/oauth/token\") | .headers.Authorization")"
	expect_no_grep "$CS" body
'

t 'the client authenticated the wrong way is 77 naming the client' '
	scn "auth=basic"
	mock_start "$PWD/oauth.scn"
	expect_exit 77 fetch "$MOCK_URL/api/items" >out 2>err
	expect_grep "refused the client id or secret (invalid_client" err
	expect_grep "integ-error: 77 " out
	expect_eq 1 "$(mock_log .n | wc -l | tr -d " ")" "requests (no API request)"
'

t 'a token about to expire is fetched again before the next request' '
	printf "reply\npath /api/items\nquery\ndelay 2\nheader Link: <%%URL/api/items?page=2>; rel=\"next\"\nbody {\"items\":[1,2]}\n" >slow
	scn "refresh_token=$RT expires_in=2" slow
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 2 "$(tokens)" "token requests"
	expect_eq "Bearer $(at 1)
Bearer $(at 2)" "$(mock_log "select(.path == \"/api/items\") | .headers.Authorization")"
	expect_eq 0 "$(oauth_stat refused)" "401s (renewed before, not after)"
'

t 'a token without expires_in is kept until a 401' '
	printf "reply\npath /api/items\nquery\ndelay 1\nheader Link: <%%URL/api/items?page=2>; rel=\"next\"\nbody {\"items\":[1,2]}\n" >slow
	scn "refresh_token=$RT expires_in=none" slow
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_eq 1 "$(tokens)" "token requests"
'

t 'a 401 mid-sync renews the token once and retries the request' '
	printf "reply\npath /api/items\narg page=2\nstatus 401\nbody {\"error\":\"invalid_token\"}\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	printf "%s\n" "{\"items\":[1,2]}" "{\"items\":[3]}" >want
	expect_same want out
	expect_eq 2 "$(tokens)" "token requests"
	expect_eq "Bearer $(at 1)
Bearer $(at 1)
Bearer $(at 2)" "$(mock_log "select(.path == \"/api/items\") | .headers.Authorization")"
'

t 'a second 401 is 77, after one renewal' '
	printf "reply\npath /api/items\narg page=2\nalways\nstatus 401\nbody {\"error\":\"invalid_token\"}\n" >revoked
	scn "refresh_token=$RT" revoked
	mock_start "$PWD/oauth.scn"
	expect_exit 77 fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_eq "{\"items\":[1,2]}" "$(head -n 1 out)"
	expect_grep "integ-error: 77 GET $MOCK_URL/api/items?page=2: 401" out
	expect_eq 2 "$(tokens)" "token requests"
	expect_eq 2 "$(mock_log "select(.query == \"page=2\") | .n" | wc -l | tr -d " ")" "page 2 requests"
'

t 'a refused refresh token (400 invalid_grant) is 77 saying so' '
	scn "refresh_token=mock-rt-another-one-0000"
	mock_start "$PWD/oauth.scn"
	expect_exit 77 fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_grep "refused the refresh token (invalid_grant: Token has been expired or revoked.)" err
	expect_grep "integ-error: 77 " out
	expect_eq 1 "$(mock_log .n | wc -l | tr -d " ")" "requests (no API request, no retry)"
'

t 'the token endpoint: 503 and 429 are retried as any request' '
	printf "reply\npath /oauth/token\nstatus 503\n\nreply\npath /oauth/token\nstatus 429\nheader Retry-After: 1\n" >faults
	scn "refresh_token=$RT" faults
	mock_start "$PWD/oauth.scn"
	fetch -v --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 3 "$(tokens)" "token requests"
	expect_grep "retry 2/5" err
'

t 'a token endpoint that hangs up or cuts its answer short is retried' '
	printf "reply\npath /oauth/token\nhangup\n\nreply\npath /oauth/token\nheader Content-Length: 500\nbody {\"access_token\":\"x\"\ndrop 5\n" >faults
	scn "refresh_token=$RT" faults
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 3 "$(tokens)" "token requests"
'

t 'a token endpoint that lies: not JSON, no token, another token type, a line break: 76' '
	for body in "<html>ok</html>" "{\"token_type\":\"Bearer\"}" \
	    "{\"access_token\":\"abcdefgh12\",\"token_type\":\"mac\"}" \
	    "{\"access_token\":\"abc\\r\\nX-Evil: 1\",\"token_type\":\"Bearer\"}"; do
		printf "reply\npath /oauth/token\nbody %s\n" "$body" >lie
		scn "refresh_token=$RT" lie
		mock_start "$PWD/oauth.scn"
		expect_exit 76 fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
		expect_eq 0 "$(mock_log "select(.path == \"/api/items\") | .n" | wc -l | tr -d " ")"
		expect_no_grep "abcdefgh12" err
		n=$((${n:-0} + 1))
		cp err "err.$n"
	done
	expect_grep "the answer is not a JSON object" err.1
	expect_grep "no access_token in the answer" err.2
	expect_grep "token_type mac is not supported" err.3
	expect_grep "no access_token in the answer" err.4
'

t 'the token endpoint down past the retries is 75' '
	printf "reply\npath /oauth/token\nalways\nstatus 503\nbody {\"error\":\"temporarily_unavailable\"}\n" >faults
	scn "refresh_token=$RT" faults
	mock_start "$PWD/oauth.scn"
	expect_exit 75 fetch --retries 2 --oauth-refresh-token "\${RT}" "$MOCK_URL/api/items" >out 2>err
	expect_grep "OAuth 2 token endpoint: POST $MOCK_URL/oauth/token: 503" err
	expect_grep "gave up after 2 retries" err
	expect_eq 3 "$(tokens)" "token requests"
'

t 'a rotated refresh token is written to --oauth-token-file (0600) and used next' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" --oauth-token-file rt \
	    "$MOCK_URL/api/items" >out 2>err
	new=$(oauth_stat refresh_token)
	expect_eq "$new" "$(cat rt)"
	expect_eq "-rw-------" "$(ls -l rt | cut -c1-10)"
	expect_eq "rt" "$(ls -A | grep "^\.\{0,1\}rt")" "no temporary file left"
	# the old token is dead now: the file, newer, wins over the variable
	fetch --oauth-refresh-token "\${RT}" --oauth-token-file rt \
	    "$MOCK_URL/api/items" >out 2>err
	expect_eq "$(oauth_stat refresh_token)" "$(cat rt)"
	expect_eq 2 "$(oauth_stat rotations)"
	mock_log "select(.path == \"/oauth/token\") | .body" >bodies
	expect_grep "refresh_token=$new&" bodies
	# and alone, without the variable
	fetch --oauth-token-file rt "$MOCK_URL/api/items" >out 2>err
	expect_eq 3 "$(oauth_stat rotations)"
'

t 'SIGKILL after a rotation: the token file already holds the new token, whole' '
	printf "reply\npath /api/items\nquery\ndelay 30\nbody {}\n" >slow
	scn "refresh_token=$RT rotate=1" slow
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" --oauth-token-file rt \
	    "$MOCK_URL/api/items" >out 2>err &
	pid=$!
	mock_wait "select(.path == \"/api/items\")"
	kill -KILL $pid
	set +e; wait $pid; set -e
	expect_eq "$(oauth_stat refresh_token)" "$(cat rt)"
	expect_eq "rt" "$(ls -A | grep "^\.\{0,1\}rt")" "no temporary file left"
'

t 'a rotated refresh token that cannot be kept fails the run (74)' '
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	expect_exit 74 fetch --oauth-refresh-token "\${RT}" \
	    --oauth-token-file nodir/rt "$MOCK_URL/api/items" >out 2>err
	expect_grep "the rotated refresh token could not be kept" err
'

t 'no rotation: the token file is left alone; rotation without it warns' '
	scn "refresh_token=$RT"
	mock_start "$PWD/oauth.scn"
	printf "%s\n" "$RT" >rt
	touch -d 2000-01-01 rt
	fetch --oauth-token-file rt "$MOCK_URL/api/items" >out 2>err
	expect_eq "200001010000" "$(date -r rt +%Y%m%d%H%M)"
	scn "refresh_token=$RT rotate=1"
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token @rt "$MOCK_URL/api/items" >out 2>err
	expect_grep "without --oauth-token-file the new one is not kept" err
'

t 'secrets are never taken from argv; @FILE and ${VAR} are' '
	mock_start fetch-other
	expect_exit 64 integ-fetch --oauth-token-url "$MOCK_URL/t" \
	    --oauth-client-id c --oauth-client-secret "$CS" "$MOCK_URL/x" >out 2>err
	expect_grep "a secret is never taken from the command line" err
	expect_no_grep "$CS" err
	expect_exit 64 integ-fetch --oauth-token-url "$MOCK_URL/t" \
	    --oauth-client-id c --oauth-refresh-token "$RT" "$MOCK_URL/x" >out 2>err
	expect_no_grep "$RT" err
	expect_exit 78 integ-fetch --oauth-token-url "$MOCK_URL/t" \
	    --oauth-client-id c --oauth-refresh-token "\${NO_SUCH_VAR_X}" "$MOCK_URL/x" >out 2>err
	expect_exit 66 integ-fetch --oauth-token-url "$MOCK_URL/t" \
	    --oauth-client-id c --oauth-refresh-token @nofile "$MOCK_URL/x" >out 2>err
	expect_exit 64 integ-fetch --oauth-client-id c "$MOCK_URL/x" >out 2>err
	expect_grep "needs --oauth-token-url" err
	expect_exit 64 integ-fetch --oauth-token-url "$MOCK_URL/t" "$MOCK_URL/x" >out 2>err
	expect_grep "needs --oauth-client-id" err
	expect_eq 0 "$(mock_log .n | wc -l | tr -d " ")" "requests"
'

t 'secrets never in output, stderr or the trailer, even echoed back' '
	a1=$(at 1)
	printf "reply\npath /api/items\narg page=2\nalways\nstatus 403\nbody {\"echo\":\"%s %s %s\"}\n" \
	    "$a1" "$CS" "$RT" >echo
	scn "refresh_token=$RT" echo
	mock_start "$PWD/oauth.scn"
	expect_exit 77 fetch -v --meta --oauth-refresh-token "\${RT}" \
	    "$MOCK_URL/api/items" >out 2>err
	expect_grep "***" out
	for s in "$a1" "$CS" "$RT"; do
		expect_no_part "$s" out err
	done
	# a refused token endpoint that echoes the body it was sent
	printf "reply\npath /oauth/token\nstatus 400\nbody {\"error\":\"invalid_request\",\"got\":\"refresh_token=%s&client_secret=%s\"}\n" \
	    "$RT" "$CS" >echo
	scn "refresh_token=$RT" echo
	mock_start "$PWD/oauth.scn"
	expect_exit 69 fetch -v --oauth-refresh-token "\${RT}" \
	    "$MOCK_URL/api/items" >out 2>err
	for s in "$CS" "$RT"; do
		expect_no_part "$s" out err
	done
'

t 'the access token is never sent to another origin (a Link away)' '
	mock_start fetch-other
	OTHER=$MOCK_URL OTHER_LOG=$MOCK_LOG
	export OTHER
	scn "refresh_token=$RT"
	mock_start "$PWD/oauth.scn"
	fetch --oauth-refresh-token "\${RT}" "$MOCK_URL/api/away" >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 1 "$(jq -r .n "$OTHER_LOG" | wc -l | tr -d " ")" "requests to the other origin"
	expect_eq null "$(jq -r .headers.Authorization "$OTHER_LOG")"
	expect_no_part "$CS" "$OTHER_LOG"
	expect_no_part "$RT" "$OTHER_LOG"
'

t 'the token endpoint on its own origin: client secret there only, no redirect followed' '
	mock_start fetch-other
	OTHER=$MOCK_URL OTHER_LOG=$MOCK_LOG
	export OTHER
	printf "oauth refresh_token=%s protect=/nothing\n" "$RT" >as.scn
	mock_start "$PWD/as.scn"
	AS=$MOCK_URL AS_LOG=$MOCK_LOG
	printf "reply\npath /api/items\nalways\nbody {\"items\":[1]}\n" >api.scn
	mock_start "$PWD/api.scn"
	integ-fetch --oauth-token-url "$AS/oauth/token" --oauth-client-id mock-client \
	    --oauth-client-secret "\${CS}" --oauth-basic --oauth-refresh-token "\${RT}" \
	    "$MOCK_URL/api/items" >out 2>err
	expect_eq "Bearer $(at 1)" "$(mock_log .headers.Authorization)"
	expect_no_part "$CS" "$MOCK_LOG"
	expect_no_part "$RT" "$MOCK_LOG"
	# a token endpoint that redirects elsewhere: not followed, nothing sent
	printf "reply\npath /oauth/token\nstatus 307\nheader Location: %s/steal\n" "$OTHER" >as.scn
	mock_start "$PWD/as.scn"
	AS=$MOCK_URL
	expect_exit 76 integ-fetch --oauth-token-url "$AS/oauth/token" --oauth-client-id mock-client \
	    --oauth-client-secret "\${CS}" --oauth-refresh-token "\${RT}" \
	    "$MOCK_URL/api/items" >out 2>err
	expect_grep "not followed" err
	expect_eq 0 "$(jq -r .n "$OTHER_LOG" | wc -l | tr -d " ")" "requests to the other origin"
'

t 'parallel transfers share one token: one fetch, one renewal' '
	scn "refresh_token=$RT expires_in=none"
	mock_start "$PWD/oauth.scn"
	for i in 1 2 3 4 5 6 7 8; do echo "$MOCK_URL/api/items?page=2"; done >urls
	fetch --parallel 8 --oauth-refresh-token "\${RT}" --urls-from urls >out 2>err
	expect_eq 8 "$(wc -l <out | tr -d " ")"
	expect_eq 1 "$(tokens)" "token requests"
	curl -sS -X POST "$MOCK_URL/_mock/oauth/revoke" >/dev/null
	fetch --parallel 8 --oauth-refresh-token "\${RT}" --urls-from urls >out 2>err
	expect_eq 2 "$(tokens)" "token requests"
'

t 'parallel transfers whose token endpoint is down: one fetch fails them all' '
	printf "reply\npath /oauth/token\nalways\nstatus 503\n" >down
	scn "refresh_token=$RT" down
	mock_start "$PWD/oauth.scn"
	for i in 1 2 3 4 5 6 7 8; do echo "$MOCK_URL/api/items?page=2"; done >urls
	expect_exit 75 fetch --parallel 8 --retries 2 --oauth-refresh-token "\${RT}" \
	    --urls-from urls >out 2>err
	expect_eq 3 "$(tokens)" "token requests (one fetch and its 2 retries)"
	expect_eq 0 "$(mock_log "select(.path == \"/api/items\") | .n" | wc -l | tr -d " ")"
'

done_testing
