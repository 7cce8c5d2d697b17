#!/bin/sh
# The JSON core of libinteg (tt-json): validation, spans, strings,
# equality, paths and the streaming scanner.
. "$(dirname "$0")/lib.sh"

# ok JSON: validate must accept it; bad JSON MSG: reject it with MSG.
ok() { printf '%s' "$1" | tt-json validate >out || { cat out >&2; return 1; }; }
bad() {
	set +e; printf '%b' "$1" | tt-json validate >out; rc=$?; set -e
	[ "$rc" -eq 65 ] || { echo "accepted: $1" >&2; cat out >&2; return 1; }
	expect_grep "$2" out
}

t 'valid texts of every kind are accepted, span without whitespace' '
	for j in "{}" "[]" "0" "-0" "1.5e-3" "12345678901234567890" "1E+2" \
	    "\"\"" "\"a\\\\\\\"\\/\\b\\f\\n\\r\\t\\u00e9\"" "true" "false" "null" \
	    "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}" "[[],{},[[]]]"; do
		ok "$j"
	done
	printf " \n\t [1, 2] \r\n" | tt-json validate >out
	expect_eq "ok [1, 2]" "$(cat out)"
'

t 'numbers jq 1.6 accepts are rejected' '
	bad "[01]" "line 1, column 3: leading zero"
	bad "[1.]" "column 4: expected a digit after"
	bad "[.5]" "expected a value"
	bad "[-]" "expected a digit after"
	bad "[1e]" "exponent"
	bad "[1e+]" "exponent"
	bad "[+1]" "expected a value"
	bad "[NaN]" "got '"'"'N'"'"'"
	bad "[Infinity]" "expected a value"
	bad "[-Infinity]" "expected a digit"
	bad "[0x10]" "invalid number"
	bad "[1.5.2]" "invalid number"
	bad "12a" "invalid number"
'

t 'strings: control bytes, bad escapes, bad UTF-8 are rejected' '
	bad "\"a\tb\"" "control character in a string: byte 0x09"
	bad "\"a\nb\"" "control character"
	bad "[\"\\\\x\"]" "bad escape"
	bad "\"\\\\u12G4\"" "hex digit"
	bad "\"\\\\u12\"" "hex digit"
	bad "\"\300\200\"" "invalid UTF-8: byte 0xc0"
	bad "\"\340\200\200\"" "invalid UTF-8: byte 0x80"
	bad "\"\355\240\200\"" "invalid UTF-8: byte 0xa0"
	bad "\"\364\220\200\200\"" "invalid UTF-8: byte 0x90"
	bad "\"\370\"" "invalid UTF-8"
	bad "\"\303\"" "invalid UTF-8"
	bad "\"\200\"" "invalid UTF-8"
	bad "\"abc" "end of input in a string"
	ok "\"é€😀\""
'

t 'structure errors name line and column' '
	bad "{\n  \"a\": 1,\n  \"b\" 2\n}" "line 3, column 7: expected '"'"':'"'"'"
	bad "[1,]" "expected a value, got '"'"']'"'"'"
	bad "{\"a\":1,}" "expected a member name"
	bad "[1 2]" "expected '"'"','"'"' or '"'"']'"'"'"
	bad "[1}" "expected '"'"','"'"' or '"'"']'"'"', got '"'"'}'"'"'"
	bad "[}" "expected a value, got '"'"'}'"'"'"
	bad "{\"a\":1]" "expected '"'"','"'"' or '"'"'}'"'"'"
	bad "{1:2}" "member name"
	bad "[tru]" "invalid literal"
	bad "[nul" "end of input in a literal"
	bad "" "no JSON text"
	bad "   \n " "line 2, column 2: no JSON text"
	bad "1 2" "unexpected data after the text"
	bad "[1]x" "unexpected data after the text"
	bad "[\0]" "byte 0x00"
	bad "\357\273\277[]" "expected a value, got byte 0xef"
'

