#!/bin/sh
# t-mock-dataset.sh: the mock server's dataset mode (tests/mock/datasets.py):
# the PokeAPI- and Shopify-shaped datasets, their paging, filters, errors,
# call-limit bucket and injected faults, and records changed between reads,
# driven with curl and checked with jq (and grep where jq 1.6 would round
# an id beyond 2^53).
. "$(dirname "$0")/lib.sh"

need python3 || skip_all 'no python3'
need curl || skip_all 'no curl'
need jq || skip_all 'no jq'

curl() { command curl --max-time 5 "$@"; }

DATA=$TESTS/data
TOKEN=$(jq -r .access_token "$DATA/shopify/shopify.json")
export TOKEN

# code URL [curl options]: the status code of GET URL
code() { _u=$1; shift; curl -sS -o /dev/null -w '%{http_code}' "$@" "$_u"; }
# shop PATH [curl options]: GET $MOCK_URL/admin/api/2024-10/PATH with the
# token; headers in ./hdr, body in ./body, the status code on stdout
shop() {
	_p=$1; shift
	curl -sS -D hdr -o body -w '%{http_code}' \
	    -H "X-Shopify-Access-Token: $TOKEN" "$@" \
	    "$MOCK_URL/admin/api/2024-10/$_p"
}
# shopurl URL: the same for a whole URL (a Link)
shopurl() {
	curl -sS -D hdr -o body -w '%{http_code}' \
	    -H "X-Shopify-Access-Token: $TOKEN" "$1"
}
# hdr NAME: the value of header NAME in ./hdr
hdr() { grep -i "^$1:" hdr | sed 's/^[^:]*: *//' | tr -d '\r'; }
# link REL: the URL of the Link with rel=REL in ./hdr
link() {
	hdr Link | tr ',' '\n' | sed -n "s/^ *<\\([^>]*\\)>; rel=\"$1\"\$/\\1/p"
}
# names: the order names of ./body, one a line
names() { jq -r '.orders[].name' body; }
# add STREAM JSON: add or replace records through the control endpoint
add() {
	# on stdin: records as the real API has them pass execve's limit
	printf '%s' "$2" |
	    curl -sS -f -X POST --data-binary @- "$MOCK_URL/_mock/dataset/$1" >/dev/null
}
# stat FILTER: a value of GET /_mock/stats
stat() { curl -sS "$MOCK_URL/_mock/stats" | jq -r "$1"; }
# ascending: the updated_at of every record in the files given, in order,
# are non-decreasing as instants (python: jq 1.6 cannot read offsets)
ascending() {
	jq -r '.[keys[0]][].updated_at' "$@" | python3 -c '
import sys, datetime
ts = [datetime.datetime.fromisoformat(l.strip()) for l in sys.stdin]
bad = [(a, b) for a, b in zip(ts, ts[1:]) if b < a]
sys.exit("out of order: %s" % bad[0] if bad else 0)'
}

# --- PokeAPI --------------------------------------------------------------

t 'pokeapi: pokemon paged to the end by next links, 20 a page' '
	mock_start --dataset pokeapi
	url=$MOCK_URL/api/v2/pokemon
	n=0
	while [ "$url" != null ]; do
		n=$((n + 1))
		curl -sS -f "$url" >page.$n
		url=$(jq -r .next page.$n)
		[ $n -lt 10 ]
	done
	expect_eq 3 $n pages
	expect_eq "60 60 60" "$(echo $(jq .count page.*))"
	expect_eq "20 20 20" "$(echo $(jq ".results | length" page.*))"
	jq -r ".results[].name" page.1 page.2 page.3 >names
	expect_eq 60 "$(sort -u names | wc -l | tr -d " ")"
	expect_eq bulbasaur "$(head -n 1 names)"
	expect_eq poliwag "$(tail -n 1 names)"
	expect_eq null "$(jq -r .previous page.1)"
	expect_eq "$MOCK_URL/api/v2/pokemon?offset=20&limit=20" "$(jq -r .next page.1)"
	expect_eq "$MOCK_URL/api/v2/pokemon?offset=0&limit=20" "$(jq -r .previous page.2)"
	expect_eq "$MOCK_URL/api/v2/pokemon/25/" \
	    "$(jq -r ".results[] | select(.name == \"pikachu\") | .url" page.2)"
	expect_eq "offset=20&limit=20 offset=40&limit=20" \
	    "$(echo $(mock_log .query | tail -n 2))"
	expect_eq "pokeapi pokeapi pokeapi" "$(echo $(mock_log .scenario_step))"
'

