/* The query language: the parsed form (cari_query_describe) of well-formed
 * queries, and the exact message of each kind of malformed one. */
#include <stdio.h>

#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void)
{
    static const struct test_doc docs[] = {
        { "d0", NULL, "kursk pyongyang" },
        { "d1", NULL, "kim jong un" },
    };
    qfix_docs(&fx, docs, sizeof docs / sizeof *docs);
}
static void teardown(void) { qfix_close(&fx); }

TestSuite(query_describe, .init = setup, .fini = teardown);
TestSuite(query_syntax, .init = setup, .fini = teardown);

/* ---- the parsed form ---- */

Test(query_describe, single_words_are_folded)
{
    assert_describe(fx.ix, "Kursk", 0, "kursk");
    assert_describe(fx.ix, "KCNA", 0, "kcna");
    assert_describe(fx.ix, "  kursk  ", 0, "kursk");
}

Test(query_describe, words_side_by_side_are_optional)
{
    assert_describe(fx.ix, "a b", 0, "(a b)");
    assert_describe(fx.ix, "a b c", 0, "(a b c)");
    assert_describe(fx.ix, "a OR b", 0, "(a b)");
    assert_describe(fx.ix, "a OR b OR c", 0, "(a b c)");
}

Test(query_describe, exclusion_and_requirement)
{
    assert_describe(fx.ix, "Kursk -Pyongyang", 0, "(kursk -pyongyang)");
    assert_describe(fx.ix, "+a b", 0, "(+a b)");
    assert_describe(fx.ix, "+a +b", 0, "(+a +b)");
    assert_describe(fx.ix, "a +b -c", 0, "(a +b -c)");
    assert_describe(fx.ix, "-c a", 0, "(-c a)");
    assert_describe(fx.ix, "+a", 0, "a");
}

Test(query_describe, and_operator)
{
    assert_describe(fx.ix, "Gerasimov AND Trump", 0, "(+gerasimov +trump)");
    assert_describe(fx.ix, "a AND b AND c", 0, "(+a +b +c)");
    assert_describe(fx.ix, "a AND -b", 0, "(+a -b)");
    assert_describe(fx.ix, "-b AND a", 0, "(-b +a)");
}

Test(query_describe, and_binds_tighter_than_or)
{
    assert_describe(fx.ix, "a OR b AND c", 0, "(a (+b +c))");
    assert_describe(fx.ix, "a AND b OR c", 0, "((+a +b) c)");
    assert_describe(fx.ix, "a AND b OR c AND d", 0, "((+a +b) (+c +d))");
    assert_describe(fx.ix, "a b AND c", 0, "(a (+b +c))");
}

Test(query_describe, not_operator)
{
    assert_describe(fx.ix, "a NOT b", 0, "(+a -b)");
    assert_describe(fx.ix, "a AND NOT b", 0, "(+a -b)");
    assert_describe(fx.ix, "a NOT b NOT c", 0, "(+a -b -c)");
    assert_describe(fx.ix, "a NOT b OR c", 0, "((+a -b) c)");
}

Test(query_describe, not_inside_parentheses)
{
    assert_describe(fx.ix, "(a NOT b) c", 0, "((+a -b) c)");
    assert_describe(fx.ix, "c (a NOT b)", 0, "(c (+a -b))");
    assert_describe(fx.ix, "c AND (a NOT b)", 0, "(+c +(+a -b))");
    assert_describe(fx.ix, "c -(a b)", 0, "(c -(a b))");
}

Test(query_describe, nested_parentheses)
{
    assert_describe(fx.ix, "((a b) (c (d e)))", 0, "((a b) (c (d e)))");
    assert_describe(fx.ix, "(a)", 0, "a");
    assert_describe(fx.ix, "((((a))))", 0, "a");
    assert_describe(fx.ix, "(a OR b) AND (c OR d)", 0, "(+(a b) +(c d))");
    assert_describe(fx.ix, "a AND (b OR (c AND d))", 0, "(+a +(b (+c +d)))");
    assert_describe(fx.ix, "(a)(b)", 0, "(a b)");
}

