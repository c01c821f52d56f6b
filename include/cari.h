/*
 * cari.h - full-text search for Indonesian text.
 *
 * The one public header of libcari. The two tools, cari-index and cari-query,
 * use nothing else, so anything they do an embedding program can do too.
 *
 * Conventions
 * - Functions return an int: 0 (CARI_OK) on success, a negative CARI_E* code on
 *   failure. cari_strerror(rc) names the code; cari_error_last() gives the
 *   message of the last failure in the calling thread (file, line, byte, term...).
 * - Out-parameters come first. An object returned through `**out` belongs to
 *   the caller and is released with the matching _free/_close function, which
 *   accepts NULL. On failure `*out` is set to NULL.
 * - Pointers returned by getters are borrowed: each getter says how long they
 *   stay valid. Strings are UTF-8; lengths are in bytes.
 * - An open cari_index may be shared by any number of threads. Every other
 *   object (writer, source, query, results, document) is used by one thread at
 *   a time.
 * - The library never prints, never exits and has no global mutable state
 *   (the last-error message is thread-local).
 */
#ifndef CARI_H
#define CARI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CARI_API __attribute__((visibility("default")))
#else
#define CARI_API
#endif

#define CARI_VERSION_MAJOR 0
#define CARI_VERSION_MINOR 1
#define CARI_VERSION_PATCH 0
#define CARI_VERSION_STRING "0.1.0"

/** The library's version string at run time ("0.1.0"). */
CARI_API const char *cari_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

enum {
    CARI_OK = 0,
    CARI_ENOMEM = -1,    /**< out of memory */
    CARI_EIO = -2,       /**< a read, write, sync or rename failed (errno in the message) */
    CARI_EINVAL = -3,    /**< a bad argument from the caller */
    CARI_ENOTFOUND = -4, /**< no such file, document or field */
    CARI_ECORRUPT = -5,  /**< the index file is damaged: a checksum or a bound does not hold */
    CARI_EVERSION = -6,  /**< the index was written by an unknown format or analyzer version */
    CARI_ESYNTAX = -7,   /**< the query is malformed */
    CARI_EINPUT = -8,    /**< an input document is malformed (bad JSON, missing id...) */
    CARI_ELIMIT = -9,    /**< a size limit was exceeded (documents, term length...) */
    CARI_ITEROVER = -10  /**< an iteration is over; not a failure */
};

/** A short constant name for a return code ("index is corrupt"). */
CARI_API const char *cari_strerror(int rc);

/** The message of the last failure in this thread; "" if none. Valid until the
 *  next failing call in the same thread. */
CARI_API const char *cari_error_last(void);

/** Releases memory that a cari_ function handed to the caller as `char **out`. */
CARI_API void cari_free(void *p);

/* ------------------------------------------------------------------------ */
/* Documents: a view of named fields                                        */
/* ------------------------------------------------------------------------ */

/** One field of a document. "title" and "text" are analysed and searchable;
 *  any other field is stored and returned, not searched. Values are UTF-8
 *  (invalid bytes are replaced by U+FFFD when stored). */
typedef struct cari_field {
    const char *name;
    const char *value;
    size_t value_len;
} cari_field;

/* ------------------------------------------------------------------------ */
/* Sources: reading documents from files                                    */
/* ------------------------------------------------------------------------ */

typedef struct cari_source cari_source;

/** Opens a document source. `path` is one of:
 *  - a folder: every *.txt and *.txt.zst file below it, in byte order of
 *    their paths; the id is the path relative to the folder without the
 *    extension; the first line is the title when it looks like a heading
 *    (short, no closing punctuation) rather than a paragraph;
 *  - a JSON Lines file (*.jsonl, *.json, *.ndjson, or anything else that is
 *    not a folder), optionally zstd-compressed (*.zst): one object per line with
 *    a string "id" (an integer is taken as its decimal text), optional string
 *    "title" and "text"; every other string field is stored; fields of other
 *    types are skipped;
 *  - "-": JSON Lines on standard input (zstd-compressed input is detected).
 *  Malformed input makes cari_source_next fail with CARI_EINPUT and a message
 *  naming the file, line and byte. */
CARI_API int cari_source_open(cari_source **out, const char *path);

/** Reads the next document. On success `*id` and `*fields` point into the
 *  source and stay valid until the next call to cari_source_next or
 *  cari_source_close. Returns CARI_ITEROVER after the last document. */
