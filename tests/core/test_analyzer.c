/* The analysis chain through the public API: positions, flags, exact and root
 * forms, byte spans, numbers, dates, hyphenated words and reduplications. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cari.h"

enum { MAX_TOKENS = 256, MAX_TEXT = 160 };

struct tok {
    uint32_t position;
    unsigned flags;
    size_t start, end;
    char exact[MAX_TEXT];
    char root[MAX_TEXT];
};

struct toks {
    size_t n;
    struct tok t[MAX_TOKENS];
};

static int collect(const cari_token *token, void *payload)
{
    struct toks *out = payload;
    cr_assert_lt(out->n, MAX_TOKENS, "too many tokens");
    cr_assert_lt(token->exact_len, MAX_TEXT);
    cr_assert_lt(token->root_len, MAX_TEXT);
    struct tok *t = &out->t[out->n++];
    t->position = token->position;
    t->flags = token->flags;
    t->start = token->start;
    t->end = token->end;
    memcpy(t->exact, token->exact, token->exact_len);
    t->exact[token->exact_len] = '\0';
    memcpy(t->root, token->root, token->root_len);
    t->root[token->root_len] = '\0';
    return 0;
}

/* Analyses `text` with a fresh analyzer; the result is static storage. */
static struct toks *analyze(const char *text)
{
    static struct toks out;
    memset(&out, 0, sizeof out);
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    cr_assert_eq(cari_analyze(a, text, strlen(text), collect, &out), CARI_OK);
    cari_analyzer_free(a);
    return &out;
}

/* The root a fresh analyzer (no memo yet) gives a single word (static storage). */
static const char *fresh_root(const char *word)
{
    static char out[MAX_TEXT];
    struct toks *r = analyze(word);
    cr_assert_eq(r->n, 1, "%s", word);
    snprintf(out, sizeof out, "%s", r->t[0].root);
    return out;
}

static void expect_tok(const struct toks *r, size_t i, uint32_t position, unsigned flags,
                       const char *exact, const char *root, size_t start, size_t end)
{
    cr_assert_lt(i, r->n, "token %zu missing (%zu tokens)", i, r->n);
    const struct tok *t = &r->t[i];
    cr_assert_str_eq(t->exact, exact, "token %zu", i);
    cr_assert_str_eq(t->root, root, "token %zu (%s)", i, exact);
    cr_assert_eq(t->position, position, "token %zu (%s): position %u, expected %u", i, exact,
                 t->position, position);
    cr_assert_eq(t->flags, flags, "token %zu (%s): flags 0x%x, expected 0x%x", i, exact, t->flags,
                 flags);
    cr_assert_eq(t->start, start, "token %zu (%s): start %zu, expected %zu", i, exact, t->start,
                 start);
    cr_assert_eq(t->end, end, "token %zu (%s): end %zu, expected %zu", i, exact, t->end, end);
}

#define CAP CARI_TOKEN_CAPITALIZED
#define ALLCAPS CARI_TOKEN_ALLCAPS
#define NUM CARI_TOKEN_NUMBER
#define PART CARI_TOKEN_PART
#define WHOLE CARI_TOKEN_WHOLE
#define REDUP CARI_TOKEN_REDUPLICATED
#define SS CARI_TOKEN_SENTENCE_START

Test(analyzer, name)
{
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    cr_assert_not_null(a);
    cr_assert_str_eq(cari_analyzer_name(a), "cari-id/2 hunspell-id");
    cari_analyzer_free(a);
    cari_analyzer_free(NULL);
}

Test(analyzer, empty_text_gives_no_tokens)
{
    cr_assert_eq(analyze("")->n, 0);
    cr_assert_eq(analyze("  ,.; -- \n")->n, 0);
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    struct toks out = { 0 };
    cr_assert_eq(cari_analyze(a, NULL, 0, collect, &out), CARI_OK);
    cr_assert_eq(out.n, 0);
    cr_assert_eq(cari_analyze(a, NULL, 3, collect, &out), CARI_EINVAL);
    cr_assert_eq(cari_analyze(a, "x", 1, NULL, &out), CARI_EINVAL);
    cr_assert_eq(cari_analyze(NULL, "x", 1, collect, &out), CARI_EINVAL);
    cr_assert_eq(out.n, 0);
    cari_analyzer_free(a);
}

