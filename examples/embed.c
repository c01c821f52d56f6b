/* embed.c - libcari in another program: index two documents, search them,
 * print the best hit with its snippet. Build against the installed library:
 *     cc embed.c $(pkg-config --cflags --libs cari) -o embed
 * Usage: embed INDEX_PATH  (the index is written there, then searched) */
#include <stdio.h>
#include <string.h>

#include <cari.h>

static int fail(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, cari_error_last());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed INDEX_PATH\n");
        return 2;
    }
    static const char *const texts[2] = {
        "Pasukan Rusia merebut kembali wilayah Kursk.",
        "Pemerintah menegaskan anggaran pendidikan naik tahun depan.",
    };
    cari_writer *w;
    if (cari_writer_open(&w, argv[1], NULL) != 0)
        return fail("open writer");
    for (int i = 0; i < 2; i++) {
        char id[8];
        snprintf(id, sizeof id, "doc%d", i + 1);
        cari_field f = { "text", texts[i], strlen(texts[i]) };
        if (cari_writer_add(w, id, strlen(id), &f, 1) != 0)
            return fail("add");
    }
    if (cari_writer_commit(w) != 0)
        return fail("commit");
    cari_writer_free(w);

    cari_index *ix;
    cari_query *q;
    cari_results *r;
    const char *text = "anggaran pendidikan";
    if (cari_index_open(&ix, argv[1], 0) != 0)
        return fail("open index");
    if (cari_query_parse(&q, ix, text, strlen(text), 0) != 0)
        return fail("parse");
    if (cari_search(&r, q, NULL) != 0)
        return fail("search");
    for (size_t i = 0; i < cari_results_count(r); i++) {
        uint32_t doc = cari_results_doc(r, i);
        cari_document *d;
        char *snippet;
        if (cari_document_get(&d, ix, doc) != 0 || cari_snippet(&snippet, NULL, q, d, NULL) != 0)
            return fail("document");
        char id[CARI_ID_MAX + 1];
        if (cari_index_doc_id(ix, doc, id, sizeof id, NULL) != 0)
            return fail("id");
        printf("%s %.3f %s\n", id, cari_results_score(r, i), snippet);
        cari_free(snippet);
        cari_document_free(d);
    }
    cari_results_free(r);
    cari_query_free(q);
    cari_index_close(ix);
    return 0;
}
