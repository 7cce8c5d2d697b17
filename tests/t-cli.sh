#!/bin/sh
# The command line every tool and connector shares (DESIGN.md): --help on
# stdout with exit 0, --version on stdout, an unknown option exit 64 with
# the usage on stderr and nothing on stdout, and a --help whose options
# are the man page's SYNOPSIS and are each documented in the page.
. "$(dirname "$0")/lib.sh"

# long options of a text: "--name" from --help, "Fl -name" from mdoc
help_opts() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
man_opts() { grep -o -e '\\-[a-z][a-z-]*' -e 'Fl -[a-z][a-z-]*' |
    sed 's/^Fl -/--/; s/^\\-/--/' | sort -u; }
synopsis() { sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$1"; }

for bin in "$INTEG_BIN"/integ-* "$INTEG_BIN"/source-*; do
	name=$(basename "$bin")
	t "$name --help: the usage on stdout, nothing on stderr, exit 0" '
		'"$name"' --help >out 2>err
		[ ! -s err ] || { echo "stderr:"; cat err; exit 1; }
		grep -q "^usage: '"$name"' " out
		'"$name"' -h >out2 2>err
		expect_same out out2
	'
	t "$name --version: its name and version on stdout, exit 0" '
		'"$name"' --version >out 2>err
		[ ! -s err ]
		expect_eq 1 "$(wc -l <out | tr -d " ")" "lines"
		grep -Eq "^'"$name"' [0-9]+\.[0-9]+" out || { cat out; exit 1; }
	'
	t "$name: an unknown option is exit 64, the usage on stderr, stdout empty" '
		expect_exit 64 '"$name"' --no-such-option >out 2>err
		[ ! -s out ] || { echo "stdout:"; cat out; exit 1; }
		grep -q "^usage: '"$name"' " err
	'
	t "$name: --help and the man page SYNOPSIS name the same options; each is documented" '
		page=$(ls "$TOP"/man/'"$name"'.[1-9] 2>/dev/null | head -n 1)
		[ -n "$page" ] || { echo "no man page for '"$name"'"; exit 1; }
		'"$name"' --help | help_opts >h
		synopsis "$page" | man_opts >s
		expect_same s h
		# and the rest of the page describes each of them
		sed "/^\.Sh SYNOPSIS/,/^\.Sh /d" "$page" | man_opts >d
		{ cat h; echo --help; echo --version; } | sort -u >hv
		comm -23 hv d >missing
		[ ! -s missing ] || { echo "not described in $page:"; cat missing; exit 1; }
	'
	t "$name: every option --help names is one the program takes" '
		'"$name"' --help | help_opts >h
		while read -r opt; do
			'"$name"' "$opt" </dev/null >/dev/null 2>err || :
			if grep -q "unrecognized option" err; then
				echo "$opt: $(cat err)"; exit 1
			fi
		done <h
	'
done

done_testing
