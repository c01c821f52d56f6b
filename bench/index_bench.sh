#!/usr/bin/env bash
# index_bench.sh - building one corpus with cari, SQLite FTS5, Xapian and
# Lucene 8 in one run, one engine at a time (issue #5): wall seconds, CPU
# seconds (user+sys of the process tree), peak RSS (/usr/bin/time) and index
# bytes per engine, cari's index by part (cari-query --stats), the ratios
# against the issue #5 targets, and cari's 1- vs 2-thread throughput when
# cari-index has -j. The indexes stay in $WORK for bench/query_bench.sh.
#
# Usage: bench/index_bench.sh [CORPUS]   (default ../shared/corpus/id-corpus.jsonl.zst)
# env: CARI_BIN, WORK, SHARED (see bench/lib.sh);
#      CARI_INDEX_OPTS  more cari-index options for every cari build (e.g. --memory 512M)
#      PAIRS  alternated -j 1 / -j 2 builds of cari for the thread target (5; 0 skips them)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
corpus=${1:-$shared/corpus/id-corpus.jsonl.zst}
[ -f "$corpus" ] || die "no corpus $corpus"
read -r -a cari_opts <<<"${CARI_INDEX_OPTS:-}"

build_cari
build_drivers
for e in $engines; do index_engine "$e" "${cari_opts[@]}"; done

# cari's 1- and 2-thread builds, when cari-index takes -j
# in PAIRS alternated pairs: one pair's ratio moves by +-25 % on this machine
threads="" pair_ratios=""
if "$CARI_BIN/cari-index" --help | grep -qE -- '(^|[[:space:],])-j([[:space:],=]|$)'; then
    for _ in $(seq "${PAIRS:-5}"); do
        pair=""
        for j in 1 2; do
            cp -R "$work/cari" "$work/cari.keep"
            index_engine cari "${cari_opts[@]}" -j "$j"
            pair="$pair $(kv wall_s "$work/cari/index.log")"
            rm -rf "$work/cari" && mv "$work/cari.keep" "$work/cari"
        done
        threads="$threads$pair;"
        pair_ratios="$pair_ratios $(awk -v p="$pair" 'BEGIN { split(p, w, " "); printf "%.3f", w[1] / w[2] }')"
    done
fi
case $corpus in
*.zst) cat_corpus() { zstd -dcq -- "$corpus"; } && input_bytes=$(cat_corpus | wc -c) ;;
*) cat_corpus() { cat -- "$corpus"; } && input_bytes=$(stat -L -c %s "$corpus") ;;
esac
stats=$work/cari/stats.log
inverted=$(($(kv term_dictionary_bytes "$stats") + $(kv postings_bytes "$stats") + $(kv positions_bytes "$stats")))

# fig ENGINE KEY: a figure of this run's build (nothing for an engine not in ENGINES)
fig() { case " $engines " in *" $1 "*) kv "$2" "$work/$1/index.log" ;; esac; }
text_bytes=$(fig sqlite-fts5 text_bytes)
text_bytes=${text_bytes:-$(fig xapian text_bytes)}
# without those peers, counted here as their drivers count it: title + text
# bytes, JSON escapes decoded (18 s on the 2 GB corpus)
if [ -z "$text_bytes" ]; then
    text_bytes=$(cat_corpus | python3 -c '
import json, sys
n = 0
for line in sys.stdin.buffer:
    if line.strip():
        d = json.loads(line)
        n += sum(len(str(d.get(f) or "").encode("utf-8", "surrogatepass")) for f in ("title", "text"))
print(n)')
fi
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1048576 }'; }
cpu() { awk -v u="$(fig "$1" user_s)" -v s="$(fig "$1" sys_s)" 'BEGIN { printf "%.1f", u + s }'; }

echo
echo "### Building the index, one engine at a time"
echo
echo "corpus $(basename "$corpus"): $(kv documents "$stats") documents, $(mb "$input_bytes") MiB of JSON Lines, $(mb "$text_bytes") MiB of title+text; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| engine | docs | wall s | CPU s | peak RSS MiB | index MiB |"
echo "|---|---|---|---|---|---|"
for e in $engines; do
    echo "| $e | $(fig "$e" docs) | $(fig "$e" wall_s) | $(cpu "$e") | $(awk -v k="$(fig "$e" maxrss_kb)" 'BEGIN { printf "%.0f", k / 1024 }') | $(mb "$(fig "$e" index_bytes)") |"
done
echo
echo "cari's index by part (MiB): $(awk -F= '/_bytes=/ && $1 != "file_bytes" { sub(/_bytes$/, "", $1); printf "%s%s %.2f", sep, $1, $2 / 1048576; sep = ", " }
    $1 == "file_bytes" { whole = $2 } END { printf "; the whole file %.2f", whole / 1048576 }' "$stats")"
echo
echo "### Issue #5 targets"
echo
echo "| target | cari | peer | cari/peer | limit | |"
echo "|---|---|---|---|---|---|"
# target LABEL CARI PEER LIMIT [min]
target() { echo "| $1 | $2 | $3 | $(ratio "$2" "$3") | $4 | $(verdict "$2" "$3" "$4" "${5:-}") |"; }
target "build wall s vs FTS5" "$(fig cari wall_s)" "$(fig sqlite-fts5 wall_s)" 0.5
target "build wall s vs Lucene" "$(fig cari wall_s)" "$(fig lucene wall_s)" 0.15
target "inverted index MiB (dictionary+postings+positions) vs Lucene's index" "$(mb "$inverted")" "$(mb "$(fig lucene index_bytes)")" 1.0
target "whole index MiB vs title+text MiB" "$(mb "$(fig cari index_bytes)")" "$(mb "$text_bytes")" 0.4
if [ -n "$threads" ]; then
    mid=$(printf '%s\n' $pair_ratios | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    echo "| throughput 2 threads vs 1: median of $(printf '%s\n' $pair_ratios | wc -l) alternated pairs' wall-time ratios (1 thread / 2 threads, s:${threads%;}) | $mid | 1 | $mid | ≥ 1.8 | $(verdict "$mid" 1 1.8 min) |"
else
    echo "| throughput 2 threads vs 1 | not measured (PAIRS=0, or a cari-index without -j) | | | ≥ 1.8 | n/a |"
fi
echo
echo "cari-index options: ${CARI_INDEX_OPTS:-(defaults)}; logs and indexes: $work"
