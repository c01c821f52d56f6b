/* cari_index_verify and reading damaged indexes: a flipped byte in any section
 * is found by verify and named; queries on a damaged index return an error or
 * results, never crash (run under the sanitizers). */
#include "core/pfor.h"
#include "query/index_reader.h"
#include "query/postings_cursor.h"
#include "query/termdict_reader.h"
#include "tests/query/index_bytes.h"
#include "tests/query/query_fixture.h"

static struct qfix fx;
static uint8_t *good;
static size_t good_len;
static char *bad_path;
static struct ib_section secs[32];
static size_t nsecs;

static void setup(void)
{
    qfix_samples(&fx);
    good = (uint8_t *)test_read_file(fx.path, &good_len);
    cr_assert_not_null(good);
    bad_path = test_path(fx.dir, "bad.cari");
    nsecs = ib_sections(good, good_len, secs, 32);
}

static void teardown(void)
{
    free(good);
    free(bad_path);
    qfix_close(&fx);
}

TestSuite(verify, .init = setup, .fini = teardown, .timeout = 120);

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

/* Runs queries, reads documents and makes snippets on a possibly damaged
 * index: every call must succeed or report CARI_ECORRUPT. */
static void exercise_n(cari_index *ix, const char *where, size_t nqueries, size_t nsnippets)
{
    static const char *const queries[] = {
        "Kursk \"Kim Jong Un\" perundingan", "Putin AND Pyongyang -Trump", "jong-un", "perundingan OR Trump",
        "Korea AND Utara", "+Rusia Ukraina",
    };
    uint32_t n = cari_index_doc_count(ix);
    char id[CARI_ID_MAX + 1];
    for (size_t i = 0; i < nqueries && i < sizeof queries / sizeof *queries; i++) {
        cari_query *q;
        int rc = cari_query_parse(&q, ix, queries[i], strlen(queries[i]), 0);
        cr_assert_eq(rc, 0, "%s: parse %s: %s", where, queries[i], cari_error_last());
        cari_results *r;
        rc = cari_search(&r, q, NULL);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: search %s: rc %d %s", where, queries[i], rc,
                  cari_error_last());
        for (size_t h = 0; rc == 0 && h < cari_results_count(r); h++) {
            uint32_t doc = cari_results_doc(r, h);
            cr_assert_lt(doc, n, "%s: %s: hit %u of %u docs", where, queries[i], doc, n);
            int irc = cari_index_doc_id(ix, doc, id, sizeof id, NULL);
            cr_assert(irc == 0 || irc == CARI_ECORRUPT, "%s: id of %u: rc %d", where, doc, irc);
            if (h >= nsnippets)
                continue;
            cari_document *d;
            int drc = cari_document_get(&d, ix, doc);
            cr_assert(drc == 0 || drc == CARI_ECORRUPT, "%s: document %u: rc %d", where, doc, drc);
            if (drc == 0) {
                char *s;
                int src = cari_snippet(&s, NULL, q, d, NULL);
                cr_assert(src == 0 || src == CARI_ECORRUPT, "%s: snippet: rc %d", where, src);
                if (src == 0)
                    cari_free(s);
            }
            cari_document_free(d);
        }
        cari_results_free(r);
        cari_query_free(q);
    }
    for (uint32_t doc = 0; doc < n; doc++) {
        int irc = cari_index_doc_id(ix, doc, id, sizeof id, NULL);
        cr_assert(irc == 0 || irc == CARI_ECORRUPT, "%s: id of %u: rc %d", where, doc, irc);
        cr_assert(irc != 0 || strlen(id) > 0, "%s: id of %u is empty", where, doc);
        cari_document *d;
        int rc = cari_document_get(&d, ix, doc);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: document %u: rc %d", where, doc, rc);
        const char *v;
        size_t len;
        for (size_t i = 0; rc == 0 && cari_document_field_at(d, i, &v, &len) != NULL; i++)
            cr_assert(len == 0 || v != NULL);
        cari_document_free(d);
    }
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cr_assert_eq(cari_index_stats_get(ix, &st), 0);
}

/* Every query, a snippet of every hit. */
static void exercise(cari_index *ix, const char *where) { exercise_n(ix, where, 99, 99); }

