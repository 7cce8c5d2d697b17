#!/bin/sh
# The acceptance suite of source-shopify (t-shopify.sh), run against
# integ-source with connectors/shopify/manifest.yaml.
d=$(cd "$(dirname "$0")" && pwd)
INTEG_ACCEPT_MANIFEST=$d/../connectors/shopify/manifest.yaml \
    INTEG_TEST_NAME=t-shopify-manifest exec sh "$d/t-shopify.sh"
