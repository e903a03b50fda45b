#!/bin/sh
# Output files are safe: an output that is a symbolic link stays a link
# and the file it points to gets the report (scan, review, diff --output,
# batch --ndjson and --summary, merge --summary); a link to an open file
# (/proc/self/fd/1, where /dev/stdout leads) is written in place; an
# output that is the same file as an input, or as another output, is a
# usage error (exit 2) said before anything is written, the input left
# byte for byte as it was; /dev/null and a FIFO still work.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}" "${MD_BUILD:?}"
work=$MD_BUILD/output-safety
rm -rf "$work"
mkdir -p "$work"
# Copies: nothing here may write into samples/.
cp "$MD_SRC/samples/scenarios/13-clean/FS13_MARS_20261128.zip" "$work/in.zip"
cp "$MD_SRC/samples/changes/diff/FS31_MARS_20261127.zip" "$work/old.zip"
cp "$MD_SRC/samples/changes/no-proxy.ps1" "$work/change.ps1"
cd "$work" || exit 1
cp in.zip in.orig
cp change.ps1 change.orig
fail=0 n=0
check() { # a shell condition and what it means
    n=$((n + 1))
    if ! eval "$1"; then
        echo "FAIL: $2"
        fail=1
    fi
}
md() { "$MD_BIN" "$@" >/dev/null 2>err; }

# ---- a symbolic link stays a link; its target gets the report ----------

link() { # fresh target.txt and a link lnk to it
    rm -f lnk target.txt
    echo orig >target.txt
    ln -s target.txt lnk
}
survived() { # what wrote through lnk
    check '[ -L lnk ] && [ "$(readlink lnk)" = target.txt ]' \
        "$1: the link lnk was replaced"
    check '[ -f target.txt ] && [ "$(cat target.txt)" != orig ]' \
        "$1: the link's target did not get the report"
    check '[ ! -e target.txt.tmp ] && [ ! -e lnk.tmp ]' "$1: a .tmp is left"
}
link
md scan --fail-on never --output json:lnk in.zip
survived "scan --output"
check 'grep -q "marsdiag.report/1" target.txt' "scan --output: not a report"
link
md review --fail-on never --change change.ps1 --output md:lnk in.zip
survived "review --output"
link
md diff --fail-on never --output json:lnk old.zip in.zip
survived "diff --output"
link
md batch -q --fail-on never --ndjson lnk in.zip
survived "batch --ndjson"
link
md batch -q --fail-on never --ndjson r.ndjson --summary csv:lnk in.zip
survived "batch --summary"
link
md merge --fail-on never --summary md:lnk r.ndjson
survived "merge --summary"
# A link to a link, and one to a name not there yet.
link
ln -s lnk lnk2
md scan --fail-on never --output md:lnk2 in.zip
check '[ -L lnk2 ] && [ -L lnk ] && grep -q "^## marsdiag" target.txt' \
    "a chain of links was not followed to its end"
rm -f lnk2 new.json
ln -s new.json dangling
md scan --fail-on never --output json:dangling in.zip
check '[ -L dangling ] && grep -q "marsdiag.report/1" new.json' \
    "a link to a file not there yet: not made there"

# A link to /proc/self/fd/1 (what /dev/stdout is) with standard output a
# file: written in place, the link kept (never /dev/stdout itself, which
# the old code replaced for the whole system).
if [ -L /proc/self/fd/1 ]; then
    ln -s /proc/self/fd/1 myout
    "$MD_BIN" scan --fail-on never --format md --output json:myout in.zip \
        >out.txt 2>err
    check '[ $? = 0 ]' "--output to a link to /proc/self/fd/1 failed"
    check '[ -L myout ]' "a link to /proc/self/fd/1 was replaced"
    check '[ -s out.txt ]' "nothing went to standard output's file"
    "$MD_BIN" scan --fail-on never --output json:myout in.zip 2>err | cat \
        >piped.txt
    check 'grep -q "marsdiag.report/1" piped.txt' \
        "--output to a link to /proc/self/fd/1 (a pipe) not written"
fi

# ---- an output that is an input: exit 2, the input unchanged -----------

