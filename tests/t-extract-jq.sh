#!/bin/sh
# integ-extract against jq 1.6 on a generated corpus: the same records
# (normalised with jq -cS on both sides), and numbers beyond double
# precision kept byte for byte in ours.
. "$(dirname "$0")/lib.sh"
need jq || skip_all 'no jq'
need python3 || skip_all 'no python3'

gen() {
	python3 - "$@" <<'PY'
import random, sys
seed, ntexts = int(sys.argv[1]), int(sys.argv[2])
R = random.Random(seed)
NUMS = ["0", "-0", "1", "-1", "12345678901234567890", "-9223372036854775809",
        "18446744073709551617", "3.14159", "1e3", "1E+3", "2.5e-3", "-0.0",
        "1.0", "100000000000000000000000000000", "1e308", "4.9e-324",
        "0.1", "123456789.123456789", "9007199254740993"]
CHARS = ["a", "Z", " ", "/", "\"", "\\", "\b", "\f", "\n", "\r", "\t",
         "\x01", "\x1f", "\x7f", "é", "ß", "€", "中", "😀", "𝄞", "\u2028"]

def s(x):
    out = ['"']
    for ch in x:
        o = ord(ch)
        r = R.random()
        if ch == '"' or ch == '\\':
            out.append("\\" + ch)
        elif ch == "/" and r < 0.5:
            out.append("\\/")
        elif ch in "\b\f\n\r\t" and r < 0.7:
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif o < 0x20 or r < 0.3:
            if o >= 0x10000:
                o -= 0x10000
                hi, lo = 0xd800 + (o >> 10), 0xdc00 + (o & 0x3ff)
                out.append("\\u%04x\\u%04X" % (hi, lo))
            else:
                out.append(("\\u%04x" if r < 0.15 else "\\u%04X") % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)

def rstr():
    return "".join(R.choice(CHARS) for _ in range(R.randint(0, 12)))

def val(d):
    r = R.random()
    if d > 4 or r < 0.45:
        k = R.randint(0, 5)
        return [lambda: R.choice(NUMS), lambda: s(rstr()), lambda: "true",
                lambda: "false", lambda: "null", lambda: str(R.randint(-10**6, 10**6))][k]()
    if r < 0.7:
        return ("arr", [val(d + 1) for _ in range(R.randint(0, 4))])
    keys = R.sample(["id", "name", "tags", "a b", "é", "x/y", "nested", "url", "n"], R.randint(0, 5))
    return ("obj", [(s(k), val(d + 1)) for k in keys])

def dump(v, pretty, ind=0):
    if isinstance(v, str):
        return v
    nl = lambda i: ("\r\n" if R.random() < 0.1 else "\n") + (" " * i if R.random() < 0.8 else "\t" * (i // 2)) if pretty else ""
    sp = " " if pretty else ""
    kind, items = v
    if kind == "arr":
        if not items:
            return "[" + (" " if pretty and R.random() < 0.5 else "") + "]"
        return "[" + ",".join(nl(ind + 2) + dump(x, pretty, ind + 2) for x in items) + nl(ind) + "]"
    if not items:
        return "{}"
    return "{" + ",".join(nl(ind + 2) + k + sp + ":" + sp + dump(x, pretty, ind + 2) for k, x in items) + nl(ind) + "}"

def record(i):
    return ("obj", [(s("id"), R.choice(NUMS + [str(i)])), (s("name"), s(rstr())),
                    (s("tags"), ("arr", [s(rstr()) for _ in range(R.randint(0, 3))])),
                    (s("nested"), val(1)), (s("big"), "12345678901234567890")])

def text(i):
    r = R.random()
    if r < 0.05:
        return val(0)
    results = ("arr", [record(j) for j in range(R.randint(0, 6))])
    if r < 0.10: results = "null"
    elif r < 0.14: results = record(0)
    elif r < 0.17: results = s(rstr())
    members = [(s("count"), str(R.randint(0, 10**6))), (s("next"), s("http://h/p?page=%d" % i)),
               (s("data"), ("obj", [(s("items"), ("arr", [val(2) for _ in range(R.randint(0, 4))]))]))]
    if R.random() < 0.9:
        members.insert(R.randint(0, 3), (s("results"), results))
    if R.random() < 0.5:
        members.append((s("odd key"), val(1)))
    return ("obj", members)

out = []
for i in range(ntexts):
    pretty = R.random() < 0.5
    out.append(dump(text(i), pretty))
    out.append(R.choice(["\n", " ", "\n\n", "\t", "\r\n", ""]) if not pretty else "\n")
sys.stdout.write("".join(out))
PY
}

# jq's idea of the same records, normalised; and ours, normalised.
check() { # PATH FILE
	jq -c "(try ($1) catch null) | if type == \"array\" then .[] elif . == null then empty else . end" "$2" |
	    jq -cS . >want
	integ-extract "$1" "$2" >raw
	jq -cS . raw >got
	if ! cmp -s want got; then
		echo "path $1 differs on $2:" >&2
		diff want got | head -n 20 >&2
		return 1
	fi
}

# The corpus, made once: six streams of 60 texts.
for seed in 1 2 3 4 5 6; do gen $seed 60 >"$TMP/c$seed.json"; done

t 'the corpus is valid JSON to both, and ours validates it' '
	for seed in 1 2 3 4 5 6; do
		jq -c . "$TMP/c$seed.json" >/dev/null
		integ-extract . "$TMP/c$seed.json" >/dev/null
	done
'

for path in .results .data.items '.results[0]' '.results[-1]' . \
    '.["odd key"]' '.results[1].tags' '.results[0].nested' '.count' '.data.items[-2]'; do
	export P="$path"
	t "same records as jq for $path" '
		for seed in 1 2 3 4 5 6; do
			check "$P" "$TMP/c$seed.json"
		done
	'
done

t 'paths without the leading dot mean the same' '
	gen 7 80 >c.json
	integ-extract results c.json >a
	integ-extract .results c.json >b
	cmp a b
	integ-extract "data.items[-1]" c.json >a
	integ-extract ".data.items[-1]" c.json >b
	cmp a b
'

t 'numbers beyond double precision are byte-exact in ours, rounded by jq' '
	gen 8 80 >c.json
	integ-extract results c.json >raw
	expect_grep "\"big\":12345678901234567890" raw
	expect_eq "$(grep -c "\"big\":" raw)" "$(grep -c "\"big\":12345678901234567890" raw)"
	jq -c ".results[]?" c.json >jqraw 2>/dev/null || :
	expect_no_grep "12345678901234567890" jqraw
	printf "[12345678901234567890, -9223372036854775809, 1.000000000000000000001, 1E400]" >n.json
	integ-extract . n.json >out
	printf "%s\n" 12345678901234567890 -9223372036854775809 1.000000000000000000001 1E400 >want
	expect_same want out
'

t 'every text of a stream counts, whatever the whitespace between' '
	gen 9 200 >c.json
	expect_eq "$(jq -c . c.json | wc -l)" "$(integ-extract --jq . c.json | wc -l)"
	jq -cS . c.json >want
	integ-extract . c.json >/dev/null
	integ-extract --jq . c.json | jq -cS . >got
	expect_same want got
'

t 'what jq 1.6 accepts and we reject' '
	for j in "[NaN]" "[nan]" "[-nan]" "[Infinity]" "[01]" "[1.]" "[.5]" \
	    "[+1]" "[\"\377\"]" "[\"\300\257\"]" "[1]\0"; do
		printf "%b" "$j" >in
		if ! jq -c . in >/dev/null 2>&1; then
			echo "jq 1.6 was expected to take $j" >&2
			exit 1
		fi
		expect_exit 65 integ-extract . in 2>/dev/null >/dev/null
	done
'

done_testing