/* Quicker, for the many damaged copies of the fuzz tests. */
static void exercise_lite(cari_index *ix, const char *where) { exercise_n(ix, where, 3, 1); }

/* Writes `data`, opens it; *ix NULL when open failed (rc returned). */
static int open_bytes(const uint8_t *data, size_t len, cari_index **ix)
{
    test_write_file(bad_path, data, len);
    return cari_index_open(ix, bad_path, 0);
}

Test(verify, intact_indexes_verify)
{
    cr_assert_eq(cari_index_verify(fx.ix), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(NULL), CARI_EINVAL);
    exercise(fx.ix, "intact");
    /* and a small index of inline documents, with titles and hyphens */
    static const struct test_doc docs[] = {
        { "a", "Judul Satu", "teman-teman dari Korea-Utara datang 28/4/2025" },
        { "b", NULL, "perundingan damai" },
        { "c", "Hanya judul", NULL },
    };
    struct qfix f;
    qfix_docs(&f, docs, 3);
    cr_assert_eq(cari_index_verify(f.ix), 0, "%s", cari_error_last());
    qfix_close(&f);
}

Test(verify, flipped_byte_in_each_section_is_found_and_named)
{
    uint8_t *copy = malloc(good_len);
    cr_assert_geq(nsecs, 11);
    for (size_t s = 0; s < nsecs; s++) {
        const struct ib_section *sec = &secs[s];
        const char *name = format_section_name(sec->id);
        cr_assert_gt(sec->len, 0, "%s is empty", name);
        uint64_t at[] = { 0, sec->len / 2, sec->len - 1 };
        for (int k = 0; k < 3; k++) {
            memcpy(copy, good, good_len);
            copy[sec->offset + at[k]] ^= 0x01;
            cari_index *ix = NULL;
            int rc = open_bytes(copy, good_len, &ix);
            char where[64];
            snprintf(where, sizeof where, "%s byte %llu", name, (unsigned long long)at[k]);
            if (sec->id == SECTION_META || sec->id == SECTION_FIELDS) {
                /* the small sections are checked on open */
                cr_assert_eq(rc, CARI_ECORRUPT, "%s", where);
                char want[64];
                snprintf(want, sizeof want, "section %s checksum mismatch", name);
                cr_assert(contains(cari_error_last(), want), "%s: %s", where, cari_error_last());
                continue;
            }
            cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: open rc %d", where, rc);
            if (rc != 0)
                continue;
            rc = cari_index_verify(ix);
            cr_assert_eq(rc, CARI_ECORRUPT, "%s: verify rc %d", where, rc);
            char want[256];
            snprintf(want, sizeof want, "%s: corrupt index: section %s (bytes %llu..%llu) checksum mismatch",
                     bad_path, name, (unsigned long long)sec->offset,
                     (unsigned long long)(sec->offset + sec->len));
            cr_assert_str_eq(cari_error_last(), want, "%s", where);
            exercise(ix, where);
            cari_index_close(ix);
            /* with CARI_OPEN_VERIFY the open itself fails */
            cr_assert_eq(cari_index_open(&ix, bad_path, CARI_OPEN_VERIFY), CARI_ECORRUPT, "%s", where);
            cr_assert_null(ix);
            cr_assert(contains(cari_error_last(), name), "%s: %s", where, cari_error_last());
        }
    }
    free(copy);
}

/* Whether byte i of the file lies in the header, a section, the table or the
 * footer (else it is padding). */
static int covered(size_t i)
{
    if (i < FORMAT_HEADER_SIZE || i >= le64_load(good + 24))
        return 1;
    for (size_t s = 0; s < nsecs; s++)
        if (i >= secs[s].offset && i < secs[s].offset + secs[s].len)
            return 1;
    return 0;
}

