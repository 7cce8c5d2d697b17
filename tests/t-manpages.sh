#!/bin/sh
# Every tool and connector has a man page that matches its --help: each
# option the usage names is documented, --help and --version included,
# and every page is lint-clean.
. "$(dirname "$0")/lib.sh"

# long options of a text: "--name" from --help, "Fl \-name" from mdoc
help_opts() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
man_opts() { grep -o -e '\\-[a-z][a-z-]*' -e 'Fl -[a-z][a-z-]*' "$1" |
    sed 's/^Fl -/--/; s/^\\-/--/' | sort -u; }

for bin in "$INTEG_BIN"/integ-* "$INTEG_BIN"/source-*; do
	name=$(basename "$bin")
	t "$name: a man page documenting every option of --help" '
		page=$(ls "$TOP"/man/'"$name"'.[1-9] 2>/dev/null | head -n 1)
		[ -n "$page" ] || { echo "no man page for '"$name"'"; exit 1; }
		'"$name"' --help >help 2>&1
		help_opts <help >h
		echo --help >>h
		echo --version >>h
		sort -u h -o h
		man_opts "$page" >m
		comm -23 h m >missing
		[ ! -s missing ] || { echo "in --help, not in $page:"; cat missing; exit 1; }
	'
done

if need mandoc; then
	t 'every man page is mandoc -Tlint clean' '
		mandoc -Tlint -Wwarning "$TOP"/man/*.[1-9]
	'
else
	skip 'mandoc' 'not installed'
fi

done_testing
