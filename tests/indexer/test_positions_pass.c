/* The positions pass, on its own thread or inside the caller's calls, writes
 * the bytes the serial pass writes, whatever its runs (in memory, on disk),
 * however small its chunks and whether they wait in memory or in the spill
 * file, and hands over every live term's postings as the serial pass reads
 * them; abandoned, it stops and leaves its runs as they were and no file
 * behind. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/format.h"
#include "indexer/file_writer.h"
#include "indexer/live_postings.h"
#include "indexer/positions_pass.h"
#include "indexer/run_merge.h"
#include "tests/common/test_util.h"

enum { NRECORDS = 300, BATCH = 10, PER_DOC = 400, NWORDS = 900 };

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Records in batches of BATCH taken in turn by two inverters, as two
 * threads take them. */
static void feed(inverter inv[2])
{
    uint32_t seed = 11;
    char key[16];
    for (uint32_t record = 0; record < NRECORDS; record++) {
        inverter *to = &inv[record / BATCH % 2];
        for (uint32_t pos = 0; pos < PER_DOC; pos++) {
            uint32_t r = next_rand(&seed);
            uint32_t w = r % 2 ? r / 2 % 20 : r / 2 % NWORDS;
            snprintf(key, sizeof key, "k%u", w * 31u);
            cr_assert_eq(inverter_add(to, record, key, strlen(key), pos), 0);
        }
        cr_assert_eq(inverter_end_doc(to), 0);
    }
}

/* Every record holds PER_DOC tokens. */
static const uint32_t *record_lengths(void)
{
    static uint32_t lengths[NRECORDS];
    for (uint32_t r = 0; r < NRECORDS; r++)
        lengths[r] = PER_DOC;
    return lengths;
}

/* Every 7th record replaced, the others numbered in order. */
static uint32_t *number_records(void)
{
    uint32_t *doc_of_record = malloc(NRECORDS * sizeof *doc_of_record), n = 0;
    cr_assert_not_null(doc_of_record);
    for (uint32_t r = 0; r < NRECORDS; r++)
        doc_of_record[r] = r % 7 == 3 ? UINT32_MAX : n++;
    return doc_of_record;
}

/* The serial pass's live terms, as the commit read them: key, info and
 * postings, one record per term, back to back in `out`. */
static void append_term(buf *out, const char *key, size_t key_len, const struct term_info *info,
                        const uint32_t *docs, const uint32_t *tfs, const uint64_t *starts)
{
    buf_u32(out, (uint32_t)key_len);
    buf_append(out, key, key_len);
    buf_u32(out, info->df);
    buf_u32(out, info->max_tf);
    buf_append(out, &info->cf, sizeof info->cf);
    buf_append(out, &info->positions_len, sizeof info->positions_len);
    buf_append(out, docs, info->df * sizeof *docs);
    buf_append(out, tfs, info->df * sizeof *tfs);
    buf_append(out, starts, info->df * sizeof *starts);
}

/* The serial pass over `cursors`: every term's positions, back to back; and
 * into `terms`, when not NULL, its live terms (append_term). */
static buf serial_pass(run_cursor *cursors, size_t n, const uint32_t *doc_of_record, buf *terms)
{
    run_merge m;
    struct live_postings lp = { 0 };
    buf out = BUF_INIT;
    cr_assert_eq(run_merge_init(&m, cursors, n), 0);
    while (run_merge_next(&m) == 0 && !m.done) {
        struct term_info info;
        cr_assert_eq(live_postings_fill(&lp, &m, doc_of_record, record_lengths(), &info, &out), 0);
        if (terms != NULL && info.df > 0)
            append_term(terms, m.key, m.key_len, &info, lp.docs, lp.tfs, lp.pos_starts);
    }
    cr_assert_eq(m.done, 1);
    run_merge_free(&m);
    live_postings_free(&lp);
    cr_assert_eq(out.rc, 0);
    cr_assert(terms == NULL || terms->rc == 0);
    return out;
}

/* The POSITIONS section the pass writes into a file at `path`; *spilled:
 * its bytes that went through the spill file. */