CARI_API int cari_source_next(cari_source *src, const char **id, size_t *id_len,
                              const cari_field **fields, size_t *nfields);

/** How far the source has got, for progress lines: `bytes_read` of the input
 *  files so far against their `bytes_total` size (0 when unknown, e.g. on a
 *  pipe), and `bytes_decoded`, the input bytes after decompression. Any
 *  pointer may be NULL. */
CARI_API void cari_source_progress(const cari_source *src, uint64_t *bytes_read,
                                   uint64_t *bytes_total, uint64_t *bytes_decoded);

/** Where the source is, for messages about the current document: "x.jsonl:17"
 *  (file and line) or the path of a text file. Borrowed until the next call. */
CARI_API const char *cari_source_location(const cari_source *src);

CARI_API void cari_source_close(cari_source *src);

/* ------------------------------------------------------------------------ */
/* Analysis                                                                 */
/* ------------------------------------------------------------------------ */

/** Token flags. */
enum {
    CARI_TOKEN_CAPITALIZED = 1 << 0, /**< first letter upper case */
    CARI_TOKEN_ALLCAPS = 1 << 1,     /**< two or more letters, all upper case */
    CARI_TOKEN_NUMBER = 1 << 2,      /**< digits (with separators) only */
    CARI_TOKEN_PART = 1 << 3,        /**< one part of a hyphenated word or date */
    CARI_TOKEN_WHOLE = 1 << 4,       /**< the whole of a hyphenated word or date, at its first part's position */
    CARI_TOKEN_REDUPLICATED = 1 << 5, /**< a reduplication folded to its base (teman-teman) */
    CARI_TOKEN_SENTENCE_START = 1 << 6 /**< first token, or the first after . ! ? or a line break */
};

/** One token as the analyzer hands it to the index. Pointers are valid only
 *  during the callback. `exact` is the folded surface form (lower case, no
 *  diacritics); `root` is the stemmed form, equal to `exact` when stemming
 *  changed nothing. `start`/`end` are byte offsets of the surface in the input. */
typedef struct cari_token {
    uint32_t position;
    unsigned flags;
    size_t start, end;
    const char *exact;
    size_t exact_len;
    const char *root;
    size_t root_len;
} cari_token;

/** Return 0 to go on; any other value stops the analysis and is returned. */
typedef int (*cari_token_fn)(const cari_token *token, void *payload);

typedef struct cari_analyzer cari_analyzer;

/** The analyzer that cari-index uses by default (Indonesian). */
CARI_API int cari_analyzer_new(cari_analyzer **out);

/** Runs the analysis chain over `text` and calls `fn` once per token, in order. */
CARI_API int cari_analyze(cari_analyzer *a, const char *text, size_t len, cari_token_fn fn,
                          void *payload);

/** The analyzer's identity as recorded in an index, e.g. "cari-id/2 hunspell-id". */
CARI_API const char *cari_analyzer_name(const cari_analyzer *a);

CARI_API void cari_analyzer_free(cari_analyzer *a);

/* ------------------------------------------------------------------------ */
/* Writing an index                                                         */
/* ------------------------------------------------------------------------ */

typedef struct cari_writer cari_writer;

#define CARI_WRITER_OPTS_VERSION 2

/** Options of cari_writer_open. Version 1 has the first three fields only;
 *  both versions are accepted. The index written depends on neither
 *  `threads` nor `memory`: it is the same, byte for byte. */
typedef struct cari_writer_opts {
    unsigned version;        /**< CARI_WRITER_OPTS_VERSION */
    int store_level;         /**< zstd level of the document store; 0 = default (4) */
    size_t store_block_size; /**< bytes of documents per compressed block; 0 = default (128 KiB) */
    /* version 2 */
    unsigned threads;        /**< threads analysing documents; 0 = the online cores */
    size_t memory;           /**< the memory budget in bytes; 0 = default (1 GiB). Past its
                                  share of it, inverted data is spilled as sorted runs
                                  to temporary files beside the index (path.run-PID-*),
                                  merged on commit */
} cari_writer_opts;

#define CARI_WRITER_OPTS_INIT { CARI_WRITER_OPTS_VERSION, 0, 0, 0, 0 }

/** Starts a new index that will replace the file at `path` on commit. The
 *  data goes to a temporary file beside `path` (path.tmp-PID); the file at
 *  `path` is not touched until cari_writer_commit succeeds. Temporary files
 *  of earlier writers of `path` whose process is gone (killed builds) are
 *  removed. `opts` may be NULL. */
