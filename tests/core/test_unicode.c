/* UTF-8 decoding and encoding, sanitising, code point classes and folding. */
#include <criterion/criterion.h>

#include <string.h>

#include "core/unicode.h"

/* Decodes the first code point of `s` (n bytes) and checks the code point and
 * the bytes consumed. */
static void expect_decode(const char *s, size_t n, uint32_t cp, size_t used)
{
    const uint8_t *p = (const uint8_t *)s;
    uint32_t got = 0x12345678;
    size_t len = utf8_decode(p, p + n, &got);
    cr_assert_eq(len, used, "input %02x...: consumed %zu bytes, expected %zu", p[0], len, used);
    cr_assert_eq(got, cp, "input %02x...: code point U+%04X, expected U+%04X", p[0], got, cp);
}

Test(unicode, decode_valid_sequences_of_each_length)
{
    expect_decode("A", 1, 0x41, 1);
    expect_decode("\x00", 1, 0x00, 1);
    expect_decode("\x7F", 1, 0x7F, 1);
    expect_decode("\xC2\x80", 2, 0x80, 2);
    expect_decode("\xC3\xA9", 2, 0xE9, 2);             /* é */
    expect_decode("\xDF\xBF", 2, 0x7FF, 2);
    expect_decode("\xE0\xA0\x80", 3, 0x800, 3);
    expect_decode("\xE2\x82\xAC", 3, 0x20AC, 3);       /* € */
    expect_decode("\xE2\x80\x99", 3, 0x2019, 3);       /* ’ */
    expect_decode("\xEF\xBF\xBF", 3, 0xFFFF, 3);
    expect_decode("\xF0\x90\x80\x80", 4, 0x10000, 4);
    expect_decode("\xF0\x9F\x98\x80", 4, 0x1F600, 4);  /* 😀 */
    expect_decode("\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4);
    /* only the first code point is read */
    expect_decode("\xC3\xA9xyz", 5, 0xE9, 2);
}

Test(unicode, decode_invalid_input_gives_replacement_and_one_byte)
{
    expect_decode("\x80", 1, UNICODE_REPLACEMENT, 1);               /* stray continuation */
    expect_decode("\xBF\x41", 2, UNICODE_REPLACEMENT, 1);
    expect_decode("\xC0\x80", 2, UNICODE_REPLACEMENT, 1);           /* overlong NUL */
    expect_decode("\xC1\xBF", 2, UNICODE_REPLACEMENT, 1);           /* overlong 0x7F */
    expect_decode("\xE0\x80\x80", 3, UNICODE_REPLACEMENT, 1);       /* overlong 3-byte */
    expect_decode("\xE0\x9F\xBF", 3, UNICODE_REPLACEMENT, 1);       /* overlong 0x7FF */
    expect_decode("\xF0\x8F\xBF\xBF", 4, UNICODE_REPLACEMENT, 1);   /* overlong 0xFFFF */
    expect_decode("\xED\xA0\x80", 3, UNICODE_REPLACEMENT, 1);       /* surrogate D800 */
    expect_decode("\xED\xBF\xBF", 3, UNICODE_REPLACEMENT, 1);       /* surrogate DFFF */
    expect_decode("\xF4\x90\x80\x80", 4, UNICODE_REPLACEMENT, 1);   /* 0x110000 */
    expect_decode("\xF5\x80\x80\x80", 4, UNICODE_REPLACEMENT, 1);
    expect_decode("\xFF", 1, UNICODE_REPLACEMENT, 1);
    expect_decode("\xFE", 1, UNICODE_REPLACEMENT, 1);
    expect_decode("\xC3\x41", 2, UNICODE_REPLACEMENT, 1);           /* bad continuation */
    expect_decode("\xE2\x82\x41", 3, UNICODE_REPLACEMENT, 1);
    /* truncated at the end of the input */
    expect_decode("\xC3", 1, UNICODE_REPLACEMENT, 1);
    expect_decode("\xE2\x82", 2, UNICODE_REPLACEMENT, 1);
    expect_decode("\xF0\x9F\x98", 3, UNICODE_REPLACEMENT, 1);
    /* a sequence cut by `end` even though more bytes follow in memory */
    expect_decode("\xE2\x82\xAC", 2, UNICODE_REPLACEMENT, 1);
    /* U+FFFD itself is valid and takes 3 bytes */
    expect_decode("\xEF\xBF\xBD", 3, UNICODE_REPLACEMENT, 3);
}

Test(unicode, encode_gives_exact_bytes)
{
    char out[4];
    cr_assert_eq(utf8_encode(0x41, out), 1);
    cr_assert_eq(out[0], 'A');
    cr_assert_eq(utf8_encode(0xE9, out), 2);
    cr_assert_eq(memcmp(out, "\xC3\xA9", 2), 0);
    cr_assert_eq(utf8_encode(0x20AC, out), 3);
    cr_assert_eq(memcmp(out, "\xE2\x82\xAC", 3), 0);
    cr_assert_eq(utf8_encode(0x1F600, out), 4);
    cr_assert_eq(memcmp(out, "\xF0\x9F\x98\x80", 4), 0);
    cr_assert_eq(utf8_encode(0x10FFFF, out), 4);
    cr_assert_eq(memcmp(out, "\xF4\x8F\xBF\xBF", 4), 0);
}

Test(unicode, encode_decode_round_trip)
{
    /* every boundary, then a walk over the whole range skipping surrogates */
    uint32_t edges[] = { 0, 1, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF,
                         0x10000, 0x1F600, 0x10FFFF };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        char out[4];
        size_t n = utf8_encode(edges[i], out);
        size_t expect_n = edges[i] < 0x80 ? 1 : edges[i] < 0x800 ? 2 : edges[i] < 0x10000 ? 3 : 4;
        cr_assert_eq(n, expect_n, "U+%04X", edges[i]);
        uint32_t cp;
        cr_assert_eq(utf8_decode((uint8_t *)out, (uint8_t *)out + n, &cp), n);
        cr_assert_eq(cp, edges[i]);
    }
    for (uint32_t c = 0; c <= 0x10FFFF; c += (c < 0x1000 ? 1 : 97)) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        char out[4];
        size_t n = utf8_encode(c, out);
        uint32_t cp;
        cr_assert_eq(utf8_decode((uint8_t *)out, (uint8_t *)out + n, &cp), n, "U+%04X", c);
        cr_assert_eq(cp, c);
    }
}

