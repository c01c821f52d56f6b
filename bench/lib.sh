# lib.sh - sourced by query_bench.sh and index_bench.sh (bash): where things
# are, building the peer drivers and cari, building one engine's index under
# /usr/bin/time, running one query set in one mode.
#
# env: CARI_BIN  a Release build folder of cari (default: build one in build-bench/)
#      WORK      scratch folder: drivers, indexes, runs, logs (default /tmp/cari-bench)
#      SHARED    the shared data (default ../shared beside the repo, else /work/shared)
#      ENGINES   which engines run (default "cari sqlite-fts5 xapian lucene")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED:-$root/../shared}
[ -d "$shared/corpus" ] || shared=/work/shared
work=${WORK:-/tmp/cari-bench}
engines=${ENGINES:-cari sqlite-fts5 xapian lucene} # a subset keeps cari first

die() { echo "bench: $*" >&2; exit 1; }

# kv KEY FILE: the value of the last KEY=value in FILE
kv() { [ -f "$2" ] && tr ' ' '\n' <"$2" | sed -n "s/^$1=//p" | tail -1; return 0; }

build_cari() {
    if [ -n "${CARI_BIN:-}" ]; then
        [ -x "$CARI_BIN/cari-index" ] && [ -x "$CARI_BIN/cari-query" ] ||
            die "CARI_BIN=$CARI_BIN has no cari-index and cari-query"
        return
    fi
    "$root/scripts/install-deps.sh"
    CARI_BIN=$root/build-bench
    echo "[cari] Release build in $CARI_BIN ..." >&2
    cmake -S "$root" -B "$CARI_BIN" -DCMAKE_BUILD_TYPE=Release -DCARI_BUILD_TESTS=OFF >/dev/null &&
        cmake --build "$CARI_BIN" -j2 >/dev/null || die "cari does not build"
}

lucene_classpath() {
    local cp="" m j
    for m in core analyzers-common queryparser queries sandbox; do
        j=$(ls /usr/share/java/lucene-"$m"-[0-9]*.jar 2>/dev/null | sort -V | tail -1)
        [ -n "$j" ] || die "no lucene-$m jar in /usr/share/java (liblucene8-java)"
        cp="$cp${cp:+:}$j"
    done
    echo "$cp"
}

# The peers' Debian packages, installed when one is missing (a fresh machine
# has none of them): the drivers link libsqlite3, libxapian and Lucene's jars.
install_peers() {
    local need=() p
    for p in libsqlite3-dev libxapian-dev liblucene8-java g++ zstd time; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
    done
    command -v javac >/dev/null || need+=(default-jdk-headless)
    [ ${#need[@]} -eq 0 ] && return
    echo "[bench] installing ${need[*]} ..." >&2
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    [ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ] || "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null ||
        die "could not install ${need[*]}"
}

# The drivers go to $work/drivers, rebuilt when their source is newer.
build_drivers() {
    install_peers
    local src=$root/bench/peers out=$work/drivers
    mkdir -p "$out/classes"
    lucene_classpath >"$out/classpath"
    if [ ! "$out/fts5_driver" -nt "$src/sqlite-fts5/fts5_driver.c" ] || [ "$src/common/drv.h" -nt "$out/fts5_driver" ]; then
        cc -std=c11 -O2 -Wall -Wextra -o "$out/fts5_driver" "$src/sqlite-fts5/fts5_driver.c" -lsqlite3 -lzstd ||
            die "the FTS5 driver does not build"
    fi
    if [ ! "$out/xapian_driver" -nt "$src/xapian/xapian_driver.cc" ] || [ "$src/common/drv.h" -nt "$out/xapian_driver" ]; then
        c++ -std=c++17 -O2 -Wall -Wextra -o "$out/xapian_driver" "$src/xapian/xapian_driver.cc" -lxapian -lzstd ||
            die "the Xapian driver does not build"
    fi
    if [ ! "$out/classes/LuceneDriver.class" -nt "$src/lucene/LuceneDriver.java" ]; then
        javac -nowarn -cp "$(cat "$out/classpath")" -d "$out/classes" "$src/lucene/LuceneDriver.java" ||
            die "the Lucene driver does not build"
    fi
}

# engine_cmd ENGINE index|query ARGS...: sets cmd to one engine's driver command
engine_cmd() {
    local e=$1 what=$2
    shift 2
    case $e in
    sqlite-fts5) cmd=("$work/drivers/fts5_driver" "$what" "$@") ;;
    xapian) cmd=("$work/drivers/xapian_driver" "$what" "$@") ;;
    lucene)
        local heap=(-Xms1g -Xmx2g)
        [ "$what" = index ] && heap=(-Xms2g -Xmx6g)
        cmd=(java "${heap[@]}" -cp "$work/drivers/classes:$(cat "$work/drivers/classpath")" LuceneDriver "$what" "$@") ;;
    esac
}