CARI_API int cari_writer_open(cari_writer **out, const char *path, const cari_writer_opts *opts);

/** Adds one document. `id` identifies it (non-empty, no NUL byte); when the
 *  same id is added again, the later document replaces the earlier one. The
 *  writer copies what it needs; the arguments may be reused at once. */
CARI_API int cari_writer_add(cari_writer *w, const char *id, size_t id_len,
                             const cari_field *fields, size_t nfields);

/** Writes the index, fsyncs it and renames it over `path` (then fsyncs the
 *  folder). After a failure the previous file at `path` is untouched. The
 *  writer can only be freed afterwards. */
CARI_API int cari_writer_commit(cari_writer *w);

/** Frees the writer; without a successful commit its temporary file is removed. */
CARI_API void cari_writer_free(cari_writer *w);

/* ------------------------------------------------------------------------ */
/* Reading an index                                                         */
/* ------------------------------------------------------------------------ */

typedef struct cari_index cari_index;

/** Flags for cari_index_open. */
enum {
    CARI_OPEN_VERIFY = 1 << 0 /**< check every checksum while opening (reads the whole file) */
};

/** Memory-maps the index at `path` and validates its structure: magic,
 *  version, header and section-table checksums, file size and section bounds,
 *  in time independent of the index size. Every later read is bounds-checked;
 *  damage found later is reported as CARI_ECORRUPT. */
CARI_API int cari_index_open(cari_index **out, const char *path, unsigned flags);

CARI_API void cari_index_close(cari_index *ix);

/** Checks every section checksum and walks every structure of the index
 *  (term order, postings, positions, document store). On failure the message
 *  says which section and which byte or term is wrong. */
CARI_API int cari_index_verify(const cari_index *ix);

#define CARI_INDEX_STATS_VERSION 1

/** Figures of an index. The *_bytes fields add up to file_bytes. */
typedef struct cari_index_stats {
    unsigned version;           /**< set to CARI_INDEX_STATS_VERSION before the call */
    uint64_t documents;         /**< live documents */
    uint64_t terms;             /**< distinct terms in the dictionary */
    uint64_t postings;          /**< (term, document) pairs */
    uint64_t tokens;            /**< token positions over all documents */
    uint64_t file_bytes;        /**< size of the index file */
    uint64_t term_dictionary_bytes;
    uint64_t postings_bytes;    /**< doc ids, frequencies and skip data */
    uint64_t positions_bytes;
    uint64_t doc_lengths_bytes; /**< exact lengths and quantised norms */
    uint64_t doc_store_bytes;   /**< compressed stored fields, their index and dictionary, the ids */
    uint64_t other_bytes;       /**< header, section table, metadata, padding */
} cari_index_stats;

CARI_API int cari_index_stats_get(const cari_index *ix, cari_index_stats *out);

/** Number of documents; internal document numbers run from 0 to count-1. */
CARI_API uint32_t cari_index_doc_count(const cari_index *ix);

/** The longest external id, in bytes: a buffer of CARI_ID_MAX + 1 holds any
 *  id with its NUL. */
#define CARI_ID_MAX 1024

/** Copies the external id of document `doc` into `out` (`cap` bytes),
 *  NUL-terminated, and its length without the NUL to `*len` unless len is
 *  NULL. Ids are stored compressed, so each call decodes one (well under a
 *  microsecond); threads may call it on a shared index, each with its own
 *  buffer. Returns 0; CARI_EINVAL if doc is not below cari_index_doc_count;
 *  CARI_ELIMIT if the id and its NUL do not fit in cap bytes (*len then says
 *  how long the id is); CARI_ECORRUPT if the index is damaged. */
CARI_API int cari_index_doc_id(const cari_index *ix, uint32_t doc, char *out, size_t cap,
                               size_t *len);

/** The analyzer identity recorded in the index. Borrowed until close. */
CARI_API const char *cari_index_analyzer_name(const cari_index *ix);

/* ------------------------------------------------------------------------ */
/* Queries and search                                                       */
/* ------------------------------------------------------------------------ */

typedef struct cari_query cari_query;

/** Flags for cari_query_parse. */
enum {
    CARI_QUERY_AND = 1 << 0, /**< words side by side must all match (default: any may) */
    /** search for stop words too (apa, siapakah, yang, di, ...): by default a
     *  query leaves them out unless they are quoted, prefixed with + or -, or
     *  all it has */
    CARI_QUERY_KEEP_STOPWORDS = 1 << 1
};

