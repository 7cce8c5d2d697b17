#!/bin/sh
# bench/gen.sh: build the fixture generator (bench/gen.c) if needed and
# run it with the arguments given; see bench/README.md.
#   sh bench/gen.sh [-s SEED] [-r PER_PAGE] [-u URL] pages N FILE
#   sh bench/gen.sh [-s SEED] [-r PER_PAGE] [-u BASE_URL] pagedir N DIR
#   sh bench/gen.sh [-s SEED] jsonl N FILE
#   sh bench/gen.sh [-s SEED] array MIB FILE
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${B:-$top/build}/bench
mkdir -p "$out"
if [ ! -x "$out/gen" ] || [ -n "$(find "$top/bench/gen.c" -newer "$out/gen")" ]; then
	${CC:-cc} -O2 -Wall -Wextra -o "$out/gen" "$top/bench/gen.c"
fi
exec "$out/gen" "$@"
