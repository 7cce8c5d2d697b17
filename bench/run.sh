#!/bin/sh
# bench/run.sh: every benchmark of bench/, one after another (make bench).
# Each part is a script of its own; their Markdown goes to stdout and, by
# hand, into bench/RESULTS.md.
cd "$(dirname "$0")/.." || exit 1
rc=0

# ---- integ-fetch (bench/fetch.sh) ----
sh bench/fetch.sh || rc=1

exit $rc
