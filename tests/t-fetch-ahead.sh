#!/bin/sh
# A walk runs ahead of its reader by a page or two, no more: when stdout
# is not read, integ-fetch stops asking for pages instead of holding the
# whole sync in memory.
. "$(dirname "$0")/lib.sh"

t 'a blocked reader stops the walk within a few pages' '
	pad=$(head -c 1100000 /dev/zero | tr "\0" x)
	: >s.scn
	i=1
	while [ $i -le 12 ]; do
		if [ $i -lt 12 ]; then next="\"%URL/p$((i + 1))\""; else next=null; fi
		printf "{\"next\":%s,\"pad\":\"%s\"}\n" "$next" "$pad" >p$i.json
		printf "reply\npath /p%d\nbody-file p%d.json\n\n" $i $i >>s.scn
		i=$((i + 1))
	done
	mock_start s.scn
	mkfifo out
	integ-fetch -s --next next "$MOCK_URL/p1" >out &
	pid=$!
	exec 3<out
	sleep 0.5
	# the pipe (1 MiB) holds less than a page: the first is written, two
	# more are fetched ahead, then the walk waits
	n=$(wc -l <mock.log | tr -d " ")
	[ "$n" -le 5 ] || { echo "$n requests made with nobody reading"; exit 1; }
	cat <&3 >pages
	exec 3<&-
	wait $pid
	expect_eq 12 "$(grep -c "^{" pages)" "pages written at the end"
	expect_eq 12 "$(wc -l <mock.log | tr -d " ")" "requests"
'

done_testing
