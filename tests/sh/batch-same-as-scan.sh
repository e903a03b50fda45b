#!/bin/sh
# batch writes, for each bundle, the object 'scan --format json' prints,
# on one compact line: every line parses to the same JSON as scan's
# report of that bundle (both --no-timing), whatever -j, and holds no
# insignificant white space.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
command -v python3 >/dev/null || { echo "skipped: needs python3 (scripts/deps.sh installs it)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$MD_SRC"
set -- samples/scenarios/*/*.zip samples/jp-collector/FS01_MARS_20261128.zip \
    samples/sdp-flat/bundle samples/folder-tree/bundle
printf '%s\n' "$@" >"$tmp/list"
"$MD_BIN" batch -j2 -q --no-timing --ndjson "$tmp/out.ndjson" @"$tmp/list"
for b in "$@"; do
    "$MD_BIN" scan --format json --no-timing "$b" >"$tmp/scan-$(echo "$b" | tr / _).json"
done
python3 - "$tmp" "$@" <<'PY'
import json, sys
tmp, bundles = sys.argv[1], sys.argv[2:]
lines = open(tmp + '/out.ndjson', encoding='utf-8').read().split('\n')
assert lines[-1] == '', 'the file does not end with a line end'
got = {}
for line in lines[:-1]:
    doc = json.loads(line)
    compact = json.dumps(doc, separators=(',', ':'), ensure_ascii=False)
    assert line == compact, 'not compact: ' + line[:200]
    got[doc['input']['path']] = doc
assert sorted(got) == sorted(bundles), 'bundles reported: %s' % sorted(got)
for b in bundles:
    want = json.load(open(tmp + '/scan-' + b.replace('/', '_') + '.json', encoding='utf-8'))
    assert got[b] == want, 'batch and scan differ for ' + b
print('%d bundles: batch lines equal scan reports' % len(bundles))
PY
rc=$?
[ $rc -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $rc
