/* index_verify.c - cari_index_verify: every checksum, then every structure,
 * each failure named by section and place. Reads the whole file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/block_best.h"
#include "core/block_cover.h"
#include "core/crc32c.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/id_blocks.h"
#include "core/norms.h"
#include "core/pfor.h"
#include "core/rice.h"
#include "core/sorted.h"
#include "core/varint.h"
#include "query/docstore_reader.h"
#include "query/postings_cursor.h"
#include "query/termdict_reader.h"

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

/* What open does not read: the reserved zero bytes of the header and table,
 * the padding between sections, and the crc of every section, known or not. */
static int verify_frame(const cari_index *ix)
{
    if (!all_zero(ix->map + 40, 20))
        return index_corrupt(ix, "header bytes 40..59 are not zero");
    uint64_t table = le64_load(ix->map + 24), at = FORMAT_HEADER_SIZE;
    uint32_t n = le32_load(ix->map + 32);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = ix->map + table + (size_t)i * FORMAT_TABLE_ENTRY_SIZE;
        uint32_t id = le32_load(e);
        uint64_t off = le64_load(e + 8), len = le64_load(e + 16);
        char name[16];
        if (id >= 1 && id <= SECTION_MAX)
            snprintf(name, sizeof name, "%s", format_section_name(id));
        else
            snprintf(name, sizeof name, "%u", id); /* a section this version does not know */
        if (le32_load(e + 4) != 0 || le32_load(e + 28) != 0)
            return index_corrupt(ix, "section table entry %u (%s): reserved fields are not zero", i,
                                 name);
        if (!all_zero(ix->map + at, (size_t)(off - at)))
            return index_corrupt(ix, "padding at bytes %llu..%llu (before section %s) is not zero",
                                 (unsigned long long)at, (unsigned long long)off, name);
        if (crc32c_update(0, ix->map + off, (size_t)len) != le32_load(e + 24))
            return index_corrupt(ix, "section %s (bytes %llu..%llu) checksum mismatch", name,
                                 (unsigned long long)off, (unsigned long long)(off + len));
        at = off + len;
    }
    if (!all_zero(ix->map + at, (size_t)(table - at)))
        return index_corrupt(ix, "padding at bytes %llu..%llu (before the section table) is not zero",
                             (unsigned long long)at, (unsigned long long)table);
    return 0;
}

/* One DOC_IDS block: its ids decode, without a NUL, each sharing with the
 * one before exactly their common prefix (as the writer codes them), and
 * fill the block's bytes. */
static int verify_id_block(const cari_index *ix, uint32_t block)
{
    const uint8_t *p = NULL, *end = NULL;
    int rc = index_id_block(ix, block, &p, &end);
    if (rc != 0)
        return rc;
    uint32_t first = block * FORMAT_IDS_PER_BLOCK;
    uint32_t n = ix->ndocs - first < FORMAT_IDS_PER_BLOCK ? ix->ndocs - first : FORMAT_IDS_PER_BLOCK;
    id_cursor c;
    id_cursor_start(&c, p, end);
    char prev[FORMAT_MAX_ID];
    size_t prev_len = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (id_cursor_next(&c) != 0)
            return index_corrupt(ix, "DOC_IDS entry %u does not decode", first + i);
        if (memchr(c.id, '\0', c.len) != NULL)
            return index_corrupt(ix, "DOC_IDS entry %u contains a NUL byte", first + i);
        if (i > 0 && c.shared < prev_len && c.shared < c.len && prev[c.shared] == c.id[c.shared])
            return index_corrupt(ix, "DOC_IDS entry %u shares less than its common prefix", first + i);
        memcpy(prev, c.id, c.len);
        prev_len = c.len;
    }
    if (c.p != c.end)
        return index_corrupt(ix, "DOC_IDS block %u has %zu bytes after its ids", block,
                             (size_t)(c.end - c.p));
    return 0;
}

