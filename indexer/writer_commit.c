/* writer_commit.c - turns the collected documents into the sections of the
 * index file: document tables, then postings and positions term by term in
 * key order, then the dictionary, the store index and the metadata. The runs
 * are merged once, by the positions pass (positions_pass.h), which encodes
 * the positions and hands over each term's postings; with threads, the terms
 * are split in two ranges, each merged by a pass of its own, the first on a
 * thread while the caller writes its postings, the later one with its
 * postings on one more (postings_range.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyzer.h"
#include "core/array.h"
#include "core/error.h"
#include "core/id_blocks.h"
#include "core/block_cover.h"
#include "core/norms.h"
#include "core/varint.h"
#include "indexer/positions_pass.h"
#include "indexer/postings_range.h"
#include "indexer/termdict_writer.h"
#include "indexer/writer_internal.h"

struct commit {
    cari_writer *w;
    uint32_t *doc_of_record; /* UINT32_MAX for replaced records */
    uint32_t ndocs;
    uint8_t *norms;          /* by doc */
    float length_factor[256]; /* of the default BM25 by norm byte: the block covers' */
    run_cursor *cursors;     /* every run, at its start (the passes walk their own) */
    size_t ncursors;
    termdict_writer dict;
    /* the terms, in one range or (with threads) two: a pass and the postings of each */
    positions_pass *pass, *later_pass;
    postings_range first, later;
};

static void write_section(file_writer *fw, uint32_t id, const void *data, size_t len)
{
    file_writer_begin(fw, id);
    file_writer_write(fw, data, len);
    file_writer_end(fw);
}

static int number_documents(struct commit *c)
{
    cari_writer *w = c->w;
    c->doc_of_record = malloc((w->records ? w->records : 1) * sizeof *c->doc_of_record);
    c->norms = malloc(w->records ? w->records : 1);
    if (c->doc_of_record == NULL || c->norms == NULL)
        return error_oom();
    w->tokens = 0;
    for (size_t r = 0; r < w->records; r++) {
        if (w->replaced[r]) {
            c->doc_of_record[r] = UINT32_MAX;
            continue;
        }
        w->tokens += w->pool.lengths[r];
        c->norms[c->ndocs] = norm_encode(w->pool.lengths[r]);
        c->doc_of_record[r] = c->ndocs++;
    }
    block_cover_length_factors(c->length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B,
                               block_cover_average_length(w->tokens, c->ndocs));
    return 0;
}

static int write_document_tables(struct commit *c)
{
    cari_writer *w = c->w;
    id_blocks_writer ids = ID_BLOCKS_WRITER_INIT;
    buf lengths = BUF_INIT, records = BUF_INIT;
    int rc = 0;
    for (size_t r = 0; rc == 0 && r < w->records; r++) {
        if (c->doc_of_record[r] == UINT32_MAX)
            continue;
        uint64_t end = r + 1 < w->records ? w->id_offsets[r + 1] : w->ids.len;
        /* each id is followed by its NUL in w->ids */
        rc = id_blocks_add(&ids, (const char *)w->ids.data + w->id_offsets[r],
                           (size_t)(end - w->id_offsets[r] - 1));
        buf_u32(&lengths, w->pool.lengths[r]);
        buf_u32(&records, (uint32_t)r);
    }
    if (rc == 0)
        rc = id_blocks_finish(&ids);
    if (rc == 0)
        rc = lengths.rc ? lengths.rc : records.rc;
    if (rc == 0) {
        file_writer *fw = &w->file;
        file_writer_begin(fw, SECTION_DOC_IDS);
        file_writer_write(fw, ids.head.data, ids.head.len);
        file_writer_write(fw, ids.data.data, ids.data.len);
        file_writer_end(fw);
        write_section(fw, SECTION_DOC_LENGTHS, lengths.data, lengths.len);
        write_section(fw, SECTION_NORMS, c->norms, c->ndocs);
        if (w->nreplaced > 0)
            write_section(fw, SECTION_DOC_RECORDS, records.data, records.len);
    }
    id_blocks_free(&ids);
    buf_free(&lengths);
    buf_free(&records);
    return rc;
}

