/* snippet.c - cari_snippet: analyse the stored text again with the query's
 * analyzer, find the byte window where the most distinct query words meet,
 * and print it on one line with the matched words marked. */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/error.h"
#include "query/query_ast.h"

enum { SNIPPET_DEFAULT_BYTES = 200, SNIPPET_MAX_WORDS = 64, SNIPPET_LEAD = 40 };

struct match {
    size_t start, end;
    unsigned word;
};

struct finder {
    const struct qword *words[SNIPPET_MAX_WORDS];
    unsigned nwords;
    struct match *matches;
    size_t nmatches, cap;
    size_t window; /* bytes a window of matches may span */
    int rc;
};

/* The words to mark: every word of the query outside excluded clauses. */
static void collect_words(struct finder *f, const struct qnode *n)
{
    if (n->kind == QN_BOOL) {
        for (size_t i = 0; i < n->nchildren; i++)
            if (n->occurs[i] != OCCUR_MUST_NOT)
                collect_words(f, n->children[i]);
        return;
    }
    const struct qword *w = n->kind == QN_TERM ? &n->word : n->words;
    size_t count = n->kind == QN_TERM ? 1 : n->nwords;
    for (size_t i = 0; i < count && f->nwords < SNIPPET_MAX_WORDS; i++)
        f->words[f->nwords++] = &w[i];
}

static int word_of(const struct finder *f, const cari_token *t)
{
    for (unsigned i = 0; i < f->nwords; i++) {
        const struct qword *w = f->words[i];
        const char *s = w->exact_only ? t->exact : t->root;
        size_t len = w->exact_only ? t->exact_len : t->root_len;
        if (len == w->len && memcmp(s, w->text, len) == 0)
            return (int)i;
    }
    return -1;
}

static unsigned distinct_words(const struct finder *f, size_t from, size_t to)
{
    uint64_t seen = 0;
    for (size_t i = from; i < to; i++)
        seen |= (uint64_t)1 << f->matches[i].word;
    return (unsigned)__builtin_popcountll(seen);
}

/* Stops the analysis (returns 1) once a window holds every query word. */
static int on_token(const cari_token *t, void *payload)
{
    struct finder *f = payload;
    int w = word_of(f, t);
    if (w < 0)
        return 0;
    if (f->nmatches > 0 && f->matches[f->nmatches - 1].end > t->start) {
        struct match *last = &f->matches[f->nmatches - 1]; /* a whole over its parts */
        last->end = t->end > last->end ? t->end : last->end;
        return 0;
    }
    if ((f->rc = array_reserve((void **)&f->matches, &f->cap, f->nmatches + 1, sizeof *f->matches)) != 0)
        return 1;
    f->matches[f->nmatches++] = (struct match){ t->start, t->end, (unsigned)w };
    size_t first = f->nmatches - 1;
    while (first > 0 && t->end - f->matches[first - 1].start <= f->window)
        first--;
    return distinct_words(f, first, f->nmatches) == f->nwords;
}

/* The first match of the best window: most distinct words, then most matches. */
static size_t best_window(const struct finder *f)
{
    size_t best = 0, j = 0;
    unsigned best_distinct = 0;
    size_t best_count = 0;
    for (size_t i = 0; i < f->nmatches; i++) {
        if (j < i)
            j = i;
        while (j < f->nmatches && f->matches[j].end - f->matches[i].start <= f->window)
            j++;
        unsigned d = distinct_words(f, i, j);
        if (d > best_distinct || (d == best_distinct && j - i > best_count)) {
            best = i, best_distinct = d, best_count = j - i;
        }
    }
    return best;
}

static int is_space(unsigned char c) { return c <= ' '; }

/* A cut point near `at` at a space (looking back at most `slack` bytes), else
 * at a UTF-8 character boundary. */
static size_t cut_point(const char *text, size_t len, size_t at, size_t slack)
{
    if (at >= len)
        return len;
    for (size_t i = at; i > 0 && at - i <= slack; i--)
        if (is_space((unsigned char)text[i]))
            return i;
    while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
        at--;
    return at;
}

static void append_clean(buf *out, const char *s, size_t n, int *last_space)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            if (!*last_space)
                buf_byte(out, ' ');
            *last_space = 1;
        } else {
            buf_byte(out, c);
            *last_space = 0;
        }
    }
}

static void render(const struct finder *f, const char *text, size_t start, size_t end,
                   size_t len, const cari_snippet_opts *o, buf *out)
{
    const char *open = o && o->open ? o->open : "[";
    const char *close = o && o->close ? o->close : "]";
    const char *ellipsis = o && o->ellipsis ? o->ellipsis : "\xE2\x80\xA6";
    int last_space = 1;
    if (start > 0)
        buf_str(out, ellipsis);
    size_t at = start;
    for (size_t i = 0; i < f->nmatches; i++) {
        const struct match *m = &f->matches[i];
        if (m->start < start || m->end > end)
            continue;
        append_clean(out, text + at, m->start - at, &last_space);
        buf_str(out, open);
        append_clean(out, text + m->start, m->end - m->start, &last_space);
        buf_str(out, close);
        last_space = 0;
        at = m->end;
    }
    append_clean(out, text + at, end - at, &last_space);
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        out->len--;
    if (end < len)
        buf_str(out, ellipsis);
}

int cari_snippet(char **out, size_t *out_len, cari_query *q, const cari_document *d,
                 const cari_snippet_opts *opts)
{
    *out = NULL;
    if (q == NULL || d == NULL)
        return error_set(CARI_EINVAL, "cari_snippet: NULL argument");
    size_t len;
    const char *text = cari_document_field(d, "text", &len);
    if (text == NULL)
        text = cari_document_field(d, "title", &len);
    if (text == NULL)
        text = "", len = 0;
    size_t max = opts != NULL && opts->max_bytes > 0 ? opts->max_bytes : SNIPPET_DEFAULT_BYTES;
    struct finder f = { .window = max - max / 4 };
    collect_words(&f, q->root);
    int rc = cari_analyze(q->analyzer, text, len, on_token, &f);
    if (f.rc != 0 || rc < 0) {
        free(f.matches);
        return f.rc != 0 ? f.rc : rc;
    }
    size_t start = 0;
    if (f.nmatches > 0) {
        size_t first = f.matches[best_window(&f)].start;
        size_t lead = first > SNIPPET_LEAD ? SNIPPET_LEAD : first;
        /* begin on a space before the lead, so the first word is whole */
        start = first - lead > 0 ? cut_point(text, len, first - lead, SNIPPET_LEAD) : 0;
        while (start < first && is_space((unsigned char)text[start]))
            start++;
    }
    size_t end = start + max < len ? cut_point(text, len, start + max, max / 4) : len;
    if (end <= start)
        end = start + max < len ? start + max : len;
    buf b = BUF_INIT;
    render(&f, text, start, end, len, opts, &b);
    free(f.matches);
    char *s = buf_cstr(&b);
    if (s == NULL) {
        buf_free(&b);
        return error_oom();
    }
    if (out_len != NULL)
        *out_len = b.len;
    *out = s;
    return 0;
}
