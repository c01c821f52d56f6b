/* decode_bench.c - block decoding speed: billions of integers unpacked per
 * second on one core, per unpacker (scalar, SSE2, AVX2) and bit width, then
 * PFor blocks (core/pfor.h) with the fastest unpacker and 0 to 32 exceptions
 * per block, against plain unpacking at the width the widest value needs. The
 * blocks (256 KiB of them per width at most) stay in the L2 cache, as a hot
 * posting list does; the clock is the thread's CPU time around whole passes
 * (per core, and steady on a machine other processes share).
 * With an INDEX, instead: the full blocks of its POSTINGS (docs/FORMAT.md),
 * their exceptions counted, then decoded as the query side decodes them, in
 * windows of 256 KiB each decoded over and over (hot, as above); last, the
 * fastest decoder over the same blocks in index order and grouped by widths,
 * which shows what choosing a routine per block costs.
 * Usage: decode_bench [MILLISECONDS_PER_MEASURE [INDEX]]   (default 200) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bitpack.h"
#include "core/full_block.h"
#include "core/endian.h"
#include "core/pfor.h"
#include "query/index_reader.h"
#include "query/postings_cursor.h"
#include "query/termdict_reader.h"

enum { BLOCKS = 512 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The clock runs around slices of work (each a millisecond or more) for ms
 * in all, and the fastest slice counts: on a shared machine a slice that
 * another process interrupted (its caches cold after) is slower, never faster. */
enum { SLICE_PASSES = 64 };

/* Integers per second unpacking `BLOCKS` blocks at `bits`, the fastest slice. */
static double measure(bitpack_unpack_fn *fn, const uint8_t *packed, unsigned bits, double ms,
                      uint32_t *sink)
{
    uint32_t out[BITPACK_BLOCK];
    size_t size = bitpack_size(bits);
    double start = now(), best = 1e30, t0, t;
    do {
        t0 = now();
        for (int pass = 0; pass < SLICE_PASSES; pass++)
            for (size_t b = 0; b < BLOCKS; b++) {
                fn(packed + b * size, bits, out);
                *sink += out[b % BITPACK_BLOCK];
            }
        t = now();
        best = t - t0 < best ? t - t0 : best;
    } while (t - start < ms / 1000.0);
    return (double)SLICE_PASSES * BLOCKS * BITPACK_BLOCK / best;
}

/* Integers per second decoding `BLOCKS` PFor blocks of `stride` bytes each,
 * coded at `width`, the fastest slice. */
static double measure_pfor(bitpack_unpack_fn *fn, const uint8_t *coded, size_t stride,
                           const size_t *sizes, uint8_t width, double ms, uint32_t *sink)
{
    uint32_t out[BITPACK_BLOCK];
    double start = now(), best = 1e30, t0, t;
    do {
        t0 = now();
        for (int pass = 0; pass < SLICE_PASSES; pass++)
            for (size_t b = 0; b < BLOCKS; b++) {
                const uint8_t *p = coded + b * stride;
                *sink += pfor_decode(fn, p, p + sizes[b], p + stride, width, out) == p + sizes[b];
                *sink += out[b % BITPACK_BLOCK];
            }
        t = now();
        best = t - t0 < best ? t - t0 : best;
    } while (t - start < ms / 1000.0);
    return (double)SLICE_PASSES * BLOCKS * BITPACK_BLOCK / best;
}

/* Blocks of `bits`-bit values but `exceptions` of them 6 bits wider (the
 * shape of doc gaps and frequencies): PFor at base `bits`, and plain packing
 * at bits + 6 as format 3 stored them; billions of integers per second. */
static void pfor_row(unsigned bits, const unsigned *counts, size_t ncounts, double ms,
                     uint64_t *x, uint32_t *sink, uint8_t *buffer)
{
    bitpack_unpack_fn *fn = bitpack_unpacker();
    enum { STRIDE = 1024 };
    static size_t sizes[BLOCKS];
    uint32_t in[BITPACK_BLOCK];
    printf("%u\t%.2f\t%.2f", bits, measure(fn, buffer, bits, ms, sink) / 1e9,
           measure(fn, buffer, bits + 6, ms, sink) / 1e9);
    for (size_t k = 0; k < ncounts; k++) {
        uint8_t width = (uint8_t)(bits | (counts[k] ? PFOR_PATCHED : 0));
        for (size_t b = 0; b < BLOCKS; b++) {
            for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
                *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
                in[i] = (uint32_t)*x & ((1u << bits) - 1);
            }
            for (unsigned e = 0; e < counts[k]; e++) /* spread over the block */
                in[(e * 131 + b) % BITPACK_BLOCK] |= (uint32_t)(1 + (*x >> 40) % 63) << bits;
            uint8_t *p = buffer + b * STRIDE;
            pfor_encode(in, width, p);
            uint32_t out[BITPACK_BLOCK]; /* its size: where the decoder stops */
            const uint8_t *stop = pfor_decode(fn, p, p + STRIDE, p + STRIDE, width, out);
            sizes[b] = stop != NULL ? (size_t)(stop - p) : 0;
        }
        printf("\t%.2f", measure_pfor(fn, buffer, STRIDE, sizes, width, ms, sink) / 1e9);
    }
    printf("\n");
}

