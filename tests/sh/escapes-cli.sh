#!/bin/sh
# Terminal escapes in names the user hands over (a bundle folder's name,
# an @LIST line, a rule folder's name) reach neither standard error nor
# the fleet summaries: ESC, BEL and the C1 CSI (U+009B) are shown as '?'.
# (Escapes inside bundles are tests/hostile's terminal-escapes case.)
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
clean() { # FILE WHAT: no ESC, BEL or C1 CSI in FILE
    n=$((n + 1))
    if LC_ALL=C grep -q "$(printf '\033\\|\007\\|\302\233')" "$1"; then
        echo "FAIL: $2: a terminal escape got through:"
        cat -v "$1" | grep -n '\^\[\|\^G\|M-BM-\^\[' | head -3 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
}
esc=$(printf 'X\033]0;OWNED\007\302\233'31m)
mkdir "$tmp/fleet" "$tmp/rules$esc"
cp -r "$MD_SRC/samples/sdp-flat/bundle" "$tmp/fleet/FS$esc"_MARS_1
printf '%s\n' "$tmp/missing$esc.zip" >"$tmp/list"
printf 'id: X901\nname: x\nseverity: info\ntitle: t\nwhen: nosuch\nmessage: m\nfix: f\nreferences: [r]\n' \
    >"$tmp/rules$esc/a.yml"

"$MD_BIN" batch -q --no-timing --fail-on never --ndjson "$tmp/out.ndjson" \
    --summary md:"$tmp/s.md" --summary csv:"$tmp/s.csv" \
    --summary html:"$tmp/s.html" "$tmp/fleet" 2>"$tmp/err1"
grep -q "FSX?\]0;OWNED??31m_MARS_1" "$tmp/s.csv" || { echo "FAIL: the bundle is not in the CSV"; fail=$((fail + 1)); }
clean "$tmp/s.md" "batch --summary md"
clean "$tmp/s.csv" "batch --summary csv"
clean "$tmp/s.html" "batch --summary html"
clean "$tmp/err1" "batch stderr"
"$MD_BIN" merge --summary md:- --summary csv:"$tmp/m.csv" "$tmp/out.ndjson" \
    >"$tmp/m.md" 2>&1
clean "$tmp/m.md" "merge --summary md"
clean "$tmp/m.csv" "merge --summary csv"
"$MD_BIN" batch -q @"$tmp/list" >/dev/null 2>"$tmp/err2"
grep -q "cannot read" "$tmp/err2" || { echo "FAIL: no error for the @LIST path"; fail=$((fail + 1)); }
clean "$tmp/err2" "batch @LIST error"
"$MD_BIN" rules --rules "$tmp/rules$esc" >/dev/null 2>"$tmp/err3"
grep -q "unknown fact path" "$tmp/err3" || { echo "FAIL: no rule error"; fail=$((fail + 1)); }
clean "$tmp/err3" "rules --rules DIR error"
"$MD_BIN" scan "$tmp/missing$esc.zip" >/dev/null 2>"$tmp/err4"
clean "$tmp/err4" "scan of a missing path"
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