static int verify_documents(const cari_index *ix)
{
    uint64_t tokens = 0;
    const uint8_t *lengths = ix->sec[SECTION_DOC_LENGTHS].data;
    for (uint32_t b = 0; b < ix->id_nblocks; b++) {
        int rc = verify_id_block(ix, b);
        if (rc != 0)
            return rc;
    }
    for (uint32_t d = 0; d < ix->ndocs; d++) {
        uint32_t length = le32_load(lengths + 4 * (size_t)d);
        if (norm_encode(length) != ix->norms[d])
            return index_corrupt(ix, "NORMS entry %u does not match its length %u", d, length);
        tokens += length;
        uint32_t record;
        if (index_doc_record(ix, d, &record) != 0)
            return CARI_ECORRUPT;
        if (d > 0 && ix->sec[SECTION_DOC_RECORDS].present &&
            record <= le32_load(ix->sec[SECTION_DOC_RECORDS].data + 4 * (size_t)d - 4))
            return index_corrupt(ix, "DOC_RECORDS entry %u out of order", d);
    }
    if (tokens != ix->tokens)
        return index_corrupt(ix, "DOC_LENGTHS add up to %llu tokens, META says %llu",
                             (unsigned long long)tokens, (unsigned long long)ix->tokens);
    return 0;
}

struct term_check {
    const cari_index *ix;
    char key[FORMAT_MAX_KEY + 1];     /* NUL-terminated */
    char display[FORMAT_MAX_KEY + 8]; /* the key for messages: root keys as "r (root)" */
    size_t key_len;
    /* the previous term's docs and frequencies, for the union of r and r\x01 */
    uint32_t *prev_docs, *docs, *prev_tfs, *tfs;
    size_t prev_n, n, docs_cap, prev_cap, tfs_cap, prev_tfs_cap;
    uint16_t *best;
    size_t best_cap;
    char prev_key[FORMAT_MAX_KEY];
    size_t prev_key_len;
    uint32_t block;        /* of TERM_BLOCKS */
    struct term_entry at;  /* the term being checked: where its bytes are */
};

static int term_error(const struct term_check *t, const char *what)
{
    const struct term_entry *e = &t->at;
    return index_corrupt(t->ix,
                         "term \"%s\" (TERM_BLOCKS block %u, POSTINGS bytes %llu..%llu, POSITIONS "
                         "bytes %llu..%llu): %s",
                         t->display, t->block, (unsigned long long)e->postings_off,
                         (unsigned long long)(e->postings_off + e->postings_len),
                         (unsigned long long)e->positions_off,
                         (unsigned long long)(e->positions_off + e->positions_len), what);
}

/* Walks the positions of one document sequentially in its block's run;
 * *low_bits adds up the low parts the run's documents took so far. */
static int check_positions(struct term_check *t, rice_run *r, uint32_t tf, uint32_t doc_length,
                           uint64_t *low_bits)
{
    if (tf - 1 > doc_length)
        return term_error(t, "more positions than the document's length allows");
    unsigned k = rice_doc_k(norm_encode(doc_length), tf);
    uint64_t pos = 0;
    for (uint32_t j = 0; j < tf; j++) {
        uint32_t v;
        if (rice_run_read(r, *low_bits, k, &v, 1) != 0)
            return term_error(t, "POSITIONS do not decode");
        *low_bits += k;
        pos += (uint64_t)v + (j > 0); /* gaps are stored less one */
        if (pos > doc_length)
            return term_error(t, "a position beyond the document's length");
    }
    return 0;
}

/* The end of a block's run of positions: it must take exactly its bytes,
 * which end where the next run starts. */
static int end_run(struct term_check *t, const rice_run *r, uint64_t low_bits, const uint8_t **p)
{
    if (!rice_run_complete(r, low_bits))
        return term_error(t, "a run of POSITIONS has bits left, or non-zero padding");
    *p = r->end;
    return 0;
}

/* A full block is what the writer makes of its values: the PFor width bytes
 * it chooses (the fewest bytes) and the bytes it writes. The decoder accepts
 * any base and reads any exception area that stays in bounds; verify only
 * the one, so that one set of postings has one encoding. */
