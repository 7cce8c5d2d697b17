#!/bin/sh
# github-graphql-issues.sh: an incremental sync of a GitHub repository's
# issues through the GraphQL API, as Singer messages.
#
# Against the real API:
#   GITHUB_TOKEN=ghp_... GITHUB_REPO=curl/curl \
#       sh examples/github-graphql-issues.sh | target-jsonl
# Needs GITHUB_TOKEN and GITHUB_REPO (OWNER/NAME), and jq to build the
# request body. Optional: GITHUB_API_URL (default https://api.github.com;
# GitHub Enterprise's https://HOST/api, or a mock), STATE_FILE (default
# github-graphql-issues.state.json), START (the first run's bookmark,
# default 2000-01-01T00:00:00Z), PER_PAGE (default 100, GitHub's maximum).
#
# GraphQL pages through the request body: integ-fetch puts each page's
# endCursor into variables.after and stops when hasNextPage is false. The
# issues come oldest update first, filtered by filterBy.since, so the
# state file then holds the newest updatedAt delivered. An answer with an
# "errors" array fails the sync (69), or, for GitHub's RATE_LIMITED, is
# retried after the reset X-RateLimit-Reset gives, then fails with 75.
set -eu

api=${GITHUB_API_URL:-https://api.github.com}
repo=${GITHUB_REPO:?set GITHUB_REPO to OWNER/NAME}
state=${STATE_FILE:-github-graphql-issues.state.json}
since=$(integ-state get "$state" issues updatedAt \
    --default "${START:-2000-01-01T00:00:00Z}")

query='query($owner: String!, $name: String!, $since: DateTime, $after: String, $n: Int!) {
  repository(owner: $owner, name: $name) {
    issues(first: $n, after: $after, filterBy: {since: $since},
        orderBy: {field: UPDATED_AT, direction: ASC}) {
      pageInfo { hasNextPage endCursor }
      nodes { id number title state createdAt updatedAt url }
    }
  }
}'
body=$(jq -cn --arg q "$query" --arg owner "${repo%%/*}" \
    --arg name "${repo#*/}" --arg since "$since" \
    --argjson n "${PER_PAGE:-100}" \
    '{query: $q, variables: {owner: $owner, name: $name, since: $since,
      n: $n, after: null}}')

# The token stays in single quotes: integ-fetch expands it, masks it and
# sends it only to $api's origin. A failing stage ends the pipeline with
# its code and no STATE after it (see examples/README.md).
pi=data.repository.issues.pageInfo
integ-fetch --graphql -d "$body" \
    -H 'Authorization: Bearer ${GITHUB_TOKEN}' \
    --body-cursor "variables.after=$pi.endCursor" \
    --has-more "$pi.hasNextPage" \
    "$api/graphql" |
    integ-extract data.repository.issues.nodes |
    integ-emit --singer --stream issues --key id \
        --replication-key updatedAt --state "$state" |
    integ-state save "$state"