# What an index was built from: the corpus, and cari's indexer for cari's.
stamp() {
    stat -L -c '%n %s %Y' "$corpus"
    [ "$1" = cari ] && stat -L -c '%n %s %Y' "$CARI_BIN/cari-index"
    return 0
}

# index_engine ENGINE [CARI_OPTS...]: builds $work/ENGINE/index (one process,
# under /usr/bin/time) and leaves in $work/ENGINE/index.log the lines
# docs= index_bytes= [text_bytes=] and wall_s= user_s= sys_s= maxrss_kb=.
index_engine() {
    local e=$1 dir=$work/$1
    shift
    rm -rf "$dir" && mkdir -p "$dir"
    echo "[$e] indexing $(basename "$corpus") ..." >&2
    local timing=(/usr/bin/time -o "$dir/time.log" -f 'wall_s=%e user_s=%U sys_s=%S maxrss_kb=%M')
    if [ "$e" = cari ]; then
        "${timing[@]}" "$CARI_BIN/cari-index" -q "$@" -o "$dir/index" "$corpus" >"$dir/index.log" 2>&1 &&
            "$CARI_BIN/cari-query" --stats "$dir/index" >"$dir/stats.log" &&
            echo "docs=$(kv documents "$dir/stats.log") index_bytes=$(kv file_bytes "$dir/stats.log")" >>"$dir/index.log"
    else
        engine_cmd "$e" index "$dir/index" "$corpus"
        "${timing[@]}" "${cmd[@]}" >"$dir/index.log" 2>&1
    fi || { tail -5 "$dir/index.log" >&2; die "$e could not index $corpus (see $dir/index.log)"; }
    cat "$dir/time.log" >>"$dir/index.log"
    stamp "$e" >"$dir/stamp"
    echo "[$e] $(grep -h '^docs=' "$dir/index.log") $(cat "$dir/time.log")" >&2
}

# has_index ENGINE: an index of this corpus (by the same cari-index) exists
has_index() { [ -f "$work/$1/stamp" ] && [ "$(stamp "$1")" = "$(cat "$work/$1/stamp")" ]; }

# query_engine ENGINE QUERIES.tsv MODE K: $work/ENGINE/run-MODE.trec and
# query-MODE.log (whose last line is queries= total_seconds= p50_ms= p99_ms=).
query_engine() {
    local e=$1 queries=$2 mode=$3 k=$4 dir=$work/$1
    echo "[$e] $mode queries, K=$k, $WARMUP warm-up passes ..." >&2
    if [ "$e" = cari ]; then
        local flags=() q=$queries
        [ "$mode" = and ] && flags=(--and)
        if [ "$mode" = phrase ]; then
            q=$dir/phrase-quoted.tsv
            awk -F'\t' -v OFS='\t' '{ print $1, "\"" $2 "\"" }' "$queries" >"$q"
        fi
        "$CARI_BIN/cari-query" "$dir/index" --batch "$q" -k "$k" --warmup "$WARMUP" "${flags[@]}"
    else
        engine_cmd "$e" query "$dir/index" "$queries" "$k" "$mode"
        WARMUP=$WARMUP "${cmd[@]}"
    fi >"$dir/run-$mode.trec" 2>"$dir/query-$mode.log" ||
        { tail -5 "$dir/query-$mode.log" >&2; die "$e failed on the $mode queries (see $dir/query-$mode.log)"; }
    echo "[$e] $mode: $(tail -1 "$dir/query-$mode.log")" >&2
}

# ratio A B: A/B with 2 decimals, "-" when either is missing
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b + 0 <= 0) print "-"; else printf "%.2f", a / b }'; }

# verdict A B LIMIT: "met" when A/B <= LIMIT (">=" LIMIT with a 4th argument "min")
verdict() {
    awk -v a="$1" -v b="$2" -v l="$3" -v min="${4:-}" 'BEGIN {
        if (a == "" || b + 0 <= 0) { print "n/a"; exit }
        r = a / b; ok = min == "min" ? r >= l : r <= l
        print ok ? "met" : "**not met**" }'
}
