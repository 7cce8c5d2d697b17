#!/bin/sh
# integ-extract: paths, streams of texts, errors, trailers, --jq, --strict.
. "$(dirname "$0")/lib.sh"

t 'records at a path, one compact line each, bytes kept' '
	printf "{\"count\": 2,\n \"results\": [ {\"id\": 12345678901234567890, \"n\": \"a\\\\u00e9 b\"},\n  {\"id\": 1.50E+3} ]}\n" |
	    integ-extract results >out
	printf "%s\n" "{\"id\":12345678901234567890,\"n\":\"a\\u00e9 b\"}" "{\"id\":1.50E+3}" >want
	expect_same want out
'

t 'an array yields elements, another value itself, null or missing nothing' '
	printf "%s\n" "{\"r\":[1,[2],{}]}" "{\"r\":{\"a\":1}}" "{\"r\":\"s\"}" \
	    "{\"r\":null}" "{\"x\":1}" "[1,2]" "{\"r\":[]}" "{\"r\":[null]}" >in
	integ-extract r in >out
	printf "%s\n" 1 "[2]" "{}" "{\"a\":1}" "\"s\"" null >want
	expect_same want out
	integ-extract . in >out
	expect_eq 9 "$(wc -l <out | tr -d " ")"
'

t 'paths: dotted, quoted, indexed, negative' '
	printf "{\"data\":{\"items\":[{\"id\":1},{\"id\":2}]},\"odd key\":[7]}" >in
	expect_eq "$(printf "{\"id\":1}\n{\"id\":2}")" "$(integ-extract data.items in >out; cat out)"
	expect_eq 2 "$(integ-extract "data.items[-1].id" in >out; cat out)"
	expect_eq 1 "$(integ-extract ".data.items[0].id" in >out; cat out)"
	expect_eq 7 "$(integ-extract ".[\"odd key\"]" in >out; cat out)"
	expect_eq "{\"id\":2}" "$(integ-extract "data[\"items\"][1]" in >out; cat out)"
'

t 'several files in order, stdin as -' '
	echo "{\"r\":[1]}" >a
	echo "{\"r\":[3]}" >c
	echo "{\"r\":[2]}" | integ-extract r a - c >out
	expect_eq "$(printf "1\n2\n3")" "$(cat out)"
'

t 'a byte-order mark at the start of each input is skipped' '
	printf "\357\273\277{\"r\":[1]}" >a
	printf "\357\273\277{\"r\":[2]}" >b
	expect_eq "$(printf "1\n2")" "$(integ-extract r a b >out; cat out)"
'

t 'malformed input: 65 naming input, line and column; a trailer last' '
	printf "{\"r\":[1]}\n{\"r\":[2]}\n{\"r\":[3,\n 01]}\n{\"r\":[4]}\n" >pages
	set +e; integ-extract r pages >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_eq "integ-extract: pages: line 4, column 3: leading zero in a number: '"'"'1'"'"'" "$(cat err)"
	printf "%s\n" 1 2 "integ-error: 65 pages: line 4, column 3: leading zero in a number: '"'"'1'"'"'" >want
	expect_same want out
'

t 'nothing of a bad text is written, nor anything after it' '
	printf "{\"r\":[1,2,3,{\"a\":\"\001\"},5]} {\"r\":[6]}" >in
	set +e; integ-extract r in >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_grep "integ-error: 65 in: line 1, column 19: control character" out
'

t 'every kind of malformed input is 65' '
	for j in "[NaN]" "[01]" "[1.]" "[.1]" "[1e5.]" "[\"a\tb\"]" "[\"\\\\x\"]" \
	    "[\"\\\\ud83\"]" "{\"a\"}" "{a:1}" "[1,]" "[,1]" "[1 2]" "[\"\377\"]" \
	    "[\"\300\257\"]" "[\"\355\240\200\"]" "[\0]" "\0" "[Infinity]" \
	    "[-]" "[tRue]" "[nul]" "\"open" "[1" "{\"a\":" "[1]]" "}" "1x" \
	    "[\"\\\\u00\"]" "[\x27a\x27]" "[+1]" "[0x1]"; do
		set +e; printf "%b" "$j" | integ-extract . >out 2>err; rc=$?; set -e
		expect_eq 65 "$rc" "exit for $j"
		expect_grep "stdin: line 1, column" err
		expect_grep "integ-error: 65" out
	done
'

t 'nesting: 1024 levels pass, 1025 are malformed whatever the path' '
	a=$(head -c 1023 /dev/zero | tr "\0" "[")
	z=$(head -c 1023 /dev/zero | tr "\0" "]")
	printf "{\"r\":%s1%s}" "$a" "$z" | integ-extract x >out
	expect_eq "" "$(cat out)"
	set +e; printf "{\"r\":[%s1%s]}" "$a" "$z" | integ-extract x >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "nesting deeper than 1024" err
'

t 'an upstream trailer is passed on and its code is the status' '
	printf "{\"r\":[1]}\ninteg-error: 75 GET http://x/: 503\n" >in
	set +e; integ-extract r in >out 2>err; rc=$?; set -e
	expect_eq 75 "$rc"
	printf "%s\n" 1 "integ-error: 75 GET http://x/: 503" >want
	expect_same want out
	expect_eq "" "$(cat err)"
	printf "[1]\ninteg-error: 77 auth" | integ-extract --jq ".[]" >out || rc=$?
	expect_eq 77 "$rc"
	expect_eq "$(printf "1\ninteg-error: 77 auth")" "$(cat out)"
