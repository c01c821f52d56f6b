/* writer_commit.c - turns the collected documents into the sections of the
 * index file: document tables, then postings and positions term by term in
 * key order, then the dictionary, the store index and the metadata. The runs
 * are merged once, by the positions pass (positions_pass.h), which encodes
 * the positions and hands over each term's postings; with threads, on a
 * thread of its own while the postings are written. */
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
#include "indexer/positions_pass.h"
#include "indexer/postings_writer.h"
#include "indexer/termdict_writer.h"
#include "indexer/writer_internal.h"

struct commit {
    cari_writer *w;
    uint32_t *doc_of_record; /* UINT32_MAX for replaced records */
    uint32_t ndocs;
    uint8_t *norms;          /* by doc */
    run_cursor *cursors;     /* every run, at its start (the pass walks its own) */
    size_t ncursors;
    termdict_writer dict;
    uint32_t nterms;         /* terms with at least one live doc */
    uint64_t postings;
    positions_pass *pass;

    /* scratch for one term */
    uint32_t *prev_docs;
    size_t prev_cap;
    uint32_t prev_n;
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_len; /* 0: no previous term */
    buf encoded, scratch;
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

/* Encodes and writes term t's postings and adds it to the dictionary. */
static int write_term_postings(struct commit *c, const struct term_batch *b,
                               const struct pass_term *t)
{
    const char *key = (const char *)b->keys.data + t->key_off;
    size_t len = t->key_len;
    const uint32_t *docs = b->docs + t->first;
    struct term_info info = t->info;
    info.group_df = is_root_of_previous(c, key, len)
                        ? (uint32_t)sorted_union_count(c->prev_docs, c->prev_n, docs, info.df)
                        : info.df;
    struct term_postings tp = { docs, b->tfs + t->first, b->pos_starts + t->first, info.df,
                                c->ndocs };
    info.doc = docs[0]; /* the dictionary holds it when it is the only one */
    buf_clear(&c->encoded);
    int rc = postings_encode(&c->encoded, &c->scratch, &tp, c->norms);
    if (rc != 0)
        return rc;
    info.postings_len = c->encoded.len;
    file_writer_write(&c->w->file, c->encoded.data, c->encoded.len);
    if ((rc = termdict_writer_add(&c->dict, key, len, &info)) != 0)
        return rc;
    c->postings += info.df;
    c->nterms++;
    if ((rc = array_reserve((void **)&c->prev_docs, &c->prev_cap, info.df, sizeof *c->prev_docs)) != 0)
        return rc;
    memcpy(c->prev_docs, docs, info.df * sizeof *docs);
    c->prev_n = info.df;
    memcpy(c->prev_key, key, len);
    c->prev_len = len;
    return 0;
}

/* The postings and the dictionary, from the terms the pass hands over. */
static int write_postings(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSTINGS);
    struct term_batch *b;
    int rc;
    while ((rc = positions_pass_terms(c->pass, &b)) == 0 && b != NULL) {
        for (size_t i = 0; i < b->nterms && rc == 0; i++)
            rc = write_term_postings(c, b, &b->terms[i]);
        positions_pass_recycle(c->pass, b);
        if (rc != 0)
            return rc;
    }
    file_writer_end(&w->file);
    return rc != 0 ? rc : w->file.rc;
}

/* The positions section: what the pass encoded while the postings were written. */
static int write_positions(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSITIONS);
    int rc = positions_pass_write(c->pass, &w->file);
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
    positions_pass_free(c->pass); /* first: it reads the runs */
    for (size_t i = 0; i < c->ncursors; i++)
        run_cursor_close(&c->cursors[i]);
    free(c->cursors);
    termdict_writer_free(&c->dict);
    free(c->doc_of_record);
    free(c->norms);
    free(c->prev_docs);
    buf_free(&c->encoded);
    buf_free(&c->scratch);
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

/* The pass starts as soon as the runs are complete; with threads, beside
 * the store's last blocks and the postings. The positions it encodes before
 * the postings are written wait in memory up to a sixteenth of what the
 * inverters hold (so the build's peak grows little), the rest in a file
 * beside the index, as runs do. */
static int start_pass(struct commit *c)
{
    const inverter_pool *p = &c->w->pool;
    size_t held = 0;
    for (unsigned i = 0; i < p->nworkers; i++)
        held += inverter_memory(&p->workers[i].inv) / 16;
    size_t n = strlen(p->run_prefix) + 16;
    char *spill = malloc(n);
    if (spill == NULL)
        return error_oom();
    snprintf(spill, n, "%spositions", p->run_prefix);
    struct positions_pass_limits lim = { POSITIONS_CHUNK, held, spill, p->nworkers > 1, 1 };
    int rc = positions_pass_start(&c->pass, c->cursors, c->ncursors, c->doc_of_record, p->lengths,
                                  &lim);
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
        rc = start_pass(&c);
    if (rc == 0)
        rc = docstore_writer_finish(&w->store);
    file_writer_end(&w->file);
    if (rc == 0)
        rc = write_document_tables(&c);
    if (rc == 0)
        rc = write_postings(&c);
    if (rc == 0)
        rc = write_positions(&c);
    if (rc == 0) /* the pass is done: nothing reads the inverters now */
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
