#!/bin/sh
# scan --output FMT:FILE: several formats in one run, each the same
# report --format would print, one document for several PATHs, each file
# written whole (a run killed while writing leaves the old FILE as it
# was, not half a report).
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
work=$MD_BUILD/scan-outputs
rm -rf "$work"
mkdir -p "$work"
a=$MD_SRC/samples/scenarios/09-pac-plus-auth/SQL09_MARS_20261128.zip
b=$MD_SRC/samples/scenarios/08-both-set/FS08_MARS_20261128.zip
fail=0
check() { # a shell condition and what it means
    if ! eval "$1"; then
        echo "FAIL: $2"
        fail=1
    fi
}

# Every format of one run equals that format on standard output.
"$MD_BIN" scan --no-timing --fail-on never --output json:"$work/r.json" \
    --output sarif:"$work/r.sarif" --output md:"$work/r.md" \
    --output text:"$work/r.txt" "$a" "$b" >"$work/stdout.txt"
check '[ $? = 0 ]' "scan with four --output exits 0"
for fmt in json sarif md text; do
    ext=$fmt
    [ "$fmt" = text ] && ext=txt
    "$MD_BIN" scan --no-timing --fail-on never --format "$fmt" "$a" "$b" \
        >"$work/want.$ext"
    check "cmp -s '$work/want.$ext' '$work/r.$ext'" \
        "--output $fmt differs from --format $fmt"
done
check "cmp -s '$work/stdout.txt' '$work/r.txt'" \
    "standard output is not the text report"
check '[ ! -e "$work/r.json.tmp" ]' "a .tmp file is left"

# Several PATHs, one document each.
python3 - "$work" <<'EOF' || fail=1
import json, sys
w = sys.argv[1]
j = json.load(open(w + '/r.json'))
s = json.load(open(w + '/r.sarif'))
ok = True
if not (isinstance(j, list) and len(j) == 2):
    print('FAIL: JSON of two bundles is not an array of two'); ok = False
runs = s['runs']
bases = runs[0]['originalUriBaseIds']
if len(runs) != 1 or sorted(bases) != ['BUNDLE1', 'BUNDLE2']:
    print('FAIL: SARIF of two bundles is not one run with two bases'); ok = False
used = {l['physicalLocation']['artifactLocation']['uriBaseId']
        for r in runs[0]['results'] for l in r.get('locations', [])}
if used != {'BUNDLE1', 'BUNDLE2'}:
    print('FAIL: SARIF results do not name both bundles: %s' % used); ok = False
if not all(r['properties']['bundle'].endswith('.zip') for r in runs[0]['results']):
    print('FAIL: a SARIF result without its bundle'); ok = False
sys.exit(0 if ok else 1)
EOF
check '[ "$(grep -c "^## marsdiag: " "$work/r.md")" = 2 ]' \
    "Markdown of two bundles has not two sections"
check 'grep -q "^---$" "$work/r.md"' "Markdown bundles are not separated"

# A run killed while writing (file size limit) leaves FILE untouched.
echo "old report" >"$work/big.json"
(
    ulimit -f 4 # 4 blocks: less than one JSON report
    "$MD_BIN" scan --no-timing --fail-on never --output json:"$work/big.json" \
        "$a" "$b" >/dev/null 2>&1
) 2>/dev/null
check '[ "$(cat "$work/big.json")" = "old report" ]' \
    "a run stopped half way replaced the old report"

# A file that cannot be written: exit 3, standard output still written,
# nothing left behind.
"$MD_BIN" scan --fail-on never --output md:"$work/none/r.md" "$a" \
    >"$work/out2.txt" 2>"$work/err2.txt"
check '[ $? = 3 ]' "an unwritable --output does not exit 3"
check 'grep -q "cannot write" "$work/err2.txt"' "no error message"
check '[ -s "$work/out2.txt" ]' "standard output was not written"
# Not a regular file: written in place, not replaced.
"$MD_BIN" scan --fail-on never --output json:/dev/null "$a" >/dev/null
check '[ -c /dev/null ]' "/dev/null was replaced"

# Usage errors.
"$MD_BIN" scan --output json "$a" >/dev/null 2>&1
check '[ $? = 2 ]' "--output without FILE is not a usage error"
"$MD_BIN" scan --output pdf:x.pdf "$a" >/dev/null 2>&1
check '[ $? = 2 ]' "an unknown format is not a usage error"

[ "$fail" = 0 ] && echo "ok: --output"
exit $fail
