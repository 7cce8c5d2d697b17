#!/bin/sh
# Each connector's Dockerfile follows Airbyte's conventions and names the
# binary and version it builds. There is no Docker engine here: the file
# is checked against the binary itself.
. "$(dirname "$0")/lib.sh"

for dir in "$TOP"/connectors/*/; do
	name=$(basename "$dir")
	df=$dir/Dockerfile
	t "$name: Dockerfile entrypoint, AIRBYTE_ENTRYPOINT and labels agree with source-$name" '
		[ -f "'"$df"'" ]
		bin=source-'"$name"'
		entry=$(sed -n "s/^ENTRYPOINT \[\"\([^\"]*\)\"\]$/\1/p" "'"$df"'")
		env=$(sed -n "s/^ENV AIRBYTE_ENTRYPOINT=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "'"$df"'")
		expect_eq "/usr/local/bin/$bin" "$entry" "ENTRYPOINT"
		expect_eq "$entry" "$env" "AIRBYTE_ENTRYPOINT"
		expect_grep "COPY --from=build /build/bin/$bin $entry" "'"$df"'"
		expect_grep "RUN make B=/build /build/bin/$bin" "'"$df"'"
		label=$(sed -n "s/^LABEL io.airbyte.name=//p" "'"$df"'")
		expect_eq "airbyte/$bin" "$label" "io.airbyte.name"
		version=$(sed -n "s/^LABEL io.airbyte.version=//p" "'"$df"'")
		"$bin" --version >v
		expect_eq "$version" "$(cut -d" " -f2 v)" "io.airbyte.version vs --version"
	'
done

done_testing
