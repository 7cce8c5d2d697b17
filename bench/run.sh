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

# emit_runs OUT FILE CMD...: RUNS runs of CMD with stdin FILE, one line
# "WALL KIB STATUS CPU" each (bench/rusage.c), into OUT.
emit_runs() {
	_out=$1 _in=$2
	shift 2
	: >"$_out"
	_i=0
	while [ $_i -lt "$RUNS" ]; do
		"$RUSAGE" -i "$_in" "$@" >>"$_out"
		_i=$((_i + 1))
	done
}

# emit_med COLUMN FILE: the median of a column (1 wall s, 4 CPU s).
emit_med() {
	sort -n -k"$1,$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

bench_emit() {
	fx=$(emit_fixture)
	n=$(wc -l <"$fx" | tr -d ' ')
	mb=$(wc -c <"$fx" | awk '{ printf "%.1f", $1 / 1048576 }')
	RUSAGE=$PWD/build/bench/rusage
	mkdir -p "$PWD/build/bench"
	${CC:-cc} -O2 -Wall -o "$RUSAGE" bench/rusage.c || return 1
	# jq 1.6 is slow: it gets the first 100k records, compared per record
	small=$DATA/emit-100k.jsonl
	head -n 100000 "$fx" >"$small"
	echo "# integ-emit on $fx: $n records, $mb MiB, median of $RUNS runs"
	echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) (wall times suffer on a busy machine; CPU s less)"
	emit_runs "$DATA/.t_cat" "$fx" cat
	emit_runs "$DATA/.t_ab" "$fx" "$BIN/integ-emit" --airbyte
	emit_runs "$DATA/.t_sg" "$fx" "$BIN/integ-emit" --singer --replication-key updated_at
	ex=
	if [ -x "$BIN/integ-extract" ]; then
		ex=1
		emit_runs "$DATA/.t_ex" "$fx" "$BIN/integ-extract" .
	fi
	jqr=
	if command -v jq >/dev/null 2>&1; then
		jqr=1
		_r=$RUNS
		RUNS=${JQ_RUNS:-1}
		emit_runs "$DATA/.t_jq" "$small" jq -c '{type:"RECORD",stream:"records",record:.,time_extracted:"2024-01-01T00:00:00.000Z"}'
		RUNS=$_r
	fi
	printf '%-44s %9s %9s %10s %12s\n' tool "wall s" "CPU s" MiB/s records/s
	row() {	# row NAME FILE RECORDS
		awk -v name="$1" -v t="$(emit_med 1 "$2")" -v u="$(emit_med 4 "$2")" -v n="$3" -v mb="$mb" -v all="$n" 'BEGIN {
		    printf "%-44s %9.3f %9.3f %10.1f %12.0f\n", name, t, u, mb * n / all / t, n / t }'
	}
	row cat "$DATA/.t_cat" "$n"
	[ -n "$ex" ] && row "integ-extract ." "$DATA/.t_ex" "$n"
	row "integ-emit --airbyte" "$DATA/.t_ab" "$n"
	row "integ-emit --singer --replication-key" "$DATA/.t_sg" "$n"
	[ -n "$jqr" ] && row "jq -c '{type:\"RECORD\",...}' (100k)" "$DATA/.t_jq" 100000
	for c in 1 4; do
		[ $c = 1 ] && what="wall" || what="CPU"
		a=$(emit_med $c "$DATA/.t_ab")
		s=$(emit_med $c "$DATA/.t_sg")
		if [ -n "$ex" ]; then
			awk -v a="$a" -v s="$s" -v x="$(emit_med $c "$DATA/.t_ex")" -v w="$what" 'BEGIN {
			    printf "%s: vs integ-extract (target >= 0.8x): airbyte %.2fx, singer %.2fx\n", w, x / a, x / s }'
		fi
		if [ -n "$jqr" ]; then
			awk -v a="$a" -v s="$s" -v j="$(emit_med $c "$DATA/.t_jq")" -v n="$n" -v w="$what" 'BEGIN {
			    printf "%s: vs jq per record (target >= 50x): airbyte %.1fx, singer %.1fx\n", w,
			    (j / 100000) / (a / n), (j / 100000) / (s / n) }'
		fi
	done
}

# ---- integ-extract (issue 3) -------------------------------------------
# integ-extract vs jq -c '.results[]' vs cat on 1000 pages (about 330 MB)
# and a 1 GiB single array: bench/extract.sh, fixtures by bench/gen.sh.
bench_extract() { sh bench/extract.sh; }

# ---- integ-fetch (issue 4) ---------------------------------------------
# integ-fetch --next through 1000 pages of 1000 records on a local nginx
# (keep-alive) vs one curl process over one connection vs a curl + jq
# loop; requests and TCP connections counted. bench/fetch.sh has it all.
bench_fetch() {
	INTEG_BIN=$BIN sh bench/fetch.sh
}

# ---- run ---------------------------------------------------------------
case "${1:-all}" in
extract) bench_extract ;;
emit)	bench_emit ;;
fetch)	bench_fetch ;;
all)	bench_extract && bench_emit; bench_fetch ;;
*)	echo "usage: bench/run.sh [all|extract|emit|fetch]" >&2; exit 64 ;;
esac
