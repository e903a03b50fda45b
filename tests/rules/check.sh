#!/bin/sh
# For every bundle in tests/rules/expect.tsv: the effective proxy's source
# and mode, and exactly the listed rules fire (each near miss must not fire
# the rule it imitates, nor any other). Uses marsdiag scan --format json.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
cd "$MD_SRC"
pass=0 fail=0
while IFS='	' read -r dir want_eff want_rules; do
    case "$dir" in ''|'#'*) continue ;; esac
    case "$dir" in
    *.zip) zip=$dir ;;
    *) zip=$(ls "$dir"/*.zip 2>/dev/null | head -1) ;;
    esac
    if [ -z "$zip" ] || [ ! -f "$zip" ]; then
        echo "FAIL $dir: no bundle"
        fail=$((fail + 1))
        continue
    fi
    got=$("$MD_BIN" scan --format json --fail-on never "$zip" | python3 -c '
import json, sys
d = json.load(sys.stdin)
e = d["effective_proxy"]
rules = sorted({f["rule"] for f in d["findings"]})
print("%s/%s\t%s" % (e["source"], e["mode"], ",".join(rules) or "-"))')
    if [ "$got" = "$want_eff	$want_rules" ]; then
        pass=$((pass + 1))
    else
        echo "FAIL $dir: got '$got', want '$want_eff	$want_rules'"
        fail=$((fail + 1))
    fi
done <tests/rules/expect.tsv
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
