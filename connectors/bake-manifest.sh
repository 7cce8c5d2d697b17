#!/bin/sh
# bake-manifest.sh MANIFEST DIR: put a manifest and the files beside it
# (its schemas) into DIR, the manifest as DIR/integ-manifest, and check
# that integ-source (on PATH) reads it. The integ-source image does this
# at build time; INTEG_MANIFEST=DIR/integ-manifest then names it.
set -eu
manifest=$1 dir=$2
mkdir -p "$dir"
cp -R "$(dirname "$manifest")"/. "$dir"/
cp "$manifest" "$dir"/integ-manifest
INTEG_MANIFEST=$dir/integ-manifest integ-source spec >/dev/null
