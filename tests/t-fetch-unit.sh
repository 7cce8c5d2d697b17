#!/bin/sh
# The rules under integ-fetch, one by one: Link headers, URL resolution and
# schemes, origins, query parameters, Retry-After, rate-limit headers,
# backoff, ${VAR} expansion, and what is sent to which origin.
. "$(dirname "$0")/lib.sh"

link() { printf '%s' "$2" | tt-http link "$1"; }

t 'Link: the next of several links, quoted and bare rel' '
	expect_eq "https://a/x?page=2" "$(link next "<https://a/x?page=2>; rel=\"next\", <https://a/x?page=9>; rel=last")"
	expect_eq "https://a/x?page=9" "$(link last "<https://a/x?page=2>; rel=\"next\", <https://a/x?page=9>; rel=last")"
	expect_eq "/p3" "$(link next "</p1>; rel=prev,</p3>;rel=next")"
'

t 'Link: rel in any case, as a list, after other params with commas in quotes' '
	v="<https://a/1>; rel=\"prev first\", <https://a/x?a=1,2>; title=\"a, b; <c>\"; REL=\"Last NEXT\""
	expect_eq "https://a/x?a=1,2" "$(link next "$v")"
	expect_eq "https://a/1" "$(link first "$v")"
'

t 'Link: a value split over lines, and no next at all' '
	v=$(printf "<https://a/1>; rel=prev,\r\n\t<https://a/2>;\r\n rel=\"next\"")
	expect_eq "https://a/2" "$(link next "$v")"
	expect_eq none "$(link next "<https://a/1>; rel=prev")"
	expect_eq none "$(link next "garbage, ; rel=next")"
	expect_eq none "$(link next "")"
'

t 'Link: only the first rel parameter counts; escaped quotes in values' '
	expect_eq none "$(link next "<https://a/1>; rel=prev; rel=next")"
	expect_eq "https://a/2" "$(link next "<https://a/2>; title=\"x\\\"y, z\"; rel=next")"
'

t 'URLs: relative references resolve against the request URL' '
	expect_eq "http://h/a/c?d=2" "$(tt-http resolve "http://h/a/b?x=1" "c?d=2")"
	expect_eq "http://h/c" "$(tt-http resolve "http://h/a/b?x=1" "../c")"
	expect_eq "http://h/a/b?page=2" "$(tt-http resolve "http://h/a/b?x=1" "?page=2")"
	expect_eq "https://o:8443/z" "$(tt-http resolve "http://h/a" "https://o:8443/z")"
	expect_eq "https://o/z" "$(tt-http resolve "http://h/a" "//o/z" | sed s/http:/https:/)"
'

t 'URLs: only http and https, any case' '
	for u in "file:///etc/passwd" "gopher://h/x" "ftp://h/" "javascript:alert(1)" "dict://h:11211/"; do
		out=$(tt-http resolve "http://h/a" "$u")
		case $out in "76 "*) ;; *) echo "not refused: $u -> $out"; exit 1;; esac
	done
	expect_eq "https://h/x" "$(tt-http resolve "" "HTTPS://h/x")"
	case $(tt-http resolve "" "/rel") in "76 "*) ;; *) exit 1;; esac
'

t 'origins: scheme, host (any case) and port, default ports explicit' '
	expect_eq "https://api.example.com:443" "$(tt-http origin "HTTPS://Api.Example.COM/x?y")"
	expect_eq "http://h:8080" "$(tt-http origin "http://h:8080/")"
	expect_eq 1 "$(tt-http same "http://h/" "http://H:80/x")"
	expect_eq 0 "$(tt-http same "https://h/" "http://h/")"
	expect_eq 0 "$(tt-http same "http://h:81/" "http://h/")"
	expect_eq 0 "$(tt-http same "http://h.evil/" "http://h/")"
	expect_eq bad "$(tt-http origin "file:///etc/passwd")"
'

t 'query parameters: encoded, merged, replacing one of the same name' '
	expect_eq "http://h/p?a=1&b=2&cursor=a%20b%26c%3d%2f" "$(tt-http qset "http://h/p?a=1&cursor=x&b=2" cursor "a b&c=/")"
	expect_eq "http://h/p?limit=10" "$(tt-http qset "http://h/p" limit 10)"
	expect_eq "http://h/p?q=%c3%a9t%c3%a9#f" "$(tt-http qset "http://h/p#f" q "été")"
	expect_eq "http://h/p?a%20b=1&x=y" "$(tt-http qset "http://h/p?a%20b=1&x=z" x y)"