same() { # what it means; marsdiag ARGS... must exit 2 and change nothing
    what=$1
    shift
    "$MD_BIN" "$@" >out 2>err
    rc=$?
    check "[ $rc = 2 ]" "$what: exit $rc, not 2"
    check 'grep -q "same file\|is a file in" err' "$what: no message"
    check '[ "$(wc -l <err)" = 1 ]' "$what: not one message"
    check 'cmp -s in.zip in.orig' "$what: the bundle was changed"
    check 'cmp -s change.ps1 change.orig' "$what: the change was changed"
    check '[ ! -s out ]' "$what: something was written to standard output"
    cp in.orig in.zip # so that one failure does not make the next
    cp change.orig change.ps1
}
same "scan --output a bundle" scan --output md:in.zip in.zip
ln -s in.zip inlink
same "scan --output a link to a bundle" scan --output md:inlink in.zip
check '[ -L inlink ]' "the link to the bundle was replaced"
rm -f inlink
ln in.zip hard.zip
same "scan --output a hard link of a bundle" scan --output json:hard.zip \
    in.zip
rm -f hard.zip
same "review --output the change" review --change change.ps1 \
    --output md:change.ps1 in.zip
same "review --output the bundle" review --change change.ps1 \
    --output html:in.zip in.zip
same "diff --output a bundle" diff --output json:in.zip old.zip in.zip
same "batch --ndjson a bundle" batch -q --ndjson in.zip in.zip
same "batch --summary a bundle" batch -q --ndjson r2.ndjson \
    --summary csv:in.zip in.zip
check '[ ! -e r2.ndjson ]' "batch: --ndjson written before the usage error"
mkdir -p fleet
cp in.zip fleet/a.zip
same "batch --ndjson a bundle of a folder" batch -q --ndjson fleet/a.zip \
    fleet
check 'cmp -s fleet/a.zip in.orig' "batch: a folder's bundle was changed"
echo in.zip >list.txt
cp list.txt list.orig
same "batch --ndjson the @LIST" batch -q --ndjson list.txt @list.txt
check 'cmp -s list.txt list.orig' "batch: the @LIST was changed"
same "batch --resume --ndjson a bundle" batch -q --resume --ndjson in.zip \
    in.zip
cp r.ndjson r.orig
same "merge --summary an input" merge --summary md:r.ndjson r.ndjson
check 'cmp -s r.ndjson r.orig' "merge: the NDJSON input was changed"
mkdir -p rules
same "scan --output into --rules" scan --rules rules \
    --output md:rules/x.yml in.zip
echo "waivers: []" >w.yml
same "scan --output the --waivers file" scan --waivers w.yml \
    --output md:w.yml in.zip

# ---- two outputs the same file -----------------------------------------

same "scan --output twice" scan --output json:a --output md:a in.zip
check '[ ! -e a ]' "scan: an output was written before the usage error"
same "batch --ndjson and --summary" batch -q --ndjson f --summary csv:f \
    in.zip
same "batch --summary twice" batch -q --ndjson r3.ndjson --summary csv:s \
    --summary md:s in.zip
same "merge --summary twice" merge --summary csv:s --summary md:./s r.ndjson
check '[ ! -e f ] && [ ! -e s ]' "an output was written before the error"

# ---- what is fine still works -------------------------------------------

md batch -q --fail-on never --resume --ndjson r.ndjson in.zip
check '[ $? = 0 ] && cmp -s r.ndjson r.orig' \
    "batch --resume of a complete file does not work"
md batch -q --fail-on never --ndjson /dev/null --summary md:/dev/null \
    --summary csv:/dev/null in.zip
check '[ $? = 0 ] && [ -c /dev/null ]' "/dev/null as every output failed"
md scan --fail-on never --output json:/dev/null --output md:/dev/null in.zip
check '[ $? = 0 ] && [ -c /dev/null ]' "scan to /dev/null twice failed"
md merge --summary md:/dev/null --summary csv:/dev/null r.ndjson
check '[ $? = 0 ]' "merge to /dev/null twice failed"
if mkfifo fifo 2>/dev/null; then
    for cmd in "scan --output json:fifo in.zip" \
        "batch -q --ndjson fifo in.zip" \
        "batch -q --ndjson r4.ndjson --summary csv:fifo in.zip"; do
        # bounded: a writer that never comes must not hang the test
        timeout 30 cat fifo >fifo.out &
        reader=$!
        # shellcheck disable=SC2086 # the words of cmd are its arguments
        timeout 30 "$MD_BIN" $cmd --fail-on never >/dev/null 2>err
        rc=$?
        wait "$reader"
        check "[ $rc = 0 ] && [ -p fifo ] && [ -s fifo.out ]" \
            "marsdiag $cmd: the FIFO was not written in place (exit $rc)"
    done
fi
check 'cmp -s in.zip in.orig' "the bundle was changed by the runs above"

[ "$fail" = 0 ] && echo "ok: $n checks of output safety"
exit "$fail"
