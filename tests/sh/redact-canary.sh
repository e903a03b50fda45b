#!/bin/sh
# Canary test of redaction: a bundle with a planted password (and, for
# --redact strict, a planted host, domain, user and addresses) in every
# input format marsdiag reads (redact-canary.py), scanned into every
# output format and `facts`, in both redaction modes. Fails when a canary
# shows in any output — as text, as hex bytes or as UTF-16LE hex — and,
# in strict mode, when the names are not replaced by the same pseudonyms
# in every format of one run.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }

work=$MD_BUILD/redact-canary
rm -rf "$work"
mkdir -p "$work"
bundle=$(python3 "$MD_SRC/tests/sh/redact-canary.py" "$work") || exit 1

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
    for fmt in $formats; do
        [ -s "$out/report.$fmt" ] || { echo "FAIL: no $fmt report"; fail=1; }
        [ -e "$out/report.$fmt.tmp" ] && { echo "FAIL: $fmt.tmp left"; fail=1; }
    done
    for f in "$out"/*; do
        check "$f" "$work/canaries.secrets" "--redact $mode"
        [ "$mode" = strict ] && check "$f" "$work/canaries.names" "--redact strict"
    done
    # The structured outputs stay well-formed.
    for f in "$out/report.json" "$out/report.sarif" "$out/facts.json"; do
        python3 -m json.tool "$f" >/dev/null 2>&1 ||
            { echo "FAIL: $f is not JSON"; fail=1; }
    done
done

# Secrets mode keeps the names (only strict replaces them): the test
# would prove nothing if the planted names never reached an output.
grep -q 'proxy-canary.canarycorp.local' "$work/out-secrets/report.json" ||
    { echo "FAIL: the canary host never reached the secrets-mode report"; fail=1; }

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

[ "$fail" = 0 ] && echo "ok: no canary in any output ($formats, facts; secrets and strict)"
exit $fail