static char *threaded_positions(const char *path, const run_cursor *cursors, size_t n,
                                const uint32_t *doc_of_record,
                                const struct positions_pass_limits *lim, size_t *len,
                                uint64_t *spilled)
{
    positions_pass *pp;
    cr_assert_eq(positions_pass_start(&pp, cursors, n, doc_of_record, record_lengths(), lim), 0);
    usleep(20000); /* time for the thread to run ahead, as during the first pass */
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0);
    file_writer_begin(&fw, SECTION_POSITIONS);
    cr_assert_eq(positions_pass_write(pp, &fw), 0, "%s", cari_error_last());
    file_writer_end(&fw);
    *spilled = positions_pass_spilled(pp);
    positions_pass_free(pp);
    uint64_t offset = fw.sections[0].offset;
    *len = (size_t)fw.sections[0].length;
    cr_assert_eq(file_writer_commit(&fw), 0);
    size_t file_len;
    char *file = test_read_file(path, &file_len);
    cr_assert_not_null(file);
    cr_assert_leq(offset + *len, file_len);
    char *section = malloc(*len ? *len : 1);
    cr_assert_not_null(section);
    memcpy(section, file + offset, *len);
    free(file);
    return section;
}

/* How many entries of `dir` there are, . and .. left out. */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

struct fixture {
    char *dir, *run_path, *index_path, *spill_path;
    inverter inv[2];
    run_cursor cursors[2];
    uint32_t *doc_of_record;
};

/* Inverter 0 spilled to a run file, inverter 1 kept in memory. */
static void setup(struct fixture *f)
{
    f->dir = test_tmpdir();
    f->run_path = test_path(f->dir, "a.run");
    f->index_path = test_path(f->dir, "ix.cari");
    f->spill_path = test_path(f->dir, "ix.cari.run-1-positions");
    cr_assert_eq(inverter_init(&f->inv[0]), 0);
    cr_assert_eq(inverter_init(&f->inv[1]), 0);
    feed(f->inv);
    cr_assert_eq(run_file_write(&f->inv[0], f->run_path), 0);
    cr_assert_eq(run_cursor_open(&f->cursors[0], f->run_path, NULL), 0);
    cr_assert_eq(run_cursor_open(&f->cursors[1], NULL, &f->inv[1]), 0);
    f->doc_of_record = number_records();
}

static void teardown(struct fixture *f)
{
    for (int i = 0; i < 2; i++) {
        run_cursor_close(&f->cursors[i]);
        inverter_free(&f->inv[i]);
    }
    free(f->doc_of_record);
    test_rmtree(f->dir);
    free(f->run_path);
    free(f->index_path);
    free(f->spill_path);
    free(f->dir);
}

