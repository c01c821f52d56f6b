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
#include "indexer/termdict_writer.h"
#include "indexer/writer_internal.h"

struct commit {
    cari_writer *w;
    uint32_t *doc_of_record; /* UINT32_MAX for replaced records */
    uint32_t ndocs;
    uint8_t *norms;          /* by doc */
    uint32_t *order;         /* term indices in key order */
    struct term_info *infos; /* by position in `order` */
    uint32_t nterms;         /* terms with at least one live doc */
    uint64_t postings;

    /* scratch for one term */
    uint32_t *docs, *tfs, *prev_docs;
    uint64_t *pos_starts, *pos_src; /* live offset, offset in the in-memory run */
    size_t cap, prev_cap;
    uint32_t prev_n;
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
    for (size_t r = 0; r < w->records; r++) {
        if (w->replaced[r]) {
            c->doc_of_record[r] = UINT32_MAX;
            w->tokens -= w->lengths[r];
            continue;
        }
        c->norms[c->ndocs] = norm_encode(w->lengths[r]);
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
        buf_u32(&lengths, w->lengths[r]);
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
        uint64_t *src = realloc(c->pos_src, cap * sizeof *src);
        if (tfs != NULL)
            c->tfs = tfs;
        if (starts != NULL)
            c->pos_starts = starts;
        if (src != NULL)
            c->pos_src = src;
        if (tfs == NULL || starts == NULL || src == NULL)
            return error_oom();
        c->cap = cap;
    }
    return rc;
}

/* Decodes one term's in-memory postings, dropping replaced documents and
 * renumbering the rest; fills c->docs/tfs/pos_starts and the term's info. */
static int decode_term(struct commit *c, const struct inv_term *t, struct term_info *info)
{
    const uint8_t *d = t->docs.data, *dend = d + t->docs.len;
    const uint8_t *p = t->positions.data, *pend = p + t->positions.len;
    uint32_t next_min = 0, n = 0;
    uint64_t live_pos = 0;
    memset(info, 0, sizeof *info);
    while (d < dend) {
        uint32_t gap, tf;
        if (varint_get32(&d, dend, &gap) != 0 || varint_get32(&d, dend, &tf) != 0)
            return error_set(CARI_ECORRUPT, "inverter: bad in-memory postings");
        uint32_t record = next_min + gap;
        next_min = record + 1;
        const uint8_t *start = p;
        for (uint32_t i = 0; i < tf; i++) {
            uint32_t delta;
            if (varint_get32(&p, pend, &delta) != 0)
                return error_set(CARI_ECORRUPT, "inverter: bad in-memory positions");
        }
        uint32_t doc = c->doc_of_record[record];
        if (doc == UINT32_MAX)
            continue;
        int rc = reserve_scratch(c, (size_t)n + 1);
        if (rc != 0)
            return rc;
        c->docs[n] = doc;
        c->tfs[n] = tf;
        c->pos_starts[n] = live_pos;
        c->pos_src[n] = (uint64_t)(start - t->positions.data);
        live_pos += (uint64_t)(p - start);
        info->cf += tf;
        info->max_tf = tf > info->max_tf ? tf : info->max_tf;
        n++;
    }
    info->df = n;
    info->positions_len = live_pos;
    return 0;
}

static int is_root_of_previous(const inverter *inv, const struct inv_term *prev,
                               const struct inv_term *t)
{
    const char *key = inverter_key(inv, t);
    return prev != NULL && key[t->key_len - 1] == FORMAT_ROOT_MARK &&
           prev->key_len == t->key_len - 1 &&
           memcmp(inverter_key(inv, prev), key, prev->key_len) == 0;
}

