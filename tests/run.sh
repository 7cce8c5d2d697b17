#!/bin/sh
# tests/run.sh [t-FILE.sh...]: run the test files (all by default) and
# print one closing line: N passed, N failed, N skipped.
cd "$(dirname "$0")" || exit 1
[ $# -gt 0 ] || set -- t-*.sh
pass=0 fail=0 skip=0 broken=
for f in "$@"; do
	f=${f#tests/}
	out=$(sh "$f" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	counts=$(printf '%s\n' "$out" | sed -n 's/^# [^ ]*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' | tail -n 1)
	if [ -z "$counts" ]; then
		# a file that died before its summary counts as one failure
		broken="$broken $f"
		fail=$((fail + 1))
		continue
	fi
	read -r p f_ s <<EOT
$counts
EOT
	pass=$((pass + p)) fail=$((fail + f_)) skip=$((skip + s))
	if [ "$rc" -ne 0 ] && [ "$f_" -eq 0 ]; then
		broken="$broken $f"
		fail=$((fail + 1))
	fi
done
[ -z "$broken" ] || echo "# files that stopped early or failed:$broken"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
