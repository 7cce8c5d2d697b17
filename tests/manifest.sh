# shellcheck shell=sh
# tests/manifest.sh: sourced by a connector's acceptance suite after
# lib.sh, so that one suite checks the C connector and its manifest alike.
# as_manifest NAME [COMMAND]: when INTEG_ACCEPT_MANIFEST names a manifest
# (as tests/t-NAME-manifest.sh does), COMMAND (default source-NAME) is
# integ-source with it.

as_manifest() {
	[ -n "${INTEG_ACCEPT_MANIFEST:-}" ] || return 0
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\nexec integ-source --manifest "%s" "$@"\n' \
	    "$INTEG_ACCEPT_MANIFEST" >"$TMP/bin/${2:-source-$1}"
	chmod +x "$TMP/bin/${2:-source-$1}"
	PATH=$TMP/bin:$PATH
	export PATH
}
