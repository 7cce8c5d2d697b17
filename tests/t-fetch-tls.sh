#!/bin/sh
# integ-fetch over real TLS: Debian's nginx on 127.0.0.1 with a certificate
# made here, HTTP/2. Verification is always on: rejected without --cacert
# (69, saying it is the certificate), fetched with it, over HTTP/2, on one
# connection; https to http is another origin.
. "$(dirname "$0")/lib.sh"

need nginx || [ -x /usr/sbin/nginx ] || skip_all 'no nginx'
need openssl || skip_all 'no openssl'
need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'
PATH=$PATH:/usr/sbin

TOK=tls-s3cret-token OTHER=http://127.0.0.1:1
export TOK OTHER

# start nginx in this test's directory: sets PORT and URL
nginx_up() {
	PORT=$(sh "$TESTS/tls/nginx-start.sh" "$PWD" "${1:-http://127.0.0.1:1/}") || return 1
	URL=https://127.0.0.1:$PORT
	echo "$PWD/nginx.pid" >>"$TMP/.nginxpids"
	printf "{\"n\":1,\"next\":\"%s/2.json\"}" "$URL" >www/1.json
	printf "{\"n\":2,\"next\":\"3.json\"}" >www/2.json
	printf "{\"n\":3,\"next\":null}" >www/3.json
}
nginx_down() { [ -s nginx.pid ] && kill "$(cat nginx.pid)" 2>/dev/null; : ; }
_nginx_reap() {
	[ -f "$TMP/.nginxpids" ] || return 0
	while read -r f; do [ -s "$f" ] && kill "$(cat "$f")"; done <"$TMP/.nginxpids"
}
at_exit _nginx_reap

t 'without --cacert the certificate is refused: 69, and it says so' '
	nginx_up
	expect_exit 69 integ-fetch "$URL/1.json" >out 2>err
	expect_grep "certificate" err
	expect_grep "integ-error: 69 " out
	nginx_down
'

t 'with --cacert: fetched over HTTP/2, every page on one connection' '
	nginx_up
	integ-fetch -v --cacert ca.pem --next next "$URL/1.json" >out 2>err
	expect_eq "1 2 3 " "$(jq -r .n out | tr "\n" " ")"
	expect_grep "HTTP/2 200" err
	expect_eq 3 "$(wc -l <access.log | tr -d " ")"
	expect_eq 1 "$(cut -d" " -f1 access.log | sort -u | wc -l | tr -d " ")"
	expect_eq "HTTP/2.0" "$(cut -d" " -f2 access.log | sort -u)"
	nginx_down
'

t 'gzip over TLS is accepted and decoded' '
	nginx_up
	head -c 3000 /dev/zero | tr "\0" a | sed "s/.*/{\"pad\":\"&\"}/" >www/big.json
	integ-fetch --cacert ca.pem --meta "$URL/big.json" >out
	expect_eq gzip "$(jq -r ".headers[\"content-encoding\"]" out)"
	expect_eq 3000 "$(jq -r ".body.pad | length" out)"
	nginx_down
'

t '--insecure fetches without verification and warns' '
	nginx_up
	integ-fetch --insecure "$URL/3.json" >out 2>err
	expect_eq 3 "$(jq .n out)"
	expect_grep "insecure" err
	nginx_down
'

t 'a redirect from https to http drops the secret header' '
	mock_start fetch-other
	nginx_up "$MOCK_URL/landed"
	integ-fetch --cacert ca.pem -H "X-Api-Key: \${TOK}" "$URL/redirect-out" >out
	expect_eq "{\"other\":true}" "$(cat out)"
	jq -c . "$MOCK_LOG" >other
	expect_eq 1 "$(wc -l <other | tr -d " ")"
	expect_no_grep "$TOK" other
	expect_no_grep "X-Api-Key" other
	nginx_down
'

done_testing