static int check_full_block(struct term_check *t, const postings_cursor *c, const uint8_t *fixed)
{
    if (c->count != FORMAT_POSTINGS_BLOCK)
        return 0;
    uint32_t gaps[FORMAT_POSTINGS_BLOCK], freqs[FORMAT_POSTINGS_BLOCK], prev_plus1 = 0, begin = 0;
    if (c->block > 0) {
        const uint8_t *before = c->skips + (size_t)(c->block - 1) * c->skip_size;
        prev_plus1 = (le32_load(before) & c->doc_mask) + 1;
        begin = le32_load(before + c->end_at) & c->end_mask;
    }
    for (unsigned i = 0; i < FORMAT_POSTINGS_BLOCK; i++) {
        gaps[i] = c->docs[i] - prev_plus1;
        prev_plus1 = c->docs[i] + 1;
        freqs[i] = c->tfs[i] - 1;
    }
    size_t doc_size, tf_size;
    if (pfor_choose(gaps, &doc_size) != fixed[2] || pfor_choose(freqs, &tf_size) != fixed[3])
        return term_error(t, "a full block is not coded at the writer's PFor widths");
    uint8_t coded[2 * (4 * FORMAT_POSTINGS_BLOCK + PFOR_AREA_HEADER + FORMAT_POSTINGS_BLOCK)];
    pfor_encode(gaps, fixed[2], coded);
    pfor_encode(freqs, fixed[3], coded + doc_size);
    const uint8_t *entry = c->skips + (size_t)c->block * c->skip_size;
    uint32_t stop = le32_load(entry + c->end_at) & c->end_mask; /* the cursor checked begin..stop */
    if (stop - begin != doc_size + tf_size || memcmp(c->data + begin, coded, doc_size + tf_size) != 0)
        return term_error(t, "a full block's PFor exceptions are not the writer's");
    return 0;
}

static int check_block_skip(struct term_check *t, const postings_cursor *c, uint64_t pos_offset)
{
    if (c->skips == NULL)
        return 0;
    const uint8_t *e = c->skips + (size_t)c->block * c->skip_size, *fixed = e + c->fixed_at;
    struct block_cover want, have;
    uint32_t last;
    block_cover_choose(&want, c->docs, c->tfs, c->count, t->ix->norms,
                       t->ix->default_length_factor); /* the writer chose for them */
    postings_block_cover(c, c->block, &have, &last);
    for (int p = 0; p < BLOCK_COVER_PAIRS; p++) /* as the reader reads a saturated byte */
        want.tf[p] = want.tf[p] < FORMAT_SKIP_MAX_TF ? want.tf[p] : c->max_tf;
    if (memcmp(want.tf, have.tf, sizeof want.tf) != 0 ||
        memcmp(want.norm, have.norm, sizeof want.norm) != 0 ||
        (le32_load(e + c->pos_at) & c->pos_mask) != pos_offset)
        return term_error(t, "a skip entry does not match its block");
    return check_full_block(t, c, fixed);
}

/* The bytes (1 to 4) of a skip field whose largest value is v. */
static unsigned field_bytes(uint32_t v)
{
    unsigned n = 1;
    while (n < 4 && v >> (8 * n) != 0)
        n++;
    return n;
}

/* The skip fields are as narrow as the last entry's values allow, as the
 * writer makes them: one file for one set of postings. */
static int check_skip_widths(struct term_check *t, const postings_cursor *c)
{
    if (c->skips == NULL)
        return 0;
    const uint8_t *last = c->skips + (size_t)(c->nblocks - 1) * c->skip_size;
    uint32_t doc = le32_load(last) & c->doc_mask;
    uint32_t end = le32_load(last + c->end_at) & c->end_mask;
    uint32_t pos = le32_load(last + c->pos_at) & c->pos_mask;
    if (c->end_at != field_bytes(doc) || c->pos_at - c->end_at != field_bytes(end) ||
        c->fixed_at - c->pos_at != field_bytes(pos) ||
        c->skips + (size_t)c->nblocks * c->skip_size + end != c->data_end)
        return term_error(t, "skip entry widths are not the narrowest");
    return 0;
}

