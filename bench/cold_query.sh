#!/bin/sh
# cold_query.sh - a one-shot `cari-query INDEX QUERY` as a whole process (start,
# mmap, parse, search, snippets, printing to /dev/null), page cache warm: the
# median and 99th percentile over N runs.
# Usage: bench/cold_query.sh INDEX [QUERY [N]]   (defaults: pendidikan, 300 runs)
# env: CARI_BIN (default build-bench/, built if missing), WORK (the timer's folder)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
index=${1:?usage: bench/cold_query.sh INDEX [QUERY [N]]}
query=${2:-pendidikan}
n=${3:-300}
build=${CARI_BIN:-$root/build-bench}
timer=${WORK:-/tmp/cari-bench}/spawn_timer
[ -x "$build/cari-query" ] || {
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
    cmake --build "$build" -j"$(nproc)" >/dev/null
}
mkdir -p "$(dirname "$timer")"
cc -O2 -o "$timer" "$root/bench/spawn_timer.c"
"$build/cari-query" "$index" "$query" >/dev/null # the page cache is warm from here on
printf 'cari-query %s: ' "$query"
"$timer" "$n" "$build/cari-query" "$index" "$query"
printf 'the same, no snippets: '
"$timer" "$n" "$build/cari-query" --no-snippet "$index" "$query"
printf 'a process that does nothing (/bin/true): '
"$timer" "$n" /bin/true
