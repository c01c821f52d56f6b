/* fuzz_query_parse.c - the query parser on arbitrary strings, each query then
 * searched on a small sound index built once per process: parsing either
 * succeeds or names a syntax error, and search never reports damage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cari.h"
#include "tests/fuzz/fuzz_search.h"
#include "tests/fuzz/fuzz_target.h"

static const cari_field docs[][2] = {
    { { "title", "Kim Jong-un menegaskan", 22 },
      { "text", "Kim Jong Un menyampaikan pesan pada 28/4/2025 di Pyongyang.", 59 } },
    { { "title", "Anggaran pendidikan", 19 },
      { "text", "Pemerintah menegaskan anggaran pendidikan naik 10.000 rupiah, teman-teman.", 74 } },
    { { "title", "Kursk", 5 },
      { "text", "Gerasimov dan Trump berbicara tentang Kursk. Mereka disampaikan sampai 2,5 jam.", 79 } },
};

/* Builds the index in a fresh folder and keeps only its mapping open. */
static cari_index *build_index(void)
{
    char dir[] = "/tmp/cari-fuzz-XXXXXX", path[64];
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/q.cari", dir);
    cari_writer *w;
    cari_index *ix;
    if (cari_writer_open(&w, path, NULL) != 0)
        abort();
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        char id[8];
        snprintf(id, sizeof id, "d%zu", i);
        if (cari_writer_add(w, id, strlen(id), docs[i], 2) != 0)
            abort();
    }
    if (cari_writer_commit(w) != 0 || cari_index_open(&ix, path, CARI_OPEN_VERIFY) != 0)
        abort();
    cari_writer_free(w);
    unlink(path);
    rmdir(dir);
    return ix;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cari_index *ix; /* one per process, released at exit */
    if (ix == NULL)
        ix = build_index();
    /* both ways of combining side-by-side words (they group differently, so
     * one may be refused where the other is not: "-a NOT b c") */
    fuzz_search(ix, (const char *)data, size, 0, 1);
    fuzz_search(ix, (const char *)data, size, CARI_QUERY_AND, 1);
    return 0;
}
