/* Snippets: markers around matched words, one line, ellipses at cut ends,
 * the length of the shown text, documents without matches or without text. */
#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void) { qfix_samples(&fx); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(snippet, .init = setup, .fini = teardown);

#define ELLIPSIS "\xE2\x80\xA6"

/* The snippet of sample `doc` for `query`; caller frees. */
static char *snippet_of(const cari_index *ix, const char *query, uint32_t doc,
                        const cari_snippet_opts *o)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, ix, query, strlen(query), 0), 0, "%s", cari_error_last());
    cari_document *d;
    cr_assert_eq(cari_document_get(&d, ix, doc), 0, "%s", cari_error_last());
    char *s = NULL;
    size_t len = 0;
    cr_assert_eq(cari_snippet(&s, &len, q, d, o), 0, "%s", cari_error_last());
    cr_assert_not_null(s);
    cr_assert_eq(strlen(s), len, "out_len %zu, strlen %zu", len, strlen(s));
    cari_document_free(d);
    cari_query_free(q);
    return s;
}

/* Removes every occurrence of `what` from s, in place. */
static void remove_all(char *s, const char *what)
{
    size_t n = strlen(what);
    if (n == 0)
        return;
    char *p;
    while ((p = strstr(s, what)) != NULL)
        memmove(p, p + n, strlen(p + n) + 1);
}

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
        if (n < 0)
            return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

Test(snippet, default_markers_and_ellipses)
{
    char *s = snippet_of(fx.ix, "Kursk", 2, NULL);
    cr_assert_not_null(strstr(s, "[Kursk]"), "%s", s);
    cr_assert_null(strchr(s, '\n'), "%s", s);
    cr_assert(starts_with(s, ELLIPSIS), "cut at the start: %s", s);
    cr_assert(ends_with(s, ELLIPSIS), "cut at the end: %s", s);
    cr_assert(valid_utf8(s));
    /* the match is shown with up to 40 bytes before it, starting on a whole word */
    cr_assert(starts_with(s, ELLIPSIS "mengalahkan pasukan Ukraina di Wilayah [Kursk]."), "%s", s);
    free(s);
}

Test(snippet, exact_snippet_of_a_sample)
{
    char *s = snippet_of(fx.ix, "Peskov", 0, NULL);
    /* about 40 bytes of lead, starting on a word boundary */
    cr_assert(starts_with(s, ELLIPSIS "ujar juru bicara Kremlin, Dmitry [Peskov]. [Peskov] menambahkan"),
              "%s", s);
    free(s);
}

Test(snippet, every_occurrence_in_the_shown_text_is_marked)
{
    /* 002 names Kursk twice within 200 bytes, 000 Peskov twice in a row: the
     * snippet shows both, so both must be marked */
    struct {
        uint32_t doc;
        const char *query, *word;
    } cases[] = { { 2, "Kursk", "Kursk" }, { 0, "Peskov", "Peskov" }, { 3, "Trump", "Trump" } };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char *s = snippet_of(fx.ix, cases[c].query, cases[c].doc, NULL);
        size_t n = strlen(cases[c].word);
        int occurrences = 0;
        for (const char *p = s; (p = strstr(p, cases[c].word)) != NULL; p += n) {
            occurrences++;
            cr_expect(p > s && p[-1] == '[' && p[n] == ']', "doc %u: an unmarked %s in <%s>",
                      cases[c].doc, cases[c].word, s);
        }
        cr_assert_geq(occurrences, 2, "doc %u: %s", cases[c].doc, s);
        free(s);
    }
}

