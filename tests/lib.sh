# shellcheck shell=sh
# tests/lib.sh: sourced by every tests/t-*.sh.
#
# A test is one call:  t 'what it shows' 'shell commands'
# The commands run in a subshell with set -e inside a fresh directory, so
# the first failing command fails the test. The helpers below (expect_*)
# say what was wanted on failure. Prerequisites skip rather than fail:
#   need python3 || skip_all 'no python3'
# The runner (tests/run.sh) sets INTEG_BIN (the built tools) and
# INTEG_HELPERS (the test helper binaries).

set -u
TESTS=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$TESTS/.." && pwd)
: "${INTEG_BIN:=$TOP/build/bin}"
: "${INTEG_HELPERS:=$TOP/build/tests}"
PATH=$INTEG_BIN:$INTEG_HELPERS:$PATH
export PATH INTEG_BIN INTEG_HELPERS TESTS TOP
# Waits in libinteg (backoff, Retry-After) are scaled by this factor so
# tests do not sleep for real; a test that checks real timing unsets it.
INTEG_TEST_TIMESCALE=${INTEG_TEST_TIMESCALE:-0.01}
export INTEG_TEST_TIMESCALE
LC_ALL=C
export LC_ALL

_name=${INTEG_TEST_NAME:-$(basename "$0" .sh)}
_n=0 _pass=0 _fail=0 _skip=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/integ-$_name.XXXXXX")
_cleanups=
cleanup() {
	for _c in $_cleanups; do "$_c" >/dev/null 2>&1 || :; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
at_exit() { _cleanups="$_cleanups $1"; }

t() {
	_n=$((_n + 1))
	_dir=$TMP/t$_n
	mkdir -p "$_dir"
	( cd "$_dir" && set -e && eval "$2" ) >"$_dir/.out" 2>&1
	_rc=$?
	if [ "$_rc" -eq 0 ] && [ -s "$_dir/.skip" ]; then
		# it passed without a prerequisite: not an "ok" it did not earn
		_skip=$((_skip + 1))
		echo "ok $_n # skip $1: $(head -n 1 "$_dir/.skip")"
	elif [ "$_rc" -eq 0 ]; then
		_pass=$((_pass + 1))
		echo "ok $_n - $1"
	else
		_fail=$((_fail + 1))
		echo "not ok $_n - $1"
		sed 's/^/#   /' "$_dir/.out" | head -n 60
	fi
}

skip() {
	_n=$((_n + 1)) _skip=$((_skip + 1))
	echo "ok $_n # skip $1: $2"
}

skip_all() {
	echo "1..0 # skip $_name: $1"
	echo "# $_name: 0 passed, 0 failed, 1 skipped"
	exit 0
}

done_testing() {
	echo "1..$_n"
	echo "# $_name: $_pass passed, $_fail failed, $_skip skipped"
	[ "$_fail" -eq 0 ]
}

need() { command -v "$1" >/dev/null 2>&1; }

# expect_exit CODE CMD...: run CMD, fail unless it exits with CODE.
expect_exit() {
	_want=$1; shift
	set +e; "$@"; _got=$?; set -e
	if [ "$_got" -ne "$_want" ]; then
		echo "expected exit $_want, got $_got: $*" >&2
		return 1
	fi
}

# expect_eq EXPECTED ACTUAL [what]
expect_eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected %s: [%s]\n     got: [%s]\n' "${3:-value}" "$1" "$2" >&2
		return 1
	fi
}

# expect_same FILE_EXPECTED FILE_ACTUAL: diff -u on failure.
expect_same() { diff -u "$1" "$2" >&2; }

# expect_grep PATTERN FILE / expect_no_grep PATTERN FILE (fixed strings)
expect_grep() {
	grep -qF -- "$1" "$2" && return 0
	echo "expected [$1] in $2:" >&2; head -c 2000 "$2" >&2; return 1
}
expect_no_grep() {
	grep -qF -- "$1" "$2" || return 0
	echo "unexpected [$1] in $2:" >&2; grep -nF -- "$1" "$2" | head -5 >&2
	return 1
}

# expect_no_part SECRET FILE...: no 8 or more bytes of SECRET, taken
# anywhere in it, are in any FILE (a secret cut, then shown in part).
expect_no_part() {
	_s=$1
	shift
	awk -v s="$_s" 'BEGIN { n = length(s) - 7 }
	    { for (i = 1; i <= n; i++) if (index($0, substr(s, i, 8))) {
		printf "unexpected [%s] of the secret in %s:%d: %s\n",
		    substr(s, i, 8), FILENAME, FNR, substr($0, 1, 400)
		bad = 1; exit } }
	    END { exit bad }' "$@" >&2
}

# full_refresh SOURCE [STREAM]: catalog.json of the streams that SOURCE
# discovers with config.json (only STREAM when given), each read in full
# and overwritten.
full_refresh() {
	"$1" discover --config config.json >discovered.json
	jq -c --arg s "${2:-}" '{streams:[.catalog.streams[] |
	    select($s == "" or .name == $s) | {stream:., sync_mode:"full_refresh",
	    destination_sync_mode:"overwrite"}]}' discovered.json >catalog.json
}

