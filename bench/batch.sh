#!/bin/sh
# Batch throughput benchmark (bench/README.md, "Batch scans").
#
#   bench/batch.sh [--small N] [--large N] [--large-mb MB] [--runs R]
#
# Builds marsdiag in Release ($BUILD, default build-bench/), generates two
# corpora with bench/gen.py's layout (once; kept in bench/out/):
#   batch-small-N/   N bundles (default 3000) of 0.1 MB of members each,
#                    seeds 1..N, named HOSTnnnnn_MARS_20261128.zip
#   batch-large-N-MB/  N bundles (default 4) of MB (default 100) each
# then times, for each corpus, R rounds (default 3) of a -j 1 run and a
# -j 2 run (alternating, so that a change of load falls on both) of
#   marsdiag batch -q -j J --no-timing --fail-on never --ndjson OUT DIR
# under /usr/bin/time -v, and prints the median wall time, CPU time
# (user + system, mean), bundles/s, member MB/s, peak RSS (the largest of
# the runs) and peak RSS per worker, the -j2/-j1 speed-up of each corpus,
# and the load average before and after (other work on the machine
# disturbs the figures). Installs time with apt-get when missing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
OUT=$ROOT/bench/out
SMALL=3000
LARGE=4
LARGE_MB=100
RUNS=3
while [ $# -gt 0 ]; do
    case $1 in
    --small) SMALL=$2; shift 2 ;;
    --large) LARGE=$2; shift 2 ;;
    --large-mb) LARGE_MB=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "usage: bench/batch.sh [--small N] [--large N] [--large-mb MB] [--runs R]" >&2
       exit 2 ;;
    esac
done
mkdir -p "$OUT"
if [ ! -x /usr/bin/time ]; then
    echo "bench: installing time" >&2
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "bench: building $BUILD (Release)" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target marsdiag -j2 >/dev/null
MARSDIAG=$BUILD/marsdiag

# corpus DIR COUNT MB: COUNT bundles of MB each, made once.
corpus() {
    [ -f "$1/.done" ] && return
    echo "bench: generating $2 bundles of $3 MB in $1" >&2
    rm -rf "$1"
    mkdir -p "$1"
    python3 - "$ROOT/bench" "$1" "$2" "$3" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
import gen
out, n, mb = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
for i in range(1, n + 1):
    gen.write_bundle(os.path.join(out, 'HOST%05d_MARS_20261128.zip' % i),
                     mb=mb, member_mb=min(24, mb / 2), seed=i)
EOF
    touch "$1/.done"
}
SMALL_DIR=$OUT/batch-small-$SMALL
LARGE_DIR=$OUT/batch-large-$LARGE-$LARGE_MB
corpus "$SMALL_DIR" "$SMALL" 0.1
corpus "$LARGE_DIR" "$LARGE" "$LARGE_MB"

# Warm the page cache so every run reads from memory.
cat "$SMALL_DIR"/*.zip "$LARGE_DIR"/*.zip >/dev/null

# once DIR COUNT J: one timed run; appends "wall cpu rss" to times-J.
once() {
    /usr/bin/time -v -o "$OUT/batch-time.txt" "$MARSDIAG" batch -q -j "$3" \
        --no-timing --fail-on never --ndjson "$OUT/batch.ndjson" "$1"
    lines=$(wc -l <"$OUT/batch.ndjson")
    [ "$lines" -eq "$2" ] || { echo "bench: $lines reports for $2 bundles" >&2; exit 1; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0
                                   for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time/ { u = $2 } /System time/ { s = $2 }
        /Maximum resident set size/ { m = $2 }
        END { printf "%.3f %.3f %d\n", w, u + s, m }' "$OUT/batch-time.txt" \
        >>"$OUT/batch-times-$3"
}

# row NAME COUNT MB J: the figures of times-J.
row() {
    sort -n "$OUT/batch-times-$4" | awk -v name="$1" -v count="$2" \
        -v mb="$3" -v j="$4" '
        { w[NR] = $1; cpu += $2; if ($3 > rss) rss = $3 }
        END {
            med = NR % 2 ? w[(NR + 1) / 2] : (w[NR / 2] + w[NR / 2 + 1]) / 2
            printf "%-6s %7d %8.1f %3d %9.3f %9.3f %10.1f %8.1f %8.1f MB %7.1f MB\n",
                name, count, count * mb, j, med, cpu / NR, count / med,
                count * mb / med, rss / 1024, rss / 1024 / j
        }'
}

# corpus_rows NAME DIR COUNT MB: R rounds of -j1 then -j2 (alternating, so
# that a change in the machine's load falls on both), then two rows.
corpus_rows() {
    rm -f "$OUT/batch-times-1" "$OUT/batch-times-2"
    r=0
    while [ $r -lt "$RUNS" ]; do
        once "$2" "$3" 1
        once "$2" "$3" 2
        r=$((r + 1))
    done
    row "$1" "$3" "$4" 1
    row "$1" "$3" "$4" 2
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
printf '%-6s %7s %8s %3s %9s %9s %10s %8s %11s %10s\n' corpus bundles MB j \
    'median s' 'cpu s' bundles/s MB/s 'peak RSS' 'RSS/worker' >"$OUT/batch-table"
corpus_rows small "$SMALL_DIR" "$SMALL" 0.1 >>"$OUT/batch-table"
corpus_rows large "$LARGE_DIR" "$LARGE" "$LARGE_MB" >>"$OUT/batch-table"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "runs: $RUNS per row, -j1 and -j2 alternating; median wall time;"
echo "cpu s = mean user + system;"
echo "MB = members as stored (uncompressed); peak RSS = largest of the runs"
echo
cat "$OUT/batch-table"
echo
awk '
    NR > 1 { rate[$1 "," $4] = $7 }
    END {
        printf "speed-up -j2/-j1: small %.2fx, large %.2fx (goal >= 1.8x)\n",
            rate["small,2"] / rate["small,1"], rate["large,2"] / rate["large,1"]
    }' "$OUT/batch-table"
echo "load average (1, 5, 15 min): before $LOAD_BEFORE, after $LOAD_AFTER;" \
    "$(nproc) processors"
