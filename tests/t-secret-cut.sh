#!/bin/sh
# A secret is masked before a text is cut, never after, and a cut (or a
# server's echo of part of a secret) never shows 8 or more of its bytes:
# error bodies that quote the credential across every cut point, through
# integ-fetch and source-shopify in both protocols; a URL's password as
# its Basic base64; no core file from a process that holds a secret.
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2034 # used in the tests' eval'd bodies
TOK=tok_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN
# shellcheck disable=SC2034
TOKEN=shpat_mock_0123456789abcdef0123456789abcdef
HDR="X-Shopify-Access-Token: "
export TOK

# pad N: N bytes of filler.
pad() { head -c "$1" /dev/zero | tr "\0" a; }

# echoes FILE STATUS FROM TO SECRET [PREFIX [TAIL]]: a scenario where
# /o/N/... answers STATUS with a body of N filler bytes, then "X-Shopify-
# Access-Token: SECRET" (or its first PREFIX bytes only, then TAIL).
echoes() {
	_f=$1 _st=$2 _n=$3 _to=$4 _sec=$5 _tail=" trailing text"
	if [ -n "${6:-}" ]; then
		_sec=$(printf %s "$_sec" | head -c "$6") _tail=${7:-}
	fi
	: >"$_f"
	while [ "$_n" -le "$_to" ]; do
		# Retry-After: 0, so that a 500 is retried at once
		printf "reply\npath /o/%d*\nalways\nstatus %s\nheader Retry-After: 0\nbody %s%s%s%s\n\n" \
		    "$_n" "$_st" "$(pad "$_n")" "$HDR" "$_sec" "$_tail" >>"$_f"
		_n=$((_n + 1))
	done
}

# basic_401 USERINFO B64 BODY: integ-fetch -v of a URL with USERINFO (as
# the URL writes it) on a mock that answers 401 with BODY; 77, out and
# err kept, and the Authorization sent is Basic B64.
basic_401() {
	printf "reply\npath /*\nalways\nstatus 401\nbody %s\n" "$3" >s.scn
	mock_start "$PWD/s.scn"
	url=$(echo "$MOCK_URL" | sed "s|//|//$1@|")
	expect_exit 77 integ-fetch -v "$url/echo" >out 2>err
	expect_eq "Basic $2" "$(mock_log .headers.Authorization)" "sent"
}

# config URL: a shopify config for the mock under URL.
config() {
	printf '{"shop":"mock","access_token":"%s","url":"%s","start_date":"2024-11-01T00:00:00Z"}\n' \
	    "$TOKEN" "$1" >config.json
}

# The body excerpt of an HTTP error is 240 bytes (236 and "..."), after
# "GET URL: STATUS: ". A body of N filler bytes puts the secret at N+24.
CUT=236

t 'escape and cut mask first: a secret across every cut is never shown in part' '
	for max in 40 64 100; do
		n=$((max - 60))
		[ $n -lt 0 ] && n=0
		while [ $n -le $max ]; do
			{ pad $n; printf "%s tail" "$TOK"; } >in
			tt-base escape $max "$TOK" <in >>esc.out
			tt-base cut $max "$TOK" <in >>cut.out
			n=$((n + 1))
		done
	done
	expect_no_part "$TOK" esc.out cut.out
	# the secret is masked, not merely left out: *** where it began
	pad 30 >in; printf "%s tail" "$TOK" >>in
	expect_eq "37:$(pad 30)*** ..." "$(tt-base escape 38 "$TOK" <in)"
	expect_eq "38:$(pad 30)*** tail" "$(tt-base escape 39 "$TOK" <in)"
	# a secret that does not fit is not cut in half: all masked
	pad 10 >in; printf "%s" "$TOK" >>in
	expect_eq "13:$(pad 10)***" "$(tt-base escape 20 "$TOK" <in)"
'

