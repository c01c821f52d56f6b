/* Two ranges of terms, the later one on its own thread with its terms kept
 * until the first is written (all of them, or a few at a time when the bound
 * is small), write the postings and dictionary one range over every term
 * writes; a later range abandoned before the first is written stops; the
 * later range's bound is what the memory budget leaves free. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/block_cover.h"
#include "core/format.h"
#include "indexer/file_writer.h"
#include "indexer/positions_pass.h"
#include "indexer/postings_range.h"
#include "indexer/termdict_writer.h"
#include "tests/common/test_util.h"

enum { NRECORDS = 400, NWORDS = 300 };

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static uint32_t lengths[NRECORDS];

/* Words and their roots ("w7", "w7\1"), the roots in other documents too,
 * so that a root's group_df counts more than its own; frequent words have
 * full blocks of postings. */
static void feed(inverter *inv, uint32_t *doc_of_record, uint8_t *norms)
{
    uint32_t seed = 5, ndocs = 0;
    char key[16];
    for (uint32_t record = 0; record < NRECORDS; record++) {
        uint32_t pos = 0;
        for (; pos < 60; pos++) {
            uint32_t r = next_rand(&seed), w = r % 3 ? r / 4 % 8 : r / 4 % NWORDS;
            int n = snprintf(key, sizeof key, "w%u", w);
            if (r % 5 != 0)
                cr_assert_eq(inverter_add(inv, record, key, (size_t)n, pos), 0);
            key[n] = FORMAT_ROOT_MARK;
            if (r % 5 != 1)
                cr_assert_eq(inverter_add(inv, record, key, (size_t)n + 1, pos), 0);
        }
        cr_assert_eq(inverter_end_doc(inv), 0);
        lengths[record] = pos;
        doc_of_record[record] = record % 9 == 4 ? UINT32_MAX : ndocs++;
        norms[record] = (uint8_t)(record % 7);
    }
}

/* What every test starts from: the fed inverter and a cursor over it. */
struct fed {
    char *dir;
    inverter inv;
    uint32_t doc_of_record[NRECORDS];
    uint8_t norms[NRECORDS];
    float length_factor[256];
    run_cursor c;
};

static void fed_open(struct fed *f)
{
    f->dir = test_tmpdir();
    cr_assert_eq(inverter_init(&f->inv), 0);
    feed(&f->inv, f->doc_of_record, f->norms);
    block_cover_length_factors(f->length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B, 3.0);
    cr_assert_eq(run_cursor_open(&f->c, NULL, &f->inv), 0);
}

static void fed_close(struct fed *f)
{
    run_cursor_close(&f->c);
    inverter_free(&f->inv);
    test_rmtree(f->dir);
    free(f->dir);
}

struct written {
    buf postings, blocks;
    uint32_t nterms;
    uint64_t npostings;
};

static void written_free(struct written *w)
{
    buf_free(&w->postings);
    buf_free(&w->blocks);
}

static positions_pass *start_pass(const run_cursor *c, const uint32_t *doc_of_record,
                                  const char *spill, const buf *from, const buf *to, int threaded)
{
    struct positions_pass_limits lim = { 4096, 1 << 30, spill, threaded, 1, NULL, NULL, 0, 0 };
    if (from != NULL)
        lim.from_key = (const char *)from->data, lim.from_len = from->len;
    if (to != NULL)
        lim.to_key = (const char *)to->data, lim.to_len = to->len;
    positions_pass *pp;
    cr_assert_eq(positions_pass_start(&pp, c, 1, doc_of_record, lengths, &lim), 0);
    return pp;
}

/* The POSTINGS section and the dictionary's blocks: one range over every
 * term (split NULL) or two, split at `split`, the later keeping up to
 * `max_kept` bytes. */
