#!/bin/sh
# Pagination that never ends: a page that repeats the page before it (the
# same body, or the same records) is a pagination loop, exit 76, in every
# paging mode, in integ-fetch and in connectors; pages without records
# are not compared, so APIs that pass through empty pages still work.
# Every loop test has --max-pages, so a build without the check ends too.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need jq || skip_all 'no jq'

requests() { mock_log .n | wc -l | tr -d " "; }
lines() { wc -l <"$1" | tr -d " "; }

t '--page: a server that serves the same page for ever is a loop, 76, naming the URL' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --max-pages 50 --page page --records items "$MOCK_URL/pages" >out 2>err
	expect_eq 4 "$(lines out)" "three pages and the error"
	expect_eq "{\"items\":[5,6]}" "$(sed -n 3p out)"
	expect_grep "integ-error: 76 GET $MOCK_URL/pages?page=4: pagination loop" out
	expect_grep "the same records as the page before it" err
	[ "$(requests)" -le 7 ] || { echo "$(requests) requests"; false; }
'

t '--offset: the last page served again past the end is a loop' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --max-pages 50 --offset offset --limit limit=2 --records items "$MOCK_URL/offset" >out 2>err
	expect_eq 3 "$(lines out)"
	expect_grep "offset=4" err
	expect_grep "pagination loop" err
'

t '--page with --total: pages fetched at once that are all the same: 76 on the second' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --page page --limit per_page=2 --records items --total total --parallel 3 "$MOCK_URL/total" >out 2>err
	expect_eq 2 "$(lines out)" "the first page and the error"
	expect_grep "page=2" err
	expect_grep "pagination loop" err
'

t '--next: a link that changes a harmless parameter over the same records is a loop' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --max-pages 50 --next next --records items "$MOCK_URL/harmless" >out 2>err
	expect_eq 2 "$(lines out)"
	expect_grep "junk=1: pagination loop" err
	: >mock.log
	# without --records: the body but for the next URL
	expect_exit 76 integ-fetch --max-pages 50 --next next "$MOCK_URL/harmless" >out 2>err
	expect_eq 2 "$(lines out)"
	expect_grep "the same body as the page before it, but for the next URL" err
'

t '--link: new Link headers over the same body is a loop' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --max-pages 50 --link "$MOCK_URL/link" >out 2>err
	expect_eq 2 "$(lines out)"
	expect_grep "junk=1: pagination loop: the same body as the page before it" err
'

t '--cursor: a cursor that changes over the same records is a loop (--records)' '
	mock_start fetch-loop
	expect_exit 76 integ-fetch --max-pages 50 --cursor after=cursor --records data "$MOCK_URL/cursor" >out 2>err
	expect_eq 2 "$(lines out)"
	expect_grep "after=c1: pagination loop: the same records" err
'

t 'empty pages in the middle and two at the end of a --next chain are no loop' '
	mock_start fetch-loop
	integ-fetch --next next "$MOCK_URL/empty" >out
	expect_eq 6 "$(lines out)"
	integ-fetch --next next --records items "$MOCK_URL/empty" >out
	expect_eq 6 "$(lines out)"
	integ-fetch --link "$MOCK_URL/ghempty" >out
	expect_eq 3 "$(lines out)"
	integ-fetch --cursor cursor=meta.next_cursor --has-more has_more "$MOCK_URL/slack" >out
	expect_eq 3 "$(lines out)"
	integ-fetch --next next --records items "$MOCK_URL/differ" >out
	expect_eq 2 "$(lines out)"
'

t 'a connector whose next links repeat the records: TRACE ERROR, INCOMPLETE, no STATE, 76' '
	cat >s.scn <<SCN
dataset pokeapi
reply
path /api/v2/berry
query limit=5
body {"count":15,"next":"%URL/api/v2/berry?limit=5&junk=1","previous":null,"results":[{"name":"cheri","url":"%URL/api/v2/berry/1/"}]}
reply
path /api/v2/berry
arg junk=*
body {"count":15,"next":"%URL/api/v2/berry?limit=5&junk=2","previous":"%URL/api/v2/berry?limit=5&junk=0","results":[{"name":"cheri","url":"%URL/api/v2/berry/1/"}]}
times 100
SCN
	mock_start s.scn
	printf "{\"url\":\"%s/api/v2\",\"page_size\":5}\n" "$MOCK_URL" >config.json
	full_refresh source-pokeapi berry
	expect_exit 76 source-pokeapi read --config config.json --catalog catalog.json >out
	expect_eq 1 "$(grep -c "\"type\":\"RECORD\"" out || :)" "RECORD messages"
	expect_eq 0 "$(grep -c "\"type\":\"STATE\"" out || :)" "STATE messages"
	expect_grep "\"INCOMPLETE\"" out
	jq -r "select(.trace.error) | .trace.error.message" out >msg
	expect_grep "pagination loop" msg
	[ "$(requests)" -le 5 ] || { echo "$(requests) requests"; false; }
'

done_testing
