#!/bin/sh
# t-examples.sh: the shell-scripted syncs of examples/, run against the
# mock's github and stripe datasets (tests/mock/datasets_examples.py):
# twice (everything, then only what is new, the bookmark sent as a query
# parameter), with a failure injected mid-run (the state file untouched,
# a non-zero exit), and with the token kept out of every output and away
# from a foreign origin.
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need curl || skip_all 'no curl'
need jq || skip_all 'no jq'

EX=$TOP/examples
GITHUB_TOKEN=$(jq -r .token "$TESTS/data/github/github.json")
STRIPE_API_KEY=$(jq -r .token "$TESTS/data/stripe/stripe.json")
GITHUB_REPO=integ-test/widgets
PER_PAGE=5 LIMIT=10
export GITHUB_TOKEN STRIPE_API_KEY GITHUB_REPO PER_PAGE LIMIT

curl() { command curl --max-time 5 "$@"; }
# start: the mock with both datasets, the scripts pointed at it
start() {
	mock_start --dataset github --dataset stripe "$@"
	GITHUB_API_URL=$MOCK_URL STRIPE_API_URL=$MOCK_URL STATE_FILE=$PWD/state.json
	export GITHUB_API_URL STRIPE_API_URL STATE_FILE
}
# add STREAM JSON: add or replace records through the control endpoint
add() {
	curl -sS -f -X POST --data-binary "$2" "$MOCK_URL/_mock/dataset/$1" >/dev/null
}
# fault JSON: inject failures (POST /_mock/fault)
fault() { curl -sS -f -X POST --data-binary "$1" "$MOCK_URL/_mock/fault" >/dev/null; }
# run NAME SCRIPT: run examples/SCRIPT, output in NAME.out, NAME.err
run() { sh "$EX/$2" >"$1.out" 2>"$1.err"; }
# types FILE: the message types, counted, one line
types() { jq -r .type "$1" | sort | uniq -c | xargs; }
# records FILE FIELD: FIELD of each record, one a line (Singer or Airbyte)
records() { jq -r "select(.type == \"RECORD\") | (.record.data // .record).$2" "$1"; }
# requests FROM: the logged requests from number FROM on, as path?query
requests() { jq -r "select(.n >= $1) | .path + \"?\" + .query" "$MOCK_LOG"; }
# no_secret FILE...: neither token is in any of the files
no_secret() {
	for _f in "$@"; do
		expect_no_grep "$GITHUB_TOKEN" "$_f"
		expect_no_grep "$STRIPE_API_KEY" "$_f"
	done
}
nlog() { wc -l <"$MOCK_LOG" | tr -d ' '; }

# --- the datasets --------------------------------------------------------

# gh PATH [curl options]: GET $MOCK_URL/PATH with the GitHub token; headers
# in ./hdr, body in ./body, the status code on stdout
gh() {
	_p=$1; shift
	curl -sS -D hdr -o body -w '%{http_code}' \
	    -H "Authorization: Bearer $GITHUB_TOKEN" "$@" "$MOCK_URL/$_p"
}
st() {
	_p=$1; shift
	curl -sS -D hdr -o body -w '%{http_code}' \
	    -H "Authorization: Bearer $STRIPE_API_KEY" "$@" "$MOCK_URL/$_p"
}
# link REL: the URL of the Link with rel=REL in ./hdr
link() {
	grep -i '^Link:' hdr | sed 's/^[^:]*: *//' | tr -d '\r' | tr ',' '\n' |
	    sed -n "s/^ *<\\([^>]*\\)>; rel=\"$1\"\$/\\1/p"
}

t 'datasets: the committed data files are what the generator makes' '
	python3 "$TESTS/mock/datasets_examples.py" gen
	diff -r gen/github "$TESTS/data/github"
	diff -r gen/stripe "$TESTS/data/stripe"
'