static int write_postings(struct commit *c)
{
    cari_writer *w = c->w;
    const struct inv_term *prev = NULL;
    file_writer_begin(&w->file, SECTION_POSTINGS);
    for (size_t i = 0; i < w->inv.nterms; i++) {
        const struct inv_term *t = &w->inv.terms[c->order[i]];
        struct term_info *info = &c->infos[i];
        int rc = decode_term(c, t, info);
        if (rc != 0)
            return rc;
        if (info->df == 0)
            continue;
        info->group_df = is_root_of_previous(&w->inv, prev, t)
                             ? (uint32_t)sorted_union_count(c->prev_docs, c->prev_n, c->docs, info->df)
                             : info->df;
        struct term_postings tp = { c->docs, c->tfs, c->pos_starts, info->df };
        buf_clear(&c->encoded);
        if ((rc = postings_encode(&c->encoded, &c->scratch, &tp, c->norms)) != 0)
            return rc;
        info->postings_len = c->encoded.len;
        file_writer_write(&w->file, c->encoded.data, c->encoded.len);
        c->postings += info->df;
        c->nterms++;

        if ((rc = array_reserve((void **)&c->prev_docs, &c->prev_cap, info->df, sizeof *c->prev_docs)) != 0)
            return rc;
        memcpy(c->prev_docs, c->docs, info->df * sizeof *c->docs);
        c->prev_n = info->df;
        prev = t;
    }
    file_writer_end(&w->file);
    return w->file.rc;
}

/* Positions are already in their final encoding: copy each live document's bytes. */
static int write_positions(struct commit *c)
{
    cari_writer *w = c->w;
    file_writer_begin(&w->file, SECTION_POSITIONS);
    for (size_t i = 0; i < w->inv.nterms && w->file.rc == 0; i++) {
        const struct inv_term *t = &w->inv.terms[c->order[i]];
        if (c->infos[i].df == 0)
            continue;
        if (w->nreplaced == 0) {
            file_writer_write(&w->file, t->positions.data, t->positions.len);
            continue;
        }
        struct term_info live;
        int rc = decode_term(c, t, &live);
        if (rc != 0)
            return rc;
        for (uint32_t k = 0; k < live.df; k++) {
            uint64_t end = k + 1 < live.df ? c->pos_starts[k + 1] : live.positions_len;
            file_writer_write(&w->file, t->positions.data + c->pos_src[k],
                              (size_t)(end - c->pos_starts[k]));
        }
    }
    file_writer_end(&w->file);
    return w->file.rc;
}

static int write_dictionary(struct commit *c)
{
    cari_writer *w = c->w;
    termdict_writer tw;
    buf index = BUF_INIT;
    termdict_writer_init(&tw);
    int rc = 0;
    for (size_t i = 0; i < w->inv.nterms && rc == 0; i++) {
        const struct inv_term *t = &w->inv.terms[c->order[i]];
        if (c->infos[i].df > 0)
            rc = termdict_writer_add(&tw, inverter_key(&w->inv, t), t->key_len, &c->infos[i]);
    }
    if (rc == 0) {
        termdict_writer_index(&tw, &index);
        rc = index.rc;
    }
    if (rc == 0) {
        write_section(&w->file, SECTION_TERM_BLOCKS, tw.blocks.data, tw.blocks.len);
        write_section(&w->file, SECTION_TERM_INDEX, index.data, index.len);
    }
    termdict_writer_free(&tw);
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
    free(c->doc_of_record);
    free(c->norms);
    free(c->order);
    free(c->infos);
    free(c->docs);
    free(c->tfs);
    free(c->prev_docs);
    free(c->pos_starts);
    free(c->pos_src);
    buf_free(&c->encoded);
    buf_free(&c->scratch);
}

int writer_commit_sections(cari_writer *w)
{
    struct commit c = { .w = w };
    int rc = docstore_writer_finish(&w->store, &w->file);
    file_writer_end(&w->file);
    if (rc == 0)
        rc = number_documents(&c);
    if (rc == 0)
        rc = write_document_tables(&c);
    if (rc == 0)
        rc = inverter_sorted_terms(&w->inv, &c.order);
    if (rc == 0 && (c.infos = calloc(w->inv.nterms + 1, sizeof *c.infos)) == NULL)
        rc = error_oom();
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
