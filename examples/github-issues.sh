#!/bin/sh
# github-issues.sh: an incremental sync of a GitHub repository's issues
# (pull requests included, as the API lists them), as Singer messages.
#
# Against the real API:
#   GITHUB_TOKEN=ghp_... GITHUB_REPO=curl/curl sh examples/github-issues.sh |
#       target-jsonl
# Needs GITHUB_TOKEN (a token that can read the repository) and GITHUB_REPO
# (OWNER/NAME). Optional: GITHUB_API_URL (default https://api.github.com;
# a mirror, GitHub Enterprise's https://HOST/api/v3, or a mock),
# STATE_FILE (default github-issues.state.json), START (the first run's
# bookmark, default 2000-01-01T00:00:00Z), PER_PAGE (default 100).
# Every run asks for the issues updated since the bookmark, most recently
# updated first; the state file then holds the newest updated_at delivered.
# Newest first because the pages are numbered: an issue updated during the
# run moves to page 1, already read, and the next run asks for it (oldest
# first, the issues after it would move up a place, and one could fall
# onto a page already read, older than the new bookmark: lost).
set -eu

api=${GITHUB_API_URL:-https://api.github.com}
repo=${GITHUB_REPO:?set GITHUB_REPO to OWNER/NAME}
state=${STATE_FILE:-github-issues.state.json}
since=$(integ-state get "$state" issues updated_at \
    --default "${START:-2000-01-01T00:00:00Z}")

# The token stays in single quotes: integ-fetch expands ${GITHUB_TOKEN}
# itself, masks it in every message, and sends it only to $api's origin.
#
# There is no pipefail in POSIX sh, and none is needed: a stage that fails
# writes a last line "integ-error: CODE message"; integ-extract and
# integ-emit pass it on (integ-emit writes no STATE after it), integ-state
# save saves nothing more and exits with CODE, and that is the pipeline's
# status, so set -e ends the script with it and the state file keeps the
# bookmark of what was delivered.
integ-fetch --link \
    -H 'Authorization: Bearer ${GITHUB_TOKEN}' \
    -H 'Accept: application/vnd.github+json' \
    -q state=all -q sort=updated -q direction=desc \
    -q "per_page=${PER_PAGE:-100}" -q "since=$since" \
    "$api/repos/$repo/issues" |
    integ-extract . |
    integ-emit --singer --stream issues --key id \
        --replication-key updated_at --state "$state" |
    integ-state save "$state"