/* The full blocks of an index, their bytes one after another: block i is
 * bytes[block[i].at, block[i + 1].at), coded at its two width bytes. */
struct real_block {
    size_t at;
    uint8_t widths[2];
};
struct real_blocks {
    uint8_t *bytes;
    struct real_block *block;
    size_t len, cap, n, ncap;
    size_t exceptions[2][BITPACK_BLOCK + 1]; /* blocks of docs, of tfs, per count */
    size_t high_bits[2][33];                  /* exceptions, per width of the high parts */
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap * 2 > need ? *cap * 2 : need + 1024;
    void *q = realloc(*p, n * size);
    if (q == NULL)
        return -1;
    *p = q, *cap = n;
    return 0;
}

/* Counts the exceptions of a PFor block at `width` that starts at p, as kind k. */
static void count_exceptions(struct real_blocks *r, int k, const uint8_t *p, uint8_t width)
{
    const uint8_t *area = p + bitpack_size(width & PFOR_WIDTH_MASK);
    unsigned n = width & PFOR_PATCHED ? area[0] : 0;
    r->exceptions[k][n]++;
    r->high_bits[k][n > 0 ? area[1] % 33 : 0] += n;
}

static int add_block(struct real_blocks *r, const uint8_t *p, size_t len, const uint8_t *fixed)
{
    if (grow((void **)&r->bytes, &r->cap, r->len + len, 1) != 0 ||
        grow((void **)&r->block, &r->ncap, r->n + 2, sizeof *r->block) != 0)
        return -1;
    memcpy(r->bytes + r->len, p, len);
    r->block[r->n] = (struct real_block){ r->len, { fixed[2], fixed[3] } };
    r->len += len;
    r->block[r->n + 1].at = r->len;
    uint32_t out[BITPACK_BLOCK];
    const uint8_t *tfs = pfor_decode(bitpack_unpack128, p, p + len, p + len, fixed[2], out);
    if (tfs == NULL)
        return -1;
    count_exceptions(r, 0, p, fixed[2]);
    count_exceptions(r, 1, tfs, fixed[3]);
    r->n++;
    return 0;
}

/* The full blocks of a term (df >= 128), through the cursor's skip layout. */
static int add_term(struct real_blocks *r, const cari_index *ix, const struct term_entry *e)
{
    int error = 0;
    postings_cursor c;
    if (e->df < FORMAT_POSTINGS_BLOCK || postings_open(&c, ix, e, &error) != 0)
        return error;
    for (uint32_t b = 0; b < e->df / FORMAT_POSTINGS_BLOCK; b++) {
        const uint8_t *entry = c.skips + (size_t)b * c.skip_size;
        size_t begin = b > 0 ? (le32_load(entry - c.skip_size + c.end_at) & c.end_mask) : 0;
        size_t stop = le32_load(entry + c.end_at) & c.end_mask;
        if (add_block(r, c.data + begin, stop - begin, entry + c.fixed_at) != 0)
            return -1;
    }
    return 0;
}

static int load_blocks(struct real_blocks *r, const char *path)
{
    cari_index *ix;
    if (cari_index_open(&ix, path, 0) != 0)
        return -1;
    int rc = 0;
    for (uint32_t b = 0; b < ix->nblocks && rc == 0; b++) {
        term_block_reader tr;
        struct term_entry e;
        rc = term_block_start(&tr, ix, b);
        while (rc == 0 && (rc = term_block_next(&tr, &e)) == 0)
            rc = add_term(r, ix, &e);
        rc = rc == CARI_ITEROVER ? 0 : -1;
    }
    cari_index_close(ix);
    return rc;
}

