/* writer_commit.c - turns the collected documents into the sections of the
 * index file: document tables, then postings and positions term by term in
 * key order, then the dictionary, the store index and the metadata. With
 * threads, the positions are encoded on a thread of their own while the
 * postings are written (positions_pass.h); with one, after them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyzer.h"
#include "core/array.h"
#include "core/error.h"
#include "core/id_blocks.h"
#include "core/norms.h"
#include "core/sorted.h"
#include "core/varint.h"
#include "indexer/live_postings.h"
#include "indexer/positions_pass.h"
#include "indexer/postings_writer.h"
#include "indexer/run_merge.h"
#include "indexer/termdict_writer.h"
#include "indexer/writer_internal.h"

struct commit {
    cari_writer *w;
    uint32_t *doc_of_record; /* UINT32_MAX for replaced records */
    uint32_t ndocs;
    uint8_t *norms;          /* by doc */
    run_cursor *cursors;     /* every run, merged */
    size_t ncursors;
    run_merge merge;
    termdict_writer dict;
    uint32_t nterms;         /* terms with at least one live doc */
    uint64_t postings;
    positions_pass *positions_thread; /* NULL: the positions pass runs here, after */

    /* scratch for one term */
    struct live_postings lp;
    uint32_t *prev_docs;
    size_t prev_cap;
    uint32_t prev_n;
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_len; /* 0: no previous term */
    buf encoded, scratch, positions;
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

static int is_root_of_previous(const struct commit *c, const char *key, size_t len)
{
    return c->prev_len > 0 && key[len - 1] == FORMAT_ROOT_MARK && c->prev_len == len - 1 &&
           memcmp(c->prev_key, key, c->prev_len) == 0;
}

/* Encodes and writes the current term's postings and adds it to the dictionary. */
static int write_term_postings(struct commit *c, struct term_info *info)
{
    const char *key = c->merge.key;
    size_t len = c->merge.key_len;
    info->group_df = is_root_of_previous(c, key, len)
                         ? (uint32_t)sorted_union_count(c->prev_docs, c->prev_n, c->lp.docs, info->df)
                         : info->df;
    struct term_postings tp = { c->lp.docs, c->lp.tfs, c->lp.pos_starts, info->df, c->ndocs };
    info->doc = c->lp.docs[0]; /* the dictionary holds it when it is the only one */
    buf_clear(&c->encoded);
    int rc = postings_encode(&c->encoded, &c->scratch, &tp, c->norms);
    if (rc != 0)
        return rc;
    info->postings_len = c->encoded.len;
    file_writer_write(&c->w->file, c->encoded.data, c->encoded.len);
    if ((rc = termdict_writer_add(&c->dict, key, len, info)) != 0)
        return rc;
    c->postings += info->df;
    c->nterms++;
    if ((rc = array_reserve((void **)&c->prev_docs, &c->prev_cap, info->df, sizeof *c->prev_docs)) != 0)
        return rc;
    memcpy(c->prev_docs, c->lp.docs, info->df * sizeof *c->lp.docs);
    c->prev_n = info->df;
    memcpy(c->prev_key, key, len);
    c->prev_len = len;
    return 0;
}

/* The first pass over the merged runs: postings and the dictionary. */
static int write_postings(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSTINGS);
    int rc;
    while ((rc = run_merge_next(&c->merge)) == 0 && !c->merge.done) {
        struct term_info info;
        if ((rc = live_postings_fill(&c->lp, &c->merge, c->doc_of_record, w->pool.lengths, &info,
                                     NULL)) != 0)
            return rc;
        if (info.df > 0 && (rc = write_term_postings(c, &info)) != 0)
            return rc;
    }
    file_writer_end(&w->file);
    return rc != 0 ? rc : w->file.rc;
}

/* The second pass here: the positions, whose sizes the first pass counted
 * for the skip entries (cheaper than holding them all in memory). */
static int encode_positions(struct commit *c)
{
    file_writer *fw = &c->w->file;
    int rc = run_merge_rewind(&c->merge);
    while (rc == 0 && (rc = run_merge_next(&c->merge)) == 0 && !c->merge.done) {
        struct term_info info;
        buf_clear(&c->positions);
        if ((rc = live_postings_fill(&c->lp, &c->merge, c->doc_of_record, c->w->pool.lengths,
                                     &info, &c->positions)) != 0)
            break;
        file_writer_write(fw, c->positions.data, c->positions.len);
        rc = fw->rc;
    }
    return rc;
}

/* The positions section: from the positions thread when there is one (it
 * encoded them during the first pass), else encoded now. */
static int write_positions(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSITIONS);
    int rc = c->positions_thread != NULL ? positions_pass_write(c->positions_thread, &w->file)
                                         : encode_positions(c);
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
             (unsigned long long)w->tokens, c->nterms, (unsigned long long)c->postings, w->records);
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
    positions_pass_free(c->positions_thread); /* first: it reads the runs */
    run_merge_free(&c->merge);
    for (size_t i = 0; i < c->ncursors; i++)
        run_cursor_close(&c->cursors[i]);
    free(c->cursors);
    termdict_writer_free(&c->dict);
    free(c->doc_of_record);
    free(c->norms);
    live_postings_free(&c->lp);
    free(c->prev_docs);
    buf_free(&c->positions);
    buf_free(&c->encoded);
    buf_free(&c->scratch);
}

static int open_runs(struct commit *c)
{
    int rc = inverter_pool_finish(&c->w->pool);
    if (rc == 0)
        rc = inverter_pool_cursors(&c->w->pool, &c->cursors, &c->ncursors);
    if (rc == 0)
        rc = run_merge_init(&c->merge, c->cursors, c->ncursors);
    return rc;
}

/* Positions go from the positions thread to the file in pieces of this
 * size: hand-overs cost nothing next to encoding a mebibyte. */
enum { POSITIONS_CHUNK = 1 << 20 };

/* With threads, the positions pass starts as soon as the runs are complete,
 * beside the store's last blocks and the first pass. What it encodes before
 * the first pass ends waits in memory up to a sixteenth of what the
 * inverters hold (so the build's peak grows little), the rest in a file
 * beside the index, as runs do. */
static int start_positions_thread(struct commit *c)
{
    const inverter_pool *p = &c->w->pool;
    if (p->nworkers < 2)
        return 0;
    size_t held = 0;
    for (unsigned i = 0; i < p->nworkers; i++)
        held += inverter_memory(&p->workers[i].inv) / 16;
    size_t n = strlen(p->run_prefix) + 16;
    char *spill = malloc(n);
    if (spill == NULL)
        return error_oom();
    snprintf(spill, n, "%spositions", p->run_prefix);
    struct positions_pass_limits lim = { POSITIONS_CHUNK, held, spill };
    int rc = positions_pass_start(&c->positions_thread, c->cursors, c->ncursors, c->doc_of_record,
                                  p->lengths, &lim);
    free(spill);
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
        rc = start_positions_thread(&c);
    if (rc == 0)
        rc = docstore_writer_finish(&w->store);
    file_writer_end(&w->file);
    if (rc == 0)
        rc = write_document_tables(&c);
    if (rc == 0)
        rc = write_postings(&c);
    if (rc == 0)
        rc = write_positions(&c);
    if (rc == 0) /* both passes are done: nothing reads the inverters now */
        inverter_pool_release(&w->pool);
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
