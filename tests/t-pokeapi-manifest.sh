#!/bin/sh
# The acceptance suite of source-pokeapi (t-pokeapi.sh), run against
# integ-source with connectors/pokeapi/manifest.yaml.
d=$(cd "$(dirname "$0")" && pwd)
INTEG_ACCEPT_MANIFEST=$d/../connectors/pokeapi/manifest.yaml \
    INTEG_TEST_NAME=t-pokeapi-manifest exec sh "$d/t-pokeapi.sh"
