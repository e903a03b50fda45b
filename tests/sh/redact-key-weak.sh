#!/bin/sh
# A --redact-key shorter than 16 bytes is warned about once per command,
# in every command and format that takes a key (review and diff read it
# twice before, so the warning came twice), and the command still runs.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$MD_SRC" || exit 1
unset MARSDIAG_REDACT_KEY
printf 'short\n' >"$tmp/key"
z=samples/scenarios/04-auth-required-system-only/APP04_MARS_20261128.zip
old=samples/changes/diff/FS31_MARS_20261127.zip
new=samples/changes/diff/FS31_MARS_20261201.zip
change=samples/changes/move-agent-proxy.ps1
fail=0 n=0
once() { # marsdiag ARGS...: exit 0 or 1, one warning
    n=$((n + 1))
    "$MD_BIN" "$@" >/dev/null 2>"$tmp/err"
    rc=$?
    warned=$(grep -c "redaction key from .* is 5 bytes" "$tmp/err")
    if [ "$rc" -gt 1 ] || [ "$warned" != 1 ]; then
        echo "FAIL: marsdiag $*: exit $rc, warned $warned times:"
        sed 's/^/    /' "$tmp/err"
        fail=$((fail + 1))
    fi
}
key="--redact strict --redact-key $tmp/key"
for fmt in text json md html sarif; do
    once scan $key --format "$fmt" "$z"
    once review $key --format "$fmt" --change "$change" "$z"
    once diff $key --format "$fmt" "$old" "$new"
done
once review $key --change "$change" --output md:"$tmp/r.md" "$z"
once facts $key "$z"
once explain $key MP001 "$z"
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