/* The blocks' bests are the writer's: over the union with the exact key's
 * postings for a root key (core/block_best.h). */
static int check_bests(struct term_check *t, const postings_cursor *c, int root)
{
    if (c->skips == NULL)
        return 0;
    int rc = array_reserve((void **)&t->best, &t->best_cap, c->nblocks, sizeof *t->best);
    if (rc != 0)
        return rc;
    block_best_values(t->best, t->docs, t->tfs, (uint32_t)t->n, t->prev_docs, t->prev_tfs,
                      root ? (uint32_t)t->prev_n : 0, t->ix->norms, t->ix->default_length_factor);
    for (uint32_t b = 0; b < c->nblocks; b++) {
        uint32_t last;
        if (postings_block_best(c, b, &last) != t->best[b])
            return term_error(t, "a skip entry's best is not its word's");
    }
    return 0;
}

static int verify_term(struct term_check *t, const struct term_entry *e)
{
    int error = 0;
    postings_cursor c;
    if (postings_open(&c, t->ix, e, &error) != 0)
        return error;
    if (check_skip_widths(t, &c) != 0)
        return CARI_ECORRUPT;
    const uint8_t *p = c.positions, *lengths = t->ix->sec[SECTION_DOC_LENGTHS].data;
    if (e->positions_len == 0)
        return term_error(t, "a term without positions");
    uint64_t cf = 0;
    uint32_t max_tf = 0, last_block = UINT32_MAX;
    rice_run run;
    uint64_t low_bits = 0;
    t->n = 0;
    for (; c.doc != CURSOR_END; postings_next(&c)) {
        if (c.block != last_block) {
            if (last_block != UINT32_MAX && end_run(t, &run, low_bits, &p) != 0)
                return CARI_ECORRUPT;
            last_block = c.block;
            if (check_block_skip(t, &c, (uint64_t)(p - c.positions)) != 0)
                return CARI_ECORRUPT;
            if (c.pos_block != p)
                return term_error(t, "a run of POSITIONS does not start where the last ended");
            rice_run_start(&run, c.pos_block, c.pos_end);
            low_bits = 0;
        }
        uint32_t tf = postings_tf(&c);
        cf += tf;
        max_tf = tf > max_tf ? tf : max_tf;
        int rc = check_positions(t, &run, tf, le32_load(lengths + 4 * (size_t)c.doc), &low_bits);
        if (rc == 0)
            rc = array_reserve((void **)&t->docs, &t->docs_cap, t->n + 1, sizeof *t->docs);
        if (rc == 0)
            rc = array_reserve((void **)&t->tfs, &t->tfs_cap, t->n + 1, sizeof *t->tfs);
        if (rc != 0)
            return rc;
        t->tfs[t->n] = tf;
        t->docs[t->n++] = c.doc;
    }
    if (error != 0)
        return error;
    if (last_block != UINT32_MAX && end_run(t, &run, low_bits, &p) != 0)
        return CARI_ECORRUPT;
    if (t->n != e->df || cf != e->cf || max_tf != e->max_tf)
        return term_error(t, "df, cf or max_tf disagree with the postings");
    if (p != c.positions_end)
        return term_error(t, "POSITIONS length disagrees with the postings");
    size_t len = t->key_len;
    int root = t->key[len - 1] == FORMAT_ROOT_MARK && t->prev_key_len == len - 1 &&
               memcmp(t->prev_key, t->key, len - 1) == 0;
    uint32_t group = root ? (uint32_t)sorted_union_count(t->prev_docs, t->prev_n, t->docs, t->n)
                          : e->df;
    if (e->group_df != group)
        return term_error(t, "group_df disagrees with the postings");
    return check_bests(t, &c, root);
}

