/* query_parse.c - lexer and recursive-descent parser of the query language
 * (see cari_query_parse in cari.h). Precedence: NOT/-/+ bind to one operand,
 * AND binds tighter than OR, and words side by side take the default operator. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "query/query_ast.h"
#include "query/stopwords.h"

enum { QUERY_MAX_DEPTH = 200, QUERY_MAX_CLAUSES = 16384 };

enum tok_kind { T_END, T_WORD, T_PHRASE, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_PLUS, T_MINUS };

struct tok {
    enum tok_kind kind;
    const char *text;
    size_t len, at;
};

struct parser {
    struct cari_query *q;
    const char *s, *p, *end;
    struct tok tok; /* the current token */
    int and_default;
    int keep_stopwords;
    size_t dropped; /* stop words left out */
    int depth;
    size_t clauses;
};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int syntax(struct parser *ps, size_t at, const char *msg)
{
    (void)ps;
    return error_set(CARI_ESYNTAX, "query error at byte %zu: %s", at, msg);
}

static int lex(struct parser *ps)
{
    while (ps->p < ps->end && is_space(*ps->p))
        ps->p++;
    struct tok *t = &ps->tok;
    t->at = (size_t)(ps->p - ps->s);
    t->text = ps->p;
    t->len = 0;
    if (ps->p >= ps->end) {
        t->kind = T_END;
        return 0;
    }
    char c = *ps->p;
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? T_LPAREN : T_RPAREN;
        ps->p++;
        return 0;
    }
    if (c == '"') {
        const char *close = memchr(ps->p + 1, '"', (size_t)(ps->end - ps->p - 1));
        if (close == NULL)
            return syntax(ps, t->at, "the quote is never closed");
        t->kind = T_PHRASE;
        t->text = ps->p + 1;
        t->len = (size_t)(close - ps->p - 1);
        ps->p = close + 1;
        return 0;
    }
    if ((c == '+' || c == '-') && ps->p + 1 < ps->end && !is_space(ps->p[1]) && ps->p[1] != ')') {
        t->kind = c == '+' ? T_PLUS : T_MINUS;
        ps->p++;
        return 0;
    }
    const char *q = ps->p;
    while (q < ps->end && !is_space(*q) && *q != '(' && *q != ')' && *q != '"')
        q++;
    t->len = (size_t)(q - ps->p);
    ps->p = q;
    t->kind = T_WORD;
    if (t->len == 3 && memcmp(t->text, "AND", 3) == 0)
        t->kind = T_AND;
    else if (t->len == 2 && memcmp(t->text, "OR", 2) == 0)
        t->kind = T_OR;
    else if (t->len == 3 && memcmp(t->text, "NOT", 3) == 0)
        t->kind = T_NOT;
    return 0;
}

/* ---- turning words and phrases into nodes, through the analyzer ---- */

static int add_clause(struct qnode **group, struct qnode *child, enum occur occur);

struct collected {
    struct qword words[FORMAT_MAX_TERM];
    uint32_t positions[FORMAT_MAX_TERM];
    size_t n;
    struct qword whole;
    int has_whole;
};

static void set_word(struct qword *w, const char *text, size_t len, int exact_only)
{
    memcpy(w->text, text, len);
    w->text[len] = '\0';
    w->len = (uint8_t)len;
    w->exact_only = (uint8_t)exact_only;
}

static int collect_token(const cari_token *t, void *payload)
{
    struct collected *c = payload;
    if (t->flags & CARI_TOKEN_WHOLE) {
        if (!c->has_whole)
            set_word(&c->whole, t->exact, t->exact_len, 1);
        c->has_whole = 1;
        return 0;
    }
    if (c->n == FORMAT_MAX_TERM)
        return CARI_ELIMIT;
    struct qword *w = &c->words[c->n];
    set_word(w, t->root, t->root_len, 0);
    c->positions[c->n++] = t->position;
    return 0;
}

static struct qnode *new_node(enum qnode_kind kind)
{
    struct qnode *n = calloc(1, sizeof *n);
    if (n != NULL)
        n->kind = kind;
    return n;
}