Test(analyzer, reduplication_folds_to_its_base)
{
    struct toks *r = analyze("Teman-teman");
    cr_assert_eq(r->n, 1);
    expect_tok(r, 0, 0, REDUP | CAP | SS, "teman-teman", "teman", 0, 11);

    /* the root is the root of the part: anak-anak -> anak, pasukan-pasukan -> pasuk */
    r = analyze("para pasukan-pasukan itu");
    cr_assert_eq(r->n, 3);
    expect_tok(r, 0, 0, SS, "para", "para", 0, 4);
    expect_tok(r, 1, 1, REDUP, "pasukan-pasukan", "pasuk", 5, 20);
    expect_tok(r, 2, 2, 0, "itu", "itu", 21, 24);

    /* three equal parts are a reduplication too; different parts are not */
    r = analyze("lari-lari-lari");
    cr_assert_eq(r->n, 1);
    expect_tok(r, 0, 0, REDUP | SS, "lari-lari-lari", "lari", 0, 14);
}

Test(analyzer, hyphenated_name_gives_parts_and_whole)
{
    struct toks *r = analyze("Kim Jong-un menegaskan");
    cr_assert_eq(r->n, 5);
    expect_tok(r, 0, 0, CAP | SS, "kim", "kim", 0, 3);
    expect_tok(r, 1, 1, CAP | PART, "jong", "jong", 4, 8);
    expect_tok(r, 2, 1, CAP | WHOLE, "jong-un", "jong-un", 4, 11);
    expect_tok(r, 3, 2, PART, "un", "un", 9, 11);
    expect_tok(r, 4, 3, 0, "menegaskan", "tegas", 12, 22); /* men- + t-egas + -kan */
}

