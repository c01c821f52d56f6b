/* The dictionary entry of FORMAT.md TERM_BLOCKS byte for byte: the one-byte
 * key lengths and their escape, the counts that are left out (cf == df,
 * max_tf of df 1 and of frequencies 1, the inline document of df 1), read
 * back as written; and damaged entries refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "indexer/termdict_writer.h"
#include "query/termdict_reader.h"

enum { NDOCS = 300 };

struct dict {
    buf blocks, index;
    uint8_t postings[64], positions[64];
    cari_index ix;
};

static const char long_key[] = "bbbbbbbbbbbbbbbbbbbb"; /* 20 bytes: the escape */

static const struct term_info infos[] = {
    { .df = 1, .max_tf = 1, .cf = 1, .doc = 5, .positions_len = 3 },
    { .df = 1, .max_tf = 4, .cf = 4, .doc = 200, .positions_len = 2 },
    { .df = 2, .max_tf = 1, .cf = 2, .postings_len = 7, .positions_len = 0 },
    { .df = 3, .max_tf = 5, .cf = 9, .postings_len = 9, .positions_len = 11 },
    { .df = 3, .max_tf = 5, .cf = 9, .group_df = 4, .postings_len = 9, .positions_len = 11 },
};

static void key_of(int i, char *key, size_t *len)
{
    static const char *const short_keys[] = { "aku", "akua" };
    if (i < 2) {
        *len = strlen(short_keys[i]);
        memcpy(key, short_keys[i], *len);
        return;
    }
    memcpy(key, long_key, 20);
    *len = 20;
    if (i >= 3)
        key[(*len)++] = 'x';
    if (i == 4)
        key[(*len)++] = FORMAT_ROOT_MARK;
}

static void build(struct dict *d)
{
    memset(d, 0, sizeof *d);
    termdict_writer tw;
    termdict_writer_init(&tw);
    for (int i = 0; i < 5; i++) {
        char key[FORMAT_MAX_KEY];
        size_t len;
        key_of(i, key, &len);
        cr_assert_eq(termdict_writer_add(&tw, key, len, &infos[i]), 0);
    }
    termdict_writer_index(&tw, &d->index);
    buf_append(&d->blocks, tw.blocks.data, tw.blocks.len);
    termdict_writer_free(&tw);
    d->ix.path = "test";
    d->ix.ndocs = NDOCS;
    d->ix.nterms = 5;
    d->ix.nblocks = 1;
    d->ix.sec[SECTION_TERM_BLOCKS] = (struct section_view){ d->blocks.data, 0, d->blocks.len, 0, 1 };
    d->ix.sec[SECTION_TERM_INDEX] = (struct section_view){ d->index.data, 0, d->index.len, 0, 1 };
    d->ix.sec[SECTION_POSTINGS] = (struct section_view){ d->postings, 0, 25, 0, 1 };
    d->ix.sec[SECTION_POSITIONS] = (struct section_view){ d->positions, 0, 27, 0, 1 };
}

static void free_dict(struct dict *d)
{
    buf_free(&d->blocks);
    buf_free(&d->index);
}

Test(termdict_entry, bytes_as_the_format_says)
{
    struct dict d;
    build(&d);
    static const uint8_t want[] = {
        0, 0,                                  /* postings_base, positions_base */
        0x03, 'a', 'k', 'u', 1 << 1 | 1, 5, 3, /* df 1, cf 1: the doc, positions_length */
        0x31, 'a', 1 << 1, 4 - 1 - 1, 0xC8, 0x01, 2, /* cf 4, doc 200: max_tf is cf */
        0xF0, 0, 20, 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b',
        'b', 'b', 'b', 'b', 'b', 2 << 1 | 1, 7, 0, /* cf == df: no cf, no max_tf */
        0xF0, 20, 1, 'x', 3 << 1, 9 - 3 - 1, 5 - 2, 9, 11, /* 20 shared: the escape */
        0xF0, 21, 1, FORMAT_ROOT_MARK, 3 << 1, 5, 3, 9, 11, 4, /* a root key: group_df */
    };
    cr_assert_eq(d.blocks.len, sizeof want, "%zu bytes, want %zu", d.blocks.len, sizeof want);
    for (size_t i = 0; i < sizeof want; i++)
        cr_assert_eq(d.blocks.data[i], want[i], "byte %zu: %02x, want %02x", i, d.blocks.data[i],
                     want[i]);
    cr_assert_eq(d.index.len, 12); /* term count, block count, one u32 offset */
    free_dict(&d);
}

Test(termdict_entry, read_back_as_written)
{
    struct dict d;
    build(&d);
    term_block_reader r;
    struct term_entry e;
    cr_assert_eq(term_block_start(&r, &d.ix, 0), 0);
    uint64_t post = 0, pos = 0;
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(term_block_next(&r, &e), 0, "term %d: %s", i, cari_error_last());
        char key[FORMAT_MAX_KEY];
        size_t len;
        key_of(i, key, &len);
        cr_assert(r.key_len == len && memcmp(r.key, key, len) == 0, "key %d", i);
        const struct term_info *t = &infos[i];
        cr_assert_eq(e.df, t->df, "df %d", i);
        cr_assert_eq(e.cf, t->cf, "cf %d", i);
        cr_assert_eq(e.max_tf, t->max_tf, "max_tf %d: %u", i, e.max_tf);
        cr_assert_eq(e.doc, t->df == 1 ? t->doc : 0, "doc %d", i);
        cr_assert_eq(e.postings_len, t->postings_len, "postings_len %d", i);
        cr_assert_eq(e.postings_off, post);
        cr_assert_eq(e.positions_len, t->positions_len);
        cr_assert_eq(e.positions_off, pos);
        cr_assert_eq(e.group_df, i == 4 ? 4 : t->df);
        post += t->postings_len;
        pos += t->positions_len;
    }
    cr_assert_eq(term_block_next(&r, &e), CARI_ITEROVER);
    cr_assert_eq(termdict_find(&d.ix, "akua", 4, &e), 0);
    cr_assert(e.doc == 200 && e.cf == 4);
    cr_assert_eq(termdict_find(&d.ix, "akub", 4, &e), CARI_ENOTFOUND);
    free_dict(&d);
}

/* Damages byte `at` to `v` and expects the term `bad` to be refused. */
static void assert_refused(size_t at, uint8_t v, int bad)
{
    struct dict d;
    build(&d);
    d.blocks.data[at] = v;
    term_block_reader r;
    struct term_entry e;
    cr_assert_eq(term_block_start(&r, &d.ix, 0), 0);
    for (int i = 0; i < bad; i++)
        cr_assert_eq(term_block_next(&r, &e), 0, "term %d before the damage", i);
    cr_assert_eq(term_block_next(&r, &e), CARI_ECORRUPT, "byte %zu = %02x", at, v);
    free_dict(&d);
}

Test(termdict_entry, damage_is_refused)
{
    assert_refused(2, 0xF3, 0);  /* a high half of 15 that is not the escape */
    assert_refused(2, 0x00, 0);  /* a suffix of 0 bytes */
    assert_refused(6, 0x01, 0);  /* df 0 */
    assert_refused(14, 0x03, 1); /* the document 0x48 | 3 << 7 = 456, of 300 */
    assert_refused(40, 0x00, 2); /* df 2 with no postings */
}