static int bool_add(struct qnode *b, struct qnode *child, enum occur occur)
{
    struct qnode **c = realloc(b->children, (b->nchildren + 1) * sizeof *c);
    if (c == NULL)
        return error_oom();
    b->children = c;
    enum occur *o = realloc(b->occurs, (b->nchildren + 1) * sizeof *o);
    if (o == NULL)
        return error_oom();
    b->occurs = o;
    b->children[b->nchildren] = child;
    b->occurs[b->nchildren++] = occur;
    return 0;
}

static int phrase_node(const struct collected *c, struct qnode **out)
{
    struct qnode *n = new_node(QN_PHRASE);
    if (n == NULL)
        return error_oom();
    *out = n;
    n->words = malloc(c->n * sizeof *n->words);
    n->offsets = malloc(c->n * sizeof *n->offsets);
    if (n->words == NULL || n->offsets == NULL)
        return error_oom();
    for (size_t i = 0; i < c->n; i++) {
        n->words[i] = c->words[i];
        n->offsets[i] = c->positions[i] - c->positions[0];
    }
    n->nwords = c->n;
    return 0;
}

/* Analyses a word or a phrase. No token: *out = NULL (the word is dropped).
 * One token: a term. Several: a phrase of the parts or, for a hyphenated word
 * or a date, its whole form: documents that wrote "Jong Un" match the phrase,
 * those that wrote "Jong-un" both (and rank higher), and 28/4/2025 meets
 * 2025-04-28 through the whole. */
static int text_node(struct parser *ps, const char *text, size_t len, int quoted,
                     struct qnode **out)
{
    /* 33 KiB, most never touched: not cleared (calloc's clearing was a fifth
     * of a typical query), each word is written in full before it is read */
    struct collected *c = malloc(sizeof *c);
    if (c == NULL)
        return error_oom();
    c->n = 0;
    c->has_whole = 0;
    *out = NULL;
    int rc = cari_analyze(ps->q->analyzer, text, len, collect_token, c);
    if (rc == CARI_ELIMIT)
        rc = syntax(ps, ps->tok.at, "more than 128 words in one phrase");
    if (rc == 0 && c->n == 1) {
        if ((*out = new_node(QN_TERM)) == NULL)
            rc = error_oom();
        else
            (*out)->word = c->words[0];
    } else if (rc == 0 && c->n > 1) {
        struct qnode *phrase = NULL;
        rc = phrase_node(c, &phrase);
        if (rc == 0 && c->has_whole && !quoted) {
            struct qnode *b = NULL, *whole = new_node(QN_TERM);
            if (whole == NULL) {
                rc = error_oom();
            } else {
                whole->word = c->whole;
                if ((rc = add_clause(&b, phrase, OCCUR_SHOULD)) == 0)
                    rc = add_clause(&b, whole, OCCUR_SHOULD);
                else
                    qnode_free(whole);
                phrase = b;
            }
        }
        if (rc != 0)
            qnode_free(phrase);
        else
            *out = phrase;
    }
    free(c);
    return rc;
}

/* ---- the grammar ---- */

static int parse_or(struct parser *ps, struct qnode **out, enum occur *occur);

static int starts_operand(enum tok_kind k)
{
    return k == T_WORD || k == T_PHRASE || k == T_LPAREN || k == T_PLUS || k == T_MINUS || k == T_NOT;
}

static int primary_node(struct parser *ps, struct qnode **out)
{
    struct tok t = ps->tok;
    *out = NULL;
    if (t.kind == T_WORD || t.kind == T_PHRASE) {
        int rc = text_node(ps, t.text, t.len, t.kind == T_PHRASE, out);
        return rc != 0 ? rc : lex(ps);
    }
    if (t.kind == T_LPAREN) {
        if (++ps->depth > QUERY_MAX_DEPTH)
            return syntax(ps, t.at, "parentheses nested too deeply (at most 200)");
        int rc = lex(ps);
        if (rc != 0)
            return rc;
        if (ps->tok.kind == T_RPAREN)
            return syntax(ps, t.at, "empty parentheses");
        enum occur occur;
        if ((rc = parse_or(ps, out, &occur)) != 0)
            return rc;
        if (ps->tok.kind != T_RPAREN)
            return syntax(ps, t.at, "'(' is never closed");
        if (*out != NULL && occur == OCCUR_MUST_NOT)
            return syntax(ps, t.at, "a group needs a word that is not excluded");
        ps->depth--;
        return lex(ps);
    }
    if (t.kind == T_END)
        return syntax(ps, t.at, "a word is missing at the end");
    if (t.kind == T_RPAREN)
        return syntax(ps, t.at, ps->depth > 0 ? "a word is missing before ')'"
                                              : "')' without a matching '('");
    return syntax(ps, t.at, t.kind == T_AND ? "AND needs a word on each side"
                            : t.kind == T_OR ? "OR needs a word on each side"
                                             : "an operator needs a word after it");
}

