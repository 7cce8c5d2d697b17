#!/bin/sh
# The test library itself (tests/lib.sh): what a test reports when a
# prerequisite is missing.
. "$(dirname "$0")/lib.sh"

# A test file of its own, run with the checkers somewhere they are not.
minitests() {
	cat >mini.sh <<'MINI'
. "$LIB"
t 'checks conformance' 'have_conformance && false; :'
t 'fails without conformance' 'have_conformance || :; false'
t 'needs nothing' ':'
done_testing
MINI
	LIB=$TESTS/lib.sh INTEG_SHARED=$PWD/nowhere sh mini.sh >out || :
}

t 'without ../shared, a test that uses the checkers is a skip, never ok' '
	minitests
	expect_grep "ok 1 # skip checks conformance: no conformance checkers in $PWD/nowhere/conformance" out
	expect_grep "not ok 2 - fails without conformance" out
	expect_grep "ok 3 - needs nothing" out
	expect_grep "# mini: 1 passed, 1 failed, 1 skipped" out
'

t 'with the checkers present, the same test is ok' '
	mkdir -p sh/conformance/airbyte sh/conformance/singer
	: >sh/conformance/airbyte/validate.py
	: >sh/conformance/singer/check-singer
	if ! conformance_python >/dev/null; then
		echo "no python3 with jsonschema and yaml" >"$_dir/.skip"
		exit 0
	fi
	cat >mini.sh <<MINI
. "$TESTS/lib.sh"
t "checks conformance" "have_conformance"
done_testing
MINI
	INTEG_SHARED=$PWD/sh sh mini.sh >out || :
	expect_grep "ok 1 - checks conformance" out
'

done_testing
