#!/bin/sh
# tsan.sh - builds cari with ThreadSanitizer (gcc's libtsan, which Debian's gcc
# brings; CC=clang works too) and runs the concurrent reader test
# (tests/query/concurrent_readers.h) as a plain program, since Criterion's
# runner does not run under TSan: one index of samples/ searched from 8
# threads; then an index built on 2 and 3 threads from small documents
# around three of 9 MiB (inverter_pool.c), which the analysers read from
# copies while the reader goes on (the default budget, and 160M, where one
# copy fits at a time) or from the caller's memory (8M), compared with the
# one-thread build. Any data race fails the run.
# Usage: scripts/tsan.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build-tsan"}
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCARI_TSAN=ON -DCARI_WERROR=ON >/dev/null
cmake --build "$build" -j2 --target cari-index tsan_concurrent
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
"$build/cari-index" -q -o "$build/samples.cari" "$root/samples"
"$build/tests/tsan_concurrent" "$build/samples.cari"
python3 - "$root/samples" > "$build/lent.jsonl" <<'PY'
import json, os, sys
texts = [open(os.path.join(sys.argv[1], n), encoding="utf-8").read() for n in sorted(os.listdir(sys.argv[1]))]
big = "\n".join(texts * (9 * 2**20 // sum(len(t) for t in texts) + 1))
for i in range(60):
    doc = {"id": "big%d" % i, "text": big} if i % 20 == 10 else {"id": "d%d" % i, "text": texts[i % len(texts)]}
    print(json.dumps(doc, ensure_ascii=False))
PY
"$build/cari-index" -q -j 1 -o "$build/lent-1.cari" "$build/lent.jsonl"
for run in "2 8M" "3 8M" "2 160M" "2 1G" "3 1G"; do
    set -- $run
    "$build/cari-index" -q -j $1 --memory $2 -o "$build/lent-$1-$2.cari" "$build/lent.jsonl"
    cmp "$build/lent-1.cari" "$build/lent-$1-$2.cari"
done
echo "tsan.sh: no data race reported"
