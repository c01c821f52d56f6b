/* cari_index_doc_id over front-coded DOC_IDS: crafted ids come back byte for
 * byte through a real index (prefixes of each other, block boundaries, the
 * longest id, UTF-8), the caller's buffer is bounded, and each kind of damage
 * behind valid checksums is reported by the reader or by verify, named. */
#include "tests/query/index_bytes.h"
#include "tests/query/query_fixture.h"

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

/* An index of documents with these ids (each with a word of text), opened. */
static void build(struct qfix *f, const char *const *ids, size_t n)
{
    struct test_doc *docs = calloc(n, sizeof *docs);
    for (size_t i = 0; i < n; i++)
        docs[i] = (struct test_doc){ ids[i], NULL, "kata" };
    qfix_docs(f, docs, n);
    free(docs);
}

static void assert_ids(const cari_index *ix, const char *const *ids, size_t n)
{
    cr_assert_eq(cari_index_doc_count(ix), n);
    for (uint32_t d = 0; d < n; d++) {
        char id[CARI_ID_MAX + 1];
        size_t len = 0;
        cr_assert_eq(cari_index_doc_id(ix, d, id, sizeof id, &len), 0, "doc %u: %s", d,
                     cari_error_last());
        cr_assert_eq(len, strlen(ids[d]), "doc %u", d);
        cr_assert_str_eq(id, ids[d], "doc %u", d);
    }
}

Test(doc_ids, crafted_ids_come_back)
{
    static char longest[CARI_ID_MAX + 1], longest2[CARI_ID_MAX + 1];
    memset(longest, 'x', CARI_ID_MAX);
    memcpy(longest2, longest, CARI_ID_MAX);
    longest2[CARI_ID_MAX - 1] = 'y';
    const char *ids[40] = {
        "a", "ab", "abc", "abcd", "abd", "b", longest, longest2, "x", "peraturan:pp/2016/12",
        "peraturan:pp/2016/13", "peraturan:pp/2016/1", "peraturan:uu/1", "pér/ñandú", "pér/ñ",
        "pér", /* 16: the end of block 0 */
        "pér/ñandú/2",
    };
    char more[23][24];
    for (size_t i = 17; i < 40; i++) {
        snprintf(more[i - 17], sizeof more[i - 17], "tydiqa-id:%08zx", i * 0x1234567);
        ids[i] = more[i - 17];
    }
    struct qfix f;
    build(&f, ids, 40);
    assert_ids(f.ix, ids, 40);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    qfix_close(&f);
    /* one id, and exactly one block of 16 */
    build(&f, ids, 1);
    assert_ids(f.ix, ids, 1);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    qfix_close(&f);
    build(&f, ids + 17, 16);
    assert_ids(f.ix, ids + 17, 16);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    qfix_close(&f);
}

Test(doc_ids, the_buffer_is_bounded)
{
    const char *ids[] = { "berita/satu", "berita/dua" };
    struct qfix f;
    build(&f, ids, 2);
    char id[16];
    size_t len = 0;
    memset(id, '#', sizeof id);
    cr_assert_eq(cari_index_doc_id(f.ix, 1, id, 10, &len), CARI_ELIMIT); /* 10 bytes + NUL */
    cr_assert_eq(len, 10, "the length is told even so");
    cr_assert(contains(cari_error_last(), "takes 10 bytes"), "%s", cari_error_last());
    cr_assert_eq(id[0], '#', "nothing written");
    cr_assert_eq(cari_index_doc_id(f.ix, 1, NULL, 0, &len), CARI_ELIMIT);
    cr_assert_eq(len, 10);
    cr_assert_eq(cari_index_doc_id(f.ix, 1, id, 11, &len), 0);
    cr_assert_str_eq(id, "berita/dua");
    cr_assert_eq(cari_index_doc_id(f.ix, 0, id, sizeof id, NULL), 0);
    cr_assert_str_eq(id, "berita/satu");
    cr_assert_eq(cari_index_doc_id(f.ix, 2, id, sizeof id, &len), CARI_EINVAL);
    cr_assert(contains(cari_error_last(), "document 2 out of range"), "%s", cari_error_last());
    qfix_close(&f);
}

/* 20 ids "berita/a".."berita/t": block 0 is [8]"berita/a", then [7][1][letter]
 * for each of the 15 others; block 1 the same from "berita/q". */
enum { NIDS = 20, HEAD = 4 + 4 * 3, ENTRY0 = 9, ENTRY = 3 };

struct damage {
    struct qfix f;
    uint8_t *good, *copy;
    size_t len;
    uint64_t ids_at; /* DOC_IDS in the file */
    char *bad_path;
};

static void damage_setup(struct damage *d)
{
    static char text[NIDS][16];
    const char *ids[NIDS];
    for (int i = 0; i < NIDS; i++) {
        snprintf(text[i], sizeof text[i], "berita/%c", 'a' + i);
        ids[i] = text[i];
    }
    build(&d->f, ids, NIDS);
    d->good = (uint8_t *)test_read_file(d->f.path, &d->len);
    d->copy = malloc(d->len);
    struct ib_section s[32];
    size_t n = ib_sections(d->good, d->len, s, 32);
    const struct ib_section *sec = ib_find(s, n, SECTION_DOC_IDS);
    d->ids_at = sec->offset;
    cr_assert_eq(sec->len, HEAD + 2 * ENTRY0 + (NIDS - 2) * ENTRY, "the layout assumed here");
    d->bad_path = test_path(d->f.dir, "bad.cari");
}

