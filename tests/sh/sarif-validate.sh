#!/bin/sh
# The SARIF report checked by Microsoft's own validator, the SARIF
# Multitool (npm @microsoft/sarif-multitool: a self-contained .NET build
# per platform, no runtime to install). It is installed once into a cache
# folder outside the repository (MD_SARIF_TOOL_DIR, by default
# ~/.cache/marsdiag-npm). Every scenario sample is scanned to SARIF, one
# bundle per log; then all scenarios in one log (one run, many bundles),
# all rule samples in one log, all scenarios with --redact strict, a
# bundle with waived findings (suppressions), and the logs of `review`
# (evidence in the change file, base CHANGE, and in the bundle; results
# new, unchanged and absent; an empty machine, strict) and of `diff`.
# The validator must report no error for any of them (its warnings are
# listed). Its rule SARIF2006 (every URI reachable by HTTP GET) is turned
# off: it says nothing about the file and depends on the network. Exit 77
# only when npm itself or its registry cannot be reached.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"

version=5.7.0
cache=${MD_SARIF_TOOL_DIR:-${XDG_CACHE_HOME:-${HOME:-$MD_BUILD}/.cache}/marsdiag-npm}
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# The platform binary, as the package's own index.js resolves it.
tool_path() {
    (cd "$cache" 2>/dev/null &&
        node -p "require('@microsoft/sarif-multitool')" 2>/dev/null)
}