Test(analyzer, affixed_reduplication_folds_to_its_base)
{
    struct {
        const char *text, *base;
    } cases[] = {
        { "bahu-membahu", "bahu" },       /* the same root */
        { "berlari-lari", "lari" },
        { "kemerah-merahan", "merah" },   /* ke-merah-merah-an */
        { "sayur-mayur", "sayur" },       /* a sound change */
        { "satuan-satuan", "satu" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct toks *r = analyze(cases[i].text);
        cr_assert_eq(r->n, 1, "%s", cases[i].text);
        expect_tok(r, 0, 0, REDUP | SS, cases[i].text, cases[i].base, 0, strlen(cases[i].text));
    }
    /* names and compounds are no reduplication: parts and whole */
    struct toks *r = analyze("il-sung rusia-ukraina");
    cr_assert_eq(r->n, 6);
    expect_tok(r, 1, 0, WHOLE | SS, "il-sung", "il-sung", 0, 7);
    expect_tok(r, 4, 2, WHOLE, "rusia-ukraina", "rusia-ukraina", 8, 21);
}

Test(analyzer, numbers_are_normalised)
{
    struct {
        const char *text, *exact;
    } cases[] = {
        { "10.000", "10000" },     { "1.234.567", "1234567" }, { "2,5", "2.5" },
        { "3.5", "3.5" },          { "10.000,50", "10000.50" }, { "2025", "2025" },
        { "1.5000", "1.5000" },    { "0,75", "0.75" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct toks *r = analyze(cases[i].text);
        cr_assert_eq(r->n, 1, "%s", cases[i].text);
        expect_tok(r, 0, 0, NUM | SS, cases[i].exact, cases[i].exact, 0, strlen(cases[i].text));
    }
}

Test(analyzer, date_gives_parts_and_iso_whole)
{
    struct toks *r = analyze("pada 28/4/2025 ini");
    cr_assert_eq(r->n, 6);
    expect_tok(r, 0, 0, SS, "pada", "pada", 0, 4);
    expect_tok(r, 1, 1, NUM | PART, "28", "28", 5, 7);
    expect_tok(r, 2, 1, NUM | WHOLE, "2025-04-28", "2025-04-28", 5, 14);
    expect_tok(r, 3, 2, NUM | PART, "4", "4", 8, 9);
    expect_tok(r, 4, 3, NUM | PART, "2025", "2025", 10, 14);
    expect_tok(r, 5, 4, 0, "ini", "ini", 15, 18);

    r = analyze("1/12/1999");
    cr_assert_eq(r->n, 4);
    expect_tok(r, 1, 0, NUM | WHOLE | SS, "1999-12-01", "1999-12-01", 0, 9);
}

Test(analyzer, invalid_date_has_no_whole)
{
    const char *bad[] = { "31/13/2025", "0/5/2025", "32/1/2025", "28/0/2025", "28/4/25",
                          "128/4/2025", "28/4/2025/1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct toks *r = analyze(bad[i]);
        cr_assert_geq(r->n, 3, "%s", bad[i]);
        for (size_t k = 0; k < r->n; k++) {
            cr_assert_eq(r->t[k].flags & WHOLE, 0, "%s: token %zu (%s) is a whole", bad[i], k,
                         r->t[k].exact);
            cr_assert(r->t[k].flags & PART);
            cr_assert_eq(r->t[k].position, k);
        }
    }
    struct toks *r = analyze("31/13/2025");
    cr_assert_eq(r->n, 3);
    expect_tok(r, 0, 0, NUM | PART | SS, "31", "31", 0, 2);
    expect_tok(r, 1, 1, NUM | PART, "13", "13", 3, 5);
    expect_tok(r, 2, 2, NUM | PART, "2025", "2025", 6, 10);
}

Test(analyzer, day_must_exist_in_the_month)
{
    /* 30 February and 31 April are no dates: no "2025-02-30" whole */
    const char *bad[] = { "30/2/2025", "31/4/2025", "29/2/2025" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct toks *r = analyze(bad[i]);
        cr_assert_eq(r->n, 3, "%s: %zu tokens, the second is \"%s\"", bad[i], r->n,
                     r->n > 1 ? r->t[1].exact : "");
    }
    /* a leap day is a date */
    struct toks *r = analyze("29/2/2024");
    cr_assert_eq(r->n, 4);
    expect_tok(r, 1, 0, NUM | WHOLE | SS, "2024-02-29", "2024-02-29", 0, 9);
}

Test(analyzer, every_spelling_of_a_date_has_the_same_iso_whole)
{
    /* d/m/yyyy, d-m-yyyy and yyyy-m-d all meet at yyyy-mm-dd */
    const char *spellings[] = { "28/4/2025", "28-4-2025", "28-04-2025", "2025-4-28", "2025-04-28" };
    for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++) {
        struct toks *r = analyze(spellings[i]);
        cr_assert_eq(r->n, 4, "%s", spellings[i]);
        expect_tok(r, 1, 0, NUM | WHOLE | SS, "2025-04-28", "2025-04-28", 0, strlen(spellings[i]));
    }
    /* hyphenated numbers that are no date keep their written whole; slashed ones have none */
    struct toks *r = analyze("1-2-3");
    cr_assert_eq(r->n, 4);
    expect_tok(r, 1, 0, NUM | WHOLE | SS, "1-2-3", "1-2-3", 0, 5);
    r = analyze("2025-13-01");
    expect_tok(r, 1, 0, NUM | WHOLE | SS, "2025-13-01", "2025-13-01", 0, 10);
    r = analyze("24/7");
    cr_assert_eq(r->n, 2, "no whole for 24/7");
}

Test(analyzer, acronym_with_digits)
{
    struct toks *r = analyze("COVID-19");
    cr_assert_eq(r->n, 3);
    expect_tok(r, 0, 0, CAP | ALLCAPS | PART | SS, "covid", "covid", 0, 5);
    expect_tok(r, 1, 0, CAP | ALLCAPS | WHOLE | SS, "covid-19", "covid-19", 0, 8);
    expect_tok(r, 2, 1, NUM | PART, "19", "19", 6, 8);
}

Test(analyzer, words_with_digits_are_not_stemmed)
{
    /* "pasukan" alone is stemmed; with a digit it is kept as it is */
    cr_assert_str_eq(fresh_root("pasukan"), "pasuk");
    struct toks *r = analyze("pasukan2 RIAU24");
    cr_assert_eq(r->n, 2);
    expect_tok(r, 0, 0, SS, "pasukan2", "pasukan2", 0, 8);
    expect_tok(r, 1, 1, CAP | ALLCAPS, "riau24", "riau24", 9, 15);
}

Test(analyzer, case_and_number_flags)
{
    struct toks *r = analyze("Jakarta ASEAN iPhone 2025 A x. Dia pergi");
    cr_assert_eq(r->n, 8);
    expect_tok(r, 0, 0, CAP | SS, "jakarta", "jakarta", 0, 7);
    expect_tok(r, 1, 1, CAP | ALLCAPS, "asean", "asean", 8, 13);
    expect_tok(r, 2, 2, 0, "iphone", "iphone", 14, 20);
    expect_tok(r, 3, 3, NUM, "2025", "2025", 21, 25);
    expect_tok(r, 4, 4, CAP, "a", "a", 26, 27); /* one letter: not ALLCAPS */
    expect_tok(r, 5, 5, 0, "x", "x", 28, 29);
    expect_tok(r, 6, 6, CAP | SS, "dia", "dia", 31, 34);
    expect_tok(r, 7, 7, 0, "pergi", "pergi", 35, 40);
}

Test(analyzer, sentence_start_flags)
{
    struct toks *r = analyze("satu. dua! tiga? empat\nlima, enam");
    cr_assert_eq(r->n, 6);
    unsigned expect[] = { SS, SS, SS, SS, SS, 0 };
    for (size_t i = 0; i < r->n; i++) {
        cr_assert_eq(r->t[i].flags, expect[i], "token %zu (%s)", i, r->t[i].exact);
        cr_assert_eq(r->t[i].position, i);
    }
    /* only the first part and the whole of a compound carry it */
    r = analyze("Oh. Jong-un");
    cr_assert_eq(r->n, 4);
    expect_tok(r, 1, 1, CAP | PART | SS, "jong", "jong", 4, 8);
    expect_tok(r, 2, 1, CAP | WHOLE | SS, "jong-un", "jong-un", 4, 11);
    expect_tok(r, 3, 2, PART, "un", "un", 9, 11);
}

Test(analyzer, stems_with_the_lexicon)
{
    struct toks *r = analyze("perundingan pasukan");
    cr_assert_eq(r->n, 2);
    expect_tok(r, 0, 0, SS, "perundingan", "runding", 0, 11); /* pe-r: the r stays */
    expect_tok(r, 1, 1, 0, "pasukan", "pasuk", 12, 19);        /* -an, not -kan */
    /* diacritics are folded before stemming */
    r = analyze("P\xC3\xA9rundingan");
    cr_assert_eq(r->n, 1);
    expect_tok(r, 0, 0, CAP | SS, "perundingan", "runding", 0, 12);
}

Test(analyzer, names_the_dictionary_does_not_derive_stay_exact)
{
    /* libstemmer made diri, malu, kalong, tawa of them */
    struct toks *r = analyze("Kediri Maluku Pekalongan Mentawai Medvedev Kemenlu");
    const char *exact[] = { "kediri", "maluku", "pekalongan", "mentawai", "medvedev", "kemenlu" };
    cr_assert_eq(r->n, 6);
    for (size_t i = 0; i < 6; i++)
        cr_assert_str_eq(r->t[i].root, exact[i], "token %zu", i);
    /* while words it does not know still lose a clitic or di- before a known word */
    r = analyze("militernya dirilis");
    cr_assert_eq(r->n, 2);
    cr_assert_str_eq(r->t[0].root, "militer");
    cr_assert_str_eq(r->t[1].root, "rilis");
}

Test(analyzer, same_word_gives_same_root)
{
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    static struct toks first, second;
    const char *text = "pasukan menegaskan pasukan perundingan menegaskan pasukan";
    cr_assert_eq(cari_analyze(a, text, strlen(text), collect, &first), CARI_OK);
    cr_assert_eq(cari_analyze(a, text, strlen(text), collect, &second), CARI_OK);
    cr_assert_eq(first.n, 6);
    cr_assert_eq(second.n, 6);
    const char *roots[] = { "pasuk", "tegas", "pasuk", "runding", "tegas", "pasuk" };
    for (size_t i = 0; i < 6; i++) {
        cr_assert_str_eq(first.t[i].root, roots[i], "token %zu", i);
        cr_assert_str_eq(second.t[i].root, roots[i], "token %zu", i);
        cr_assert_eq(second.t[i].position, i); /* each call starts at 0 */
    }
    cari_analyzer_free(a);
}

Test(analyzer, memo_survives_many_distinct_words)
{
    /* enough distinct words to grow the memo several times, then the first again */
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    static struct toks out;
    char text[64];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(text, sizeof text, "pe%c%c%c%c%can", 'a' + i % 26, 'a' + i / 26 % 26,
                         'a' + i / 676 % 26, 'k', 'u');
        out.n = 0;
        cr_assert_eq(cari_analyze(a, text, (size_t)n, collect, &out), CARI_OK);
        cr_assert_eq(out.n, 1);
        cr_assert_str_eq(out.t[0].root, fresh_root(text), "%s", text);
    }
    const char *again = "perundingan menegaskan";
    out.n = 0;
    cr_assert_eq(cari_analyze(a, again, strlen(again), collect, &out), CARI_OK);
    cr_assert_eq(out.n, 2);
    cr_assert_str_eq(out.t[0].root, "runding");
    cr_assert_str_eq(out.t[1].root, "tegas");
    cari_analyzer_free(a);
}

