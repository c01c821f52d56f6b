/* inverter.c - hash table of terms with growing byte runs of postings. */
#include "indexer/inverter.h"

#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/varint.h"

/* Occurrences added at once; how far ahead their memory is fetched. */
enum { PENDING_MAX = 64, AHEAD = 12 };

int inverter_init(inverter *inv)
{
    memset(inv, 0, sizeof *inv);
    inv->table_cap = 1 << 16;
    inv->table = calloc(inv->table_cap, sizeof *inv->table);
    inv->pending = malloc(PENDING_MAX * sizeof *inv->pending);
    return inv->table == NULL || inv->pending == NULL ? error_oom() : 0;
}

void inverter_free(inverter *inv)
{
    for (size_t i = 0; i < inv->nterms; i++) {
        free(inv->terms[i].docs.data);
        free(inv->terms[i].positions.data);
    }
    free(inv->terms);
    free(inv->table);
    free(inv->doc_terms);
    free(inv->pending);
    buf_free(&inv->pending_keys);
    buf_free(&inv->keys);
    memset(inv, 0, sizeof *inv);
}

size_t inverter_memory(const inverter *inv)
{
    return inv->bytes + inv->terms_cap * sizeof *inv->terms + inv->table_cap * sizeof *inv->table +
           inv->keys.cap + inv->doc_terms_cap * sizeof *inv->doc_terms + inv->pending_keys.cap +
           PENDING_MAX * sizeof *inv->pending;
}

