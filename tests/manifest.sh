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

# The helpers of the acceptance suites, so that a manifest with no C
# connector (t-github-manifest.sh, t-stripe-manifest.sh) is checked as the
# C connectors are.

# Python keeps ids beyond 2^53 exact (jq 1.6 does not).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# conform_airbyte FILE [catalog]: strictly valid Airbyte output.
conform_airbyte() {
	have_conformance || return 0
	validate_airbyte --strict ${2:+--catalog "$2"} "$1" >conform.out 2>&1 ||
	    { cat conform.out >&2; return 1; }
}

# valid_schema FILE: a JSON Schema the checkers accept (the spec's).
valid_schema() {
	have_conformance || return 0
	"$(conformance_python)" -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.validators.validator_for(s).check_schema(s)
' "$1"
}

# one_spec SOURCE: its spec is one valid SPEC message, out; the
# connectionSpecification, a valid JSON Schema, in spec.json.
one_spec() {
	"$1" spec >out
	expect_eq 1 "$(wc -l <out | tr -d " ")"
	expect_eq SPEC "$(jq -r .type out)"
	jq .spec.connectionSpecification out >spec.json
	conform_airbyte out
	valid_schema spec.json
}

# status_of FILE: the CONNECTION_STATUS status.
status_of() {
	jq -r 'select(.type=="CONNECTION_STATUS") | .connectionStatus.status' "$1"
}

# check_refused SOURCE SECRET MESSAGE DATASET: check with a credential
# the mock's DATASET refuses is FAILED, saying MESSAGE and 401, asking
# once, the credential shown nowhere.
check_refused() {
	"$1" check --config config.json >out
	expect_eq FAILED "$(status_of out)"
	jq -r 'select(.type=="CONNECTION_STATUS") | .connectionStatus.message' out >msg
	expect_grep "$3" msg
	expect_grep 401 msg
	expect_eq 1 "$(stat ".$4.unauthorized")"
	expect_no_part "$2" out
	conform_airbyte out
}

# final_state FILE: each stream's last STATE, as read --state takes them.
final_state() {
	jq -c 'select(.type=="STATE") | .state' "$1" |
	    jq -s -c 'group_by(.stream.stream_descriptor.name) | map(last)'
}

# field FILE STREAM FIELD: a field of each Airbyte RECORD of a stream, in
# order, exact.
field() {
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m["type"] == "RECORD" and m["record"]["stream"] == sys.argv[2]:
        print(m["record"]["data"][sys.argv[3]])
' "$@"
}

# pages FILE STREAM [CURSOR]: one line per STATE of the stream: the
# records since the previous STATE, its bookmark, the cursor (default
# updated_at) of the record before it.
pages() {
	"$PY" -c '
import json, sys
c = sys.argv[3] if len(sys.argv) > 3 else "updated_at"
n, last = 0, None
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m["type"] == "RECORD" and m["record"]["stream"] == sys.argv[2]:
        n, last = n + 1, m["record"]["data"][c]
    elif m["type"] == "STATE" and m["state"]["stream"]["stream_descriptor"]["name"] == sys.argv[2]:
        print(n, m["state"]["stream"]["stream_state"][c], last)
        n = 0
' "$@"
}

# The mock's datasets: add STREAM JSON, stat JQ-FILTER, fault JSON
# (tests/mock/README.md).
add() { curl -sS -f -X POST --data-binary "$2" "$MOCK_URL/_mock/dataset/$1" >/dev/null; }
stat() { curl -sS "$MOCK_URL/_mock/stats" | jq -r "$1"; }
fault() { curl -sS -f -X POST --data-binary "$1" "$MOCK_URL/_mock/fault" >/dev/null; }
