#!/bin/sh
# bench/fetch-gen.sh DIR BASE [PAGES] [RECORDS]: write PAGES pages (default
# 1000) of RECORDS records (default 1000) to DIR/page-N.json, each with an
# absolute "next" URL under BASE (null on the last page), PokeAPI-shaped:
# {"count":..,"next":..,"previous":..,"results":[...]}.
set -eu
dir=$1 base=$2 pages=${3:-1000} records=${4:-1000}
mkdir -p "$dir"
awk -v dir="$dir" -v base="$base" -v pages="$pages" -v records="$records" '
BEGIN {
	for (p = 1; p <= pages; p++) {
		f = dir "/page-" p ".json"
		next_ = p < pages ? "\"" base "/page-" (p + 1) ".json\"" : "null"
		prev = p > 1 ? "\"" base "/page-" (p - 1) ".json\"" : "null"
		printf "{\"count\":%d,\"next\":%s,\"previous\":%s,\"results\":[", \
		    pages * records, next_, prev > f
		for (r = 1; r <= records; r++) {
			id = (p - 1) * records + r
			printf "%s{\"id\":%d,\"name\":\"record-%d\",\"url\":\"%s/item/%d/\",\"weight\":%d.%d,\"active\":%s}", \
			    (r > 1 ? "," : ""), id, id, base, id, id % 997, id % 10, \
			    (id % 2 ? "true" : "false") > f
		}
		printf "]}\n" > f
		close(f)
	}
}'
printf '%s\n' "$base" >"$dir/.base"
