#!/bin/sh
# eval_tydiqa.sh - retrieval quality on real Indonesian questions: TyDi QA
# GoldP (../shared/testcoll/tydiqa-goldp-id), its 4,650 passages plus the whole
# ../shared/corpus as distractors (17,970 documents: the corpus's copies of the
# passages are left out, as that collection's README does), for cari and the
# peers of ../shared/peers in the same run. Prints MRR@10, nDCG@10 and
# Recall@100 (../shared/peers/trec_eval.py) with the qrels restricted to the
# questions run.
#
# Usage: bench/eval_tydiqa.sh [test|tune] [PEER...]
#   test  the 423 questions of queries.test.tsv (the default; report these)
#   tune  the other 5,771 questions of queries.tsv, for choosing parameters
#   PEER  default: sqlite-fts5 xapian lucene; "none" runs cari alone
# env: SHARED (default ../shared beside the repo), WORK (default /tmp/cari-eval),
#      CARI_OPTS (extra cari-query options, e.g. "--k1 0.9 --b 0.4"), KEEP=1
#      to reuse the indexes of an earlier run in WORK
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
coll=$shared/testcoll/tydiqa-goldp-id
split=${1:-test}
[ $# -gt 0 ] && shift
peers=${*:-sqlite-fts5 xapian lucene}
[ "$peers" = none ] && peers=""
work=${WORK:-/tmp/cari-eval}
build="$root/build-bench"

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null
mkdir -p "$work"
if [ "${KEEP:-0}" != 1 ] || [ ! -d "$work/peers" ]; then
    rm -rf "$work/peers"
    cp -R "$shared/peers" "$work/peers" && chmod -R u+w "$work/peers"
fi

# the questions and their qrels
case "$split" in
    test) cp "$coll/queries.test.tsv" "$work/queries.tsv" ;;
    tune) awk -F'\t' 'NR == FNR { test[$1] = 1; next } !($1 in test)' \
              "$coll/queries.test.tsv" "$coll/queries.tsv" > "$work/queries.tsv" ;;
    *) echo "eval_tydiqa: the split is test or tune, not $split" >&2; exit 2 ;;
esac
awk 'NR == FNR { split($0, f, "\t"); run[f[1]] = 1; next } ($1 in run)' \
    "$work/queries.tsv" "$coll/qrels.txt" > "$work/qrels.txt"

# passages first, then the corpus's documents that are not passages
corpus="$work/collection.jsonl"
if [ ! -s "$corpus" ]; then
    zstd -dc "$coll/docs.jsonl.zst" > "$corpus.tmp"
    zstd -dc "$shared/corpus/id-corpus.jsonl.zst" | python3 -c '
import json, sys
seen = {json.loads(l)["id"] for l in open(sys.argv[1], encoding="utf-8")}
for line in sys.stdin:
    if json.loads(line)["id"] not in seen:
        sys.stdout.write(line)' "$corpus.tmp" >> "$corpus.tmp"
    mv "$corpus.tmp" "$corpus"
fi

printf '%-12s %8s %8s %10s   (%s: %s questions, %s documents)\n' engine MRR@10 nDCG@10 \
    Recall@100 "$split" "$(wc -l < "$work/queries.tsv")" "$(wc -l < "$corpus")"
export CARI_BIN="$build"
for peer in cari $peers; do
    dir="$work/index-$peer"
    if [ "${KEEP:-0}" != 1 ] || [ ! -d "$dir" ]; then
        nice "$work/peers/$peer/index.sh" "$corpus" "$dir" > "$work/index-$peer.out"
    fi
    if [ "$peer" = cari ]; then
        # shellcheck disable=SC2086
        nice "$build/cari-query" "$dir/index" --batch "$work/queries.tsv" -k 100 \
            ${CARI_OPTS:-} > "$work/run-$peer.trec" 2> "$work/query-$peer.err"
    else
        nice "$work/peers/$peer/query.sh" "$dir" "$work/queries.tsv" 100 or \
            > "$work/run-$peer.trec" 2> "$work/query-$peer.err"
    fi
    python3 "$work/peers/trec_eval.py" "$work/qrels.txt" "$work/run-$peer.trec" | tr '\t' '\n' |
        awk -v p="$peer" -F= '{ v[$1] = $2 } END {
            printf "%-12s %8s %8s %10s\n", p, v["MRR@10"], v["nDCG@10"], v["Recall@100"] }'
done
