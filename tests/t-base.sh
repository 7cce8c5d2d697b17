#!/bin/sh
# The base pieces of libinteg: exit names, escaping, masking, logging,
# the capped buffer, the failure trailer, signals, closing stdout.
. "$(dirname "$0")/lib.sh"

t 'exit statuses have their names' '
	expect_eq tempfail "$(tt-base exitname 75)"
	expect_eq noperm "$(tt-base exitname 77)"
	expect_eq config "$(tt-base exitname 78)"
	expect_eq signal "$(tt-base exitname 143)"
	expect_eq unknown "$(tt-base exitname 3)"
'

t 'escape shows control bytes and quotes, keeps printable text' '
	printf "a\"b\\\\c\n\t\001\377z" | tt-base escape 100 >out
	expect_eq "20:a\\\"b\\\\c\\n\\t\\x01\\xffz" "$(cat out)"
'

t 'escape cuts long input short with an ellipsis, within its bound' '
	head -c 1000 /dev/zero | tr "\0" x | tt-base escape 20 >out
	expect_eq "19:xxxxxxxxxxxxxxxx..." "$(cat out)"
	printf "abc" | tt-base escape 4 >out
	expect_eq "3:abc" "$(cat out)"
'

t 'mask replaces a secret and its percent-encoded forms' '
	printf "tok=s3cr et/+x; q=s3cr%%20et%%2F%%2Bx; f=s3cr+et%%2f%%2bx; plain\n" |
	    tt-base mask "s3cr et/+x" >out
	expect_eq "tok=***; q=***; f=***; plain" "$(head -n 1 out)"
	expect_grep "[in=1]" out
'

t 'mask leaves text without secrets alone' '
	printf "nothing here" | tt-base mask >out
	expect_eq "nothing here[in=0]" "$(cat out)"
	printf "abc" | tt-base mask zzz >out
	expect_eq "abc[in=0]" "$(cat out)"
'

t 'mask prefers the longest secret when secrets overlap' '
	printf "xx-abcdef-yy" | tt-base mask abc abcdef >out
	expect_eq "xx-***-yy[in=1]" "$(cat out)"
'

t 'log lines are masked, prefixed, filtered by level' '
	printf "Authorization: Bearer tok%%2Fen\nplain\n" | tt-base log WARN "tok/en" 2>err
	expect_eq "tt-base: warning: Authorization: Bearer ***" "$(sed -n 1p err)"
	expect_eq "tt-base: warning: plain" "$(sed -n 2p err)"
	expect_no_grep "tok" err
	printf "debug line\n" | tt-base log DEBUG 2>err
	expect_eq "" "$(cat err)"
	printf "info line\n" | tt-base log info 2>err
	expect_eq "" "$(cat err)"
	printf "an error\n" | tt-base log ERROR 2>err
	expect_eq "tt-base: an error" "$(cat err)"
'

t 'log levels are named as Airbyte names them, most severe first, any case' '
	for n in FATAL ERROR WARN INFO DEBUG TRACE; do tt-base level $n; done >out
	printf "%s\n" "0 FATAL" "1 ERROR" "2 WARN" "3 INFO" "4 DEBUG" "5 TRACE" >want
	expect_same want out
	expect_eq "4 DEBUG" "$(tt-base level debug)"
	expect_exit 1 tt-base level WARNING
	expect_exit 1 tt-base level ""
'

t 'buffer grows and refuses to pass its cap' '
	expect_eq "6:abcdef" "$(tt-base buf 6 abc def)"
	expect_eq "$(printf "error at 3: Message too long\n6:abcdef")" "$(tt-base buf 6 abc def g)"
	big=$(head -c 5000 /dev/zero | tr "\0" y)
	expect_eq 5000 "$(tt-base buf 10000 "$big" | cut -d: -f1)"
'

t 'an empty buffer with room reserved is an empty string' '
	expect_eq "0:" "$(tt-base buf 10)"
	expect_eq "0:" "$(tt-base buf 10 "")"
'

t 'trailer is one escaped, masked line' '
	tt-base trailer 75 "GET http://h/?t=tok: 503
second line" tok >out
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_eq "integ-error: 75 GET http://h/?t=***: 503\\nsecond line" "$(cat out)"
'

t 'trailer lines are recognised, others are not' '
	printf "%s\n" "integ-error: 75 try later" "integ-error: 65" \
	    "{\"integ-error\":1}" "integ-error: x" "integ-error: 0 no" \
	    "integ-error: 256 big" "integ-error: 77x" "integ-error:75 nospace" >in
	tt-base parse <in >out
	printf "%s\n" "75 try later" "65 " no no no no no no >want
	expect_same want out
'

t 'SIGTERM interrupts a blocking read and is reported' '
	mkfifo fifo
	tt-base signal <fifo >out &
	pid=$!
	exec 3>fifo
	i=0; while [ ! -s out ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i+1)); done
	kill -TERM $pid
	set +e; wait $pid; rc=$?; set -e
	exec 3>&-
	expect_eq 143 "$rc" "exit status"
	expect_grep "caught 15" out
'

t 'SIGPIPE ends a writer quietly' '
	set +e
	yes | head -c 1000000 | tt-base closeout 2>err | head -c 10 >/dev/null
	set -e
	expect_eq "" "$(cat err)"
'

t 'a full disk on stdout is an error, not silence' '
	[ -w /dev/full ] || { echo "no /dev/full"; exit 0; }
	expect_exit 74 sh -c "echo hello | tt-base closeout >/dev/full 2>err"
	expect_grep "write error: stdout" err
'

done_testing