/* Takes the next key: in order, without control bytes but a final root mark. */
static int next_key(struct term_check *t, const term_block_reader *r, uint32_t count)
{
    t->prev_key_len = t->key_len;
    memcpy(t->prev_key, t->key, t->key_len);
    memcpy(t->key, r->key, r->key_len);
    t->key_len = r->key_len;
    t->key[t->key_len] = '\0';
    int root = t->key[t->key_len - 1] == FORMAT_ROOT_MARK;
    snprintf(t->display, sizeof t->display, "%.*s%s", (int)(t->key_len - (size_t)root), t->key,
             root ? " (root)" : "");
    for (size_t i = 0; i + (size_t)root < t->key_len; i++)
        if ((unsigned char)t->key[i] < 0x20)
            return term_error(t, "a control byte in the key");
    if (count > 0) {
        size_t n = t->prev_key_len < t->key_len ? t->prev_key_len : t->key_len;
        int c = memcmp(t->prev_key, t->key, n);
        if (c > 0 || (c == 0 && t->prev_key_len >= t->key_len))
            return term_error(t, "terms out of order");
    }
    return 0;
}

static int verify_terms(const cari_index *ix, struct term_check *t)
{
    uint64_t postings_at = 0, positions_at = 0, postings = 0;
    uint32_t count = 0;
    for (uint32_t b = 0; b < ix->nblocks; b++) {
        term_block_reader r;
        struct term_entry e;
        int rc = term_block_start(&r, ix, b);
        if (rc != 0)
            return rc;
        if (r.postings_at != postings_at || r.positions_at != positions_at)
            return index_corrupt(ix, "TERM_BLOCKS block %u starts at the wrong offsets", b);
        t->block = b;
        while ((rc = term_block_next(&r, &e)) == 0) {
            t->at = e;
            if ((rc = next_key(t, &r, count)) != 0 || (rc = verify_term(t, &e)) != 0)
                return rc;
            uint32_t *swap = t->prev_docs, *swap_tfs = t->prev_tfs;
            size_t swap_cap = t->prev_cap, swap_tfs_cap = t->prev_tfs_cap;
            t->prev_docs = t->docs, t->prev_cap = t->docs_cap, t->prev_n = t->n;
            t->docs = swap, t->docs_cap = swap_cap;
            t->prev_tfs = t->tfs, t->prev_tfs_cap = t->tfs_cap;
            t->tfs = swap_tfs, t->tfs_cap = swap_tfs_cap;
            postings_at += e.postings_len;
            positions_at += e.positions_len;
            postings += e.df;
            count++;
        }
        if (rc != CARI_ITEROVER)
            return rc;
    }
    if (count != ix->nterms || postings != ix->postings ||
        postings_at != ix->sec[SECTION_POSTINGS].len || positions_at != ix->sec[SECTION_POSITIONS].len)
        return index_corrupt(ix, "the dictionary does not account for all postings and positions");
    return 0;
}

static int verify_store(const cari_index *ix)
{
    uint32_t expected_first = 0;
    for (uint32_t b = 0; b < ix->store_nblocks; b++) {
        uint8_t *block = NULL;
        size_t len = 0;
        uint32_t first = 0, n = 0;
        int rc = docstore_read_block(ix, b, &block, &len, &first, &n);
        if (rc == 0 && first != expected_first)
            rc = index_corrupt(ix, "STORE_INDEX block %u starts at record %u, not %u", b, first,
                               expected_first);
        if (rc == 0)
            rc = docstore_check_block(ix, b, block, len, first, n);
        free(block);
        if (rc != 0)
            return rc;
        expected_first = first + n;
    }
    if (expected_first != ix->records)
        return index_corrupt(ix, "STORE holds %u records, META says %llu", expected_first,
                             (unsigned long long)ix->records);
    return 0;
}

int cari_index_verify(const cari_index *ix)
{
    if (ix == NULL)
        return error_set(CARI_EINVAL, "cari_index_verify: NULL index");
    struct term_check *t = calloc(1, sizeof *t);
    if (t == NULL)
        return error_oom();
    t->ix = ix;
    int rc = verify_frame(ix);
    if (rc == 0)
        rc = verify_documents(ix);
    if (rc == 0)
        rc = verify_terms(ix, t);
    if (rc == 0)
        rc = verify_store(ix);
    free(t->docs);
    free(t->prev_docs);
    free(t->tfs);
    free(t->prev_tfs);
    free(t->best);
    free(t);
    return rc;
}
