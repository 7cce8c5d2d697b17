#!/bin/sh
# integ-fetch --urls-from and --parallel: every URL paginated with the
# same options, several at once, output in input order.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

urls() { for i in "$@"; do echo "$MOCK_URL/u/$i"; done; }

t '--urls-from: in input order though the first is slowest' '
	mock_start fetch-parallel
	urls 1 2 3 4 5 6 >list
	integ-fetch --next next --parallel 4 --urls-from list >out
	expect_eq "1.1 1.2 2.1 2.2 3.1 4.1 5.1 6.1 " "$(jq -r "\"\(.u).\(.p)\"" out | tr "\n" " ")"
	# the others were asked for while the first was still delayed
	t1=$(jq -r "select(.path==\"/u/1\" and .query==\"\") | .time" mock.log)
	t3=$(jq -r "select(.path==\"/u/3\") | .time" mock.log)
	awk -v a="$t1" -v b="$t3" "BEGIN { exit !(b < a + 0.4) }"
'

t '--urls-from -: stdin, blank lines skipped, with URLs given as arguments first' '
	mock_start fetch-parallel
	{ echo; urls 4; echo "   "; urls 5; } | integ-fetch --urls-from - "$MOCK_URL/u/3" >out
	expect_eq "3 4 5 " "$(jq -r .u out | tr "\n" " ")"
'

t '--parallel 1: one at a time, one connection' '
	mock_start fetch-parallel
	urls 3 4 5 6 >list
	integ-fetch --parallel 1 --urls-from list >out
	expect_eq "3 4 5 6 " "$(jq -r .u out | tr "\n" " ")"
	expect_eq 1 "$(mock_connections)"
'

t 'a failing URL: what came before it, then the trailer' '
	mock_start fetch-parallel
	{ urls 3 4; echo "$MOCK_URL/bad"; urls 5; } >list
	expect_exit 69 integ-fetch --urls-from list >out 2>err
	expect_eq 3 "$(wc -l <out | tr -d " ")"
	expect_eq "3 4 " "$(head -n 2 out | jq -r .u | tr "\n" " ")"
	sed -n 3p out | grep -q "^integ-error: 69 GET $MOCK_URL/bad: 404"
'

t 'a missing --urls-from file is 66; a bad URL in it is 65, with a trailer' '
	expect_exit 66 integ-fetch --urls-from nonexistent >out 2>err
	expect_grep "nonexistent" err
	echo "ftp://x/" >list
	expect_exit 65 integ-fetch --urls-from list >out 2>err
	grep -q "^integ-error: 65 " out
	mock_start fetch-parallel
	{ urls 3; echo "not a url"; } >list
	expect_exit 65 integ-fetch --urls-from list >out 2>err
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	grep -q "^integ-error: 65 " out
	expect_exit 64 integ-fetch "ftp://x/" >out 2>err
	test ! -s out
'

t '--urls-from: an upstream trailer ends the list and is passed on' '
	mock_start fetch-parallel
	{ urls 3; echo "integ-error: 75 GET x: gave up"; urls 4; } >list
	expect_exit 75 integ-fetch --urls-from list >out 2>err
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 3 "$(head -n 1 out | jq -r .u)"
	expect_eq "integ-error: 75 GET x: gave up" "$(sed -n 2p out)"
	expect_eq 1 "$(mock_log .path | wc -l | tr -d " ")"
	test ! -s err
'

t '--urls-from: an empty list is nothing to do' '
	: | integ-fetch --urls-from - >out 2>err
	test ! -s out
	test ! -s err
	expect_exit 64 integ-fetch >out 2>err
'

done_testing
