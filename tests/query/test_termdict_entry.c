/* The dictionary of FORMAT.md TERM_BLOCKS bit for bit: the one-byte key
 * lengths and their escape, then the entries' bit fields after the keys: the
 * counts that are left out (cf == df, max_tf of df 1 and of frequencies 1,
 * the inline document of df 1 in a fixed width, the positions_length of df 1
 * from its shortest), read back as written; and damaged entries refused. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/norms.h"
#include "indexer/termdict_writer.h"
#include "query/termdict_reader.h"

enum { NDOCS = 300 };

struct dict {
    buf blocks, index;
    uint8_t postings[64], positions[64];
    uint8_t norms[NDOCS];
    cari_index ix;
};

static const char long_key[] = "bbbbbbbbbbbbbbbbbbbb"; /* 20 bytes: the escape */

static const struct term_info infos[] = {
    { .df = 1, .max_tf = 1, .cf = 1, .doc = 5, .positions_len = 3 },
    { .df = 1, .max_tf = 4, .cf = 4, .doc = 200, .positions_len = 5 },
    { .df = 2, .max_tf = 1, .cf = 2, .postings_len = 7, .positions_len = 1 },
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

enum { LONG_NORM_DOC = 200, LONG_LENGTH = 1000 };

static void build(struct dict *d)
{
    memset(d, 0, sizeof *d);
    d->norms[LONG_NORM_DOC] = norm_encode(LONG_LENGTH); /* the others: length 0 */
    termdict_writer tw;
    termdict_writer_init(&tw, NDOCS, d->norms);
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
    d->ix.norms = d->norms;
    d->ix.nterms = 5;
    d->ix.nblocks = 1;
    d->ix.sec[SECTION_TERM_BLOCKS] = (struct section_view){ d->blocks.data, 0, d->blocks.len, 0, 1 };
    d->ix.sec[SECTION_TERM_INDEX] = (struct section_view){ d->index.data, 0, d->index.len, 0, 1 };
    d->ix.sec[SECTION_POSTINGS] = (struct section_view){ d->postings, 0, 25, 0, 1 };
    d->ix.sec[SECTION_POSITIONS] = (struct section_view){ d->positions, 0, 31, 0, 1 };
}

static void free_dict(struct dict *d)
{
    buf_free(&d->blocks);
    buf_free(&d->index);
}

/* Bits least significant first, as FORMAT.md numbers them. */
struct bits {
    uint8_t bytes[64];
    size_t n;
};

static void put(struct bits *b, uint32_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++, b->n++)
        b->bytes[b->n / 8] |= (uint8_t)((v >> i & 1) << b->n % 8);
}

static void gamma(struct bits *b, uint32_t v)
{
    unsigned z = 31u - (unsigned)__builtin_clz(v);
    put(b, 0, z);
    put(b, 1, 1);
    put(b, v, z); /* the bits below the highest */
}

static void expg(struct bits *b, uint32_t v, unsigned k)
{
    gamma(b, (v >> k) + 1);
    put(b, v, k);
}

/* FORMAT.md POSITIONS: k of a document of length L holding tf values. */
static unsigned doc_k(uint32_t length, uint32_t tf)
{
    uint64_t x = 11 * ((uint64_t)length + 1) / 16;
    int k = (x < 2 ? 0 : 63 - __builtin_clzll(x)) - (31 - __builtin_clz(tf));
    return k > 0 ? (unsigned)k : 0;
}