/* Bytes flipped in turn (one bit each, every `stride`-th byte): open, verify and queries. */
static void flip_range(size_t from, size_t to, size_t stride)
{
    uint8_t *copy = malloc(good_len);
    memcpy(copy, good, good_len);
    for (size_t i = from; i < to && i < good_len; i += stride) {
        uint8_t mask = (uint8_t)(1u << ((i / stride) % 8));
        copy[i] ^= mask;
        cari_index *ix = NULL;
        int rc = open_bytes(copy, good_len, &ix);
        char where[64];
        snprintf(where, sizeof where, "byte %zu", i);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT || rc == CARI_EVERSION, "%s: open rc %d", where, rc);
        if (rc == 0) {
            exercise_lite(ix, where);
            rc = cari_index_verify(ix);
            cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: verify rc %d", where, rc);
            /* every byte is under a checksum or must be zero padding */
            cr_assert_eq(rc, CARI_ECORRUPT, "%s: a damaged byte passes verify", where);
            if (!covered(i))
                cr_assert(contains(cari_error_last(), "is not zero"), "%s: %s", where,
                          cari_error_last());
            cari_index_close(ix);
        }
        copy[i] ^= mask;
    }
    free(copy);
}

Test(verify, fuzz_every_third_byte_first_half) { flip_range(0, good_len / 2, 3); }
Test(verify, fuzz_every_third_byte_second_half) { flip_range(good_len / 2, good_len, 3); }

/* Damage behind valid checksums: verify's walk must find it or accept it,
 * never crash; the queries must hold up as well. */
static void reseal_fuzz(uint32_t id, size_t stride, size_t *found, size_t *tried)
{
    const struct ib_section *sec = ib_find(secs, nsecs, id);
    cr_assert_not_null(sec);
    uint8_t *copy = malloc(good_len);
    *found = *tried = 0;
    for (uint64_t i = 0; i < sec->len; i += stride) {
        memcpy(copy, good, good_len);
        copy[sec->offset + i] ^= (uint8_t)(0x5A ^ (i & 0xFF)) | 1;
        ib_reseal(copy, good_len);
        cari_index *ix = NULL;
        int rc = open_bytes(copy, good_len, &ix);
        char where[64];
        snprintf(where, sizeof where, "resealed %s byte %llu", format_section_name(id),
                 (unsigned long long)i);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT || rc == CARI_EVERSION, "%s: open rc %d %s", where, rc,
                  cari_error_last());
        if (rc != 0) {
            ++*found, ++*tried;
            continue;
        }
        ++*tried;
        rc = cari_index_verify(ix);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: verify rc %d", where, rc);
        if (rc == CARI_ECORRUPT)
            ++*found;
        exercise_lite(ix, where);
        cari_index_close(ix);
    }
    free(copy);
}

Test(verify, resealed_damage_in_lengths_and_norms_is_always_found)
{
    size_t found, tried;
    reseal_fuzz(SECTION_DOC_LENGTHS, 1, &found, &tried);
    cr_assert_eq(found, tried, "DOC_LENGTHS: %zu of %zu found", found, tried);
    reseal_fuzz(SECTION_NORMS, 1, &found, &tried);
    cr_assert_eq(found, tried, "NORMS: %zu of %zu found", found, tried);
}

Test(verify, resealed_damage_in_the_dictionary)
{
    size_t found, tried;
    reseal_fuzz(SECTION_TERM_INDEX, 1, &found, &tried);
    reseal_fuzz(SECTION_TERM_BLOCKS, 9, &found, &tried);
    cr_assert_gt(found, tried / 2, "TERM_BLOCKS: %zu of %zu found", found, tried);
}

Test(verify, resealed_damage_in_postings_and_positions)
{
    size_t found, tried;
    reseal_fuzz(SECTION_POSTINGS, 2, &found, &tried);
    cr_assert_gt(found, tried / 2, "POSTINGS: %zu of %zu found", found, tried);
    reseal_fuzz(SECTION_POSITIONS, 6, &found, &tried);
}

Test(verify, resealed_damage_in_the_store)
{
    size_t found, tried;
    reseal_fuzz(SECTION_STORE, 16, &found, &tried);
    cr_assert_eq(found, tried, "STORE (zstd checksums): %zu of %zu found", found, tried);
}

Test(verify, resealed_damage_in_the_store_index)
{
    size_t found, tried;
    reseal_fuzz(SECTION_STORE_INDEX, 1, &found, &tried);
}

Test(verify, resealed_damage_in_the_ids)
{
    size_t found, tried;
    reseal_fuzz(SECTION_DOC_IDS, 1, &found, &tried);
}