t 'the first 8 or more bytes of a secret are masked, at a cut or not; 7 are kept' '
	printf "token: %.8s" "$TOK" | tt-base escape 100 "$TOK" >out
	expect_eq "10:token: ***" "$(cat out)"
	printf "token: %.30s" "$TOK" | tt-base cut 100 "$TOK" >out
	expect_eq "10:token: ***" "$(cat out)"
	printf "token: %.7s" "$TOK" | tt-base escape 100 "$TOK" >out
	expect_eq "14:token: tok_012" "$(cat out)"
	# nor in the middle of a text: a server cut the header short
	printf "token: %.12s... (truncated) more" "$TOK" | tt-base escape 100 "$TOK" >out
	expect_eq "30:token: ***... (truncated) more" "$(cat out)"
	# and where a whole text is masked (log lines, protocol messages)
	printf "token: %.9s" "$TOK" | tt-base mask "$TOK" >out
	expect_eq "token: ***[in=0]" "$(cat out)"
	printf "token: %.9s\n" "$TOK" | tt-base log WARN "$TOK" 2>err
	expect_eq "tt-base: warning: token: ***" "$(cat err)"
	# a percent-encoded form is a form: its prefix too
	printf "q=a%%2Fb%%2Fc%%2Fd" | tt-base escape 100 "a/b/c/d/e/f" >out
	expect_eq "5:q=***" "$(cat out)"
'

t 'an error message is masked before it is cut to its 1024 bytes' '
	n=900
	while [ $n -le 1030 ]; do
		{ pad $n; printf "%s" "$TOK"; } | tt-base errf "$TOK" >>out
		n=$((n + 1))
	done
	expect_no_part "$TOK" out
	expect_eq 0 "$(awk -F: "\$1 > 1023" out | wc -l | tr -d " ")" "too long"
	{ pad 1000; printf "%s" "$TOK"; } | tt-base errf "$TOK" >out
	expect_eq "1003:$(pad 1000)***" "$(cat out)"
'

