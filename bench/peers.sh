#!/bin/sh
# peers.sh - cari beside SQLite FTS5, Xapian and Lucene 8 in one run: the same
# corpus, queries and K through ../shared/peers/run_all.sh (each engine builds
# its index, then answers the queries in `or` and `and` mode after warm-up
# passes). Prints the harness's table, cari/peer ratios, and cari's index size
# by part (cari-query --stats).
#
# Usage: bench/peers.sh [CORPUS [QUERIES [K [PEER...]]]]
#   CORPUS   default ../shared/corpus/id-corpus.jsonl.zst
#   QUERIES  default ../shared/peers/queries-dev.tsv (with its .qrels for nDCG@10)
#   K        default 10
#   PEER     default sqlite-fts5 xapian lucene
# env: SHARED (default ../shared beside the repo), WORK (default /tmp/cari-bench)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
corpus=${1:-$shared/corpus/id-corpus.jsonl.zst}
queries=${2:-$shared/peers/queries-dev.tsv}
k=${3:-10}
[ $# -gt 3 ] && shift 3 && peers="$*" || peers="sqlite-fts5 xapian lucene"
work=${WORK:-/tmp/cari-bench}
build="$root/build-bench"

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

# the peers build their drivers beside their scripts: run a private copy
rm -rf "$work" && mkdir -p "$work"
cp -R "$shared/peers" "$work/peers" && chmod -R u+w "$work/peers"
qrels="${queries%.tsv}.qrels"
[ -f "$qrels" ] && export QRELS="$qrels"
CARI_BIN="$build" WORK="$work/run" "$work/peers/run_all.sh" "$corpus" "$queries" "$k" cari $peers

echo
echo "cari / peer (below 1: cari is faster or smaller):"
awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { for (name in want) v[$1, name] = $(col[name]); peer[++n] = $1 }
    BEGIN { split("index s|index MB|index RSS MB|or p50 ms|or p99 ms|and p50 ms|and p99 ms", w, "|")
            for (i in w) want[w[i]] = 1 }
    END {
        printf "%-12s", "peer"; for (i = 1; i <= 7; i++) printf " | %12s", w[i]; printf "\n"
        for (p = 1; p <= n; p++) {
            if (peer[p] == "cari") continue
            printf "%-12s", peer[p]
            for (i = 1; i <= 7; i++) {
                a = v["cari", w[i]]; b = v[peer[p], w[i]]
                if (b + 0 > 0) printf " | %12.2f", a / b; else printf " | %12s", "-"
            }
            printf "\n"
        }
    }' "$work/run/results.tsv"
echo
echo "cari index by part:"
"$build/cari-query" --stats "$work/run/cari/index/index"