Test(verify, messages_name_the_place)
{
    uint8_t *copy = malloc(good_len);
    const struct ib_section *dl = ib_find(secs, nsecs, SECTION_DOC_LENGTHS);
    const struct ib_section *norms = ib_find(secs, nsecs, SECTION_NORMS);
    cari_index *ix;

    /* a norm that does not match its length */
    memcpy(copy, good, good_len);
    copy[norms->offset + 1] ^= 0x01;
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0);
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    uint32_t len1 = le32_load(good + dl->offset + 4);
    char want[256];
    snprintf(want, sizeof want, "NORMS entry 1 does not match its length %u", len1);
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
    cari_index_close(ix);

    /* lengths that no longer add up to META's tokens (the norm unchanged) */
    memcpy(copy, good, good_len);
    uint32_t len2 = le32_load(good + dl->offset + 8);
    cr_assert_gt(len2, 100, "doc 2 is long: one more token keeps its norm");
    ib_store32(copy + dl->offset + 8, len2 + 1);
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0);
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    uint64_t tokens = fx.ix->tokens;
    snprintf(want, sizeof want, "DOC_LENGTHS add up to %llu tokens, META says %llu",
             (unsigned long long)tokens + 1, (unsigned long long)tokens);
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
    cari_index_close(ix);
    free(copy);
}

/* A STORE_INDEX entry that does not hold, behind valid checksums: verify
 * reports it (and must not free a block it never got). */
Test(verify, bad_store_index_entry_is_reported)
{
    uint8_t *copy = malloc(good_len);
    const struct ib_section *si = ib_find(secs, nsecs, SECTION_STORE_INDEX);
    cr_assert_eq(le32_load(good + si->offset), 1, "the samples fit in one store block");
    /* entry 0 {offset, first record} at 16, entry 1 (the end) at 32: make block 0 empty */
    memcpy(copy, good, good_len);
    le64_store(copy + si->offset + 16, le64_load(good + si->offset + 32));
    ib_reseal(copy, good_len);
    cari_index *ix;
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "STORE_INDEX entry 0"), "%s", cari_error_last());
    cari_document *d = (cari_document *)1;
    cr_assert_eq(cari_document_get(&d, ix, 0), CARI_ECORRUPT);
    cr_assert_null(d);
    cari_index_close(ix);
    /* a damaged zstd frame header */
    const struct ib_section *store = ib_find(secs, nsecs, SECTION_STORE);
    memcpy(copy, good, good_len);
    copy[store->offset] ^= 0xFF;
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "STORE block 0 has a bad frame header"), "%s", cari_error_last());
    cari_index_close(ix);
    free(copy);
}

/* An index written by the library through the public API must verify. Two
 * text fields (cari_writer_add accepts any number of fields of one name)
 * each start one position after the previous field's last token. */
Test(verify, repeated_title_and_text_fields_verify)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "multi.cari");
    cari_writer *w;
    cr_assert_eq(cari_writer_open(&w, path, NULL), 0);
    cari_field f[] = {
        { "title", "satu", 4 }, { "text", "dua", 3 }, { "text", "tiga", 4 }, { "text", "empat", 5 },
    };
    cr_assert_eq(cari_writer_add(w, "m", 1, f, 4), 0, "%s", cari_error_last());
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0, "%s", cari_error_last());
    cr_expect_eq(cari_index_verify(ix), 0, "an index the writer made fails verify: %s",
                 cari_error_last());
    cari_index_close(ix);
    test_rmtree(dir);
    free(dir);
    free(path);
}

/* A file cut at the edges of each section, of the table and of the footer:
 * open, with or without verification, says it is truncated. */
