/* unicode.c - UTF-8 decoding and table lookups for the tokenizer. */
#include "core/unicode.h"

#include <string.h>

size_t utf8_decode(const uint8_t *p, const uint8_t *end, uint32_t *cp)
{
    uint8_t b = p[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2, v = b & 0x1F, min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3, v = b & 0x0F, min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4, v = b & 0x07, min = 0x10000;
    } else {
        *cp = UNICODE_REPLACEMENT;
        return 1;
    }
    if ((size_t)(end - p) < n) {
        *cp = UNICODE_REPLACEMENT;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = UNICODE_REPLACEMENT;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = UNICODE_REPLACEMENT;
        return 1;
    }
    *cp = v;
    return n;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_sanitize(const char *p, size_t len, char *out)
{
    const uint8_t *s = (const uint8_t *)p, *end = s + len;
    size_t o = 0;
    while (s < end) {
        if (*s < 0x80) {
            out[o++] = (char)*s++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s, end, &cp);
        if (cp == UNICODE_REPLACEMENT && n == 1) {
            o += utf8_encode(UNICODE_REPLACEMENT, out + o);
        } else {
            for (size_t i = 0; i < n; i++)
                out[o++] = (char)s[i];
        }
        s += n;
    }
    return o;
}

/* Whether the eight bytes at s are all ASCII (any alignment). */
static int ascii8(const uint8_t *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return (w & 0x8080808080808080u) == 0;
}

int utf8_valid(const char *p, size_t len)
{
    const uint8_t *s = (const uint8_t *)p, *end = s + len;
    while (s < end) {
        if (end - s >= 8 && ascii8(s)) { /* most text: eight bytes at a time */
            s += 8;
            continue;
        }
        if (*s < 0x80) {
            s++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode(s, end, &cp);
        if (cp == UNICODE_REPLACEMENT && n == 1)
            return 0;
        s += n;
    }
    return 1;
}

#define L(c) [c] = UC_WORD, [c - 32] = UC_WORD /* a letter, lower and upper case */
const uint8_t unicode_ascii_classes[128] = {
    ['0'] = UC_WORD, ['1'] = UC_WORD, ['2'] = UC_WORD, ['3'] = UC_WORD, ['4'] = UC_WORD,
    ['5'] = UC_WORD, ['6'] = UC_WORD, ['7'] = UC_WORD, ['8'] = UC_WORD, ['9'] = UC_WORD,
    L('a'), L('b'), L('c'), L('d'), L('e'), L('f'), L('g'), L('h'), L('i'), L('j'), L('k'),
    L('l'), L('m'), L('n'), L('o'), L('p'), L('q'), L('r'), L('s'), L('t'), L('u'), L('v'),
    L('w'), L('x'), L('y'), L('z'),
    ['-'] = UC_HYPHEN, ['\''] = UC_APOS, ['.'] = UC_DOT, [','] = UC_COMMA, ['/'] = UC_SLASH,
    ['_'] = UC_UNDERSCORE,
};
#undef L

enum unicode_class unicode_class_of(uint32_t cp)
{
    if (cp < 0x80)
        return (enum unicode_class)unicode_ascii_classes[cp];
    size_t lo = 0, hi = unicode_range_count; /* the last range starting <= cp */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (unicode_ranges[mid].start <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return (enum unicode_class)unicode_ranges[lo].klass;
}

size_t unicode_fold(uint32_t cp, char *out, int *upper)
{
    if (cp < 0x80) {
        *upper = cp >= 'A' && cp <= 'Z';
        out[0] = (char)(*upper ? cp + 32 : cp);
        return 1;
    }
    size_t lo = 0, hi = cp <= 0xFFFF ? unicode_fold_count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (unicode_folds[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < unicode_fold_count && cp <= 0xFFFF && unicode_folds[lo].cp == cp) {
        const struct unicode_fold *f = &unicode_folds[lo];
        for (size_t i = 0; i < f->len; i++)
            out[i] = f->text[i];
        *upper = f->upper;
        return f->len;
    }
    *upper = 0;
    return utf8_encode(cp, out);
}
