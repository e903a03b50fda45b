#!/bin/sh
# Signature matching benchmark (bench/README.md, "Signature matching").
#
#   bench/sigbench.sh [MB]        default 300
#
# Builds bench/sigbench.c against $BUILD/libmarsdiag_lib.a (default build/),
# generates MB of CBEngine-style log text and signature sets of 30, the
# shipped count and 300 entries (bench/siggen.py), then prints for each set
# the median of $RUNS runs (default 5) of: the matcher (prefilter + PCRE2,
# one call per line), `rg -P -i -c` with the same patterns, and `rg -F -i
# -c` with only the literals (what any literal-gated design must at least
# read). rg -P runs at a few MB/s, so it gets the first $RG_P_MB MB
# (default 10) and the matcher is timed on that slice too, for an equal
# comparison; likewise the matcher without prefilter (one run).
# Work files go to $OUT (default /tmp/sigbench). Needs ripgrep (Debian
# package ripgrep) and python3.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-/tmp/sigbench}
RUNS=${RUNS:-5}
RG_P_MB=${RG_P_MB:-10}
MB=${1:-300}
SHIPPED=$ROOT/rules/pack/signatures.yml
mkdir -p "$OUT"

if [ ! -f "$BUILD/libmarsdiag_lib.a" ]; then
    echo "sigbench: build the library first ($BUILD/libmarsdiag_lib.a)" >&2
    exit 2
fi
command -v rg >/dev/null || { echo "sigbench: needs rg (apt-get install ripgrep)" >&2; exit 2; }
cc -O2 -std=c17 -D_GNU_SOURCE -I"$ROOT/analyzer/include" \
    "$ROOT/bench/sigbench.c" "$BUILD/libmarsdiag_lib.a" \
    $(pkg-config --libs libpcre2-8 yaml-0.1 libxml-2.0 zlib) -o "$OUT/sigbench"

TEXT=$OUT/text-$MB.log
[ -f "$TEXT" ] || python3 "$ROOT/bench/siggen.py" text "$TEXT" "$MB" "$SHIPPED"
python3 "$ROOT/bench/siggen.py" sigs "$OUT/sig30.yml" 30 "$SHIPPED"
python3 "$ROOT/bench/siggen.py" sigs "$OUT/sig300.yml" 300 "$SHIPPED"
cp "$SHIPPED" "$OUT/shipped.yml"
BYTES=$(wc -c <"$TEXT")
SLICE=$OUT/slice-$RG_P_MB.log
head -c "$((RG_P_MB * 1000000))" "$TEXT" | sed '$d' >"$SLICE" # whole lines
SBYTES=$(wc -c <"$SLICE")
cat "$TEXT" >/dev/null # warm the page cache for rg

# median_of CMD...: run CMD $RUNS times, print the median wall time (s).
median_of() {
    i=0
    : >"$OUT/times"
    while [ $i -lt "$RUNS" ]; do
        t0=$(date +%s.%N)
        "$@" >"$OUT/last" 2>&1 || true
        t1=$(date +%s.%N)
        echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}' >>"$OUT/times"
        i=$((i + 1))
    done
    sort -n "$OUT/times" | awk -v r="$RUNS" 'NR == int(r / 2) + 1'
}

row() { # set tool seconds bytes lines
    printf '%-10s %-34s %9s %8.0f %10s\n' "$1" "$2" "$3" \
        "$(echo "$4 $3" | awk '{print $1 / 1e6 / $2}')" "$5"
}
field() { sed "s/.*$1=\([0-9.]*\).*/\1/" "$OUT/res"; }

printf '%-10s %-34s %9s %8s %10s\n' set tool median_s MB/s lines
for set in sig30 shipped sig300; do
    Y=$OUT/$set.yml
    "$OUT/sigbench" --patterns "$Y" >"$OUT/$set.pat"
    "$OUT/sigbench" --literals "$Y" >"$OUT/$set.lit"
    s="$set/$(wc -l <"$OUT/$set.pat")"
    "$OUT/sigbench" "$Y" "$TEXT" "$RUNS" >"$OUT/res"
    row "$s" "sigbench ($MB MB)" "$(field median_s)" "$BYTES" "$(field matched_lines)"
    med=$(median_of rg -F -i -c -f "$OUT/$set.lit" "$TEXT")
    row "$s" "rg -F -i -c, literals ($MB MB)" "$med" "$BYTES" "$(cat "$OUT/last")"
    "$OUT/sigbench" "$Y" "$SLICE" "$RUNS" >"$OUT/res"
    row "$s" "sigbench ($RG_P_MB MB)" "$(field median_s)" "$SBYTES" "$(field matched_lines)"
    med=$(median_of rg -P -i -c -f "$OUT/$set.pat" "$SLICE")
    row "$s" "rg -P -i -c, same patterns ($RG_P_MB MB)" "$med" "$SBYTES" "$(cat "$OUT/last")"
    "$OUT/sigbench" "$Y" "$SLICE" 1 --no-prefilter >"$OUT/res"
    row "$s" "sigbench --no-prefilter ($RG_P_MB MB)" "$(field median_s)" "$SBYTES" "$(field matched_lines)"
done