/* Kept out of line, so that the common append below inlines to a few
 * instructions. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int run_grow(inverter *inv, struct byte_run *r)
{
    uint64_t cap = r->cap ? (uint64_t)r->cap * 2 : 16;
    if (cap > UINT32_MAX)
        return error_set(CARI_ELIMIT, "postings of one term exceed 4 GiB in memory");
    uint8_t *p = realloc(r->data, (size_t)cap);
    if (p == NULL)
        return error_oom();
    inv->bytes += (size_t)(cap - r->cap);
    r->data = p;
    r->cap = (uint32_t)cap;
    return 0;
}

static inline int run_append_varint(inverter *inv, struct byte_run *r, uint64_t v)
{
    if (r->cap - r->len < VARINT_MAX64) {
        int rc = run_grow(inv, r);
        if (rc != 0)
            return rc;
    }
    if (v < 0x80)
        r->data[r->len++] = (uint8_t)v;
    else
        r->len += (uint32_t)varint_put(r->data + r->len, v);
    return 0;
}

static int grow_table(inverter *inv)
{
    size_t cap = inv->table_cap * 2;
    uint32_t *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return error_oom();
    for (size_t i = 0; i < inv->nterms; i++) {
        size_t j = inv->terms[i].hash & (cap - 1);
        while (t[j] != 0)
            j = (j + 1) & (cap - 1);
        t[j] = (uint32_t)i + 1;
    }
    free(inv->table);
    inv->table = t;
    inv->table_cap = cap;
    return 0;
}

static int new_term(inverter *inv, const char *key, size_t key_len, uint32_t hash, size_t slot,
                    struct inv_term **out)
{
    if (inv->nterms == inv->terms_cap) {
        size_t cap = inv->terms_cap ? inv->terms_cap * 2 : 1024;
        struct inv_term *t = realloc(inv->terms, cap * sizeof *t);
        if (t == NULL)
            return error_oom();
        inv->terms = t;
        inv->terms_cap = cap;
    }
    if (inv->keys.len + key_len > UINT32_MAX)
        return error_set(CARI_ELIMIT, "term keys exceed 4 GiB");
    struct inv_term *t = &inv->terms[inv->nterms];
    *t = (struct inv_term){ .hash = hash, .key_off = (uint32_t)inv->keys.len,
                            .key_len = (uint32_t)key_len, .last_doc = UINT32_MAX };
    buf_append(&inv->keys, key, key_len);
    if (inv->keys.rc != 0)
        return inv->keys.rc;
    inv->table[slot] = (uint32_t)++inv->nterms;
    *out = t;
    if (inv->nterms * 2 > inv->table_cap)
        return grow_table(inv);
    return 0;
}

static int find_term(inverter *inv, const char *key, size_t key_len, uint32_t h,
                     struct inv_term **out)
{
    size_t mask = inv->table_cap - 1;
    for (size_t j = h & mask;; j = (j + 1) & mask) {
        uint32_t idx = inv->table[j];
        if (idx == 0)
            return new_term(inv, key, key_len, h, j, out);
        struct inv_term *t = &inv->terms[idx - 1];
        if (t->hash == h && t->key_len == key_len &&
            hash_same_bytes(inv->keys.data + t->key_off, key, key_len)) {
            *out = t;
            return 0;
        }
    }
}

static int add_to_term(inverter *inv, uint32_t doc, struct inv_term *t, uint32_t position)
{
    if (t->last_doc != doc) {
        if (inv->ndoc_terms == inv->doc_terms_cap) {
            size_t cap = inv->doc_terms_cap ? inv->doc_terms_cap * 2 : 256;
            uint32_t *d = realloc(inv->doc_terms, cap * sizeof *d);
            if (d == NULL)
                return error_oom();
            inv->doc_terms = d;
            inv->doc_terms_cap = cap;
        }
        inv->doc_terms[inv->ndoc_terms++] = (uint32_t)(t - inv->terms);
        t->last_doc = doc;
        t->tf = 0;
        t->last_pos = 0;
        t->doc_pos_start = t->positions.len;
    }
    t->tf++;
    int rc = run_append_varint(inv, &t->positions, position - t->last_pos);
    t->last_pos = position;
    return rc;
}

static int add_pending(inverter *inv, const struct inv_pending *p)
{
    if (p->term != 0)
        return add_to_term(inv, inv->pending_doc, &inv->terms[p->term - 1], p->position);
    struct inv_term *t = NULL;
    int rc = find_term(inv, (const char *)inv->pending_keys.data + p->key_off, p->key_len, p->hash,
                       &t);
    if (rc != 0)
        return rc;
    return add_to_term(inv, inv->pending_doc, t, p->position);
}

int inverter_term(inverter *inv, const char *key, size_t key_len, uint32_t *index)
{
    struct inv_term *t = NULL;
    int rc = find_term(inv, key, key_len, (uint32_t)hash_bytes(key, key_len), &t);
    if (rc == 0)
        *index = (uint32_t)(t - inv->terms);
    return rc;
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* The term pending[i] is for, if it is known or found at the first slot. */
static const struct inv_term *pending_term(const inverter *inv, size_t i)
{
    const struct inv_pending *p = &inv->pending[i];
    if (p->term != 0)
        return &inv->terms[p->term - 1];
    uint32_t idx = inv->table[p->hash & (inv->table_cap - 1)];
    return idx != 0 ? &inv->terms[idx - 1] : NULL;
}

/* Fetches ahead what adding pending[i] will touch: its table slot first,
 * then (once that has arrived) its term, then its key and positions. Only
 * hints: the table may have grown since, which costs a miss, never a fault. */
static void fetch_ahead(const inverter *inv, size_t i)
{
    if (i + AHEAD < inv->npending && inv->pending[i + AHEAD].term == 0)
        PREFETCH(&inv->table[inv->pending[i + AHEAD].hash & (inv->table_cap - 1)]);
    if (i + AHEAD / 2 < inv->npending) {
        const struct inv_term *t = pending_term(inv, i + AHEAD / 2);
        if (t != NULL)
            PREFETCH(t);
    }
    if (i + AHEAD / 4 < inv->npending) {
        const struct inv_term *t = pending_term(inv, i + AHEAD / 4);
        if (t != NULL) {
            if (inv->pending[i + AHEAD / 4].term == 0)
                PREFETCH(inv->keys.data + t->key_off);
            PREFETCH(t->positions.data + t->positions.len);
        }
    }
}

static int flush_pending(inverter *inv)
{
    int rc = inv->pending_keys.rc;
    for (size_t i = 0; i < inv->npending && rc == 0; i++) {
        fetch_ahead(inv, i);
        rc = add_pending(inv, &inv->pending[i]);
    }
    inv->npending = 0;
    buf_clear(&inv->pending_keys);
    return rc;
}