/** Parses `text` with the query language below and analyses each word the way
 *  the index was analysed.
 *
 *    word             matches the word or any form with the same root
 *    "a phrase"       the words next to each other, in this order
 *    a b              either (or, with CARI_QUERY_AND, both); ranked by BM25
 *    a AND b, a OR b  explicit operators; AND binds tighter than OR
 *    a NOT b          a without b (also: a AND NOT b)
 *    +a -b            a required, b excluded
 *    ( ... )          grouping
 *
 *  Operators are upper case; lower-case "and"/"or"/"not" are words. A query
 *  must have at least one positive word. On a malformed query returns
 *  CARI_ESYNTAX with a message that names the byte offset. The query keeps a
 *  pointer to `ix`, which must outlive it. */
CARI_API int cari_query_parse(cari_query **out, const cari_index *ix, const char *text, size_t len,
                              unsigned flags);

/** The parsed query, for people and tests: roots of words, "phrases",
 *  =exact forms, and groups in parentheses with + (required) and - (excluded),
 *  e.g. "(kursk -pyongyang)" or "(+gerasimov +trump)". Borrowed until the
 *  query is freed. */
CARI_API const char *cari_query_describe(const cari_query *q);

CARI_API void cari_query_free(cari_query *q);

#define CARI_SEARCH_OPTS_VERSION 1

typedef struct cari_search_opts {
    unsigned version; /**< CARI_SEARCH_OPTS_VERSION */
    size_t k;         /**< how many hits at most; 0 = 10 */
    float k1;         /**< BM25 term-frequency saturation; negative = default 1.2 */
    float b;          /**< BM25 length normalisation; negative = default 0.75 */
} cari_search_opts;

#define CARI_SEARCH_OPTS_INIT { CARI_SEARCH_OPTS_VERSION, 10, -1.0f, -1.0f }

typedef struct cari_results cari_results;

/** Runs `q` and keeps the best `opts->k` documents by BM25, best first; ties
 *  go to the lower document number. `opts` may be NULL. */
CARI_API int cari_search(cari_results **out, cari_query *q, const cari_search_opts *opts);

CARI_API size_t cari_results_count(const cari_results *r);

/** Document number and score of hit `i` (0 = best). */
CARI_API uint32_t cari_results_doc(const cari_results *r, size_t i);
CARI_API float cari_results_score(const cari_results *r, size_t i);

CARI_API void cari_results_free(cari_results *r);

/* ------------------------------------------------------------------------ */
/* Stored documents and snippets                                            */
/* ------------------------------------------------------------------------ */

typedef struct cari_document cari_document;

/** Reads the stored fields of document `doc` (one block decompression). */
CARI_API int cari_document_get(cari_document **out, const cari_index *ix, uint32_t doc);

/** The value of field `name`, or NULL when the document has no such field.
 *  Borrowed until cari_document_free; *len receives its length. */
CARI_API const char *cari_document_field(const cari_document *d, const char *name, size_t *len);

CARI_API size_t cari_document_field_count(const cari_document *d);

/** Field `i` (0 <= i < count): its name and value; NULL when i is out of range. */
CARI_API const char *cari_document_field_at(const cari_document *d, size_t i, const char **value,
                                            size_t *len);

CARI_API void cari_document_free(cari_document *d);

#define CARI_SNIPPET_OPTS_VERSION 1

typedef struct cari_snippet_opts {
    unsigned version;     /**< CARI_SNIPPET_OPTS_VERSION */
    const char *open;     /**< put before a matched word; NULL = "[" */
    const char *close;    /**< put after a matched word; NULL = "]" */
    const char *ellipsis; /**< marks cut text; NULL = "…" */
    size_t max_bytes;     /**< the length of the text shown, without markers; 0 = 200 */
} cari_snippet_opts;

#define CARI_SNIPPET_OPTS_INIT { CARI_SNIPPET_OPTS_VERSION, NULL, NULL, NULL, 0 }

/** Makes a one-line snippet of the document's text around the place where
 *  the most query words meet, with matched words between `open` and `close`.
 *  Line breaks become spaces. `*out` is NUL-terminated and freed with
 *  cari_free. `opts` may be NULL. */
CARI_API int cari_snippet(char **out, size_t *out_len, cari_query *q, const cari_document *d,
                          const cari_snippet_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* CARI_H */