t 'integ-fetch: a 401 echoing the secret across the body cut: not on stderr nor in the trailer' '
	lo=$((CUT - ${#TOK} - 26)) hi=$((CUT - 22))
	echoes s.scn 401 $lo $hi "$TOK"
	mock_start "$PWD/s.scn"
	for n in $(seq $lo $hi); do
		expect_exit 77 integ-fetch -H "X-Api-Key: \${TOK}" \
		    "$MOCK_URL/o/$n" >>out 2>>err
	done
	expect_no_part "$TOK" out err
	expect_eq $((hi - lo + 1)) "$(grep -c "^integ-error: 77 GET " out)"
	expect_grep "$(pad $lo)X-Shopify-Access-Token: ***" err
'

t 'integ-fetch: a 500 echoing the secret, retried then failing, shows none of it' '
	lo=$((CUT - ${#TOK} - 26)) hi=$((CUT - 22))
	echoes s.scn 500 $lo $hi "$TOK"
	mock_start "$PWD/s.scn"
	for n in $(seq $lo $hi); do
		expect_exit 75 integ-fetch --retries 1 --retry-max-time 600 -v -H "X-Api-Key: \${TOK}" \
		    "$MOCK_URL/o/$n" >>out 2>>err
	done
	expect_no_part "$TOK" out err
	expect_grep "gave up after 1 retry" out
'

t 'integ-fetch: a server that echoes only the first bytes of the secret' '
	for k in 8 9 20 $((${#TOK} - 1)); do
		echoes s$k.scn 401 5 5 "$TOK" $k
		echoes m$k.scn 401 5 5 "$TOK" $k "...(cut) more text"
	done
	for k in 8 9 20 $((${#TOK} - 1)); do
		for f in s$k m$k; do
			mock_start "$PWD/$f.scn"
			expect_exit 77 integ-fetch -H "X-Api-Key: \${TOK}" \
			    "$MOCK_URL/o/5" >>out 2>>err
		done
	done
	expect_no_part "$TOK" out err
	expect_eq 4 "$(grep -c "Token: \*\*\*$" err)"
	expect_eq 4 "$(grep -c "Token: \*\*\*\.\.\.(cut) more text$" err)"
'

t 'integ-fetch: a secret query parameter across the cut of a long URL (-v, errors)' '
	printf "reply\npath /*\nalways\nstatus 404\nbody gone\n" >s.scn
	mock_start "$PWD/s.scn"
	base="$MOCK_URL/"
	# GET URL is cut at 296 bytes: put key=TOKEN across it
	lo=$((296 - ${#base} - ${#TOK} - 12)) hi=$((296 - ${#base} - 2))
	for n in $(seq $lo $hi); do
		expect_exit 69 integ-fetch -v -q "key=\${TOK}" \
		    "$base$(pad $n)" >>out 2>>err
	done
	expect_no_part "$TOK" out err
	expect_grep "key=***" err
'

t 'a URL password is not shown, nor user:password, nor its Basic base64' '
	b64=$(printf %s "user:pw-s3cret-pass" | base64)
	basic_401 user:pw-s3cret-pass "$b64" \
	    "Authorization: Basic $b64; userinfo user:pw-s3cret-pass"
	for f in out err; do
		expect_no_part "pw-s3cret-pass" $f
		expect_no_part "$b64" $f
	done
	expect_grep "Authorization: Basic ***; userinfo ***" err
	# percent-encoded in the URL: the decoded one is sent and echoed
	b64=$(printf %s "us er:p@ss w0rd/x" | base64)
	basic_401 us%20er:p%40ss%20w0rd%2Fx "$b64" "Authorization: Basic $b64"
	for f in out err; do
		expect_no_part "$b64" $f
		expect_no_grep "w0rd" $f
	done
'

t 'a URL that does not parse does not show its password' '
	expect_exit 64 integ-fetch "http://user:pw-s3cret-pass@[bad/x" >out 2>err
	for f in out err; do expect_no_part "pw-s3cret-pass" $f; done
	expect_grep "http://***@" err
'

# shopify RUN STATUS: every offset through check and read, Airbyte and
# Singer, into out and err.
shopify() {
	_lo=$((CUT - ${#TOKEN} - 26)) _hi=$((CUT - 22))
	_pre="access_token: refused by the shop: "
	[ "$1" = 500 ] && _pre=
	echoes s.scn "$1" $_lo $_hi "$TOKEN"
	mock_start "$PWD/s.scn"
	_n=$_lo
	while [ $_n -le $_hi ]; do
		config "$MOCK_URL/o/$_n"
		source-shopify check --config config.json >>out 2>>err || :
		source-shopify discover --config config.json |
		    jq -c "{streams:[.catalog.streams[] | {stream:.,
		        sync_mode:\"full_refresh\", destination_sync_mode:\"append\"}]}" \
		    >catalog.json
		source-shopify read --config config.json --catalog catalog.json \
		    >>out 2>>err || :
		source-shopify --config config.json >>sout 2>>serr || :
		_n=$((_n + 1))
	done
}

t 'source-shopify: a 403 echoing the token across the cut: check, read, Singer' '
	shopify 403
	expect_no_part "$TOKEN" out err sout serr
	expect_grep "\"status\":\"FAILED\"" out
	expect_grep "\"failure_type\":\"config_error\"" out
	expect_grep "Token: ***" out
	expect_grep "403" serr
'

t 'source-shopify: a 500 echoing the token, retried then failing: check, read, Singer' '
	shopify 500
	expect_no_part "$TOKEN" out err sout serr
	expect_grep "\"failure_type\":\"transient_error\"" out
	expect_grep "gave up after" serr
'

t 'a process holding a secret is not dumpable and its core limit is 0' '
	expect_eq "dumpable 0 core 0 0" "$(tt-base nodump s3cret)"
'

# shellcheck disable=SC3045 # dash and bash have ulimit -c; else a skip
if [ -r /proc/self/limits ] && (ulimit -c unlimited) 2>/dev/null; then
t 'integ-fetch with a ${VAR} secret has Max core file size 0; without, unchanged' '
	ulimit -c unlimited
	printf "reply\npath /*\nalways\ndelay 1\nbody {}\n" >s.scn
	mock_start "$PWD/s.scn"
	n=0
	for h in "X-Api-Key: \${TOK}" "X-Plain: nothing"; do
		n=$((n + 1))
		integ-fetch -H "$h" "$MOCK_URL/slow" >/dev/null &
		pid=$!
		i=0
		while [ "$(wc -l <"$MOCK_LOG")" -lt $n ] && [ $i -lt 100 ]; do
			sleep 0.05; i=$((i + 1))
		done
		grep "^Max core file size" /proc/$pid/limits >>limits
		wait $pid
	done
	expect_eq 2 "$(wc -l <limits | tr -d " ")"
	expect_eq "0 0" "$(sed -n 1p limits | awk "{print \$5, \$6}")"
	# ASan sets the soft limit to 0 itself: then only the hard one says
	if [ -n "${INTEG_SANITIZED:-}" ]; then
		expect_eq "unlimited" "$(sed -n 2p limits | awk "{print \$6}")"
		expect_eq "dumpable 1 core -1" "$(tt-base nodump | cut -d" " -f1-3,5)"
	else
		expect_eq "unlimited unlimited" "$(sed -n 2p limits | awk "{print \$5, \$6}")"
		expect_eq "dumpable 1 core -1 -1" "$(tt-base nodump)"
	fi
	expect_eq "dumpable 0 core 0 0" "$(tt-base nodump s3cret)"
'
else
	skip 'integ-fetch core limit' 'no /proc/PID/limits or ulimit -c unlimited refused'
fi

done_testing
