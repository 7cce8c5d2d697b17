#!/bin/sh
# make install puts the tools, the connectors, libinteg.a, integ.h,
# integ.pc and the man pages under DESTDIR/PREFIX, a connector builds
# against what was installed, and make uninstall takes it all away.
. "$(dirname "$0")/lib.sh"

need make || skip_all 'no make'
# relative to the top, as the Makefile itself names it
B=${INTEG_BIN%/bin}
B=${B#"$TOP"/}
export B

t 'install and uninstall with PREFIX and DESTDIR' '
	make -s -C "$TOP" B="$B" install DESTDIR="$PWD/root" PREFIX=/opt/integ >log 2>&1 ||
	    { cat log; exit 1; }
	for f in bin/integ-fetch bin/integ-extract bin/integ-emit bin/integ-state \
	    bin/source-pokeapi lib/libinteg.a include/integ.h lib/pkgconfig/integ.pc \
	    share/man/man1/integ-fetch.1 share/man/man3/libinteg.3 \
	    share/man/man7/integ.7 share/man/man7/integ-connector.7; do
		[ -f "root/opt/integ/$f" ] || { echo "missing $f"; exit 1; }
	done
	expect_grep "prefix=/opt/integ" root/opt/integ/lib/pkgconfig/integ.pc
	root/opt/integ/bin/integ-extract --version >v
	expect_grep "integ-extract 0.1.0" v
	make -s -C "$TOP" B="$B" uninstall DESTDIR="$PWD/root" PREFIX=/opt/integ >log 2>&1 ||
	    { cat log; exit 1; }
	left=$(find root -type f | wc -l | tr -d " ")
	expect_eq 0 "$left" "files left after uninstall"
'

if [ -n "${INTEG_SANITIZED:-}" ]; then
	skip 'a connector built against the installed library' 'sanitized build'
else
	t 'a connector builds against the installed library with pkg-config' '
		make -s -C "$TOP" B="$B" install DESTDIR="$PWD/root" PREFIX=/usr/local >log 2>&1 ||
		    { cat log; exit 1; }
		cat >x.c <<C
#include <integ.h>

static int
one(struct integ_ctx *ctx)
{
	return integ_ctx_pages(ctx, integ_ctx_request(ctx, "x"), INTEG_SINGLE, ".");
}

static const struct integ_stream streams[] = {
	{ .name = "x", .run = one },
	{ 0 }
};

static const struct integ_source source = {
	.name = "x", .version = "1", .spec = "{\"type\":\"object\"}", .streams = streams,
};

int
main(int argc, char *argv[])
{
	return integ_source_main(&source, argc, argv);
}
C
		pc=$PWD/root/usr/local/lib/pkgconfig
		flags=$(PKG_CONFIG_PATH=$pc pkg-config --define-variable=prefix="$PWD/root/usr/local" --cflags --libs integ)
		# shellcheck disable=SC2086
		cc -std=c11 -o source-x x.c $flags
		./source-x spec >out
		expect_grep "\"connectionSpecification\":{\"type\":\"object\"}" out
	'
fi

done_testing