Test(snippet, custom_markers_and_ellipsis)
{
    cari_snippet_opts o = CARI_SNIPPET_OPTS_INIT;
    o.open = "<b>";
    o.close = "</b>";
    o.ellipsis = "...";
    char *s = snippet_of(fx.ix, "Kursk", 2, &o);
    cr_assert_not_null(strstr(s, "<b>Kursk</b>"), "%s", s);
    cr_assert_null(strchr(s, '['));
    cr_assert_null(strstr(s, ELLIPSIS));
    cr_assert(starts_with(s, "..."), "%s", s);
    cr_assert(ends_with(s, "..."), "%s", s);
    free(s);
    /* empty markers give the plain text */
    o.open = o.close = o.ellipsis = "";
    s = snippet_of(fx.ix, "Kursk", 2, &o);
    cr_assert(starts_with(s, "mengalahkan pasukan Ukraina di Wilayah Kursk."), "%s", s);
    free(s);
}

Test(snippet, several_words_and_phrases_are_marked)
{
    char *s = snippet_of(fx.ix, "\"Kim Jong Un\"", 4, NULL);
    cr_assert_not_null(strstr(s, "[Kim] [Jong] [Un]"), "%s", s);
    free(s);
    /* a hyphenated query word marks the whole spelling */
    s = snippet_of(fx.ix, "jong-un", 3, NULL);
    cr_assert_not_null(strstr(s, "[Jong-un]"), "%s", s);
    free(s);
    /* stemmed forms are marked as written */
    s = snippet_of(fx.ix, "berunding", 0, NULL);
    cr_assert_not_null(strstr(s, "[perundingan]"), "%s", s);
    free(s);
    /* the window with the most distinct words wins */
    s = snippet_of(fx.ix, "Gerasimov Kursk", 0, NULL);
    cr_assert_not_null(strstr(s, "[Gerasimov]"), "%s", s);
    cr_assert_not_null(strstr(s, "[Kursk]"), "%s", s);
    free(s);
}

Test(snippet, excluded_words_are_not_marked)
{
    char *s = snippet_of(fx.ix, "Ukraina -Kursk", 2, NULL);
    cr_assert_not_null(strstr(s, "[Ukraina]"), "%s", s);
    cr_assert_null(strstr(s, "[Kursk]"), "%s", s);
    free(s);
}

Test(snippet, shown_text_is_near_max_bytes)
{
    size_t maxes[] = { 40, 60, 100, 150, 200, 333, 500 };
    const char *queries[] = { "Kursk", "Putin Korea", "Peskov", "zzzz", "Trump" };
    for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++)
        for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
            for (uint32_t doc = 0; doc < 5; doc++) {
                cari_snippet_opts o = CARI_SNIPPET_OPTS_INIT;
                o.max_bytes = maxes[m];
                char *s = snippet_of(fx.ix, queries[qi], doc, &o);
                cr_assert_null(strchr(s, '\n'), "%s", s);
                cr_assert_null(strchr(s, '\r'), "%s", s);
                cr_assert(valid_utf8(s), "max %zu <%s> doc %u: invalid UTF-8", maxes[m], queries[qi], doc);
                cr_assert_null(strstr(s, "  "), "spaces collapse: %s", s);
                int cut_at_end = ends_with(s, ELLIPSIS);
                remove_all(s, ELLIPSIS);
                remove_all(s, "[");
                remove_all(s, "]");
                size_t len = strlen(s);
                cr_assert_leq(len, maxes[m], "max %zu <%s> doc %u: %zu bytes: %s", maxes[m],
                              queries[qi], doc, len, s);
                /* (a snippet that runs to the end of the text may be shorter:
                 * see match_near_the_end_still_fills_max_bytes) */
                if (cut_at_end)
                    cr_assert_geq(len, maxes[m] - maxes[m] / 4 - 4,
                                  "max %zu <%s> doc %u: %zu bytes: %s", maxes[m], queries[qi], doc,
                                  len, s);
                free(s);
            }
}

/* A match near the end of a long text: the window should reach back so that
 * about max_bytes of text are shown, not stop short at the end of the text.
 * (000 ends "...antara Putin dan Donald Trump, namun menyatakan perundingan
 * semacam itu dapat disetujui jika dibutuhkan.", 2604 bytes in all.) */
