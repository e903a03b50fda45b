#!/bin/sh
# Run one golden CLI case: DIR/cmd holds marsdiag's arguments (one line,
# shell quoting, paths relative to the repository), DIR/expected the exact
# standard output, DIR/expected-stderr (when present) the exact standard
# error, DIR/status the exit status (0 when absent). DIR/env (optional)
# holds NAME=VALUE lines put in marsdiag's environment (MARSDIAG_TODAY to
# pin the date waivers expire against). With MD_UPDATE=1 the
# expectations are rewritten instead of compared.
set -u
dir=$1
: "${MD_BIN:?MD_BIN must point at marsdiag}"
eval "set -- $(cat "$dir/cmd")"
# A redaction key of the caller's would change every strict case's
# pseudonyms; a case that wants one says so in DIR/env.
unset MARSDIAG_REDACT_KEY
if [ -f "$dir/env" ]; then
    while IFS= read -r kv; do
        case $kv in
        [A-Za-z_]*=*) export "$kv" ;;
        esac
    done <"$dir/env"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$MD_BIN" "$@" >"$out" 2>"$out.err"
rc=$?
want_rc=0
[ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
if [ "${MD_UPDATE:-0}" = 1 ]; then
    cp "$out" "$dir/expected"
    echo "$rc" >"$dir/status"
    if [ -s "$out.err" ]; then
        cp "$out.err" "$dir/expected-stderr"
    else
        rm -f "$dir/expected-stderr"
    fi
    echo "updated $dir"
    rm -f "$out.err"
    exit 0
fi
fail=0
if [ "$rc" != "$want_rc" ]; then
    echo "exit status $rc, want $want_rc"
    cat "$out.err"
    fail=1
fi
if ! diff -u "$dir/expected" "$out"; then
    fail=1
fi
if [ -f "$dir/expected-stderr" ] && ! diff -u "$dir/expected-stderr" "$out.err"; then
    fail=1
fi
rm -f "$out.err"
exit $fail
