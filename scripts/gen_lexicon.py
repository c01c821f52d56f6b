#!/usr/bin/env python3
"""gen_lexicon.py - the Indonesian lexicon compiled into libcari, generated at
build time from Debian's hunspell-id (LGPL-3); nothing derived from it is
committed.

Usage: gen_lexicon.py DIC AFF OUT.c

Writes sorted const arrays (see core/lexicon.h): every headword, and every
form the .aff derives from one (prefixes, suffixes, confixes, clitics) with the
headword it comes from, so that a lookup at run time is a binary search in
.rodata and nothing is parsed when an index is opened.

The .aff uses FLAG long, CIRCUMFIX A1 (a confix's halves only come together)
and NEEDAFFIX A2 (the bare stem is no word); continuation classes allow two
suffixes and one prefix.  A form with several headwords keeps one: the longest
headword the form begins with (berikan: beri, not ikan; abadinya: abadi); the
one-syllable root after menge- (mengecek: cek, not kecek); a root + -kan over a
k-final root + -an (diajukan: aju); else the headword the dictionary derives
most forms from (beragam: ragam, not agam; mengacau: kacau, not acau).  Forms ending in a clitic the analyzer strips
itself (-nya -lah -kah -pun) are left out when the form without it has the
same root: the table stays small.
"""
import os
import re
import sys

CIRC, NEED = "A1", "A2"
# hunspell's analyses that news readers would not share (pelajar, mempelajari: ajar)
ROOT_FIXES = {"lajar": "ajar"}
STRIPPED_CLITICS = ("nya", "lah", "kah", "pun")


def flags(s):
    return [s[i:i + 2] for i in range(0, len(s), 2)]


def cond_re(cond, prefix):
    if cond in (".", ""):
        return None
    out, i = "", 0
    while i < len(cond):
        if cond[i] == "[":
            j = cond.index("]", i)
            body = cond[i + 1:j]
            neg = body.startswith("^")
            body = (body[1:] if neg else body).replace("^", "")
            out += "[" + ("^" if neg else "") + re.escape(body) + "]"
            i = j + 1
        else:
            out += "." if cond[i] == "." else re.escape(cond[i])
            i += 1
    return re.compile("^" + out if prefix else out + "$")


def load_aff(path):
    pfx, sfx, cross = {}, {}, {}
    for raw in open(path, encoding="latin-1"):
        p = raw.split("#")[0].split()
        if len(p) < 4 or p[0] not in ("PFX", "SFX"):
            continue
        table = pfx if p[0] == "PFX" else sfx
        if len(p) == 4 and p[2] in ("Y", "N") and p[3].isdigit():
            cross[p[1]] = p[2] == "Y"
            table.setdefault(p[1], [])
            continue
        strip = "" if p[2] == "0" else p[2]
        affix, _, cont = p[3].partition("/")
        affix = "" if affix == "0" else affix
        cond = cond_re(p[4] if len(p) > 4 else ".", p[0] == "PFX")
        table.setdefault(p[1], []).append((strip, affix, set(flags(cont)), cond))
    return pfx, sfx, cross


def add_suffix(word, entry):
    strip, affix, _, cond = entry
    if cond is not None and not cond.search(word):
        return None
    if strip:
        if not word.endswith(strip):
            return None
        word = word[:-len(strip)]
    return word + affix


def suffixed(root, F, sfx, cross):
    """(word, needs circumfix, continuation flags, cross-product, is-suffixed)."""
    layers = [(root, False, set(), True, False)]
    for f in F:
        for e in sfx.get(f, ()):
            w1 = add_suffix(root, e)
            if w1 is None:
                continue
            c1 = CIRC in e[2]
            layers.append((w1, c1, e[2], cross.get(f, False), True))
            for f2 in e[2]:
                for e2 in sfx.get(f2, ()):
                    w2 = add_suffix(w1, e2)
                    if w2 is not None:
                        layers.append((w2, c1 or CIRC in e2[2], e[2] | e2[2], cross.get(f, False), True))
    return layers


