#!/bin/sh
# The usage examples in README.md ("    $ marsdiag ...") must run: each is
# executed from the repository root and must exit 0 or 1 (findings are a
# normal outcome of scan) with some output.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
cd "$MD_SRC"
n=0 failed=0
grep '^    \$ marsdiag ' README.md | sed 's/^    \$ marsdiag //' >/tmp/md_readme.$$
while IFS= read -r args; do
    n=$((n + 1))
    eval "set -- $args"
    "$MD_BIN" "$@" >/tmp/md_readme_out.$$ 2>&1
    rc=$?
    if [ "$rc" -gt 1 ] || [ ! -s /tmp/md_readme_out.$$ ]; then
        echo "README example failed: marsdiag $args"
        head -20 /tmp/md_readme_out.$$
        failed=$((failed + 1))
    fi
done </tmp/md_readme.$$
rm -f /tmp/md_readme.$$ /tmp/md_readme_out.$$
[ "$n" -gt 0 ] || { echo "no examples found in README.md"; exit 1; }
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
