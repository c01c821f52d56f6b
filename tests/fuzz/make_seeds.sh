#!/bin/sh
# make_seeds.sh - regenerates the seed inputs of every fuzz target under
# tests/fuzz/corpus/ (inputs named crash-* are findings and are kept).
# Usage: tests/fuzz/make_seeds.sh BUILD_DIR   (a default build: cari-index, fuzz_postings_seeds)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: make_seeds.sh BUILD_DIR}" && pwd)
corpus="$here/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in fuzz_index_open fuzz_query_parse fuzz_analyzer fuzz_json_lines fuzz_postings_decode; do
    mkdir -p "$corpus/$t"
    find "$corpus/$t" -type f -name 'seed-*' -delete
done

# fuzz_index_open: real indexes, small so that mutations stay cheap
idx="$corpus/fuzz_index_open"
"$build/cari-index" -q -o "$idx/seed-samples-index" "$here/../../samples" >/dev/null
printf '%s\n' \
    '{"id":"a","title":"Kim Jong-un","text":"Kim Jong Un menyampaikan pesan di Pyongyang 28/4/2025."}' \
    '{"id":"b","text":"Gerasimov dan Trump membahas Kursk.","sumber":"berita"}' \
    >"$tmp/tiny.jsonl"
"$build/cari-index" -q -o "$idx/seed-tiny-index" "$tmp/tiny.jsonl" >/dev/null
i=0
while [ $i -lt 300 ]; do # 300 documents: "alfa" has two bit-packed blocks and a tail
    printf '{"id":"%d","text":"alfa beta%d alfa %s"}\n' $i $((i % 3)) "$([ $((i % 50)) = 0 ] && echo gama)"
    i=$((i + 1))
done >"$tmp/blocks.jsonl"
"$build/cari-index" -q -o "$idx/seed-blocks-index" "$tmp/blocks.jsonl" >/dev/null
i=0
while [ $i -lt 300 ]; do # 300 documents of ~260 bytes: enough for a store dictionary (STORE_DICT)
    printf '{"id":"uu/%d","title":"Peraturan Nomor %d","text":"Dengan persetujuan bersama Dewan Perwakilan Rakyat dan Presiden, Pasal %d ayat (%d) Undang-Undang Nomor %d Tahun %d tentang pelaksanaan ketentuan sebagaimana dimaksud dalam huruf %s perlu ditetapkan oleh Menteri paling lambat %d hari."}\n' \
        $i $i $((i % 97)) $((i % 7)) $((i % 40)) $((1950 + i % 75)) "$(echo abcdefghijklmnopqrstuvwxyz | cut -c $((1 + i % 26)))" $((i % 90))
    i=$((i + 1))
done >"$tmp/dict.jsonl"
"$build/cari-index" -q -o "$idx/seed-dict-index" "$tmp/dict.jsonl" >/dev/null

# fuzz_query_parse: one query per file, every construct of the language
q="$corpus/fuzz_query_parse"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$q/seed-$(printf %02d $n)"
done <<'QUERIES'
Kursk
"Kim Jong Un"
Gerasimov AND Trump
menyampaikan -Pyongyang
+anggaran +pendidikan -rupiah
(Kursk OR Trump) AND NOT (jam OR "kim jong")
jong-un teman-teman 28/4/2025 2025-04-28 10.000 2,5
a NOT b OR c AND d
"unbalanced quote
((nested (groups)) AND x)
QUERIES

# fuzz_analyzer: real text and the cases the tokenizer treats specially
a="$corpus/fuzz_analyzer"
head -c 1500 "$here/../../samples/000_5aca90321db24b7b.txt" >"$a/seed-sample"
printf 'Pérundingan Jum’at teman-teman Kim Jong-un—“kata” 10.000 2,5 28/4/2025 snake_case x.y.z\n' >"$a/seed-special"
printf 'caf\xc3\xa9 \xff\xfe broken \xe2\x82 mid\xcc\x81 soft\xc2\xadhyphen A-B-C-D-E-F\n' >"$a/seed-invalid"

# fuzz_json_lines: documents as cari-index reads them, plain and zstd
j="$corpus/fuzz_json_lines"
cp "$tmp/tiny.jsonl" "$j/seed-tiny.jsonl"
printf '%s\n' '{"id":7,"title":"Angka","text":"esc \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00","n":[1,{"x":null}],"t":true}' \
    '' '{"id":"dup","text":"x"}' '{"id":"dup","text":"y"}' >"$j/seed-escapes.jsonl"
printf '{"id":"x","text":"a"}\n{"id":' >"$j/seed-truncated.jsonl"
zstd -q -c "$tmp/tiny.jsonl" >"$j/seed-tiny.jsonl.zst"

# fuzz_postings_decode: encodings written by the indexer's own encoder
"$build/tests/fuzz/fuzz_postings_seeds" "$corpus/fuzz_postings_decode"
echo "seeds written under $corpus"
