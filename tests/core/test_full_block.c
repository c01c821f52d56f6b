/* Full postings blocks (core/full_block.h): docs from gaps and frequencies
 * from frequencies less one, every decoder (portable, SSE2, AVX2) held to
 * the portable one's docs, frequencies, sum and answer for the same bytes,
 * wraps past 2^32 found wherever they happen, and whole blocks decoded from
 * the bytes PFor codes at any base, exceptions or not, without a byte read
 * after them. */
#include <criterion/criterion.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string.h>

#include "core/full_block.h"
#include "core/pfor.h"

static uint64_t state = 88172645463325252ull;

static uint32_t next_random(void)
{
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (uint32_t)(state >> 16);
}

static const enum bitpack_isa isas[] = { BITPACK_SCALAR, BITPACK_SSE2, BITPACK_AVX2 };

/* A block's bytes: gaps and frequencies less one coded at width bytes of
 * their own (0: the ones pfor_choose takes), with `room` bytes readable
 * after them. */
struct coded {
    uint8_t bytes[2 * (512 + 2 + 128 + 512) + 64];
    uint8_t widths[2];
    size_t len;
};

static void code(struct coded *c, const uint32_t *gaps, const uint32_t *freqs, uint8_t doc_width,
                 uint8_t tf_width)
{
    size_t doc_size, tf_size;
    c->widths[0] = pfor_choose(gaps, &doc_size);
    c->widths[1] = pfor_choose(freqs, &tf_size);
    memset(c->bytes, 0xAA, sizeof c->bytes);
    if (doc_width != 0)
        c->widths[0] = doc_width;
    if (tf_width != 0)
        c->widths[1] = tf_width;
    pfor_encode(gaps, c->widths[0], c->bytes);
    uint32_t out[FULL_BLOCK]; /* where each part ends: the decoder knows */
    const uint8_t *end = c->bytes + sizeof c->bytes;
    const uint8_t *tf_start = pfor_decode(bitpack_unpack128, c->bytes, end, end, c->widths[0], out);
    cr_assert_not_null(tf_start);
    pfor_encode(freqs, c->widths[1], (uint8_t *)tf_start);
    const uint8_t *stop = pfor_decode(bitpack_unpack128, tf_start, end, end, c->widths[1], out);
    cr_assert_not_null(stop);
    c->len = (size_t)(stop - c->bytes);
}

/* Decodes [bytes, bytes + len) with every decoder, `readable` bytes
 * readable after it; all must agree with the portable one. Returns its
 * answer, its docs, frequencies and sum in the out parameters. */
static int decode_all(const struct coded *c, size_t len, size_t readable, uint32_t first,
                      uint32_t *docs, uint32_t *tfs, uint64_t *sum)
{
    const uint8_t *end = c->bytes + len, *can_read = end + readable;
    int want = full_block_decode_scalar(c->bytes, end, can_read, c->widths, first, docs, tfs, sum);
    for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
        full_block_decode_fn *fn = full_block_decoder_for(isas[a]);
        if (fn == NULL)
            continue;
        uint32_t d[FULL_BLOCK], t[FULL_BLOCK];
        uint64_t s = 12345;
        memset(d, 0x55, sizeof d);
        memset(t, 0x55, sizeof t);
        cr_assert_eq(fn(c->bytes, end, can_read, c->widths, first, d, t, &s), want,
                     "isa %zu widths 0x%02x 0x%02x first %u", a, c->widths[0], c->widths[1], first);
        if (want != 0)
            continue;
        cr_assert_arr_eq(d, docs, sizeof d, "isa %zu docs", a);
        cr_assert_arr_eq(t, tfs, sizeof t, "isa %zu tfs", a);
        cr_assert_eq(s, *sum, "isa %zu sum", a);
    }
    return want;
}

/* The docs of `gaps` from `first` (frequencies of 1), by every decoder. */
static int docs_of(const uint32_t *gaps, uint32_t first, uint32_t *docs)
{
    static const uint32_t zeros[FULL_BLOCK];
    struct coded c;
    uint32_t tfs[FULL_BLOCK];
    uint64_t sum;
    code(&c, gaps, zeros, 0, 0);
    int rc = decode_all(&c, c.len, 0, first, docs, tfs, &sum);
    cr_assert_eq(decode_all(&c, c.len, 64, first, docs, tfs, &sum), rc);
    /* the portable sums say the same of the gaps themselves */
    uint32_t v[FULL_BLOCK];
    memcpy(v, gaps, sizeof v);
    cr_assert_eq(full_block_docs_scalar(v, first), rc != 0);
    if (rc == 0)
        cr_assert_arr_eq(v, docs, sizeof v);
    return rc != 0;
}