t 'pokeapi: berry and type lists page to the end with any limit' '
	mock_start --dataset pokeapi
	for s in berry type; do
		url="$MOCK_URL/api/v2/$s/?limit=4"
		while [ "$url" != null ]; do
			curl -sS -f "$url" >p
			jq -r ".results[].name" p >>"$s.names"
			url=$(jq -r .next p)
		done
		jq -r .count p >"$s.count"
	done
	expect_eq 15 "$(cat berry.count)"
	expect_eq 15 "$(sort -u berry.names | wc -l | tr -d " ")"
	expect_eq "cheri chesto pecha" "$(echo $(head -n 3 berry.names))"
	expect_eq 11 "$(cat type.count)"
	expect_eq 11 "$(wc -l <type.names | tr -d " ")"
	expect_eq "normal fighting flying" "$(echo $(head -n 3 type.names))"
	expect_eq 4 "$(mock_log .args.limit[0] | sort -u)"
	expect_eq 7 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'pokeapi: an offset past the end is an empty page; nonsense limit is 20' '
	mock_start --dataset pokeapi
	curl -sS "$MOCK_URL/api/v2/pokemon?offset=100&limit=20" >p
	expect_eq "60 0 null" "$(jq -r "[.count, (.results|length), .next] | map(tostring) | join(\" \")" p)"
	curl -sS "$MOCK_URL/api/v2/berry?limit=x" >p
	expect_eq 15 "$(jq -r ".results | length" p)"
	curl -sS "$MOCK_URL/api/v2/pokemon?limit=0" >p
	expect_eq "$MOCK_URL/api/v2/pokemon?offset=20&limit=20" "$(jq -r ".next" p)"
	curl -sS "$MOCK_URL/api/v2/type?offset=2&limit=5" >p
	expect_eq "$MOCK_URL/api/v2/type?offset=0&limit=5" "$(jq -r ".previous" p)"
	expect_eq "$MOCK_URL/api/v2/type?offset=7&limit=5" "$(jq -r ".next" p)"
	expect_eq "flyingpoison" "$(jq -r ".results[:2][].name" p | tr -d "\n")"
	curl -sS "$MOCK_URL/api/v2/pokemon?limit=1000" >p
	expect_eq "60 null" "$(jq -r "[(.results|length), .next] | map(tostring) | join(\" \")" p)"
'

