#!/bin/sh
# bench/fetch.sh: integ-fetch following "next" through 1000 pages of 1000
# records served by a local nginx (keep-alive) vs one curl process fetching
# the same 1000 URLs over one connection vs a shell loop of curl + jq; and
# on the same pages, source-pokeapi read (the pokemon stream, Airbyte) and
# the tool pipeline integ-fetch | integ-extract | integ-emit --airbyte,
# with their peak RSS, wall and CPU seconds (bench/rusage.c: user +
# system, the children of a pipeline included); and integ-source with the
# pokeapi manifest, the same read, as a ratio to source-pokeapi (issue 13:
# within 10%).
# Medians of RUNS runs (default 5; the shell loop, a minute a run:
# LOOP_RUNS, default 1; 0 leaves it out). CALLGRIND=1 also counts the
# instructions of one run of curl, the connector and the pipeline
# (valgrind's callgrind, every process of the pipeline; minutes).
# Prints a Markdown table; counts requests and TCP connections of an
# integ-fetch run from nginx's access log ($connection).
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
BIN=${INTEG_BIN:-$TOP/build/bin}
RUNS=${RUNS:-5}
LOOP_RUNS=${LOOP_RUNS:-1}
PAGES=${PAGES:-1000}
RECORDS=${RECORDS:-1000}
PATH=$PATH:/usr/sbin
for c in nginx curl jq python3; do
	command -v $c >/dev/null || { echo "bench/fetch.sh: $c missing: skipped"; exit 0; }
done

work=$TOP/bench/data/fetch-run
data=$TOP/bench/data/fetch-pages
mkdir -p "$work/tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
# pages with absolute next URLs: the shared generator (bench/gen.sh
# pagedir) when it is there, else bench/fetch-gen.sh
if [ "$(cat "$data/.base" 2>/dev/null)" != "$base" ] ||
    [ -z "$(ls "$data" 2>/dev/null)" ]; then
	rm -rf "$data"
	mkdir -p "$data"
	if [ -f "$TOP/bench/gen.sh" ]; then
		sh "$TOP/bench/gen.sh" -r "$RECORDS" -u "$base" pagedir "$PAGES" "$data"
	else
		sh "$TOP/bench/fetch-gen.sh" "$data" "$base" "$PAGES" "$RECORDS"
	fi
	printf '%s\n' "$base" >"$data/.base"
