#!/bin/sh
# One Dockerfile builds every connector's image (CONNECTOR names its
# folder) and follows Airbyte's conventions; it is checked against each
# binary. Where podman can run, the images are built (a Debian base made
# with mmdebstrap stands in for debian:12-slim, as there is no registry
# here) and each one answers spec, check and a read against the mock,
# inside its container, as a user other than root.
. "$(dirname "$0")/lib.sh"

# the tests below read it in their own shells
export DF="$TOP/connectors/Dockerfile"

t 'Dockerfile: ENTRYPOINT and AIRBYTE_ENTRYPOINT agree, and name the connector binary' '
	entry=$(sed -n "s/^ENTRYPOINT \[\"\([^\"]*\)\"\]$/\1/p" "$DF")
	env=$(sed -n "s/^ENV AIRBYTE_ENTRYPOINT=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$DF")
	[ -n "$entry" ]
	expect_eq "$entry" "$env" "AIRBYTE_ENTRYPOINT"
	expect_grep "ln -s source-\${CONNECTOR} $entry" "$DF"
	expect_grep "RUN make -j2 B=/build /build/bin/source-\${CONNECTOR}" "$DF"
	expect_grep "COPY --from=build /build/bin/source-\${CONNECTOR} /usr/local/bin/source-\${CONNECTOR}" "$DF"
	expect_eq "airbyte/source-\${CONNECTOR}" "$(sed -n "s/^LABEL io.airbyte.name=//p" "$DF")" "io.airbyte.name"
	expect_eq "\${VERSION}" "$(sed -n "s/^LABEL io.airbyte.version=//p" "$DF")" "io.airbyte.version"
	user=$(sed -n "s/^USER //p" "$DF")
	[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] ||
	    { echo "the image runs as [$user], not as a user of its own" >&2; exit 1; }
'

