#!/bin/sh
# Canary test of redaction: a bundle with a planted password (and, for
# --redact strict, a planted host, domain, user and addresses) in every
# input format marsdiag reads (redact-canary.py), scanned into every
# output format, `facts`, `explain` of every rule (text and JSON), and
# `batch` of it and its twin (same proxy, another machine name) into
# NDJSON and every --summary format, in both redaction modes. Fails when
# a canary shows in any output — as text, as hex bytes or as UTF-16LE
# hex — and, in strict mode, when the names are not replaced by the same
# pseudonyms in every format of one run; and when keyed pseudonyms
# (--redact-key) differ between scan, batch, explain and two shards, or
# the merge of strict shards is not byte for byte the one-run roll-up.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }

unset MARSDIAG_REDACT_KEY # strict scan here numbers its pseudonyms
work=$MD_BUILD/redact-canary
rm -rf "$work"
mkdir -p "$work"
bundle=$(python3 "$MD_SRC/tests/sh/redact-canary.py" "$work") || exit 1
twin=$work/CANARYHOST02_MARS_20261128.zip
[ -f "$twin" ] || { echo "FAIL: the generator wrote no twin bundle"; exit 1; }
key=$work/fleet.key
printf 'canary test key, 32 bytes long!!\n' >"$key"
rules=$("$MD_BIN" rules | awk '/^MP[0-9]/ {print $1}')
[ -n "$rules" ] || { echo "FAIL: 'marsdiag rules' lists no rule"; exit 1; }

fail=0
# Formats whose writer exists in this build (html is another module's).
formats="text json sarif md"
if "$MD_BIN" scan --format html --fail-on never "$bundle" >/dev/null 2>&1
then
    formats="$formats html"
else
    echo "note: html format not available; not checked"
fi

# check FILE LISTFILE WHAT: no line of LISTFILE may occur in FILE
# (case-insensitively).
check() {
    while IFS= read -r canary; do
        [ -n "$canary" ] || continue
        if grep -qiF -e "$canary" "$1"; then
            echo "FAIL: $3: '$canary' in $(basename "$1"):"
            grep -niF -e "$canary" "$1" | head -3
            fail=1
        fi
    done <"$2"
}

