/* writer_commit.c - turns the collected documents into the sections of the
 * index file: document tables, then postings and positions term by term in
 * key order, then the dictionary, the store index and the metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyzer.h"
#include "core/array.h"
#include "core/error.h"
#include "core/norms.h"
#include "core/sorted.h"
#include "core/varint.h"
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

    /* scratch for one term */
    uint32_t *docs, *tfs, *prev_docs;
    uint64_t *pos_starts;
    size_t cap, prev_cap;
    uint32_t prev_n;
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_len; /* 0: no previous term */
    buf encoded, scratch;

    /* When every run is an inverter in memory, the first pass notes where
     * each term's live positions lie, and the second pass only copies them:
     * no second merge. (Runs on disk reuse their buffers: merged again.) */
    int in_memory;
    struct positions_piece *pieces;
    size_t npieces, pieces_cap;
};

struct positions_piece {
    const uint8_t *data;
    size_t len;
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
    buf ids = BUF_INIT, lengths = BUF_INIT, records = BUF_INIT;
    uint64_t at = 0;
    buf_u32(&ids, c->ndocs);
    for (size_t r = 0; r < w->records; r++) {
        if (c->doc_of_record[r] == UINT32_MAX)
            continue;
        buf_u32(&ids, (uint32_t)at);
        uint64_t end = r + 1 < w->records ? w->id_offsets[r + 1] : w->ids.len;
        at += end - w->id_offsets[r];
        buf_u32(&lengths, w->pool.lengths[r]);
        buf_u32(&records, (uint32_t)r);
    }
    buf_u32(&ids, (uint32_t)at);
    int rc = at > UINT32_MAX ? error_set(CARI_ELIMIT, "document ids exceed 4 GiB") : 0;
    if (rc == 0)
        rc = ids.rc ? ids.rc : lengths.rc ? lengths.rc : records.rc;
    if (rc == 0) {
        file_writer *fw = &w->file;
        file_writer_begin(fw, SECTION_DOC_IDS);
        file_writer_write(fw, ids.data, ids.len);
        for (size_t r = 0; r < w->records; r++) {
            if (c->doc_of_record[r] == UINT32_MAX)
                continue;
            uint64_t end = r + 1 < w->records ? w->id_offsets[r + 1] : w->ids.len;
            file_writer_write(fw, w->ids.data + w->id_offsets[r], (size_t)(end - w->id_offsets[r]));
        }
        file_writer_end(fw);
        write_section(fw, SECTION_DOC_LENGTHS, lengths.data, lengths.len);
        write_section(fw, SECTION_NORMS, c->norms, c->ndocs);
        if (w->nreplaced > 0)
            write_section(fw, SECTION_DOC_RECORDS, records.data, records.len);
    }
    buf_free(&ids);
    buf_free(&lengths);
    buf_free(&records);
    return rc;
}

static int reserve_scratch(struct commit *c, size_t n)
{
    size_t cap = c->cap;
    int rc = array_reserve((void **)&c->docs, &cap, n, sizeof *c->docs);
    if (rc == 0 && cap != c->cap) {
        uint32_t *tfs = realloc(c->tfs, cap * sizeof *tfs);
        uint64_t *starts = realloc(c->pos_starts, cap * sizeof *starts);
        if (tfs != NULL)
            c->tfs = tfs;
        if (starts != NULL)
            c->pos_starts = starts;
        if (tfs == NULL || starts == NULL)
            return error_oom();
        c->cap = cap;
    }
    return rc;
}

/* The merged term's postings without replaced documents, renumbered: fills
 * c->docs/tfs/pos_starts and the term's info. */
static int live_postings(struct commit *c, struct term_info *info)
{
    const run_merge *m = &c->merge;
    uint64_t live_pos = 0;
    uint32_t n = 0;
    memset(info, 0, sizeof *info);
    int rc = reserve_scratch(c, m->npostings);
    for (size_t i = 0; i < m->npostings && rc == 0; i++) {
        const struct merged_posting *p = &m->postings[i];
        uint32_t doc = c->doc_of_record[p->record];
        if (doc == UINT32_MAX)
            continue;
        c->docs[n] = doc;
        c->tfs[n] = p->tf;
        c->pos_starts[n] = live_pos;
        live_pos += p->positions_len;
        info->cf += p->tf;
        info->max_tf = p->tf > info->max_tf ? p->tf : info->max_tf;
        n++;
    }
    info->df = n;
    info->positions_len = live_pos;
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
                         ? (uint32_t)sorted_union_count(c->prev_docs, c->prev_n, c->docs, info->df)
                         : info->df;
    struct term_postings tp = { c->docs, c->tfs, c->pos_starts, info->df };
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
    memcpy(c->prev_docs, c->docs, info->df * sizeof *c->docs);
    c->prev_n = info->df;
    memcpy(c->prev_key, key, len);
    c->prev_len = len;
    return 0;
}

