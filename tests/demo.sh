#!/bin/sh
# make demo: the tools and source-pokeapi against the bundled PokeAPI-shaped
# dataset, served by the mock server on 127.0.0.1. Nothing leaves the
# machine.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=${INTEG_BIN:-$top/build/bin}:$PATH
tmp=$(mktemp -d "${TMPDIR:-/tmp}/integ-demo.XXXXXX")
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

python3 "$top/tests/mock/mockhttp.py" --dataset pokeapi \
    --port-file "$tmp/port" --log "$tmp/requests.log" 2>"$tmp/mock.err" &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	[ "$i" -lt 100 ] || { cat "$tmp/mock.err" >&2; exit 1; }
	sleep 0.05
done
api=http://127.0.0.1:$(cat "$tmp/port")/api/v2
cd "$tmp"

# show FILE: the first lines and the count of each message type
show() {
	head -n "${2:-4}" "$1" | cut -c 1-160
	echo "..."
	jq -r '.type' "$1" | sort | uniq -c | sed 's/^/    /'
}

echo "== mock PokeAPI at $api"
echo
echo "== the tools: integ-fetch --next next | integ-extract results | integ-emit --airbyte"
integ-fetch --next next -q limit=20 "$api/pokemon" |
    integ-extract results |
    integ-emit --airbyte --stream pokemon --key name >pipeline.jsonl
show pipeline.jsonl
echo
echo "== source-pokeapi check, then read (Airbyte)"
printf '{"url":"%s","page_size":20,"concurrency":4}\n' "$api" >config.json
source-pokeapi check --config config.json | grep CONNECTION_STATUS
source-pokeapi discover --config config.json |
    jq -c '{streams: [.catalog.streams[] | {stream: ., sync_mode: "full_refresh",
        destination_sync_mode: "overwrite"}]}' >catalog.json
source-pokeapi read --config config.json --catalog catalog.json >airbyte.jsonl
grep -v '"LOG"' airbyte.jsonl >airbyte-data.jsonl
show airbyte-data.jsonl 3
echo
echo "== source-pokeapi (Singer), state kept by integ-state save"
source-pokeapi --config config.json 2>singer.err |
    integ-state save state.json >singer.jsonl
show singer.jsonl 3
echo "state.json: $(cat state.json)"
echo
echo "== $(wc -l <requests.log | tr -d ' ') requests served; Airbyte records per stream:"
jq -r 'select(.type == "RECORD") | .record.stream' airbyte.jsonl | sort | uniq -c | sed 's/^/    /'