static void print_exceptions(const struct real_blocks *r)
{
    static const char *names[] = { "doc gaps", "tfs - 1" };
    printf("%zu full blocks, %zu bytes (%.1f per block)\n", r->n, r->len,
           (double)r->len / (double)r->n);
    for (int k = 0; k < 2; k++) {
        size_t sum = 0, seen = 0, median = 0, p90 = 0, top = 0;
        for (unsigned e = 0; e <= BITPACK_BLOCK; e++) {
            sum += e * r->exceptions[k][e];
            top = r->exceptions[k][e] ? e : top;
        }
        for (unsigned e = 0; e <= BITPACK_BLOCK; e++) {
            if (seen * 2 < r->n && (seen + r->exceptions[k][e]) * 2 >= r->n)
                median = e;
            if (seen * 10 < r->n * 9 && (seen + r->exceptions[k][e]) * 10 >= r->n * 9)
                p90 = e;
            seen += r->exceptions[k][e];
        }
        printf("%s: exceptions per block mean %.2f, none %zu blocks, median %zu, p90 %zu, max %zu\n",
               names[k], (double)sum / (double)r->n, r->exceptions[k][0], median, p90, top);
        printf("  count\tblocks:");
        for (unsigned e = 0; e <= 24; e++)
            printf(" %u:%zu", e, r->exceptions[k][e]);
        printf("\n  high bits\texceptions:");
        for (unsigned h = 1; h <= 32; h++)
            if (r->high_bits[k][h] > 0)
                printf(" %u:%zu", h, r->high_bits[k][h]);
        printf("\n");
    }
}

/* How a window of blocks is decoded: as postings_cursor.c's decode_full
 * does (`full`, core/full_block.h), or their two PFor blocks alone with
 * `unpack`. */
struct real_decoder {
    full_block_decode_fn *full;
    bitpack_unpack_fn *unpack;
};

/* Decodes blocks [first, last); returns the blocks that decoded. */
static uint32_t decode_window(const struct real_blocks *r, size_t first, size_t last,
                              struct real_decoder d, uint32_t *sink)
{
    uint32_t docs[BITPACK_BLOCK], tfs[BITPACK_BLOCK], good = 0;
    const uint8_t *readable = r->bytes + r->len;
    for (size_t i = first; i < last; i++) {
        const uint8_t *p = r->bytes + r->block[i].at, *end = r->bytes + r->block[i + 1].at;
        if (d.full == NULL) {
            p = pfor_decode(d.unpack, p, end, readable, r->block[i].widths[0], docs);
            if (p != NULL)
                p = pfor_decode(d.unpack, p, end, readable, r->block[i].widths[1], tfs);
            good += p == end;
        } else {
            uint64_t tf_sum;
            good += d.full(p, end, readable, r->block[i].widths, 0, docs, tfs, &tf_sum) == 0;
            *sink += (uint32_t)tf_sum;
        }
        *sink += docs[i % BITPACK_BLOCK] + tfs[i % BITPACK_BLOCK];
    }
    return good;
}

/* Integers (256 a block) per second over every block: a slice decodes each
 * window of 256 KiB `REPEAT` times, the first warming the cache; the fastest. */
static double measure_real(const struct real_blocks *r, struct real_decoder d, double ms,
                           uint32_t *sink)
{
    enum { WINDOW = 256 * 1024, REPEAT = 8 };
    double start = now(), best = 1e30, t0, t;
    do {
        t0 = now();
        for (size_t first = 0, last; first < r->n; first = last) {
            for (last = first + 1; last < r->n && r->block[last + 1].at - r->block[first].at <= WINDOW;)
                last++;
            for (int k = 0; k < REPEAT; k++)
                if (decode_window(r, first, last, d, sink) != last - first)
                    return 0;
        }
        t = now();
        best = t - t0 < best ? t - t0 : best;
    } while (t - start < ms / 1000.0);
    return (double)r->n * REPEAT * 2 * BITPACK_BLOCK / best;
}

/* A block and its length, as group_by_widths sorts them. */
struct placed_block {
    struct real_block block;
    size_t len;
};

static int by_widths(const void *a, const void *b)
{
    const struct real_block *x = &((const struct placed_block *)a)->block;
    const struct real_block *y = &((const struct placed_block *)b)->block;
    int kx = x->widths[0] << 8 | x->widths[1], ky = y->widths[0] << 8 | y->widths[1];
    return kx != ky ? kx - ky : (x->at > y->at) - (x->at < y->at);
}

/* A copy of r's blocks ordered by their two width bytes, so that one pair of
 * routines decodes block after block: beside r, it shows what choosing a
 * routine per block costs (an indirect call the CPU cannot predict: the
 * widths of one posting list change from block to block). Returns -1 when
 * out of memory. */
static int group_by_widths(const struct real_blocks *r, struct real_blocks *g)
{
    struct placed_block *order = malloc(r->n * sizeof *order);
    *g = (struct real_blocks){ .bytes = malloc(r->len), .block = malloc((r->n + 1) * sizeof *r->block) };
    if (order == NULL || g->bytes == NULL || g->block == NULL) {
        free(order), free(g->bytes), free(g->block);
        return -1;
    }
    for (size_t i = 0; i < r->n; i++)
        order[i] = (struct placed_block){ r->block[i], r->block[i + 1].at - r->block[i].at };
    qsort(order, r->n, sizeof *order, by_widths);
    for (size_t i = 0; i < r->n; i++) {
        memcpy(g->bytes + g->len, r->bytes + order[i].block.at, order[i].len);
        g->block[i] = order[i].block;
        g->block[i].at = g->len;
        g->len += order[i].len;
    }
    g->block[r->n].at = g->len;
    g->n = r->n;
    free(order);
    return 0;
}

