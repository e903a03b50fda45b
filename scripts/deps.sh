#!/bin/sh
# Install the Debian 12 packages marsdiag needs to build and test, when
# they are missing. Sourced by scripts/demo and scripts/test; safe to run
# again (it only calls apt-get when something is missing).
set -eu

MD_PACKAGES="gcc make cmake pkg-config zlib1g-dev libxml2-dev libpcre2-dev \
libyaml-dev python3 zip unzip"

md_missing=""
for p in $MD_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        md_missing="$md_missing $p"
done
# npm (and node) for tests/sh/sarif-validate.sh, which installs Microsoft's
# SARIF validator with it; any npm will do, Debian's when there is none.
command -v npm >/dev/null 2>&1 || md_missing="$md_missing nodejs npm"
if [ -n "$md_missing" ]; then
    echo "installing:$md_missing" >&2
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "missing packages:$md_missing (run as root or install them)" >&2
        exit 1
    fi
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $md_missing >/dev/null
fi
