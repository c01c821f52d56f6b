/* index_stats.c - cari_index_stats_get: how the file's bytes divide. */
#include <string.h>

#include "core/error.h"
#include "query/index_reader.h"

int cari_index_stats_get(const cari_index *ix, cari_index_stats *out)
{
    if (ix == NULL || out == NULL || out->version != CARI_INDEX_STATS_VERSION)
        return error_set(CARI_EINVAL, "cari_index_stats_get: set version to %d",
                         CARI_INDEX_STATS_VERSION);
    const struct section_view *s = ix->sec;
    memset(out, 0, sizeof *out);
    out->version = CARI_INDEX_STATS_VERSION;
    out->documents = ix->ndocs;
    out->terms = ix->nterms;
    out->postings = ix->postings;
    out->tokens = ix->tokens;
    out->file_bytes = ix->size;
    out->term_dictionary_bytes = s[SECTION_TERM_BLOCKS].len + s[SECTION_TERM_INDEX].len;
    out->postings_bytes = s[SECTION_POSTINGS].len;
    out->positions_bytes = s[SECTION_POSITIONS].len;
    out->doc_lengths_bytes = s[SECTION_DOC_LENGTHS].len + s[SECTION_NORMS].len;
    out->doc_store_bytes = s[SECTION_STORE].len + s[SECTION_STORE_INDEX].len +
                           s[SECTION_DOC_IDS].len + s[SECTION_DOC_RECORDS].len +
                           s[SECTION_STORE_DICT].len;
    uint64_t counted = out->term_dictionary_bytes + out->postings_bytes + out->positions_bytes +
                       out->doc_lengths_bytes + out->doc_store_bytes;
    out->other_bytes = ix->size - counted;
    return 0;
}