def expand(dic, pfx, sfx, cross):
    """Yields (form, headword, is_headword)."""
    for raw in open(dic, encoding="latin-1"):
        raw = raw.strip()
        if not raw or raw.isdigit():
            continue
        root, _, fl = raw.partition("/")
        F = set(flags(fl))
        if NEED not in F:
            yield root, root, True
        for word, circ, cont, crs, suffixed_ in suffixed(root, F, sfx, cross):
            if suffixed_ and not circ:
                yield word, root, False
            pf = {f for f in cont if f in pfx}
            if crs or not suffixed_:
                pf |= {f for f in F if f in pfx and (not suffixed_ or cross.get(f, False))}
            for f in pf:
                for strip, affix, pcont, cond in pfx[f]:
                    if (CIRC in pcont) != circ or (cond is not None and not cond.search(root)):
                        continue
                    if strip and not root.startswith(strip):
                        continue
                    yield affix + word[len(strip):], root, False


def ascii_word(w):
    return all("a" <= c <= "z" or c == "-" for c in w)


def choose(form, roots, productive):
    """One headword for a form that several derive (see the module comment)."""
    starts = [r for r in roots if form.startswith(r)]
    if starts:
        return max(starts, key=lambda r: (len(r), r))
    for r in sorted(roots):
        if form.startswith(("menge", "penge")) and form[5:].startswith(r) and r + "an" != form[5:]:
            return r  # menge- before one syllable: mengecek is cek, not kecek
        if r + "k" in roots:
            return r  # root + -kan, not k-final root + -an: diajukan is aju
    return max(sorted(roots), key=lambda r: (productive[r], -len(r)))


def build(dic, aff):
    pfx, sfx, cross = load_aff(aff)
    heads, derived, productive = set(), {}, {}
    for form, root, is_head in expand(dic, pfx, sfx, cross):
        form, root = form.lower(), ROOT_FIXES.get(root.lower(), root.lower())
        if not ascii_word(form) or not ascii_word(root) or len(form) > 64:
            continue
        if is_head:
            heads.add(form)
        else:
            derived.setdefault(form, set()).add(root)
            productive[root] = productive.get(root, 0) + 1
    heads = {ROOT_FIXES.get(h, h) for h in heads}
    table = {f: choose(f, rs, productive) for f, rs in derived.items() if f not in heads}
    for f in [f for f in table if f.endswith(STRIPPED_CLITICS)]:
        base = f[:-3]  # every stripped clitic has three letters
        if table.get(base, base if base in heads else None) == table[f]:
            del table[f]
    roots = sorted(heads | set(table.values()))
    return roots, sorted(table.items())


def c_strings(name, words):
    lines = [f"const char {name}_text[] ="]
    offs, at, chunk = [], 0, ""
    for w in words:
        offs.append(at)
        at += len(w) + 1
        chunk += w + "\\0"
        if len(chunk) > 100:
            lines.append(f'    "{chunk}"')
            chunk = ""
    lines.append(f'    "{chunk}";')
    offs.append(at)
    lines.append(f"const uint32_t {name}_off[{len(offs)}] = {{")
    for i in range(0, len(offs), 12):
        lines.append("    " + ", ".join(map(str, offs[i:i + 12])) + ",")
    lines.append("};")
    lines.append(f"const uint32_t {name}_count = {len(words)};")
    # each word's first 8 bytes as a big-endian number, zeros after a shorter
    # word: the binary search compares numbers and reads few words
    prefixes = [int.from_bytes(w.encode("ascii")[:8].ljust(8, b"\0"), "big") for w in words]
    lines.append(f"const uint64_t {name}_prefix[{max(len(words), 1)}] = {{")
    for i in range(0, len(prefixes), 6):
        lines.append("    " + ", ".join(f"0x{p:016x}u" for p in prefixes[i:i + 6]) + ",")
    lines.append("};")
    return lines


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: gen_lexicon.py DIC AFF OUT.c")
    dic, aff, out = sys.argv[1:]
    roots, table = build(dic, aff)
    index = {r: i for i, r in enumerate(roots)}
    lines = ["/* Generated by scripts/gen_lexicon.py from hunspell-id: do not edit. */",
             '#include "core/lexicon.h"', ""]
    lines += c_strings("lexicon_root", roots)
    lines += c_strings("lexicon_form", [f for f, _ in table])
    lines.append(f"const uint16_t lexicon_form_root[{max(len(table), 1)}] = {{")
    for i in range(0, len(table), 16):
        lines.append("    " + ", ".join(str(index[r]) for _, r in table[i:i + 16]) + ",")
    lines.append("};")
    assert len(roots) < 65536
    with open(out + ".tmp", "w", encoding="ascii") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