struct stopper {
    size_t seen, stop_at;
    int value;
};

static int stop_after(const cari_token *token, void *payload)
{
    (void)token;
    struct stopper *s = payload;
    return ++s->seen == s->stop_at ? s->value : 0;
}

Test(analyzer, callback_stops_the_analysis)
{
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    const char *text = "satu dua tiga empat lima";
    struct stopper s = { 0, 2, 42 };
    cr_assert_eq(cari_analyze(a, text, strlen(text), stop_after, &s), 42);
    cr_assert_eq(s.seen, 2);
    /* a negative value too, and inside a compound (after the whole, before the second part) */
    const char *compound = "Kim Jong-un tiba";
    s = (struct stopper){ 0, 3, -77 };
    cr_assert_eq(cari_analyze(a, compound, strlen(compound), stop_after, &s), -77);
    cr_assert_eq(s.seen, 3);
    /* the analyzer is still usable */
    s = (struct stopper){ 0, 100, 1 };
    cr_assert_eq(cari_analyze(a, text, strlen(text), stop_after, &s), 0);
    cr_assert_eq(s.seen, 5);
    cari_analyzer_free(a);
}

/* The first line of a sample article. */
static char *sample_first_line(void)
{
    const char *path = CARI_SOURCE_DIR "/samples/000_5aca90321db24b7b.txt";
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    char *line = malloc(8192);
    cr_assert_not_null(line);
    cr_assert_not_null(fgets(line, 8192, f));
    fclose(f);
    return line;
}