Test(full_block, docs_are_gaps_plus_one_after_the_last)
{
    uint32_t gaps[FULL_BLOCK], docs[FULL_BLOCK];
    memset(gaps, 0, sizeof gaps);
    cr_assert_eq(docs_of(gaps, 7, docs), 0);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        cr_assert_eq(docs[i], 7 + i);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        gaps[i] = i % 3;
    cr_assert_eq(docs_of(gaps, 0, docs), 0);
    cr_assert_eq(docs[0], 0);
    cr_assert_eq(docs[1], 2);
    cr_assert_eq(docs[2], 5);
    cr_assert_eq(docs[3], 6);
    uint32_t sum = 0;
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        sum += gaps[i];
    cr_assert_eq(docs[FULL_BLOCK - 1], sum + FULL_BLOCK - 1);
    gaps[0] = 1000, gaps[77] = 70000; /* exceptions: added before the sums */
    cr_assert_eq(docs_of(gaps, 0, docs), 0);
    cr_assert_eq(docs[0], 1000);
    cr_assert_eq(docs[77] - docs[76], 70001);
    cr_assert_eq(docs[FULL_BLOCK - 1], sum + 1000 + 70000 - 77 % 3 + FULL_BLOCK - 1);
}

/* A doc past 2^32 - 1 anywhere in the block, or a last doc of exactly 2^32 - 1. */
Test(full_block, wraps_are_found)
{
    uint32_t gaps[FULL_BLOCK], docs[FULL_BLOCK];
    memset(gaps, 0, sizeof gaps);
    cr_assert_eq(docs_of(gaps, UINT32_MAX - 127, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(docs[FULL_BLOCK - 1], UINT32_MAX);
    cr_assert_eq(docs_of(gaps, UINT32_MAX - 126, docs), 1, "one more");
    for (unsigned at = 0; at < FULL_BLOCK; at += 5) {
        memset(gaps, 0, sizeof gaps);
        gaps[at] = UINT32_MAX; /* alone it passes 2^32 */
        cr_assert_eq(docs_of(gaps, 0, docs), 1, "a gap of 2^32 - 1 at %u", at);
        gaps[at] = UINT32_MAX - 200; /* fits */
        cr_assert_eq(docs_of(gaps, 0, docs), 0, "at %u", at);
        gaps[at] = 1u << 31, gaps[(at + 1) % FULL_BLOCK] = 1u << 31; /* 2^32 in two */
        cr_assert_eq(docs_of(gaps, 0, docs), 1, "two gaps of 2^31 from %u", at);
    }
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        gaps[i] = (1u << 25) - 1; /* 128 gaps and ones of 2^25 - 1 and 1: 2^32 */
    cr_assert_eq(docs_of(gaps, 0, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(docs_of(gaps, 1, docs), 1);
    gaps[5] = 0; /* past the bound from the widths, but no wrap */
    cr_assert_eq(docs_of(gaps, 1, docs), 0);
    cr_assert_eq(docs_of(gaps, (1u << 25) - 1, docs), 0, "the last doc is 2^32 - 1");
    cr_assert_eq(docs_of(gaps, 1u << 25, docs), 1);
}

/* The sum of `freqs` + 1 (gaps of 0 from 0), by every decoder. */
static uint64_t sum_of(const uint32_t *freqs, int want_wrapped, uint32_t *tfs)
{
    static const uint32_t zeros[FULL_BLOCK];
    struct coded c;
    uint32_t docs[FULL_BLOCK];
    uint64_t sum = 0;
    code(&c, zeros, freqs, 0, 0);
    cr_assert_eq(decode_all(&c, c.len, 64, 0, docs, tfs, &sum), -want_wrapped);
    uint32_t v[FULL_BLOCK];
    uint64_t scalar_sum = 5; /* added to */
    memcpy(v, freqs, sizeof v);
    cr_assert_eq(full_block_tfs_scalar(v, &scalar_sum), want_wrapped);
    if (!want_wrapped) {
        cr_assert_arr_eq(v, tfs, sizeof v);
        cr_assert_eq(scalar_sum - 5, sum);
    }
    return sum;
}

Test(full_block, frequencies_are_one_more_and_summed_in_64_bits)
{
    uint32_t freqs[FULL_BLOCK], tfs[FULL_BLOCK];
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        freqs[i] = i;
    cr_assert_eq(sum_of(freqs, 0, tfs), FULL_BLOCK * (FULL_BLOCK + 1) / 2);
    cr_assert_eq(tfs[0], 1);
    cr_assert_eq(tfs[127], 128);
    for (unsigned i = 0; i < FULL_BLOCK; i++)
        freqs[i] = (1u << 24) - 1; /* the widest summed in 32-bit lanes */
    cr_assert_eq(sum_of(freqs, 0, tfs), (uint64_t)FULL_BLOCK << 24);
    freqs[9] = UINT32_MAX - 1; /* wider: summed again, past 2^32 */
    cr_assert_eq(sum_of(freqs, 0, tfs), ((uint64_t)127 << 24) + UINT32_MAX);
    freqs[100] = UINT32_MAX; /* its frequency wraps to 0 */
    sum_of(freqs, 1, tfs);
    memset(freqs, 0, sizeof freqs);
    freqs[3] = UINT32_MAX; /* an exception over a base of 0 */
    sum_of(freqs, 1, tfs);
    freqs[3] = UINT32_MAX - 1;
    cr_assert_eq(sum_of(freqs, 0, tfs), 127 + (uint64_t)UINT32_MAX);
    for (int t = 0; t < 300; t++) {
        unsigned bits = (unsigned)(t % 32);
        for (unsigned i = 0; i < FULL_BLOCK; i++)
            freqs[i] = bits == 0 ? 0 : next_random() >> (32 - bits);
        sum_of(freqs, 0, tfs);
    }
}

/* Random gaps and frequencies, some values much wider than the rest, coded
 * at the chosen widths and at every base below them (up to 128 exceptions,
 * high parts of any width): every decoder gives the portable one's docs,
 * frequencies and sum, with nothing or plenty readable after the block. */
Test(full_block, every_decoder_agrees_at_every_base)
{
    for (int t = 0; t < 120; t++) {
        uint32_t gaps[FULL_BLOCK], freqs[FULL_BLOCK];
        unsigned narrow = (unsigned)(t % 9), wide = narrow + 1 + (unsigned)(t * 7 % (32 - narrow));
        unsigned every = 1 + (unsigned)(t % 13);
        for (unsigned i = 0; i < FULL_BLOCK; i++) {
            unsigned gb = i % every == 0 ? wide : narrow, fb = i % (every + 3) == 0 ? wide : narrow;
            gaps[i] = gb == 0 ? 0 : next_random() >> (32 - gb);
            freqs[i] = fb == 0 ? 0 : next_random() >> (32 - fb);
            if (t % 4 == 0)
                gaps[i] >>= 8; /* docs that do not wrap */
        }
        uint32_t first = t % 3 == 0 ? 0 : next_random() >> (t % 32);
        struct coded c;
        size_t size;
        unsigned doc_top = pfor_choose(gaps, &size) & PFOR_WIDTH_MASK;
        unsigned tf_top = pfor_choose(freqs, &size) & PFOR_WIDTH_MASK;
        for (unsigned b = 0; b <= doc_top + 1 && b <= 32; b += 1 + (unsigned)(t % 3)) {
            unsigned tb = b <= tf_top ? tf_top - b : 0;
            uint8_t dw = (uint8_t)(b < doc_top ? b | PFOR_PATCHED : 0);
            uint8_t tw = (uint8_t)(tb < tf_top ? tb | PFOR_PATCHED : 0);
            if (bitpack_width(gaps, FULL_BLOCK) <= b)
                dw = (uint8_t)b; /* nothing wider: no exceptions */
            code(&c, gaps, freqs, dw, tw);
            uint32_t docs[FULL_BLOCK], tfs[FULL_BLOCK];
            uint64_t sum;
            decode_all(&c, c.len, 0, first, docs, tfs, &sum);
            decode_all(&c, c.len, 64, first, docs, tfs, &sum);
        }
    }
}

/* A block coded as the writer codes it decodes to its docs and frequencies
 * with every decoder; one byte more or less is refused. */
Test(full_block, decodes_what_pfor_coded)
{
    for (int t = 0; t < 200; t++) {
        uint32_t gaps[FULL_BLOCK], freqs[FULL_BLOCK], want_docs[FULL_BLOCK];
        uint64_t want_sum = 0;
        uint32_t doc = 1000 + (uint32_t)t - 1;
        for (unsigned i = 0; i < FULL_BLOCK; i++) {
            gaps[i] = next_random() % (t % 7 == 0 ? 5000u : 20u);
            freqs[i] = next_random() % (i % 11 == 0 ? 300u : 3u);
            doc += gaps[i] + 1;
            want_docs[i] = doc;
            want_sum += freqs[i] + 1;
        }
        struct coded c;
        code(&c, gaps, freqs, 0, 0);
        const uint8_t *end = c.bytes + c.len;
        for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
            full_block_decode_fn *fn = full_block_decoder_for(isas[a]);
            if (fn == NULL)
                continue;
            uint32_t docs[FULL_BLOCK], tfs[FULL_BLOCK];
            uint64_t sum;
            cr_assert_eq(fn(c.bytes, end, end, c.widths, 1000 + (uint32_t)t, docs, tfs, &sum), 0);
            cr_assert_arr_eq(docs, want_docs, sizeof docs);
            cr_assert_eq(sum, want_sum);
            for (unsigned i = 0; i < FULL_BLOCK; i++)
                cr_assert_eq(tfs[i], freqs[i] + 1);
            cr_assert_eq(fn(c.bytes, end - 1, end, c.widths, 0, docs, tfs, &sum), -1);
            cr_assert_eq(fn(c.bytes, end + 1, end + 1, c.widths, 0, docs, tfs, &sum), -1,
                         "a byte left over");
            cr_assert_eq(fn(c.bytes, end, end, c.widths, UINT32_MAX - 100, docs, tfs, &sum), -1,
                         "docs past 2^32");
        }
    }
}

/* Width bytes and areas no writer makes: refused alike, or decoded alike
 * (an index repeated adds both high parts, in the gaps as in the frequencies). */
Test(full_block, damaged_blocks_decode_alike)
{
    struct coded c;
    memset(c.bytes, 0, sizeof c.bytes);
    /* gaps: base 0, two exceptions at index 5 (high parts 39 and 9, 6 bits);
     * frequencies: base 0, the same area */
    const uint8_t area[] = { 2, 6, 5, 5, 0x67, 0x02 };
    memcpy(c.bytes, area, sizeof area);
    memcpy(c.bytes + sizeof area, area, sizeof area);
    c.widths[0] = c.widths[1] = PFOR_PATCHED;
    uint32_t docs[FULL_BLOCK], tfs[FULL_BLOCK];
    uint64_t sum;
    cr_assert_eq(decode_all(&c, 2 * sizeof area, 0, 0, docs, tfs, &sum), 0);
    cr_assert_eq(docs[5], 5 + 48, "39 + 9 (39 | 9 is 47)");
    cr_assert_eq(tfs[5], 49);
    cr_assert_eq(sum, FULL_BLOCK + 48);
    c.widths[1] = 0x40; /* bit 6 */
    cr_assert_eq(decode_all(&c, 2 * sizeof area, 0, 0, docs, tfs, &sum), -1);
    c.widths[1] = 33;
    cr_assert_eq(decode_all(&c, 2 * sizeof area, 0, 0, docs, tfs, &sum), -1);
    c.widths[1] = PFOR_PATCHED;
    c.bytes[sizeof area + 1] = 33; /* a high width past 32 - b */
    cr_assert_eq(decode_all(&c, 2 * sizeof area, 0, 0, docs, tfs, &sum), -1);
}

/* Nothing after a block is read when nothing after it may be: every block
 * unpacker and decoder runs on blocks that end where an unreadable page
 * begins (a read past the end would crash), at every width. */
Test(full_block, no_byte_after_the_block_is_read)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *area = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(area, MAP_FAILED);
    cr_assert_eq(mprotect(area + page, page, PROT_NONE), 0);
    state = 0x9E3779B97F4A7C15ull;
    for (unsigned w = 1; w <= 32; w++) {
        unsigned tw = w * 7 % 32 + 1; /* the frequencies' width, another each time */
        uint32_t gaps[FULL_BLOCK], freqs[FULL_BLOCK], want[FULL_BLOCK], got[FULL_BLOCK];
        for (unsigned i = 0; i < FULL_BLOCK; i++) {
            gaps[i] = next_random() >> (32 - w);
            freqs[i] = (next_random() & 0xFFFF) >> (tw >= 16 ? 0 : 16 - tw);
        }
        uint8_t *packed = area + page - bitpack_size(w);
        bitpack_pack128(gaps, w, packed);
        bitpack_unpack128(packed, w, want);
        for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
            bitpack_unpack_fn *fn = bitpack_unpacker_for(isas[a]);
            if (fn != NULL) {
                fn(packed, w, got);
                cr_assert_arr_eq(got, want, sizeof got, "unpacker %zu, %u bits", a, w);
            }
        }
        struct coded c;
        code(&c, gaps, freqs, (uint8_t)w, (uint8_t)tw);
        uint8_t *block = area + page - c.len;
        memcpy(block, c.bytes, c.len);
        uint32_t docs[FULL_BLOCK], tfs[FULL_BLOCK], d[FULL_BLOCK], t[FULL_BLOCK];
        uint64_t sum, s;
        const uint8_t *end = block + c.len;
        int rc = full_block_decode_scalar(block, end, end, c.widths, 3, docs, tfs, &sum);
        for (size_t a = 0; a < sizeof isas / sizeof *isas; a++) {
            full_block_decode_fn *fn = full_block_decoder_for(isas[a]);
            if (fn == NULL)
                continue;
            cr_assert_eq(fn(block, end, end, c.widths, 3, d, t, &s), rc, "isa %zu, %u bits", a, w);
            if (rc == 0)
                cr_assert(memcmp(d, docs, sizeof d) == 0 && memcmp(t, tfs, sizeof t) == 0 &&
                              s == sum,
                          "isa %zu, %u and %u bits", a, w, tw);
        }
    }
    munmap(area, 2 * page);
}