Test(termdict_entry, bytes_as_the_format_says)
{
    struct dict d;
    build(&d);
    static const uint8_t keys[] = {
        0, 0,                                  /* postings_base, positions_base */
        0x03, 'a', 'k', 'u', 0x31, 'a',        /* 3 shared, 1 more */
        0xF0, 0, 20, 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b', 'b',
        'b', 'b', 'b', 'b', 'b',               /* a suffix of 20: the escape */
        0xF0, 20, 1, 'x', 0xF0, 21, 1, FORMAT_ROOT_MARK, /* 20 shared: the escape */
    };
    unsigned k = doc_k(norm_decode(norm_encode(LONG_LENGTH)), 4);
    cr_assert_eq(k, 7); /* L = 1000 or near: log2(688) = 9, less log2(4) */
    struct bits b = { { 0 }, 0 };
    /* N 300: documents below 2^9 - 300 = 212 in 8 bits (truncated binary) */
    gamma(&b, 1), put(&b, 1, 1), put(&b, 5, 8), gamma(&b, 3 - 1 + 1); /* length 0: k 0, 1 byte at least */
    gamma(&b, 1), put(&b, 0, 1), gamma(&b, 4 - 1), put(&b, 200, 8),
        gamma(&b, 5 - (4 * (k + 1) + 7) / 8 + 1);                  /* cf 4: 4 bytes at least */
    gamma(&b, 2), put(&b, 1, 1), expg(&b, 7 - 1, 1), expg(&b, 1 - 1, 2); /* cf == df: no cf, no max_tf */
    gamma(&b, 3), put(&b, 0, 1), gamma(&b, 9 - 3), gamma(&b, 5 - 1), expg(&b, 9 - 1, 1), expg(&b, 11 - 1, 4);
    gamma(&b, 3), put(&b, 0, 1), gamma(&b, 9 - 3), gamma(&b, 5 - 1), expg(&b, 9 - 1, 1), expg(&b, 11 - 1, 4),
        gamma(&b, 4 - 3 + 1);                                      /* a root key: group_df */
    size_t want_len = sizeof keys + (b.n + 7) / 8; /* the entries from the last byte backward */
    cr_assert_eq(d.blocks.len, want_len, "%zu bytes, want %zu", d.blocks.len, want_len);
    for (size_t i = 0; i < d.blocks.len; i++) {
        uint8_t want = i < sizeof keys ? keys[i] : b.bytes[want_len - 1 - i];
        cr_assert_eq(d.blocks.data[i], want, "byte %zu: %02x, want %02x", i, d.blocks.data[i], want);
    }
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
    cr_assert(e.doc == 200 && e.cf == 4 && e.positions_len == 5 && e.positions_off == 3);
    char key[FORMAT_MAX_KEY]; /* the last: the entries before it read for its offsets */
    size_t len;
    key_of(4, key, &len);
    cr_assert_eq(termdict_find(&d.ix, key, len, &e), 0);
    cr_assert(e.df == 3 && e.group_df == 4 && e.postings_off == 16 && e.positions_off == 20);
    cr_assert_eq(termdict_find(&d.ix, key, len - 1, &e), 0);
    cr_assert(e.group_df == 3 && e.postings_off == 7 && e.positions_off == 9);
    cr_assert_eq(termdict_find(&d.ix, "akub", 4, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(&d.ix, "ak", 2, &e), CARI_ENOTFOUND);
    cr_assert_eq(termdict_find(&d.ix, "c", 1, &e), CARI_ENOTFOUND);
    free_dict(&d);
}

enum { ENTRIES_AT = 39 }; /* the keys' bytes above: the entries' last byte follows them */

/* Damages the dictionary with `damage` and expects the term `bad` to be refused. */
static void assert_refused(void (*damage)(struct dict *), int bad)
{
    struct dict d;
    build(&d);
    damage(&d);
    d.ix.sec[SECTION_TERM_BLOCKS].data = d.blocks.data;
    d.ix.sec[SECTION_TERM_BLOCKS].len = d.blocks.len;
    term_block_reader r;
    struct term_entry e;
    cr_assert_eq(term_block_start(&r, &d.ix, 0), 0);
    for (int i = 0; i < bad; i++)
        cr_assert_eq(term_block_next(&r, &e), 0, "term %d before the damage", i);
    cr_assert_eq(term_block_next(&r, &e), CARI_ECORRUPT, "term %d", bad);
    free_dict(&d);
}

static void bad_escape(struct dict *d) { d->blocks.data[2] = 0xF3; } /* high half 15, not the escape */
static void empty_suffix(struct dict *d) { d->blocks.data[6] = 0x30; }
static void suffix_too_long(struct dict *d) { d->blocks.data[37] = 100; } /* the last key's: past the block's end */
/* The entries' byte j is the block's byte len - 1 - j. */
static uint8_t *entry_byte(struct dict *d, size_t j) { return &d->blocks.data[d->blocks.len - 1 - j]; }
static void postings_past_end(struct dict *d) { d->ix.sec[SECTION_POSTINGS].len = 10; } /* term 3's end at 16 */
static void positions_past_end(struct dict *d) { d->ix.sec[SECTION_POSITIONS].len = 8; } /* term 2's at 9 */
static void no_gamma(struct dict *d) { memset(entry_byte(d, 4), 0, 5); } /* 32 zeros or more */
static void not_padding(struct dict *d) { d->blocks.data[ENTRIES_AT] |= 0x80; } /* the entries' last byte */
static void a_byte_more(struct dict *d) /* between the keys and the entries */
{
    buf_byte(&d->blocks, 0);
    memmove(d->blocks.data + ENTRIES_AT + 1, d->blocks.data + ENTRIES_AT, d->blocks.len - 1 - ENTRIES_AT);
    d->blocks.data[ENTRIES_AT] = 0;
}
static void a_byte_less(struct dict *d) /* the entries' last: term 4 runs into the keys */
{
    memmove(d->blocks.data + ENTRIES_AT, d->blocks.data + ENTRIES_AT + 1, d->blocks.len - 1 - ENTRIES_AT);
    d->blocks.len--;
}

Test(termdict_entry, damage_is_refused)
{
    assert_refused(bad_escape, 0);
    assert_refused(empty_suffix, 1);
    assert_refused(suffix_too_long, 4);
    assert_refused(postings_past_end, 3);
    assert_refused(positions_past_end, 2);
    assert_refused(no_gamma, 0);
    assert_refused(not_padding, 4);
    assert_refused(a_byte_more, 4);
    assert_refused(a_byte_less, 4);
}

Test(termdict_entry, writer_refuses_what_the_entry_cannot_say)
{
    uint8_t norms[NDOCS] = { 0 };
    norms[7] = norm_encode(LONG_LENGTH);
    termdict_writer tw;
    termdict_writer_init(&tw, NDOCS, norms);
    struct term_info short_positions = { .df = 1, .max_tf = 4, .cf = 4, .doc = 7, .positions_len = 3 };
    cr_assert_eq(termdict_writer_add(&tw, "a", 1, &short_positions), CARI_EINVAL,
                 "4 values of k 7 take 4 bytes at least");
    struct term_info doc_past_n = { .df = 1, .max_tf = 1, .cf = 1, .doc = NDOCS, .positions_len = 1 };
    cr_assert_eq(termdict_writer_add(&tw, "b", 1, &doc_past_n), CARI_ELIMIT);
    struct term_info no_positions = { .df = 2, .max_tf = 1, .cf = 2, .postings_len = 3 };
    cr_assert_eq(termdict_writer_add(&tw, "c", 1, &no_positions), CARI_EINVAL);
    termdict_writer_free(&tw);
}