t 'github dataset: token, Link pages, since, sort, issues and comments' '
	start
	expect_eq 401 "$(curl -sS -o body -w "%{http_code}" "$MOCK_URL/repos/integ-test/widgets/issues")"
	expect_eq "Bad credentials" "$(jq -r .message body)"
	expect_eq 200 "$(curl -sS -o body -w "%{http_code}" -H "Authorization: token $GITHUB_TOKEN" \
	    "$MOCK_URL/repos/integ-test/widgets/issues")"
	expect_eq "12 11 9 8 7 6 4 3 2 1" "$(echo $(jq ".[].number" body))" "open, newest created first"
	expect_eq 200 "$(gh "repos/integ-test/widgets/issues?per_page=5&state=all&sort=updated&direction=asc")"
	expect_eq "1 2 3 4 5" "$(echo $(jq ".[].number" body))"
	expect_eq "$MOCK_URL/repos/integ-test/widgets/issues?per_page=5&state=all&sort=updated&direction=asc&page=2" "$(link next)"
	expect_eq "$MOCK_URL/repos/integ-test/widgets/issues?per_page=5&state=all&sort=updated&direction=asc&page=3" "$(link last)"
	test -z "$(link prev)"
	expect_eq 200 "$(gh "repos/integ-test/widgets/issues?per_page=5&state=all&sort=updated&direction=asc&page=3")"
	expect_eq "11 12" "$(echo $(jq ".[].number" body))"
	test -z "$(link next)"
	expect_grep "page=2>; rel=\"prev\"" hdr
	expect_grep "X-RateLimit-Remaining: " hdr
	expect_eq 200 "$(gh "repos/integ-test/widgets/issues?state=all&since=2024-11-09T00:00:00Z")"
	expect_eq "12 11 10 9" "$(echo $(jq ".[].number" body))"
	expect_eq 422 "$(gh "repos/integ-test/widgets/issues?since=yesterday")"
	expect_eq 404 "$(gh repos/other/repo/issues)"
	expect_eq 200 "$(gh repos/integ-test/widgets/issues/7)"
	expect_eq "$MOCK_URL/repos/integ-test/widgets/issues/7/comments" "$(jq -r .comments_url body)"
	expect_eq 200 "$(gh repos/integ-test/widgets/issues/8/comments)"
	expect_eq "Comment 1 on #8. Comment 2 on #8." "$(echo $(jq -r ".[].body" body))"
	expect_eq 404 "$(gh repos/integ-test/widgets/issues/99)"
'

t 'stripe dataset: key, list objects newest first, cursors, created filters' '
	start
	expect_eq 401 "$(curl -sS -o body -w "%{http_code}" "$MOCK_URL/v1/customers")"
	expect_eq invalid_request_error "$(jq -r .error.type body)"
	expect_eq 200 "$(st "v1/customers?limit=3")"
	expect_eq "list true 3" "$(jq -r "[.object, .has_more, (.data | length)] | join(\" \")" body)"
	expect_eq "25 24 23" "$(echo $(jq -r ".data[].metadata.n" body))"
	last=$(jq -r ".data[-1].id" body)
	expect_eq 200 "$(st "v1/customers?limit=3&starting_after=$last")"
	expect_eq "22 21 20" "$(echo $(jq -r ".data[].metadata.n" body))"
	expect_eq 200 "$(st "v1/customers?limit=2&ending_before=$last")"
	expect_eq "25 24" "$(echo $(jq -r ".data[].metadata.n" body))"
	expect_eq 200 "$(st "v1/customers?limit=100&created%5Bgte%5D=1730462484")"
	expect_eq "25 24 23 22 21 20 19 18 17 16 15 14 13 12 false" \
	    "$(echo $(jq -r ".data[].metadata.n, .has_more" body))" "12 and 13 share a second"
	expect_eq 200 "$(st "v1/customers?created%5Bgt%5D=1730462484&created%5Blte%5D=1730473305")"
	expect_eq "15 14" "$(echo $(jq -r ".data[].metadata.n" body))"
	expect_eq 400 "$(st "v1/customers?limit=0")"
	expect_eq 400 "$(st "v1/customers?starting_after=cus_nope")"
	expect_eq 400 "$(st "v1/customers?created%5Bgte%5D=today")"
	expect_eq 200 "$(st "v1/customers/$last")"
	expect_eq "$last" "$(jq -r .id body)"
	expect_eq 404 "$(st v1/customers/cus_nope)"
	expect_eq 200 "$(st "v1/charges?limit=100")"
	expect_eq 13 "$(jq ".data | length" body)"
'

# --- github-issues.sh ----------------------------------------------------

