#!/bin/sh
# A connector's config checked against its spec: the JSON Schema subset
# of DESIGN.md, each failure naming the field.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/spec.json" <<'JSON'
{"type":"object","required":["shop","access_token"],
 "properties":{
  "shop":{"type":"string","pattern":"^[a-z0-9-]+$"},
  "access_token":{"type":"string","airbyte_secret":true},
  "start_date":{"type":"string","format":"date-time"},
  "day":{"type":"string","format":"date"},
  "url":{"type":"string","format":"uri","default":"https://example.com"},
  "page_size":{"type":"integer","minimum":1,"maximum":250},
  "ratio":{"type":["number","null"]},
  "mode":{"type":"string","enum":["fast","safe"]},
  "auth":{"type":"object","required":["kind"],"properties":{
     "kind":{"type":"string"},
     "password":{"type":"string","airbyte_secret":true}}}}}
JSON
SPEC=$TMP/spec.json

bad() { # bad 'config json' 'expected message'
	printf '%s\n' "$1" >c.json
	expect_exit 78 tt-config validate "$SPEC" c.json 2>err
	expect_grep "$2" err
}

t 'a good config passes' '
	cat >c.json <<JSON
{"shop":"my-shop","access_token":"shpat_x","start_date":"2024-01-01T00:00:00Z",
 "day":"2024-02-29","url":"http://127.0.0.1:8080/x","page_size":250,"ratio":null,
 "mode":"safe","auth":{"kind":"basic","password":"p"},"extra":[1,2]}
JSON
	tt-config validate "$SPEC" c.json
'

t 'a missing required field is named' '
	bad "{\"shop\":\"s\"}" "access_token: required field missing"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"auth\":{}}" "auth.kind: required field missing"
'

t 'a wrong type is named with both types' '
	bad "{\"shop\":\"s\",\"access_token\":1}" "access_token: must be of type \"string\", not number"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"page_size\":2.0}" "page_size: must be of type \"integer\""
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"ratio\":\"x\"}" "ratio: must be of type"
	bad "[1]" "(config): must be of type"
'

t 'pattern, enum, minimum and maximum are enforced' '
	bad "{\"shop\":\"My Shop\",\"access_token\":\"t\"}" "shop: does not match the pattern"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"mode\":\"slow\"}" "mode: not one of the allowed values"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"page_size\":0}" "page_size: below the minimum 1"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"page_size\":251}" "page_size: above the maximum 250"
'

t 'formats date-time, date and uri are checked' '
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"start_date\":\"2024-01-01\"}" "start_date: not a valid date-time"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"day\":\"01/02/2024\"}" "day: not a valid date"
	bad "{\"shop\":\"s\",\"access_token\":\"t\",\"url\":\"not a url\"}" "url: not a valid uri"
'

t 'secret fields are registered and masked, at any depth' '
	printf "%s" "{\"shop\":\"s\",\"access_token\":\"tok en/1\",\"auth\":{\"kind\":\"k\",\"password\":\"pw-9\"}}" >c.json
	printf "%s\n" "token tok en/1 and tok%20en%2F1" "password pw-9" "shop s" |
	    tt-config secrets "$SPEC" c.json >out
	expect_eq 2 "$(sed -n 1p out)"
	expect_eq "token *** and ***" "$(sed -n 2p out)"
	expect_eq "password ***" "$(sed -n 3p out)"
	expect_eq "shop s" "$(sed -n 4p out)"
'

done_testing
