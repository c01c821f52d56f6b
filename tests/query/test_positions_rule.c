/* Which keys a token is indexed under (docs/FORMAT.md, "Terms and
 * namespaces"): an inflected word under its root key alone, a word that is
 * its own root and a whole hyphenated form under their exact key; every term
 * has positions, and phrases of inflected words match through their roots. */
#include "core/format.h"
#include "core/norms.h"
#include "core/rice.h"
#include "query/postings_cursor.h"
#include "query/termdict_reader.h"
#include "tests/query/query_fixture.h"

static struct qfix fx;

static void setup(void) { qfix_samples(&fx); }
static void teardown(void) { qfix_close(&fx); }

TestSuite(positions_rule, .init = setup, .fini = teardown);

static struct term_entry entry(const char *key, size_t len)
{
    struct term_entry e;
    cr_assert_eq(termdict_find(fx.ix, key, len, &e), 0, "%.*s", (int)len, key);
    cr_assert_gt(e.cf, 0);
    return e;
}

Test(positions_rule, inflected_words_have_no_key_of_their_own)
{
    /* menyampaikan: root sampai; teman-teman: a reduplication of teman */
    const char *inflected[] = { "menyampaikan", "mengusir", "teman-teman", "rekan-rekan" };
    struct term_entry e;
    for (size_t i = 0; i < sizeof inflected / sizeof *inflected; i++)
        cr_assert_eq(termdict_find(fx.ix, inflected[i], strlen(inflected[i]), &e), CARI_ENOTFOUND,
                     "%s", inflected[i]);
}

Test(positions_rule, roots_own_roots_and_whole_forms_have_them)
{
    const char *keys[] = { "sampai\x01", "usir\x01", "teman\x01", "korea", "kim", "jong-un",
                           "rusia-ukraina", "2025-04-28" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        struct term_entry e = entry(keys[i], strlen(keys[i]));
        cr_assert_gt(e.positions_len, 0, "%s", keys[i]);
    }
}

Test(positions_rule, every_term_has_positions)
{
    uint32_t terms = 0;
    for (uint32_t b = 0; b < fx.ix->nblocks; b++) {
        term_block_reader r;
        struct term_entry e;
        int rc;
        cr_assert_eq(term_block_start(&r, fx.ix, b), 0);
        while ((rc = term_block_next(&r, &e)) == 0) {
            cr_assert_gt(e.positions_len, 0, "%.*s", (int)r.key_len, r.key);
            terms++;
        }
        cr_assert_eq(rc, CARI_ITEROVER);
    }
    cr_assert_eq(terms, fx.ix->nterms);
}

Test(positions_rule, phrases_of_inflected_words_still_match)
{
    /* every sample writes "menyampaikan" but 004 (which has no form of sampai) */
    assert_hits_sorted(fx.ix, "\"menyampaikan\"", 0,
                       S000 "," S001 "," S002 "," S003);
    assert_hits_sorted(fx.ix, "\"mengusir pasukan\"", 0, S000 "," S001);
    assert_hits_sorted(fx.ix, "\"teman-teman\"", 0, S000 "," S002);
    cr_assert_eq(cari_index_verify(fx.ix), 0, "%s", cari_error_last());
}

struct roots_check {
    cari_analyzer *a;
    size_t roots;
};

static int root_of_root(const cari_token *t, void *payload)
{
    char *root = payload;
    cr_assert(t->root_len == strlen(root) && memcmp(t->root, root, t->root_len) == 0,
              "the root of %s is %.*s", root, (int)t->root_len, t->root);
    return 0;
}

static int check_root(const cari_token *t, void *payload)
{
    struct roots_check *c = payload;
    if (t->root_len == t->exact_len && memcmp(t->root, t->exact, t->exact_len) == 0)
        return 0;
    char root[FORMAT_MAX_KEY];
    memcpy(root, t->root, t->root_len);
    root[t->root_len] = '\0';
    c->roots++;
    return cari_analyze(c->a, root, t->root_len, root_of_root, root);
}

/* Why the exact key a query word reads for positions always has them: that
 * key is the word's root, and a root's tokens have it as their own root (so
 * they are indexed with positions). */
Test(positions_rule, a_root_is_its_own_root)
{
    static const char *const samples[] = { S000, S001, S002, S003, S004 };
    struct roots_check c = { NULL, 0 };
    cr_assert_eq(cari_analyzer_new(&c.a), 0);
    for (size_t i = 0; i < 5; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.txt", TEST_SAMPLES, samples[i]);
        size_t len;
        char *text = test_read_file(path, &len);
        cr_assert_not_null(text);
        cr_assert_eq(cari_analyze(c.a, text, len, check_root, &c), 0);
        free(text);
    }
    cr_assert_gt(c.roots, 300, "inflected tokens checked: %zu", c.roots);
    cari_analyzer_free(c.a);
}

/* docs/FORMAT.md is the contract: it names this version and says what the
 * reader and writer do with positions. */
Test(positions_rule, format_md_describes_version_4_positions)
{
    char *doc = test_read_file(CARI_SOURCE_DIR "/docs/FORMAT.md", NULL);
    cr_assert_not_null(doc);
    char want[64];
    snprintf(want, sizeof want, "# cari index format, version %d\n", FORMAT_VERSION);
    cr_assert(strncmp(doc, want, strlen(want)) == 0, "FORMAT.md does not start with %s", want);
    cr_assert_eq(FORMAT_VERSION, 8); /* positions as version 4 codes them */
    const char *musts[] = {
        "is indexed under the root key alone",
        "Every term has positions.",
        "k = max(0, floor(log2(x)) - floor(log2(tf)))",
        "x = floor(11 * (L + 1) / 16)",
        "- the **quotients**, in value order, forward from bit 0: each as that many\n  0 bits followed by a 1 bit;",
        "- the **low parts**, in value order, backward from the run's last bit",
        "its first position, then each difference to\nthe previous position less one",
    };
    for (size_t i = 0; i < sizeof musts / sizeof *musts; i++)
        cr_assert(strstr(doc, musts[i]) != NULL, "FORMAT.md lacks: %s", musts[i]);
    cr_assert_eq(RICE_MAX_K, 31);
    /* the formula as written, against the one the code computes */
    for (uint32_t len = 0; len < 3000; len += 7)
        for (uint32_t tf = 1; tf < 40; tf++) {
            uint64_t x = 11 * ((uint64_t)norm_decode(norm_encode(len)) + 1) / 16;
            int k = (x >= 2 ? 63 - __builtin_clzll(x) : 0) - (31 - __builtin_clz(tf));
            cr_assert_eq(rice_doc_k(norm_encode(len), tf), k > 0 ? (unsigned)k : 0, "len %u tf %u",
                         len, tf);
        }
    free(doc);
}
