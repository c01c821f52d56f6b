/* fuzz_postings_decode.h - the input layout of the postings target, shared
 * with the program that writes its seeds:
 *   ndocs (le32), df (le32), postings_len (le32; with df 1, the document: its
 *   entry holds it), the term's POSTINGS bytes (widths, skip entries and
 *   blocks), then its POSITIONS bytes up to the end;
 *   the bytes after the header also steer which targets the cursor skips to.
 * Every document is FUZZ_DOC_LENGTH tokens long (its norm: the code of the
 * positions depends on it). */
#ifndef CARI_TESTS_FUZZ_POSTINGS_DECODE_H
#define CARI_TESTS_FUZZ_POSTINGS_DECODE_H

enum { FUZZ_POSTINGS_HEADER = 12, FUZZ_DOC_LENGTH = 1000 };

#endif