'

t 'Retry-After: seconds, fractional seconds, HTTP-date, garbage' '
	expect_eq 120.000 "$(tt-http retryafter 120 0)"
	expect_eq 1.000 "$(tt-http retryafter 1.0 0)"
	expect_eq 0.250 "$(tt-http retryafter " 0.25 " 0)"
	expect_eq 10.000 "$(tt-http retryafter "Wed, 21 Oct 2015 07:28:00 GMT" 1445412470)"
	expect_eq 0.000 "$(tt-http retryafter "Wed, 21 Oct 2015 07:28:00 GMT" 1445412490)"
	expect_eq -1.000 "$(tt-http retryafter soon 0)"
	expect_eq -1.000 "$(tt-http retryafter -5 0)"
'

t 'rate-limit headers: remaining 0 with an epoch or a delta reset' '
	now=1700000000
	expect_eq 30.000 "$(tt-http ratelimit $now "X-RateLimit-Remaining: 0" "X-RateLimit-Reset: 1700000030")"
	expect_eq 7.000 "$(tt-http ratelimit $now "RateLimit-Remaining: 0" "RateLimit-Reset: 7")"
	expect_eq 42.000 "$(tt-http ratelimit $now "x-ratelimit-remaining: 0" "x-ratelimit-reset: 1700000042")"
	expect_eq -1.000 "$(tt-http ratelimit $now "X-RateLimit-Remaining: 3" "X-RateLimit-Reset: 1700000030")"
	expect_eq -1.000 "$(tt-http ratelimit $now "X-RateLimit-Reset: 1700000030")"
'

t 'backoff: full jitter under an exponential bound with a cap' '
	expect_eq ok "$(tt-http backoff 0)"
	expect_eq ok "$(tt-http backoff 3)"
	expect_eq ok "$(tt-http backoff 20)"
'

t '${VAR}: expanded from the environment as a secret; unset is 78' '
	expect_eq "Bearer s3cret[secret]" "$(TOK=s3cret tt-http expand "Bearer \${TOK}")"
	expect_eq "plain \$x {y}" "$(tt-http expand "plain \$x {y}")"
	case $(tt-http expand "\${NOPE_NOT_SET}") in "78 "*) ;; *) exit 1;; esac
	case $(tt-http expand "\${UNTERMINATED") in "64 "*) ;; *) exit 1;; esac
'

t 'credentials: secret headers and parameters only to trusted origins' '
	TOK=s3cret tt-http prepare "http://h/a?x=1" "http://h/" "-HX-Token: \${TOK}" \
	    "-HAccept: application/json" "-qkey=\${TOK}" "-qn=1" >trusted
	expect_grep "GET http://h/a?x=1&key=s3cret&n=1" trusted
	expect_grep "X-Token: s3cret" trusted
	TOK=s3cret tt-http prepare "http://h/a?x=1" "http://h:81/" "-HX-Token: \${TOK}" \
	    "-HAccept: application/json" "-qkey=\${TOK}" "-qn=1" \
	    "-HAuthorization: Bearer literal" "-HCookie: c=1" >untrusted
	expect_grep "GET http://h/a?x=1&n=1" untrusted
	expect_grep "Accept: application/json" untrusted
	expect_no_grep "s3cret" untrusted
	expect_no_grep "Authorization" untrusted
	expect_no_grep "Cookie" untrusted
'

t 'the doer: a connector wraps libcurl'"'"'s to sign each request' '
	need python3 || { echo "no python3"; exit 0; }
	mock_start fetch-core
	expect_eq "{\"a\":1}" "$(tt-http sign "$MOCK_URL/plain" X-Signature sig-123)"
	expect_eq "sig-123" "$(jq -r ".headers[\"X-Signature\"]" mock.log)"
'

t 'a NULL request or a NULL value adds no parameter, header or secret' '
	expect_eq "http://h/a?x=1 0 0" "$(tt-http nulls "http://h/a?x=1")"
'

done_testing
