/* query_ast.h - a parsed query: words (each the group of forms sharing a root),
 * phrases, and boolean groups with required / optional / excluded clauses. */
#ifndef CARI_QUERY_QUERY_AST_H
#define CARI_QUERY_QUERY_AST_H

#include <stddef.h>
#include <stdint.h>

#include "cari.h"
#include "core/buf.h"
#include "core/format.h"

enum qnode_kind { QN_TERM, QN_PHRASE, QN_BOOL };
enum occur { OCCUR_SHOULD, OCCUR_MUST, OCCUR_MUST_NOT };

/* A word as searched: the root `r` matches the index keys r and r\x01;
 * an exact-only word (the whole of a hyphenated word) matches its key alone. */
struct qword {
    char text[FORMAT_MAX_TERM + 1];
    uint8_t len;
    uint8_t exact_only;
};

struct qnode {
    enum qnode_kind kind;
    struct qword word;     /* QN_TERM */
    struct qword *words;   /* QN_PHRASE, with offsets from the first word */
    uint32_t *offsets;
    size_t nwords;
    struct qnode **children; /* QN_BOOL */
    enum occur *occurs;
    size_t nchildren;
};

struct cari_query {
    const cari_index *ix;
    cari_analyzer *analyzer; /* the index's analyzer, also used for snippets */
    struct qnode *root;
    char *description;
};

void qnode_free(struct qnode *n);

/* Parses `text` into q->root; CARI_ESYNTAX with a message naming the byte. */
int query_parse_text(struct cari_query *q, const char *text, size_t len, unsigned flags);

/* Appends the S-expression of a node to `out`. */
void qnode_describe(const struct qnode *n, buf *out);

#endif