t 'nesting: 1024 levels pass, 1025 fail' '
	a=$(head -c 1024 /dev/zero | tr "\0" "[")
	z=$(head -c 1024 /dev/zero | tr "\0" "]")
	ok "$a$z"
	bad "[$a$z]" "nesting deeper than 1024 levels"
'

t 'types and their names' '
	for p in "{}:object" "[]:array" "\"s\":string" "-1:number" \
	    "true:boolean" "false:boolean" "null:null"; do
		printf "%s" "${p%:*}" | tt-json type >out
		expect_eq "${p##*:}" "$(cat out)"
	done
'

t 'iterating arrays and objects yields raw spans' '
	printf "[ 1 , \"a b\" , {\"x\": [ 2 ] } ,[] ]" | tt-json iter >out
	printf "%s\n" "-	1" "-	\"a b\"" "-	{\"x\": [ 2 ] }" "-	[]" >want
	expect_same want out
	printf "{ \"k\" : \"v,}\" , \"e\\\\\"\" :null}" | tt-json iter >out
	printf "%s\n" "\"k\"	\"v,}\"" "\"e\\\"\"	null" >want
	expect_same want out
	expect_eq 0 "$(printf "[ ]" | tt-json count)"
	expect_eq 3 "$(printf "{\"a\":1,\"b\":[1,2],\"c\":{}}" | tt-json count)"
	expect_eq "not a container" "$(printf "\"x\"" | tt-json iter)"
'

t 'strings decode escapes and surrogate pairs; compare decoded' '
	printf "\"a\\\\u00e9\\\\n\\\\ud83d\\\\ude00\\\\/\"" | tt-json decode >out
	printf "a\303\251\n\360\237\230\200/" >want
	cmp want out
	printf "\"\\\\ud800x\"" | tt-json decode >out
	printf "\357\277\275x" >want
	cmp want out
	expect_eq 1 "$(printf "\"\\\\u0061b\"" | tt-json streq ab)"
	expect_eq 0 "$(printf "\"\\\\u0061b\"" | tt-json streq abc)"
	expect_eq 0 "$(printf "\"ab\"" | tt-json streq a)"
	expect_eq 1 "$(printf "\"\"" | tt-json streq "")"
'

t 'encoding escapes what JSON needs and replaces bad UTF-8' '
	printf "a\"b\\\\c\n\001\303\251\377" | tt-json encode >out
	expect_eq "\"a\\\"b\\\\c\\n\\u0001é\\ufffd\"" "$(cat out)"
	printf "a\"b\\\\c\n\001\303\251" | tt-json encode | tt-json decode >out
	printf "a\"b\\\\c\n\001\303\251" >want
	cmp want out
'

t 'compact drops whitespace outside strings only' '
	printf "{ \"a b\" : [ 1 ,\n 2 ] , \"c\" : \" x \\\\\" y \" }" | tt-json compact >out
	expect_eq "{\"a b\":[1,2],\"c\":\" x \\\" y \"}" "$(cat out)"
'

t 'equality: numbers by exact value, objects in any order' '
	expect_eq 1 "$(tt-json equal 1 1.0)"
	expect_eq 1 "$(tt-json equal 1 10e-1)"
	expect_eq 1 "$(tt-json equal 0 -0.0e5)"
	expect_eq 1 "$(tt-json equal 1500 1.5E3)"
	expect_eq 0 "$(tt-json equal 12345678901234567890 12345678901234567891)"
	expect_eq 0 "$(tt-json equal 1 -1)"
	expect_eq 1 "$(tt-json equal "\"\\u00e9\"" "\"é\"")"
	expect_eq 0 "$(tt-json equal "\"a\"" "\"ab\"")"
	expect_eq 1 "$(tt-json equal "{\"a\":1,\"b\":[true,null]}" "{\"b\":[true,null],\"a\":1.0}")"
	expect_eq 0 "$(tt-json equal "{\"a\":1}" "{\"a\":1,\"b\":2}")"
	expect_eq 0 "$(tt-json equal "[1,2]" "[2,1]")"
	expect_eq 1 "$(tt-json equal "{\"a\":1,\"a\":2}" "{\"a\":2}")"
	expect_eq 0 "$(tt-json equal "{\"a\":1,\"a\":2}" "{\"a\":2,\"b\":1}")"
	expect_eq 0 "$(tt-json equal "{\"a\":2,\"b\":1}" "{\"a\":1,\"a\":2}")"
	expect_eq 0 "$(tt-json equal "1" "\"1\"")"
	expect_eq 0 "$(tt-json equal true false)"