/* Sanitises `in` (n bytes) and compares with `expect` (m bytes). */
static void expect_sanitize(const char *in, size_t n, const char *expect, size_t m)
{
    char out[64];
    cr_assert(3 * n <= sizeof out);
    size_t len = utf8_sanitize(in, n, out);
    cr_assert_eq(len, m, "sanitised length %zu, expected %zu", len, m);
    cr_assert_eq(memcmp(out, expect, m), 0);
}

#define FFFD "\xEF\xBF\xBD"

Test(unicode, sanitize_replaces_each_invalid_byte)
{
    expect_sanitize("", 0, "", 0);
    expect_sanitize("abc", 3, "abc", 3);
    expect_sanitize("a\xFF" "b", 3, "a" FFFD "b", 5);
    expect_sanitize("\x80", 1, FFFD, 3);
    expect_sanitize("\xC0\x80", 2, FFFD FFFD, 6);
    expect_sanitize("\xED\xA0\x80", 3, FFFD FFFD FFFD, 9);
    expect_sanitize("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD, 12);
    /* truncated sequence at the end: both bytes replaced */
    expect_sanitize("x\xE2\x82", 3, "x" FFFD FFFD, 7);
    /* a bad lead byte followed by a valid sequence keeps the valid one */
    expect_sanitize("\xC3\xC3\xA9", 3, FFFD "\xC3\xA9", 5);
}

Test(unicode, sanitize_keeps_valid_text)
{
    const char *s = "Jum\xE2\x80\x99" "at P\xC3\xA9rundingan \xE4\xB8\xAD \xF0\x9F\x98\x80 " FFFD;
    size_t n = strlen(s);
    char out[128];
    cr_assert_eq(utf8_sanitize(s, n, out), n);
    cr_assert_eq(memcmp(out, s, n), 0);
}

Test(unicode, valid)
{
    cr_assert_eq(utf8_valid("", 0), 1);
    cr_assert_eq(utf8_valid("plain ascii", 11), 1);
    cr_assert_eq(utf8_valid("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9), 1);
    cr_assert_eq(utf8_valid("\x00", 1), 1);
    cr_assert_eq(utf8_valid("ab\xFF", 3), 0);
    cr_assert_eq(utf8_valid("\x80", 1), 0);
    cr_assert_eq(utf8_valid("\xC0\x80", 2), 0);
    cr_assert_eq(utf8_valid("\xED\xA0\x80", 3), 0);
    cr_assert_eq(utf8_valid("\xF4\x90\x80\x80", 4), 0);
    cr_assert_eq(utf8_valid("ok\xE2\x82", 4), 0);
    /* a valid prefix of a longer string: the length given decides */
    cr_assert_eq(utf8_valid("\xE2\x82\xAC", 2), 0);
    cr_assert_eq(utf8_valid("\xE2\x82\xAC", 3), 1);
}

/* ASCII is checked eight bytes at a time: an invalid byte, a valid
 * sequence or a sequence cut by the end, at every offset of a long text. */
Test(unicode, valid_at_every_offset_of_a_long_text)
{
    char text[64];
    for (size_t at = 0; at + 3 <= sizeof text; at++) {
        memset(text, 'a', sizeof text);
        text[at] = '\xFF';
        cr_assert_eq(utf8_valid(text, sizeof text), 0, "\\xFF at %zu", at);
        memcpy(text + at, "\xE2\x82\xAC", 3);
        cr_assert_eq(utf8_valid(text, sizeof text), 1, "euro sign at %zu", at);
        cr_assert_eq(utf8_valid(text, at + 2), 0, "euro sign cut at %zu", at);
        text[at + 1] = 'b';
        cr_assert_eq(utf8_valid(text, sizeof text), 0, "bad continuation at %zu", at + 1);
    }
    memset(text, 0x7F, sizeof text);
    cr_assert_eq(utf8_valid(text, sizeof text), 1);
}

Test(unicode, classes)
{
    cr_assert_eq(unicode_class_of('a'), UC_WORD);
    cr_assert_eq(unicode_class_of('z'), UC_WORD);
    cr_assert_eq(unicode_class_of('A'), UC_WORD);
    cr_assert_eq(unicode_class_of('Z'), UC_WORD);
    cr_assert_eq(unicode_class_of('0'), UC_WORD);
    cr_assert_eq(unicode_class_of('9'), UC_WORD);
    cr_assert_eq(unicode_class_of(' '), UC_SEP);
    cr_assert_eq(unicode_class_of('\n'), UC_SEP);
    cr_assert_eq(unicode_class_of('\t'), UC_SEP);
    cr_assert_eq(unicode_class_of('!'), UC_SEP);
    cr_assert_eq(unicode_class_of('?'), UC_SEP);
    cr_assert_eq(unicode_class_of('"'), UC_SEP);
    cr_assert_eq(unicode_class_of('('), UC_SEP);
    cr_assert_eq(unicode_class_of('@'), UC_SEP); /* just below 'A' */
    cr_assert_eq(unicode_class_of('['), UC_SEP); /* just above 'Z' */
    cr_assert_eq(unicode_class_of('`'), UC_SEP);
    cr_assert_eq(unicode_class_of('{'), UC_SEP);
    cr_assert_eq(unicode_class_of(0x7F), UC_SEP);
    cr_assert_eq(unicode_class_of('-'), UC_HYPHEN);
    cr_assert_eq(unicode_class_of('\''), UC_APOS);
    cr_assert_eq(unicode_class_of('.'), UC_DOT);
    cr_assert_eq(unicode_class_of(','), UC_COMMA);
    cr_assert_eq(unicode_class_of('/'), UC_SLASH);
    cr_assert_eq(unicode_class_of('_'), UC_UNDERSCORE);

    cr_assert_eq(unicode_class_of(0xA0), UC_SEP);    /* no-break space */
    cr_assert_eq(unicode_class_of(0xC9), UC_WORD);   /* É */
    cr_assert_eq(unicode_class_of(0xE9), UC_WORD);   /* é */
    cr_assert_eq(unicode_class_of(0xD7), UC_SEP);    /* × */
    cr_assert_eq(unicode_class_of(0x2010), UC_HYPHEN);
    cr_assert_eq(unicode_class_of(0x2013), UC_HYPHEN); /* en dash */
    cr_assert_eq(unicode_class_of(0x2014), UC_HYPHEN); /* em dash */
    cr_assert_eq(unicode_class_of(0x2019), UC_APOS);   /* right single quotation mark */
    cr_assert_eq(unicode_class_of(0x201C), UC_SEP);    /* left double quotation mark */
    cr_assert_eq(unicode_class_of(0xAD), UC_IGNORE);   /* soft hyphen */
    cr_assert_eq(unicode_class_of(0x200D), UC_IGNORE); /* zero width joiner */
    cr_assert_eq(unicode_class_of(0x0301), UC_MARK);   /* combining acute */
    cr_assert_eq(unicode_class_of(0x0300), UC_MARK);
    cr_assert_eq(unicode_class_of(0x0414), UC_WORD);   /* Д */
    cr_assert_eq(unicode_class_of(0x4E2D), UC_WORD);   /* 中 */
    cr_assert_eq(unicode_class_of(0xFF21), UC_WORD);   /* Ａ */
    cr_assert_eq(unicode_class_of(0xFB01), UC_WORD);   /* ﬁ */
    cr_assert_eq(unicode_class_of(0x1F600), UC_SEP);   /* 😀 */
    cr_assert_eq(unicode_class_of(0x20AC), UC_SEP);    /* € */
    cr_assert_eq(unicode_class_of(0x3000), UC_SEP);    /* ideographic space */
}

/* Folds `cp` and compares with the NUL-terminated `expect` and `upper`. */
static void expect_fold(uint32_t cp, const char *expect, int upper)
{
    char out[8];
    int up = -1;
    size_t n = unicode_fold(cp, out, &up);
    cr_assert_eq(n, strlen(expect), "U+%04X: folded length %zu, expected %zu", cp, n, strlen(expect));
    cr_assert_eq(memcmp(out, expect, n), 0, "U+%04X: folded to %.*s, expected %s", cp, (int)n, out, expect);
    cr_assert_eq(up, upper, "U+%04X: upper %d, expected %d", cp, up, upper);
}

Test(unicode, fold)
{
    expect_fold('a', "a", 0);
    expect_fold('Q', "q", 1);
    expect_fold('7', "7", 0);
    expect_fold(0xC9, "e", 1);                /* É */
    expect_fold(0xE9, "e", 0);                /* é */
    expect_fold(0xDF, "ss", 0);               /* ß */
    expect_fold(0xFB01, "fi", 0);             /* ﬁ */
    expect_fold(0xFF21, "a", 1);              /* fullwidth Ａ */
    expect_fold(0xFF41, "a", 0);              /* fullwidth ａ */
    expect_fold(0x0414, "\xD0\xB4", 1);       /* Д -> д */
    expect_fold(0x0434, "\xD0\xB4", 0);       /* д stays */
    /* no folding: the code point's own UTF-8 */
    expect_fold(0x4E2D, "\xE4\xB8\xAD", 0);   /* 中 */
    expect_fold(0x1F600, "\xF0\x9F\x98\x80", 0);
    expect_fold(0x10FFFF, "\xF4\x8F\xBF\xBF", 0);
}
