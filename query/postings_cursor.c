/* postings_cursor.c - decoding of docs/FORMAT.md POSTINGS and POSITIONS, with
 * every value checked (doc numbers increasing and below N, sizes in bounds). */
#include "query/postings_cursor.h"

#include "core/full_block.h"
#include "core/endian.h"
#include "core/error.h"
#include "core/tail_code.h"
#include "core/varint.h"

/* Positions decoded at once before a phrase's limit is checked. */
enum { POSITIONS_AT_ONCE = 16 };

/* Names the term's bytes in the section where the damage was met. */
static void fail_in(postings_cursor *c, uint32_t section, const uint8_t *start, const uint8_t *end,
                    const char *what)
{
    const uint8_t *base = c->ix->sec[section].data;
    if (*c->error == 0)
        *c->error = index_corrupt(c->ix, "%s bytes %llu..%llu: %s (block %u of the term)",
                                  format_section_name(section), (unsigned long long)(start - base),
                                  (unsigned long long)(end - base), what, c->block);
    c->doc = CURSOR_END;
    c->count = 0;
}

static void fail(postings_cursor *c, const char *what)
{
    fail_in(c, SECTION_POSTINGS, c->skips != NULL ? c->skips : c->data, c->data_end, what);
}

static const uint8_t *skip_entry(const postings_cursor *c, uint32_t b)
{
    return c->skips + (size_t)b * c->skip_size;
}

/* A field of 1 to 4 bytes: the 4 bytes loaded stay inside the entry, whose
 * last 4 bytes come after every such field. */
static uint32_t skip_field(const uint8_t *entry, uint32_t at, uint32_t mask)
{
    return le32_load(entry + at) & mask;
}

static uint32_t skip_last(const postings_cursor *c, uint32_t b)
{
    return skip_field(skip_entry(c, b), 0, c->doc_mask);
}

/* Checks the docs of a decoded block: increasing, below N, and ending where the skip says. */
static int check_block(postings_cursor *c, uint32_t b)
{
    if (c->docs[c->count - 1] >= c->ix->ndocs)
        return -1;
    if (c->skips != NULL && c->docs[c->count - 1] != skip_last(c, b))
        return -1;
    return 0;
}

/* Whether the block's run [pos_start, pos_stop) lies in the term's positions
 * and its frequencies (adding up to tf_sum) fit it (one bit each at least),
 * so that no caller sizes a buffer by a damaged tf. A term without
 * positions has none to fit. */
static int positions_fit(postings_cursor *c, uint64_t pos_start, uint64_t pos_stop,
                         uint64_t tf_sum)
{
    uint64_t room = (uint64_t)(c->positions_end - c->positions);
    c->pos_values = tf_sum;
    if (room == 0)
        return pos_start == 0 && pos_stop == 0;
    return pos_start <= pos_stop && pos_stop <= room && tf_sum <= (pos_stop - pos_start) * 8;
}

/* A block of 128 (core/full_block.h). `fixed` is the skip entry's last 4
 * bytes: its last two the PFor width bytes of the gaps and of the frequencies. */
static int decode_full(postings_cursor *c, const uint8_t *p, const uint8_t *end,
                       const uint8_t *fixed, uint32_t prev_plus1, uint64_t *tf_sum)
{
    /* every cache line of the block asked for at once, not one miss after
     * another: the exception areas come after the packed values */
    size_t len = (size_t)(end - p);
    for (size_t at = 0; at < len; at += 64)
        __builtin_prefetch(p + at);
    if (len > 0)
        __builtin_prefetch(end - 1);
    const struct section_view *postings = &c->ix->sec[SECTION_POSTINGS];
    return c->decode_full(p, end, postings->data + postings->len, fixed + 2, prev_plus1, c->docs,
                          c->tfs, tf_sum);
}

/* The tail, and a single document from the dictionary entry. A tail after
 * full blocks has no bit widths: its entry's must be zero. */
static int decode_short(postings_cursor *c, const uint8_t *p, const uint8_t *end,
                        const uint8_t *fixed, uint32_t prev_plus1, uint64_t *tf_sum)
{
    if (c->df == 1) {
        c->docs[0] = c->single_doc;
        c->tfs[0] = c->single_tf;
        *tf_sum = c->single_tf;
        return c->single_tf == 0 ? -1 : 0;
    }
    if (fixed != NULL && (fixed[2] | fixed[3]) != 0)
        return -1;
    return tail_decode(p, end, c->count, prev_plus1, c->ix->ndocs, c->docs, c->tfs, tf_sum);
}