Test(query_describe, phrases)
{
    assert_describe(fx.ix, "\"Kim Jong Un\"", 0, "\"kim jong un\"");
    assert_describe(fx.ix, "\"Kim Jong-un\"", 0, "\"kim jong un\"");
    assert_describe(fx.ix, "\"kursk\"", 0, "kursk");
    assert_describe(fx.ix, "a\"b c\"", 0, "(a \"b c\")");
    assert_describe(fx.ix, "-\"b c\" a", 0, "(-\"b c\" a)");
    assert_describe(fx.ix, "\"korea, utara!\"", 0, "\"korea utara\"");
    /* the words of a phrase are stemmed like any word */
    assert_describe(fx.ix, "\"perundingan korea\"", 0, "\"runding korea\"");
}

Test(query_describe, hyphenated_word_is_a_phrase_plus_its_whole)
{
    /* the phrase of the parts or the whole: "Jong Un" and "Jong-un" both match */
    assert_describe(fx.ix, "jong-un", 0, "(\"jong un\" =jong-un)");
    assert_describe(fx.ix, "Jong-Un", 0, "(\"jong un\" =jong-un)");
    assert_describe(fx.ix, "kim jong-un", 0, "(kim (\"jong un\" =jong-un))");
    /* a reduplication is its base word */
    assert_describe(fx.ix, "teman-teman", 0, "teman");
}

Test(query_describe, lower_case_operators_are_words)
{
    assert_describe(fx.ix, "a and b", 0, "(a and b)");
    assert_describe(fx.ix, "a or b", 0, "(a or b)");
    assert_describe(fx.ix, "a not b", 0, "(a not b)");
    assert_describe(fx.ix, "And Or Not", 0, "(and or not)");
    assert_describe(fx.ix, "ANDROID ORANG NOTA", 0, "(android orang nota)");
}

Test(query_describe, and_flag)
{
    assert_describe(fx.ix, "a b", CARI_QUERY_AND, "(+a +b)");
    assert_describe(fx.ix, "a b c", CARI_QUERY_AND, "(+a +b +c)");
    /* AND binds tighter than OR: (a AND b) OR c */
    assert_describe(fx.ix, "a b OR c", CARI_QUERY_AND, "((+a +b) c)");
    assert_describe(fx.ix, "a OR b c", CARI_QUERY_AND, "(a (+b +c))");
    assert_describe(fx.ix, "a -b", CARI_QUERY_AND, "(+a -b)");
    assert_describe(fx.ix, "+a b", CARI_QUERY_AND, "(+a +b)");
    assert_describe(fx.ix, "a NOT b", CARI_QUERY_AND, "(+a -b)");
    assert_describe(fx.ix, "(a b) c", CARI_QUERY_AND, "(+(+a +b) +c)");
    assert_describe(fx.ix, "kursk", CARI_QUERY_AND, "kursk");
}

Test(query_describe, words_that_analyse_to_nothing_are_dropped)
{
    assert_describe(fx.ix, "kursk --", 0, "kursk");
    assert_describe(fx.ix, "... kursk", 0, "kursk");
    assert_describe(fx.ix, "kursk - pyongyang", 0, "(kursk pyongyang)");
    assert_describe(fx.ix, "a ... b", CARI_QUERY_AND, "(+a +b)");
    assert_describe(fx.ix, "\"\" kursk", 0, "kursk");
    assert_describe(fx.ix, "a AND ...", 0, "a");
}

Test(query_describe, stemming_gives_the_dictionary_root)
{
    assert_describe(fx.ix, "perundingan", 0, "runding");
    assert_describe(fx.ix, "berunding", 0, "runding");
    assert_describe(fx.ix, "selatan", 0, "selatan"); /* a headword, not selat-an */
    assert_describe(fx.ix, "Kediri", 0, "kediri");   /* no ke-diri */
    assert_describe(fx.ix, "kursk", 0, "kursk");
    /* numbers are not stemmed but normalised */
    assert_describe(fx.ix, "10.000", 0, "10000");
}

