/* The tokenizer: spans, parts, joiners, folding, counters and sentence starts. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "core/tokenizer.h"

enum { MAX_TOKENS = 64 };

struct tokens {
    size_t n;
    struct raw_token t[MAX_TOKENS];
};

/* Tokenizes `text` (len bytes) into *out (static storage: raw tokens are big). */
static struct tokens *tokenize_n(const char *text, size_t len)
{
    static struct tokens out;
    memset(&out, 0, sizeof out);
    tokenizer t;
    tokenizer_init(&t, text, len);
    while (out.n < MAX_TOKENS && tokenizer_next(&t, &out.t[out.n]))
        out.n++;
    cr_assert_lt(out.n, MAX_TOKENS, "too many tokens");
    return &out;
}

static struct tokens *tokenize(const char *text) { return tokenize_n(text, strlen(text)); }

/* Checks the folded text and byte span of a token. */
static void expect_token(const struct raw_token *tok, const char *text, size_t start, size_t end)
{
    cr_assert_eq(tok->len, strlen(text), "token \"%s\": length %u, expected %zu", tok->text,
                 (unsigned)tok->len, strlen(text));
    cr_assert_str_eq(tok->text, text);
    cr_assert_eq(tok->start, start, "token \"%s\": start %zu, expected %zu", text, tok->start, start);
    cr_assert_eq(tok->end, end, "token \"%s\": end %zu, expected %zu", text, tok->end, end);
}

/* Checks one part: its folded text (within tok->text) and its byte span. */
static void expect_part(const struct raw_token *tok, unsigned i, const char *text, size_t start,
                        size_t end)
{
    cr_assert_lt(i, tok->nparts);
    const struct raw_part *p = &tok->parts[i];
    cr_assert_eq(p->text_len, strlen(text), "part %u of \"%s\": length %u", i, tok->text,
                 (unsigned)p->text_len);
    cr_assert_eq(memcmp(tok->text + p->text_off, text, p->text_len), 0, "part %u of \"%s\"", i,
                 tok->text);
    cr_assert_eq(p->start, start, "part %u of \"%s\": start %zu, expected %zu", i, tok->text,
                 p->start, start);
    cr_assert_eq(p->end, end, "part %u of \"%s\": end %zu, expected %zu", i, tok->text, p->end, end);
}

Test(tokenizer, plain_words_with_spans)
{
    struct tokens *r = tokenize("Halo dunia  kita\tsemua");
    cr_assert_eq(r->n, 4);
    expect_token(&r->t[0], "halo", 0, 4);
    expect_token(&r->t[1], "dunia", 5, 10);
    expect_token(&r->t[2], "kita", 12, 16);
    expect_token(&r->t[3], "semua", 17, 22);
    for (size_t i = 0; i < r->n; i++) {
        cr_assert_eq(r->t[i].nparts, 1);
        expect_part(&r->t[i], 0, r->t[i].text, r->t[i].start, r->t[i].end);
    }
}

Test(tokenizer, empty_and_separator_only_input)
{
    cr_assert_eq(tokenize("")->n, 0);
    cr_assert_eq(tokenize_n(NULL, 0)->n, 0);
    cr_assert_eq(tokenize(" \t\n.,;:!?-'/_()\"")->n, 0);
    cr_assert_eq(tokenize("\xE2\x80\x94 \xC2\xAD \xCC\x81")->n, 0); /* em dash, soft hyphen, mark */
}

Test(tokenizer, hyphenated_word_has_two_parts)
{
    struct tokens *r = tokenize("Kim Jong-un tiba");
    cr_assert_eq(r->n, 3);
    expect_token(&r->t[0], "kim", 0, 3);
    expect_token(&r->t[1], "jong-un", 4, 11);
    cr_assert_eq(r->t[1].nparts, 2);
    expect_part(&r->t[1], 0, "jong", 4, 8);
    expect_part(&r->t[1], 1, "un", 9, 11);
    cr_assert_eq(r->t[1].parts[0].text_off, 0);
    cr_assert_eq(r->t[1].parts[1].text_off, 5);
    cr_assert_eq(r->t[1].flags & RAW_HAS_SLASH, 0);
    cr_assert_eq(r->t[1].parts[0].first_upper, 1);
    cr_assert_eq(r->t[1].parts[1].first_upper, 0);
    expect_token(&r->t[2], "tiba", 12, 16);
}

