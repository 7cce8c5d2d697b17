#!/bin/sh
# integ-fetch pagination: --next, --link, --cursor/--has-more, --offset and
# --limit, --page, --total with --parallel, --max-pages, loops.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

# the value at a jq path in each output line
col() { jq -c "$1" out | tr "\n" " "; }

t '--next: absolute, then relative URLs, until an empty next' '
	mock_start fetch-page
	integ-fetch --next next "$MOCK_URL/abs/1" >out
	expect_eq "[1] [2] [3] " "$(col .results)"
	expect_eq "/abs/1 /abs/2 /abs/3 " "$(mock_log .path | tr "\n" " ")"
'

t '--next: a nested path; an absent or null next ends it' '
	mock_start fetch-page
	integ-fetch --next paging.next "$MOCK_URL/nested" >out
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	integ-fetch --next .next "$MOCK_URL/nulled" >out
	expect_eq 1 "$(wc -l <out | tr -d " ")"
'

t '--next URLs are followed as given: -q only on the first request' '
	mock_start fetch-page
	integ-fetch -q x=1 --next next "$MOCK_URL/abs/1" >out 2>err
	expect_eq "x=1  x=1 " "$(mock_log .query | tr "\n" " ")"
'

t '--link: several links, two headers, a folded line, rel in any case' '
	mock_start fetch-page
	integ-fetch --link -q per_page=2 "$MOCK_URL/gh" >out
	expect_eq "[1,2] [3,4] [5] " "$(col .)"
	expect_eq 3 "$(mock_log .n | wc -l | tr -d " ")"
	expect_eq 1 "$(mock_connections)"
'

t '--cursor with --has-more (Stripe): -q on every request, stops on false' '
	mock_start fetch-page
	integ-fetch --cursor "starting_after=data[-1].id" --has-more has_more \
	    -q limit=2 "$MOCK_URL/stripe" >out
	expect_eq "[\"a\",\"b\"] [\"c\"] [] " "$(col "[.data[].id]")"
	expect_eq "limit=2 limit=2&starting_after=b limit=2&starting_after=c " \
	    "$(mock_log .query | tr "\n" " ")"
'

t '--cursor: a null cursor ends it; cursors are encoded' '
	mock_start fetch-page
	integ-fetch --cursor cursor=cursor "$MOCK_URL/cur" >out
	expect_eq "[1] [2] " "$(col .items)"
	expect_eq "cursor=x%201" "$(mock_log .query | sed -n 2p)"
'

t '--offset with --limit: steps by the limit, ends on a short page' '
	mock_start fetch-page
	integ-fetch --offset offset --limit limit=2 --records items "$MOCK_URL/off" >out
	expect_eq "[1,2] [3,4] [5] " "$(col .items)"
	expect_eq "limit=2&offset=0 limit=2&offset=2 limit=2&offset=4 " "$(mock_log .query | tr "\n" " ")"
'

t '--page: from 1 by default, ends on an empty page; START given' '
	mock_start fetch-page
	integ-fetch --page page --records items "$MOCK_URL/pg" >out
	expect_eq "[1,2] [3] [] " "$(col .items)"
	expect_eq "1 2 3 " "$(mock_log ".args.page[0]" | tr "\n" " ")"
	mock_stop; rm -f mock.log
	mock_start fetch-page
	integ-fetch --page page=2 --records items "$MOCK_URL/pg" >out
	expect_eq "[3] [] " "$(col .items)"
'

t '--max-pages bounds any mode' '
	mock_start fetch-page
	integ-fetch --next next --max-pages 2 "$MOCK_URL/abs/1" >out
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
'

# the last two bytes of the output: 090a is the end-of-data line
last2() { tail -c 2 | od -An -tx1 | tr -d " \n"; }
# the scenario's replies, every one back
reset() { curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null; }

t '--max-pages with more pages left: no end-of-data line, in every mode' '
	mock_start fetch-page
	for m in "--next next /abs/1 2 3" "--link -q per_page=2 /gh 2 3" \
	    "--cursor starting_after=data[-1].id --has-more has_more /stripe 2 3" \
	    "--cursor cursor=cursor /cur 1 2" \
	    "--offset offset --limit limit=2 --records items /off 2 3" \
	    "--page page --records items /pg 2 3" \
	    "--offset offset --limit limit=2 --records items --total total /tot 3 4"; do
		set -- $m
		eval "all=\${$#}"
		eval "cut=\${$(($# - 1))}"
		eval "url=\${$(($# - 2))}"
		opts=$(echo "$m" | sed "s| $url $cut $all\$||")
		reset
		integ-fetch $opts --max-pages $cut "$MOCK_URL$url" 2>err | last2 >got
		expect_no_grep 090a got
		expect_grep "cut at --max-pages $cut" err
		reset
		integ-fetch $opts --max-pages $all "$MOCK_URL$url" 2>err | last2 >got
		expect_eq 090a "$(cat got)"
		expect_no_grep "max-pages" err
	done
'

t '--total: the known pages fetched at once, written in page order' '
	mock_start fetch-page
	integ-fetch --offset offset --limit limit=2 --records items --total total \
	    --parallel 3 "$MOCK_URL/tot" >out
	expect_eq "[1,2] [3,4] [5,6] [7] " "$(col .items)"
	expect_eq 4 "$(mock_log .n | wc -l | tr -d " ")"
	# offset 4 and 6 were asked for while offset 2 was still being served
	t2=$(jq -r "select(.args.offset[0]==\"2\") | .time" mock.log)
	t6=$(jq -r "select(.args.offset[0]==\"6\") | .time" mock.log)
	awk -v a="$t2" -v b="$t6" "BEGIN { exit !(b < a + 0.3) }"
'

t '--page with --total: the page size is the first page'"'"'s record count' '
	mock_start fetch-page
	integ-fetch --page page --records results --total count "$MOCK_URL/totp" >out
	expect_eq "[\"a\",\"b\"] [\"c\",\"d\"] [\"e\"] " "$(col .results)"
	expect_eq 3 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'a repeated next URL is a pagination loop: 76 after the pages' '
	mock_start fetch-page
	expect_exit 76 integ-fetch --next next "$MOCK_URL/loop" >out 2>err
	expect_grep "pagination loop" err
	expect_eq 1 "$(mock_log .n | wc -l | tr -d " ")"
	expect_eq 2 "$(wc -l <out | tr -d " ")"
	sed -n 2p out | grep -q "^integ-error: 76 "
'

t 'a repeated cursor and a Link to the same page are loops too' '
	mock_start fetch-page
	expect_exit 76 integ-fetch --cursor c=next_cursor "$MOCK_URL/cloop" >out 2>err
	expect_grep "the cursor same again" err
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
	expect_exit 76 integ-fetch --link "$MOCK_URL/linkloop" >out 2>err
	expect_grep "pagination loop" err
'

t '--next: a cut page is 76, unwritten; escaped URLs are decoded' '
	mock_start fetch-page
	expect_exit 76 integ-fetch --next next "$MOCK_URL/cut" >out 2>err
	expect_grep "not JSON" err
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	integ-fetch --next next "$MOCK_URL/escaped" >out
	expect_eq "1 [3] " "$(jq -c ".n // .results" out | tr "\n" " ")"
'

t '--next: of a name given twice, the last is followed (as jq)' '
	mock_start fetch-page
	integ-fetch --next next "$MOCK_URL/twice" >out
	expect_eq "/twice /abs/3 " "$(mock_log .path | tr "\n" " ")"
'

done_testing