static struct written write_ranges(const char *dir, const run_cursor *c,
                                   const uint32_t *doc_of_record, const uint8_t *norms,
                                   const float *length_factor, uint32_t ndocs, const buf *split,
                                   size_t max_kept)
{
    char *path = test_path(dir, "ix.cari"), *spill = test_path(dir, "spill");
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0);
    termdict_writer dict;
    termdict_writer_init(&dict, ndocs, norms);
    positions_pass *a = start_pass(c, doc_of_record, spill, NULL, split, 1);
    positions_pass *b = split != NULL ? start_pass(c, doc_of_record, spill, split, NULL, 0) : NULL;
    postings_range first, later;
    postings_range_init(&first, a, &fw, &dict, ndocs, norms, length_factor);
    postings_range_init(&later, b, &fw, &dict, ndocs, norms, length_factor);
    if (b != NULL)
        cr_assert_eq(postings_range_start(&later, max_kept), 0);
    file_writer_begin(&fw, SECTION_POSTINGS);
    cr_assert_eq(postings_range_write(&first), 0, "%s", cari_error_last());
    if (b != NULL)
        cr_assert_eq(postings_range_finish(&later), 0, "%s", cari_error_last());
    file_writer_end(&fw);
    struct written w = { BUF_INIT, BUF_INIT, first.nterms + later.nterms,
                         first.postings + later.postings };
    buf index = BUF_INIT;
    termdict_writer_index(&dict, &index);
    buf_append(&w.blocks, dict.blocks.data, dict.blocks.len);
    buf_free(&index);
    postings_range_free(&later);
    postings_range_free(&first);
    positions_pass_free(a);
    positions_pass_free(b);
    termdict_writer_free(&dict);
    cr_assert_eq(file_writer_commit(&fw), 0);
    size_t len;
    char *file = test_read_file(path, &len);
    cr_assert_not_null(file);
    buf_append(&w.postings, file + fw.sections[0].offset, (size_t)fw.sections[0].length);
    free(file);
    free(path);
    free(spill);
    return w;
}

Test(postings_range, two_ranges_write_what_one_writes_however_much_is_kept)
{
    struct fed f;
    fed_open(&f);
    uint32_t ndocs = 0;
    for (uint32_t r = 0; r < NRECORDS; r++)
        ndocs += f.doc_of_record[r] != UINT32_MAX;
    struct written one =
        write_ranges(f.dir, &f.c, f.doc_of_record, f.norms, f.length_factor, ndocs, NULL, 0);
    cr_assert_gt(one.postings.len, 4096, "too few postings");
    unsigned percents[] = { 10, 50, 90 };
    size_t bounds[] = { 0, 1000, (size_t)1 << 30 };
    for (size_t i = 0; i < 3; i++) {
        buf split = BUF_INIT;
        cr_assert_eq(positions_pass_split_key(&f.c, 1, percents[i], &split), 0);
        cr_assert_gt(split.len, 0);
        for (size_t k = 0; k < 3; k++) {
            struct written two = write_ranges(f.dir, &f.c, f.doc_of_record, f.norms,
                                              f.length_factor, ndocs, &split, bounds[k]);
            cr_assert_eq(two.nterms, one.nterms, "%u%%, %zu kept: %u terms, not %u", percents[i],
                         bounds[k], two.nterms, one.nterms);
            cr_assert_eq(two.npostings, one.npostings);
            cr_assert_eq(two.postings.len, one.postings.len, "%u%%, %zu kept: postings' length",
                         percents[i], bounds[k]);
            cr_assert_eq(memcmp(two.postings.data, one.postings.data, one.postings.len), 0,
                         "%u%%, %zu kept: the postings differ", percents[i], bounds[k]);
            cr_assert_eq(two.blocks.len, one.blocks.len, "%u%%, %zu kept: dictionary's length",
                         percents[i], bounds[k]);
            cr_assert_eq(memcmp(two.blocks.data, one.blocks.data, one.blocks.len), 0,
                         "%u%%, %zu kept: the dictionaries differ", percents[i], bounds[k]);
            written_free(&two);
        }
        buf_free(&split);
    }
    written_free(&one);
    fed_close(&f);
}