Test(verify, truncated_at_every_section_boundary)
{
    uint64_t table = le64_load(good + 24);
    size_t cuts[16 * 6 + 8], n = 0;
    for (size_t s = 0; s < nsecs; s++) {
        uint64_t edges[] = { secs[s].offset, secs[s].offset + secs[s].len };
        for (int k = 0; k < 2; k++)
            for (int d = -1; d <= 1; d++)
                cuts[n++] = (size_t)((int64_t)edges[k] + d);
    }
    size_t ends[] = { table - 1, table, table + 1, good_len - FORMAT_FOOTER_SIZE - 1,
                      good_len - FORMAT_FOOTER_SIZE, good_len - FORMAT_FOOTER_SIZE + 1, good_len - 1 };
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++)
        cuts[n++] = ends[k];
    for (size_t i = 0; i < n; i++) {
        cari_index *ix = (cari_index *)1;
        cr_assert_eq(open_bytes(good, cuts[i], &ix), CARI_ECORRUPT, "cut at %zu", cuts[i]);
        cr_assert_null(ix);
        char want[256];
        if (cuts[i] < FORMAT_HEADER_SIZE + FORMAT_FOOTER_SIZE)
            snprintf(want, sizeof want, "%s: not a cari index (%zu bytes)", bad_path, cuts[i]);
        else
            snprintf(want, sizeof want,
                     "%s: corrupt index: the header says %zu bytes but the file has %zu (truncated?)",
                     bad_path, good_len, cuts[i]);
        cr_assert_str_eq(cari_error_last(), want, "cut at %zu", cuts[i]);
        cr_assert_eq(cari_index_open(&ix, bad_path, CARI_OPEN_VERIFY), CARI_ECORRUPT);
        cr_assert_null(ix);
    }
}

/* xorshift64: the same "random" damage on every run. */
enum { RANDOM_COPIES = 1000 };
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return *state = x;
}

/* One byte anywhere set to another value: open may notice; if it does not,
 * queries, documents and snippets hold up, and verify (and an open with
 * CARI_OPEN_VERIFY) always does, naming the file. */
Test(verify, seeded_random_bytes_are_found_by_verify)
{
    uint64_t seed = 0x63617269u;
    uint8_t *copy = malloc(good_len);
    memcpy(copy, good, good_len);
    size_t opened = 0;
    for (int n = 0; n < RANDOM_COPIES; n++) {
        size_t i = (size_t)(next_random(&seed) % good_len);
        uint8_t was = copy[i];
        copy[i] = (uint8_t)(was ^ (1 + next_random(&seed) % 255));
        char where[64];
        snprintf(where, sizeof where, "byte %zu = 0x%02x (was 0x%02x)", i, copy[i], was);
        cari_index *ix = NULL;
        int rc = open_bytes(copy, good_len, &ix);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT, "%s: open rc %d %s", where, rc, cari_error_last());
        if (rc == 0) {
            opened++;
            exercise_n(ix, where, 6, 2);
            cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT, "%s passes verify", where);
            cari_index_close(ix);
        }
        cr_assert_eq(cari_index_open(&ix, bad_path, CARI_OPEN_VERIFY), CARI_ECORRUPT, "%s", where);
        cr_assert(contains(cari_error_last(), bad_path), "%s: %s", where, cari_error_last());
        copy[i] = was;
    }
    cr_log_info("random bytes: %d damaged copies, %zu opened without verification", RANDOM_COPIES,
                opened);
    cr_assert_gt(opened, RANDOM_COPIES / 2, "most damage is in sections that open does not read");
    free(copy);
}

/* One to four bytes of any section overwritten and every checksum resealed:
 * the structure walk must find what it can and never crash; an open with
 * CARI_OPEN_VERIFY agrees with verify; queries hold up either way. */
Test(verify, seeded_random_damage_behind_valid_checksums)
{
    uint64_t seed = 0x7365616cu;
    uint64_t section_bytes = 0;
    for (size_t s = 0; s < nsecs; s++)
        section_bytes += secs[s].len;
    uint8_t *copy = malloc(good_len);
    size_t tried = 0, found = 0;
    for (int n = 0; n < RANDOM_COPIES; n++) {
        uint64_t pick = next_random(&seed) % section_bytes;
        size_t s = 0;
        while (pick >= secs[s].len)
            pick -= secs[s++].len;
        size_t width = 1 + (size_t)(next_random(&seed) % 4);
        if (pick + width > secs[s].len)
            width = (size_t)(secs[s].len - pick);
        memcpy(copy, good, good_len);
        for (size_t k = 0; k < width; k++)
            copy[secs[s].offset + pick + k] = (uint8_t)next_random(&seed);
        if (memcmp(copy, good, good_len) == 0)
            continue;
        ib_reseal(copy, good_len);
        char where[96];
        snprintf(where, sizeof where, "resealed %s bytes %llu..%llu", format_section_name(secs[s].id),
                 (unsigned long long)pick, (unsigned long long)(pick + width));
        cari_index *ix = NULL;
        int rc = open_bytes(copy, good_len, &ix);
        cr_assert(rc == 0 || rc == CARI_ECORRUPT || rc == CARI_EVERSION, "%s: open rc %d %s", where, rc,
                  cari_error_last());
        tried++;
        if (rc != 0) {
            found++;
            continue;
        }
        int vrc = cari_index_verify(ix);
        cr_assert(vrc == 0 || vrc == CARI_ECORRUPT, "%s: verify rc %d", where, vrc);
        found += vrc != 0;
        exercise_lite(ix, where);
        cari_index_close(ix);
        cr_assert_eq(cari_index_open(&ix, bad_path, CARI_OPEN_VERIFY), vrc, "%s", where);
        cari_index_close(ix);
    }
    cr_log_info("resealed random damage: %zu of %zu found", found, tried);
    cr_assert_gt(found, tried / 2, "%zu of %zu found", found, tried);
    free(copy);
}