fi
first=page-1.json
for f in "$data"/page-0001.json "$data"/page-00001.json; do
	[ -f "$f" ] && first=${f##*/}
done

user=
[ "$(id -u)" -ne 0 ] || user='user root;'
sed -e "s|@DIR@|$work|g" -e "s|@ROOT@|$data|g" -e "s|@PORT@|$port|g" \
    -e "s|@USER@|$user|" -e "s|@FIRST@|$first|" bench/nginx-fetch.conf >"$work/nginx.conf"
rm -f "$work/nginx.pid"
nginx -p "$work" -c "$work/nginx.conf" -e "$work/error.log"
stop() { [ -s "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || :; }
trap stop EXIT
i=0
while [ ! -s "$work/nginx.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# the URLs in order, from the pages themselves
urls=$work/urls
u=$base/$first
: >"$urls"
while [ "$u" != null ] && [ -n "$u" ]; do
	echo "$u" >>"$urls"
	f=$data/${u##*/}
	u=$(head -c 300 "$f" | sed -n 's/.*"next":\(null\|"[^"]*"\).*/\1/p' | tr -d '"')
done
n=$(wc -l <"$urls" | tr -d ' ')
bytes=$(cat "$data"/*.json | wc -c | tr -d ' ')

now() { date +%s.%N; }
# median SECONDS...
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# timed CMD...: seconds of one run, output to /dev/null
timed() { _t0=$(now); "$@" >/dev/null; _t1=$(now); awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f", b - a }'; }
${CC:-cc} -O2 -o "$work/rusage" bench/rusage.c
# measured NAME CMD...: one run by bench/rusage.c, output to /dev/null;
# wall seconds appended to $t_NAME, CPU seconds to $c_NAME
measured() {
	_n=$1
	shift
	# shellcheck disable=SC2046
	set -- $("$work/rusage" "$@")
	eval "t_$_n=\"\${t_$_n:-} $1\" c_$_n=\"\${c_$_n:-} $4\""
}

run_integ() { "$BIN/integ-fetch" -s --next next "$base/$first"; }
run_pipeline() {
	"$BIN/integ-fetch" -s --next next "$base/$first" | "$BIN/integ-extract" results |
	    "$BIN/integ-emit" --airbyte --stream pokemon --key name
}
printf '{"url":"%s","page_size":%s}\n' "$base" "$RECORDS" >"$work/config.json"
printf '%s\n' '{"streams":[{"stream":{"name":"pokemon","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}' >"$work/catalog.json"
run_connector() {
	"$BIN/source-pokeapi" read --config "$work/config.json" --catalog "$work/catalog.json"
}
run_manifest() {
	"$BIN/integ-source" --manifest "$TOP/connectors/pokeapi/manifest.yaml" \
	    read --config "$work/config.json" --catalog "$work/catalog.json"
}
run_curl() { xargs curl -s --fail <"$urls"; }
run_loop() {
	_u=$base/$first
	while [ "$_u" != null ] && [ -n "$_u" ]; do
		curl -s --fail "$_u" >"$work/page"
		_u=$(jq -r .next "$work/page")
	done
}

# one warm-up of each, and the counts of an integ-fetch run
run_curl >/dev/null
: >"$work/access.log"
run_integ >"$work/out"
reqs=$(wc -l <"$work/access.log" | tr -d ' ')
conns=$(cut -d' ' -f1 "$work/access.log" | sort -u | wc -l | tr -d ' ')
outpages=$(grep -c '^{' "$work/out")
: >"$work/access.log"
run_curl >/dev/null
curl_conns=$(cut -d' ' -f1 "$work/access.log" | sort -u | wc -l | tr -d ' ')

records=$(run_connector | grep -c '"type":"RECORD"')
man_records=$(run_manifest | grep -c '"type":"RECORD"')
pipe_records=$(run_pipeline | grep -c '"type":"RECORD"')
# peak RSS (KiB) of one run
rss() { "$work/rusage" "$@" | cut -d' ' -f2; }
rss_conn=$(rss "$BIN/source-pokeapi" read --config "$work/config.json" --catalog "$work/catalog.json")
rss_fetch=$(rss "$BIN/integ-fetch" -s --next next "$base/$first")

conn_cmd="$BIN/source-pokeapi read --config $work/config.json --catalog $work/catalog.json"
man_cmd="$BIN/integ-source --manifest $TOP/connectors/pokeapi/manifest.yaml read --config $work/config.json --catalog $work/catalog.json"
pipe_cmd="$BIN/integ-fetch -s --next next $base/$first | $BIN/integ-extract results | $BIN/integ-emit --airbyte --stream pokemon --key name"
tl=''
k=0
while [ $k -lt "$RUNS" ]; do
	measured i "$BIN/integ-fetch" -s --next next "$base/$first"
	measured c sh -c "xargs curl -s --fail <$urls"
	measured n sh -c "exec $conn_cmd"
	measured p sh -c "$pipe_cmd"
	measured m sh -c "exec $man_cmd"
	k=$((k + 1))
done
k=0
while [ $k -lt "$LOOP_RUNS" ]; do
	tl="$tl $(timed run_loop)"
	k=$((k + 1))
done
# shellcheck disable=SC2154
ti=$t_i tc=$t_c tn=$t_n tp=$t_p tm=$t_m
# shellcheck disable=SC2086,SC2154
mi=$(median $ti) mc=$(median $tc) ml=$(median ${tl:-0}) mn=$(median $tn) mp=$(median $tp) mm=$(median $tm)
# shellcheck disable=SC2086,SC2154
ui=$(median $c_i) uc=$(median $c_c) un=$(median $c_n) up=$(median $c_p) um=$(median $c_m)
rate() { awk -v n="$n" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3g", b / a }'; }

echo "### integ-fetch --next: $n pages x $RECORDS records ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB), nginx keep-alive on 127.0.0.1"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; medians of $RUNS runs ($LOOP_RUNS for the shell loop)"
echo
echo "| command | seconds | pages/s | MB/s | throughput vs curl |"
echo "|---|---|---|---|---|"
echo "| curl, all $n URLs in one process (one connection: $curl_conns) | $mc | $(rate "$mc") | $(mbs "$mc") | 1.00x |"
echo "| integ-fetch --next next | $mi | $(rate "$mi") | $(mbs "$mi") | $(ratio "$mi" "$mc")x |"
echo "| shell loop: curl + jq -r .next | $ml | $(rate "$ml") | $(mbs "$ml") | $(ratio "$ml" "$mc")x |"
echo
echo "integ-fetch run: $reqs requests for $outpages pages written, $conns TCP connection(s) (nginx access log, \$connection)."
echo "Runs: integ-fetch$ti; curl$tc; shell loop$tl (seconds)."
echo
echo "### source-pokeapi read and the tool pipeline on the same pages"
echo
echo "| command | seconds | records/s | CPU s | peak RSS | time vs curl (target) | CPU vs curl |"
echo "|---|---|---|---|---|---|---|"
recs() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
vs_curl() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "| curl, all $n URLs, one connection | $mc | - | $uc | - | 1.00x | 1.00x |"
echo "| integ-fetch --next next | $mi | - | $ui | $((rss_fetch / 1024)) MiB | $(vs_curl "$mi" "$mc")x | $(vs_curl "$ui" "$uc")x |"
echo "| source-pokeapi read (pokemon, Airbyte) | $mn | $(recs "$records" "$mn") | $un | $((rss_conn / 1024)) MiB | $(vs_curl "$mn" "$mc")x (<= 2.5x, < 16 MiB) | $(vs_curl "$un" "$uc")x |"
echo "| integ-fetch \\| integ-extract \\| integ-emit --airbyte | $mp | $(recs "$pipe_records" "$mp") | $up | - | $(vs_curl "$mp" "$mc")x (<= 4x) | $(vs_curl "$up" "$uc")x |"
echo "| integ-source --manifest connectors/pokeapi/manifest.yaml read | $mm | $(recs "$man_records" "$mm") | $um | - | $(vs_curl "$mm" "$mc")x; $(vs_curl "$mm" "$mn")x source-pokeapi (<= 1.10x) | $(vs_curl "$um" "$uc")x |"
echo
echo "Records: connector $records, pipeline $pipe_records, manifest $man_records. Runs: connector$tn; pipeline$tp; manifest$tm (seconds)."
# shellcheck disable=SC2154
echo "CPU seconds: curl$c_c; integ-fetch$c_i; connector$c_n; pipeline$c_p."

# instructions of one run (every process of it), by callgrind
instructions() {
	rm -f "$work"/cg.*
	valgrind --tool=callgrind --trace-children=yes \
	    --callgrind-out-file="$work/cg.%p" "$@" >/dev/null 2>&1
	cat "$work"/cg.* | awk '/^summary:/ { s += $2 } END { printf "%.3g", s }'
}
if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
	gc=$(instructions sh -c "xargs curl -s --fail <$urls")
	gn=$(instructions sh -c "exec $conn_cmd")
	gp=$(instructions sh -c "$pipe_cmd")
	echo
	echo "Instructions (callgrind, one run, every process): curl $gc, connector $gn ($(vs_curl "$gn" "$gc")x), pipeline $gp ($(vs_curl "$gp" "$gc")x)."
fi

