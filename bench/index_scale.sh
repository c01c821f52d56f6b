#!/bin/sh
# index_scale.sh - cari-index on both cores and within a memory budget, timed
# as whole processes with /usr/bin/time: the real corpus with -j 1 and -j 2
# (the throughput ratio), then a corpus grown to SIZE by
# ../shared/corpus/scale.py, built with --memory BUDGET (peak RSS against the
# budget, time against the real corpus's). Prints wall s, CPU s, peak RSS MB
# and index bytes per build, then the ratios.
#
# Usage: bench/index_scale.sh [SIZE [BUDGET]]    (defaults 2G, 512M; SIZE 0 skips it)
# env: SHARED (default ../shared beside the repo), WORK (default /tmp/cari-scale;
#      the grown corpus, SIZE of disk, is written there and removed at the end)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
size=${1:-2G}
budget=${2:-512M}
work=${WORK:-/tmp/cari-scale}
build="$root/build-bench"
corpus="$shared/corpus/id-corpus.jsonl.zst"

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
mkdir -p "$work"
trap 'rm -f "$work/grown.jsonl"' EXIT

# run NAME ARGS...: one build; appends "NAME wall cpu rss_mb index_bytes" to rows
run() {
    name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$build/cari-index" -q -o "$work/$name.cari" "$@"
    read -r wall user sys rss < "$work/time"
    bytes=$(wc -c < "$work/$name.cari")
    echo "$name $wall $(awk "BEGIN { print $user + $sys }") $((rss / 1024)) $bytes" >> "$work/rows"
    rm -f "$work/$name.cari"
}

: > "$work/rows"
run corpus-j1 -j 1 "$corpus"
run corpus-j2 -j 2 "$corpus"
if [ "$size" != 0 ]; then
    python3 "$shared/corpus/scale.py" --bytes "$size" > "$work/grown.jsonl"
    run "grown-$size-j2-memory-$budget" -j 2 --memory "$budget" "$work/grown.jsonl"
fi

printf '%-28s %8s %8s %8s %14s\n' build "wall s" "CPU s" "RSS MB" "index bytes"
while read -r name wall cpu rss bytes; do
    printf '%-28s %8s %8s %8s %14s\n' "$name" "$wall" "$cpu" "$rss" "$bytes"
done < "$work/rows"
awk '{ wall[NR] = $2; cpu[NR] = $3; rss[NR] = $4 }
     END {
         printf "\n2 threads / 1 thread throughput: %.2fx (wall %s s / %s s)\n", wall[1] / wall[2], wall[1], wall[2]
         if (NR > 2)
             printf "grown / real corpus, both -j 2: wall %.1fx, CPU %.1fx; peak RSS %s MB\n",
                    wall[3] / wall[2], cpu[3] / cpu[2], rss[3]
     }' "$work/rows"
