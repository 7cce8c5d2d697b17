#!/bin/sh
# bench/extract.sh (sh bench/run.sh extract; part of make bench):
# integ-extract against jq 1.6 and cat on the same input, in one run: MB/s, records/s and peak RSS, each the median
# of several runs, and the ratios. Fixtures are generated on demand into
# bench/data/ (git-ignored) by bench/gen.sh.
#
# Environment: BENCH_RUNS or RUNS (default 5) runs of integ-extract and cat; JQ_RUNS
# (default 1: jq takes about 20 s a run on the pages); PAGES (default
# 1000: about 330 MB); ARRAY_MIB (default 1024: the single-array document).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
bin=$top/$B/bin
data=$top/bench/data
tmp=$top/$B/bench
RUNS=${BENCH_RUNS:-${RUNS:-5}}
JQ_RUNS=${JQ_RUNS:-1}
PAGES=${PAGES:-1000}
ARRAY_MIB=${ARRAY_MIB:-1024}
mkdir -p "$data" "$tmp"
${CC:-cc} -O2 -Wall -o "$tmp/rusage" bench/rusage.c

pages=$data/pages-$PAGES.json
array=$data/array-$ARRAY_MIB.json
[ -s "$pages" ] || { echo "generating $pages"; sh bench/gen.sh pages "$PAGES" "$pages"; }
[ -s "$array" ] || { echo "generating $array"; sh bench/gen.sh array "$ARRAY_MIB" "$array"; }

med() { # COLUMN FILE: the median of a column
	sort -n -k"$1,$1" "$2" | awk -v c="$1" '{ v[NR] = $c }
	    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure KEY LABEL RUNS BYTES RECORDS CMD...: one row of medians; the
# median time is kept under KEY for the ratios.
measure() {
	key=$1 label=$2 runs=$3 bytes=$4 recs=$5
	shift 5
	: >"$tmp/times"
	i=0
	while [ "$i" -lt "$runs" ]; do
		"$tmp/rusage" "$@" >>"$tmp/times"
		i=$((i + 1))
	done
	if awk '$3 != 0 { bad = 1 } END { exit !bad }' "$tmp/times"; then
		echo "$label failed: $*" >&2
		exit 1
	fi
	t=$(med 1 "$tmp/times")
	m=$(med 2 "$tmp/times")
	u=$(med 4 "$tmp/times")
	awk -v l="$label" -v r="$runs" -v t="$t" -v m="$m" -v u="$u" -v b="$bytes" -v n="$recs" 'BEGIN {
		printf "%-28s %4d %9.3f %9.1f %12.0f %8.1f %8.3f\n", l, r, t, b / t / 1e6, n / t, m / 1024, u
	}'
	echo "$key $t $u" >>"$tmp/medians"
}

get() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/medians"; }
cpu() { awk -v k="$1" '$1 == k { print $3 }' "$tmp/medians"; }

header() {
	printf "%-28s %4s %9s %9s %12s %8s %8s\n" command runs "median s" MB/s records/s "RSS MiB" "CPU s"
}

: >"$tmp/medians"
date
echo "machine: $(nproc) cores, $(uname -sr); $(jq --version); MB = 10^6 bytes"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times suffer on a busy machine; CPU s less)"
echo

bytes=$(wc -c <"$pages" | tr -d ' ')
recs=$("$bin/integ-extract" results "$pages" | wc -l | tr -d ' ')
echo "== $PAGES pages in one stream: $pages ($bytes bytes, $recs records)"
echo "   jq runs $JQ_RUNS time(s) (about 20 s each), the others $RUNS times"
header
measure x "integ-extract results" "$RUNS" "$bytes" "$recs" "$bin/integ-extract" results "$pages"
measure j "jq -c '.results[]'" "$JQ_RUNS" "$bytes" "$recs" jq -c '.results[]' "$pages"
measure c "cat" "$RUNS" "$bytes" "$recs" cat "$pages"
awk -v x="$(get x)" -v j="$(get j)" -v c="$(get c)" -v xu="$(cpu x)" -v ju="$(cpu j)" 'BEGIN {
	printf "integ-extract is %.1fx jq'"'"'s throughput (target >= 40x; %.1fx in CPU time); cat is %.1fx integ-extract'"'"'s\n", j / x, ju / xu, x / c
}'
echo

bytes=$(wc -c <"$array" | tr -d ' ')
recs=$("$bin/integ-extract" . "$array" | wc -l | tr -d ' ')
echo "== one array document: $array ($bytes bytes, $recs records)"
echo "   jq is not run on it: it needs about ten times the document in memory"
header
measure xa "integ-extract ." "$RUNS" "$bytes" "$recs" "$bin/integ-extract" . "$array"
rss=$(med 2 "$tmp/times")
measure ca "cat" "$RUNS" "$bytes" "$recs" cat "$array"
awk -v r="$rss" -v x="$(get xa)" -v c="$(get ca)" 'BEGIN {
	printf "integ-extract peak RSS %.1f MiB (target < 16 MiB); cat is %.1fx integ-extract'"'"'s throughput\n", r / 1024, x / c
}'