/* The postings and the dictionary: the first range's terms here, then the
 * later range's, which its thread encoded meanwhile. */
static int write_postings(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSTINGS);
    int rc = postings_range_write(&c->first);
    if (rc == 0 && c->later_pass != NULL)
        rc = postings_range_finish(&c->later);
    file_writer_end(&w->file);
    return rc != 0 ? rc : w->file.rc;
}

/* The positions section: what the pass encoded while the postings were written. */
static int write_positions(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSITIONS);
    int rc = positions_pass_write(c->pass, &w->file);
    if (rc == 0 && c->later_pass != NULL)
        rc = positions_pass_write(c->later_pass, &w->file);
    file_writer_end(&w->file);
    return rc != 0 ? rc : w->file.rc;
}

static int write_dictionary(struct commit *c)
{
    buf index = BUF_INIT;
    termdict_writer_index(&c->dict, &index);
    int rc = index.rc;
    if (rc == 0) {
        write_section(&c->w->file, SECTION_TERM_BLOCKS, c->dict.blocks.data, c->dict.blocks.len);
        write_section(&c->w->file, SECTION_TERM_INDEX, index.data, index.len);
    }
    buf_free(&index);
    return rc;
}

static int write_fields_and_meta(struct commit *c)
{
    cari_writer *w = c->w;
    buf b = BUF_INIT;
    buf_varint(&b, w->nfield_names);
    for (size_t i = 0; i < w->nfield_names; i++) {
        buf_varint(&b, strlen(w->field_names[i]));
        buf_str(&b, w->field_names[i]);
    }
    if (b.rc == 0)
        write_section(&w->file, SECTION_FIELDS, b.data, b.len);
    buf_clear(&b);
    char line[256];
    snprintf(line, sizeof line,
             "documents=%u\ntokens=%llu\nterms=%u\npostings=%llu\nrecords=%zu\n", c->ndocs,
             (unsigned long long)w->tokens, c->first.nterms + c->later.nterms,
             (unsigned long long)(c->first.postings + c->later.postings), w->records);
    buf_str(&b, line);
    snprintf(line, sizeof line, "analyzer=%s\ncari_version=%s\n", cari_analyzer_name(w->analyzer),
             CARI_VERSION_STRING);
    buf_str(&b, line);
    if (b.rc == 0)
        write_section(&w->file, SECTION_META, b.data, b.len);
    int rc = b.rc;
    buf_free(&b);
    return rc;
}

static void commit_free(struct commit *c)
{
    postings_range_free(&c->later); /* first: its thread runs the later pass */
    postings_range_free(&c->first);
    positions_pass_free(c->pass); /* then the passes: they read the runs */
    positions_pass_free(c->later_pass);
    for (size_t i = 0; i < c->ncursors; i++)
        run_cursor_close(&c->cursors[i]);
    free(c->cursors);
    termdict_writer_free(&c->dict);
    free(c->doc_of_record);
    free(c->norms);
}

static int open_runs(struct commit *c)
{
    int rc = inverter_pool_finish(&c->w->pool);
    if (rc == 0)
        rc = inverter_pool_cursors(&c->w->pool, &c->cursors, &c->ncursors);
    return rc;
}

/* Positions go from the positions thread to the file in pieces of this
 * size: hand-overs cost nothing next to encoding a mebibyte. */
enum { POSITIONS_CHUNK = 1 << 20 };

/* A pass over the range [from, to) of keys (NULL: open), its positions
 * waiting in memory up to `held` bytes, beyond that in a spill file named
 * after the runs and `name`. */
static int start_range_pass(struct commit *c, positions_pass **out, const buf *from,
                            const buf *to, size_t held, int threaded, const char *name)
{
    const inverter_pool *p = &c->w->pool;
    size_t n = strlen(p->run_prefix) + strlen(name) + 1;
    char *spill = malloc(n);
    if (spill == NULL)
        return error_oom();
    snprintf(spill, n, "%s%s", p->run_prefix, name);
    struct positions_pass_limits lim = { POSITIONS_CHUNK, held, spill, threaded, 1, NULL, NULL,
                                         0, 0 };
    if (from != NULL)
        lim.from_key = (const char *)from->data, lim.from_len = from->len;
    if (to != NULL)
        lim.to_key = (const char *)to->data, lim.to_len = to->len;
    int rc = positions_pass_start(out, c->cursors, c->ncursors, c->doc_of_record, p->lengths,
                                  &lim);
    free(spill);
    return rc;
}