Test(query_describe, stop_words_are_left_out)
{
    /* a question's function words are in no answer, or in every document */
    assert_describe(fx.ix, "Siapakah pendiri PBB?", 0, "(diri pbb)");
    assert_describe(fx.ix, "kapan kursk DIREBUT", CARI_QUERY_AND, "(+kursk +rebut)");
    /* unless quoted, prefixed, asked for, or all the query has */
    assert_describe(fx.ix, "\"yang di\" kursk", 0, "(\"yang di\" kursk)");
    assert_describe(fx.ix, "+yang -di kursk", 0, "(+yang -di kursk)");
    assert_describe(fx.ix, "apa kursk", CARI_QUERY_KEEP_STOPWORDS, "(apa kursk)");
    assert_describe(fx.ix, "yang di?", 0, "(yang di)");
    assert_describe(fx.ix, "kursk AND (yang di)", 0, "kursk"); /* a group of them too */
    /* only whole words: yangon, di-, apakah-apakah are no stop words */
    assert_describe(fx.ix, "yangon kursk", 0, "(yangon kursk)");
}

Test(query_describe, describe_is_stable_and_owned_by_the_query)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, "a OR b AND c", 12, 0), 0);
    const char *d1 = cari_query_describe(q), *d2 = cari_query_describe(q);
    cr_assert_eq(d1, d2);
    cr_assert_str_eq(d1, "(a (+b +c))");
    cari_query_free(q);
    cari_query_free(NULL);
}

Test(query_describe, length_is_honoured_not_the_nul)
{
    cari_query *q;
    /* only the first five bytes: "kursk" */
    cr_assert_eq(cari_query_parse(&q, fx.ix, "kursk pyongyang", 5, 0), 0);
    cr_assert_str_eq(cari_query_describe(q), "kursk");
    cari_query_free(q);
    /* and a query that is not NUL-terminated at all */
    char buf[4] = { 'a', ' ', 'b', 'X' };
    cr_assert_eq(cari_query_parse(&q, fx.ix, buf, 3, 0), 0);
    cr_assert_str_eq(cari_query_describe(q), "(a b)");
    cari_query_free(q);
}

/* ---- malformed queries ---- */

static void assert_syntax_n(const char *text, size_t len, unsigned flags, const char *msg)
{
    cari_query *q = (cari_query *)1;
    int rc = cari_query_parse(&q, fx.ix, text, len, flags);
    cr_assert_eq(rc, CARI_ESYNTAX, "<%.60s>: rc %d, want CARI_ESYNTAX", text, rc);
    cr_assert_null(q, "<%.60s>: *out must be NULL on failure", text);
    cr_assert_str_eq(cari_error_last(), msg, "<%.60s>: message <%s>, want <%s>", text,
                     cari_error_last(), msg);
}

static void assert_syntax(const char *text, const char *msg)
{
    assert_syntax_n(text, strlen(text), 0, msg);
}

Test(query_syntax, unclosed_quote)
{
    assert_syntax("\"Kim Jong", "query error at byte 0: the quote is never closed");
    assert_syntax("kursk \"Kim Jong", "query error at byte 6: the quote is never closed");
    assert_syntax("\"a\" \"b", "query error at byte 4: the quote is never closed");
}

Test(query_syntax, unbalanced_parentheses)
{
    assert_syntax("(a b", "query error at byte 0: '(' is never closed");
    assert_syntax("x (a (b)", "query error at byte 2: '(' is never closed");
    assert_syntax("a b)", "query error at byte 3: ')' without a matching '('");
    assert_syntax("a ) b", "query error at byte 2: ')' without a matching '('");
    assert_syntax(")", "query error at byte 0: ')' without a matching '('");
    assert_syntax(")(", "query error at byte 0: ')' without a matching '('");
    assert_syntax("a (", "query error at byte 3: a word is missing at the end");
}