static void damage_free(struct damage *d)
{
    free(d->good);
    free(d->copy);
    free(d->bad_path);
    qfix_close(&d->f);
}

/* The byte `at` of DOC_IDS set to v in a fresh copy of the good file. */
static void set_byte(struct damage *d, size_t at, uint8_t v)
{
    memcpy(d->copy, d->good, d->len);
    d->copy[d->ids_at + at] = v;
}

/* Writes the copy resealed and opens it (must succeed). */
static cari_index *open_copy(struct damage *d)
{
    ib_reseal(d->copy, d->len);
    test_write_file(d->bad_path, d->copy, d->len);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, d->bad_path, 0), 0, "%s", cari_error_last());
    return ix;
}

static void assert_verify_says(const cari_index *ix, const char *want)
{
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), want), "verify: %s, want %s", cari_error_last(), want);
}

static void assert_id_corrupt(const cari_index *ix, uint32_t doc, const char *want)
{
    char id[CARI_ID_MAX + 1];
    cr_assert_eq(cari_index_doc_id(ix, doc, id, sizeof id, NULL), CARI_ECORRUPT, "doc %u", doc);
    cr_assert(contains(cari_error_last(), want), "doc %u: %s, want %s", doc, cari_error_last(), want);
}

static void assert_id_is(const cari_index *ix, uint32_t doc, const char *want)
{
    char id[CARI_ID_MAX + 1];
    cr_assert_eq(cari_index_doc_id(ix, doc, id, sizeof id, NULL), 0, "doc %u: %s", doc,
                 cari_error_last());
    cr_assert_str_eq(id, want, "doc %u", doc);
}

/* Entry i (1..15) of block 0. */
static size_t entry(int i) { return HEAD + ENTRY0 + (size_t)ENTRY * (size_t)(i - 1); }

Test(doc_ids, more_shared_bytes_than_the_id_before)
{
    struct damage d;
    damage_setup(&d);
    set_byte(&d, entry(3), 9); /* "berita/c" has 8 */
    cari_index *ix = open_copy(&d);
    assert_id_is(ix, 2, "berita/c");
    assert_id_corrupt(ix, 3, "DOC_IDS entry 3");
    assert_id_corrupt(ix, 4, "DOC_IDS entry 4"); /* decoding goes through 3 */
    assert_id_is(ix, 16, "berita/q");            /* block 1 does not */
    assert_verify_says(ix, "DOC_IDS entry 3 does not decode");
    cari_index_close(ix);
    damage_free(&d);
}

Test(doc_ids, a_nul_inside_an_id)
{
    struct damage d;
    damage_setup(&d);
    set_byte(&d, entry(5) + 2, 0);
    cari_index *ix = open_copy(&d);
    assert_id_corrupt(ix, 5, "DOC_IDS entry 5 contains a NUL byte");
    assert_verify_says(ix, "DOC_IDS entry 5 contains a NUL byte");
    cari_index_close(ix);
    damage_free(&d);
}

Test(doc_ids, a_shared_prefix_shorter_than_the_common_one)
{
    struct damage d;
    damage_setup(&d);
    set_byte(&d, entry(4) + 2, 'd'); /* "berita/d" again, coded as sharing 7 bytes of 8 */
    cari_index *ix = open_copy(&d);
    assert_id_is(ix, 4, "berita/d"); /* it decodes: only verify holds the writer's form */
    assert_verify_says(ix, "DOC_IDS entry 4 shares less than its common prefix");
    cari_index_close(ix);
    damage_free(&d);
}

Test(doc_ids, bytes_left_after_a_block)
{
    struct damage d;
    damage_setup(&d);
    set_byte(&d, entry(15) + 1, 0); /* "berita/p" becomes "berita/", a byte left over */
    cari_index *ix = open_copy(&d);
    assert_id_is(ix, 15, "berita/");
    assert_verify_says(ix, "DOC_IDS block 0 has 1 bytes after its ids");
    cari_index_close(ix);
    damage_free(&d);
}

Test(doc_ids, a_block_offset_out_of_bounds)
{
    struct damage d;
    damage_setup(&d);
    set_byte(&d, 4 + 4 + 1, 0x10); /* offset[1] far past the blocks */
    cari_index *ix = open_copy(&d);
    assert_id_corrupt(ix, 0, "DOC_IDS block 0");
    assert_id_corrupt(ix, 17, "DOC_IDS block 1");
    assert_verify_says(ix, "DOC_IDS block 0");
    cari_index_close(ix);
    damage_free(&d);
}

Test(doc_ids, open_checks_the_block_table)
{
    struct damage d;
    damage_setup(&d);
    const struct {
        size_t at;
        uint8_t v;
        const char *want;
    } cases[] = {
        { 0, NIDS + 1, "DOC_IDS does not hold 20 documents" },
        { 4, 1, "DOC_IDS block table does not span its blocks" },      /* offset[0] */
        { 4 + 8, 0, "DOC_IDS block table does not span its blocks" },  /* offset[2], the end */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        set_byte(&d, cases[i].at, cases[i].v);
        ib_reseal(d.copy, d.len);
        test_write_file(d.bad_path, d.copy, d.len);
        cari_index *ix;
        cr_assert_eq(cari_index_open(&ix, d.bad_path, 0), CARI_ECORRUPT, "case %zu", i);
        cr_assert(contains(cari_error_last(), cases[i].want), "case %zu: %s", i, cari_error_last());
    }
    damage_free(&d);
}
