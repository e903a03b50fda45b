#!/bin/sh
# review and diff --output FMT:FILE: every format of one run is the
# document --format prints, each file written whole (no FILE.tmp left; an
# unwritable one is exit 3, the rest still written), and --redact strict
# gives a name one pseudonym in the whole review — before and after the
# change, in every format — and in both bundles of a diff. A finding a
# change makes more severe is said so in Markdown, HTML and SARIF.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
command -v python3 >/dev/null || { echo "skip: python3 not found"; exit 77; }
work=$MD_BUILD/compare-outputs
rm -rf "$work"
mkdir -p "$work"
ch=$MD_SRC/samples/changes
bundle=$MD_SRC/samples/scenarios/04-auth-required-system-only/APP04_MARS_20261128.zip
old=$ch/diff/FS31_MARS_20261127.zip
new=$ch/diff/FS31_MARS_20261201.zip
fail=0
check() { # a shell condition and what it means
    if ! eval "$1"; then
        echo "FAIL: $2"
        fail=1
    fi
}

# run NAME ARGS...: marsdiag ARGS with every format as --output, standard
# output text; then each format alone with --format, to compare.
run() {
    name=$1
    shift
    d=$work/$name
    mkdir -p "$d"
    "$MD_BIN" "$@" --output json:"$d/o.json" --output md:"$d/o.md" \
        --output html:"$d/o.html" --output sarif:"$d/o.sarif" \
        --output text:"$d/o.text" >"$d/stdout" 2>"$d/stderr"
    check '[ $? = 1 ]' "$name: marsdiag $* does not exit 1 (new findings)"
    for fmt in text json md html sarif; do
        "$MD_BIN" "$@" --format $fmt >"$d/want.$fmt" 2>/dev/null
        check "cmp -s '$d/want.$fmt' '$d/o.$fmt'" \
            "$name: --output $fmt differs from --format $fmt"
        check "[ ! -e '$d/o.$fmt.tmp' ]" "$name: $fmt.tmp left behind"
    done
    check "cmp -s '$d/stdout' '$d/o.text'" "$name: standard output is not text"
}

run review review --no-timing --change "$ch/installer.cmd" "$bundle"
run diff diff --no-timing "$old" "$new"
run review-strict review --no-timing --redact strict \
    --change "$ch/installer.cmd" "$bundle"
run diff-strict diff --no-timing --redact strict "$old" "$new"

# Strict: the SYSTEM proxy of the bundle (10.10.1.20) has one pseudonym
# before the change (in force) and after it (shadowed), and every format
# uses it; the agent's new proxy host another; the host name is gone.
python3 - "$work/review-strict" "$work/diff-strict" <<'EOF' || fail=1
import json, sys
r, d = sys.argv[1], sys.argv[2]
ok = True
def fail(msg):
    global ok
    print('FAIL: ' + msg)
    ok = False
j = json.load(open(r + '/o.json'))
before = j['before']['effective_proxy']['server']
after = j['after']['effective_proxy']
shadow = [s['value'] for s in after['shadowed'] if s['source'] == 'system']
if not before.startswith('192.0.2.') or shadow != [before]:
    fail('review: SYSTEM proxy is %r before, %r after' % (before, shadow))
if not after['server'].startswith('host-') or after['server'] == before:
    fail('review: the new agent proxy is %r' % after['server'])
for fmt in ('text', 'md', 'html', 'sarif'):
    text = open('%s/o.%s' % (r, fmt), encoding='utf-8').read()
    for want in (before, after['server'], j['before']['host']['name']):
        if want not in text:
            fail('review: %s does not call it %s' % (fmt, want))
    for real in ('10.10.1.20', 'proxy.contoso.local', 'APP04', 'svc-mars',
                 'CONTOSO', 'Winter2026'):
        if real in text:
            fail('review: %r in the strict %s' % (real, fmt))
j = json.load(open(d + '/o.json'))
if j['old']['host'] != j['new']['host'] or not j['old']['host'].startswith('host-'):
    fail('diff: hosts %r and %r' % (j['old']['host'], j['new']['host']))
pac = j['old']['effective_proxy']['pac_url']
if pac != j['new']['effective_proxy']['shadowed'][0]['value']:
    fail('diff: the PAC URL has two names')
for fmt in ('text', 'json', 'md', 'html', 'sarif'):
    text = open('%s/o.%s' % (d, fmt), encoding='utf-8').read()
    if pac not in text:
        fail('diff: %s does not call the PAC URL %s' % (fmt, pac))
    for real in ('FS31', 'pac.contoso.local'):
        if real in text:
            fail('diff: %r in the strict %s' % (real, fmt))
sys.exit(0 if ok else 1)
EOF

# A finding made more severe: the agent uses SYSTEM's own proxy (MP004
# is info), and the change gives it another (MP004 becomes a warning).
esc=$work/esc-bundle
mkdir -p "$esc/Logs/Registry"
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
    '[HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings]' \
    '"ProxyEnable"=dword:00000001' '"ProxyServer"="proxy2.contoso.local:3128"' \
    >"$esc/Logs/Registry/InternetSettings_SYSTEM.reg"
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' \
    '[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]' \
    '"ProxyServer"="http://proxy2.contoso.local"' '"ProxyPort"=dword:00000c38' \
    >"$esc/Logs/Registry/WindowsAzureBackup.reg"
printf '%s\r\n' 'Set-OBMachineSetting -ProxyServer http://10.0.0.5 -ProxyPort 8080' \
    >"$work/other.ps1"
"$MD_BIN" review --no-timing --fail-on warning --output md:"$work/esc.md" \
    --output html:"$work/esc.html" --output sarif:"$work/esc.sarif" \
    --change "$work/other.ps1" "$esc" >"$work/esc.txt"
check '[ $? = 1 ]' "a warning made more severe passes --fail-on warning"
check 'grep -q "^\*\*Verdict:\*\* This change makes 1 finding more severe: MP004" "$work/esc.md"' \
    "no verdict line for the escalation"
check 'grep -q "^### Made more severe by the change: 0 errors, 1 warning" "$work/esc.md"' \
    "no list of findings made more severe"
check 'python3 "$MD_SRC/tests/sh/html-check.py" "$work/esc.html" --page review --contains "Made more severe by the change (1)"' \
    "the page has no findings made more severe"
check "python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))[\"runs\"][0][\"results\"]; sys.exit(0 if [(x[\"ruleId\"], x[\"baselineState\"], x[\"level\"]) for x in r if x[\"ruleId\"] == \"MP004\"] == [(\"MP004\", \"updated\", \"warning\")] else 1)' '$work/esc.sarif'" \
    "SARIF: MP004 is not an updated warning"

# An --output that cannot be written: exit 3, the others and standard
# output still written.
"$MD_BIN" review --change "$ch/installer.cmd" --output md:"$work/none/r.md" \
    --output html:"$work/r.html" "$bundle" >"$work/out3" 2>"$work/err3"
check '[ $? = 3 ]' "an unwritable --output does not exit 3"
check 'grep -q "cannot write" "$work/err3"' "no error message"
check '[ -s "$work/r.html" ] && [ -s "$work/out3" ]' \
    "the other outputs were not written"
"$MD_BIN" diff --output pdf:"$work/d.pdf" "$old" "$new" 2>"$work/err4"
check '[ $? = 2 ]' "diff --output pdf: is not a usage error"
check 'grep -q "unknown format .pdf." "$work/err4"' "no message for pdf"

[ $fail = 0 ] && echo "ok: review and diff write every format alike"
exit $fail
