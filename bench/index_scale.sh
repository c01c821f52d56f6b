#!/bin/sh
# index_scale.sh - cari-index on both cores and within a memory budget, timed
# as whole processes with /usr/bin/time: the real corpus with -j 1 and -j 2
# (the throughput ratio), then a corpus grown to SIZE by
# ../shared/corpus/scale.py, built with --memory BUDGET (peak RSS against the
# budget, time against the real corpus's). Prints wall s, CPU s, peak RSS MB
# and index bytes per build, then the ratios.
#
# Then one document of DOC_MB MB (the corpus's texts joined) with --memory
# DOC_BUDGET at -j 1 and -j 2, and at -j 2 followed by the corpus: peak RSS
# against the budget plus 10 %. Then LARGE_DOCS documents of LARGE_MB MB each
# at -j 1 and -j 2 with --memory LARGE_BUDGET: the throughput ratio of large
# documents, which go to the analysers copied while they fit in a sixteenth
# of the budget (inverter_pool.c), and their peaks against the budget.
#
# Usage: bench/index_scale.sh [SIZE [BUDGET]]    (defaults 2G, 512M; SIZE 0 skips it)
# env: SHARED (default ../shared beside the repo), WORK (default /tmp/cari-scale;
#      the grown corpus, SIZE of disk, is written there and removed at the end),
#      DOC_MB (100; 0 skips the one document), DOC_BUDGET (256M),
#      LARGE_DOCS (12; 0 skips them), LARGE_MB (10), LARGE_BUDGET (512M)
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
doc_mb=${DOC_MB:-100}
doc_budget=${DOC_BUDGET:-256M}
large_docs=${LARGE_DOCS:-12}
large_mb=${LARGE_MB:-10}
large_budget=${LARGE_BUDGET:-512M}
trap 'rm -f "$work/grown.jsonl" "$work/one.jsonl" "$work/one-then-corpus.jsonl" "$work/large.jsonl"' EXIT

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

# joined_docs COUNT MB PREFIX: COUNT documents of MB MB each (ids PREFIX0,
# PREFIX1...), the corpus's texts joined in order, as JSON Lines on stdout
joined_docs() {
    zstd -dc "$corpus" | python3 -c '
import json, sys
count, want, prefix = int(sys.argv[1]), int(sys.argv[2]) * 1000 * 1000, sys.argv[3]
parts, n, made = [], 0, 0
for line in sys.stdin:
    t = json.loads(line)["text"]
    parts.append(t)
    n += len(t.encode()) + 1
    if n >= want:
        text = "\n".join(parts).encode()[:want].decode("utf-8", "ignore")
        print(json.dumps({"id": "%s%d" % (prefix, made), "text": text}, ensure_ascii=False))
        parts, n, made = [], 0, made + 1
        if made == count:
            break
if parts and made < count:  # the corpus ran out: a shorter last one
    print(json.dumps({"id": "%s%d" % (prefix, made), "text": "\n".join(parts)}, ensure_ascii=False))
' "$1" "$2" "$3"
}

: > "$work/rows"
run corpus-j1 -j 1 "$corpus"
run corpus-j2 -j 2 "$corpus"
if [ "$size" != 0 ]; then
    python3 "$shared/corpus/scale.py" --bytes "$size" > "$work/grown.jsonl"
    run "grown-$size-j2-memory-$budget" -j 2 --memory "$budget" "$work/grown.jsonl"
fi
if [ "$doc_mb" != 0 ]; then
    joined_docs 1 "$doc_mb" one > "$work/one.jsonl"
    run "one-${doc_mb}MB-doc-j1-memory-$doc_budget" -j 1 --memory "$doc_budget" "$work/one.jsonl"
    run "one-${doc_mb}MB-doc-j2-memory-$doc_budget" -j 2 --memory "$doc_budget" "$work/one.jsonl"
    # and the corpus after it: what the document grew must not stay in use
    { cat "$work/one.jsonl"; zstd -dc "$corpus"; } > "$work/one-then-corpus.jsonl"
    run "one-${doc_mb}MB-doc-then-corpus-j2-memory-$doc_budget" -j 2 --memory "$doc_budget" \
        "$work/one-then-corpus.jsonl"
fi
if [ "$large_docs" != 0 ]; then
    joined_docs "$large_docs" "$large_mb" large > "$work/large.jsonl"
    run "large-${large_docs}x${large_mb}MB-j1-memory-$large_budget" -j 1 --memory "$large_budget" "$work/large.jsonl"
    run "large-${large_docs}x${large_mb}MB-j2-memory-$large_budget" -j 2 --memory "$large_budget" "$work/large.jsonl"
fi

printf '%-44s %8s %8s %8s %14s\n' build "wall s" "CPU s" "RSS MB" "index bytes"
while read -r name wall cpu rss bytes; do
    printf '%-44s %8s %8s %8s %14s\n' "$name" "$wall" "$cpu" "$rss" "$bytes"
done < "$work/rows"
awk '{ wall[NR] = $2; cpu[NR] = $3; rss[NR] = $4 }
     END {
         printf "\n2 threads / 1 thread throughput: %.2fx (wall %s s / %s s)\n", wall[1] / wall[2], wall[1], wall[2]
     }' "$work/rows"
awk '$1 ~ /^grown-/ { grown = $0 } NR == 2 { wall2 = $2; cpu2 = $3 }
     END { if (grown != "") { split(grown, g, " ")
               printf "grown / real corpus, both -j 2: wall %.1fx, CPU %.1fx; peak RSS %s MB\n",
                      g[2] / wall2, g[3] / cpu2, g[4] } }' "$work/rows"
# bytes of a --memory SIZE (K, M, G: binary, as cari-index reads them)
budget_mb() { awk -v s="$1" 'BEGIN { u = toupper(substr(s, length(s))); v = s + 0
    m = u == "G" ? 1024 : u == "M" ? 1 : u == "K" ? 1 / 1024 : 1 / 1048576; print v * m }'; }
# peak_check PREFIX BUDGET: the peaks of the builds named PREFIX* against BUDGET plus 10 %
peak_check() {
    limit=$(awk -v b="$(budget_mb "$2")" 'BEGIN { printf "%.0f", b * 1.1 }')
    awk -v limit="$limit" -v prefix="$1" 'index($1, prefix) == 1 {
        printf "%s: peak RSS %s MB against %s MB (--memory plus 10%%): %s\n",
            $1, $4, limit, $4 <= limit ? "within" : "OVER" }' "$work/rows"
}
[ "$doc_mb" = 0 ] || peak_check one- "$doc_budget"
if [ "$large_docs" != 0 ]; then
    awk '$1 ~ /^large-.*-j1-/ { w1 = $2 } $1 ~ /^large-.*-j2-/ { w2 = $2 }
         END { printf "large documents, 2 threads / 1 thread throughput: %.2fx (wall %s s / %s s)\n", w1 / w2, w1, w2 }' "$work/rows"
    peak_check large- "$large_budget"
fi