/* The first range's share of the work, in percent: more than half, as its
 * postings are encoded by the caller beside its pass, while the later
 * range's thread encodes its own (at -j2 on the corpus, the two ranges
 * then end within a few hundredths of a second of each other). */
enum { FIRST_RANGE_SHARE = 57 };

/* The passes start as soon as the runs are complete; with threads, beside
 * the store's last blocks and the postings. The positions they encode before
 * the postings are written wait in memory up to a sixteenth of what the
 * inverters hold (so the build's peak grows little), the rest in a file
 * beside the index, as runs do. With threads, the terms are split in two
 * ranges of about the same work: the first range's pass runs on a thread
 * beside the caller, which writes its postings; the later range's pass and
 * postings on one more thread, its postings and terms kept in memory until
 * the first range's are written, up to what the budget leaves beside the
 * inverters (postings_range_kept_bound). */
static int start_passes(struct commit *c)
{
    const inverter_pool *p = &c->w->pool;
    size_t used = 0;
    for (unsigned i = 0; i < p->nworkers; i++)
        used += inverter_memory(&p->workers[i].inv);
    size_t held = used / 16;
    int threaded = p->nworkers > 1;
    buf split = BUF_INIT;
    int rc = threaded ? positions_pass_split_key(c->cursors, c->ncursors, FIRST_RANGE_SHARE, &split)
                      : 0;
    if (rc == 0 && split.len == 0)
        rc = start_range_pass(c, &c->pass, NULL, NULL, held, threaded, "positions");
    else if (rc == 0)
        rc = start_range_pass(c, &c->pass, NULL, &split, held / 2, 1, "positions");
    if (rc == 0 && split.len > 0)
        rc = start_range_pass(c, &c->later_pass, &split, NULL, held / 2, 0, "positions-later");
    buf_free(&split);
    file_writer *fw = &c->w->file;
    postings_range_init(&c->first, c->pass, fw, &c->dict, c->ndocs, c->norms, c->length_factor);
    postings_range_init(&c->later, c->later_pass, fw, &c->dict, c->ndocs, c->norms,
                        c->length_factor);
    if (rc == 0 && c->later_pass != NULL)
        rc = postings_range_start(
            &c->later, postings_range_kept_bound(p->worker_budget * p->nworkers, used, held));
    return rc;
}

int writer_commit_sections(cari_writer *w)
{
    struct commit c = { .w = w };
    termdict_writer_init(&c.dict, 0, NULL);
    int rc = open_runs(&c);
    if (rc == 0)
        rc = number_documents(&c);
    if (rc == 0)
        termdict_writer_init(&c.dict, c.ndocs, c.norms); /* still empty */
    if (rc == 0)
        rc = start_passes(&c);
    if (rc == 0)
        rc = docstore_writer_finish(&w->store);
    file_writer_end(&w->file);
    if (rc == 0)
        rc = write_document_tables(&c);
    if (rc == 0)
        rc = write_postings(&c);
    /* Every term was handed over, so the passes are done with the inverters
     * (what waits to be written is their own): freeing them, a few tenths
     * of a second of many small frees, goes on beside the rest. */
    if (rc == 0)
        inverter_pool_release(&w->pool);
    if (rc == 0)
        rc = write_positions(&c);
    if (rc == 0)
        rc = write_dictionary(&c);
    if (rc == 0) {
        docstore_writer_write_index(&w->store, &w->file);
        rc = write_fields_and_meta(&c);
    }
    if (rc == 0)
        rc = file_writer_commit(&w->file);
    else
        file_writer_abort(&w->file);
    inverter_pool_release_wait(&w->pool);
    commit_free(&c);
    return rc;
}