/* A failure hands nothing out: a node built before the error (a word, then
 * a bad token after it; a group never closed) is freed here. */
static int parse_primary(struct parser *ps, struct qnode **out)
{
    int rc = primary_node(ps, out);
    if (rc != 0) {
        qnode_free(*out);
        *out = NULL;
    }
    return rc;
}

/* unary := ('+' | '-' | NOT) primary | primary */
static int parse_unary(struct parser *ps, struct qnode **out, enum occur *occur)
{
    *occur = OCCUR_SHOULD;
    enum tok_kind k = ps->tok.kind;
    if (k == T_PLUS || k == T_MINUS || k == T_NOT) {
        *occur = k == T_PLUS ? OCCUR_MUST : OCCUR_MUST_NOT;
        int rc = lex(ps);
        if (rc != 0)
            return rc;
        if (ps->tok.kind == T_PLUS || ps->tok.kind == T_MINUS || ps->tok.kind == T_NOT)
            return syntax(ps, ps->tok.at, "two operators in a row");
    }
    if (++ps->clauses > QUERY_MAX_CLAUSES)
        return syntax(ps, ps->tok.at, "more than 16384 words");
    if (k != T_PLUS && k != T_MINUS && k != T_NOT && ps->tok.kind == T_WORD && !ps->keep_stopwords &&
        query_is_stopword(ps->tok.text, ps->tok.len)) {
        *out = NULL;
        ps->dropped++;
        return lex(ps);
    }
    return parse_primary(ps, out);
}

/* Adds a clause to the group being built, creating the group on demand. */
static int add_clause(struct qnode **group, struct qnode *child, enum occur occur)
{
    if (child == NULL)
        return 0;
    if (*group == NULL && (*group = new_node(QN_BOOL)) == NULL) {
        qnode_free(child);
        return error_oom();
    }
    int rc = bool_add(*group, child, occur);
    if (rc != 0)
        qnode_free(child);
    return rc;
}

static int has_positive_clause(const struct qnode *g)
{
    for (size_t i = 0; i < g->nchildren; i++)
        if (g->occurs[i] != OCCUR_MUST_NOT)
            return 1;
    return 0;
}

/* A group of one clause is that clause (with its occur passed up). */
static void simplify(struct qnode **group, enum occur *occur)
{
    struct qnode *g = *group;
    if (g == NULL || g->nchildren != 1)
        return;
    *group = g->children[0];
    *occur = g->occurs[0];
    g->nchildren = 0;
    qnode_free(g);
}

/* and := unary { AND unary | NOT primary | (implicit AND) unary } */
static int parse_and(struct parser *ps, struct qnode **out, enum occur *occur)
{
    struct qnode *group = NULL, *child = NULL;
    enum occur first_occur, o;
    size_t at = ps->tok.at;
    int rc = parse_unary(ps, &child, &first_occur);
    struct qnode *first = child;
    int explicit_and = 0;
    while (rc == 0) {
        enum tok_kind k = ps->tok.kind;
        if (k == T_AND || k == T_NOT || (ps->and_default && starts_operand(k) && k != T_NOT)) {
            if (k == T_AND && (rc = lex(ps)) != 0)
                break;
            if (group == NULL && first != NULL) {
                rc = add_clause(&group, first, first_occur == OCCUR_MUST_NOT ? OCCUR_MUST_NOT : OCCUR_MUST);
                if (rc != 0)
                    break;
            }
            first = NULL;
            explicit_and = 1;
            if ((rc = parse_unary(ps, &child, &o)) != 0)
                break;
            rc = add_clause(&group, child, o == OCCUR_MUST_NOT ? OCCUR_MUST_NOT : OCCUR_MUST);
            continue;
        }
        break;
    }
    if (rc != 0) {
        qnode_free(group);
        qnode_free(first);
        return rc;
    }
    if (!explicit_and) {
        *out = first;
        *occur = first_occur;
        return 0;
    }
    *occur = OCCUR_SHOULD;
    simplify(&group, occur);
    if (group != NULL && group->kind == QN_BOOL && !has_positive_clause(group)) {
        qnode_free(group);
        return syntax(ps, at, "AND needs a word that is not excluded");
    }
    *out = group;
    return 0;
}

