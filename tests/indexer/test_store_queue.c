/* The store compressor's thread and its queue: the caller goes on adding
 * blocks while the thread trains the dictionary and compresses the held
 * blocks (more than a few blocks wait then), the queue stays within its
 * bound then and within a smaller one once it has come down, a caller that
 * finds it full compresses blocks itself, and the file is byte for byte
 * the one the caller's thread alone writes. */
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getCParams */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/endian.h"
#include "indexer/file_writer.h"
#include "indexer/store_compressor.h"
#include "tests/common/test_util.h"

#include <zstd.h>

enum { BLOCK_RECORDS = 8, RECORD_BYTES = 4000 };
/* the store's block layout: a count, an offset per record and the end, the records */
enum {
    HEAD_BYTES = 4 + 4 * (BLOCK_RECORDS + 1),
    BLOCK_BYTES = HEAD_BYTES + BLOCK_RECORDS * RECORD_BYTES
};

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* A block of BLOCK_RECORDS records of RECORD_BYTES, in the store's layout,
 * each filled by `word` (which writes at most `room` bytes, returns how many). */
static size_t make_records(uint8_t *out, uint32_t seed,
                           size_t (*word)(uint8_t *dst, size_t room, uint32_t *seed))
{
    size_t at = 0;
    le32_store(out, BLOCK_RECORDS);
    for (unsigned r = 0; r < BLOCK_RECORDS; r++) {
        le32_store(out + 4 + 4 * r, (uint32_t)at);
        for (size_t end = at + RECORD_BYTES; at < end;)
            at += word(out + HEAD_BYTES + at, end - at, &seed);
    }
    le32_store(out + 4 + 4 * BLOCK_RECORDS, (uint32_t)at);
    return HEAD_BYTES + at;
}

/* Words drawn from a small vocabulary (what a dictionary can learn). */
static size_t common_word(uint8_t *dst, size_t room, uint32_t *seed)
{
    static const char *const words[] = { "pemerintah ", "menyampaikan ", "anggaran ", "tahun ",
                                         "pendidikan ", "Jakarta ", "presiden ", "undang-undang " };
    const char *w = words[next_rand(seed) % 8];
    size_t n = strlen(w) < room ? strlen(w) : room;
    memcpy(dst, w, n);
    return n;
}

static size_t make_block(unsigned b, uint8_t *out)
{
    return make_records(out, 7 + b, common_word);
}

struct queue_peaks {
    size_t training, steady;
    int came_down; /* the bound came down to its steady value */
    size_t helped; /* frames the caller compressed */
};

/* The budget of a writer that gives the store all it asks for. */
#define LARGE_BUDGET ((size_t)1 << 30)

/* Writes `nblocks` blocks through a compressor, threaded or not, under a
 * writer's memory budget, as fast as they are made (faster than the thread
 * compresses them), and returns the file's bytes and the most bytes that
 * waited in the queue. */
static char *compress_blocks(const char *path, unsigned nblocks, int threaded, size_t memory,
                             int help_always, size_t *len, struct queue_peaks *peaks)
{
    static uint8_t block[BLOCK_BYTES];
    file_writer fw;
    store_compressor sc;
    cr_assert_eq(file_writer_open(&fw, path), 0, "%s", cari_error_last());
    file_writer_begin(&fw, SECTION_STORE);
    cr_assert_eq(store_compressor_init(&sc, 3, sizeof block, threaded, memory, &fw), 0);
    sc.help_always = help_always;
    for (unsigned b = 0; b < nblocks; b++) {
        size_t n = make_block(b, block);
        struct store_piece whole = { block, n };
        cr_assert_eq(store_compressor_add(&sc, &whole, 1, n), 0, "%s", cari_error_last());
    }
    cr_assert_eq(store_compressor_finish(&sc), 0, "%s", cari_error_last());
    file_writer_end(&fw);
    store_compressor_write_sections(&sc, &fw);
    *peaks = (struct queue_peaks){ sc.peak_queued, sc.peak_steady,
                                   sc.queue_bound == ((size_t)4 << 20), sc.helped };
    cr_assert_not_null(sc.cdict, "a dictionary was trained");
    store_compressor_free(&sc);
    cr_assert_eq(file_writer_commit(&fw), 0, "%s", cari_error_last());
    char *bytes = test_read_file(path, len);
    cr_assert_not_null(bytes);
    return bytes;
}