Test(query_syntax, operators_without_operands)
{
    assert_syntax("a AND", "query error at byte 5: a word is missing at the end");
    assert_syntax("AND a", "query error at byte 0: AND needs a word on each side");
    assert_syntax("a OR OR b", "query error at byte 5: OR needs a word on each side");
    assert_syntax("OR", "query error at byte 0: OR needs a word on each side");
    assert_syntax("a OR", "query error at byte 4: a word is missing at the end");
    assert_syntax("a AND OR b", "query error at byte 6: OR needs a word on each side");
    assert_syntax("a NOT", "query error at byte 5: a word is missing at the end");
    assert_syntax("NOT", "query error at byte 3: a word is missing at the end");
    assert_syntax("a NOT NOT b", "query error at byte 6: two operators in a row");
    assert_syntax("+-a", "query error at byte 1: two operators in a row");
}

/* An operator right before ')': the ')' does have its '(' - the message must
 * blame the operator, not call the parenthesis unmatched. */
Test(query_syntax, operator_before_closing_parenthesis)
{
    const char *queries[] = { "(a AND)", "(a OR)", "(a NOT)", "x (a AND) y" };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        cari_query *q;
        int rc = cari_query_parse(&q, fx.ix, queries[i], strlen(queries[i]), 0);
        cr_assert_eq(rc, CARI_ESYNTAX, "<%s>", queries[i]);
        cr_expect_null(strstr(cari_error_last(), "without a matching"),
                       "<%s>: the ')' is matched, yet the message is <%s>", queries[i],
                       cari_error_last());
        cr_expect(strstr(cari_error_last(), "query error at byte ") == cari_error_last(), "<%s>: %s",
                  queries[i], cari_error_last());
    }
}

Test(query_syntax, empty_parentheses)
{
    assert_syntax("()", "query error at byte 0: empty parentheses");
    assert_syntax("a ( )", "query error at byte 2: empty parentheses");
}

Test(query_syntax, only_exclusions)
{
    const char *msg = "the query only excludes words; add one to search for";
    assert_syntax("-a", msg);
    assert_syntax("-a -b", msg);
    assert_syntax("NOT a", msg);
    assert_syntax("-\"kim jong\"", msg);
    assert_syntax("-a ...", msg);
    /* with CARI_QUERY_AND the two exclusions form an AND group */
    assert_syntax_n("-a -b", 5, CARI_QUERY_AND,
                    "query error at byte 0: AND needs a word that is not excluded");
}

Test(query_syntax, group_of_only_exclusions)
{
    assert_syntax("(-a) b", "query error at byte 0: a group needs a word that is not excluded");
    assert_syntax("b (-a -c)", "query error at byte 2: a group needs a word that is not excluded");
    assert_syntax("-a AND -b", "query error at byte 0: AND needs a word that is not excluded");
    assert_syntax("x OR -a AND -b", "query error at byte 5: AND needs a word that is not excluded");
}

Test(query_syntax, nothing_to_search_for)
{
    assert_syntax("", "empty query");
    assert_syntax("    \t\n ", "empty query");
    assert_syntax("-- ...", "the query has no word to search for");
    assert_syntax("\"\"", "the query has no word to search for");
    assert_syntax("(...)", "the query has no word to search for");
}

Test(query_syntax, null_and_empty_arguments)
{
    cari_query *q = (cari_query *)1;
    cr_assert_eq(cari_query_parse(&q, NULL, "a", 1, 0), CARI_EINVAL);
    cr_assert_null(q);
    q = (cari_query *)1;
    cr_assert_eq(cari_query_parse(&q, fx.ix, NULL, 3, 0), CARI_EINVAL);
    cr_assert_null(q);
    q = (cari_query *)1;
    cr_assert_eq(cari_query_parse(&q, fx.ix, NULL, 0, 0), CARI_ESYNTAX);
    cr_assert_str_eq(cari_error_last(), "empty query");
    cr_assert_null(q);
}