Test(postings_range, a_later_range_abandoned_before_the_first_is_written_stops, .timeout = 30)
{
    struct fed f;
    fed_open(&f);
    buf split = BUF_INIT;
    cr_assert_eq(positions_pass_split_key(&f.c, 1, 20, &split), 0);
    char *path = test_path(f.dir, "ix.cari"), *spill = test_path(f.dir, "spill");
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0);
    termdict_writer dict;
    termdict_writer_init(&dict, NRECORDS, f.norms);
    uint64_t start = fw.offset;
    for (size_t max_kept = 0; max_kept <= 1 << 30; max_kept += 1 << 30) {
        positions_pass *b = start_pass(&f.c, f.doc_of_record, spill, &split, NULL, 0);
        postings_range later;
        postings_range_init(&later, b, &fw, &dict, NRECORDS, f.norms, f.length_factor);
        cr_assert_eq(postings_range_start(&later, max_kept), 0);
        postings_range_free(&later); /* returns: waiting or not, the thread stops */
        positions_pass_free(b);
        cr_assert_eq(dict.nterms, 0, "the abandoned range added terms");
        cr_assert_eq(fw.offset, start, "the abandoned range wrote to the file");
    }
    termdict_writer_free(&dict);
    file_writer_abort(&fw);
    buf_free(&split);
    free(path);
    free(spill);
    fed_close(&f);
}

Test(postings_range, the_later_range_s_failure_is_the_commit_s_with_its_message, .timeout = 30)
{
    struct fed f;
    fed_open(&f);
    buf split = BUF_INIT;
    cr_assert_eq(positions_pass_split_key(&f.c, 1, 30, &split), 0);
    /* the run on disk, its last tenth cut off: the later range meets the damage */
    char *run = test_path(f.dir, "a.run"), *path = test_path(f.dir, "ix.cari");
    char *spill = test_path(f.dir, "spill");
    cr_assert_eq(run_file_write(&f.inv, run), 0);
    size_t len;
    char *bytes = test_read_file(run, &len);
    cr_assert_not_null(bytes);
    test_write_file(run, bytes, len - len / 10);
    free(bytes);
    run_cursor c;
    cr_assert_eq(run_cursor_open(&c, run, NULL), 0);
    file_writer fw;
    cr_assert_eq(file_writer_open(&fw, path), 0);
    termdict_writer dict;
    termdict_writer_init(&dict, NRECORDS, f.norms);
    positions_pass *a = start_pass(&c, f.doc_of_record, spill, NULL, &split, 1);
    positions_pass *b = start_pass(&c, f.doc_of_record, spill, &split, NULL, 0);
    postings_range first, later;
    postings_range_init(&first, a, &fw, &dict, NRECORDS, f.norms, f.length_factor);
    postings_range_init(&later, b, &fw, &dict, NRECORDS, f.norms, f.length_factor);
    cr_assert_eq(postings_range_start(&later, 1 << 30), 0);
    file_writer_begin(&fw, SECTION_POSTINGS);
    cr_assert_eq(postings_range_write(&first), 0, "%s", cari_error_last());
    uint32_t before = dict.nterms;
    cr_assert_eq(before, first.nterms);
    cr_assert_eq(postings_range_finish(&later), CARI_EIO);
    cr_assert(strstr(cari_error_last(), "a.run: run file is truncated or damaged") != NULL, "%s",
              cari_error_last());
    postings_range_free(&later);
    postings_range_free(&first);
    positions_pass_free(a);
    positions_pass_free(b);
    termdict_writer_free(&dict);
    file_writer_abort(&fw);
    run_cursor_close(&c);
    buf_free(&split);
    free(run);
    free(path);
    free(spill);
    fed_close(&f);
}

/* The later range keeps half of what the budget leaves beside the inverters
 * and the passes: after spills, when the inverters hold little, that is far
 * more than a share of theirs; never less than that share, and never more
 * than the budget allows beside them while it has room. */
Test(postings_range, the_later_range_keeps_what_the_budget_leaves_free)
{
    size_t mib = (size_t)1 << 20, budget = 512 * mib;
    cr_assert_eq(postings_range_kept_bound(budget, 64 * mib, 4 * mib), 222 * mib);
    cr_assert_eq(postings_range_kept_bound(budget, 500 * mib, 31 * mib), 31 * mib);
    cr_assert_eq(postings_range_kept_bound(budget, 480 * mib, 30 * mib), 30 * mib);
    cr_assert_eq(postings_range_kept_bound(budget, 0, 0), 256 * mib);
    for (size_t used = 0; used <= budget; used += 16 * mib) {
        size_t held = used / 16, kept = postings_range_kept_bound(budget, used, held);
        cr_assert_geq(kept, held);
        if (used + 3 * held <= budget)
            cr_assert_leq(used + held + 2 * kept, budget, "used %zu MiB", used / mib);
    }
}
