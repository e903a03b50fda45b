#!/bin/sh
# batch roll-ups: byte-identical whatever -j; shards 0/3, 1/3 and 2/3
# split the bundles (each in exactly one shard) and 'merge' of the three
# NDJSON files writes the same summaries, byte for byte, as one run;
# 'merge' of one run's file equals that run's own --summary.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

# Scenario and per-rule bundles under distinct names, a folder bundle, a
# truncated zip and a path that does not exist (error records).
mkdir "$tmp/c"
i=0
for z in "$MD_SRC"/samples/scenarios/*/*.zip "$MD_SRC"/samples/rules/*/*/*.zip; do
    i=$((i + 1))
    cp "$z" "$tmp/c/b$i-$(basename "$z")"
done
head -c 700 "$MD_SRC/samples/scenarios/01-agent-proxy/APP01_MARS_20261128.zip" \
    >"$tmp/c/cut_MARS_1.zip"
{
    ls "$tmp"/c/* # every bundle, as written
    echo "$MD_SRC/samples/sdp-flat/bundle"
    echo "$tmp/missing_MARS_2.zip"
} >"$tmp/list"
total=$(wc -l <"$tmp/list")

sums() { # PREFIX: one --summary of each format
    echo "--summary csv:$1.csv --summary md:$1.md --summary html:$1.html"
}

# -j1 and -j2: the same roll-ups.
"$MD_BIN" batch -j1 -q --ndjson "$tmp/j1.ndjson" $(sums "$tmp/j1") @"$tmp/list" 2>/dev/null
rc1=$?
"$MD_BIN" batch -j2 -q --ndjson "$tmp/j2.ndjson" $(sums "$tmp/j2") @"$tmp/list" 2>/dev/null
rc2=$?
[ $rc1 -eq 3 ] && [ $rc2 -eq 3 ] || fail "exit $rc1 and $rc2, want 3 (unreadable bundles)"
[ "$(wc -l <"$tmp/j1.ndjson")" -eq "$total" ] || fail "-j1 did not report every bundle"
for f in csv md html; do
    cmp "$tmp/j1.$f" "$tmp/j2.$f" || fail "-j1 and -j2 $f summaries differ"
done
grep -q "^server,$tmp/missing_MARS_2.zip,missing,.*,unreadable," "$tmp/j1.csv" ||
    fail "the missing bundle is not an unreadable row"

# Three shards, then merge.
for k in 0 1 2; do
    "$MD_BIN" batch -j2 -q --shard $k/3 --ndjson "$tmp/s$k.ndjson" @"$tmp/list" 2>/dev/null
done
cat "$tmp"/s?.ndjson | sed -n 's/^{"schema":"marsdiag.report\/1","tool":{[^}]*},"input":{"path":"\([^"]*\)".*/\1/p' |
    sort >"$tmp/shard-paths"
sort "$tmp/list" >"$tmp/all-paths"
cmp -s "$tmp/shard-paths" "$tmp/all-paths" ||
    fail "the shards do not hold every bundle exactly once"
for k in 0 1 2; do
    [ -s "$tmp/s$k.ndjson" ] || fail "shard $k/3 is empty"
done
"$MD_BIN" merge $(sums "$tmp/m") "$tmp/s0.ndjson" "$tmp/s1.ndjson" "$tmp/s2.ndjson"
rc=$?
[ $rc -eq 3 ] || fail "merge exited $rc, want 3"
for f in csv md html; do
    cmp "$tmp/j1.$f" "$tmp/m.$f" || fail "merged shards' $f differs from one run's"
done

# merge of one run's file: the same as its --summary, and md on stdout by
# default.
"$MD_BIN" merge "$tmp/j2.ndjson" >"$tmp/stdout.md" 2>/dev/null
cmp "$tmp/j1.md" "$tmp/stdout.md" || fail "merge's default output differs"

# A bundle in two files counts once, with a warning.
"$MD_BIN" merge --summary csv:"$tmp/dup.csv" "$tmp/j1.ndjson" "$tmp/s1.ndjson" \
    2>"$tmp/dup.err"
cmp "$tmp/j1.csv" "$tmp/dup.csv" || fail "duplicates changed the roll-up"
grep -q "reported more than once" "$tmp/dup.err" || fail "no warning about duplicates"

# Shards follow the hash of the path as given: a bundle lands where the
# documented FNV-1a 64 of its bytes says, modulo 3.
k=$(printf '%s' "$tmp/c/b1-APP01_MARS_20261128.zip" | python3 -c '
import sys
h = 0xcbf29ce484222325
for b in sys.stdin.buffer.read():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print(h % 3)')
grep -q "b1-APP01" "$tmp/s$k.ndjson" || fail "the bundle is not in shard $k"
echo "1 passed, 0 failed"
