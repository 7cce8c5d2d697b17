#!/bin/sh
# stripe-customers.sh: an incremental sync of Stripe customers, as Airbyte
# messages, by creation time.
#
# Against the real API:
#   STRIPE_API_KEY=sk_live_... sh examples/stripe-customers.sh >messages.jsonl
# Needs STRIPE_API_KEY (a secret or restricted key that can read
# customers). Optional: STRIPE_API_URL (default https://api.stripe.com),
# STATE_FILE (default stripe-customers.state.json), LIMIT (page size,
# 1 to 100, default 100).
# Stripe lists newest first and pages by id (starting_after, the id of the
# last record of the page, while has_more is true); created[gte] takes
# only the customers created since the bookmark (the customers created in
# that same second come again: at least once, never a gap).
set -eu

api=${STRIPE_API_URL:-https://api.stripe.com}
state=${STATE_FILE:-stripe-customers.state.json}
since=$(integ-state get "$state" customers created --default 0)

# The key stays in single quotes: integ-fetch expands ${STRIPE_API_KEY}
# itself and masks it. -q parameters go on every page it asks for, so
# created[gte] holds on the pages after the first too.
#
# Failure: no pipefail in POSIX sh; a failing stage writes a last line
# "integ-error: CODE message" that integ-extract and integ-emit pass on
# (no STATE after it); integ-state save then saves nothing more and exits
# with CODE, the pipeline's status, and set -e stops the script with it.
# Records come newest first, so only a complete run may move the
# bookmark, and it is only then that integ-emit writes its STATE.
integ-fetch \
    -H 'Authorization: Bearer ${STRIPE_API_KEY}' \
    -q "limit=${LIMIT:-100}" -q "created[gte]=$since" \
    --cursor 'starting_after=data[-1].id' --has-more has_more \
    "$api/v1/customers" |
    integ-extract data |
    integ-emit --airbyte --stream customers --key id \
        --replication-key created --state "$state" |
    integ-state save "$state"