/* or := and { OR and | (implicit OR) and } */
static int parse_or(struct parser *ps, struct qnode **out, enum occur *occur)
{
    struct qnode *group = NULL, *child = NULL;
    enum occur o;
    int rc = 0;
    for (;;) {
        if ((rc = parse_and(ps, &child, &o)) != 0)
            break;
        if ((rc = add_clause(&group, child, o)) != 0)
            break;
        enum tok_kind k = ps->tok.kind;
        if (k == T_OR) {
            if ((rc = lex(ps)) != 0)
                break;
            continue;
        }
        if (!ps->and_default && starts_operand(k))
            continue;
        break;
    }
    if (rc != 0) {
        qnode_free(group);
        return rc;
    }
    *occur = OCCUR_SHOULD;
    simplify(&group, occur);
    if (group != NULL && group->kind == QN_BOOL && !has_positive_clause(group))
        *occur = OCCUR_MUST_NOT; /* only exclusions: reported by the caller */
    *out = group;
    return 0;
}

static int parse_with(struct cari_query *q, const char *text, size_t len, unsigned flags,
                      size_t *dropped)
{
    struct parser ps = { q, text, text, text + len, { T_END, NULL, 0, 0 }, 0, 0, 0, 0, 0 };
    ps.and_default = (flags & CARI_QUERY_AND) != 0;
    ps.keep_stopwords = (flags & CARI_QUERY_KEEP_STOPWORDS) != 0;
    int rc = lex(&ps);
    if (rc != 0)
        return rc;
    if (ps.tok.kind == T_END)
        return error_set(CARI_ESYNTAX, "empty query");
    enum occur occur;
    struct qnode *root = NULL;
    if ((rc = parse_or(&ps, &root, &occur)) != 0)
        return rc;
    *dropped = ps.dropped;
    if (ps.tok.kind != T_END) {
        rc = ps.tok.kind == T_RPAREN ? syntax(&ps, ps.tok.at, "')' without a matching '('")
                                     : syntax(&ps, ps.tok.at, "unexpected operator");
    } else if (root == NULL) {
        rc = error_set(CARI_ESYNTAX, "the query has no word to search for");
    } else if (occur == OCCUR_MUST_NOT) {
        rc = error_set(CARI_ESYNTAX, "the query only excludes words; add one to search for");
    }
    if (rc != 0) {
        qnode_free(root);
        return rc;
    }
    q->root = root;
    return 0;
}

int query_parse_text(struct cari_query *q, const char *text, size_t len, unsigned flags)
{
    size_t dropped = 0;
    int rc = parse_with(q, text, len, flags, &dropped);
    /* a query of stop words alone (or a group of them) searches for them */
    if (rc == CARI_ESYNTAX && dropped > 0)
        rc = parse_with(q, text, len, flags | CARI_QUERY_KEEP_STOPWORDS, &dropped);
    return rc;
}

void qnode_free(struct qnode *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nchildren; i++)
        qnode_free(n->children[i]);
    free(n->children);
    free(n->occurs);
    free(n->words);
    free(n->offsets);
    free(n);
}

void qnode_describe(const struct qnode *n, buf *out)
{
    switch (n->kind) {
    case QN_TERM:
        if (n->word.exact_only)
            buf_byte(out, '=');
        buf_append(out, n->word.text, n->word.len);
        break;
    case QN_PHRASE:
        buf_byte(out, '"');
        for (size_t i = 0; i < n->nwords; i++) {
            if (i > 0)
                buf_byte(out, ' ');
            buf_append(out, n->words[i].text, n->words[i].len);
        }
        buf_byte(out, '"');
        break;
    case QN_BOOL:
        buf_byte(out, '(');
        for (size_t i = 0; i < n->nchildren; i++) {
            if (i > 0)
                buf_byte(out, ' ');
            if (n->occurs[i] == OCCUR_MUST)
                buf_byte(out, '+');
            else if (n->occurs[i] == OCCUR_MUST_NOT)
                buf_byte(out, '-');
            qnode_describe(n->children[i], out);
        }
        buf_byte(out, ')');
        break;
    }
}
