#!/usr/bin/env python3
"""Derive a phrase query set (qid<TAB>words) from a JSON Lines corpus.

usage: make_phrase_queries.py CORPUS.jsonl[.zst|.gz] OUT.tsv [N=200] [SEED=42]

The way ../shared/peers/make_queries.py derives its title queries, applied to
the running text: for each document (at most MAX_DOCS, env, default 300000) a
seeded random generator picks one window of 2-3 (2 twice as often as 3)
consecutive words of its title + text, inside one sentence, with nothing but
spaces between them, that starts and ends with a content word (not a
stopword, longer than 2 letters); then N windows are drawn from those
candidates, without duplicates. Each line is the words only: the benchmark
quotes them for each engine. Deterministic for a given corpus and seed;
stdlib only.
"""
import gzip
import json
import os
import random
import re
import subprocess
import sys

# The stopwords and the word pattern of ../shared/peers/make_queries.py, copied
# so that the phrase set depends on the corpus and the seed only.
STOP = set("""ada adalah agar akan aku anda antara apa apabila atas atau bagi bahkan bahwa
baik banyak baru beberapa begitu belum berbagai bersama bisa boleh bukan dalam dan dapat
dari daripada demikian dengan di dia ia ini itu jadi jika juga harus hanya hingga ialah
kali kalau kami kamu karena ke kembali kepada ketika kita lagi lain lalu lebih maka masih
mau melalui memang mereka namun nya oleh pada para paling per perlu pun sama saat saja
salah satu sampai sangat sebagai sebelum sedang sejak sekitar selain seluruh semua sendiri
seperti serta setelah setiap sudah supaya tak tanpa telah tentang tersebut terhadap tetapi
tidak untuk yaitu yakni yang the of and in to a is for on by with
jakarta senin selasa rabu kamis jumat sabtu minggu tahun bulan hari kata ujar""".split())
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
SENTENCE = re.compile(r"[^.!?\n;:()\"]+")


def lines(path):
    if path.endswith(".zst"):
        p = subprocess.Popen(["zstd", "-dcq", "--", path], stdout=subprocess.PIPE)
        return (l.decode("utf-8", "replace") for l in p.stdout)
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8", errors="replace")


def content(word):
    return len(word) > 2 and word.lower() not in STOP


def window(body, rnd):
    """One phrase of the body at a random place, or None."""
    sentences = [m.group(0) for m in SENTENCE.finditer(body[:20000])]
    rnd.shuffle(sentences)
    k = rnd.choice((2, 2, 3))
    for sent in sentences[:20]:
        toks = list(WORD.finditer(sent))
        starts = list(range(len(toks) - k + 1))
        rnd.shuffle(starts)
        for j in starts[:10]:
            run = toks[j:j + k]
            gaps = (sent[a.end():b.start()] for a, b in zip(run, run[1:]))
            if all(g.strip() == "" for g in gaps) and content(run[0].group(0)) and content(run[-1].group(0)):
                return " ".join(t.group(0) for t in run)
    return None


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
    max_docs = int(os.environ.get("MAX_DOCS", "300000"))
    candidates, docs = [], 0
    for line in lines(path):
        if docs >= max_docs:
            break
        try:
            d = json.loads(line)
        except ValueError:
            continue
        docs += 1
        phrase = window((d.get("title") or "") + "\n" + (d.get("text") or ""), rnd)
        if phrase:
            candidates.append(phrase)
    rnd.shuffle(candidates)
    seen, picked = set(), []
    for phrase in candidates:
        if len(picked) < n and phrase.lower() not in seen:
            seen.add(phrase.lower())
            picked.append(phrase)
    with open(out, "w", encoding="utf-8") as f:
        for i, phrase in enumerate(picked, 1):
            f.write("P%03d\t%s\n" % (i, phrase))
    sys.stderr.write("read %d docs, %d candidate phrases; wrote %d to %s\n" % (docs, len(candidates), len(picked), out))
    return 0 if picked else 1


if __name__ == "__main__":
    sys.exit(main())
