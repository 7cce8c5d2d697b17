#!/bin/sh
# github-comments.sh: a fan-out sync: the issues of a GitHub repository
# updated since the bookmark (a new comment updates its issue), then the
# comments of each, fetched four at a time, as Singer messages.
#
# Against the real API:
#   GITHUB_TOKEN=ghp_... GITHUB_REPO=curl/curl sh examples/github-comments.sh |
#       target-jsonl
# Needs GITHUB_TOKEN and GITHUB_REPO (OWNER/NAME). Optional:
# GITHUB_API_URL (default https://api.github.com), STATE_FILE (default
# github-comments.state.json), START (default 2000-01-01T00:00:00Z),
# PER_PAGE (default 100), PARALLEL (default 4).
set -eu

api=${GITHUB_API_URL:-https://api.github.com}
repo=${GITHUB_REPO:?set GITHUB_REPO to OWNER/NAME}
state=${STATE_FILE:-github-comments.state.json}
since=$(integ-state get "$state" comments updated_at \
    --default "${START:-2000-01-01T00:00:00Z}")

# 1. The issues updated since the bookmark, by Link header pages.
# 2. The comments_url of those with comments, as plain lines. Only URLs of
#    $api go on: integ-fetch sends the token to the origin of every URL it
#    is given, and these come from the API's data. The tab that ends the
#    last line (the end-of-data mark, integ(7)) goes on too: without it the
#    list could be cut, and the comments' bookmark would not move.
# 3. Each one's comments since the bookmark, PARALLEL at once, each paged
#    by its Link headers, written in list order.
# 4. Framed with the previous state (older comments are dropped), saved.
#
# Failure: no pipefail in POSIX sh; a failing stage writes a last line
# "integ-error: CODE message" that every later stage passes on (awk lets it
# through; the second integ-fetch passes on the one in its URL list),
# integ-emit writes no STATE after it, and integ-state save exits with
# CODE: the pipeline's status, which set -e makes the script's.
integ-fetch --link \
    -H 'Authorization: Bearer ${GITHUB_TOKEN}' \
    -q state=all -q "per_page=${PER_PAGE:-100}" -q "since=$since" \
    "$api/repos/$repo/issues" |
    integ-extract --jq '.[] | select(.comments > 0) | .comments_url' |
    awk -v api="$api/" '
        /^integ-error: / { print; next }
        { eod = sub(/\t$/, ""); sub(/^"/, ""); sub(/"$/, "") }
        index($0, api) == 1 { printf "%s%s\n", $0, eod ? "\t" : ""; next }
        eod { print "\t" }' |
    integ-fetch --urls-from - --parallel "${PARALLEL:-4}" --link \
        -H 'Authorization: Bearer ${GITHUB_TOKEN}' \
        -q "per_page=${PER_PAGE:-100}" -q "since=$since" |
    integ-extract . |
    integ-emit --singer --stream comments --key id \
        --replication-key updated_at --state "$state" |
    integ-state save "$state"
