#!/bin/sh
# Every man page is lint-clean. That each tool's page matches its --help
# is t-cli.sh's business.
. "$(dirname "$0")/lib.sh"

if need mandoc; then
	t 'every man page is mandoc -Tlint clean' '
		mandoc -Tlint -Wwarning "$TOP"/man/*.[1-9]
	'
else
	skip 'mandoc' 'not installed'
fi

done_testing