'

t 'number, truthiness and member lookup' '
	expect_eq 1500 "$(printf "1.5e3" | tt-json number)"
	expect_eq 0 "$(printf "null" | tt-json truthy)"
	expect_eq 0 "$(printf "false" | tt-json truthy)"
	expect_eq 1 "$(printf "0" | tt-json truthy)"
	expect_eq 1 "$(printf "\"\"" | tt-json truthy)"
	expect_eq 2 "$(printf "{\"a\":1,\"b\":2}" | tt-json member b)"
	expect_eq 3 "$(printf "{\"a\":1,\"a\":3}" | tt-json member a)"
	expect_eq missing "$(printf "{\"a\":1}" | tt-json member z)"
	expect_eq missing "$(printf "[1]" | tt-json member a)"
'

t 'paths: every form of the one syntax' '
	doc="{\"data\":{\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}]},\"odd key\":\"o\",\"links\":{\"next\":\"n\"},\"a\\u0062\":5}"
	for p in "data.items[0].id:1" ".data.items[1].id:2" "data.items[-1].id:3" \
	    "data.items[-3].id:1" "links.next:\"n\"" ".[\"odd key\"]:\"o\"" \
	    ".\"odd key\":\"o\"" "ab:5" ".data[\"items\"][2].id:3" ".:$doc" \
	    "data.items[3]:missing" "data.items[-4]:missing" "nope:missing" \
	    "data.items.id:missing" "links.next.x:missing" "data[0]:missing"; do
		printf "%s" "$doc" | tt-json path "${p%%:*}" >out
		expect_eq "${p#*:}" "$(cat out)" "$p"
	done
'

t 'bad paths are usage errors naming the offset' '
	for p in "" ".." "a..b" "a[" "a[x]" "a[1" "a]" "[\"x" "a b" ".[\"\\q\"]"; do
		set +e; printf "{}" | tt-json path "$p" >out; rc=$?; set -e
		expect_eq 64 "$rc" "exit for [$p]"
		expect_grep "bad path" out
	done
	printf "{}" | tt-json path "a..b" >out || :
	expect_grep "at offset 2" out
'

t 'streaming yields the same records whatever the chunk size' '
	printf "\357\273\277{\"count\":2,\"results\":[{\"a\":1, \"b\" : [ 1 , 2 ]},\n \"x\\\\u00e9y\\\\\"\",  12345678901234567890 ,null,\"\303\251\360\237\230\200\"]}\n{\"results\":{\"k\":1}}\n{\"results\":null}\n{\"other\":1} [1] 7\n" >in
	tt-json stream results 65536 <in >want
	printf "%s\n" "{\"a\":1,\"b\":[1,2]}" "\"x\\u00e9y\\\"\"" 12345678901234567890 null \
	    "\"é😀\"" "#text 1" "{\"k\":1}" "#text 1" "#text 0" "#text 0" "#text 0" "#text 0" >exp
	expect_same exp want
	for n in 1 2 3 5 7 11 64; do
		tt-json stream results $n <in >out
		expect_same want out
	done
'