t 'github-issues: everything, then only what changed since the bookmark' '
	start
	run 1 github-issues.sh
	expect_eq "12 RECORD 1 SCHEMA 1 STATE" "$(types 1.out)"
	expect_eq 3 "$(nlog)" "requests (5 a page, Link paging)"
	expect_eq 2024-11-10T02:12:00Z \
	    "$(integ-state get state.json issues updated_at)"
	expect_eq "Bearer $GITHUB_TOKEN" "$(mock_log ".headers.Authorization" | sort -u)"
	# a new issue, and a comment on #4 that updates it
	add issues "[$(jq -c ".streams.issues[3] | .updated_at = \"2024-11-12T08:00:00Z\"" \
	    "$TESTS/data/github/github.json"),
	    {\"id\": 2700000001, \"number\": 13, \"title\": \"new\", \"state\": \"open\",
	     \"created_at\": \"2024-11-12T09:00:00Z\", \"updated_at\": \"2024-11-12T09:00:00Z\"}]"
	cp state.json state.1
	run 2 github-issues.sh
	expect_eq 2024-11-10T02:12:00Z "$(mock_log "select(.n == 4) | .args.since[0]")" since
	expect_eq "13 4 12" "$(echo $(records 2.out number))" "records of run 2, newest first"
	expect_eq 1 "$(requests 4 | wc -l | tr -d " ")"
	expect_eq 2024-11-12T09:00:00Z \
	    "$(integ-state get state.json issues updated_at)"
	no_secret 1.out 1.err 2.out 2.err state.json
	if have_conformance; then check_singer 1.out; check_singer 2.out; fi
'

t 'github-issues: a 500 past the retries on page 2 leaves the state as it was' '
	start
	run 1 github-issues.sh
	cp state.json state.1
	add issues "{\"id\": 2700000001, \"number\": 13, \"state\": \"open\",
	    \"created_at\": \"2024-11-12T09:00:00Z\", \"updated_at\": \"2024-11-12T09:00:00Z\"}"
	PER_PAGE=1 && export PER_PAGE
	fault "{\"dataset\":\"github\",\"status\":500,\"count\":50,\"after\":1}"
	expect_exit 75 run 2 github-issues.sh
	cmp state.1 state.json
	expect_eq 7 "$(requests 4 | wc -l | tr -d " ")" "1 page + 6 tries"
	expect_grep "integ-error: 75" 2.out
	expect_no_grep "\"STATE\"" 2.out
	no_secret 2.out 2.err
'

t 'github-issues: a wrong token is 77, masked, and the state stays' '
	start
	run 1 github-issues.sh
	cp state.json state.1
	GITHUB_TOKEN=ghp_wrongTOKENwrongTOKENwrong && export GITHUB_TOKEN
	expect_exit 77 run 2 github-issues.sh
	cmp state.1 state.json
	expect_no_grep ghp_wrongTOKEN 2.err
	expect_no_grep ghp_wrongTOKEN 2.out
	expect_grep 401 2.err
'

t 'github-issues: a Link to a foreign origin gets no token' '
	mock_start --dataset github
	other=$MOCK_URL otherlog=$MOCK_LOG
	cat >home.scn <<-SCN
	reply
	path /repos/integ-test/widgets/issues
	arg page=2
	status 200
	header Content-Type: application/json
	header Link: <$other/repos/integ-test/widgets/issues?page=3&per_page=5>; rel="next"
	body []
	SCN
	start "$PWD/home.scn"
	expect_exit 77 run 1 github-issues.sh
	test ! -e state.json
	expect_eq 1 "$(wc -l <"$otherlog" | tr -d " ")" "requests at the other origin"
	expect_eq null "$(jq -r .headers.Authorization "$otherlog")"
	no_secret "$otherlog" 1.out 1.err
'

# --- stripe-customers.sh -------------------------------------------------

t 'stripe-customers: everything, then only the customers created since' '
	start
	run 1 stripe-customers.sh
	expect_eq "25 RECORD 1 STATE 3 TRACE" "$(types 1.out)"
	expect_eq 3 "$(nlog)" "pages of 10"
	expect_eq 1730509375 "$(integ-state get state.json customers created)"
	expect_eq "cus_Mock0001675664 cus_Mock0000628374" \
	    "$(echo $(mock_log ".args.starting_after[0] // empty"))"
	add customers "[{\"id\":\"cus_New1\",\"object\":\"customer\",\"created\":1730600000,\"name\":\"Ida Rhodes\"},
	    {\"id\":\"cus_New2\",\"object\":\"customer\",\"created\":1730600100,\"name\":\"Kay McNulty\"}]"
	LIMIT=2 && export LIMIT
	run 2 stripe-customers.sh
	expect_eq "1730509375 1730509375" \
	    "$(echo $(mock_log "select(.n > 3) | .args[\"created[gte]\"][0]"))" \
	    "created[gte] on both pages"
	expect_eq "cus_New2 cus_New1 cus_Mock0002618225" "$(echo $(records 2.out id))"
	expect_eq 1730600100 "$(integ-state get state.json customers created)"
	no_secret 1.out 1.err 2.out 2.err state.json
	if have_conformance; then validate_airbyte 1.out; validate_airbyte 2.out; fi
'

t 'stripe-customers: a failure on page 2 leaves the state as it was' '
	start
	run 1 stripe-customers.sh
	cp state.json state.1
	add customers "{\"id\":\"cus_New1\",\"created\":1730600000}"
	LIMIT=1 && export LIMIT
	fault "{\"dataset\":\"stripe\",\"status\":500,\"count\":50,\"after\":1}"
	expect_exit 75 run 2 stripe-customers.sh
	cmp state.1 state.json
	expect_grep "\"INCOMPLETE\"" 2.out
	expect_no_grep "\"STATE\"" 2.out
	# the first run failing makes no state file at all
	rm state.json
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	fault "{\"dataset\":\"stripe\",\"status\":401,\"count\":1,\"after\":2}"
	LIMIT=10 && export LIMIT
	expect_exit 77 run 3 stripe-customers.sh
	test ! -e state.json
	no_secret 2.out 2.err 3.out 3.err
'

# --- github-comments.sh (fan-out) ----------------------------------------

t 'github-comments: the comments of the issues changed since the bookmark' '
	start
	run 1 github-comments.sh
	expect_eq "12 RECORD 1 SCHEMA 1 STATE" "$(types 1.out)"
	expect_eq 8 "$(mock_log .path | grep -c /comments)" "issues with comments"
	b=$(integ-state get state.json comments updated_at)
	expect_eq 2024-11-09T01:57:00Z "$b"
	# a comment on #3, which had none, updates the issue
	add issues "$(jq -c ".streams.issues[2] | .comments = 1 | .updated_at = \"2024-11-12T08:00:00Z\"" \
	    "$TESTS/data/github/github.json")"
	add comments "{\"id\":2500000001,\"issue_url\":\"%URL/repos/integ-test/widgets/issues/3\",
	    \"body\":\"me too\",\"created_at\":\"2024-11-12T08:00:00Z\",\"updated_at\":\"2024-11-12T08:00:00Z\"}"
	n=$(($(nlog) + 1))
	run 2 github-comments.sh
	requests "$n" >req2
	expect_eq 0 "$(grep -vc "since=2024-11-09T01%3[aA]57%3[aA]00Z" req2)" "since on every request"
	expect_eq "/repos/integ-test/widgets/issues/11/comments /repos/integ-test/widgets/issues/3/comments" \
	    "$(echo $(sed -n "s/?.*//p" req2 | grep /comments | sort))"
	expect_eq "2024-11-09T01:57:00Z 2024-11-12T08:00:00Z" "$(echo $(records 2.out updated_at))"
	expect_eq 2024-11-12T08:00:00Z "$(integ-state get state.json comments updated_at)"
	no_secret 1.out 1.err 2.out 2.err