Test(positions_pass, writes_the_serial_bytes_from_memory_and_the_spill_file)
{
    struct fixture f;
    setup(&f);
    buf want = serial_pass(f.cursors, 2, f.doc_of_record, NULL);
    cr_assert_gt(want.len, 64 * 1024, "too few positions to need many chunks");
    struct { size_t chunk, held; int threaded; const char *what; } cases[] = {
        { 1 << 20, 1 << 30, 1, "one chunk, in memory" },
        { 4096, 1 << 30, 1, "many chunks, in memory" },
        { 64, 0, 1, "many chunks, all through the spill file" },
        { 1000, 10000, 1, "the first chunks in memory, the rest (if it runs ahead) spilled" },
        { 4096, 1 << 30, 0, "no thread, many chunks, in memory" },
        { 64, 0, 0, "no thread, many chunks, all through the spill file" },
        { 1000, 10000, 0, "no thread, the first chunks in memory, the rest spilled" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct positions_pass_limits lim = { cases[i].chunk, cases[i].held, f.spill_path,
                                             cases[i].threaded, 0, NULL, NULL, 0, 0 };
        size_t len;
        uint64_t spilled;
        /* the given cursors stand after their last term: the pass's own start over */
        char *got = threaded_positions(f.index_path, f.cursors, 2, f.doc_of_record, &lim, &len,
                                       &spilled);
        cr_assert_eq(len, want.len, "%s: %zu bytes, not %zu", cases[i].what, len, want.len);
        cr_assert_eq(memcmp(got, want.data, len), 0, "%s: the bytes differ", cases[i].what);
        if (cases[i].held == 0)
            cr_assert_eq(spilled, want.len, "%s: %llu bytes spilled", cases[i].what,
                         (unsigned long long)spilled);
        if (cases[i].held == 1 << 30)
            cr_assert_eq(spilled, 0, "%s: %llu bytes spilled", cases[i].what,
                         (unsigned long long)spilled);
        /* the run, the index; no spill file */
        cr_assert_eq(count_files(f.dir), 2, "%s: files left behind", cases[i].what);
        free(got);
    }
    buf_free(&want);
    teardown(&f);
}

Test(positions_pass, an_abandoned_pass_stops_and_leaves_its_runs, .timeout = 30)
{
    struct fixture f;
    setup(&f);
    buf want = serial_pass(f.cursors, 2, f.doc_of_record, NULL);
    positions_pass *pp;
    struct positions_pass_limits lim = { 64, 0, f.spill_path, 1, 1, NULL, NULL, 0, 0 };
    cr_assert_eq(positions_pass_start(&pp, f.cursors, 2, f.doc_of_record, record_lengths(), &lim), 0);
    usleep(5000);
    positions_pass_free(pp); /* returns: the thread was told to stop */
    cr_assert_eq(count_files(f.dir), 1, "files left beside the run");
    cr_assert_eq(run_cursor_rewind(&f.cursors[0]), 0);
    cr_assert_eq(run_cursor_rewind(&f.cursors[1]), 0);
    buf again = serial_pass(f.cursors, 2, f.doc_of_record, NULL);
    cr_assert_eq(again.len, want.len);
    cr_assert_eq(memcmp(again.data, want.data, want.len), 0);
    buf_free(&want);
    buf_free(&again);
    teardown(&f);
}

Test(positions_pass, a_spill_file_it_cannot_create_fails_the_write)
{
    struct fixture f;
    setup(&f);
    char *missing = test_path(f.dir, "no/such/folder/positions");
    struct positions_pass_limits lim = { 64, 0, missing, 1, 0, NULL, NULL, 0, 0 };
    positions_pass *pp;
    cr_assert_eq(positions_pass_start(&pp, f.cursors, 2, f.doc_of_record, record_lengths(), &lim), 0);
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, f.index_path), 0);
    file_writer_begin(&fw, SECTION_POSITIONS);
    cr_assert_eq(positions_pass_write(pp, &fw), CARI_EIO);
    cr_assert(strstr(cari_error_last(), "cannot create") != NULL &&
                  strstr(cari_error_last(), "no/such/folder/positions") != NULL,
              "%s", cari_error_last());
    positions_pass_free(pp);
    file_writer_abort(&fw);
    cr_assert_eq(count_files(f.dir), 1, "files left beside the run");
    free(missing);
    teardown(&f);
}

Test(positions_pass, hands_over_the_terms_the_serial_pass_reads_and_then_its_positions)
{
    struct fixture f;
    setup(&f);
    buf want_terms = BUF_INIT;
    buf want = serial_pass(f.cursors, 2, f.doc_of_record, &want_terms);
    for (int threaded = 0; threaded <= 1; threaded++) {
        for (size_t held = 0; held <= 1 << 30; held += 1 << 30) {
            struct positions_pass_limits lim = { 1000, held, f.spill_path, threaded, 1,
                                                 NULL, NULL, 0,           0 };
            positions_pass *pp;
            cr_assert_eq(positions_pass_start(&pp, f.cursors, 2, f.doc_of_record, record_lengths(),
                                              &lim), 0);
            buf got_terms = BUF_INIT;
            struct term_batch *b;
            size_t batches = 0;
            while (positions_pass_terms(pp, &b) == 0 && b != NULL) {
                for (size_t i = 0; i < b->nterms; i++) {
                    const struct pass_term *t = &b->terms[i];
                    append_term(&got_terms, (const char *)b->keys.data + t->key_off, t->key_len,
                                &t->info, b->docs + t->first, b->tfs + t->first,
                                b->pos_starts + t->first);
                }
                positions_pass_recycle(pp, b);
                batches++;
            }
            cr_assert_gt(batches, 0);
            cr_assert_eq(got_terms.len, want_terms.len, "threaded %d: %zu bytes of terms, not %zu",
                         threaded, got_terms.len, want_terms.len);
            cr_assert_eq(memcmp(got_terms.data, want_terms.data, want_terms.len), 0,
                         "threaded %d: the terms differ", threaded);
            file_writer fw;
            cr_assert_eq(file_writer_open(&fw, f.index_path), 0);
            file_writer_begin(&fw, SECTION_POSITIONS);
            cr_assert_eq(positions_pass_write(pp, &fw), 0, "%s", cari_error_last());
            file_writer_end(&fw);
            cr_assert_eq(fw.sections[0].length, want.len);
            cr_assert_eq(positions_pass_spilled(pp), held == 0 ? want.len : 0);
            positions_pass_free(pp);
            cr_assert_eq(file_writer_commit(&fw), 0);
            size_t file_len;
            char *file = test_read_file(f.index_path, &file_len);
            cr_assert_not_null(file);
            cr_assert_eq(memcmp(file + fw.sections[0].offset, want.data, want.len), 0,
                         "threaded %d: the positions differ", threaded);
            free(file);
            buf_free(&got_terms);
        }
    }
    buf_free(&want);
    buf_free(&want_terms);
    teardown(&f);
}

