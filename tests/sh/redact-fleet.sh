#!/bin/sh
# Fleet scans with --redact strict and a key (batch, merge): the
# roll-ups are the same bytes for any -j and for shards merged; every
# line says how it is redacted (tool.redact, tool.redact_key,
# input.path_id) and keeps no machine name of a bundle's file name;
# --resume of a strict file reports every bundle once, and refuses
# (exit 2, the file untouched) a file redacted otherwise; 'merge
# --redact strict' of unredacted shards gives the strict run's roll-ups;
# a random key (no --redact-key) still agrees within its run.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

unset MARSDIAG_REDACT_KEY
printf 'fleet test key: not a secret, 40 bytes\n' >"$tmp/key"
ls "$MD_SRC"/samples/scenarios/*/*.zip "$MD_SRC"/samples/rules/*/*/*.zip \
    >"$tmp/list"
echo "$tmp/missing_MARS_2.zip" >>"$tmp/list" # an error record
total=$(wc -l <"$tmp/list")
strict="--redact strict --redact-key $tmp/key"
sums() { # PREFIX: one --summary of each format
    echo "--summary csv:$1.csv --summary md:$1.md --summary html:$1.html"
}
same() { # A B: the three roll-ups are the same bytes
    for f in csv md html; do
        cmp -s "$1.$f" "$2.$f" || fail "$3: $f roll-ups differ"
    done
}

# -j1 and -j2: the same roll-ups.
# shellcheck disable=SC2086
"$MD_BIN" batch -j1 -q --no-timing $strict --ndjson "$tmp/j1.ndjson" \
    $(sums "$tmp/j1") @"$tmp/list" 2>/dev/null
[ $? -eq 3 ] || fail "batch did not exit 3 (a missing bundle)"
# shellcheck disable=SC2086
"$MD_BIN" batch -j2 -q --no-timing $strict --ndjson "$tmp/j2.ndjson" \
    $(sums "$tmp/j2") @"$tmp/list" 2>/dev/null
same "$tmp/j1" "$tmp/j2" "-j1 and -j2"
[ "$(wc -l <"$tmp/j1.ndjson")" -eq "$total" ] || fail "not every bundle reported"

# Every line: strict, the key's id, a path id; no HOST of HOST_MARS_*.zip.
python3 - "$tmp/j1.ndjson" "$tmp/list" <<'EOF' || fail "a line is not redacted as it says"
import json, os, re, sys
hosts = {os.path.basename(p).split('_MARS_')[0] for p in open(sys.argv[2]).read().split()}
ids = set()
for line in open(sys.argv[1]):
    doc = json.loads(line)
    t = doc['tool']
    assert t.get('redact') == 'strict', t
    ids.add(t['redact_key'])
    assert re.fullmatch('[0-9a-f]{10}', t['redact_key'])
    assert re.fullmatch('[0-9a-f]{16}', doc['input']['path_id'])
    for h in hosts:  # APP01; 'missing' may be a word of a message
        assert h not in doc['input']['path'], doc['input']['path']
        assert not any(c.isdigit() for c in h) or h not in line, h
assert len(ids) == 1, ids
EOF

# Three shards, merged: the one run's roll-ups.
for k in 0 1 2; do
    # shellcheck disable=SC2086
    "$MD_BIN" batch -j2 -q --no-timing $strict --shard $k/3 \
        --ndjson "$tmp/s$k.ndjson" @"$tmp/list" 2>/dev/null
done
# shellcheck disable=SC2086
"$MD_BIN" merge $(sums "$tmp/m") "$tmp"/s?.ndjson 2>"$tmp/m.err"
same "$tmp/j1" "$tmp/m" "merged strict shards and one run"
[ -s "$tmp/m.err" ] && { cat "$tmp/m.err"; fail "merge of same-key shards warned"; }

# --resume: a run cut short (its first lines, and a torn one) resumed
# with the same key reports every bundle once, as the full run does.
head -n 20 "$tmp/j1.ndjson" >"$tmp/r.ndjson"
sed -n 21p "$tmp/j1.ndjson" | head -c 100 >>"$tmp/r.ndjson"
# shellcheck disable=SC2086
"$MD_BIN" batch -j2 -q --no-timing $strict --resume --ndjson "$tmp/r.ndjson" \
    $(sums "$tmp/r") @"$tmp/list" 2>/dev/null
sort "$tmp/r.ndjson" >"$tmp/r.sorted"
sort "$tmp/j1.ndjson" | cmp -s - "$tmp/r.sorted" ||
    fail "the resumed strict file is not the full run's lines"
same "$tmp/j1" "$tmp/r" "resumed and one run"

# --resume refuses a file redacted otherwise (exit 2, file untouched).
"$MD_BIN" batch -q --no-timing --ndjson "$tmp/plain.ndjson" \
    "$MD_SRC/samples/scenarios/01-agent-proxy/APP01_MARS_20261128.zip"
cp "$tmp/plain.ndjson" "$tmp/plain.before"
cp "$tmp/r.ndjson" "$tmp/r.before"
printf 'another key for the test, 40 bytes long\n' >"$tmp/other.key"
refuse() { # FILE WHAT ARGS...: batch --resume must exit 2
    f=$1 what=$2
    shift 2
    "$MD_BIN" batch -q --resume --ndjson "$f" "$@" @"$tmp/list" \
        >/dev/null 2>"$tmp/refuse.err"
    rc=$?
    [ $rc -eq 2 ] || fail "resume of $what exited $rc, want 2"
    [ -s "$tmp/refuse.err" ] || fail "resume of $what said nothing"
}
# shellcheck disable=SC2086
refuse "$tmp/plain.ndjson" "an unredacted file with strict" $strict
refuse "$tmp/r.ndjson" "a strict file without --redact"
refuse "$tmp/r.ndjson" "a strict file with another key" \
    --redact strict --redact-key "$tmp/other.key"
refuse "$tmp/r.ndjson" "a strict file without a key" --redact strict
cmp -s "$tmp/plain.ndjson" "$tmp/plain.before" || fail "a refused resume changed the file"
cmp -s "$tmp/r.ndjson" "$tmp/r.before" || fail "a refused resume changed the file"

# merge --redact strict of unredacted shards: the strict run's roll-ups
# (the same key; the names learnt from the report lines).
for k in 0 1; do
    "$MD_BIN" batch -j2 -q --no-timing --shard $k/2 \
        --ndjson "$tmp/p$k.ndjson" @"$tmp/list" 2>/dev/null
done
# shellcheck disable=SC2086
"$MD_BIN" merge $strict $(sums "$tmp/pm") "$tmp"/p?.ndjson 2>"$tmp/pm.err"
same "$tmp/j1" "$tmp/pm" "merge --redact strict of unredacted shards"
grep -q "got pseudonyms" "$tmp/pm.err" || fail "merge did not say it redacted rows"
# Without --redact strict, a mix is warned about, and names stay names.
"$MD_BIN" merge --summary csv:"$tmp/mix.csv" "$tmp/s0.ndjson" "$tmp/p1.ndjson" \
    2>"$tmp/mix.err"
grep -q "without --redact strict" "$tmp/mix.err" || fail "a mixed merge was not warned about"

# The key from the environment: the file's bytes without its line end.
MARSDIAG_REDACT_KEY=$(cat "$tmp/key") "$MD_BIN" batch -j2 -q --no-timing \
    --redact strict --ndjson "$tmp/env.ndjson" @"$tmp/list" 2>/dev/null
sort "$tmp/env.ndjson" | cmp -s - "$tmp/r.sorted" ||
    fail "MARSDIAG_REDACT_KEY and --redact-key of the same key differ"

# No key: a random one, different on each run, agreeing within a run.
"$MD_BIN" batch -j2 -q --no-timing --redact strict \
    --ndjson "$tmp/rand1.ndjson" @"$tmp/list" 2>/dev/null
"$MD_BIN" batch -j2 -q --no-timing --redact strict \
    --ndjson "$tmp/rand2.ndjson" @"$tmp/list" 2>/dev/null
python3 - "$tmp/rand1.ndjson" "$tmp/rand2.ndjson" <<'EOF' || fail "random keys"
import json, sys
def proxies(f):
    keys, by_proxy = set(), {}
    for line in open(f):
        d = json.loads(line)
        keys.add(d['tool']['redact_key'])
        p = (d.get('effective_proxy') or {}).get('server')
        if p:
            by_proxy.setdefault(p, 0)
            by_proxy[p] += 1
    assert len(keys) == 1, keys
    return keys.pop(), by_proxy
k1, p1 = proxies(sys.argv[1])
k2, p2 = proxies(sys.argv[2])
assert k1 != k2, 'two runs made the same random key'
# the same proxies, as often, under other pseudonyms
assert sorted(p1.values()) == sorted(p2.values()), (p1, p2)
both = {p for p in set(p1) & set(p2) if 'host-' in p or 'ip-' in p}
assert not both, both  # ('proxy', a kept word, is in both)
assert max(p1.values()) > 1  # some proxy is shared by bundles
EOF
echo "1 passed, 0 failed"
