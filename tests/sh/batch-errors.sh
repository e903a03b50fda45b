#!/bin/sh
# batch: a bundle that cannot be read becomes an error record and the rest
# complete; exit statuses (1 findings, 3 unreadable wins, 2 usage);
# folders of bundles, @LIST, a path given twice; NDJSON on stdout with
# nothing else in it; names that need escaping in every summary format.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }
S=$MD_SRC/samples/scenarios

mkdir "$tmp/c"
cp "$S/04-auth-required-system-only/APP04_MARS_20261128.zip" "$tmp/c/"
cp "$S/13-clean/FS13_MARS_20261128.zip" "$tmp/c/"
# A truncated zip, a name a spreadsheet or a browser could trip on, and a
# file that is not a bundle (skipped, with a note).
head -c 1000 "$S/01-agent-proxy/APP01_MARS_20261128.zip" >"$tmp/c/cut.zip"
cp "$S/01-agent-proxy/APP01_MARS_20261128.zip" "$tmp/c/=x,\"q\"<b>_MARS_1.zip"
echo notes >"$tmp/c/README.txt"

# A folder of bundles and a missing path, NDJSON on stdout.
"$MD_BIN" batch -j2 --no-timing "$tmp/c" "$tmp/nope.zip" \
    >"$tmp/out.ndjson" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "exit $rc with unreadable bundles, want 3"
[ "$(wc -l <"$tmp/out.ndjson")" -eq 5 ] || fail "want 5 lines on stdout"
grep -v '^{"schema":"marsdiag.report/1",.*}$' "$tmp/out.ndjson" &&
    fail "stdout holds something that is not a report line"
grep -q "README.txt\|1 entry of .* skipped" "$tmp/err" || fail "no note about README.txt"
grep -q '"input":{"path":"[^"]*/nope.zip","error":"cannot read' "$tmp/out.ndjson" ||
    fail "no error record for the missing path"
grep '"path":"[^"]*/nope.zip"' "$tmp/out.ndjson" | grep -q '},"error":"cannot read' ||
    fail "the error record has no top-level error"
grep '"path":"[^"]*/cut.zip"' "$tmp/out.ndjson" >"$tmp/cut" ||
    fail "no line for the truncated zip"
# The truncated zip is salvaged or an error record; either way it is a line.
grep -q '"path":"[^"]*/APP04_MARS_20261128.zip".*"rule":"MP002"' "$tmp/out.ndjson" ||
    fail "the readable bundles did not complete"

# Exit 1: findings at or above --fail-on and nothing unreadable; 0 with
# --fail-on never; 0 for a clean bundle.
"$MD_BIN" batch -q --ndjson "$tmp/a.ndjson" "$tmp/c/APP04_MARS_20261128.zip"
[ $? -eq 1 ] || fail "findings: want exit 1"
"$MD_BIN" batch -q --fail-on never --ndjson "$tmp/a.ndjson" \
    "$tmp/c/APP04_MARS_20261128.zip"
[ $? -eq 0 ] || fail "--fail-on never: want exit 0"
"$MD_BIN" batch -q --ndjson "$tmp/a.ndjson" "$tmp/c/FS13_MARS_20261128.zip"
[ $? -eq 0 ] || fail "clean bundle: want exit 0"
[ "$(wc -l <"$tmp/a.ndjson")" -eq 1 ] || fail "without --resume the file is not replaced"

# Usage errors: exit 2, and an existing NDJSON file is left as it was.
cp "$tmp/a.ndjson" "$tmp/keep"
mkdir "$tmp/badrules"
printf 'id: MP900\nname: broken\n' >"$tmp/badrules/bad.yml"
for args in "--resume $tmp/c" "-j 0 $tmp/c" "--shard 3/3 $tmp/c" \
    "--summary pdf:x $tmp/c" "--summary md:- $tmp/c" "" \
    "--rules $tmp/badrules --ndjson $tmp/a.ndjson $tmp/c" \
    "@$tmp/no-such-list"; do
    # shellcheck disable=SC2086
    "$MD_BIN" batch -q $args >/dev/null 2>&1
    rc=$?
    [ $rc -eq 2 ] || fail "batch $args: exit $rc, want 2"