'

t 'a trailer-like line that is not one is malformed' '
	set +e; printf "[1]\ninteg-error: 0 x\n" | integ-extract . >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "stdin: line 2, column 1" err
'

t '--strict: a missing or null path is an error' '
	printf "{\"r\":[]}{\"r\":[1]}" | integ-extract --strict r >out
	expect_eq 1 "$(cat out)"
	set +e; printf "{\"r\":[1]}\n{\"r\":null}\n{\"r\":[2]}" | integ-extract --strict r >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "stdin: line 2: text 2: nothing at r (--strict)" err
	expect_eq "$(printf "1\ninteg-error: 65 stdin: line 2: text 2: nothing at r (--strict)")" "$(cat out)"
'

t '--jq runs a program on each text' '
	printf "{\"r\":[{\"a\":1,\"b\":\"x\"}]}\n{\"r\":[{\"a\":2}]}" | integ-extract --jq ".r[] | {a, b}" >out
	printf "%s\n" "{\"a\":1,\"b\":\"x\"}" "{\"a\":2,\"b\":null}" >want
	expect_same want out
'

t '--jq: a compile error is 64 with jq'"'"'s message, a runtime error 65' '
	set +e; echo "{}" | integ-extract --jq ".[" >out 2>err; rc=$?; set -e
	expect_eq 64 "$rc"
	expect_grep "syntax error" err
	expect_eq "" "$(cat out)"
	set +e; printf "{\"a\":1}\n{\"a\":\"x\"}\n" | integ-extract --jq ".a + 1" >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "stdin: text 2: jq: error: string" err
	expect_eq "2" "$(head -n 1 out)"
	expect_grep "integ-error: 65" out
	set +e; printf "[01]" | integ-extract --jq . >out 2>err; rc=$?; set -e
	expect_eq 65 "$rc"
	# libjq 1.6 leaks in its parser here (tests/lsan.supp)
	set +e; echo "{}" | integ-extract --jq "\"\\(" >out 2>err; rc=$?; set -e
	expect_eq 64 "$rc"
'

t '--jq: input and inputs see no further texts' '
	printf "1 2 3" | integ-extract --jq "[., (try input catch \"none\"), [inputs]]" >out
	printf "%s\n" "[1,\"none\",[]]" "[2,\"none\",[]]" "[3,\"none\",[]]" >want
	expect_same want out
'

t 'usage: PATH required, bad paths, --strict with --jq, help and version' '
	expect_exit 64 integ-extract
	expect_exit 64 integ-extract "a..b" </dev/null
	expect_exit 64 integ-extract --strict --jq . </dev/null
	expect_exit 64 integ-extract --bogus r </dev/null
	integ-extract "a..b" </dev/null 2>err || :
	expect_grep "bad path" err
	expect_eq "integ-extract $(sed -n "s/^#define INTEG_VERSION \"\(.*\)\"/\1/p" "$TOP/libinteg/integ.h")" "$(integ-extract --version >out; cat out)"
	integ-extract --help >out
	expect_grep "integ-extract [--strict] PATH [FILE ...]" out
	expect_grep "integ-extract --jq FILTER [FILE ...]" out
	integ-extract -h | cmp - out
'

t 'a missing file is 66 with a trailer' '
	set +e; integ-extract r nosuch >out 2>err; rc=$?; set -e
	expect_eq 66 "$rc"
	expect_grep "nosuch: No such file" err
	expect_grep "integ-error: 66" out
'

t 'records larger than a read, split across reads, come out whole' '
	python3 -c "
import json
recs = [{\"i\": i, \"s\": \"x\" * (100000 * (i % 7)), \"u\": \"\u00e9\" * 50000} for i in range(30)]
print(json.dumps({\"r\": recs}, indent=1, ensure_ascii=False))
" >in
	integ-extract r in >out
	expect_eq 30 "$(wc -l <out | tr -d " ")"
	jq -c ".r[]" in | cmp - out
'

t 'a closed stdout ends it quietly' '
	python3 -c "print(\"{\\\"r\\\":[\" + \",\".join([\"1\"] * 2000000) + \"]}\")" >in
	set +e; integ-extract r in 2>err | head -n 1 >out; set -e
	expect_eq 1 "$(cat out)"
	expect_eq "" "$(cat err)"
'

t 'SIGTERM: what ended is written, then a trailer, exit 143' '
	mkfifo fifo
	integ-extract r <fifo >out 2>err &
	pid=$!
	exec 3>fifo
	printf "{\"r\":[1,2]}\n{\"r\":[3," >&3
	i=0; while [ $i -lt 20 ]; do sleep 0.02; i=$((i+1)); done
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	exec 3>&-
	expect_eq 143 "$rc" "exit status"
	printf "%s\n" 1 2 "integ-error: 143 stdin: interrupted by signal 15" >want
	expect_same want out
'

t 'a full disk is 74' '
	[ -w /dev/full ] || exit 0
	set +e; echo "[1]" | integ-extract . >/dev/full 2>err; rc=$?; set -e
	expect_eq 74 "$rc"
	expect_grep "write error" err
'

done_testing