Test(analyzer, golden_first_sentence_of_a_sample)
{
    /* "MOSKOW – Presiden Rusia, Vladimir Putin, menyampaikan apresiasi mendalam
     *  kepada Korea Utara atas dukungan mereka dalam perebutan kembali ..." */
    char *line = sample_first_line();
    struct toks *r = analyze(line);
    struct {
        const char *exact, *root;
        unsigned flags;
        size_t start;
    } golden[] = {
        { "moskow", "moskow", CAP | ALLCAPS | SS, 0 }, /* no word the dictionary knows */
        /* the en dash between spaces joins nothing and ends no sentence */
        { "presiden", "presiden", CAP, 11 },
        { "rusia", "rusia", CAP, 20 },
        { "vladimir", "vladimir", CAP, 27 },
        { "putin", "putin", CAP, 36 },
        { "menyampaikan", "sampai", 0, 43 },  /* meny- -> s, -kan */
        { "apresiasi", "apresiasi", 0, 56 },  /* a headword */
        { "mendalam", "dalam", 0, 66 },       /* men- */
        { "kepada", "kepada", 0, 75 },        /* a headword, not ke-pada */
        { "korea", "korea", CAP, 82 },
        { "utara", "utara", CAP, 88 },
        { "atas", "atas", 0, 94 },
        { "dukungan", "dukung", 0, 99 },      /* -an */
        { "mereka", "mereka", 0, 108 },       /* the pronoun, not me-reka */
        { "dalam", "dalam", 0, 115 },
    };
    cr_assert_geq(r->n, 15);
    for (size_t i = 0; i < 15; i++)
        expect_tok(r, i, (uint32_t)i, golden[i].flags, golden[i].exact, golden[i].root,
                   golden[i].start, golden[i].start + strlen(golden[i].exact));
    free(line);
}

Test(analyzer, every_token_of_short_and_long_texts_comes_once_in_order)
{
    /* the analysis reads a few tokens ahead: texts shorter than that, as long
     * and longer, with compounds and numbers among the words */
    const char *words[] = { "pasukan", "Kim", "Jong-un", "10.000", "menegaskan", "teman-teman",
                            "2025", "rakyat" };
    const char *exact[][3] = { { "pasukan" },    { "kim" },  { "jong", "jong-un", "un" },
                               { "10000" },      { "menegaskan" }, { "teman-teman" },
                               { "2025" },       { "rakyat" } };
    size_t nexact[] = { 1, 1, 3, 1, 1, 1, 1, 1 };
    for (size_t n = 0; n <= 8; n++) {
        char text[256] = "";
        for (size_t i = 0; i < n; i++) {
            strcat(text, words[i]);
            strcat(text, " ");
        }
        struct toks *r = analyze(text);
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < nexact[i]; j++, k++) {
                cr_assert_lt(k, r->n, "%zu words: too few tokens", n);
                cr_assert_str_eq(r->t[k].exact, exact[i][j], "%zu words, token %zu", n, k);
            }
        cr_assert_eq(r->n, k, "%zu words: %zu tokens, expected %zu", n, r->n, k);
    }
}