done
cmp -s "$tmp/keep" "$tmp/a.ndjson" || fail "a usage error touched the NDJSON file"
"$MD_BIN" merge >/dev/null 2>&1
[ $? -eq 2 ] || fail "merge without files: want 2"
"$MD_BIN" merge "$tmp/no-such.ndjson" >/dev/null 2>&1
[ $? -eq 3 ] || fail "merge of a missing file: want 3"

# @LIST: comments and blank lines skipped, CRLF tolerated, a path given
# twice (here and on the command line) scanned once.
printf '# fleet\r\n%s\r\n\r\n%s\n' "$tmp/c/APP04_MARS_20261128.zip" \
    "$tmp/c/FS13_MARS_20261128.zip" >"$tmp/list"
"$MD_BIN" batch -q --ndjson "$tmp/l.ndjson" @"$tmp/list" \
    "$tmp/c/FS13_MARS_20261128.zip" 2>"$tmp/err"
[ "$(wc -l <"$tmp/l.ndjson")" -eq 2 ] || fail "@LIST: want 2 lines"
grep -q "given more than once" "$tmp/err" || fail "no warning about a path given twice"

# @LIST as Windows PowerShell's '>' writes it: UTF-16LE with a BOM and
# CRLF; and a line holding a NUL byte, skipped with a warning naming it.
python3 - "$tmp/c" "$tmp/list16" "$tmp/listnul" <<'PY'
import sys
c, l16, lnul = sys.argv[1:]
text = "# fleet\r\n%s/APP04_MARS_20261128.zip\r\n%s/FS13_MARS_20261128.zip\r\n" % (c, c)
open(l16, "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
open(lnul, "wb").write(b"a\0b\n" + ("%s/FS13_MARS_20261128.zip\n" % c).encode())
PY
"$MD_BIN" batch -q --ndjson "$tmp/l16.ndjson" @"$tmp/list16" 2>"$tmp/err"
python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(len(docs) != 2 or any("error" in d for d in docs))' "$tmp/l16.ndjson" ||
    fail "@LIST in UTF-16LE: want its 2 bundles scanned"
"$MD_BIN" batch -q --ndjson "$tmp/lnul.ndjson" @"$tmp/listnul" 2>"$tmp/err"
[ "$(wc -l <"$tmp/lnul.ndjson")" -eq 1 ] || fail "@LIST with a NUL line: want 1 line"
grep -q "line 1: a NUL byte" "$tmp/err" || fail "no warning about a NUL in @LIST"

# --waivers: a waived finding stays in the report, marked, and is counted
# as waived, not as fired, in the roll-up.
MARSDIAG_TODAY=2026-12-01 "$MD_BIN" batch -q --waivers "$MD_SRC/samples/waivers.yml" \
    --ndjson "$tmp/w.ndjson" --summary csv:"$tmp/w.csv" \
    "$MD_SRC/samples/jp-collector/FS01_MARS_20261128.zip" 2>/dev/null
grep -q '"rule":"MP004".*"suppressed":true' "$tmp/w.ndjson" || fail "MP004 not waived"
grep -q '^rule,MP004,,,,warning,,0,1,' "$tmp/w.csv" || fail "MP004 not counted as waived"
grep -q '^rule,MP014,,,,error,,1,0,' "$tmp/w.csv" || fail "an expired waiver applied"

# Summaries: escaped in each format, nothing a browser would run.
"$MD_BIN" merge --summary csv:"$tmp/s.csv" --summary md:"$tmp/s.md" \
    --summary html:"$tmp/s.html" "$tmp/out.ndjson" 2>/dev/null
grep -q "^server,\"$tmp/c/=x,\"\"q\"\"<b>_MARS_1.zip\",\"'=x,\"\"q\"\"<b>\"," "$tmp/s.csv" ||
    fail "CSV cells not quoted and guarded"
grep -q '| =x,"q"&lt;b&gt; |' "$tmp/s.md" || fail "Markdown cell not escaped"
grep -q '<td>=x,&quot;q&quot;&lt;b&gt;</td>' "$tmp/s.html" || fail "HTML cell not escaped"
grep -qi '<script\|src=\|href=' "$tmp/s.html" && fail "the HTML page loads or runs something"
echo "1 passed, 0 failed"