# the C connectors; a manifest-only one (github, stripe) is built from
# integ-source.Dockerfile instead (t-manifest.sh)
CONNECTORS=$(for c in "$TOP"/connectors/*/*.c; do basename "$(dirname "$c")"; done | sort -u)

for name in $CONNECTORS; do
	t "$name: the Dockerfile's VERSION is what source-$name --version says" '
		version=$(sed -n "s/^ARG VERSION=//p" "$DF" | sort -u)
		source-'"$name"' --version >v
		expect_eq "$version" "$(cut -d" " -f2 v)" "ARG VERSION vs --version"
	'
done

t '.dockerignore keeps .git, build/ and the tests out of the build context' '
	f=$TOP/.dockerignore
	expect_eq "*" "$(sed -n "/^[^#]/{p;q;}" "$f")" "first pattern (all out, then what is needed)"
	# tools/ holds integ-source, which integ-source.Dockerfile builds
	for need in Makefile libinteg/ tools/ connectors/; do expect_grep "!$need" "$f"; done
	expect_no_grep "!.git" "$f"
	expect_no_grep "!build" "$f"
'

# What the images need of the machine: podman, a base root file system,
# and a process that can start containers. Each lack is a skip line
# naming it, never a pass.
image_skip() {
	skip 'connector images' "$1"
	done_testing
	exit
}
[ -z "${INTEG_SANITIZED:-}" ] ||
    image_skip 'the images build their own binaries, not sanitized ones: run by make check only'
need podman || image_skip 'podman is not installed (.ci/deps installs it)'
[ "$(id -u)" -eq 0 ] || image_skip 'podman here needs root (the sandbox has no user namespaces for others)'

# The base image and podman's storage live under build/ so a second run
# (make asan, then make check; or a developer's loop) builds nothing it
# has built before; CI starts clean and pays once.
W=$TOP/build/image
mkdir -p "$W"
BASE=$W/debian-bookworm.tar
# podman's database remembers its runroot: the same one every run (short,
# for its sockets), one a tree, emptied at the end as a reboot would
RUNROOT=/tmp/integ-podrun.$(printf '%s' "$W" | cksum | cut -d" " -f1)
mkdir -p "$RUNROOT"
# podman mounts its overlay directory on itself and leaves it so: undone
# at the end, or rm -rf build (make clean) would meet a busy mount
podman_done() {
	umount "$W/storage/overlay" 2>/dev/null
	rm -rf "$RUNROOT"
}
at_exit podman_done

# This sandbox has no systemd (cgroupfs, events to a file), cgroups in
# hybrid mode that crun refuses (runc copes), and no CAP_SYS_RESOURCE, so
# the default rlimits (raised above the hard limit) fail: lower ones do.
ULIMITS='--ulimit nofile=1024:1024 --ulimit nproc=1024:1024'
pod() {
	# shellcheck disable=SC2086 # RUNTIME is an option or nothing
	podman --root "$W/storage" --runroot "$RUNROOT" --storage-driver=overlay \
	    --cgroup-manager=cgroupfs --events-backend=file $RUNTIME "$@"
}

if [ ! -s "$BASE" ]; then
	need mmdebstrap || image_skip 'no base image: mmdebstrap is not installed (.ci/deps installs it)'
	# what debian:12-slim is: minbase, no documentation or locales,
	# unsafe-io for dpkg (an image build need not survive a power cut)
	mmdebstrap --quiet --variant=minbase \
	    --dpkgopt='path-exclude=/usr/share/doc/*' \
	    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	    --dpkgopt='path-exclude=/usr/share/man/*' \
	    --dpkgopt='path-exclude=/usr/share/locale/*' \
	    --dpkgopt='path-exclude=/usr/share/info/*' \
	    --dpkgopt='force-unsafe-io' \
	    --aptopt='Acquire::Languages "none"' \
	    bookworm "$W/base.tmp.tar" >"$W/mmdebstrap.log" 2>&1 ||
	    image_skip "no base image: mmdebstrap failed: $(tail -n 1 "$W/mmdebstrap.log")"
	mv "$W/base.tmp.tar" "$BASE"
fi

RUNTIME=
probe() {
	pod image exists docker.io/library/debian:12-slim ||
	    pod import --quiet "$BASE" docker.io/library/debian:12-slim >/dev/null || return 1
	# shellcheck disable=SC2086
	pod run --rm --network=host $ULIMITS docker.io/library/debian:12-slim true
}
if ! probe >"$W/probe.log" 2>&1; then
	# crun refuses cgroups in hybrid mode; runc runs there
	RUNTIME='--runtime runc'
	need runc && probe >"$W/probe.log" 2>&1 ||
	    image_skip "podman cannot run a container here: $(tail -n 1 "$W/probe.log")"
fi

for name in $CONNECTORS; do
	export IMAGE=localhost/integ/source-$name:test
	t "$name: the image builds from the top of the tree" '
		# shellcheck disable=SC2086
		pod build --quiet --pull=never --network=host $ULIMITS \
		    -f "$DF" --build-arg CONNECTOR='"$name"' -t "$IMAGE" "$TOP" \
		    >build.log 2>&1 ||
		    { tail -n 30 build.log >&2; exit 1; }
		pod image inspect --format "{{.Config.User}}" "$IMAGE" >user
		expect_eq integ "$(cat user)" "image user"
	'
done

# run IMAGE ARGS...: the connector in its container, the test directory
# mounted read-only at /work, the mock on the host's loopback.
run() {
	_img=$1; shift
	# shellcheck disable=SC2086
	pod run --rm --network=host $ULIMITS -v "$PWD:/work:ro" -w /work "$_img" "$@"
}

# image ARGS...: run the image that spec_check was given.
image() { run "$_image" "$@"; }

# spec_check IMAGE STREAM: IMAGE answers spec and a check of config.json,
# and catalog.json is the full-refresh catalog of its STREAM.
spec_check() {
	_image=$1
	image spec >spec.out
	expect_eq SPEC "$(jq -r .type spec.out)"
	image check --config config.json >check.out
	expect_eq SUCCEEDED "$(jq -r 'select(.type=="CONNECTION_STATUS") | .connectionStatus.status' check.out)"
	full_refresh image "$2"
}

t 'source-pokeapi in its image: spec, check and a read against the mock, not as root' '
	img=localhost/integ/source-pokeapi:test
	pod image exists "$img"
	mock_start --dataset pokeapi
	printf "{\"url\":\"%s/api/v2\",\"page_size\":20}\n" "$MOCK_URL" >config.json
	spec_check "$img" berry
	run "$img" read --config config.json --catalog catalog.json >read.out
	source-pokeapi read --config config.json --catalog catalog.json >host.out
	n=$(jq -r "select(.type==\"RECORD\") | .record.data.name" host.out | wc -l)
	[ "$n" -gt 0 ]
	jq -r "select(.type==\"RECORD\") | .record.data.name" read.out >in
	jq -r "select(.type==\"RECORD\") | .record.data.name" host.out >out
	expect_same out in
	pod run --rm $ULIMITS --entrypoint id "$img" -u >uid
	expect_eq 10001 "$(cat uid)" "uid in the container"
'

t 'source-shopify in its image: spec, check and a read against the mock' '
	img=localhost/integ/source-shopify:test
	pod image exists "$img"
	mock_start --dataset "shopify timescale=$INTEG_TEST_TIMESCALE"
	printf "{\"shop\":\"mock\",\"access_token\":\"shpat_mock_0123456789abcdef0123456789abcdef\",\"url\":\"%s\",\"start_date\":\"2024-11-01T00:00:00Z\"}\n" \
	    "$MOCK_URL" >config.json
	spec_check "$img" customers
	run "$img" read --config config.json --catalog catalog.json >read.out
	n=$(jq -r "select(.type==\"RECORD\") | .record.data.id" read.out | wc -l)
	[ "$n" -gt 0 ]
	expect_eq COMPLETE "$(jq -r "select(.type==\"TRACE\") | .trace.stream_status.status // empty" read.out | tail -n 1)"
'

# integ-source.Dockerfile: integ-source with a manifest baked in. GitHub's
# is the one built: it has no C connector, so this image is its only one.
# the tests below read them in their own shells
export GH_DF="$TOP/connectors/integ-source.Dockerfile"
export GH_MANIFEST=connectors/github/manifest.yaml
export GH_IMAGE=localhost/integ/source-github-manifest:test

t 'integ-source image: builds with the github manifest; labels, entrypoint and user as Airbyte has them' '
	version=$(sed -n "s/^version: //p" "$TOP/$GH_MANIFEST")
	[ -n "$version" ]
	# shellcheck disable=SC2086
	pod build --quiet --pull=never --network=host $ULIMITS -f "$GH_DF" \
	    --build-arg MANIFEST="$GH_MANIFEST" --build-arg NAME=airbyte/source-github \
	    --build-arg VERSION="$version" -t "$GH_IMAGE" "$TOP" >build.log 2>&1 ||
	    { tail -n 30 build.log >&2; exit 1; }
	pod image inspect --format "{{index .Config.Labels \"io.airbyte.name\"}} {{index .Config.Labels \"io.airbyte.version\"}}" \
	    "$GH_IMAGE" >labels
	expect_eq "airbyte/source-github $version" "$(cat labels)" "io.airbyte labels"
	pod image inspect --format "{{range .Config.Env}}{{println .}}{{end}}" "$GH_IMAGE" >env
	grep -x AIRBYTE_ENTRYPOINT=/usr/local/bin/integ-source env ||
	    { echo "no AIRBYTE_ENTRYPOINT=/usr/local/bin/integ-source in:" >&2; cat env >&2; exit 1; }
	pod image inspect --format "{{json .Config.Entrypoint}} {{.Config.User}}" "$GH_IMAGE" >entry
	expect_eq "[\"/usr/local/bin/integ-source\"] integ" "$(cat entry)" "ENTRYPOINT and user"
'

t 'integ-source image: spec as on the host; check and a full read of the mock, not as root, the token kept' '
	pod image exists "$GH_IMAGE"
	run "$GH_IMAGE" spec >spec.out 2>spec.err
	integ-source --manifest "$TOP/$GH_MANIFEST" spec >host.spec
	expect_same host.spec spec.out
	token=$(jq -r .token "$TESTS/data/github/github.json")
	mock_start --dataset github
	printf "{\"token\":\"%s\",\"repo\":\"integ-test/widgets\",\"url\":\"%s\"}\n" \
	    "$token" "$MOCK_URL" >config.json
	_image=$GH_IMAGE
	image check --config config.json >check.out 2>check.err
	expect_eq SUCCEEDED "$(jq -r "select(.type==\"CONNECTION_STATUS\") | .connectionStatus.status" check.out)"
	full_refresh image
	image read --config config.json --catalog catalog.json >read.out 2>read.err
	jq -r "select(.type==\"RECORD\") | .record.stream" read.out | sort | uniq -c |
	    awk "{ print \$2, \$1 }" >counts
	expect_eq "comments 12
issues 12" "$(cat counts)" "records per stream"
	expect_eq "COMPLETE COMPLETE" "$(echo $(jq -r "select(.type==\"TRACE\") | .trace.stream_status.status // empty" read.out | grep -vx STARTED | grep -vx RUNNING))" "last stream statuses"
	# the same records as integ-source on the host, in the same order
	integ-source --manifest "$TOP/$GH_MANIFEST" read --config config.json --catalog catalog.json >host.out
	jq -c "select(.type==\"RECORD\") | [.record.stream, .record.data]" host.out >want
	jq -c "select(.type==\"RECORD\") | [.record.stream, .record.data]" read.out >got
	expect_same want got
	# the token went to the mock, and nowhere else
	expect_eq "Bearer $token" "$(mock_log .headers.Authorization | sort -u)"
	expect_no_part "$token" spec.out spec.err check.out check.err discovered.json read.out read.err
	pod run --rm $ULIMITS --entrypoint id "$GH_IMAGE" -u >uid
	expect_eq 10001 "$(cat uid)" "uid in the container"
'

done_testing