Test(tokenizer, dash_joins_like_a_hyphen)
{
    /* "Jakarta–Bandung" with U+2013 (3 bytes) between the words */
    struct tokens *r = tokenize("Jakarta\xE2\x80\x93" "Bandung");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "jakarta-bandung", 0, 17);
    cr_assert_eq(r->t[0].nparts, 2);
    expect_part(&r->t[0], 0, "jakarta", 0, 7);
    expect_part(&r->t[0], 1, "bandung", 10, 17);
}

Test(tokenizer, loose_hyphens_do_not_join)
{
    struct tokens *r = tokenize("-awal akhir- a - b x--y MOSKOW \xE2\x80\x93 Presiden");
    cr_assert_eq(r->n, 8);
    expect_token(&r->t[0], "awal", 1, 5);
    expect_token(&r->t[1], "akhir", 6, 11);
    expect_token(&r->t[2], "a", 13, 14);
    expect_token(&r->t[3], "b", 17, 18);
    expect_token(&r->t[4], "x", 19, 20);
    expect_token(&r->t[5], "y", 22, 23);
    expect_token(&r->t[6], "moskow", 24, 30);
    expect_token(&r->t[7], "presiden", 35, 43);
    for (size_t i = 0; i < r->n; i++)
        cr_assert_eq(r->t[i].nparts, 1, "token %zu", i);
}

Test(tokenizer, apostrophe_between_letters_is_dropped)
{
    struct tokens *r = tokenize("Jum'at");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "jumat", 0, 6);
    cr_assert_eq(r->t[0].nparts, 1);
    expect_part(&r->t[0], 0, "jumat", 0, 6);
    cr_assert_eq(r->t[0].parts[0].letters, 5);

    r = tokenize("Jum\xE2\x80\x99" "at"); /* U+2019 */
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "jumat", 0, 8);
    cr_assert_eq(r->t[0].nparts, 1);

    /* not between letters: a separator */
    r = tokenize("'kutip' 5'6");
    cr_assert_eq(r->n, 3);
    expect_token(&r->t[0], "kutip", 1, 6);
    expect_token(&r->t[1], "5", 8, 9);
    expect_token(&r->t[2], "6", 10, 11);
}

Test(tokenizer, number_separators_stay_in_one_part)
{
    struct tokens *r = tokenize("Rp10.000 dan 2,5 atau 1.234.567,89");
    cr_assert_eq(r->n, 5);
    expect_token(&r->t[0], "rp10.000", 0, 8);
    cr_assert_eq(r->t[0].nparts, 1);
    cr_assert_eq(r->t[0].parts[0].letters, 2);
    cr_assert_eq(r->t[0].parts[0].digits, 5);
    expect_token(&r->t[1], "dan", 9, 12);
    expect_token(&r->t[2], "2,5", 13, 16);
    expect_token(&r->t[3], "atau", 17, 21);
    expect_token(&r->t[4], "1.234.567,89", 22, 34);
    cr_assert_eq(r->t[4].nparts, 1);
    cr_assert_eq(r->t[4].parts[0].digits, 9);
    cr_assert_eq(r->t[4].parts[0].letters, 0);

    r = tokenize("10.000");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "10.000", 0, 6);
    cr_assert_eq(r->t[0].nparts, 1);
    cr_assert_eq(r->t[0].parts[0].digits, 5);
}

Test(tokenizer, dot_between_letters_splits)
{
    struct tokens *r = tokenize("RIAU24.COM");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "riau24", 0, 6);
    cr_assert_eq(r->t[0].parts[0].letters, 4);
    cr_assert_eq(r->t[0].parts[0].uppers, 4);
    cr_assert_eq(r->t[0].parts[0].digits, 2);
    expect_token(&r->t[1], "com", 7, 10);

    /* a dot ending the number: not part of it */
    r = tokenize("pukul 10. Lalu");
    cr_assert_eq(r->n, 3);
    expect_token(&r->t[1], "10", 6, 8);
    expect_token(&r->t[2], "lalu", 10, 14);
}