/* Every live term a pass hands over (append_term), and its POSITIONS bytes
 * appended to *positions. */
static void collect_pass(positions_pass *pp, const char *index_path, buf *terms, buf *positions)
{
    struct term_batch *b;
    while (positions_pass_terms(pp, &b) == 0 && b != NULL) {
        for (size_t i = 0; i < b->nterms; i++) {
            const struct pass_term *t = &b->terms[i];
            append_term(terms, (const char *)b->keys.data + t->key_off, t->key_len, &t->info,
                        b->docs + t->first, b->tfs + t->first, b->pos_starts + t->first);
        }
        positions_pass_recycle(pp, b);
    }
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, index_path), 0);
    file_writer_begin(&fw, SECTION_POSITIONS);
    cr_assert_eq(positions_pass_write(pp, &fw), 0, "%s", cari_error_last());
    file_writer_end(&fw);
    cr_assert_eq(file_writer_commit(&fw), 0);
    size_t file_len;
    char *file = test_read_file(index_path, &file_len);
    cr_assert_not_null(file);
    buf_append(positions, file + fw.sections[0].offset, (size_t)fw.sections[0].length);
    free(file);
}

/* The terms before `key` in the serial pass's records (append_term). */
static size_t terms_before(const buf *terms, const buf *key)
{
    size_t n = 0;
    for (const uint8_t *at = terms->data, *end = at + terms->len; at < end; n++) {
        uint32_t len, df;
        memcpy(&len, at, 4);
        memcpy(&df, at + 4 + len, 4);
        size_t common = len < key->len ? len : key->len;
        int c = memcmp(at + 4, key->data, common);
        if (c > 0 || (c == 0 && len >= key->len))
            return n;
        at += 4 + len + 4 + 4 + 8 + 8 + (size_t)df * (4 + 4 + 8);
    }
    return n;
}

