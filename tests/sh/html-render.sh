#!/bin/sh
# The HTML report in a real browser. Renders the scenario bundles' reports
# (one with findings and log events, the clean one, one whose verdict is
# unknown, two bundles in one page), a review page (a change introducing
# an error) and a diff page in Debian's headless Chromium driven by
# Playwright, and fails on any console error or warning, page error or
# network request, or if the page is wider than a narrow window;
# screenshots go to $MD_BUILD/html-render/. A parser checks each file's
# structure and sections first (html-check.py). A canary page that does
# load and log is rendered too: the browser check must catch it, or it
# would catch nothing.
#
# Installs what is missing: Debian's chromium (apt-get, as root) and
# playwright-core from npm into $MD_BUILD/node (not tracked). Skips (77)
# only when they cannot be had.
set -u
: "${MD_SRC:?}" "${MD_BIN:?}" "${MD_BUILD:?}"
cd "$MD_SRC" || exit 1
out=$MD_BUILD/html-render
node_dir=$MD_BUILD/node
# 1.60 is the newest playwright-core that still runs on Debian 12's Node 18.
playwright=playwright-core@1.60.0

skip() {
    echo "skip: $*"
    exit 77
}

apt_install() {
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    echo "installing $* (apt-get)"
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}

[ -x /usr/bin/chromium ] || apt_install chromium ||
    skip "Debian's chromium is not installed and cannot be (apt-get as root)"
[ -x /usr/bin/chromium ] || skip "apt-get did not install chromium"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    apt_install nodejs npm || skip "node and npm are missing"
command -v python3 >/dev/null 2>&1 || skip "python3 is missing"
if [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
    mkdir -p "$node_dir"
    echo "installing $playwright into $node_dir (npm)"
    npm install --prefix "$node_dir" --no-audit --no-fund --no-save \
        --silent "$playwright" >"$node_dir/npm.log" 2>&1 || {
        cat "$node_dir/npm.log"
        skip "npm could not install $playwright"
    }
fi

rm -rf "$out"
mkdir -p "$out"
fail=0
scan() { # NAME ARGS...: the report of ARGS as $out/NAME.html
    name=$1
    shift
    "$MD_BIN" scan --format html --no-timing --fail-on never "$@" \
        >"$out/$name.html" 2>"$out/$name.err"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: scan $* exited $rc"
        cat "$out/$name.err"
        fail=1
    fi
}
check() { # NAME ARGS...: html-check.py on $out/NAME.html
    name=$1
    shift
    python3 tests/sh/html-check.py "$out/$name.html" "$@" || fail=1
}

s=samples/scenarios
scan logs "$s/04-auth-required-system-only/APP04_MARS_20261128.zip"
check logs --contains "Proxy server 10.10.1.20:8080" \
    --contains "MP002" --contains "Logs/Temp/CBEngineCurr.errlog:5" \
    --contains "Proxy Authentication Required" --contains "Fix:" \
    --contains "11 events; times in agent local time" \
    --contains "proxy_auth_required" --contains "in force" \
    --contains "Suppressed findings (0)" --svg b1-timeline
grep -q 'fill="url(#b1-p0)"' "$out/logs.html" ||
    { echo "FAIL: logs.html: no timeline bars"; fail=1; }

scan clean "$s/13-clean/FS13_MARS_20261128.zip"
check clean --contains "No findings" --contains "Findings (0)" \
    --no-svg b1-timeline

scan unknown "$s/12-logs-only/WEB12_MARS_20261128.zip"
check unknown --contains "Cannot tell which proxy the agent uses" \
    --contains "What to collect" --contains "undecided" \
    --contains "not in bundle"

scan users "$s/10-user-hive-only/APP10_MARS_20261128.zip"
check users --contains "never consulted" --contains "connect_failed" \
    --contains "service_unreachable"

scan two "$s/08-both-set/FS08_MARS_20261128.zip" \
    "$s/09-pac-plus-auth/SQL09_MARS_20261128.zip"
check two --bundles 2 --contains "shadowed" --contains "MP005"

compare() { # NAME CMD ARGS...: marsdiag CMD --format html ARGS as $out/NAME.html
    name=$1
    cmd=$2
    shift 2
    "$MD_BIN" "$cmd" --format html --no-timing "$@" \
        >"$out/$name.html" 2>"$out/$name.err"
    rc=$?
    if [ $rc -gt 1 ]; then # 1: the change introduces an error
        echo "FAIL: $cmd $* exited $rc"
        cat "$out/$name.err"
        fail=1
    fi
}
compare review review --change samples/changes/pac-in-agent.ps1 \
    "$s/06-system-pac/FS06_MARS_20261128.zip"
check review --page review \
    --contains "This change introduces 1 error: MP001 PAC file URL" \
    --contains "After the change the agent connects: pac.contoso.local:80" \
    --contains "pac-in-agent.ps1:3" --contains "net stop obengine" \
    --contains "Before the change" --contains "After the change" \
    --contains "in force" --contains "shadowed" --contains "Fix:" \
    --svg b1-chain --svg b2-chain
compare diff diff samples/changes/diff/FS31_MARS_20261127.zip \
    samples/changes/diff/FS31_MARS_20261201.zip
check diff --page diff --contains "The new bundle has 1 new error: MP001" \
    --contains "agent.proxy.server" --contains "The old bundle" \
    --contains "The new bundle" --contains "MP004" --svg b1-chain \
    --svg b2-chain

# The canary: an external image, a script that logs an error. The browser
# check must report both (a request to the loopback discard port, so
# nothing leaves the machine).
cat >"$out/canary.html" <<'EOF'
<!DOCTYPE html><html><head><title>canary</title></head><body>
<img src="http://127.0.0.1:9/x.png" alt="">
<script>console.error("canary");</script></body></html>
EOF
mkdir -p "$out/canary"
canary=$(MD_NODE_DIR=$node_dir node tests/sh/html-render.mjs "$out/canary" \
    "$out/canary.html" 2>&1)
case $canary in
*"request for http://127.0.0.1:9/x.png"*"console error: canary"* | \
    *"console error: canary"*"request for http://127.0.0.1:9/x.png"*) ;;
*)
    echo "FAIL: the browser check missed the canary's request or error:"
    echo "$canary"
    fail=1
    ;;
esac
if python3 tests/sh/html-check.py "$out/canary.html" >/dev/null; then
    echo "FAIL: html-check.py passed the canary"
    fail=1
fi
rm -f "$out/canary.html"

MD_NODE_DIR=$node_dir node tests/sh/html-render.mjs "$out" \
    "$out/logs.html" "$out/clean.html" "$out/unknown.html" \
    "$out/users.html" "$out/two.html" "$out/review.html" "$out/diff.html" ||
    fail=1
for f in logs clean unknown users two review diff; do
    [ -s "$out/$f.png" ] || { echo "FAIL: no screenshot $f.png"; fail=1; }
done
[ $fail -eq 0 ] && echo "ok: rendered in chromium; screenshots in $out"
exit $fail