/* Verify names the place of what open does not check: padding, reserved
 * fields, and damage inside a term's postings. */
Test(verify, messages_name_padding_reserved_fields_and_term_bytes)
{
    uint8_t *copy = malloc(good_len);
    cari_index *ix;
    size_t pad = 0;
    while (pad < good_len && covered(pad))
        pad++;
    cr_assert_lt(pad, good_len, "the samples index has padding between sections");
    memcpy(copy, good, good_len);
    copy[pad] = 1;
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0, "padding is not read by open");
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "padding at bytes "), "%s", cari_error_last());
    cr_assert(contains(cari_error_last(), ") is not zero"), "%s", cari_error_last());
    cari_index_close(ix);

    memcpy(copy, good, good_len);
    copy[secs[0].entry + 4] = 1; /* flags of the first table entry */
    ib_reseal(copy, good_len);
    cr_assert_eq(open_bytes(copy, good_len, &ix), 0);
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    char want[128];
    snprintf(want, sizeof want, "section table entry 0 (%s): reserved fields are not zero",
             format_section_name(secs[0].id));
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
    cari_index_close(ix);

    /* the first damaged postings byte that verify finds: its message says where */
    const struct ib_section *post = ib_find(secs, nsecs, SECTION_POSTINGS);
    int named = 0;
    for (uint64_t i = 0; i < post->len && !named; i++) {
        memcpy(copy, good, good_len);
        copy[post->offset + i] ^= 0x55;
        ib_reseal(copy, good_len);
        if (open_bytes(copy, good_len, &ix) != 0)
            continue;
        if (cari_index_verify(ix) == CARI_ECORRUPT) {
            const char *m = cari_error_last();
            cr_assert(contains(m, "POSTINGS bytes ") &&
                          (contains(m, "(TERM_BLOCKS block ") || contains(m, "(block ")),
                      "byte %llu: %s", (unsigned long long)i, m);
            cr_log_info("%s", m);
            named = 1;
        }
        cari_index_close(ix);
    }
    cr_assert(named);
    free(copy);
}

/* Sets the byte at `at` of POSITIONS in a copy of `bytes`, reseals it and
 * expects verify to name `want` (and POSITIONS). */
static void expect_positions_damage(const uint8_t *bytes, size_t len, uint64_t at, uint8_t value,
                                    const char *want)
{
    struct ib_section s[32];
    size_t n = ib_sections(bytes, len, s, 32);
    const struct ib_section *pos = ib_find(s, n, SECTION_POSITIONS);
    uint8_t *copy = malloc(len);
    memcpy(copy, bytes, len);
    cr_assert_neq(copy[pos->offset + at], value);
    copy[pos->offset + at] = value;
    ib_reseal(copy, len);
    cari_index *ix;
    cr_assert_eq(open_bytes(copy, len, &ix), 0);
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT, "byte %llu = %u verified",
                 (unsigned long long)at, value);
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
    cr_assert(contains(cari_error_last(), "POSITIONS"), "%s", cari_error_last());
    exercise_lite(ix, "damaged positions");
    cari_index_close(ix);
    free(copy);
}

/* A positions run damaged behind valid checksums is found by verify and named
 * by its term: quotients lost or added, a one bit in the padding. */