/* Makes room for one more pending occurrence of `doc`. */
static int pending_room(inverter *inv, uint32_t doc)
{
    if (inv->npending == PENDING_MAX || (inv->npending > 0 && doc != inv->pending_doc))
        return flush_pending(inv);
    return 0;
}

int inverter_add(inverter *inv, uint32_t doc, const char *key, size_t key_len, uint32_t position)
{
    int rc = pending_room(inv, doc);
    if (rc != 0)
        return rc;
    uint32_t h = (uint32_t)hash_bytes(key, key_len);
    PREFETCH(&inv->table[h & (inv->table_cap - 1)]);
    inv->pending[inv->npending++] = (struct inv_pending){ h, (uint32_t)inv->pending_keys.len,
                                                          (uint32_t)key_len, position, 0 };
    inv->pending_doc = doc;
    buf_append(&inv->pending_keys, key, key_len);
    return inv->pending_keys.rc;
}

int inverter_add_term(inverter *inv, uint32_t doc, uint32_t term, uint32_t position)
{
    int rc = pending_room(inv, doc);
    if (rc != 0)
        return rc;
    PREFETCH(&inv->terms[term]);
    inv->pending[inv->npending++] = (struct inv_pending){ 0, 0, 0, position, term + 1 };
    inv->pending_doc = doc;
    return 0;
}

int inverter_end_doc(inverter *inv)
{
    int rc = flush_pending(inv);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < inv->ndoc_terms; i++) {
        struct inv_term *t = &inv->terms[inv->doc_terms[i]];
        rc = run_append_varint(inv, &t->docs, t->last_doc - t->next_doc_min);
        if (rc == 0)
            rc = run_append_varint(inv, &t->docs, t->tf);
        if (rc == 0)
            rc = run_append_varint(inv, &t->docs, t->positions.len - t->doc_pos_start);
        if (rc != 0)
            return rc;
        t->next_doc_min = t->last_doc + 1;
        inv->postings++;
    }
    inv->ndoc_terms = 0;
    return 0;
}

/* A term to sort: its key's first 8 bytes as a big-endian number (zeros
 * after a shorter key), so that most comparisons are one of numbers, in
 * the array itself, and only ties read the keys. Prefixes that differ order
 * the keys as memcmp and then length would. */
struct sort_item {
    uint64_t prefix;
    uint32_t term;
};

static int item_before(const struct sort_item *x, const struct sort_item *y, const inverter *inv)
{
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix;
    const struct inv_term *a = &inv->terms[x->term], *b = &inv->terms[y->term];
    size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
    int c = memcmp(inv->keys.data + a->key_off, inv->keys.data + b->key_off, n);
    return c != 0 ? c < 0 : a->key_len < b->key_len;
}

/* A plain merge sort: qsort_r is not in C11 or POSIX. */
static void sort_range(struct sort_item *a, struct sort_item *tmp, size_t n, const inverter *inv)
{
    if (n < 2)
        return;
    size_t half = n / 2;
    sort_range(a, tmp, half, inv);
    sort_range(a + half, tmp, n - half, inv);
    if (!item_before(&a[half], &a[half - 1], inv))
        return; /* the halves are in order already */
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n)
        tmp[k++] = item_before(&a[j], &a[i], inv) ? a[j++] : a[i++];
    while (i < half)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

int inverter_sorted_terms(const inverter *inv, uint32_t **out)
{
    size_t n = inv->nterms;
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    struct sort_item *items = malloc((n ? n : 1) * 2 * sizeof *items);
    if (order == NULL || items == NULL) {
        free(order);
        free(items);
        return error_oom();
    }
    for (size_t i = 0; i < n; i++) {
        const struct inv_term *t = &inv->terms[i];
        items[i] = (struct sort_item){ be64_prefix(inv->keys.data + t->key_off, t->key_len),
                                       (uint32_t)i };
    }
    sort_range(items, items + n, n, inv);
    for (size_t i = 0; i < n; i++)
        order[i] = items[i].term;
    free(items);
    *out = order;
    return 0;
}
