#!/bin/sh
# analyzer_bench.sh - the analysis chain's speed on the real corpus: the first
# MB (default 50) of its running text (titles and texts of
# ../shared/corpus/id-corpus.jsonl.zst, JSON stripped), one core, best of 3
# warm passes. Usage: bench/analyzer_bench.sh [MB]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
mb=${1:-50}
build="$root/build-bench"
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target analyzer_bench >/dev/null
text=$(mktemp)
trap 'rm -f "$text"' EXIT
zstd -dc "$shared/corpus/id-corpus.jsonl.zst" | python3 -c '
import json, sys
left = int(sys.argv[1])
out = sys.stdout.buffer
for line in sys.stdin:
    d = json.loads(line)
    b = (d.get("title", "") + "\n" + d.get("text", "") + "\n").encode()
    out.write(b[:left])
    left -= len(b)
    if left <= 0:
        break' "$((mb * 1000000))" > "$text"
"$build/analyzer_bench" "$text" 3
