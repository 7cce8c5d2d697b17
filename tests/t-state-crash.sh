#!/bin/sh
# integ-state save killed at random moments while STATE messages flow:
# each time the file is whole, valid JSON, and the previous state or a
# newer one.
. "$(dirname "$0")/lib.sh"

# flood FROM PROTOCOL: STATE messages for n = FROM+1, FROM+2, ...
flood() {
	awk -v from="$1" -v proto="$2" 'BEGIN {
		for (i = from + 1; i <= from + 200000; i++) {
			if (proto == "airbyte")
				printf "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},\"stream_state\":{\"n\":%d}},\"sourceStats\":{\"recordCount\":1.0}}}\n", i
			else
				printf "{\"type\":\"RECORD\",\"stream\":\"s\",\"record\":{\"n\":%d}}\n{\"type\":\"STATE\",\"value\":{\"bookmarks\":{\"s\":{\"n\":%d},\"t%d\":{\"n\":%d}}}}\n", i, i, i % 3, i
		}
	}'
}

# tmps: how many temporary files of st.json are in the directory
tmps() {
	n=0
	for f in .st.json.*; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo "$n"
}

# crash PROTOCOL ROUNDS: kill -9 integ-state save at random moments.
crash() {
	proto=$1 rounds=$2 last=0 r=0 left=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1))
		flood "$last" "$proto" | integ-state save st.json >/dev/null 2>&1 &
		pid=$!
		# a random moment within about 30 ms (300 ms under the
		# sanitizers, which take longer than that to start)
		ms=$(od -An -N1 -tu1 /dev/urandom | tr -d " ")
		if [ -n "${INTEG_SANITIZED:-}" ]; then
			sleep "0.$((ms % 30 / 10))$((ms % 10))"
		else
			sleep "0.0$((ms % 30 / 10))$((ms % 10))"
		fi
		kill -9 "$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
		# a kill between naming and renaming may leave one; the
		# next save removes it
		[ "$(tmps)" -le 1 ] || { echo "round $r: $(tmps) temporary files" >&2; return 1; }
		left=$((left + $(tmps)))
		[ -f st.json ] || continue
		cp st.json "snap.$r"
		n=$(integ-state get st.json s n --default 0)
		if [ "$n" -lt "$last" ]; then
			echo "round $r: state went back from $last to $n" >&2
			return 1
		fi
		last=$n
	done
	[ "$last" -gt 0 ] || { echo "no state was ever saved" >&2; return 1; }
	echo "# $left of $rounds kills left a temporary file until the next save"
	flood "$last" "$proto" | head -n 4 | integ-state save st.json >/dev/null
	expect_eq 0 "$(tmps)" "temporary files after a save"
	# every snapshot is valid JSON of the right shape (an independent parser)
	if need python3; then
		python3 -c "
import json, sys
for f in sys.argv[2:]:
    d = json.load(open(f))
    if sys.argv[1] == \"airbyte\":
        assert isinstance(d, list) and d[0][\"type\"] == \"STREAM\", f
    else:
        assert isinstance(d[\"bookmarks\"][\"s\"][\"n\"], int), f
" "$proto" snap.*
	fi
}

t 'SIGKILL during save (Airbyte): the file is always whole and never goes back' '
	crash airbyte 25
'

t 'SIGKILL during save (Singer): the file is always whole and never goes back' '
	crash singer 25
'

done_testing