Test(tokenizer, date_has_three_parts_and_slash_flag)
{
    struct tokens *r = tokenize("28/4/2025");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "28/4/2025", 0, 9);
    cr_assert_eq(r->t[0].nparts, 3);
    cr_assert(r->t[0].flags & RAW_HAS_SLASH);
    expect_part(&r->t[0], 0, "28", 0, 2);
    expect_part(&r->t[0], 1, "4", 3, 4);
    expect_part(&r->t[0], 2, "2025", 5, 9);
    for (unsigned i = 0; i < 3; i++)
        cr_assert_eq(r->t[0].parts[i].letters, 0);
    cr_assert_eq(r->t[0].parts[2].digits, 4);
}

Test(tokenizer, slash_between_letters_splits_tokens)
{
    struct tokens *r = tokenize("dan/atau");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "dan", 0, 3);
    expect_token(&r->t[1], "atau", 4, 8);
    cr_assert_eq(r->t[0].flags & RAW_HAS_SLASH, 0);
    cr_assert_eq(r->t[1].flags & RAW_HAS_SLASH, 0);
    cr_assert_eq(r->t[0].nparts, 1);
    cr_assert_eq(r->t[1].nparts, 1);
}

Test(tokenizer, underscore_joins_without_a_part)
{
    struct tokens *r = tokenize("nama_berkas");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "nama_berkas", 0, 11);
    cr_assert_eq(r->t[0].nparts, 1);
}

Test(tokenizer, counters)
{
    struct tokens *r = tokenize("McDonald iPhone15 ASEAN 2025 \xC3\x89tude");
    cr_assert_eq(r->n, 5);
    const struct raw_part *p = &r->t[0].parts[0];
    cr_assert_eq(p->first_upper, 1);
    cr_assert_eq(p->letters, 8);
    cr_assert_eq(p->uppers, 2);
    cr_assert_eq(p->digits, 0);
    p = &r->t[1].parts[0];
    cr_assert_eq(p->first_upper, 0);
    cr_assert_eq(p->letters, 6);
    cr_assert_eq(p->uppers, 1);
    cr_assert_eq(p->digits, 2);
    p = &r->t[2].parts[0];
    cr_assert_eq(p->first_upper, 1);
    cr_assert_eq(p->letters, 5);
    cr_assert_eq(p->uppers, 5);
    p = &r->t[3].parts[0];
    cr_assert_eq(p->first_upper, 0);
    cr_assert_eq(p->letters, 0);
    cr_assert_eq(p->uppers, 0);
    cr_assert_eq(p->digits, 4);
    expect_token(&r->t[4], "etude", 29, 35);
    p = &r->t[4].parts[0];
    cr_assert_eq(p->first_upper, 1);
    cr_assert_eq(p->letters, 5);
    cr_assert_eq(p->uppers, 1);

    /* first_upper is about the first letter, not the first character */
    r = tokenize("5G 15-Jakarta");
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->t[0].parts[0].first_upper, 1);
    cr_assert_eq(r->t[0].parts[0].digits, 1);
    cr_assert_eq(r->t[0].parts[0].letters, 1);
    cr_assert_eq(r->t[1].nparts, 2);
    cr_assert_eq(r->t[1].parts[0].first_upper, 0);
    cr_assert_eq(r->t[1].parts[1].first_upper, 1);
    cr_assert_eq(r->t[1].parts[1].letters, 7);
}

Test(tokenizer, sentence_starts)
{
    struct tokens *r = tokenize("Satu dua. Tiga! Empat? Lima\nenam, tujuh; delapan: sembilan\r\nsepuluh");
    cr_assert_eq(r->n, 10);
    unsigned expect[] = { 1, 0, 1, 1, 1, 1, 0, 0, 0, 1 };
    const char *words[] = { "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
                            "sembilan", "sepuluh" };
    for (size_t i = 0; i < r->n; i++) {
        cr_assert_str_eq(r->t[i].text, words[i]);
        cr_assert_eq((r->t[i].flags & RAW_SENTENCE_START) != 0, expect[i], "token %zu (%s)", i,
                     words[i]);
    }
    /* leading separators do not matter: the first token always starts a sentence */
    r = tokenize("  , kata");
    cr_assert_eq(r->n, 1);
    cr_assert(r->t[0].flags & RAW_SENTENCE_START);
    /* a decimal point inside a number ends no sentence */
    r = tokenize("naik 3.5 persen");
    cr_assert_eq(r->n, 3);
    cr_assert_eq(r->t[2].flags & RAW_SENTENCE_START, 0);
    cr_assert_eq(r->t[1].flags & RAW_SENTENCE_START, 0);
    /* a full stop right before a word is part of a name, not the end of a sentence */
    r = tokenize("dari detik.com Senin. Kami");
    cr_assert_eq(r->n, 5);
    cr_assert_str_eq(r->t[2].text, "com");
    cr_assert_eq(r->t[2].flags & RAW_SENTENCE_START, 0, "com after detik.");
    cr_assert_eq(r->t[3].flags & RAW_SENTENCE_START, 0);
    cr_assert(r->t[4].flags & RAW_SENTENCE_START, "Kami after '. '");
}

