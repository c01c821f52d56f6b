#!/bin/sh
# tsan.sh - builds cari with ThreadSanitizer (gcc's libtsan, which Debian's gcc
# brings; CC=clang works too) and runs the concurrent reader test
# (tests/query/concurrent_readers.h) as a plain program, since Criterion's
# runner does not run under TSan: one index of samples/ searched from 8
# threads. Any data race fails the run.
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
echo "tsan.sh: no data race reported"
