/* format.h - the constants of the index format; docs/FORMAT.md is the prose. */
#ifndef CARI_CORE_FORMAT_H
#define CARI_CORE_FORMAT_H

#include <stdint.h>

#define FORMAT_MAGIC "\x89" "CARI\r\n\x1a"
#define FORMAT_FOOTER_MAGIC "cEND"

enum {
    FORMAT_VERSION = 8, /* 8: full blocks PFor-coded at the base of least bytes plus one
                           per exception (pfor_choose), which verify holds the writer to;
                           7: skip entries with their word's best saturation (core/block_best.h);
                           6: skip entries with a block's three-pair cover (core/block_cover.h);
                           5: DOC_IDS front-coded in blocks; 4: no key for the exact form of an inflected token,
                           every term has positions; full postings blocks PFor-coded
                           (a base width and exceptions); 3: a smaller dictionary entry,
                           singletons inline, narrower skip
                           entries, Rice-coded tails; POSITIONS with a k per document from its
                           length; 2: POSITIONS Rice-coded, none for inflected exact keys;
                           STORE_DICT */
    FORMAT_HEADER_SIZE = 64,
    FORMAT_FOOTER_SIZE = 16,
    FORMAT_TABLE_ENTRY_SIZE = 32,
    FORMAT_ALIGN = 8,

    FORMAT_TERMS_PER_BLOCK = 16,
    /* DOC_IDS: ids front-coded in blocks of 16 (reading one decodes at most
     * 15 before it), each 1 to FORMAT_MAX_ID bytes (CARI_ID_MAX in cari.h). */
    FORMAT_IDS_PER_BLOCK = 16,
    FORMAT_MAX_ID = 1024,
    FORMAT_POSTINGS_BLOCK = 128,
    /* A skip entry: three fields of 1-4 bytes (widths in the term's first
     * byte), then max_tf, min_norm, the PFor width bytes (core/pfor.h) of
     * the doc gaps and the frequencies, and the rest of the block's cover
     * (core/block_cover.h): its first two frequencies, its last two norms,
     * a byte each; then the best saturation of its word over its range
     * (core/block_best.h), 2 bytes. */
    FORMAT_SKIP_FIXED = 10,
    FORMAT_SKIP_MAX_TF = 255, /* a block max_tf byte of 255: 255 or more, the term's max_tf bounds it */

    /* Keys: a term of at most FORMAT_MAX_TERM bytes, plus the namespace byte. */
    FORMAT_MAX_TERM = 128,
    FORMAT_MAX_KEY = FORMAT_MAX_TERM + 1,
    FORMAT_ROOT_MARK = 0x01,
    FORMAT_KEY_ESCAPE = 0xF0, /* a TERM_BLOCKS key byte: shared and suffix lengths follow as varints */

    FORMAT_FIELD_TITLE = 0,
    FORMAT_FIELD_TEXT = 1,

    /* The decompressed size of a store block is checked against this before
     * any memory is allocated for it (a damaged frame header cannot ask for more). */
    FORMAT_MAX_STORE_BLOCK = 1u << 30,
};

enum format_section {
    SECTION_META = 1,
    SECTION_FIELDS = 2,
    SECTION_DOC_IDS = 3,
    SECTION_DOC_LENGTHS = 4,
    SECTION_NORMS = 5,
    SECTION_TERM_BLOCKS = 6,
    SECTION_TERM_INDEX = 7,
    SECTION_POSTINGS = 8,
    SECTION_POSITIONS = 9,
    SECTION_STORE = 10,
    SECTION_STORE_INDEX = 11,
    SECTION_DOC_RECORDS = 12,
    SECTION_STORE_DICT = 13,
    SECTION_MAX = 13
};

/* The name of a section id, for messages ("POSTINGS"). */
const char *format_section_name(uint32_t id);

#endif
