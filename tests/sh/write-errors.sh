#!/bin/sh
# Output that cannot be written (a full disk, here /dev/full) is an error
# for every command: exit 3 and one "cannot write" line on standard error,
# never a silent exit 0 with the report lost.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
[ -w /dev/full ] || { echo "skipped: no /dev/full"; exit 77; }
work=$MD_BUILD/write-errors
rm -rf "$work"
mkdir -p "$work"
cd "$MD_SRC" || exit 1
z=samples/scenarios/04-auth-required-system-only/APP04_MARS_20261128.zip
old=samples/changes/diff/FS31_MARS_20261127.zip
new=samples/changes/diff/FS31_MARS_20261201.zip
"$MD_BIN" batch -q --fail-on never --ndjson "$work/fleet.ndjson" "$z" || exit 1
fail=0 n=0
full() { # marsdiag ARGS... > /dev/full: 3, and one message
    n=$((n + 1))
    "$MD_BIN" "$@" >/dev/full 2>"$work/err"
    rc=$?
    lines=$(grep -c "cannot write" "$work/err")
    if [ "$rc" != 3 ] || [ "$lines" != 1 ]; then
        echo "FAIL: marsdiag $* > /dev/full: exit $rc, $lines 'cannot write'" \
            "lines:"
        sed 's/^/    /' "$work/err"
        fail=1
    fi
}
for fmt in text json sarif md html; do
    full scan --format "$fmt" "$z"
    full review --format "$fmt" --change samples/changes/no-proxy.ps1 "$z"
    full diff --format "$fmt" "$old" "$new"
done
full facts "$z"
full explain MP002 "$z"
full explain --format json MP002 "$z"
full rules
full rules --schema
full limits
full --help
full --version
full batch "$z"
full merge "$work/fleet.ndjson"
full merge --summary md:- "$work/fleet.ndjson"
[ "$fail" = 0 ] && echo "ok: $n commands report a full disk"
exit "$fail"
