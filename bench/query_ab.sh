#!/bin/sh
# query_ab.sh - per-query latency of the working tree (B) against another
# commit (A, default main), both Release builds of libcari.so loaded in one
# process that runs each query in A then B, best of REPS runs each
# (bench/query_ab.c): on a shared machine the ratios hold where two separate
# runs of cari-query --batch would compare two moments.
# Usage: bench/query_ab.sh INDEX QUERIES.tsv [--and] [REPS]
#        (a phrase set: quote each query, as query_bench.sh does)
# env: BASE (the commit A, default main), WORK (scratch, default /tmp/cari-ab),
#      B_INDEX (the index B reads, when the two builds write different formats)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/cari-ab}
base=${BASE:-main}
mkdir -p "$work/base"
# git archive gives the files the commit's times, older than objects built
# from another base: make would keep those, so another base starts afresh
commit=$(git -C "$root" rev-parse "$base")
[ "$(cat "$work/base/commit" 2>/dev/null)" = "$commit" ] || rm -rf "$work/base/build"
echo "$commit" >"$work/base/commit"
rm -rf "$work/base/src"
mkdir -p "$work/base/src"
git -C "$root" archive "$base" | tar -x -C "$work/base/src"
for t in "$work/base/src:$work/base/build" "$root:$work/tree"; do
    src=${t%%:*} bin=${t#*:}
    cmake -S "$src" -B "$bin" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
    cmake --build "$bin" -j2 --target cari_shared >/dev/null
done
cc -std=c11 -O2 -Wall -Wextra -o "$work/query_ab" "$root/bench/query_ab.c" -ldl
# cari_index_doc_id fills a buffer since format 5; before, it returned a pointer
api() { if grep -q 'define CARI_ID_MAX' "$1/include/cari.h"; then echo 2; else echo 1; fi; }
A_DOC_ID_API=$(api "$work/base/src") B_DOC_ID_API=$(api "$root")
export A_DOC_ID_API B_DOC_ID_API
"$work/query_ab" "$work/base/build/libcari.so" "$work/tree/libcari.so" "$@"