Test(verify, damaged_positions_runs_are_found)
{
    struct term_entry e;
    cr_assert_eq(termdict_find(fx.ix, "yang", 4, &e), 0);
    expect_positions_damage(good, good_len, e.positions_off, 32, "term \"yang\" (TERM_BLOCKS block ");
    cr_assert_eq(termdict_find(fx.ix, "sampai\x01", 7, &e), 0);
    expect_positions_damage(good, good_len, e.positions_off, 32, "term \"sampai (root)\"");

    /* one document that writes alfa 300 times: positions 0..299, norm 72 (280
     * tokens) and tf 300 give k 0, so the run is 300 one bits (38 bytes) */
    char text[300 * 5 + 1] = "";
    for (int i = 0; i < 300; i++)
        strcat(text, "alfa ");
    const struct test_doc doc[] = { { "a", NULL, text } };
    char *path = test_path(fx.dir, "alfa.cari");
    test_build_docs(path, doc, 1);
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);
    cr_assert_eq(termdict_find(ix, "alfa", 4, &e), 0);
    cr_assert_eq(e.cf, 300);
    cari_index_close(ix);
    size_t len;
    uint8_t *bytes = (uint8_t *)test_read_file(path, &len);
    struct ib_section s[32];
    size_t n = ib_sections(bytes, len, s, 32);
    const uint8_t *run = bytes + ib_find(s, n, SECTION_POSITIONS)->offset + e.positions_off;
    cr_assert_eq(e.positions_len, 38);
    for (int i = 0; i < 37; i++)
        cr_assert_eq(run[i], 0xFF, "byte %d: eight quotients 0", i);
    cr_assert_eq(run[37], 0x0F, "four more, then zero padding");
    expect_positions_damage(bytes, len, e.positions_off + 10, 0x00, "term \"alfa\"");
    expect_positions_damage(bytes, len, e.positions_off + 0, 0xFE, "term \"alfa\"");
    expect_positions_damage(bytes, len, e.positions_off + 37, 0x1F, "term \"alfa\"");
    free(bytes);
    free(path);
}

/* Where a term's first block begins in the file, and its skip entry's PFor
 * width bytes (gaps, frequencies). */
static void first_block_at(cari_index *ix, const char *term, uint64_t section_offset,
                           uint64_t *data_at, uint64_t *tf_width_at)
{
    struct term_entry e;
    cr_assert_eq(termdict_find(ix, term, strlen(term), &e), 0, "%s", term);
    int error = 0;
    postings_cursor c;
    cr_assert_eq(postings_open(&c, ix, &e, &error), 0, "%s", cari_error_last());
    cr_assert_not_null(c.skips, "%s has full blocks", term);
    const uint8_t *base = ix->sec[SECTION_POSTINGS].data;
    *data_at = section_offset + (uint64_t)(c.data - base);
    *tf_width_at = section_offset + (uint64_t)(c.skips + c.fixed_at + 3 - base);
    cr_assert_eq(c.skips[c.fixed_at + 2], 0, "%s: every gap 0, no bytes", term);
}

/* Verifies bytes damaged behind valid checksums: CARI_ECORRUPT naming `want`. */
static void expect_postings_damage(uint8_t *bytes, size_t len, const char *want)
{
    ib_reseal(bytes, len);
    cari_index *ix;
    cr_assert_eq(open_bytes(bytes, len, &ix), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT, "%s: verified", want);
    cr_assert(contains(cari_error_last(), want), "%s", cari_error_last());
    exercise_lite(ix, want);
    cari_index_close(ix);
}

/* A full block's exception area damaged is found, by the cursor when it does
 * not decode, by verify when it decodes to other values or is not the
 * writer's; so is a block coded at a base the writer would not choose (of
 * the same size, so that it still decodes). 130 documents with "alfa" and "beta": beta 40
 * times in document 5 (one exception over a base of 0), alfa twice in 12 of
 * them (16 bytes both as exceptions and packed at 1: the writer packs). */
