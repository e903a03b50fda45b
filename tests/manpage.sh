#!/bin/sh
# The man page and --help must agree: every long option --help mentions is
# documented in docs/marsdiag.1, and the page renders without warnings.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
page="$MD_SRC/docs/marsdiag.1"
fail=0
for opt in $("$MD_BIN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
    if ! grep -q -- "$esc" "$page"; then
        echo "option $opt is in --help but not in the man page"
        fail=1
    fi
done
for cmd in $("$MD_BIN" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
    grep -q "^\.B $cmd\$" "$page" || {
        echo "command $cmd is in --help but not in the man page"
        fail=1
    }
done
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$warn" ] || { echo "$warn"; fail=1; }
fi
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