static void load_block(postings_cursor *c, uint32_t b)
{
    c->block = b;
    c->i = 0;
    c->count = b + 1 < c->nblocks ? FORMAT_POSTINGS_BLOCK : c->df - b * FORMAT_POSTINGS_BLOCK;
    const uint8_t *start = c->data, *end = c->data_end;
    uint32_t prev_plus1 = 0;
    uint64_t pos_start = 0, pos_stop = (uint64_t)(c->positions_end - c->positions);
    const uint8_t *fixed = NULL;
    if (c->skips != NULL) {
        const uint8_t *skip = skip_entry(c, b);
        uint32_t begin = b > 0 ? skip_field(skip_entry(c, b - 1), c->end_at, c->end_mask) : 0;
        uint32_t stop = skip_field(skip, c->end_at, c->end_mask);
        if (begin > stop || stop > (size_t)(c->data_end - c->data)) {
            fail(c, "block bounds");
            return;
        }
        start = c->data + begin;
        end = c->data + stop;
        prev_plus1 = b > 0 ? skip_last(c, b - 1) + 1 : 0;
        pos_start = skip_field(skip, c->pos_at, c->pos_mask);
        if (b + 1 < c->nblocks) /* a run ends where the next block's begins */
            pos_stop = skip_field(skip_entry(c, b + 1), c->pos_at, c->pos_mask);
        fixed = skip + c->fixed_at;
    }
    uint64_t tf_sum;
    int bad = c->count == FORMAT_POSTINGS_BLOCK
                  ? decode_full(c, start, end, fixed, prev_plus1, &tf_sum)
                  : decode_short(c, start, end, fixed, prev_plus1, &tf_sum);
    if (bad || check_block(c, b) != 0 || !positions_fit(c, pos_start, pos_stop, tf_sum)) {
        fail(c, "undecodable block");
        return;
    }
    c->pos_block = c->positions + pos_start;
    c->pos_end = c->positions + pos_stop;
    rice_run_start(&c->pos, c->pos_block, c->pos_end);
    c->pos_read = c->pos_before = c->pos_low = c->pos_index = 0;
    c->doc = c->docs[0];
}

static uint32_t field_mask(unsigned bytes)
{
    return bytes == 4 ? UINT32_MAX : (1u << 8 * bytes) - 1;
}

/* The widths byte before the skip entries gives their layout. */
static void set_skip_layout(postings_cursor *c, uint8_t widths)
{
    unsigned dw = (widths & 3) + 1, ow = (widths >> 2 & 3) + 1, pw = (widths >> 4 & 3) + 1;
    c->doc_mask = field_mask(dw);
    c->end_mask = field_mask(ow);
    c->pos_mask = field_mask(pw);
    c->end_at = dw;
    c->pos_at = dw + ow;
    c->fixed_at = dw + ow + pw;
    c->skip_size = c->fixed_at + FORMAT_SKIP_FIXED;
}

int postings_open(postings_cursor *c, const cari_index *ix, const struct term_entry *e, int *error)
{
    c->ix = ix;
    c->error = error;
    c->decode_full = full_block_decoder();
    c->skip = rice_skipper();
    c->df = e->df;
    c->max_tf = e->max_tf;
    c->single_doc = e->doc;
    c->single_tf = e->cf <= UINT32_MAX ? (uint32_t)e->cf : 0;
    c->nblocks = (e->df + FORMAT_POSTINGS_BLOCK - 1) / FORMAT_POSTINGS_BLOCK;
    const uint8_t *base = ix->sec[SECTION_POSTINGS].data + e->postings_off;
    c->block = 0;
    c->positions = ix->sec[SECTION_POSITIONS].data + e->positions_off;
    c->positions_end = c->positions + e->positions_len;
    c->skips = NULL; /* what fail() names, before the skips are known */
    c->data = base;
    c->data_end = base + e->postings_len;
    uint64_t skip_bytes = 0;
    if (e->df >= FORMAT_POSTINGS_BLOCK) {
        if (e->postings_len == 0 || base[0] >> 6 != 0) {
            fail(c, "skip entry widths");
            return *error;
        }
        set_skip_layout(c, base[0]);
        skip_bytes = 1 + (uint64_t)c->nblocks * c->skip_size;
    }
    if (skip_bytes > e->postings_len || (e->df == 1) != (e->postings_len == 0)) {
        fail(c, "skip table larger than the postings");
        return *error;
    }
    c->skips = skip_bytes > 0 ? base + 1 : NULL;
    c->data = base + skip_bytes;
    load_block(c, 0);
    c->min_norm = UINT8_MAX;
    for (uint32_t i = 0; c->skips == NULL && i < c->count; i++)
        c->min_norm = ix->norms[c->docs[i]] < c->min_norm ? ix->norms[c->docs[i]] : c->min_norm;
    return *error;
}