t 'pokeapi: details by id and by name, for every url in the list' '
	mock_start --dataset pokeapi
	curl -sS -f "$MOCK_URL/api/v2/pokemon?limit=100" | jq -r ".results[].url" >urls
	expect_eq 60 "$(wc -l <urls | tr -d " ")"
	# one curl, one connection, 60 details
	curl -sS -f $(cat urls) | jq -s . >details
	expect_eq 60 "$(jq length details)"
	expect_eq "$(seq 1 60 | tr "\n" " ")" "$(jq -r ".[].id" details | tr "\n" " ")"
	# every field in every record
	expect_eq "" "$(jq -r ".[] | . as \$r | [\"id\", \"name\", \"base_experience\",
	    \"height\", \"weight\", \"order\", \"is_default\", \"species\", \"abilities\",
	    \"types\", \"stats\", \"location_area_encounters\"][] |
	    select(. as \$k | \$r | has(\$k) | not) | \"\(\$r.name) has no \(.)\"" details)"
	curl -sS -f "$MOCK_URL/api/v2/pokemon/pikachu" >by-name
	curl -sS -f "$MOCK_URL/api/v2/pokemon/25" >by-id
	expect_same by-name by-id
	expect_eq "25 pikachu 112 4 60 electric static,lightning-rod" \
	    "$(jq -r "[.id, .name, .base_experience, .height, .weight,
	        (.types[].type.name), ([.abilities[].ability.name] | join(\",\"))]
	        | join(\" \")" by-id)"
	expect_eq "hp attack defense special-attack special-defense speed" \
	    "$(echo $(jq -r ".stats[].stat.name" by-id))"
	expect_eq "$MOCK_URL/api/v2/pokemon/25/encounters" \
	    "$(jq -r .location_area_encounters by-id)"
	expect_eq "[]" "$(curl -sS -f "$MOCK_URL/api/v2/pokemon/25/encounters")"
	curl -sS -f "$MOCK_URL/api/v2/berry/oran/" | jq -r .firmness.name >firm
	[ -s firm ]
	expect_eq 13 "$(curl -sS -f "$MOCK_URL/api/v2/type/electric/" | jq ".id")"
	expect_eq "pikachu raichu" "$(echo $(curl -sS -f "$MOCK_URL/api/v2/type/13/" | jq -r ".pokemon[].pokemon.name"))"
'

t 'pokeapi: unknown paths, ids and names are 404 with a JSON body' '
	mock_start --dataset pokeapi
	for p in /api/v2/pokemon/61/ /api/v2/pokemon/missingno /api/v2/pokemon/Pikachu \
	    /api/v2/ability/9/ /api/v2/pokemon/25/nope /api/v3/pokemon /api; do
		expect_eq 404 "$(code "$MOCK_URL$p")" "$p"
	done
	expect_eq "{\"detail\":\"Not found.\"}" "$(curl -sS "$MOCK_URL/api/v2/pokemon/0")"
	expect_eq 405 "$(code "$MOCK_URL/api/v2/pokemon" -X POST)"
	# outside /api the dataset does not answer: the scenario default
	expect_eq 500 "$(code "$MOCK_URL/elsewhere")"
	expect_eq "pokemon berry type" "$(curl -sS "$MOCK_URL/api/v2/" | jq -r "keys_unsorted | join(\" \")")"
'

t 'pokeapi: records added and replaced between reads, reset restores' '
	mock_start --dataset pokeapi
	add pokemon "[{\"id\":61,\"name\":\"poliwhirl\",\"height\":10},
	    {\"id\":62,\"name\":\"poliwrath\",\"height\":13}]"
	curl -sS "$MOCK_URL/api/v2/pokemon?offset=59" >p
	expect_eq 62 "$(jq .count p)"
	expect_eq "poliwag poliwhirl poliwrath" "$(echo $(jq -r ".results[-3:][].name" p))"
	expect_eq "$MOCK_URL/api/v2/pokemon/62/" "$(jq -r ".results[-1].url" p)"
	expect_eq 13 "$(curl -sS -f "$MOCK_URL/api/v2/pokemon/poliwrath" | jq .height)"
	add pokemon "{\"id\":25,\"name\":\"pikachu\",\"height\":5}"
	expect_eq 5 "$(curl -sS -f "$MOCK_URL/api/v2/pokemon/25/" | jq .height)"
	expect_eq 62 "$(curl -sS "$MOCK_URL/api/v2/pokemon" | jq .count)"
	expect_eq 62 "$(curl -sS "$MOCK_URL/_mock/dataset/pokemon" | jq length)"
	curl -sS -f -X DELETE "$MOCK_URL/_mock/dataset/pokemon/62" >/dev/null
	expect_eq 61 "$(curl -sS "$MOCK_URL/api/v2/pokemon" | jq .count)"
	expect_eq 404 "$(code "$MOCK_URL/_mock/dataset/pokemon/62" -X DELETE)"
	expect_eq 400 "$(code "$MOCK_URL/_mock/dataset/pokemon" --data-binary "[1]")"
	expect_eq 400 "$(code "$MOCK_URL/_mock/dataset/pokemon" --data-binary "{\"id\":\"x\",\"name\":\"x\"}")"
	curl -sS -f "$MOCK_URL/_mock/dataset/pokemon" --data-binary "{\"name\":\"mew\"}" | jq -c .ids >ids
	expect_eq "[62]" "$(cat ids)"
	expect_eq 62 "$(curl -sS -f "$MOCK_URL/api/v2/pokemon/mew" | jq .id)"
	curl -sS -f -X DELETE "$MOCK_URL/_mock/dataset/pokemon/62" >/dev/null
	expect_eq 400 "$(code "$MOCK_URL/_mock/dataset/pokemon" --data-binary "[")"
	expect_eq 404 "$(code "$MOCK_URL/_mock/dataset/nothing" --data-binary "{}")"
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	expect_eq 60 "$(curl -sS "$MOCK_URL/api/v2/pokemon" | jq .count)"
	expect_eq 4 "$(curl -sS -f "$MOCK_URL/api/v2/pokemon/25/" | jq .height)"
'

t 'a dataset file of ones own, edited, then POST /_mock/reset' '
	jq ".streams.berry |= .[:3]" "$DATA/pokeapi/pokeapi.json" >my.json
	printf "dataset pokeapi file=my.json\n" >s.scn
	mock_start s.scn
	expect_eq 3 "$(curl -sS "$MOCK_URL/api/v2/berry" | jq .count)"
	jq ".streams.berry |= .[:2]" my.json >my2.json && mv my2.json my.json
	expect_eq 3 "$(curl -sS "$MOCK_URL/api/v2/berry" | jq .count)"
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	expect_eq 2 "$(curl -sS "$MOCK_URL/api/v2/berry" | jq .count)"
	echo "{" >my.json
	expect_eq 500 "$(code "$MOCK_URL/_mock/reset" -X POST)"
	expect_eq 2 "$(curl -sS "$MOCK_URL/api/v2/berry" | jq .count)"
'

t 'scenario replies come first, then the dataset, in one server' '
	cat >s.scn <<-EOF
	dataset pokeapi
	reply down
	path /api/v2/berry*
	status 503
	times 2
	EOF
	mock_start s.scn
	for i in 1 2 3; do code "$MOCK_URL/api/v2/berry" >>codes; echo >>codes; done
	expect_eq "503 503 200" "$(echo $(cat codes))"
	expect_eq 200 "$(code "$MOCK_URL/api/v2/pokemon")"
	expect_eq "down down pokeapi pokeapi" "$(echo $(mock_log .scenario_step))"
'

t 'dataset lines with errors stop the server, naming FILE:LINE' '
	printf "\ndataset digimon\n" >a.scn
	expect_exit 1 mock_start a.scn 2>err
	expect_grep "a.scn:2: unknown dataset" err
	printf "dataset shopify colour=red\n" >b.scn
	expect_exit 1 mock_start b.scn 2>err
	expect_grep "b.scn:1: dataset shopify: unknown option" err
	printf "dataset pokeapi file=nowhere.json\n" >c.scn
	expect_exit 1 mock_start c.scn 2>err
	expect_grep "nowhere.json" err
	expect_exit 1 mock_start --dataset "shopify leak=fast" 2>err
	expect_grep "bad value leak=fast" err
'

t 'pokeapi: injected 500s after N requests, then normal again' '
	mock_start --dataset "pokeapi fail=500:2:3"
	for i in 1 2 3 4 5 6; do code "$MOCK_URL/api/v2/type" >>codes; echo >>codes; done
	expect_eq "200 200 200 500 500 200" "$(echo $(cat codes))"
	curl -sS -f "$MOCK_URL/_mock/fault" -d "{\"status\":502,\"path\":\"/api/v2/berry*\"}" >/dev/null
	expect_eq 200 "$(code "$MOCK_URL/api/v2/type")"
	expect_eq 502 "$(code "$MOCK_URL/api/v2/berry")"
	expect_eq 200 "$(code "$MOCK_URL/api/v2/berry")"
	expect_eq 3 "$(stat .pokeapi.injected)"
'

t 'the bundled data files are what gen_datasets.py makes' '
	python3 "$TESTS/mock/gen_datasets.py" out
	cmp out/pokeapi/pokeapi.json "$DATA/pokeapi/pokeapi.json"
	cmp out/shopify/shopify.json "$DATA/shopify/shopify.json"
'

# --- Shopify --------------------------------------------------------------

t 'shopify: the access token is required (401 with Shopify s body)' '
	mock_start --dataset shopify
	curl -sS -o body -w "%{http_code}" "$MOCK_URL/admin/api/2024-10/orders.json" >code
	expect_eq 401 "$(cat code)"
	expect_eq "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}" "$(cat body)"
	expect_eq 401 "$(code "$MOCK_URL/admin/api/2024-10/products.json" -H "X-Shopify-Access-Token: ${TOKEN}x")"
	expect_eq 200 "$(shop customers.json)"
	expect_eq 200 "$(code "$MOCK_URL/admin/api/2024-10/customers.json" -H "x-shopify-access-token: $TOKEN")"
	expect_eq 2 "$(stat .shopify.unauthorized)"
	mock_stop
	mock_start --dataset "shopify token=other"
	expect_eq 401 "$(shop orders.json)"
	expect_eq 200 "$(code "$MOCK_URL/admin/api/2024-10/orders.json" -H "X-Shopify-Access-Token: other")"
'

t 'shopify: limit defaults to 50, at most 250, more is 400' '
	mock_start --dataset "shopify leak=0"
	expect_eq 200 "$(shop "orders.json?status=any")"
	expect_eq 30 "$(jq ".orders | length" body)"
	expect_eq "" "$(hdr Link)"
	# 40 more orders: 70 in all
	recs=$(jq -c "[.streams.orders[0] as \$o | range(40) |
	    \$o + {id: (100 + .), name: \"#x\(.)\"}]" "$DATA/shopify/shopify.json")
	add orders "$recs"
	expect_eq 200 "$(shop "orders.json?status=any")"
	expect_eq 50 "$(jq ".orders | length" body)"
	link next | grep -q "limit=50&page_info="
	expect_eq 200 "$(shop "orders.json?status=any&limit=250")"
	expect_eq 70 "$(jq ".orders | length" body)"
	for l in 251 0 -1 x ""; do
		expect_eq 400 "$(shop "orders.json?limit=$l")" "limit=$l"
	done
	jq -e ".errors.limit" body >/dev/null
'

t 'shopify: updated_at_min compares instants across the DST change' '
	mock_start --dataset shopify
	# 01:30-04:00 is 05:30Z; 01:10-05:00 is 06:10Z, later, though it
	# sorts earlier as a string
	shop "orders.json?updated_at_min=2024-11-03T01:25:00-04:00&limit=3" >code
	expect_eq "#1015 #1016 #1017" "$(echo $(names))"
	expect_eq "2024-11-03T01:30:00-04:00 2024-11-03T01:10:00-05:00" \
	    "$(echo $(jq -r ".orders[:2][].updated_at" body))"
	# a first page has no previous link
	link next | grep -q page_info=
	expect_eq "" "$(link previous)"
	# the same instant written in UTC, and inclusive
	shop "orders.json?updated_at_min=2024-11-03T06:10:00Z&limit=1" >code
	expect_eq "#1016" "$(names)"
	shop "orders.json?updated_at_min=2024-11-03T01:10:00-05:00&limit=1" >code
	expect_eq "#1016" "$(names)"
	shop "orders.json?updated_at_min=2024-11-03T01:10:01-05:00&limit=1" >code
	expect_eq "#1017" "$(names)"
	# an offset with + must be percent-encoded: %2B
	shop "orders.json?updated_at_min=2024-11-03T07:10:00%2B01:00&limit=1" >code
	expect_eq "#1016" "$(names)"
	expect_eq 400 "$(shop "orders.json?updated_at_min=yesterday")"
	jq -e ".errors.updated_at_min" body >/dev/null
	shop "customers.json?updated_at_min=2024-11-03T01:38:00-04:00&limit=2" >code
	expect_eq "2024-11-03T01:40:00-04:00 2024-11-03T01:05:00-05:00" \
	    "$(echo $(jq -r ".customers[].updated_at" body))"
	shop "products.json?updated_at_min=2024-11-03T01:17:00-04:00&limit=2" >code
	expect_eq "2024-11-03T01:20:00-04:00 2024-11-03T01:15:00-05:00" \
	    "$(echo $(jq -r ".products[].updated_at" body))"
	expect_eq "2024-11-03T01:25:00-04:00 2024-11-03T06:10:00Z 2024-11-03T01:10:00-05:00" \
	    "$(echo $(mock_log ".args.updated_at_min[0] // empty" | head -n 3))"
'

t 'shopify: results in ascending updated_at (as instants); order= accepted' '
	mock_start --dataset shopify
	for s in orders products customers; do
		shop "$s.json?limit=250&status=any&order=updated_at%20asc" >code
		expect_eq 200 "$(cat code)" $s
		expect_eq 30 "$(jq ".$s | length" body)" $s
		ascending body
	done
	expect_eq 400 "$(shop "orders.json?order=id%20desc")"
	# the two orders updated at the same instant come in id order
	shop "orders.json?updated_at_min=2024-11-03T09:00:00-05:00&limit=2" >code
	expect_eq "#1021 #1022" "$(echo $(names))"
	# and the check can fail: 01:30-05:00 is after 01:40-04:00
	printf "{\"orders\":[{\"updated_at\":\"2024-11-03T01:30:00-05:00\"},{\"updated_at\":\"2024-11-03T01:40:00-04:00\"}]}" >bad
	if ascending bad 2>/dev/null; then echo "ascending: took bad"; false; fi
'

t 'shopify: orders are open only unless status=any' '
	mock_start --dataset shopify
	shop "orders.json?limit=250" >code
	expect_eq 22 "$(jq ".orders | length" body)"
	expect_eq 0 "$(jq "[.orders[] | select(.closed_at or .cancelled_at)] | length" body)"
	shop "orders.json?limit=250&status=any" >code
	expect_eq 30 "$(jq ".orders | length" body)"
	shop "orders.json?limit=250&status=closed" >code
	expect_eq 5 "$(jq ".orders | length" body)"
	shop "orders.json?status=cancelled" >code
	expect_eq "#1005 #1014 #1023" "$(echo $(names))"
	expect_eq 400 "$(shop "orders.json?status=pending")"
	shop "orders/count.json" >code
	expect_eq 22 "$(jq .count body)"
	shop "orders/count.json?status=any&updated_at_min=2024-11-03T01:25:00-04:00" >code
	expect_eq 17 "$(jq .count body)"
	# products and customers have no status: all of them
	shop "products/count.json" >code
	expect_eq 30 "$(jq .count body)"
'

t 'shopify: Link page_info paging to the end, and back' '
	mock_start --dataset "shopify leak=0"
	shop "orders.json?status=any&limit=7&updated_at_min=2024-11-01" >code
	n=1
	names >all
	expect_eq "" "$(link previous)"
	while next=$(link next) && [ -n "$next" ]; do
		n=$((n + 1))
		[ $n -lt 10 ]
		expect_eq 200 "$(shopurl "$next")"
		case $n in 2) cp hdr hdr.2 ;; esac
		names >>all
	done
	expect_eq 5 $n pages
	expect_eq 30 "$(sort -u all | wc -l | tr -d " ")"
	expect_eq 2 "$(jq ".orders | length" body)"
	expect_eq 4 "$(mock_log ".args.page_info[0] // empty" | sort -u | wc -l | tr -d " ")"
	# later pages carry only limit and page_info
	expect_eq "limit,page_info" "$(mock_log "[.args | keys[]] | join(\",\")" | sed -n 2p)"
	# page 2 links back to page 1
	cp hdr.2 hdr
	expect_eq 200 "$(shopurl "$(link previous)")"
	expect_eq "$(echo $(head -n 7 all))" "$(echo $(names))"
	expect_eq "" "$(link previous)"
	link next | grep -q "limit=7&page_info="
	# ...and the filters live in the cursor: status=any is still in force
	expect_eq 200 "$(shopurl "$(link next)")"
	expect_eq "$(echo $(sed -n 8,14p all))" "$(echo $(names))"
'

t 'shopify: page_info with another parameter than limit is 400' '
	mock_start --dataset shopify
	shop "orders.json?limit=2" >code
	next=$(link next)
	[ -n "$next" ]
	for extra in status=any updated_at_min=2024-01-01 order=updated_at%20asc fields=id; do
		expect_eq 400 "$(shopurl "$next&$extra")" "$extra"
		jq -e ".errors.page_info | strings" body >/dev/null
	done
	expect_eq 200 "$(shopurl "${next%%\?*}?page_info=${next##*page_info=}")"
	expect_eq 400 "$(shopurl "${next%%\?*}?page_info=garbage")"
	expect_eq "Invalid value." "$(jq -r .errors.page_info body)"
'

t 'shopify: the call-limit header counts calls in a leaky bucket' '
	mock_start --dataset "shopify leak=0"
	for i in 1 2 3 4 5; do shop customers.json?limit=1 >/dev/null; hdr X-Shopify-Shop-Api-Call-Limit >>used; done
	expect_eq "1/40 2/40 3/40 4/40 5/40" "$(echo $(cat used))"
	# a refused token costs nothing
	expect_eq 401 "$(code "$MOCK_URL/admin/api/2024-10/orders.json")"
	curl -sS -f "$MOCK_URL/_mock/bucket" -d "{\"used\":38}" >/dev/null
	: >codes
	for i in 1 2 3 4; do shop orders.json >>codes; echo " $(hdr X-Shopify-Shop-Api-Call-Limit) $(hdr Retry-After)" >>codes; done
	expect_eq "200 39/40 200 40/40 429 40/40 1.0 429 40/40 1.0" "$(echo $(cat codes))"
	jq -e ".errors | test(\"Exceeded 2 calls per second\")" body >/dev/null
	expect_eq "2 40 0" "$(stat "[.shopify.overflows, .shopify.max_used, .shopify.injected] | join(\" \")")"
'

t 'shopify: the bucket leaks (leak=N calls a second, scaled for tests)' '
	mock_start --dataset "shopify leak=400"
	curl -sS -f "$MOCK_URL/_mock/bucket" -d "{\"used\":40}" >/dev/null
	sleep 0.1
	expect_eq 200 "$(shop orders.json)"
	used=$(hdr X-Shopify-Shop-Api-Call-Limit)
	expect_eq 1/40 "$used"
	expect_eq 0 "$(stat .shopify.overflows)"
	mock_stop
	# leak 2 a second, in seconds 200 times shorter: 400 a second
	mock_start --dataset "shopify timescale=0.005"
	curl -sS -f "$MOCK_URL/_mock/bucket" -d "{\"used\":40}" >/dev/null
	sleep 0.1
	expect_eq 200 "$(shop orders.json)"
	expect_eq 1/40 "$(hdr X-Shopify-Shop-Api-Call-Limit)"
	expect_eq 400 "$(stat .shopify.leak)"
	mock_stop
	# the default: 2 a second, so 50 quick calls overflow (5 to 10 of
	# them, as long as they take less than 2.5 s)
	mock_start --dataset shopify
	for i in $(seq 50); do printf "%s\n" "$MOCK_URL/admin/api/2024-10/customers.json?limit=1"; done >urls
	curl -sS -o /dev/null -w "%{http_code}\n" -H "X-Shopify-Access-Token: $TOKEN" $(cat urls) >codes
	n429=$(grep -c 429 codes)
	[ "$n429" -ge 5 ] && [ "$n429" -le 10 ] || { echo "429s: $n429"; false; }
	expect_eq "$n429" "$(stat .shopify.overflows)"
'

t 'shopify: a burst of injected 429s, then normal again' '
	mock_start --dataset "shopify leak=0"
	curl -sS -f "$MOCK_URL/_mock/fault" -d "{\"status\":429,\"count\":3}" >/dev/null
	: >codes
	for i in 1 2 3 4; do shop products.json >>codes; echo " $(hdr Retry-After)" >>codes; done
	expect_eq "429 1.0 429 1.0 429 1.0 200" "$(echo $(cat codes))"
	expect_eq "3 0 0" "$(stat "[.shopify.injected, .shopify.overflows, .shopify.pending_faults] | join(\" \")")"
	# injected replies do not fill the bucket
	expect_eq 1/40 "$(hdr X-Shopify-Shop-Api-Call-Limit)"
'

t 'shopify: injected 500s mid-stream (after N requests)' '
	mock_start --dataset "shopify fail=500:1:2"
	shop "orders.json?limit=5" >code
	expect_eq 200 "$(shopurl "$(link next)")"
	expect_eq 500 "$(shopurl "$(link next)")"
	expect_eq "Internal Server Error" "$(jq -r .errors body)"
	# the same cursor works again afterwards
	shop "orders.json?limit=5" >code
	expect_eq 200 "$(shopurl "$(link next)")"
	curl -sS -f "$MOCK_URL/_mock/fault" -d "{\"status\":500,\"count\":2,\"after\":1,\"dataset\":\"shopify\"}" >/dev/null
	: >codes
	for i in 1 2 3 4; do shop customers.json >>codes; echo >>codes; done
	expect_eq "200 500 500 200" "$(echo $(cat codes))"
	expect_eq 400 "$(code "$MOCK_URL/_mock/fault" -d "{\"dataset\":\"nope\"}")"
	curl -sS -f "$MOCK_URL/_mock/fault" -d "{\"status\":403}" >/dev/null
	expect_eq 403 "$(shop orders.json)"
	jq -e ".errors | test(\"requires merchant approval\")" body >/dev/null
'

t 'shopify: records added between reads; a read from the bookmark sees the new' '
	mock_start --dataset shopify
	shop "orders.json?status=any&limit=250" >code
	bookmark=$(jq -r ".orders[-1].updated_at" body)
	expect_eq 2024-11-04T03:53:00-05:00 "$bookmark"
	# a new order after the bookmark (in UTC), one back in time (not to be
	# seen from the bookmark), and #1016 updated across the DST change
	# (jq 1.6 would round big ids: they are put in with sed)
	o=$(jq -c ".streams.orders[0] | del(.id)" "$DATA/shopify/shopify.json")
	add orders "[$(echo "$o" | jq -c ". + {name: \"#2001\", updated_at: \"2024-11-04T09:00:00Z\"}" | sed "s/^{/{\"id\":5234567890123456900,/"),
	    $(echo "$o" | jq -c ". + {name: \"#2002\", updated_at: \"2024-10-01T00:00:00-04:00\"}" | sed "s/^{/{\"id\":5234567890123456901,/")]"
	o16=$(jq -c ".streams.orders[15] | del(.id) | .updated_at = \"2024-11-05T00:00:00-05:00\"" "$DATA/shopify/shopify.json" | sed "s/^{/{\"id\":5234567890123456804,/")
	add orders "$o16"
	shop "orders.json?status=any&limit=250&updated_at_min=$bookmark" >code
	expect_eq "#1030 #2001 #1016" "$(echo $(names))"
	shop "orders.json?status=any&limit=250" >code
	expect_eq 32 "$(jq ".orders | length" body)"
	expect_eq "#2002" "$(names | head -n 1)"
	expect_eq 32 "$(curl -sS "$MOCK_URL/_mock/dataset/orders" | jq length)"
	expect_eq 400 "$(code "$MOCK_URL/_mock/dataset/orders" -d "{\"id\":1,\"updated_at\":\"soon\"}")"
'

t 'shopify: page_cap=N serves at most N a page, the links keep the limit' '
	mock_start --dataset "shopify page_cap=8 leak=0"
	shop "customers.json?limit=250" >code
	n=1
	expect_eq 8 "$(jq ".customers | length" body)"
	while next=$(link next) && [ -n "$next" ]; do
		n=$((n + 1))
		[ $n -lt 10 ]
		case $next in *limit=250\&page_info=*) ;; *) echo "$next"; false ;; esac
		expect_eq 200 "$(shopurl "$next")"
	done
	expect_eq 4 $n pages
	expect_eq 6 "$(jq ".customers | length" body)"
'

t 'records without an id get the largest id + 1, exactly' '
	mock_start --dataset "shopify leak=0"
	o=$(jq -c ".streams.orders[0] | del(.id) | .updated_at = \"2024-12-01T00:00:00Z\"" "$DATA/shopify/shopify.json")
	curl -sS -f "$MOCK_URL/_mock/dataset/orders" -d "[$o, $o]" >out
	expect_grep "\"ids\":[5234567890123456819,5234567890123456820]" out
	shop "orders.json?updated_at_min=2024-12-01" >code
	expect_grep "{\"id\":5234567890123456819," body
	expect_grep "{\"id\":5234567890123456820," body
	# only the shopify dataset here
	curl -sS "$MOCK_URL/_mock/dataset/pokemon" -d "{\"name\":\"x\"}" >out
	expect_grep "no dataset has a stream" out
'

t 'shopify: ids beyond 2^53 are served byte-exact, and page by them' '
	mock_start --dataset shopify
	shop "orders.json?status=any&limit=250" >code
	expect_grep "{\"id\":5234567890123456789," body
	expect_grep "\"id\":5234567890123456818," body
	expect_grep "\"variant_id\":4234567890123456121," body
	expect_grep "\"customer\":{\"id\":7234567890123456025," body
	# two orders at the same instant, ids 1 apart: the cursor keeps its id
	shop "orders.json?updated_at_min=2024-11-03T09:00:00-05:00&limit=1" >code
	expect_grep "\"id\":5234567890123456809," body
	expect_eq 200 "$(shopurl "$(link next)")"
	expect_grep "\"id\":5234567890123456810," body
	o=$(jq -c ".streams.customers[0] | del(.id)" "$DATA/shopify/shopify.json")
	add customers "$(echo "$o" | sed "s/^{/{\"id\":123456789012345678901234567890,/")"
	shop "customers/123456789012345678901234567890.json" >code
	expect_eq 200 "$(cat code)"
	expect_grep "{\"customer\":{\"id\":123456789012345678901234567890," body
	expect_eq 404 "$(shop "customers/1.json")"
'

t 'shopify: unknown resources and versions are 404; the version is echoed' '
	mock_start --dataset shopify
	expect_eq 404 "$(shop "shop.json")"
	expect_eq "{\"errors\":\"Not Found\"}" "$(cat body)"
	expect_eq 404 "$(shopurl "$MOCK_URL/admin/api/latest/orders.json")"
	expect_eq 200 "$(shopurl "$MOCK_URL/admin/api/2023-07/orders.json")"
	expect_eq 2023-07 "$(hdr X-Shopify-API-Version)"
	expect_eq 200 "$(shop "products/8234567890123456001.json")"
	expect_eq "Canvas Tote" "$(jq -r .product.title body)"
'

t 'shopify: reset reloads the data and empties the bucket and the stats' '
	mock_start --dataset "shopify leak=0"
	shop orders.json >/dev/null
	add orders "$(jq -c ".streams.orders[0] | .id = 1" "$DATA/shopify/shopify.json")"
	expect_eq 31 "$(curl -sS "$MOCK_URL/_mock/dataset/orders" | jq length)"
	curl -sS -f -X POST "$MOCK_URL/_mock/reset" >/dev/null
	expect_eq 30 "$(curl -sS "$MOCK_URL/_mock/dataset/orders" | jq length)"
	expect_eq 0 "$(stat .shopify.requests)"
	shop orders.json >/dev/null
	expect_eq 1/40 "$(hdr X-Shopify-Shop-Api-Call-Limit)"
	# the log is kept across the reset
	expect_eq 2 "$(mock_log .n | wc -l | tr -d " ")"
'

t 'delay=SECS delays every reply of a dataset' '
	mock_start --dataset "pokeapi delay=0.2"
	t=$(curl -sS -o /dev/null -w "%{time_total}" "$MOCK_URL/api/v2/pokemon")
	awk -v t="$t" "BEGIN { exit !(t >= 0.2) }" || { echo "took $t s"; false; }
'

t 'two datasets in one server, each with its own stats' '
	mock_start --dataset pokeapi --dataset "shopify leak=0"
	expect_eq 200 "$(code "$MOCK_URL/api/v2/pokemon")"
	expect_eq 200 "$(shop orders.json)"
	expect_eq "1 1" "$(stat "[.pokeapi.requests, .shopify.requests] | join(\" \")")"
	expect_eq "pokeapi shopify" "$(echo $(mock_log .scenario_step))"
	expect_eq 400 "$(code "$MOCK_URL/_mock/fault" -d "{\"status\":500}")"
'

done_testing