'

t 'github-comments: a failure in the fan-out leaves the state as it was' '
	start
	run 1 github-comments.sh
	cp state.json state.1
	fault "{\"dataset\":\"github\",\"status\":503,\"count\":50,\"path\":\"*/comments\"}"
	expect_exit 75 run 2 github-comments.sh
	cmp state.1 state.json
	expect_no_grep "\"STATE\"" 2.out
	no_secret 2.out 2.err
'

t 'github-comments: a failure listing the issues leaves the state as it was' '
	start
	run 1 github-comments.sh
	cp state.json state.1
	PER_PAGE=1 && export PER_PAGE
	fault "{\"dataset\":\"github\",\"status\":500,\"count\":50,\"after\":1,\"path\":\"*/issues\"}"
	expect_exit 75 run 2 github-comments.sh
	cmp state.1 state.json
	expect_grep "integ-error: 75" 2.out
	expect_no_grep "\"STATE\"" 2.out
'

t 'github-comments: nothing changed since the bookmark: no fan-out, exit 0' '
	start
	integ-state set state.json comments updated_at 2030-01-01T00:00:00Z
	run 1 github-comments.sh
	expect_eq "1 SCHEMA 1 STATE" "$(types 1.out)"
	expect_eq 1 "$(nlog)" "the list alone"
	expect_eq 2030-01-01T00:00:00Z "$(integ-state get state.json comments updated_at)"
	test ! -s 1.err
'

t 'an unset token is 78 before any request, and no state is made' '
	start
	unset GITHUB_TOKEN STRIPE_API_KEY
	expect_exit 78 run 1 github-issues.sh
	expect_exit 78 run 2 stripe-customers.sh
	expect_exit 78 run 3 github-comments.sh
	expect_grep GITHUB_TOKEN 1.err
	expect_grep STRIPE_API_KEY 2.err
	test ! -e state.json
	test ! -s "$MOCK_LOG"
'

t 'github-comments: a comments_url at another origin is not fetched' '
	start
	add issues "$(jq -c ".streams.issues[2] | .comments = 1 |
	    .comments_url = \"http://127.0.0.2:1/steal\"" "$TESTS/data/github/github.json")"
	run 1 github-comments.sh
	expect_no_grep 127.0.0.2 1.err
	expect_eq 0 "$(mock_log .path | grep -c /issues/3/)"
	expect_eq "12 RECORD 1 SCHEMA 1 STATE" "$(types 1.out)"
'

t 'the examples are shellcheck clean' '
	need shellcheck || exit 0
	shellcheck -S warning "$EX"/*.sh
'

done_testing
