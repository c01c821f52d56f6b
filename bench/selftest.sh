#!/usr/bin/env bash
# selftest.sh - the benchmark's instruments checked on a corpus of four
# documents made here: every engine indexes it (plain and zstd input, JSON
# escapes, a numeric id, a nested value to skip) and answers or, and
# and phrase queries with the documents expected, in the expected order where
# the ranking is unambiguous; the timing line has the agreed form.
# Usage: bench/selftest.sh   (env: CARI_BIN, WORK as in bench/lib.sh)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=$work/selftest
mkdir -p "$work"
build_cari
build_drivers

cat >"$work/corpus.jsonl" <<'EOF'
{"id": "a", "title": "Banjir di Kursk", "text": "Hujan deras membuat sungai meluap di kota Kursk.", "source": {"x": [1, "}"]}}
{"id": 42, "title": "Pasar \"murah\"", "text": "Harga beras di pasar turun.\nPedagang senang."}
{"id": "c\u00e9", "text": "Sungai meluap lagi, banjir besar melanda desa."}
{"id": "d", "title": "Kereta", "text": "Jadwal kereta api berubah karena banjir."}
EOF
zstd -q -f "$work/corpus.jsonl" -o "$work/corpus.jsonl.zst"
printf 'q1\tKursk\nq2\tberas pedagang\nq3\tsungai meluap\nq4\tkereta api\n' >"$work/q.tsv"

fail=0
# expect ENGINE MODE QID "IDS..." : the run's ids for QID, in rank order
expect() {
    local got
    got=$(awk -v q="$3" '$1 == q { printf "%s%s", sep, $3; sep = " " }' "$work/$1/run-$2.trec")
    if [ "$got" != "$4" ]; then
        echo "FAIL $1 $2 $3: got '$got', expected '$4'" >&2
        fail=1
    fi
}
for e in $engines; do
    for input in corpus.jsonl corpus.jsonl.zst; do
        corpus=$work/$input
        index_engine "$e" 2>/dev/null
        [ "$(kv docs "$work/$e/index.log")" = 4 ] || { echo "FAIL $e $input: not 4 documents" >&2; fail=1; }
    done
    WARMUP=1
    for mode in or and phrase; do
        query_engine "$e" "$work/q.tsv" "$mode" 10 2>/dev/null
        grep -Eq '^queries=4 total_seconds=[0-9.]+ p50_ms=[0-9.]+ p99_ms=[0-9.]+$' "$work/$e/query-$mode.log" ||
            { echo "FAIL $e $mode: no timing line" >&2; fail=1; }
    done
    expect "$e" or q1 "a"
    expect "$e" and q2 "42"
    expect "$e" or q2 "42"
    expect "$e" phrase q4 "d"
    expect "$e" and q4 "d"
    # both documents have the phrase; the shorter one ranks first
    expect "$e" phrase q3 "cé a"
done
[ $fail = 0 ] && echo "selftest: every engine gave the expected documents" || exit 1
