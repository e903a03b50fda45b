#!/bin/sh
# Hostile inputs (tests/hostile/README.md): write the corpus into the build
# folder (bombs, truncations, bit flips, encrypted and unsupported members,
# XML attacks, broken encodings, pathological lines and counts), run
# marsdiag on every case, and check each one's diagnostics, the evidence
# that must still be found, and its CPU time and peak memory. The corpus
# (about 200 MB) is removed when every case passes, kept for a look when
# one fails (or with MD_KEEP_HOSTILE=1).
set -eu
if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 is needed to write the hostile corpus" \
         "(scripts/deps.sh installs it)"
    exit 77
fi
out="$MD_BUILD/hostile"
export PYTHONDONTWRITEBYTECODE=1
rm -rf "$out"
python3 "$MD_SRC/tests/hostile/make.py" "$out"
python3 "$MD_SRC/tests/hostile/check.py" "$MD_BIN" "$out"
[ -n "${MD_KEEP_HOSTILE:-}" ] || rm -rf "$out"