# Conformance checkers from ../shared, when present and runnable.
# Debian's python3 carries python3-jsonschema; a pyenv one may not.
SHARED=${INTEG_SHARED:-$TOP/../shared}
conformance_python() {
	for _py in /usr/bin/python3 python3; do
		"$_py" -c 'import jsonschema, yaml' 2>/dev/null && { echo "$_py"; return 0; }
	done
	return 1
}
# Inside a test, their absence makes the test a skip when it passes.
have_conformance() {
	[ -f "$SHARED/conformance/airbyte/validate.py" ] &&
	    [ -f "$SHARED/conformance/singer/check-singer" ] &&
	    conformance_python >/dev/null && return 0
	[ -z "${_dir:-}" ] ||
	    echo "no conformance checkers in $SHARED/conformance" >"$_dir/.skip"
	return 1
}
validate_airbyte() { "$(conformance_python)" "$SHARED/conformance/airbyte/validate.py" "$@"; }
check_singer() { "$(conformance_python)" "$SHARED/conformance/singer/check-singer" "$@"; }

# The mock HTTP server (tests/mock/mockhttp.py; scenario files are
# described in tests/mock/README.md).
# mock_start SCENARIO [extra mockhttp options]: SCENARIO is a file, or the
# name of one in tests/scenarios (with or without .scn); it may be left
# out when the first argument is an option: mock_start --dataset pokeapi,
# mock_start --dataset 'shopify leak=0' (datasets: tests/mock/README.md).
# Sets MOCK_PORT,
# MOCK_URL, MOCK_LOG (one JSON object per request received) and MOCK_PID.
# Another mock_start in the same test starts one more server, with files
# mock-2.log, mock-2.port, mock-2.err (save the first one's MOCK_* before).
# A server stops when the shell that started it ends (so a test's servers
# end with the test), and at exit; mock_stop stops the latest one now.
mock_start() {
	_scen=
	case ${1:-} in
	-*) ;;
	*) _scen=$1; shift ;;
	esac
	if [ -n "$_scen" ] && [ ! -f "$_scen" ]; then
		for _s in "$TESTS/scenarios/$_scen" "$TESTS/scenarios/$_scen.scn"; do
			if [ -f "$_s" ]; then _scen=$_s; break; fi
		done
	fi
	_mock_n=$((${_mock_n:-0} + 1))
	_m=mock
	[ "$_mock_n" -eq 1 ] || _m=mock-$_mock_n
	MOCK_LOG=$PWD/$_m.log
	_pf=$PWD/$_m.port
	rm -f "$_pf" "$MOCK_LOG"
	# Debian's python3 starts in 20 ms; a pyenv shim takes 150
	_py=python3
	[ -x /usr/bin/python3 ] && _py=/usr/bin/python3
	"$_py" "$TESTS/mock/mockhttp.py" --exit-with-parent \
	    --port-file "$_pf" --log "$MOCK_LOG" "$@" ${_scen:+"$_scen"} \
	    >"$PWD/$_m.err" 2>&1 &
	MOCK_PID=$!
	echo "$MOCK_PID" >>"$TMP/.mockpids"
	_i=0
	while [ ! -s "$_pf" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 1000 ] || ! kill -0 "$MOCK_PID" 2>/dev/null; then
			echo "mock server did not start:" >&2; cat "$PWD/$_m.err" >&2
			return 1
		fi
		sleep 0.01
	done
	MOCK_PORT=$(cat "$_pf")
	MOCK_URL=http://127.0.0.1:$MOCK_PORT
	export MOCK_PORT MOCK_URL MOCK_LOG
}
mock_stop() {
	[ -n "${MOCK_PID:-}" ] || return 0
	kill "$MOCK_PID" 2>/dev/null || :
	wait "$MOCK_PID" 2>/dev/null || :
}
# mock_log [JQ-FILTER]: the filter (default .) on each logged request,
# raw output: mock_log .path, mock_log '.headers["Accept"]'.
mock_log() { jq -r "${1:-.}" "$MOCK_LOG"; }
# mock_connections: how many TCP connections the logged requests came on.
# mock_wait FILTER: until the mock has logged a request that the jq
# FILTER selects (10 s at the most).
mock_wait() {
	_i=0
	while [ -z "$(mock_log "$1")" ] && [ $_i -lt 500 ]; do
		sleep 0.02; _i=$((_i + 1))
	done
}
mock_connections() { jq -r .client_port "$MOCK_LOG" | sort -u | wc -l | tr -d ' '; }
_mock_reap() {
	[ -f "$TMP/.mockpids" ] || return 0
	while read -r _p; do
		# only a server still running: an old pid may be reused by now
		grep -q mockhttp "/proc/$_p/cmdline" 2>/dev/null && kill "$_p"
	done <"$TMP/.mockpids"
}
at_exit _mock_reap