Test(query_syntax, deep_nesting_is_an_error_not_a_crash)
{
    enum { DEPTH = 10000 };
    char *s = malloc(2 * DEPTH + 2);
    memset(s, '(', DEPTH);
    s[DEPTH] = 'a';
    memset(s + DEPTH + 1, ')', DEPTH);
    s[2 * DEPTH + 1] = '\0';
    assert_syntax(s, "query error at byte 200: parentheses nested too deeply (at most 200)");
    free(s);
}

Test(query_syntax, nesting_up_to_the_limit_parses)
{
    enum { LIMIT = 200 };
    char s[2 * (LIMIT + 1) + 2];
    memset(s, '(', LIMIT);
    s[LIMIT] = 'a';
    memset(s + LIMIT + 1, ')', LIMIT);
    s[2 * LIMIT + 1] = '\0';
    assert_describe(fx.ix, s, 0, "a");
    /* one level more is too deep */
    memset(s, '(', LIMIT + 1);
    s[LIMIT + 1] = 'a';
    memset(s + LIMIT + 2, ')', LIMIT + 1);
    s[2 * LIMIT + 3] = '\0';
    assert_syntax(s, "query error at byte 200: parentheses nested too deeply (at most 200)");
    /* sequential groups do not add up */
    char seq[3 * 300 + 1];
    for (int i = 0; i < 300; i++)
        memcpy(seq + 3 * i, "(a)", 3);
    seq[900] = '\0';
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, seq, 900, 0), 0, "%s", cari_error_last());
    cari_query_free(q);
}

/* "w00000 w00001 ..." */
static char *many_words(size_t n, size_t *len)
{
    char *s = malloc(n * 7 + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        at += (size_t)sprintf(s + at, "%sw%05zu", i ? " " : "", i);
    *len = at;
    return s;
}

Test(query_syntax, clause_limit_is_16384_words)
{
    size_t len;
    char *s = many_words(16384, &len);
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, s, len, 0), 0, "%s", cari_error_last());
    cari_query_free(q);
    free(s);
    s = many_words(16385, &len);
    assert_syntax_n(s, len, 0, "query error at byte 114688: more than 16384 words");
    free(s);
}

Test(query_syntax, ten_thousand_distinct_words_search)
{
    size_t len;
    char *words = many_words(10000, &len);
    char *s = malloc(len + 32);
    sprintf(s, "%s kursk", words);
    cari_results *r = qsearch(fx.ix, s, 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 1);
    cr_assert_str_eq(TEST_DOC_ID(fx.ix, cari_results_doc(r, 0)), "d0");
    cari_results_free(r);
    free(words);
    free(s);
}

Test(query_syntax, hundred_thousand_byte_queries)
{
    enum { N = 100000 };
    char *s = malloc(N + 1);
    /* one word of 100,000 letters: the analyzer cuts it into 128-byte tokens,
     * a phrase of 782 words: too long a phrase */
    memset(s, 'a', N);
    s[N] = '\0';
    assert_syntax(s, "query error at byte 0: more than 128 words in one phrase");
    /* 100,000 bytes of punctuation and one word */
    memset(s, '.', N);
    memcpy(s + N / 2, " kursk ", 7);
    cari_results *r = qsearch(fx.ix, s, 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 1);
    cari_results_free(r);
    /* 100,000 bytes of words of ten bytes (10,000 clauses) */
    for (size_t i = 0; i < N / 10; i++)
        sprintf(s + 10 * i, "%s%05zux ", i % 2 ? "pyo" : "kur", i);
    s[N - 1] = 'z';
    r = qsearch(fx.ix, s, 0, NULL, NULL);
    cr_assert_eq(cari_results_count(r), 0);
    cari_results_free(r);
    /* a quote opened at the start and never closed */
    memset(s, 'b', N);
    s[0] = '"';
    assert_syntax(s, "query error at byte 0: the quote is never closed");
    free(s);
}
