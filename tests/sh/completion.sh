#!/bin/sh
# The bash completion (contrib/bash-completion/marsdiag): source it in
# bash, set COMP_WORDS/COMP_CWORD as bash would, call the function, and
# check COMPREPLY: commands, each command's options, option values
# (formats, levels, limits, parser types), rule ids for explain, files and
# folders, FMT:FILE split at the colon the way bash splits it.
set -u
: "${MD_BIN:?}" "${MD_SRC:?}"
command -v bash >/dev/null 2>&1 || { echo "skipped: no bash"; exit 77; }
cd "$MD_SRC" || exit 1
PATH=$(dirname "$MD_BIN"):$PATH exec bash -c '
set -u
. contrib/bash-completion/marsdiag
fail=0 n=0
# complete WORDS... : the last word is the one being completed
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMPREPLY=()
    _marsdiag
    printf "%s\n" "${COMPREPLY[@]}" | sort
}
# expect "WANT" WORDS... : the sorted replies, one per line, are WANT
expect() {
    local want=$1 got
    shift
    n=$((n + 1))
    got=$(complete_words "$@" | tr "\n" " " | sed "s/ $//")
    if [ "$got" != "$want" ]; then
        echo "completing [$*]: got \"$got\", want \"$want\""
        fail=$((fail + 1))
    fi
}
# has "WORD" WORDS... : WORD is among the replies
has() {
    local want=$1
    shift
    n=$((n + 1))
    if ! complete_words "$@" | grep -qx -- "$want"; then
        echo "completing [$*]: \"$want\" missing from: $(complete_words "$@" | tr "\n" " ")"
        fail=$((fail + 1))
    fi
}

has explain marsdiag ""
expect "explain" marsdiag ex
expect "scan" marsdiag sc
has --version marsdiag --v
expect "--waivers" marsdiag scan --wa
expect "--show-suppressed" marsdiag scan --show
expect "--schema" marsdiag rules --sc
has --format marsdiag explain --f
has --kind marsdiag facts --k
expect "sarif" marsdiag scan --format s
expect "text" marsdiag explain --format t
expect "json text" marsdiag explain --format ""
expect "html json md sarif text" marsdiag review --format ""
expect "md" marsdiag diff --format m
has --output marsdiag review --out
expect "sarif:" marsdiag diff --output s
expect "samples/waivers.yml" marsdiag review --change samples/wai
expect "warning" marsdiag scan --fail-on w
expect "always auto" marsdiag scan --color a
expect "secrets strict" marsdiag scan --redact ""
has --redact-key marsdiag batch --redact-
has --redact marsdiag merge --red
expect "tests/data/redact/test.key" marsdiag explain --redact-key tests/data/redact/te
expect "MP004" marsdiag explain --redact-key tests/data/redact/test.key MP004
expect "line_bytes=" marsdiag scan --limit line
expect "reg regquery" marsdiag scan --as re
# explain: a rule id first, then a bundle
expect "MP001 MP002 MP003 MP004 MP005 MP006 MP007 MP008 MP009" marsdiag explain MP00
expect "MP016" marsdiag explain --format json MP016
expect "samples" marsdiag explain MP001 sampl
expect "samples" marsdiag explain --format json MP001 sampl
# files: a waiver file, a rules folder, bundles
expect "samples/waivers.yml" marsdiag scan --waivers samples/wai
expect "samples/scenarios samples/sdp-flat" marsdiag scan --rules samples/r samples/s
has samples/rules marsdiag scan --rules samples/r
has samples/jp-collector/FS01_MARS_20261128.zip marsdiag scan samples/jp-collector/F
# --output FMT:FILE: the format and a colon, then files after it, also
# when bash has split the word at the colon
expect "json:" marsdiag scan --output js
expect "html: json: md: sarif: text:" marsdiag scan --output ""
expect "samples" marsdiag scan --output json : sam
expect "csv:" marsdiag batch --summary c
COMP_WORDBREAKS=" " expect "json:samples" marsdiag scan --output json:sam
# nothing to offer for rules and limits
expect "" marsdiag rules ""
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
'
