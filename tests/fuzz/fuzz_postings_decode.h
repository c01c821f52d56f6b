/* fuzz_postings_decode.h - the input layout of the postings target, shared
 * with the program that writes its seeds:
 *   ndocs (le32), df (le32), postings_len (le32; with df 1, the document: its
 *   entry holds it), the term's POSTINGS bytes (widths, skip entries and
 *   blocks), then its POSITIONS bytes up to the end;
 *   the bytes after the header also steer which targets the cursor skips to. */
#ifndef CARI_TESTS_FUZZ_POSTINGS_DECODE_H
#define CARI_TESTS_FUZZ_POSTINGS_DECODE_H

enum { FUZZ_POSTINGS_HEADER = 12 };

#endif