Test(positions_pass, two_ranges_split_at_a_key_give_the_serial_terms_and_positions)
{
    struct fixture f;
    setup(&f);
    buf want_terms = BUF_INIT;
    buf want = serial_pass(f.cursors, 2, f.doc_of_record, &want_terms);
    buf all = { (uint8_t *)"\xff", 1, 1, 0 }; /* after every key */
    size_t nterms = terms_before(&want_terms, &all);
    unsigned percents[] = { 1, 30, 57, 99 };
    size_t last_before = 0;
    for (size_t i = 0; i < sizeof percents / sizeof *percents; i++) {
        buf key = BUF_INIT;
        cr_assert_eq(positions_pass_split_key(f.cursors, 2, percents[i], &key), 0);
        cr_assert_gt(key.len, 0, "%u%%: no key", percents[i]);
        /* a larger share puts more terms before the key, and never all or none */
        size_t before = terms_before(&want_terms, &key);
        cr_assert(before > 0 && before < nterms, "%u%%: %zu of %zu terms before the key",
                  percents[i], before, nterms);
        cr_assert_gt(before, last_before, "%u%%: %zu terms before the key", percents[i], before);
        last_before = before;
        struct positions_pass_limits first = { 1000, 4000, f.spill_path, 1, 1,
                                               NULL, (char *)key.data, 0, key.len };
        char *later_spill = test_path(f.dir, "ix.cari.run-1-positions-later");
        struct positions_pass_limits later = { 1000, 4000, later_spill, 0, 1,
                                               (char *)key.data, NULL, key.len, 0 };
        positions_pass *a, *b;
        const uint32_t *lengths = record_lengths();
        cr_assert_eq(positions_pass_start(&a, f.cursors, 2, f.doc_of_record, lengths, &first), 0);
        cr_assert_eq(positions_pass_start(&b, f.cursors, 2, f.doc_of_record, lengths, &later), 0);
        buf got_terms = BUF_INIT, got = BUF_INIT;
        collect_pass(a, f.index_path, &got_terms, &got);
        cr_assert_eq(terms_before(&got_terms, &all), before, "%u%%: the first range's terms",
                     percents[i]);
        collect_pass(b, f.index_path, &got_terms, &got);
        positions_pass_free(a);
        positions_pass_free(b);
        cr_assert_eq(got_terms.len, want_terms.len, "%u%%: %zu bytes of terms, not %zu",
                     percents[i], got_terms.len, want_terms.len);
        cr_assert_eq(memcmp(got_terms.data, want_terms.data, want_terms.len), 0,
                     "%u%%: the terms differ", percents[i]);
        cr_assert_eq(got.len, want.len, "%u%%: %zu bytes of positions, not %zu", percents[i],
                     got.len, want.len);
        cr_assert_eq(memcmp(got.data, want.data, want.len), 0, "%u%%: the positions differ",
                     percents[i]);
        cr_assert_eq(count_files(f.dir), 2, "%u%%: spill files left behind", percents[i]);
        buf_free(&got_terms);
        buf_free(&got);
        buf_free(&key);
        free(later_spill);
    }
    buf_free(&want);
    buf_free(&want_terms);
    teardown(&f);
}

/* Words and their roots side by side ("w", "w\1"), as the analyser makes
 * them: the split never falls between a word and its root. */
Test(positions_pass, the_split_key_is_never_a_root_key)
{
    inverter inv;
    cr_assert_eq(inverter_init(&inv), 0);
    char key[16];
    for (uint32_t record = 0; record < 50; record++) {
        for (uint32_t w = 0; w < 40; w++) {
            int n = snprintf(key, sizeof key, "w%02u", w);
            cr_assert_eq(inverter_add(&inv, record, key, (size_t)n, w), 0);
            key[n] = FORMAT_ROOT_MARK;
            cr_assert_eq(inverter_add(&inv, record, key, (size_t)n + 1, w), 0);
        }
        cr_assert_eq(inverter_end_doc(&inv), 0);
    }
    run_cursor c;
    cr_assert_eq(run_cursor_open(&c, NULL, &inv), 0);
    for (unsigned percent = 1; percent <= 97; percent++) {
        buf split = BUF_INIT;
        cr_assert_eq(positions_pass_split_key(&c, 1, percent, &split), 0);
        cr_assert_eq(split.len, 3, "%u%%: a key of %zu bytes", percent, split.len);
        cr_assert_eq(split.data[0], 'w');
        /* about `percent` of the 40 words come before it */
        unsigned word = (unsigned)(split.data[1] - '0') * 10 + (unsigned)(split.data[2] - '0');
        int off = (int)(word * 100) - (int)(percent * 40);
        cr_assert(off >= -100 && off <= 200, "%u%%: split at word %u", percent, word);
        buf_free(&split);
    }
    buf late = BUF_INIT; /* past the last word: its root alone would be left */
    cr_assert_eq(positions_pass_split_key(&c, 1, 99, &late), 0);
    cr_assert_eq(late.len, 0, "a key at 99%%");
    buf none = BUF_INIT;
    cr_assert_eq(positions_pass_split_key(&c, 0, 50, &none), 0);
    cr_assert_eq(none.len, 0, "a key with no runs");
    buf_free(&late);
    run_cursor_close(&c);
    inverter_free(&inv);
}