/* Notes the current term's live positions, pieces that lie back to back
 * joined (a term's documents from one run do). */
static int note_positions(struct commit *c)
{
    const run_merge *m = &c->merge;
    for (size_t i = 0; i < m->npostings; i++) {
        const struct merged_posting *p = &m->postings[i];
        if (c->doc_of_record[p->record] == UINT32_MAX || p->positions_len == 0)
            continue;
        struct positions_piece *last = c->npieces > 0 ? &c->pieces[c->npieces - 1] : NULL;
        if (last != NULL && last->data + last->len == p->positions) {
            last->len += p->positions_len;
            continue;
        }
        int rc = array_reserve((void **)&c->pieces, &c->pieces_cap, c->npieces + 1,
                               sizeof *c->pieces);
        if (rc != 0)
            return rc;
        c->pieces[c->npieces++] = (struct positions_piece){ p->positions, p->positions_len };
    }
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
        if ((rc = live_postings(c, &info)) != 0)
            return rc;
        if (info.df > 0 && (rc = write_term_postings(c, &info)) != 0)
            return rc;
        if (info.df > 0 && c->in_memory && (rc = note_positions(c)) != 0)
            return rc;
    }
    file_writer_end(&w->file);
    return rc != 0 ? rc : w->file.rc;
}

/* The second pass: positions are already in their final encoding, so each
 * live document's bytes are copied. A term's documents from one run lie
 * back to back, so they are copied as one piece: a write per term and run
 * rather than per posting (the small writes cost more than the copying). */
static int write_positions(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSITIONS);
    if (c->in_memory) {
        for (size_t i = 0; i < c->npieces; i++)
            file_writer_write(&w->file, c->pieces[i].data, c->pieces[i].len);
        file_writer_end(&w->file);
        return w->file.rc;
    }
    int rc = run_merge_rewind(&c->merge);
    while (rc == 0 && (rc = run_merge_next(&c->merge)) == 0 && !c->merge.done) {
        const uint8_t *piece = NULL;
        size_t piece_len = 0;
        for (size_t i = 0; i < c->merge.npostings; i++) {
            const struct merged_posting *p = &c->merge.postings[i];
            if (c->doc_of_record[p->record] == UINT32_MAX)
                continue;
            if (piece != NULL && piece + piece_len == p->positions) {
                piece_len += p->positions_len;
                continue;
            }
            if (piece_len > 0)
                file_writer_write(&w->file, piece, piece_len);
            piece = p->positions;
            piece_len = p->positions_len;
        }
        if (piece_len > 0)
            file_writer_write(&w->file, piece, piece_len);
        rc = w->file.rc;
    }
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
    run_merge_free(&c->merge);
    for (size_t i = 0; i < c->ncursors; i++)
        run_cursor_close(&c->cursors[i]);
    free(c->cursors);
    termdict_writer_free(&c->dict);
    free(c->doc_of_record);
    free(c->norms);
    free(c->docs);
    free(c->tfs);
    free(c->prev_docs);
    free(c->pos_starts);
    free(c->pieces);
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
    /* the notes take at most a piece per term of each inverter: used when
     * that stays a small part of what the budget let the inverters hold */
    size_t terms = 0;
    c->in_memory = 1;
    for (size_t i = 0; i < c->ncursors; i++) {
        c->in_memory &= c->cursors[i].inv != NULL;
        terms += c->cursors[i].inv != NULL ? c->cursors[i].inv->nterms : 0;
    }
    const inverter_pool *p = &c->w->pool;
    c->in_memory &= terms <= p->worker_budget / 8 * p->nworkers / sizeof(struct positions_piece);
    return rc;
}

int writer_commit_sections(cari_writer *w)
{
    struct commit c = { .w = w };
    termdict_writer_init(&c.dict);
    int rc = open_runs(&c);
    if (rc == 0)
        rc = docstore_writer_finish(&w->store, &w->file);
    file_writer_end(&w->file);
    if (rc == 0)
        rc = number_documents(&c);
    if (rc == 0)
        rc = write_document_tables(&c);
    if (rc == 0)
        rc = write_postings(&c);
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
    commit_free(&c);
    return rc;
}