Test(tokenizer, invalid_bytes_separate)
{
    struct tokens *r = tokenize("ab\xFF" "cd");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "ab", 0, 2);
    expect_token(&r->t[1], "cd", 3, 5);

    r = tokenize("\xC0\x80x\xED\xA0\x80y\xE2\x82");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "x", 2, 3);
    expect_token(&r->t[1], "y", 6, 7);
}

Test(tokenizer, long_run_is_cut_without_loss)
{
    char text[301];
    for (size_t i = 0; i < 300; i++)
        text[i] = (char)('a' + i % 26);
    text[300] = '\0';
    struct tokens *r = tokenize(text);
    cr_assert_eq(r->n, 3);
    size_t spans[][2] = { { 0, 128 }, { 128, 256 }, { 256, 300 } };
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(r->t[i].start, spans[i][0]);
        cr_assert_eq(r->t[i].end, spans[i][1]);
        cr_assert_eq(r->t[i].len, spans[i][1] - spans[i][0]);
        cr_assert_leq(r->t[i].len, FORMAT_MAX_TERM);
        cr_assert_eq(memcmp(r->t[i].text, text + spans[i][0], r->t[i].len), 0);
        cr_assert_eq(r->t[i].text[r->t[i].len], '\0');
        cr_assert_eq(r->t[i].nparts, 1);
    }
    cr_assert(r->t[0].flags & RAW_SENTENCE_START);
    cr_assert_eq(r->t[1].flags & RAW_SENTENCE_START, 0);
    cr_assert_eq(r->t[2].flags & RAW_SENTENCE_START, 0);
}

Test(tokenizer, long_run_of_two_byte_letters_is_cut_by_folded_length)
{
    /* 200 x "é": 400 input bytes folding to 200 bytes of "e" */
    char text[401];
    for (size_t i = 0; i < 200; i++)
        memcpy(text + 2 * i, "\xC3\xA9", 2);
    text[400] = '\0';
    struct tokens *r = tokenize(text);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->t[0].len, 128);
    cr_assert_eq(r->t[0].start, 0);
    cr_assert_eq(r->t[0].end, 256);
    cr_assert_eq(r->t[1].len, 72);
    cr_assert_eq(r->t[1].start, 256);
    cr_assert_eq(r->t[1].end, 400);
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < r->t[i].len; k++)
            cr_assert_eq(r->t[i].text[k], 'e');
}

Test(tokenizer, long_hyphenated_run_is_cut_without_loss)
{
    /* 30 parts of 9 letters: "abcdefghi-abcdefghi-..." (299 bytes) */
    char text[400];
    size_t n = 0;
    for (int i = 0; i < 30; i++) {
        if (i > 0)
            text[n++] = '-';
        memcpy(text + n, "abcdefghi", 9);
        n += 9;
    }
    text[n] = '\0';
    cr_assert_eq(n, 299);
    struct tokens *r = tokenize(text);
    cr_assert_eq(r->n, 3);
    for (size_t i = 0; i < r->n; i++) {
        cr_assert_leq(r->t[i].len, FORMAT_MAX_TERM);
        cr_assert_leq(r->t[i].nparts, TOKENIZER_MAX_PARTS);
        /* ASCII input: the folded text is the input span */
        cr_assert_eq(r->t[i].end - r->t[i].start, r->t[i].len);
        cr_assert_eq(memcmp(r->t[i].text, text + r->t[i].start, r->t[i].len), 0);
        for (unsigned k = 0; k < r->t[i].nparts; k++)
            cr_assert_gt(r->t[i].parts[k].text_len, 0, "token %zu part %u is empty", i, k);
    }
    /* 12 whole parts (119 bytes), then the 13th is cut by the term limit */
    cr_assert_eq(r->t[0].start, 0);
    cr_assert_eq(r->t[0].len, FORMAT_MAX_TERM);
    cr_assert_eq(r->t[0].nparts, 13);
    expect_part(&r->t[0], 12, "abcdefgh", 120, 128);
    /* the rest of that part starts the next token */
    cr_assert_eq(r->t[1].start, 128);
    expect_part(&r->t[1], 0, "i", 128, 129);
    cr_assert_eq(r->t[1].nparts, 13);
    cr_assert_eq(r->t[1].len, 121);
    cr_assert_eq(r->t[1].end, 249);
    /* a joiner that would leave no room for its next part ends the token */
    cr_assert_eq(r->t[2].start, 250);
    cr_assert_eq(r->t[2].end, 299);
    cr_assert_eq(r->t[2].nparts, 5);
}

