#!/bin/sh
# End-to-end benchmark (bench/README.md, "End-to-end benchmark").
#
#   bench/run.sh [--mb 300] [--runs 5]
#
# Builds marsdiag in Release (build-bench/), generates a support bundle of
# about MB of uncompressed members with bench/gen.py into bench/out/ (once
# per size), extracts its text once (UTF-16LE members converted to UTF-8
# with iconv, so rg reads the same text), turns rules/pack/signatures.yml
# into a pattern file, then times with hyperfine (median of RUNS runs after
# one warm-up):
#   marsdiag scan --format json BUNDLE           the whole analysis
#   unzip -p BUNDLE                              outer zip only (Logs.ZIP)
#   unzip -p Logs.ZIP                            the inner zip: all the text
#   rg -P -i -c -f PATTERNS TEXT                 the signatures, 2 threads
#   rg -i -c [-j1] -f PATTERNS-RUST TEXT         without lookarounds, 2 (1)
# (rg -P: at most 3 runs, no warm-up; it takes ~45 s a run at 300 MB),
# measures peak RSS of each with /usr/bin/time, the decoder alone
# (bench/decbench.c) on one UTF-16LE and one UTF-8 member and on Japanese
# UTF-16LE text, and checks that a copy with one wrong CRC-32
# (bench/badcrc.py) is reported. Installs ripgrep, hyperfine, time and
# unzip with apt-get when missing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MB=300
RUNS=5
while [ $# -gt 0 ]; do
    case $1 in
    --mb) MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "usage: bench/run.sh [--mb MB] [--runs N]" >&2; exit 2 ;;
    esac
done
OUT=$ROOT/bench/out
BUILD=$ROOT/build-bench
BUNDLE=$OUT/bundle-$MB.zip
INNER=$OUT/Logs-$MB.ZIP
TEXT=$OUT/text-$MB
PAT=$OUT/patterns.txt
PAT_RUST=$OUT/patterns-rust.txt
mkdir -p "$OUT"

need=""
command -v rg >/dev/null || need="$need ripgrep"
command -v hyperfine >/dev/null || need="$need hyperfine"
[ -x /usr/bin/time ] || need="$need time"
command -v unzip >/dev/null || need="$need unzip"
if [ -n "$need" ]; then
    echo "bench: installing$need" >&2
    apt-get update -qq && apt-get install -y -qq $need >/dev/null
fi

echo "bench: building $BUILD (Release)" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target marsdiag >/dev/null
MARSDIAG=$BUILD/marsdiag
cc -O2 -std=c17 -I"$ROOT/analyzer/include" "$ROOT/bench/decbench.c" \
    "$BUILD/libmarsdiag_lib.a" \
    $(pkg-config --libs libpcre2-8 yaml-0.1 libxml-2.0 zlib) -o "$OUT/decbench"

if [ ! -f "$BUNDLE" ]; then
    echo "bench: generating $BUNDLE" >&2
    python3 "$ROOT/bench/gen.py" "$BUNDLE" --mb "$MB"
    rm -rf "$TEXT" "$INNER"
fi
if [ ! -d "$TEXT" ] || [ ! -f "$OUT/raw-utf8-$MB.errlog" ]; then
    echo "bench: extracting the text to $TEXT" >&2
    rm -rf "$TEXT" "$TEXT.tmp"
    unzip -p "$BUNDLE" Logs.ZIP >"$INNER"
    mkdir -p "$TEXT.tmp"
    unzip -q -o "$BUNDLE" -x Logs.ZIP -d "$TEXT.tmp"
    unzip -q -o "$INNER" -d "$TEXT.tmp"
    rm -f "$OUT/raw-utf16-$MB.errlog" "$OUT/raw-utf8-$MB.errlog"
    find "$TEXT.tmp" -type f | sort | while read -r f; do
        if [ "$(head -c 2 "$f" | od -An -tx1 | tr -d ' ')" = fffe ]; then
            case $f in *.errlog) [ -f "$OUT/raw-utf16-$MB.errlog" ] ||
                cp "$f" "$OUT/raw-utf16-$MB.errlog" ;; esac
            iconv -f UTF-16 -t UTF-8 "$f" >"$f.u8" && mv "$f.u8" "$f"
        else
            case $f in *.errlog) [ -f "$OUT/raw-utf8-$MB.errlog" ] ||
                cp "$f" "$OUT/raw-utf8-$MB.errlog" ;; esac
        fi
    done
    mv "$TEXT.tmp" "$TEXT"
fi

