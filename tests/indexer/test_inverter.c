/* The inverter: occurrences added by term index (inverter_term, then
 * inverter_add_term) give the same postings as occurrences added by key,
 * however the two ways are mixed. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/inverter.h"
#include "indexer/run_file.h"
#include "tests/common/test_util.h"

enum { NWORDS = 60000, NDOCS = 40, PER_DOC = 3000 };

static void word(char *out, uint32_t i) { snprintf(out, 16, "w%u", i * 7919u); }

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Feeds the same occurrences to `inv`: by key, or (`by_index`) through term
 * indices looked up once per word (a word's index kept across documents). */
static void feed(inverter *inv, int by_index)
{
    uint32_t *index = malloc(NWORDS * sizeof *index);
    char *known = calloc(NWORDS, 1);
    cr_assert(index != NULL && known != NULL);
    uint32_t seed = 3;
    char key[16];
    for (uint32_t doc = 0; doc < NDOCS; doc++) {
        for (uint32_t pos = 0; pos < PER_DOC; pos++) {
            uint32_t r = next_rand(&seed);
            /* half from a few frequent words, half from many rare ones */
            uint32_t w = r % 2 ? r / 2 % 50 : r / 2 % NWORDS;
            word(key, w);
            /* by index: every third word by key anyway, to mix the two */
            if (!by_index || w % 3 == 0) {
                cr_assert_eq(inverter_add(inv, doc, key, strlen(key), pos), 0);
                continue;
            }
            if (!known[w]) {
                cr_assert_eq(inverter_term(inv, key, strlen(key), &index[w]), 0);
                known[w] = 1;
            }
            cr_assert_eq(inverter_add_term(inv, doc, index[w], pos), 0);
        }
        cr_assert_eq(inverter_end_doc(inv), 0);
    }
    free(index);
    free(known);
}

Test(inverter, terms_added_by_index_match_terms_added_by_key)
{
    char *dir = test_tmpdir();
    char *by_key = test_path(dir, "by_key.run"), *by_index = test_path(dir, "by_index.run");
    inverter a, b;
    cr_assert_eq(inverter_init(&a), 0);
    cr_assert_eq(inverter_init(&b), 0);
    feed(&a, 0);
    feed(&b, 1);
    cr_assert_eq(a.nterms, b.nterms);
    cr_assert_eq(a.postings, b.postings);
    cr_assert_gt(a.nterms, 32768, "too few terms to grow the table");
    cr_assert_eq(run_file_write(&a, by_key), 0);
    cr_assert_eq(run_file_write(&b, by_index), 0);
    size_t na, nb;
    char *x = test_read_file(by_key, &na), *y = test_read_file(by_index, &nb);
    cr_assert(x != NULL && y != NULL);
    cr_assert_eq(na, nb);
    cr_assert_eq(memcmp(x, y, na), 0, "the runs differ");
    free(x);
    free(y);
    inverter_free(&a);
    inverter_free(&b);
    test_rmtree(dir);
    free(by_key);
    free(by_index);
    free(dir);
}

Test(inverter, a_term_keeps_its_index_and_gets_every_occurrence)
{
    inverter inv;
    cr_assert_eq(inverter_init(&inv), 0);
    uint32_t i, j, again;
    cr_assert_eq(inverter_term(&inv, "kata", 4, &i), 0);
    cr_assert_eq(inverter_term(&inv, "lain", 4, &j), 0);
    cr_assert_eq(inverter_term(&inv, "kata", 4, &again), 0);
    cr_assert_eq(again, i);
    cr_assert_neq(i, j);
    cr_assert_eq(inverter_add_term(&inv, 0, i, 0), 0);
    cr_assert_eq(inverter_add_term(&inv, 0, i, 5), 0);
    cr_assert_eq(inverter_add(&inv, 0, "kata", 4, 9), 0);
    cr_assert_eq(inverter_end_doc(&inv), 0);
    cr_assert_eq(inv.postings, 1); /* kata in doc 0; lain has no occurrence */
    const struct inv_term *t = &inv.terms[i];
    /* doc gap 0, tf 3, 3 bytes of positions (gaps 0, 5, 4) */
    cr_assert_eq(t->docs.len, 3);
    cr_assert_eq(t->docs.data[0], 0);
    cr_assert_eq(t->docs.data[1], 3);
    cr_assert_eq(t->docs.data[2], 3);
    cr_assert_eq(t->positions.len, 3);
    cr_assert_eq(t->positions.data[0], 0);
    cr_assert_eq(t->positions.data[1], 5);
    cr_assert_eq(t->positions.data[2], 4);
    cr_assert_eq(inv.terms[j].docs.len, 0);
    inverter_free(&inv);
}

struct ref_key {
    char bytes[24];
    size_t len;
};

static int ref_compare(const void *a, const void *b)
{
    const struct ref_key *x = a, *y = b;
    int c = memcmp(x->bytes, y->bytes, x->len < y->len ? x->len : y->len);
    return c != 0 ? c : (x->len > y->len) - (x->len < y->len);
}

/* Terms come out in byte order (then shorter first) whatever their first
 * eight bytes share: keys over a tiny alphabet with NUL and 0xFF bytes, of
 * every length around 8, many the start of others. */
Test(inverter, sorted_terms_are_in_byte_order)
{
    static const char alphabet[] = { '\0', '\x01', 'a', 'b', '\xFF' };
    enum { NKEYS = 5000 };
    struct ref_key *keys = calloc(NKEYS, sizeof *keys);
    cr_assert_not_null(keys);
    inverter inv;
    cr_assert_eq(inverter_init(&inv), 0);
    uint32_t seed = 5;
    size_t n = 0;
    for (size_t i = 0; i < NKEYS; i++) {
        struct ref_key k = { .len = 1 + next_rand(&seed) % 14 };
        for (size_t j = 0; j < k.len; j++)
            k.bytes[j] = alphabet[next_rand(&seed) % 5];
        uint32_t index;
        size_t before = inv.nterms;
        cr_assert_eq(inverter_term(&inv, k.bytes, k.len, &index), 0);
        if (inv.nterms > before) /* a new key */
            keys[n++] = k;
    }
    cr_assert_gt(n, 1000);
    qsort(keys, n, sizeof *keys, ref_compare);
    uint32_t *order = NULL;
    cr_assert_eq(inverter_sorted_terms(&inv, &order), 0);
    for (size_t i = 0; i < n; i++) {
        const struct inv_term *t = &inv.terms[order[i]];
        cr_assert_eq(t->key_len, keys[i].len, "term %zu", i);
        cr_assert_eq(memcmp(inverter_key(&inv, t), keys[i].bytes, t->key_len), 0, "term %zu", i);
    }
    free(order);
    free(keys);
    inverter_free(&inv);
}
