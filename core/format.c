/* format.c - names of the index sections, for messages. */
#include "core/format.h"

const char *format_section_name(uint32_t id)
{
    static const char *const names[SECTION_MAX + 1] = {
        "?", "META", "FIELDS", "DOC_IDS", "DOC_LENGTHS", "NORMS", "TERM_BLOCKS",
        "TERM_INDEX", "POSTINGS", "POSITIONS", "STORE", "STORE_INDEX", "DOC_RECORDS",
        "STORE_DICT",
    };
    return id <= SECTION_MAX ? names[id] : "?";
}