Test(snippet, match_near_the_end_still_fills_max_bytes)
{
    char *s = snippet_of(fx.ix, "Trump", 0, NULL);
    cr_assert_not_null(strstr(s, "[Trump]"), "%s", s);
    cr_assert(ends_with(s, "jika dibutuhkan."), "the text's end is shown: %s", s);
    cr_assert(starts_with(s, ELLIPSIS), "%s", s);
    remove_all(s, ELLIPSIS);
    remove_all(s, "[");
    remove_all(s, "]");
    cr_expect_geq(strlen(s), 200 - 200 / 4, "only %zu of 200 bytes shown: <%s>", strlen(s), s);
    free(s);
}

Test(snippet, document_without_a_match_shows_its_beginning)
{
    char *s = snippet_of(fx.ix, "Peskov", 2, NULL);
    cr_assert(starts_with(s, "Moskow (ANTARA) - Presiden Rusia Vladimir Putin pada Senin"), "%s", s);
    cr_assert_null(strchr(s, '['));
    cr_assert(ends_with(s, ELLIPSIS));
    free(s);
    /* 003: its text, not its title */
    s = snippet_of(fx.ix, "zzzz", 3, NULL);
    cr_assert(starts_with(s, "Presiden Rusia, Vladimir Putin, menyampaikan"), "%s", s);
    free(s);
}

/* Documents built inline: exact snippets. */
Test(snippet, exact_short_snippets)
{
    static const struct test_doc docs[] = {
        { "s0", NULL, "Presiden Rusia\nmenyampaikan   terima kasih\r\n\tkepada Korea Utara." },
        { "s1", "Judul kursk saja", NULL },
        { "s2", "Judul", "teks tanpa kata itu" },
        { "s3", NULL, "" },
        { "s4", NULL, "  \n  korea di awal, dengan spasi  \n" },
    };
    struct qfix f;
    qfix_docs(&f, docs, sizeof docs / sizeof *docs);
    /* the whole text (64 bytes) fits in 200: all of it, no ellipsis */
    char *s = snippet_of(f.ix, "korea utara", 0, NULL);
    cr_expect_str_eq(s, "Presiden Rusia menyampaikan terima kasih kepada [Korea] [Utara].");
    free(s);
    /* no text: the title */
    s = snippet_of(f.ix, "kursk", 1, NULL);
    cr_assert_str_eq(s, "Judul [kursk] saja");
    free(s);
    /* a text without the word: its beginning, the title is not used */
    s = snippet_of(f.ix, "judul", 2, NULL);
    cr_assert_str_eq(s, "teks tanpa kata itu");
    free(s);
    /* a document with nothing stored */
    s = snippet_of(f.ix, "korea", 3, NULL);
    cr_assert_str_eq(s, "");
    free(s);
    /* leading and trailing space is dropped */
    s = snippet_of(f.ix, "korea", 4, NULL);
    cr_expect_str_eq(s, "[korea] di awal, dengan spasi", "nothing but spaces was cut: no ellipsis");
    free(s);
    qfix_close(&f);
}