# The patterns: every `pattern:` of the shipped signatures, unquoted
# (single-quoted YAML doubles its quotes). They are PCRE2 (lookbehind and
# lookahead), so the exact set runs with rg -P. PAT_RUST is the same set
# with the lookarounds deleted, for rg's own engine (which has none): it
# matches a superset, and lets rg use its literal prefilters.
python3 - "$ROOT/rules/pack/signatures.yml" "$PAT" "$PAT_RUST" <<'EOF'
import re, sys
pats = []
for line in open(sys.argv[1], encoding='utf-8'):
    m = re.match(r"^\s*pattern:\s*(['\"])(.*)\1\s*$", line)
    if m:
        s = m.group(2)
        pats.append(s.replace("''", "'") if m.group(1) == "'" else s)
look = re.compile(r"\(\?<?[!=](?:\[[^\]]*\]|\\.|[^()\\])*\)")
open(sys.argv[2], 'w', encoding='utf-8').write('\n'.join(pats) + '\n')
open(sys.argv[3], 'w', encoding='utf-8').write(
    '\n'.join(look.sub('', p) for p in pats) + '\n')
EOF

# Sizes: members as stored (what unzip -p of both zips writes), and the
# text once converted to UTF-8 (what rg reads).
SIZES=$(python3 - "$BUNDLE" "$INNER" "$TEXT" <<'EOF'
import os, sys, zipfile
outer = [i for i in zipfile.ZipFile(sys.argv[1]).infolist() if i.filename != 'Logs.ZIP']
inner = zipfile.ZipFile(sys.argv[2]).infolist()
members = sum(i.file_size for i in outer + inner)
text = sum(os.path.getsize(os.path.join(d, f))
           for d, _, fs in os.walk(sys.argv[3]) for f in fs)
print(os.path.getsize(sys.argv[1]), os.path.getsize(sys.argv[2]), members,
      text, len(outer) + len(inner))
EOF
)
set -- $SIZES
BUNDLE_BYTES=$1 INNER_BYTES=$2 MEMBER_BYTES=$3 TEXT_BYTES=$4 NMEMBERS=$5

# Warm the page cache so every command reads from memory.
cat "$BUNDLE" "$INNER" >/dev/null
find "$TEXT" -type f -exec cat {} + >/dev/null

SCAN="$MARSDIAG scan --format json --no-timing $BUNDLE"
RGP="rg -P -i -c --no-config -f $PAT $TEXT"
RG="rg -i -c --no-config -f $PAT_RUST $TEXT"
RG1="rg -i -c -j1 --no-config -f $PAT_RUST $TEXT"
echo "bench: hyperfine, $RUNS runs each" >&2
hyperfine -N -i --warmup 1 --runs "$RUNS" --style basic \
    --export-json "$OUT/hyperfine-$MB.json" \
    -n marsdiag "$SCAN" \
    -n unzip-outer "unzip -p $BUNDLE" \
    -n unzip-inner "unzip -p $INNER" \
    -n rg "$RG" \
    -n rg-j1 "$RG1" >"$OUT/hyperfine-$MB.log" 2>&1 ||
    { cat "$OUT/hyperfine-$MB.log" >&2; exit 1; }
# rg -P takes a minute a run at 300 MB: at most 3 runs, no warm-up (the
# page cache is already warm).
PRUNS=$((RUNS < 3 ? RUNS : 3))
hyperfine -N --warmup 0 --runs "$PRUNS" --style basic \
    --export-json "$OUT/hyperfine-P-$MB.json" \
    -n rg-P "$RGP" >>"$OUT/hyperfine-$MB.log" 2>&1 ||
    { cat "$OUT/hyperfine-$MB.log" >&2; exit 1; }

# Peak RSS (KiB), one run each.
# Output kept in $OUT/last.out (rg's counts are read from it).
rss() { /usr/bin/time -f %M -o "$OUT/rss" "$@" >"$OUT/last.out" 2>/dev/null || true; tail -1 "$OUT/rss"; }
RSS_SCAN=$(rss $SCAN)
RSS_UO=$(rss unzip -p "$BUNDLE")
RSS_UI=$(rss unzip -p "$INNER")
RSS_RGP=$(rss $RGP)
MATCHES=$(awk -F: '{n += $NF} END {print n}' "$OUT/last.out")
RSS_RG=$(rss $RG)
MATCHES_RUST=$(awk -F: '{n += $NF} END {print n}' "$OUT/last.out")
RSS_RG1=$(rss $RG1)
DEC16=$("$OUT/decbench" "$OUT/raw-utf16-$MB.errlog" 9)
DEC8=$("$OUT/decbench" "$OUT/raw-utf8-$MB.errlog" 9)
# The generated logs are ASCII; a Japanese agent's are not. 24 MB of
# UTF-16LE errlog lines with Japanese messages (about 60 % non-ASCII).
[ -f "$OUT/ja-utf16.errlog" ] || python3 - "$OUT/ja-utf16.errlog" <<'EOF'
import sys
line = ('1A2C\t0F10\t11/28\t09:00:02.377\t69\tAzureServiceManagementHelper.cs(355)'
        '\t\t6F2C1C0E-5D1B-4E8A-9C8F-0A1B2C3D4E5F\t\tWARNING\tリモート サーバーがエラー'
        'を返しました: (407) プロキシ認証が必要です。要求は中止されました: SSL/TLS の'
        'セキュリティで保護されているチャネルを作成できませんでした。\r\n')
