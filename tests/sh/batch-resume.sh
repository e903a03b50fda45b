#!/bin/sh
# batch: nothing lost, nothing twice. A run killed with SIGKILL mid-way
# and resumed with --resume reports every bundle exactly once, and its
# lines are those of a clean run (both --no-timing, so no elapsed_ms);
# a torn last line is cut off before the next record is appended.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

# A corpus: copies of the scenario bundles, COPIES folders of them (one
# cp each), named in a list.
corpus() { # COPIES
    rm -rf "$tmp/c"
    mkdir "$tmp/c"
    i=0
    while [ $i -lt "$1" ]; do
        mkdir "$tmp/c/$i"
        cp "$MD_SRC"/samples/scenarios/*/*.zip "$tmp/c/$i/"
        i=$((i + 1))
    done
    find "$tmp/c" -name '*.zip' | sort >"$tmp/list"
    total=$(wc -l <"$tmp/list")
}

paths() { # NDJSON -> the input.path of every line, sorted
    sed -n 's/^{"schema":"marsdiag.report\/1","tool":{[^}]*},"input":{"path":"\([^"]*\)".*/\1/p' "$1" | sort
}

copies=40
landed=no
for attempt in 1 2 3; do
    corpus $copies
    rm -f "$tmp/run.ndjson"
    "$MD_BIN" batch -j2 -q --no-timing --ndjson "$tmp/run.ndjson" \
        @"$tmp/list" 2>"$tmp/run.err" &
    pid=$!
    # Kill it once a few reports are out, while most are still to come.
    n=0
    while [ "$n" -lt 20 ] && kill -0 $pid 2>/dev/null; do
        sleep 0.01
        n=$(wc -l 2>/dev/null <"$tmp/run.ndjson" || echo 0)
    done
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    done_lines=$(wc -l <"$tmp/run.ndjson")
    if [ "$done_lines" -lt "$total" ]; then
        landed=yes
        break
    fi
    copies=$((copies * 3)) # too fast for the kill: more bundles
done
[ $landed = yes ] || fail "the run always finished before the kill"
echo "killed after $done_lines of $total reports"

# Whatever the kill left, also leave a torn record at the end, as a kill
# in the middle of a write would.
printf '{"schema":"marsdiag.report/1","tool":{"name":"mars' >>"$tmp/run.ndjson"

"$MD_BIN" batch -j2 --resume --no-timing --ndjson "$tmp/run.ndjson" \
    @"$tmp/list" >"$tmp/resume.out" 2>"$tmp/resume.err"
rc=$?
[ $rc -le 1 ] || { cat "$tmp/resume.err"; fail "resume exited $rc"; }
grep -q "torn line" "$tmp/resume.err" || fail "the torn line was not noted"
grep -q "already reported" "$tmp/resume.err" ||
    fail "resume did not say what it skipped"
[ ! -s "$tmp/resume.out" ] || fail "resume wrote to stdout"

# Every line is whole (the fragment was cut, not glued onto).
lines=$(wc -l <"$tmp/run.ndjson")
[ "$lines" -eq "$total" ] || fail "$lines lines for $total bundles"
[ "$(tail -c 1 "$tmp/run.ndjson" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "the file does not end with a whole line"
[ "$(grep -c '^{"schema":"marsdiag.report/1".*}$' "$tmp/run.ndjson")" \
    -eq "$total" ] || fail "a line is not one whole report"

# Exactly once: every bundle of the corpus, none twice.
paths "$tmp/run.ndjson" >"$tmp/got"
sort "$tmp/list" >"$tmp/want"
dups=$(uniq -d "$tmp/got")
[ -z "$dups" ] || fail "reported twice: $dups"
cmp -s "$tmp/got" "$tmp/want" || fail "the bundles reported differ from the corpus"

# The same lines as a clean run, modulo order.
"$MD_BIN" batch -j2 -q --no-timing --ndjson "$tmp/clean.ndjson" @"$tmp/list"
sort "$tmp/clean.ndjson" >"$tmp/clean.sorted"
sort "$tmp/run.ndjson" >"$tmp/run.sorted"
cmp -s "$tmp/clean.sorted" "$tmp/run.sorted" ||
    fail "the resumed run's lines differ from a clean run's"

# Resuming a finished run scans nothing and changes nothing.
cp "$tmp/run.ndjson" "$tmp/before"
"$MD_BIN" batch -q --resume --no-timing --ndjson "$tmp/run.ndjson" @"$tmp/list"
cmp -s "$tmp/before" "$tmp/run.ndjson" || fail "a second resume changed the file"
echo "1 passed, 0 failed"