Test(snippet, multibyte_text_is_never_cut_inside_a_character)
{
    /* no spaces to cut at: 2-, 3- and 4-byte characters */
    char text[3000] = "";
    for (int i = 0; i < 150; i++)
        strcat(text, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"); /* é € 😀 */
    strcat(text, " kursk ");
    for (int i = 0; i < 150; i++)
        strcat(text, "\xE2\x82\xAC" "a");
    struct test_doc docs[] = { { "m", NULL, text } };
    struct qfix f;
    qfix_docs(&f, docs, 1);
    for (size_t max = 1; max <= 64; max++) {
        cari_snippet_opts o = CARI_SNIPPET_OPTS_INIT;
        o.max_bytes = max;
        o.ellipsis = "~";
        const char *queries[] = { "kursk", "zzzz" };
        for (int qi = 0; qi < 2; qi++) {
            char *s = snippet_of(f.ix, queries[qi], 0, &o);
            cr_expect(valid_utf8(s), "max_bytes %zu <%s>: invalid UTF-8 <%s>", max, queries[qi], s);
            remove_all(s, "~");
            remove_all(s, "[");
            remove_all(s, "]");
            if (max >= 4) /* below, one character may not fit at all */
                cr_expect_leq(strlen(s), max, "max_bytes %zu <%s>: %zu bytes", max, queries[qi],
                              strlen(s));
            free(s);
        }
    }
    qfix_close(&f);
}

Test(snippet, null_arguments)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, "kursk", 5, 0), 0);
    char *s = (char *)1;
    cr_assert_eq(cari_snippet(&s, NULL, q, NULL, NULL), CARI_EINVAL);
    cr_assert_null(s);
    cari_document *d;
    cr_assert_eq(cari_document_get(&d, fx.ix, 0), 0);
    cr_assert_eq(cari_snippet(&s, NULL, NULL, d, NULL), CARI_EINVAL);
    /* out_len may be NULL */
    cr_assert_eq(cari_snippet(&s, NULL, q, d, NULL), 0);
    cr_assert_not_null(strstr(s, "[Kursk]"));
    cari_free(s);
    cari_document_free(d);
    cari_query_free(q);
}

/* A text of `filler` bytes of "kata " between `head` and `tail`. */
static char *long_text(const char *head, size_t filler, const char *tail)
{
    char *t = malloc(strlen(head) + filler + strlen(tail) + 8);
    strcpy(t, head);
    size_t n = strlen(t);
    for (size_t i = 0; i < filler / 5; i++, n += 5)
        memcpy(t + n, "kata ", 5);
    strcpy(t + n, tail);
    return t;
}

Test(snippet, analysis_stops_a_few_kilobytes_past_the_first_match)
{
    /* beta stands 6 KB after alfa: a window with both would be better, but
     * the snippet looks only 4 KB past the first match, so a 1 MB text costs
     * no more than a short one */
    char *near = long_text("alfa ", 1000, "beta akhir"), *far = long_text("alfa ", 6000, "beta akhir");
    struct test_doc docs[] = { { "near", NULL, near }, { "far", NULL, far } };
    struct qfix f;
    qfix_docs(&f, docs, 2);
    char *s = snippet_of(f.ix, "alfa beta", 0, NULL);
    cr_assert(starts_with(s, "[alfa] kata"), "%s", s);
    free(s);
    s = snippet_of(f.ix, "beta alfa", 1, NULL);
    cr_assert(starts_with(s, "[alfa] kata"), "%s", s);
    cr_assert_null(strstr(s, "beta"), "%s", s);
    free(s);
    qfix_close(&f);
    free(near);
    free(far);
}

Test(snippet, a_match_beyond_64_kilobytes_shows_the_beginning)
{
    /* as Lucene's highlighter, which analyses at most 50 KiB: deeper matches are not searched for */
    char *deep = long_text("Awal teks ", 70 * 1024, "gama"), *shallow = long_text("Awal ", 60 * 1024, "gama");
    struct test_doc docs[] = { { "deep", NULL, deep }, { "shallow", NULL, shallow } };
    struct qfix f;
    qfix_docs(&f, docs, 2);
    char *s = snippet_of(f.ix, "gama", 0, NULL);
    cr_assert(starts_with(s, "Awal teks kata kata"), "%s", s);
    cr_assert_null(strchr(s, '['), "%s", s);
    free(s);
    s = snippet_of(f.ix, "gama", 1, NULL);
    cr_assert(ends_with(s, "kata [gama]"), "found within 64 KiB: %s", s);
    free(s);
    qfix_close(&f);
    free(deep);
    free(shallow);
}