open(sys.argv[1], 'wb').write(b'\xff\xfe' + (line * (12000000 // len(line))).encode('utf-16-le'))
EOF
DECJA=$("$OUT/decbench" "$OUT/ja-utf16.errlog" 9)
# CRCs: a copy with one wrong CRC-32 must be reported, not read quietly.
python3 "$ROOT/bench/badcrc.py" "$BUNDLE" "$OUT/badcrc-$MB.zip"
if "$MARSDIAG" scan --inputs "$OUT/badcrc-$MB.zip" 2>&1 | grep -q "crc mismatch"; then
    CRC="reported (crc mismatch)"
else
    CRC="NOT REPORTED"
fi
rm -f "$OUT/badcrc-$MB.zip"

python3 - "$OUT/hyperfine-$MB.json" "$OUT/hyperfine-P-$MB.json" <<EOF
import json, sys
res = {r['command']: r for f in sys.argv[1:] for r in json.load(open(f))['results']}
rss = {'marsdiag': $RSS_SCAN, 'unzip-outer': $RSS_UO, 'unzip-inner': $RSS_UI,
       'rg-P': $RSS_RGP, 'rg': $RSS_RG, 'rg-j1': $RSS_RG1}
members, text = $MEMBER_BYTES, $TEXT_BYTES
uo = res['unzip-outer']['median']
uboth = uo + res['unzip-inner']['median']
print('bundle %s: %.1f MB zip (Logs.ZIP %.1f MB), %d members, %.1f MB of '
      'members as stored (UTF-16LE and UTF-8), %.1f MB as UTF-8 text'
      % ('$BUNDLE'.split('/')[-1], $BUNDLE_BYTES / 1e6, $INNER_BYTES / 1e6,
         $NMEMBERS, members / 1e6, text / 1e6))
print('runs: $RUNS (+1 warm-up), rg-P $PRUNS; median wall time; '
      'MB/s = members as stored / time')
print()
print('%-12s %9s %9s %9s %9s %9s %9s %10s' % ('command', 'median s', 'stddev',
      'cpu s', 'MB/s', 'x outer', 'x unzip2', 'peak RSS'))
for name in ['marsdiag', 'unzip-outer', 'unzip-inner', 'rg-P', 'rg', 'rg-j1']:
    r = res[name]
    print('%-12s %9.3f %9.3f %9.3f %9.0f %9.2f %9.2f %7.1f MB'
          % (name, r['median'], r['stddev'] or 0, r['user'] + r['system'],
             members / 1e6 / r['median'],
             r['median'] / uo, r['median'] / uboth, rss[name] / 1024))
print('%-12s %9.3f %9s %9s %9.0f %9.2f %9.2f' % ('unzip2 (sum)', uboth, '', '',
      members / 1e6 / uboth, uboth / uo, 1.0))
print()
print('cpu s: mean user + system time (less sensitive to other load than '
      'wall time)')
print('x outer: time / unzip -p BUNDLE; x unzip2: time / (unzip -p BUNDLE + '
      'unzip -p Logs.ZIP), the same inflating marsdiag does')
print('rg-P: rg -P -i -c, the exact PCRE2 patterns, over the UTF-8 text: '
      '%d matching lines' % $MATCHES)
print('rg, rg-j1: rg -i -c, lookarounds deleted (rg\\'s own engine), 2 and 1 '
      'threads: %d matching lines' % $MATCHES_RUST)
for label, what, line in (('UTF-16LE', 'member', '''$DEC16'''),
                          ('UTF-8', 'member', '''$DEC8'''),
                          ('UTF-16LE', 'Japanese text', '''$DECJA''')):
    enc, size, out, ms, gbs = line.split('\t')
    print('decode %-8s md_decode, %.1f MB %s: %s ms, %s GB/s of input'
          % (label, int(size) / 1e6, what, ms, gbs))
EOF
echo "crc: one wrong CRC-32 in Logs.ZIP: $CRC"
