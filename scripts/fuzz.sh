#!/bin/sh
# fuzz.sh - builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/
# and runs one of them on its committed corpus (and dictionary, if any).
# New inputs and crashes go to a scratch folder, never into the repository;
# copy a crash into tests/fuzz/corpus/TARGET/crash-WHAT once it is fixed.
# Usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]
#   TARGET: fuzz_index_open fuzz_query_parse fuzz_analyzer fuzz_json_lines fuzz_postings_decode
#   SECONDS: wall-clock time (default 600); CARI_FUZZ_OUT: scratch folder
#   (default /tmp/cari-fuzz-TARGET); CC: the clang to use (default clang-14)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [libFuzzer options...]}
seconds=${2:-600}
[ $# -ge 2 ] && shift 2 || shift 1
corpus="$root/tests/fuzz/corpus/$target"
[ -d "$corpus" ] || { echo "fuzz.sh: no target $target (no $corpus)" >&2; exit 2; }
build="$root/build-fuzz"
out=${CARI_FUZZ_OUT:-/tmp/cari-fuzz-$target}
cc=${CC:-clang-14}
command -v "$cc" >/dev/null || { echo "fuzz.sh: $cc not found (Debian: clang-14 libclang-rt-14-dev)" >&2; exit 2; }

CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCARI_FUZZ=ON \
    -DCARI_SANITIZE=ON -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target "$target" >/dev/null
mkdir -p "$out/corpus"
dict="$root/tests/fuzz/$target.dict"
set -- -max_total_time="$seconds" -timeout=10 -print_final_stats=1 -artifact_prefix="$out/" "$@"
[ -f "$dict" ] && set -- -dict="$dict" "$@"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# the first folder receives new inputs; the committed corpus is only read
exec "$build/tests/fuzz/$target" "$@" "$out/corpus" "$corpus"
