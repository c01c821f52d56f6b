/* store_held: blocks held as they are or packed read back the same bytes,
 * in order, pieces joined; packed, they take fewer bytes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/store_held.h"

/* Block b: text that repeats itself, as a store block of records does. */
static size_t make_block(unsigned b, char *out, size_t cap)
{
    size_t n = 0;
    while (n + 64 < cap)
        n += (size_t)snprintf(out + n, cap - n, "Pasal %u ayat %zu: peraturan pemerintah. ", b,
                              n % 97);
    return n;
}

static void hold_and_read(int packed, size_t *held_bytes)
{
    enum { BLOCKS = 40, CAP = 70000 };
    static char block[BLOCKS][CAP];
    size_t len[BLOCKS];
    store_held h;
    store_held_init(&h, packed);
    uint64_t total = 0;
    for (unsigned b = 0; b < BLOCKS; b++) {
        len[b] = make_block(b, block[b], CAP - 1000 * b);
        /* in three pieces, one of them empty */
        struct store_piece p[] = { { block[b], 100 }, { block[b] + 100, 0 },
                                   { block[b] + 100, len[b] - 100 } };
        cr_assert_eq(store_held_add(&h, p, 3, len[b]), 0, "%s", cari_error_last());
        total += len[b];
    }
    cr_assert_eq(h.raw, total);
    *held_bytes = h.bytes.len;
    for (int pass = 0; pass < 2; pass++) { /* read twice, as the sample and the frames do */
        store_held_rewind(&h);
        const uint8_t *data;
        size_t n;
        for (unsigned b = 0; b < BLOCKS; b++) {
            cr_assert_eq(store_held_next(&h, &data, &n), 0, "%s", cari_error_last());
            cr_assert_eq(n, len[b], "block %u: %zu bytes, want %zu", b, n, len[b]);
            cr_assert_eq(memcmp(data, block[b], n), 0, "block %u differs (packed %d)", b, packed);
        }
        cr_assert_eq(store_held_next(&h, &data, &n), CARI_ITEROVER);
    }
    store_held_free(&h);
}

Test(store_held, blocks_read_back_as_they_were_held)
{
    size_t plain, packed;
    hold_and_read(0, &plain);
    hold_and_read(1, &packed);
    cr_assert_lt(packed * 4, plain, "packed %zu bytes, plain %zu", packed, plain);
}

Test(store_held, nothing_held_reads_nothing)
{
    for (int packed = 0; packed < 2; packed++) {
        store_held h;
        store_held_init(&h, packed);
        const uint8_t *data;
        size_t n;
        cr_assert_eq(store_held_next(&h, &data, &n), CARI_ITEROVER);
        cr_assert_eq(h.raw, 0);
        store_held_free(&h);
    }
}