tool=$(tool_path)
installed=$(cat "$cache/.version" 2>/dev/null)
if [ -z "$tool" ] || [ ! -f "$tool" ] || [ "$installed" != "$version" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1
    then
        echo "skip: npm and node are needed to install the SARIF validator" \
            "(scripts/deps.sh installs them)"
        exit 77
    fi
    mkdir -p "$cache"
    echo "installing @microsoft/sarif-multitool@$version into $cache"
    if ! npm install --prefix "$cache" --no-audit --no-fund \
        --loglevel=error "@microsoft/sarif-multitool@$version" \
        >"$cache/npm.log" 2>&1; then
        if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network' \
            "$cache/npm.log"; then
            echo "skip: the npm registry cannot be reached:"
            tail -5 "$cache/npm.log"
            exit 77
        fi
        echo "FAIL: npm install failed:"
        cat "$cache/npm.log"
        exit 1
    fi
    echo "$version" >"$cache/.version"
    tool=$(tool_path)
fi
if [ -z "$tool" ] || [ ! -f "$tool" ]; then
    echo "FAIL: no SARIF Multitool binary for this platform in $cache"
    exit 1
fi
# npm 11 does not run the package's postinstall (chmod) unless allowed.
[ -x "$tool" ] || chmod u+x "$tool"

work=$MD_BUILD/sarif-validate
rm -rf "$work"
mkdir -p "$work"

fail=0
n=0
for zip in "$MD_SRC"/samples/scenarios/*/*.zip \
    "$MD_SRC"/samples/scenarios/*/*/*.zip; do
    [ -f "$zip" ] || continue
    n=$((n + 1))
    out=$work/$n-$(basename "$zip" .zip).sarif
    "$MD_BIN" scan --format sarif --no-timing --fail-on never "$zip" \
        >"$out" 2>"$work/stderr" ||
        { echo "FAIL: scan $zip"; cat "$work/stderr"; fail=1; }
done
"$MD_BIN" scan --format sarif --no-timing --fail-on never \
    "$MD_SRC"/samples/scenarios/*/*.zip >"$work/all-scenarios.sarif" ||
    { echo "FAIL: scan of all scenarios"; fail=1; }
# Waived findings: results with suppressions.
MARSDIAG_TODAY=2026-12-01 "$MD_BIN" scan --format sarif --no-timing \
    --fail-on never --waivers "$MD_SRC/samples/waivers.yml" \
    "$MD_SRC/samples/jp-collector/FS01_MARS_20261128.zip" \
    >"$work/waived.sarif" 2>/dev/null ||
    { echo "FAIL: scan --waivers"; fail=1; }
grep -q '"suppressions"' "$work/waived.sarif" ||
    { echo "FAIL: no suppressions in waived.sarif"; fail=1; }
nrules=$(ls "$MD_SRC"/samples/rules/*/*/*.zip | wc -l)
"$MD_BIN" scan --format sarif --no-timing --fail-on never \
    "$MD_SRC"/samples/rules/*/*/*.zip >"$work/all-rules.sarif" ||
    { echo "FAIL: scan of all rule samples"; fail=1; }
"$MD_BIN" scan --redact strict --output sarif:"$work/strict.sarif" \
    --no-timing --fail-on never "$MD_SRC"/samples/scenarios/*/*.zip \
    >/dev/null || { echo "FAIL: scan --redact strict"; fail=1; }
ch=$MD_SRC/samples/changes
sc=$MD_SRC/samples/scenarios
"$MD_BIN" review --format sarif --no-timing --fail-on never \
    --change "$ch/pac-in-agent.ps1" "$sc/06-system-pac/FS06_MARS_20261128.zip" \
    >"$work/review-pac-in-agent.sarif" ||
    { echo "FAIL: review --format sarif"; fail=1; }
"$MD_BIN" review --format sarif --no-timing --fail-on never \
    --change "$ch/agent-credentials.ps1" \
    "$sc/05-credentials-system-wide/WEB05_MARS_20261128.zip" \
    >"$work/review-agent-credentials.sarif" ||
    { echo "FAIL: review --format sarif (resolved)"; fail=1; }
"$MD_BIN" review --redact strict --no-timing --fail-on never \
    --output sarif:"$work/review-empty-strict.sarif" \
    --change "$ch/user-hive-proxy.reg" >/dev/null ||
    { echo "FAIL: review --output sarif (empty machine)"; fail=1; }
"$MD_BIN" diff --format sarif --no-timing --fail-on never \
    "$ch/diff/FS31_MARS_20261127.zip" "$ch/diff/FS31_MARS_20261201.zip" \
    >"$work/diff-fs31.sarif" || { echo "FAIL: diff --format sarif"; fail=1; }
[ "$n" -ge 13 ] && [ "$nrules" -ge 28 ] ||
    { echo "FAIL: only $n scenario and $nrules rule bundles found"; fail=1; }

"$tool" export-validation-config "$work/config.xml" >/dev/null 2>&1
python3 - "$work/config.xml" <<'EOF' || { echo "FAIL: validator config"; exit 1; }
import re, sys
s = open(sys.argv[1], encoding='utf-8-sig').read()
s, n = re.subn(r'(Key="SARIF2006\.[A-Za-z]+\.Options">\s*<Property '
               r'Key="RuleEnabled" Value=)"[A-Za-z]+"', r'\1"Disabled"', s)
open(sys.argv[1], 'w', encoding='utf-8').write(s)
sys.exit(0 if n == 1 else 1)
EOF
"$tool" validate "$work"/*.sarif -c "$work/config.xml" \
    -o "$work/validation.sarif" --log ForceOverwrite \
    --level "Error;Warning;Note" >"$work/validator.out" 2>&1
rc=$?
# The validator's own log says what it found; a file it could not even
# read as SARIF gets no result at all, so every file must have some
# (there is always at least a note).
python3 - "$work" "$rc" <<'EOF' || fail=1
import glob, json, os, sys
work, rc = sys.argv[1], int(sys.argv[2])
try:
    log = json.load(open(os.path.join(work, 'validation.sarif')))
except (OSError, ValueError) as e:
    print('FAIL: the validator wrote no log (exit %d): %s' % (rc, e))
    print(open(os.path.join(work, 'validator.out')).read())
    sys.exit(1)
run = log['runs'][0]
errors, warnings, seen = [], {}, set()
for r in run.get('results', []):
    uri = r['locations'][0]['physicalLocation']['artifactLocation']['uri']
    name = os.path.basename(uri)
    seen.add(name)
    text = r['message'].get('text') or ' '.join(r['message'].get('arguments', []))
    line = '%s %s: %s' % (r['ruleId'], name, text)
    level = r.get('level', 'warning')
    if level == 'error':
        errors.append(line)
    elif level == 'warning':
        warnings.setdefault(r['ruleId'], []).append(line)
for inv in run.get('invocations', []):
    for n in inv.get('toolExecutionNotifications', []):
        if n.get('level', 'error') == 'error':
            errors.append('validator: ' + json.dumps(n['message']))
files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(work, '*.sarif'))
               if not p.endswith('validation.sarif'))
unread = [f for f in files if f not in seen]
for f in unread:
    errors.append('%s: the validator reported nothing (could not read it)' % f)
for rule, lines in sorted(warnings.items()):
    print('warning %s (%d files), e.g. %s' % (rule, len(lines), lines[0][:200]))
for e in errors:
    print('FAIL: ' + e[:400])
# One run for many bundles, every bundle a base URI of its own.
allr = json.load(open(os.path.join(work, 'all-scenarios.sarif')))
runs = allr['runs']
bases = runs[0].get('originalUriBaseIds', {})
used = {loc['physicalLocation']['artifactLocation'].get('uriBaseId')
        for res in runs[0]['results'] for loc in res.get('locations', [])}
nscen = len(glob.glob(os.path.join(os.environ['MD_SRC'], 'samples/scenarios/*/*.zip')))
if len(runs) != 1 or len(bases) != nscen or not used <= set(bases) or len(used) < 2:
    print('FAIL: all-scenarios.sarif: %d runs, %d bundles, %d used'
          % (len(runs), len(bases), len(used)))
    errors.append('multi')
# Reviews and diffs: where each result is, and its baselineState.
def results(name):
    run = json.load(open(os.path.join(work, name)))['runs'][0]
    return run, [(r['ruleId'], r.get('baselineState'),
                  {l['physicalLocation']['artifactLocation']['uriBaseId']
                   for l in r.get('locations', []) + r.get('relatedLocations', [])
                   if 'physicalLocation' in l})
                 for r in run['results']]
expect = {
    'review-pac-in-agent.sarif': ({'BUNDLE1', 'CHANGE'},
                                  {('MP001', 'new'), ('MP004', 'new')}),
    'review-agent-credentials.sarif': ({'BUNDLE1', 'CHANGE'},
                                       {('MP004', 'new'), ('MP003', 'absent'),
                                        ('MP020', 'unchanged')}),
    'review-empty-strict.sarif': ({'CHANGE'},
                                  {('MP006', 'new'), ('MP022', 'unchanged')}),
    'diff-fs31.sarif': ({'BUNDLE1', 'BUNDLE2'},
                        {('MP001', 'new'), ('MP004', 'new')}),
}
for name, (bases, states) in expect.items():
    run, res = results(name)
    got = {(rule, state) for rule, state, _ in res}
    used = set().union(*(b for _, _, b in res)) if res else set()
    if set(run.get('originalUriBaseIds', {})) != bases or got != states \
            or not used <= bases:
        errors.append('%s: bases %s, results %s (want %s, %s)'
                      % (name, sorted(run.get('originalUriBaseIds', {})),
                         sorted(got), sorted(bases), sorted(states)))
_, res = results('review-pac-in-agent.sarif')
if not any('CHANGE' in b for rule, _, b in res if rule == 'MP001'):
    errors.append('review: MP001 is not located in the change file')
print('%d SARIF files validated: %d errors, %d warnings'
      % (len(files), len(errors), sum(map(len, warnings.values()))))
sys.exit(1 if errors else 0)
EOF
exit $fail
