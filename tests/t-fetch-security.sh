#!/bin/sh
# integ-fetch security: only http and https, redirects followed by
# integ-fetch (at most 10, no loops), credentials only for the origins the
# user named, ${VAR} secrets masked in every output channel.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

TOK=tok-s3cr3t-VALUE OTHER=http://127.0.0.1:1
export TOK OTHER

# start the other origin, then the main server; OTHER_LOG is its log
two_servers() {
	mock_start fetch-other
	OTHER=$MOCK_URL OTHER_LOG=$MOCK_LOG
	export OTHER OTHER_LOG
	mock_start fetch-origin
}

t 'a next link to file:// or gopher:// is refused with 76, nothing read' '
	mock_start fetch-origin
	expect_exit 76 integ-fetch --next next "$MOCK_URL/nextfile" >out 2>err
	expect_grep "only http and https" err
	expect_no_grep "root:" out
	expect_exit 76 integ-fetch --next next "$MOCK_URL/nextgopher" >out 2>err
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'a redirect to file:// or gopher:// is refused with 76' '
	mock_start fetch-origin
	expect_exit 76 integ-fetch "$MOCK_URL/redirfile" >out 2>err
	expect_grep "only http and https" err
	expect_no_grep "root:" out
	expect_exit 76 integ-fetch "$MOCK_URL/redirgopher" >out 2>err
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'redirects are followed, relative and absolute, 301 302 307' '
	mock_start fetch-origin
	integ-fetch "$MOCK_URL/rs/1" >out
	expect_eq "{\"redirected\":true}" "$(cat out)"
	expect_eq "/rs/1 /rs/2 /rs/3 " "$(mock_log .path | tr "\n" " ")"
'

t 'a redirect loop, and more than 10 redirects, are 76' '
	mock_start fetch-origin
	expect_exit 76 integ-fetch "$MOCK_URL/rloop/a" >out 2>err
	expect_grep "redirect loop" err
	i=0
	while [ $i -lt 11 ]; do
		printf "reply\npath /hop/%d\nalways\nstatus 302\nheader Location: /hop/%d\n\n" $i $((i + 1))
		i=$((i + 1))
	done >hops.scn
	printf "reply\npath /hop/11\nbody {}\n" >>hops.scn
	mock_start "$PWD/hops.scn"
	expect_exit 76 integ-fetch "$MOCK_URL/hop/0" >out 2>err
	expect_grep "more than 10 redirects" err
	expect_eq 11 "$(mock_log .n | wc -l | tr -d " ")"
	: >mock-2.log
	integ-fetch "$MOCK_URL/hop/1" >out
	expect_eq "{}" "$(cat out)"
'

t 'a next link to another origin gets no secret header or parameter' '
	two_servers
	integ-fetch --next next -H "X-Shopify-Access-Token: \${TOK}" \
	    -H "Authorization: Bearer \${TOK}" -H "X-Plain: visible" \
	    -q "api_key=\${TOK}" -q "limit=5" "$MOCK_URL/p1" >out
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	expect_eq "$TOK" "$(mock_log ".headers[\"X-Shopify-Access-Token\"]" | sed -n 1p)"
	expect_eq "Bearer $TOK" "$(mock_log ".headers.Authorization" | sed -n 2p)"
	expect_eq "$TOK" "$(mock_log ".args.api_key[0]" | sed -n 1p)"
	jq -c . "$OTHER_LOG" >other
	expect_eq 1 "$(wc -l <other | tr -d " ")"
	expect_no_grep "$TOK" other
	expect_no_grep "Authorization" other
	expect_no_grep "X-Shopify-Access-Token" other
	expect_grep "visible" other
'

t 'a redirect to another origin gets no secret header or parameter' '
	two_servers
	integ-fetch -H "X-Api-Key: \${TOK}" -H "Cookie: session=abc" \
	    -q "token=\${TOK}" "$MOCK_URL/redir" >out
	expect_eq "{\"other\":true}" "$(cat out)"
	expect_eq "$TOK" "$(mock_log ".headers[\"X-Api-Key\"]")"
	jq -c . "$OTHER_LOG" >other
	expect_no_grep "$TOK" other
	expect_no_grep "Cookie" other
	expect_no_grep "X-Api-Key" other
'

t 'an origin given on the command line keeps its credentials' '
	two_servers
	integ-fetch --next next -H "X-Api-Key: \${TOK}" "$MOCK_URL/p1" "$OTHER/x" >out
	jq -c . "$OTHER_LOG" >other
	expect_eq 2 "$(wc -l <other | tr -d " ")"
	expect_eq 2 "$(grep -c "$TOK" other)"
'

t 'an unset ${VAR} is 78, with the trailer' '
	expect_exit 78 integ-fetch -H "Authorization: Bearer \${INTEG_NOT_SET_VAR}" \
	    http://127.0.0.1:1/ >out 2>err
	expect_grep "INTEG_NOT_SET_VAR" err
	expect_grep "integ-error: 78 " out
'

t 'secrets are masked in -v logs, errors, the trailer and --meta' '
	mock_start fetch-origin
	expect_exit 69 integ-fetch -v -q "key=\${TOK}" -H "X-Api-Key: \${TOK}" \
	    "$MOCK_URL/echo404" >out 2>err
	expect_grep "key=***" err
	expect_grep "bad token ***" err
	expect_grep "bad token ***" out
	integ-fetch --meta -q "key=\${TOK}" -H "X-Api-Key: \${TOK}" "$MOCK_URL/metaecho" >meta
	expect_grep "key=***" meta
	expect_eq "***" "$(jq -r ".headers[\"x-echo\"]" meta)"
	expect_eq "***" "$(jq -r .body.token meta)"
	for f in err out meta; do expect_no_grep "$TOK" $f; done
	# the percent-encoded form too
	TOK="a b/c+d" integ-fetch -v -q "key=\${TOK}" "$MOCK_URL/metaecho" >/dev/null 2>err
	expect_no_grep "a%20b" err
	expect_no_grep "a+b" err
'

t 'Authorization given literally is masked too' '
	mock_start fetch-origin
	expect_exit 69 integ-fetch -v -H "Authorization: Bearer literal-token-123" \
	    "$MOCK_URL/echo404" >out 2>err
	expect_no_grep "literal-token-123" err
	expect_no_grep "literal-token-123" out
'

t '--insecure warns on every run' '
	mock_start fetch-origin
	integ-fetch --insecure "$MOCK_URL/rs/3" >out 2>err
	expect_grep "insecure" err
'

t 'a password in a URL is masked like any secret' '
	mock_start fetch-origin
	url=$(echo "$MOCK_URL" | sed "s|//|//user:pw-s3cret-9@|")
	expect_exit 69 integ-fetch -v "$url/echo404" >out 2>err
	expect_grep "//***@" err
	expect_no_grep "pw-s3cret-9" err
	expect_no_grep "pw-s3cret-9" out
'

done_testing
