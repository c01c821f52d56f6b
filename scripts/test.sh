#!/bin/sh
# test.sh - installs what is missing, builds cari with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors) and runs every test.
# Usage: scripts/test.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build-test"}
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCARI_SANITIZE=ON -DCARI_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$build" && ctest --output-on-failure