/* Asserts the two files' bytes are the same, then frees them and the folder. */
static void assert_same_and_free(char *alone, size_t n1, char *other, size_t n2, const char *what,
                                 char *dir, char *path)
{
    cr_assert_eq(n1, n2, "%zu bytes %s, %zu alone", n2, what, n1);
    cr_assert_eq(memcmp(alone, other, n1), 0, "the bytes differ (%s)", what);
    free(alone);
    free(other);
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(store_queue, the_caller_goes_on_while_the_thread_trains_then_the_bound_comes_down,
     .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    size_t block = BLOCK_BYTES;
    /* the held bytes, then twice as many: the training starts after the
     * first third, the bound has come down by the end (it comes down as the
     * thread takes blocks, whoever compressed them) */
    unsigned nblocks = (unsigned)(3 * STORE_HELD_BYTES / block);
    size_t n1, n2;
    struct queue_peaks p1, p2;
    char *alone = compress_blocks(path, nblocks, 0, LARGE_BUDGET, 0, &n1, &p1);
    char *threaded = compress_blocks(path, nblocks, 1, LARGE_BUDGET, 0, &n2, &p2);
    cr_assert_eq(p1.training + p1.steady, 0, "nothing is queued without the thread");
    /* while the thread trained, more than the steady bound waited: the
     * caller went on under the training bound (how much more depends on how
     * soon the caller starts compressing blocks itself, once the dictionary
     * is there) */
    cr_assert_gt(p2.training, ((size_t)4 << 20) + block, "%zu bytes waited at most",
                 p2.training);
    /* a full queue, once the thread has its dictionary, takes the caller's
     * frames up to a quarter of the bound beyond it */
    cr_assert_leq(p2.training, STORE_HELD_BYTES + STORE_HELD_BYTES / 4 + block,
                  "%zu bytes waited", p2.training);
    /* even though the thread never got ahead of the caller (whether blocks
     * still wait once it is down depends on who is faster, so only its
     * bound is checked) */
    cr_assert(p2.came_down);
    cr_assert_leq(p2.steady, ((size_t)5 << 20) + block, "%zu bytes waited", p2.steady);
    cr_assert_eq(p1.helped, 0);
    assert_same_and_free(alone, n1, threaded, n2, "threaded", dir, path);
}

/* Under a small memory budget the held blocks are packed and an eighth of
 * the budget is queued while the thread trains, on one thread or two; the
 * bytes stay those of a large budget. */
Test(store_queue, a_small_budget_packs_the_held_blocks_and_bounds_the_queue_same_bytes,
     .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    size_t block = BLOCK_BYTES, budget = (size_t)64 << 20;
    unsigned nblocks = (unsigned)(2 * STORE_HELD_BYTES / block);
    size_t n1, n2, n3;
    struct queue_peaks p1, p2, p3;
    char *alone = compress_blocks(path, nblocks, 0, LARGE_BUDGET, 0, &n1, &p1);
    char *packed = compress_blocks(path, nblocks, 0, budget, 0, &n2, &p2);
    char *small = compress_blocks(path, nblocks, 1, budget, 0, &n3, &p3);
    cr_assert_leq(p3.training, budget / 8 + budget / 32 + block, "%zu bytes waited", p3.training);
    cr_assert_eq(n1, n2, "%zu bytes packed, %zu not", n2, n1);
    cr_assert_eq(memcmp(alone, packed, n1), 0, "packing the held blocks changed the bytes");
    free(packed);
    assert_same_and_free(alone, n1, small, n3, "threaded under a small budget", dir, path);
}

/* A caller that compresses every block it may once the dictionary is
 * trained (help_always; otherwise only when the queue is full, which depends
 * on who is faster) writes, through the thread, the bytes of a single
 * thread: its own context, the same calls, the same dictionary. The blocks
 * past the held ones and a full training queue are all the caller's. */
Test(store_queue, frames_the_caller_compresses_are_the_bytes_of_one_thread, .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    size_t block = BLOCK_BYTES;
    unsigned nblocks = (unsigned)(3 * STORE_HELD_BYTES / block);
    size_t n1, n2;
    struct queue_peaks p1, p2;
    char *alone = compress_blocks(path, nblocks, 0, LARGE_BUDGET, 0, &n1, &p1);
    char *helped = compress_blocks(path, nblocks, 1, LARGE_BUDGET, 1, &n2, &p2);
    cr_assert_eq(p1.helped, 0);
    cr_assert_geq(p2.helped, nblocks - 2 * STORE_HELD_BYTES / block - 2, "%zu of %u blocks",
                  p2.helped, nblocks);
    assert_same_and_free(alone, n1, helped, n2, "helped", dir, path);
}

/* The search for a block and a dictionary: greedy at level 4, not zstd's
 * dfast for an input of block and dictionary together; 6-byte matches, a row
 * search of 32 and a 2^18 hash table from greedy to lazy2 only (deeper than
 * zstd's own, never shallower); a window over the dictionary and the block. */
Test(store_queue, block_parameters_reach_the_dictionary_with_six_byte_matches)
{
    struct store_params p;
    store_block_params(4, 128 << 10, STORE_DICT_BYTES, &p);
    cr_assert_eq(p.strategy, ZSTD_greedy);
    cr_assert_eq(p.min_match, 6);
    cr_assert_geq((size_t)1 << p.window_log, STORE_DICT_BYTES + (128 << 10), "window 2^%u",
                  p.window_log);
    ZSTD_compressionParameters own = ZSTD_getCParams(4, (size_t)256 << 10, 0);
    cr_assert_lt(own.searchLog, 5, "zstd's own search is the shallower one");
    cr_assert_eq(p.search_log, 5);
    cr_assert_eq(p.hash_log, 18);
    cr_assert_eq(p.chain_log, own.chainLog);
    cr_assert_eq(p.target_length, own.targetLength);
    store_block_params(1, 128 << 10, STORE_DICT_BYTES, &p);
    ZSTD_compressionParameters fast = ZSTD_getCParams(1, (size_t)256 << 10, 0);
    cr_assert_eq(p.strategy, ZSTD_fast);
    cr_assert_eq(p.min_match, fast.minMatch);
    cr_assert_eq(p.search_log, fast.searchLog);
    cr_assert_eq(p.hash_log, fast.hashLog);
    store_block_params(19, 128 << 10, STORE_DICT_BYTES, &p);
    ZSTD_compressionParameters opt = ZSTD_getCParams(19, (size_t)256 << 10, 0);
    cr_assert_eq(p.min_match, opt.minMatch);
    cr_assert_lt(p.min_match, 6, "the optimal parsers keep their short matches");
    cr_assert_eq(p.search_log, opt.searchLog);
    cr_assert_eq(p.hash_log, opt.hashLog);
}

/* Words of a vocabulary of 4096, drawn at random, and a space. */
static size_t varied_word(uint8_t *dst, size_t room, uint32_t *seed)
{
    uint32_t word = next_rand(seed) % 4096, letters = word;
    size_t n = 0;
    for (unsigned i = 0; i < 3 + word % 7 && n < room; i++, letters = letters * 7 + 3)
        dst[n++] = (uint8_t)('a' + letters % 26);
    if (n < room)
        dst[n++] = ' ';
    return n;
}

static size_t make_varied_block(unsigned b, uint8_t *out)
{
    return make_records(out, 99 + b, varied_word);
}

/* A varied sample fills the dictionary: STORE_DICT_BYTES of it. */
Test(store_queue, a_varied_sample_gives_a_dictionary_of_full_size, .timeout = 120)
{
    static uint8_t block[BLOCK_BYTES];
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    file_writer fw;
    store_compressor sc;
    cr_assert_eq(file_writer_open(&fw, path), 0, "%s", cari_error_last());
    file_writer_begin(&fw, SECTION_STORE);
    cr_assert_eq(store_compressor_init(&sc, 4, sizeof block, 0, LARGE_BUDGET, &fw), 0);
    for (unsigned b = 0; b <= STORE_HELD_BYTES / sizeof block; b++) {
        size_t n = make_varied_block(b, block);
        struct store_piece whole = { block, n };
        cr_assert_eq(store_compressor_add(&sc, &whole, 1, n), 0, "%s", cari_error_last());
    }
    cr_assert_eq(store_compressor_finish(&sc), 0, "%s", cari_error_last());
    cr_assert_not_null(sc.cdict);
    cr_assert_eq(sc.dict.len, STORE_DICT_BYTES, "a dictionary of %zu bytes", sc.dict.len);
    store_compressor_free(&sc);
    file_writer_abort(&fw);
    test_rmtree(dir);
    free(path);
    free(dir);
}

/* Writes blocks of one record of `record_bytes` varied words each, past the
 * held ones (so that the later ones are framed as they come, with the
 * dictionary), every block handed over in `npieces` pieces (its head, then
 * equal parts of the record), without the thread; returns the file's bytes. */
static char *compress_in_pieces(const char *path, size_t record_bytes, unsigned npieces,
                                size_t *len)
{
    unsigned nblocks = (unsigned)(STORE_HELD_BYTES / record_bytes) + 3;
    uint8_t *block = malloc(12 + record_bytes);
    cr_assert_not_null(block);
    file_writer fw;
    store_compressor sc;
    cr_assert_eq(file_writer_open(&fw, path), 0, "%s", cari_error_last());
    file_writer_begin(&fw, SECTION_STORE);
    cr_assert_eq(store_compressor_init(&sc, 4, 128 << 10, 0, LARGE_BUDGET, &fw), 0);
    for (uint32_t b = 0, seed = 5; b < nblocks; b++) {
        le32_store(block, 1);
        le32_store(block + 4, 0);
        le32_store(block + 8, (uint32_t)record_bytes);
        for (size_t at = 0; at < record_bytes;)
            at += varied_word(block + 12 + at, record_bytes - at, &seed);
        struct store_piece pieces[4] = { { block, 12 + record_bytes } };
        if (npieces > 1) {
            size_t part = record_bytes / (npieces - 1);
            pieces[0].len = 12;
            for (unsigned i = 1; i < npieces; i++)
                pieces[i] = (struct store_piece){ block + 12 + (i - 1) * part,
                                                  i + 1 < npieces ? part
                                                                  : record_bytes - (i - 1) * part };
        }
        cr_assert_eq(store_compressor_add(&sc, pieces, npieces, 12 + record_bytes), 0, "%s",
                     cari_error_last());
    }
    cr_assert_eq(store_compressor_finish(&sc), 0, "%s", cari_error_last());
    file_writer_end(&fw);
    store_compressor_write_sections(&sc, &fw);
    store_compressor_free(&sc);
    cr_assert_eq(file_writer_commit(&fw), 0, "%s", cari_error_last());
    free(block);
    char *bytes = test_read_file(path, len);
    cr_assert_not_null(bytes);
    return bytes;
}

/* A frame is the same bytes whether its block comes whole (the thread's
 * copy) or in pieces (the records of the docstore at -j 1, or of a caller
 * that compresses a block itself): with a dictionary and frames of a few
 * MiB, zstd reading one whole piece in place (its stable input) gave other
 * bytes, and builds of documents of a few MB differed between -j 1 and
 * -j 2, and from run to run at -j 2. */
Test(store_queue, a_frame_larger_than_the_window_is_the_same_bytes_whole_or_in_pieces,
     .timeout = 120)
{
    char *dir = test_tmpdir(), *path = test_path(dir, "s.cari");
    size_t n1, n3, record = (size_t)4 << 20;
    char *whole = compress_in_pieces(path, record, 1, &n1);
    char *pieces = compress_in_pieces(path, record, 3, &n3);
    assert_same_and_free(whole, n1, pieces, n3, "in three pieces", dir, path);
}
