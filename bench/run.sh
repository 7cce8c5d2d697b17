#!/bin/sh
# bench/run.sh: integ's benchmarks. Each part measures medians of several
# runs and ratios against baselines measured in the same run; results go
# to bench/RESULTS.md by hand, with the date.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN=${INTEG_BIN:-$PWD/build/bin}
DATA=${BENCH_DATA:-$PWD/bench/data}
RUNS=${BENCH_RUNS:-5}
mkdir -p "$DATA"

# median_time CMD...: the median wall time of RUNS runs, in seconds.
median_time() {
	_i=0
	: >"$DATA/.times"
	while [ $_i -lt "$RUNS" ]; do
		_s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		_e=$(date +%s.%N)
		echo "$_s $_e" | awk '{ printf "%.4f\n", $2 - $1 }' >>"$DATA/.times"
		_i=$((_i + 1))
	done
	sort -n "$DATA/.times" | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }'
}

# ---- integ-emit (issue 5) ----------------------------------------------
# integ-emit --airbyte and --singer (with a replication key) on the
# 1M-record JSONL fixture, against integ-extract on the same bytes, jq
# doing the same framing, and cat.

# The fixture: the shared one when the generator has made it, else our
# own deterministic 1M records (about 190 MB).
emit_fixture() {
	for f in "$DATA/records-1m.jsonl" "$DATA/1m.jsonl"; do
		[ -s "$f" ] && { echo "$f"; return; }
	done
	f=$DATA/emit-1m.jsonl
	if [ ! -s "$f" ]; then
		awk 'BEGIN { for (i = 1; i <= 1000000; i++)
		    printf "{\"id\":%d,\"name\":\"user %d\",\"email\":\"u%d@example.com\",\"active\":%s,\"score\":%d.%02d,\"tags\":[\"a\",\"b\"],\"address\":{\"city\":\"City %d\",\"zip\":\"%05d\"},\"updated_at\":\"2024-01-%02dT%02d:%02d:%02dZ\"}\n",
		    i, i, i, (i % 2 ? "true" : "false"), i % 1000, i % 100, i % 50,
		    i % 100000, 1 + int(i / 40000) % 28, int(i / 3600) % 24,
		    int(i / 60) % 60, i % 60 }' >"$f"
	fi
	echo "$f"
}

bench_emit() {
	fx=$(emit_fixture)
	n=$(wc -l <"$fx" | tr -d ' ')
	mb=$(wc -c <"$fx" | awk '{ printf "%.1f", $1 / 1048576 }')
	# jq 1.6 is slow: it gets the first 100k records, compared per record
	small=$DATA/emit-100k.jsonl
	head -n 100000 "$fx" >"$small"
	echo "# integ-emit on $fx: $n records, $mb MiB, median of $RUNS runs"
	t_cat=$(median_time sh -c "cat '$fx'")
	t_ab=$(median_time sh -c "'$BIN/integ-emit' --airbyte <'$fx'")
	t_sg=$(median_time sh -c "'$BIN/integ-emit' --singer --replication-key updated_at <'$fx'")
	t_ex=
	if [ -x "$BIN/integ-extract" ]; then
		t_ex=$(median_time sh -c "'$BIN/integ-extract' . <'$fx'")
	fi
	t_jq=
	if command -v jq >/dev/null 2>&1; then
		t_jq=$(median_time sh -c "jq -c '{type:\"RECORD\",stream:\"records\",record:.,time_extracted:\"2024-01-01T00:00:00.000Z\"}' <'$small'")
	fi
	printf '%-44s %9s %10s %12s\n' tool seconds MiB/s records/s
	row() {	# row NAME SECONDS RECORDS
		awk -v name="$1" -v t="$2" -v n="$3" -v mb="$mb" -v all="$n" 'BEGIN {
		    printf "%-44s %9.3f %10.1f %12.0f\n", name, t, mb * n / all / t, n / t }'
	}
	row cat "$t_cat" "$n"
	[ -n "$t_ex" ] && row "integ-extract ." "$t_ex" "$n"
	row "integ-emit --airbyte" "$t_ab" "$n"
	row "integ-emit --singer --replication-key" "$t_sg" "$n"
	[ -n "$t_jq" ] && row "jq -c '{type:\"RECORD\",...}' (100k)" "$t_jq" 100000
	if [ -n "$t_ex" ]; then
		awk -v a="$t_ab" -v s="$t_sg" -v x="$t_ex" 'BEGIN {
		    printf "vs integ-extract (target >= 0.8x): airbyte %.2fx, singer %.2fx\n", x / a, x / s }'
	fi
	if [ -n "$t_jq" ]; then
		awk -v a="$t_ab" -v s="$t_sg" -v j="$t_jq" -v n="$n" 'BEGIN {
		    printf "vs jq per record (target >= 50x): airbyte %.1fx, singer %.1fx\n",
		    (j / 100000) / (a / n), (j / 100000) / (s / n) }'
	fi
}

# ---- integ-extract (issue 3) -------------------------------------------
# integ-extract vs jq -c '.results[]' vs cat on 1000 pages (about 330 MB)
# and a 1 GiB single array: bench/extract.sh, fixtures by bench/gen.sh.
bench_extract() { sh bench/extract.sh; }

# ---- run ---------------------------------------------------------------
case "${1:-all}" in
extract) bench_extract ;;
emit)	bench_emit ;;
all)	bench_extract && bench_emit ;;
*)	echo "usage: bench/run.sh [all|extract|emit]" >&2; exit 64 ;;
esac
