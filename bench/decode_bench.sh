#!/bin/sh
# decode_bench.sh - builds bench/decode_bench.c with the library's bit-unpacking
# code at -O2 and prints billions of integers unpacked per second on one core,
# per unpacker and bit width (the target is 4 or more).
# Usage: bench/decode_bench.sh [MILLISECONDS_PER_MEASURE]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/cari-decode-bench.$$
cc -std=c11 -O2 -Wall -Wextra -I"$root" -o "$out" "$root/bench/decode_bench.c" \
    "$root/core/bitpack.c" "$root/core/bitpack_simd.c" "$root/core/pfor.c"
"$out" "$@"
rm -f "$out"