Test(tokenizer, diacritics_fold)
{
    struct tokens *r = tokenize("P\xC3\xA9rundingan");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "perundingan", 0, 12);
    cr_assert_eq(r->t[0].parts[0].letters, 11);
    cr_assert_eq(r->t[0].parts[0].first_upper, 1);

    /* decomposed: e followed by U+0301 COMBINING ACUTE ACCENT */
    r = tokenize("Pe\xCC\x81rundingan");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "perundingan", 0, 13);
    cr_assert_eq(r->t[0].parts[0].letters, 11);

    /* soft hyphen inside a word is invisible */
    r = tokenize("perun\xC2\xAD" "dingan");
    cr_assert_eq(r->n, 1);
    expect_token(&r->t[0], "perundingan", 0, 13);
    cr_assert_eq(r->t[0].nparts, 1);

    /* ligature and fullwidth letters */
    r = tokenize("\xEF\xAC\x81nal \xEF\xBC\xA1\xEF\xBC\xA2");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "final", 0, 6);
    expect_token(&r->t[1], "ab", 7, 13);
    cr_assert_eq(r->t[1].parts[0].uppers, 2);
}

Test(tokenizer, at_most_max_parts)
{
    /* a-b-c-...-t: 20 one-letter parts */
    char text[64];
    size_t n = 0;
    for (int i = 0; i < 20; i++) {
        if (i > 0)
            text[n++] = '-';
        text[n++] = (char)('a' + i);
    }
    text[n] = '\0';
    struct tokens *r = tokenize(text);
    cr_assert_eq(r->n, 2);
    cr_assert_eq(r->t[0].nparts, TOKENIZER_MAX_PARTS);
    expect_token(&r->t[0], "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p", 0, 31);
    for (unsigned k = 0; k < TOKENIZER_MAX_PARTS; k++) {
        char letter[2] = { (char)('a' + k), '\0' };
        expect_part(&r->t[0], k, letter, 2 * k, 2 * k + 1);
    }
    cr_assert_eq(r->t[1].nparts, 4);
    expect_token(&r->t[1], "q-r-s-t", 32, 39);
    expect_part(&r->t[1], 0, "q", 32, 33);
    expect_part(&r->t[1], 3, "t", 38, 39);
    cr_assert_eq(r->t[1].flags & RAW_SENTENCE_START, 0);
}

Test(tokenizer, fullwidth_digits_join_like_ascii_digits)
{
    /* "１０.０００" (fullwidth digits, ASCII dot) folds to "10.000" like "10.000";
     * the tokenizer counts the fullwidth digits as digits, so the dot between them
     * should join them too (and end no sentence). */
    struct tokens *r = tokenize("\xEF\xBC\x91\xEF\xBC\x90.\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x90");
    cr_assert_eq(r->n, 1, "%zu tokens, the first \"%s\"", r->n, r->t[0].text);
    expect_token(&r->t[0], "10.000", 0, 16);
    cr_assert_eq(r->t[0].parts[0].digits, 5);
    cr_assert_eq(r->t[0].parts[0].letters, 0);
}