for mode in secrets strict; do
    out=$work/out-$mode
    mkdir -p "$out"
    args=""
    for fmt in $formats; do
        args="$args --output $fmt:$out/report.$fmt"
    done
    # One run writes every format (the pseudonyms must agree across
    # them); standard output is the text report once more.
    # shellcheck disable=SC2086
    "$MD_BIN" scan --redact "$mode" --no-timing --inputs --show-suppressed \
        --fail-on never $args "$bundle" >"$out/stdout.txt" 2>"$out/stderr.txt"
    rc=$?
    if [ "$rc" != 0 ]; then
        echo "FAIL: scan --redact $mode exited $rc"
        cat "$out/stderr.txt"
        fail=1
    fi
    "$MD_BIN" facts --redact "$mode" "$bundle" >"$out/facts.json" \
        2>>"$out/stderr.txt" || { echo "FAIL: facts --redact $mode"; fail=1; }
    # Keyed pseudonyms for the commands below (strict only).
    keyed=""
    [ "$mode" = strict ] && keyed="--redact-key $key"
    # batch: both bundles, the NDJSON and every roll-up.
    # shellcheck disable=SC2086
    "$MD_BIN" batch -j2 -q --no-timing --fail-on never --redact "$mode" \
        $keyed --ndjson "$out/batch.ndjson" --summary csv:"$out/summary.csv" \
        --summary md:"$out/summary.md" --summary html:"$out/summary.html" \
        "$bundle" "$twin" 2>>"$out/stderr.txt" ||
        { echo "FAIL: batch --redact $mode exited $?"; fail=1; }
    [ "$(wc -l <"$out/batch.ndjson")" -eq 2 ] ||
        { echo "FAIL: batch --redact $mode did not report both bundles"; fail=1; }
    # explain: every rule, text and JSON.
    for rule in $rules; do
        # shellcheck disable=SC2086
        "$MD_BIN" explain --redact "$mode" $keyed "$rule" "$bundle" \
            >"$out/explain-$rule.txt" 2>>"$out/stderr.txt" &&
        "$MD_BIN" explain --format json --redact "$mode" $keyed "$rule" \
            "$bundle" >"$out/explain-$rule.json" 2>>"$out/stderr.txt" ||
            { echo "FAIL: explain --redact $mode $rule"; fail=1; }
    done
    for fmt in $formats; do
        [ -s "$out/report.$fmt" ] || { echo "FAIL: no $fmt report"; fail=1; }
        [ -e "$out/report.$fmt.tmp" ] && { echo "FAIL: $fmt.tmp left"; fail=1; }
    done
    for f in "$out"/*; do
        check "$f" "$work/canaries.secrets" "--redact $mode"
        [ "$mode" = strict ] && check "$f" "$work/canaries.names" "--redact strict"
    done
    # The structured outputs stay well-formed.
    for f in "$out/report.json" "$out/report.sarif" "$out/facts.json" \
        "$out"/explain-*.json; do
        python3 -m json.tool "$f" >/dev/null 2>&1 ||
            { echo "FAIL: $f is not JSON"; fail=1; }
    done
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$out/batch.ndjson" ||
        { echo "FAIL: batch --redact $mode wrote a line that is not JSON"; fail=1; }
done

# Secrets mode keeps the names (only strict replaces them): the test
# would prove nothing if the planted names never reached an output.
for f in report.json batch.ndjson summary.csv explain-MP004.txt \
    explain-MP004.json; do
    grep -q 'proxy-canary.canarycorp.local' "$work/out-secrets/$f" ||
        { echo "FAIL: the canary host never reached the secrets-mode $f"; fail=1; }
done

# Strict: the proxy's pseudonym, read from the JSON report, is the one
# every other format uses; the machine and the user are replaced too.
s=$work/out-strict
proxy=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["effective_proxy"]["server"])' "$s/report.json") || proxy=
case $proxy in
host-[0-9]*.example) ;;
*) echo "FAIL: strict effective proxy is '$proxy', not a pseudonym"; fail=1 ;;
esac
for f in "$s"/report.* "$s/stdout.txt" "$s/facts.json"; do
    grep -qF "$proxy" "$f" ||
        { echo "FAIL: $(basename "$f") does not call the proxy $proxy"; fail=1; }
done
# The same real name gets the same pseudonym in every format: the agent's
# proxy user (DOMAIN\user) as the JSON report calls it, in every other.
user=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["sources"]["agent"]["user"])' "$s/report.json") || user=
case $user in
domain-[0-9]*\\user-[0-9]*) ;;
*) echo "FAIL: strict agent proxy user is '$user', not pseudonyms"; fail=1 ;;
esac
for f in "$s"/report.* "$s/stdout.txt" "$s/facts.json"; do
    case $f in *.json|*.sarif) want=$(printf '%s' "$user" | sed 's/\\/\\\\/') ;;
    *) want=$user ;;
    esac
    grep -qF "$want" "$f" ||
        { echo "FAIL: $(basename "$f") does not call the user $user"; fail=1; }
done
for want in 'user-[0-9]' 'domain-[0-9]' '192\.0\.2\.[0-9]' '2001:db8::' \
    'S-1-5-21-0-0-0-'; do
    grep -q "$want" "$s/report.json" ||
        { echo "FAIL: strict JSON report has no '$want' pseudonym"; fail=1; }
done

# Keyed pseudonyms (--redact-key) agree between commands, runs and
# shards: the proxy of both bundles has one pseudonym in scan, batch,
# explain and in the shards' reports, and merging strict shards gives
# the one-run roll-ups byte for byte.
k=$work/keyed
mkdir -p "$k"
server() { # NDJSON or JSON FILE [LINE]: effective_proxy.server
    python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
doc = json.loads(lines[int(sys.argv[2])] if len(lines) > 1 and
                 lines[0].startswith("{\"") else "".join(lines))
print(doc["effective_proxy"]["server"])' "$1" "${2:-0}"
}
"$MD_BIN" scan --format json --redact strict --redact-key "$key" \
    --fail-on never --no-timing "$bundle" >"$k/scan.json" 2>/dev/null
kproxy=$(server "$k/scan.json") || kproxy=
case $kproxy in
host-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].example) ;;
*) echo "FAIL: keyed strict proxy is '$kproxy', not host-<10 hex>.example"; fail=1 ;;
esac
for line in 0 1; do
    [ "$(server "$s/batch.ndjson" $line)" = "$kproxy" ] ||
        { echo "FAIL: batch line $((line + 1)) does not call the proxy $kproxy"; fail=1; }
done
[ "$(grep -c "^server,.*,\"$kproxy:8080 (agent, credentials)\"," "$s/summary.csv")" = 2 ] ||
    { echo "FAIL: the CSV roll-up does not show $kproxy for both servers"; fail=1; }
for f in "$s/summary.md" "$s/summary.html"; do
    grep -qF "$kproxy" "$f" || { echo "FAIL: $(basename "$f") lacks $kproxy"; fail=1; }
done
grep -lF "$kproxy" "$s"/explain-*.txt >/dev/null ||
    { echo "FAIL: no explain output calls the proxy $kproxy"; fail=1; }
# Two shards, the two bundles in different ones (N picked so that the
# FNV-1a hashes of their paths, as batch computes them, differ modulo N).
shards=$(python3 -c '
import sys
def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001b3) % 2**64
    return h
a, b = fnv(sys.argv[1]), fnv(sys.argv[2])
n = next(n for n in range(2, 64) if a % n != b % n)
print(a % n, b % n, n)' "$bundle" "$twin")
set -- $shards
for kk in "$1" "$2"; do
    "$MD_BIN" batch -q --no-timing --fail-on never --redact strict \
        --redact-key "$key" --shard "$kk/$3" --ndjson "$k/shard-$kk.ndjson" \
        "$bundle" "$twin" 2>/dev/null
    [ "$(wc -l <"$k/shard-$kk.ndjson")" -eq 1 ] ||
        { echo "FAIL: shard $kk/$3 does not hold one bundle"; fail=1; }
    [ "$(server "$k/shard-$kk.ndjson")" = "$kproxy" ] ||
        { echo "FAIL: shard $kk/$3 calls the proxy $(server "$k/shard-$kk.ndjson"), not $kproxy"; fail=1; }
done
"$MD_BIN" merge --fail-on never --summary csv:"$k/m.csv" --summary md:"$k/m.md" \
    --summary html:"$k/m.html" "$k/shard-$1.ndjson" "$k/shard-$2.ndjson" \
    2>"$k/merge.err" || { echo "FAIL: merge of strict shards exited $?"; fail=1; }
for f in csv md html; do
    cmp -s "$s/summary.$f" "$k/m.$f" ||
        { echo "FAIL: merged strict shards' $f differs from one run's"; fail=1; }
done
[ -s "$k/merge.err" ] && { echo "FAIL: merge of same-key shards warned:"; cat "$k/merge.err"; fail=1; }
# Another key, other pseudonyms; merging it with the first key's shard
# is warned about.
printf 'another key, also 32 bytes long\n' >"$k/other.key"
"$MD_BIN" batch -q --no-timing --fail-on never --redact strict \
    --redact-key "$k/other.key" --ndjson "$k/other.ndjson" "$twin" 2>/dev/null
other=$(server "$k/other.ndjson") || other=
[ -n "$other" ] && [ "$other" != "$kproxy" ] ||
    { echo "FAIL: another key gave the proxy '$other' (first key: $kproxy)"; fail=1; }
"$MD_BIN" merge --fail-on never --summary csv:"$k/mixed.csv" \
    "$k/shard-$1.ndjson" "$k/other.ndjson" 2>"$k/mixed.err"
grep -q "different keys" "$k/mixed.err" ||
    { echo "FAIL: merging shards of two keys was not warned about"; fail=1; }
for f in "$k"/*; do
    check "$f" "$work/canaries.secrets" "keyed"
    check "$f" "$work/canaries.names" "keyed"
done

[ "$fail" = 0 ] && echo "ok: no canary in any output ($formats, facts, explain, batch and its roll-ups; secrets and strict; keyed pseudonyms agree)"
exit $fail