t 'streaming paths: nested, indexed, negative, whole texts' '
	printf "{\"d\":{\"x\":[[1,2],[3]],\"y\":5}} {\"d\":{\"x\":[]}}" >in
	expect_eq "$(printf "1\n2\n#text 1\n#text 0")" "$(tt-json stream d.x[0] 2 <in)"
	expect_eq "$(printf "3\n#text 1\n#text 0")" "$(tt-json stream "d.x[-1]" 2 <in)"
	expect_eq "$(printf "5\n#text 1\n#text 0")" "$(tt-json stream .d.y 1 <in)"
	expect_eq "$(printf "[1,2]\n[3]\n#text 1\n#text 1")" "$(tt-json stream d.x 3 <in)"
	printf "[1, 2]\nnull \"s\"" | tt-json stream - 1 >out
	expect_eq "$(printf "[1,2]\n#text 0\nnull\n#text 0\n\"s\"\n#text 0")" "$(cat out)"
	printf "[1, [2]]" | tt-json stream . 1 >out
	expect_eq "$(printf "1\n[2]\n#text 1")" "$(cat out)"
'

t 'streaming: a trailer between texts stops the stream with its code' '
	printf "{\"r\":[1]}\ninteg-error: 75 GET /x: 503\n{\"r\":[2]}\n" >in
	set +e; tt-json stream r 3 <in >out; rc=$?; set -e
	expect_eq 75 "$rc"
	printf "%s\n" 1 "#text 1" "#trailer 75 integ-error: 75 GET /x: 503" \
	    "error 75: integ-error: 75 GET /x: 503" >want
	expect_same want out
	printf "[1]\ninteg-error: 65" | tt-json stream . 2 >out || :
	expect_grep "#trailer 65 integ-error: 65" out
'

t 'streaming errors: position across lines and chunks, not a trailer' '
	printf "[1]\n[2,\n  3 4]\n" >in
	set +e; tt-json stream . 2 <in >out; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "error 65: line 3, column 5: expected" out
	printf "[1] integ-error: 75 x\n" | tt-json stream . 4 >out || :
	expect_grep "line 1, column 5: expected a value" out
	printf "integ-error: x\n" | tt-json stream . 4 >out || :
	expect_grep "line 1, column 1: unexpected" out
	printf "1 2\n3true\n" | tt-json stream . 1 >out || :
	expect_grep "line 2, column 2: invalid number" out
	printf "true1" | tt-json stream . 1 >out || :
	expect_grep "no space between texts" out
	printf "{\"a\":[1,2" | tt-json stream a 3 >out || :
	expect_grep "line 1, column 10: unexpected end of input in an array" out
	printf "\357\273[]" | tt-json stream . 3 >out || :
	expect_grep "bad byte-order mark" out
	printf "[]\357\273\277[]" | tt-json stream . 3 >out || :
	expect_grep "column 3: expected a value, got byte 0xef" out
'

t 'streaming: a record past the cap is an error, in one chunk or many' '
	printf "[\"abcdefgh\", \"abcdefghi\"]" >in
	for n in 1 3 100; do
		set +e; tt-json stream . $n 10 <in >out; rc=$?; set -e
		expect_eq 65 "$rc"
		printf "%s\n" "\"abcdefgh\"" "error 65: a record is larger than 10 bytes" >want
		expect_same want out
	done
'

t 'stream: a member name repeated on the path takes the last; records already out: 65' '
	printf "{\"a\":null,\"a\":[4]}{\"b\":1,\"a\":[],\"a\":[5,6]}" | tt-json stream a 3 >out
	expect_eq "4 #text 1 5 6 #text 1" "$(tr "\n" " " <out | sed "s/ $//")"
	printf "{\"o\":{\"a\":null,\"a\":2},\"p\":0}" | tt-json stream o.a 2 >out
	expect_eq "2 #text 1" "$(tr "\n" " " <out | sed "s/ $//")"
	# without a sink that takes records back, the text fails, naming the member
	set +e; printf "{\"a\":[1,2],\"b\":3,\"a\":[4]}" | tt-json stream a 1 >out; rc=$?; set -e
	expect_eq 65 "$rc"
	expect_grep "the member \"a\" on the path comes again after 2 records" out
'

done_testing