void postings_next(postings_cursor *c)
{
    if (c->doc == CURSOR_END)
        return;
    if (++c->i < c->count) {
        c->doc = c->docs[c->i];
        return;
    }
    if (c->block + 1 < c->nblocks)
        load_block(c, c->block + 1);
    else
        c->doc = CURSOR_END;
}

/* The first block from `lo` on whose last doc is >= target (nblocks if none).
 * Galloping: a conjunction's next target is mostly a few blocks on, whose
 * skip entries share a cache line or two, where a binary search over all
 * the blocks left would touch a line at each of its steps. */
static uint32_t find_block(const postings_cursor *c, uint32_t lo, uint32_t target)
{
    uint32_t hi = lo, step = 1; /* blocks before lo end below target */
    while (hi < c->nblocks && skip_last(c, hi) < target) {
        lo = hi + 1;
        hi = lo + step;
        step *= 2;
    }
    hi = hi < c->nblocks ? hi : c->nblocks; /* block hi, if any, ends at or past target */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (skip_last(c, mid) < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void postings_advance_blocks(postings_cursor *c, uint32_t target)
{
    if (c->doc >= target)
        return;
    if (c->skips != NULL && skip_last(c, c->block) < target) {
        uint32_t b = find_block(c, c->block + 1, target);
        if (b == c->nblocks) {
            c->doc = CURSOR_END;
            return;
        }
        load_block(c, b);
        /* the inline scan: the block ends at or past target (check_block),
         * and a block that failed reads as ended */
        postings_advance(c, target);
        return;
    }
    while (c->doc < target)
        postings_next(c);
}

uint32_t postings_block_of(const postings_cursor *c, uint32_t target)
{
    if (c->doc == CURSOR_END)
        return c->nblocks;
    if (c->skips == NULL)
        return c->docs[c->count - 1] >= target ? 0 : c->nblocks;
    if (skip_last(c, c->block) >= target)
        return c->block;
    return find_block(c, c->block + 1, target);
}

/* A frequency byte of 255 is 255 or more: the term's max_tf bounds it. */
static uint32_t skip_tf(const postings_cursor *c, uint8_t byte)
{
    return byte < FORMAT_SKIP_MAX_TF ? byte : c->max_tf;
}

void postings_block_cover(const postings_cursor *c, uint32_t b, struct block_cover *cover,
                          uint32_t *last)
{
    if (c->skips == NULL) {
        for (int p = 0; p < BLOCK_COVER_PAIRS; p++) {
            cover->tf[p] = c->max_tf;
            cover->norm[p] = c->min_norm;
        }
        *last = c->count > 0 ? c->docs[c->count - 1] : CURSOR_END;
        return;
    }
    const uint8_t *e = skip_entry(c, b), *fixed = e + c->fixed_at;
    *last = skip_field(e, 0, c->doc_mask);
    *cover = (struct block_cover){
        .tf = { skip_tf(c, fixed[4]), skip_tf(c, fixed[5]), skip_tf(c, fixed[0]) },
        .norm = { fixed[1], fixed[6], fixed[7] },
    };
}

uint32_t postings_block_best(const postings_cursor *c, uint32_t b, uint32_t *last)
{
    const uint8_t *e = skip_entry(c, b), *fixed = e + c->fixed_at;
    *last = skip_field(e, 0, c->doc_mask);
    return (uint32_t)fixed[8] | (uint32_t)fixed[9] << 8;
}

uint32_t postings_block_from(const postings_cursor *c, uint32_t target)
{
    uint32_t b = postings_block_of(c, target);
    b = b < c->nblocks ? b : c->nblocks - 1;
    if (b > 0 && skip_last(c, b - 1) >= target) /* behind the cursor */
        b = find_block(c, 0, target);
    return b;
}

int postings_positions(postings_cursor *c, uint32_t *out)
{
    uint32_t n;
    return postings_positions_upto(c, UINT32_MAX, out, &n);
}

static unsigned doc_k(const postings_cursor *c, uint32_t i)
{
    return rice_doc_k(c->ix->norms[c->docs[i]], c->tfs[i]);
}

/* Counts, for the current doc, the values of the docs before it in the
 * block (c->pos_before, how many quotients to pass) and their low bits
 * (c->pos_low, where its low parts end from the run's end), from where the
 * last count stopped. */
static void count_before(postings_cursor *c)
{
    uint32_t j = c->pos_index, end = c->i;
    uint64_t before = c->pos_before, low = c->pos_low;
    if (j > end)
        j = 0, before = 0, low = 0;
    /* the block's arrays and the norms in locals: through c, each step
     * loaded them again (1/9 of a median phrase on 2 GB) */
    const uint32_t *docs = c->docs, *tfs = c->tfs;
    const uint8_t *norms = c->ix->norms;
    for (; j < end; j++) {
        uint32_t tf = tfs[j];
        before += tf;
        low += (uint64_t)tf * rice_doc_k(norms[docs[j]], tf);
    }
    c->pos_index = end, c->pos_before = before, c->pos_low = low;
}

/* The quotients of the current doc are read from the reader's line on;
 * asking for this many lines from there (and the line of its low parts)
 * covers a doc of a few occurrences, where each line is a miss of its own;
 * the hardware's stream follows on longer ones (on the 2 GB index, phrase
 * p50 with 1 line 0.96x that with 2, with 4 1.14x). */
enum { PREFETCH_QUOTIENT_LINES = 1 };

void postings_prefetch_positions(postings_cursor *c)
{
    if (c->doc == CURSOR_END || c->positions == c->positions_end)
        return;
    count_before(c);
    uint64_t run = (uint64_t)(c->pos_end - c->pos_block);
    if (c->pos_low / 8 < run)
        __builtin_prefetch(c->pos_end - 1 - c->pos_low / 8);
    uint64_t from = c->pos_read > c->pos_before ? 0 : c->pos.quotient / 8; /* a restart reads from 0 */
    for (unsigned l = 0; l < PREFETCH_QUOTIENT_LINES && from + 64 * l < run; l++)
        __builtin_prefetch(c->pos_block + from + 64 * l);
}

/* Stands the run's reader at the current doc's first quotient; c->pos_low
 * is then where its low parts end, from the run's end. The docs before it
 * give both: their frequencies how many quotients to pass, their k how many
 * low bits. */
static int reach_doc(postings_cursor *c)
{
    count_before(c);
    uint64_t before = c->pos_before, low = c->pos_low;
    if (low / 8 < (uint64_t)(c->pos_end - c->pos_block)) /* far from the quotients: ask early */
        __builtin_prefetch(c->pos_end - 1 - low / 8);
    if (c->pos_read > before) { /* went back: start the block over */
        rice_run_start(&c->pos, c->pos_block, c->pos_end);
        c->pos_read = 0;
    }
    if (c->skip(&c->pos, before - c->pos_read) != 0)
        return -1;
    c->pos_read = before;
    return 0;
}

int postings_positions_upto(postings_cursor *c, uint32_t limit, uint32_t *out, uint32_t *n)
{
    *n = 0;
    if (c->positions == c->positions_end) {
        fail_in(c, SECTION_POSITIONS, c->positions, c->positions_end,
                "a term without positions");
        return *c->error;
    }
    if (reach_doc(c) != 0)
        goto corrupt;
    unsigned k = doc_k(c, c->i);
    uint64_t low = c->pos_low;
    /* a few values at a time, so that a limit stops the decoding early */
    uint32_t tf = c->tfs[c->i], j = 0;
    uint64_t pos = 0;
    while (j < tf && pos <= limit) {
        uint32_t stop = tf - j < POSITIONS_AT_ONCE ? tf : j + POSITIONS_AT_ONCE;
        if (rice_run_read(&c->pos, low + (uint64_t)j * k, k, out + j, stop - j) != 0)
            goto corrupt;
        c->pos_read += stop - j;
        for (; j < stop; j++) { /* in place: the first position, then gaps less one */
            pos += (uint64_t)out[j] + (j > 0);
            if (pos > UINT32_MAX)
                goto corrupt;
            if (pos > limit)
                break;
            out[j] = (uint32_t)pos;
        }
    }
    *n = j;
    return 0;
corrupt:
    fail_in(c, SECTION_POSITIONS, c->positions, c->positions_end, "positions do not decode");
    return *c->error;
}