Test(tokenizer, ascii_run_counters_across_a_cut_and_a_letter_after_ascii)
{
    /* "1Ab" x 100: the ASCII run is taken in one loop and cut at 128 bytes; each
     * piece counts its own letters, capitals and digits */
    char text[301];
    for (size_t i = 0; i < 300; i += 3)
        memcpy(text + i, "1Ab", 3);
    text[300] = '\0';
    struct tokens *r = tokenize(text);
    cr_assert_eq(r->n, 3);
    size_t lens[] = { 128, 128, 44 };
    for (size_t i = 0, at = 0; i < 3; at += lens[i], i++) {
        const struct raw_part *p = &r->t[i].parts[0];
        size_t digits = 0, uppers = 0;
        for (size_t k = at; k < at + lens[i]; k++) {
            digits += text[k] == '1';
            uppers += text[k] == 'A';
        }
        cr_assert_eq(r->t[i].len, lens[i]);
        cr_assert_eq(p->digits, digits, "piece %zu", i);
        cr_assert_eq(p->uppers, uppers, "piece %zu", i);
        cr_assert_eq(p->letters, lens[i] - digits, "piece %zu", i);
        cr_assert_eq(p->first_upper, text[at] == 'A' || (text[at] == '1' && text[at + 1] == 'A'),
                     "piece %zu", i);
        for (size_t k = 0; k < lens[i]; k++)
            cr_assert_eq(r->t[i].text[k], text[at + k] == 'A' ? 'a' : text[at + k]);
    }
    /* an ASCII run, then a two-byte letter, then ASCII again: one token */
    r = tokenize("Ka\xC3\x89Tx9 z");
    cr_assert_eq(r->n, 2);
    expect_token(&r->t[0], "kaetx9", 0, 7);
    cr_assert_eq(r->t[0].parts[0].letters, 5);
    cr_assert_eq(r->t[0].parts[0].uppers, 3);
    cr_assert_eq(r->t[0].parts[0].digits, 1);
    cr_assert_eq(r->t[0].parts[0].first_upper, 1);
}

/* ASCII words of 1 to 40 letters and digits, any case, between separators:
 * each token is the word folded, with its span and counters, whether the word
 * is read 16 bytes at a time, byte by byte, or both (its end near a 16-byte
 * step or the end of the text). */
Test(tokenizer, ascii_words_of_every_length_fold_and_count)
{
    static const char alnum[] = "aZ0bY1cX2dW3eV4fU5gT6hS7iR8jQ9kPlOmNnMoLpKqJrIsHtGuFvEwDxCyBzA";
    static const char seps[] = " ;\n(";
    uint32_t seed = 7;
    for (int round = 0; round < 200; round++) {
        char text[1024], words[8][48];
        size_t len = 0, starts[8], nwords = 0;
        while (nwords < 8) {
            seed = seed * 1103515245u + 12345u;
            size_t wlen = 1 + (seed >> 8) % 40;
            starts[nwords] = len;
            for (size_t i = 0; i < wlen; i++) {
                seed = seed * 1103515245u + 12345u;
                words[nwords][i] = alnum[(seed >> 8) % (sizeof alnum - 1)];
            }
            words[nwords][wlen] = '\0';
            memcpy(text + len, words[nwords], wlen);
            len += wlen;
            if (++nwords < 8)
                text[len++] = seps[(seed >> 4) % 4];
        }
        struct tokens *r = tokenize_n(text, len);
        cr_assert_eq(r->n, 8, "round %d: %zu tokens", round, r->n);
        for (size_t w = 0; w < 8; w++) {
            const char *word = words[w];
            size_t wlen = strlen(word);
            char folded[48];
            unsigned letters = 0, uppers = 0, digits = 0;
            int first_upper = -1;
            for (size_t i = 0; i <= wlen; i++) {
                char c = word[i];
                int upper = c >= 'A' && c <= 'Z', letter = upper || (c >= 'a' && c <= 'z');
                folded[i] = upper ? (char)(c + 32) : c;
                letters += (unsigned)letter;
                uppers += (unsigned)upper;
                digits += (unsigned)(c >= '0' && c <= '9');
                if (letter && first_upper < 0)
                    first_upper = upper;
            }
            const struct raw_token *tok = &r->t[w];
            expect_token(tok, folded, starts[w], starts[w] + wlen);
            cr_assert_eq(tok->nparts, 1);
            const struct raw_part *p = &tok->parts[0];
            cr_assert_eq(p->letters, letters, "\"%s\": %u letters", word, p->letters);
            cr_assert_eq(p->uppers, uppers, "\"%s\": %u upper case", word, p->uppers);
            cr_assert_eq(p->digits, digits, "\"%s\": %u digits", word, p->digits);
            cr_assert_eq(p->first_upper, first_upper > 0, "\"%s\": first_upper %u", word,
                         p->first_upper);
        }
    }
}
