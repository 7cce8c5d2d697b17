#!/bin/sh
# The OAuth 2 suite of a connector (t-oauth-source.sh), run against
# integ-source with tests/data/oauth/manifest.yaml (auth oauth2).
d=$(cd "$(dirname "$0")" && pwd)
INTEG_ACCEPT_MANIFEST=$d/data/oauth/manifest.yaml \
    INTEG_TEST_NAME=t-oauth-source-manifest exec sh "$d/t-oauth-source.sh"