/* The fastest decoder over the index's order and over the same blocks
 * grouped by widths, alternated three times: minutes apart, the host's speed
 * moves more than the ratio. */
static void dispatch_report(const struct real_blocks *r, double ms, uint32_t *sink)
{
    struct real_blocks g;
    if (group_by_widths(r, &g) != 0) {
        fprintf(stderr, "decode_bench: no memory for the blocks grouped by widths\n");
        return;
    }
    struct real_decoder full = { full_block_decoder(), NULL };
    printf("fastest full block decoder, index order against grouped by widths "
           "(billions of integers per second):\n");
    for (int round = 0; round < 3; round++) {
        double in_order = measure_real(r, full, ms, sink), grouped = measure_real(&g, full, ms, sink);
        printf("%.2f\t%.2f\t(%.2fx)\n", in_order / 1e9, grouped / 1e9, grouped / in_order);
    }
    free(g.bytes), free(g.block);
}

static int real_report(const char *path, double ms)
{
    struct real_blocks r = { 0 };
    uint32_t sink = 0;
    int rc = load_blocks(&r, path);
    if (rc != 0 || r.n == 0) {
        fprintf(stderr, "decode_bench: %s: %s\n", path, rc != 0 ? cari_error_last() : "no full block");
        return 3;
    }
    print_exceptions(&r);
    static const char *names[] = { "scalar", "sse2", "avx2" };
    printf("unpacker\tpfor\tfull block\t(the index's full blocks, billions of integers per second)\n");
    for (int isa = 0; isa < 3; isa++) {
        struct real_decoder pfor = { NULL, bitpack_unpacker_for((enum bitpack_isa)isa) };
        struct real_decoder full = { full_block_decoder_for((enum bitpack_isa)isa), NULL };
        if (pfor.unpack == NULL || full.full == NULL)
            continue;
        printf("%s\t%.2f", names[isa], measure_real(&r, pfor, ms, &sink) / 1e9);
        printf("\t%.2f\n", measure_real(&r, full, ms, &sink) / 1e9);
    }
    dispatch_report(&r, ms, &sink);
    printf("(checksum %u)\n", sink);
    free(r.bytes), free(r.block);
    return 0;
}

int main(int argc, char **argv)
{
    double ms = argc > 1 ? atof(argv[1]) : 200;
    if (argc > 2)
        return real_report(argv[2], ms);
    static const char *names[] = { "scalar", "sse2", "avx2" };
    uint8_t *packed = malloc((size_t)BLOCKS * bitpack_size(32));
    uint32_t in[BITPACK_BLOCK], sink = 0;
    uint64_t x = 88172645463325252ull;
    if (packed == NULL)
        return 1;
    printf("bits");
    for (int isa = 0; isa < 3; isa++)
        printf("\t%s", names[isa]);
    printf("\t(billions of integers per second)\n");
    double sum[3] = { 0 };
    for (unsigned bits = 1; bits <= 32; bits++) {
        for (size_t b = 0; b < BLOCKS; b++) {
            for (unsigned i = 0; i < BITPACK_BLOCK; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                in[i] = (uint32_t)x & (bits == 32 ? 0xFFFFFFFFu : (1u << bits) - 1);
            }
            bitpack_pack128(in, bits, packed + b * bitpack_size(bits));
        }
        printf("%u", bits);
        for (int isa = 0; isa < 3; isa++) {
            bitpack_unpack_fn *fn = bitpack_unpacker_for((enum bitpack_isa)isa);
            double rate = fn != NULL ? measure(fn, packed, bits, ms, &sink) : 0;
            sum[isa] += rate;
            printf(fn != NULL ? "\t%.2f" : "\t-", rate / 1e9);
        }
        printf("\n");
    }
    printf("mean");
    for (int isa = 0; isa < 3; isa++)
        printf("\t%.2f", sum[isa] / 32 / 1e9);
    printf("\n");
    static const unsigned counts[] = { 0, 4, 9, 16, 32 };
    uint8_t *coded = calloc(BLOCKS, 1024);
    if (coded == NULL)
        return 1;
    printf("base\tbase\tbase+6\tpfor 0\tpfor 4\tpfor 9\tpfor 16\tpfor 32 exceptions"
           "\t(fastest unpacker, billions of integers per second)\n");
    for (unsigned bits = 1; bits <= 12; bits++)
        pfor_row(bits, counts, sizeof counts / sizeof *counts, ms, &x, &sink, coded);
    printf("(checksum %u)\n", sink);
    free(coded);
    free(packed);
    return 0;
}
