#!/bin/sh
# decode_bench.sh - builds bench/decode_bench.c (a CMake target, Release, in
# BUILD: build-rel of the checkout unless CARI_BENCH_BUILD names another) and
# prints billions of integers unpacked per second on one core, per unpacker
# and bit width, and PFor blocks (the target is 4 or more); with an INDEX,
# the exceptions of its full postings blocks and their decoding speed.
# Usage: bench/decode_bench.sh [MILLISECONDS_PER_MEASURE [INDEX]]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CARI_BENCH_BUILD:-$root/build-rel}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j2 --target decode_bench >/dev/null
exec "$build/decode_bench" "$@"