Test(verify, damaged_pfor_exceptions_are_found)
{
    static char texts[130][260];
    struct test_doc docs[130];
    static char ids[130][8];
    for (int i = 0; i < 130; i++) {
        snprintf(ids[i], sizeof ids[i], "d%03d", i);
        snprintf(texts[i], sizeof texts[i], "alfa beta%s", i % 10 == 0 && i < 120 ? " alfa" : "");
        for (int k = 1; i == 5 && k < 40; k++)
            strcat(texts[i], " beta");
        docs[i] = (struct test_doc){ ids[i], NULL, texts[i] };
    }
    char *path = test_path(fx.dir, "pfor.cari");
    test_build_docs(path, docs, 130);
    size_t len;
    uint8_t *bytes = (uint8_t *)test_read_file(path, &len), *copy = malloc(len);
    struct ib_section s[32];
    size_t n = ib_sections(bytes, len, s, 32);
    uint64_t postings = ib_find(s, n, SECTION_POSTINGS)->offset, beta, beta_width, alfa, alfa_width;
    cari_index *ix;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);
    cr_assert_eq(cari_index_verify(ix), 0, "%s", cari_error_last());
    first_block_at(ix, "beta", postings, &beta, &beta_width);
    first_block_at(ix, "alfa", postings, &alfa, &alfa_width);
    char *want = test_search(ix, "alfa", 0, 200);
    cari_index_close(ix);

    cr_assert_eq(bytes[beta_width], PFOR_PATCHED | 0);
    const uint8_t area[] = { 1, 6, 5, 39 }; /* one exception: index 5, tf 40 - 1 */
    cr_assert_arr_eq(bytes + beta, area, sizeof area);
    const struct {
        unsigned at;
        uint8_t value;
        const char *want;
    } damage[] = {
        { 0, 2, "undecodable block" },                     /* two exceptions: beyond the block */
        { 1, 7, "PFor exceptions are not the writer's" },  /* decodes, 7 bits where 6 do */
        /* index 72 (masked): moved, same sums, but to a short doc: the block's
         * cover is no longer the writer's */
        { 2, 200, "a skip entry does not match its block" },
        { 3, 0, "a skip entry does not match its block" }, /* tf 1: the block's max_tf is 40 */
        { 3, 39 | 0x40, "PFor exceptions are not the writer's" }, /* a one in the padding */
    };
    for (size_t d = 0; d < sizeof damage / sizeof *damage; d++) {
        memcpy(copy, bytes, len);
        copy[beta + damage[d].at] = damage[d].value;
        expect_postings_damage(copy, len, "POSTINGS bytes");
        cr_assert(contains(cari_error_last(), damage[d].want), "%zu: %s", d, cari_error_last());
    }
    /* a cover pair that still bounds the block (frequency 2 over 1) but is
     * not the writer's */
    memcpy(copy, bytes, len);
    cr_assert_eq(copy[beta_width + 1], 1, "beta's first pair: frequency 1");
    copy[beta_width + 1] = 2;
    expect_postings_damage(copy, len, "a skip entry does not match its block");
    /* a best one higher: it still bounds the block, but it is not the writer's */
    memcpy(copy, bytes, len);
    uint8_t *best = copy + beta_width + 5;
    cr_assert_neq(best[0] | best[1] << 8, 0, "beta's block has a best");
    best[0] = (uint8_t)(best[0] + 1); /* not 255: a best is below 65535 here */
    cr_assert_neq(best[0], 0);
    expect_postings_damage(copy, len, "a skip entry's best is not its word's");

    cr_assert_eq(bytes[alfa_width], 1, "packed at 1, no exceptions");
    memcpy(copy, bytes, len);
    copy[alfa_width] = PFOR_PATCHED | 0;
    uint8_t *p = copy + alfa;
    *p++ = 12, *p++ = 1;
    for (uint8_t i = 0; i < 12; i++)
        *p++ = (uint8_t)(10 * i);
    *p++ = 0xFF, *p++ = 0x0F; /* 12 high parts of 1, then zero padding */
    ib_reseal(copy, len);
    cr_assert_eq(open_bytes(copy, len, &ix), 0);
    char *hits = test_search(ix, "alfa", 0, 200);
    cr_assert_eq(cari_index_verify(ix), CARI_ECORRUPT);
    cr_assert(contains(cari_error_last(), "term \"alfa\""), "%s", cari_error_last());
    cr_assert(contains(cari_error_last(), "not coded at the writer's PFor widths"), "%s",
              cari_error_last());
    cr_assert_str_eq(hits, want, "decodes to the same postings");
    cr_assert(strncmp(hits, "d000,d010,d020", 14) == 0, "tf 2 first: %s", hits);
    free(want);
    free(hits);
    cari_index_close(ix);
    free(copy);
    free(bytes);
    free(path);
}
