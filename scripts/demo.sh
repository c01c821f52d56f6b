#!/bin/sh
# demo.sh - installs what is missing, builds cari (release), indexes samples/
# and runs a few example queries. Usage: scripts/demo.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
index="$build/samples.cari"
"$build/cari-index" -o "$index" "$root/samples"
for q in 'Kursk' 'Gerasimov' '"Kim Jong Un"' 'Kursk -Pyongyang'; do
    printf '\n$ cari-query %s %s\n' "$index" "'$q'"
    "$build/cari-query" "$index" "$q"
done
