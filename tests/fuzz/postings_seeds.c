/* postings_seeds.c - writes seeds for fuzz_postings_decode: real encodings
 * (by the indexer's postings_encode and positions_encode) of a tail-only list, one full block, and
 * blocks with a tail, with varied frequencies and their positions.
 * Usage: fuzz_postings_seeds FOLDER */
#include <stdio.h>
#include <stdlib.h>

#include "cari.h"
#include "core/block_best.h"
#include "core/block_cover.h"
#include "core/buf.h"
#include "core/endian.h"
#include "indexer/positions_writer.h"
#include "indexer/postings_writer.h"
#include "tests/fuzz/fuzz_postings_decode.h"

/* Documents i * step, frequencies 1 + i % tf_mod; with a spike, every spike-th
 * document 500 further on and 30 more frequent: PFor exceptions in both. */
static int write_seed(const char *dir, const char *name, uint32_t ndocs, uint32_t df,
                      uint32_t step, uint32_t tf_mod, uint32_t spike)
{
    uint32_t *docs = malloc(sizeof *docs * df), *tfs = malloc(sizeof *tfs * df);
    uint64_t *starts = malloc(sizeof *starts * df);
    uint8_t *norms = calloc(ndocs, 1);
    uint32_t *lengths = malloc(sizeof *lengths * ndocs); /* by record: here the doc itself */
    struct merged_posting *merged = malloc(sizeof *merged * df);
    const struct merged_posting **live = malloc(sizeof *live * df);
    struct positions_scratch ps = { NULL, NULL, 0 };
    buf post = BUF_INIT, scratch = BUF_INIT, pos = BUF_INIT, varints = BUF_INIT;
    if (docs == NULL || tfs == NULL || starts == NULL || norms == NULL || merged == NULL ||
        live == NULL || lengths == NULL)
        return -1;
    for (uint32_t d = 0; d < ndocs; d++)
        lengths[d] = FUZZ_DOC_LENGTH;
    for (uint32_t i = 0; i < df; i++) {
        docs[i] = i * step + (spike > 0 ? i / spike * 500 : 0);
        tfs[i] = 1 + i % tf_mod + (spike > 0 && i % spike == spike - 1 ? 30 : 0);
        starts[i] = varints.len; /* the indexer's varint deltas, the first the position itself */
        for (uint32_t k = 0; k < tfs[i]; k++)
            buf_varint(&varints, k == 0 ? i % 7 : 1 + k);
        norms[docs[i]] = (uint8_t)(i % 120);
    }
    for (uint32_t i = 0; i < df; i++) {
        size_t end = i + 1 < df ? starts[i + 1] : varints.len;
        merged[i] = (struct merged_posting){ docs[i], tfs[i], varints.data + starts[i],
                                             (size_t)(end - starts[i]) };
        live[i] = &merged[i];
    }
    uint64_t pos_len;
    int rc = varints.rc != 0 ? varints.rc : positions_encode(&pos, &ps, live, df, lengths, starts,
                                                                  &pos_len);
    struct term_postings p = { docs, tfs, starts, df, ndocs };
    float length_factor[256];
    block_cover_length_factors(length_factor, BM25_DEFAULT_K1, BM25_DEFAULT_B, FUZZ_DOC_LENGTH);
    uint16_t *best = malloc(sizeof *best * ((df + 127) / 128));
    if (best == NULL)
        rc = CARI_ENOMEM;
    else if (df >= 128)
        block_best_values(best, docs, tfs, df, NULL, NULL, 0, norms, length_factor);
    if (rc == 0)
        rc = postings_encode(&post, &scratch, &p, norms, length_factor, best);
    free(best);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = rc == 0 ? fopen(path, "wb") : NULL;
    uint8_t head[FUZZ_POSTINGS_HEADER];
    le32_store(head, ndocs);
    le32_store(head + 4, df);
    le32_store(head + 8, (uint32_t)post.len);
    if (f == NULL || fwrite(head, 1, sizeof head, f) != sizeof head ||
        fwrite(post.data, 1, post.len, f) != post.len || fwrite(pos.data, 1, pos.len, f) != pos.len)
        rc = CARI_ENOMEM;
    if (f != NULL && fclose(f) != 0)
        rc = CARI_ENOMEM;
    buf_free(&post);
    buf_free(&scratch);
    buf_free(&pos);
    buf_free(&varints);
    positions_scratch_free(&ps);
    free(live);
    free(merged);
    free(lengths);
    free(norms);
    free(starts);
    free(tfs);
    free(docs);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_postings_seeds FOLDER\n");
        return 2;
    }
    const char *dir = argv[1];
    if (write_seed(dir, "seed-tail-3", 10, 3, 3, 2, 0) != 0 ||
        write_seed(dir, "seed-block-128", 128, 128, 1, 1, 0) != 0 ||
        write_seed(dir, "seed-blocks-300-tf", 1000, 300, 3, 5, 0) != 0 ||
        write_seed(dir, "seed-blocks-260-sparse", 70000, 260, 250, 40, 0) != 0 ||
        write_seed(dir, "seed-blocks-300-exceptions", 5000, 300, 2, 3, 37) != 0) {
        fprintf(stderr, "fuzz_postings_seeds: cannot write the seeds in %s\n", dir);
        return 1;
    }
    return 0;
}
