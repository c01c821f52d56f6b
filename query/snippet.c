/* snippet.c - cari_snippet: analyse the stored text again with the query's
 * analyzer, find the byte window where the most distinct query words meet,
 * and print it on one line with the matched words marked. */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/error.h"
#include "query/query_ast.h"

enum {
    SNIPPET_DEFAULT_BYTES = 200,
    SNIPPET_MAX_WORDS = 64,
    SNIPPET_LEAD = 40,
    /* A snippet must not cost the analysis of a whole 1 MB law: look at most
     * this far past the first match for a better window, and this far into a
     * text without any match (a title-only hit shows the text's beginning). */
    SNIPPET_SCAN_PAST_FIRST = 4 * 1024,
    SNIPPET_SCAN_WITHOUT_MATCH = 64 * 1024
};

struct match {
    size_t start, end;
    unsigned word;
};

struct finder {
    const struct qword *words[SNIPPET_MAX_WORDS];
    unsigned nwords;
    struct match *matches;
    size_t nmatches, cap;
    size_t window;   /* bytes a window of matches may span */
    size_t complete; /* first match of the first window holding every word, or NO_WINDOW */
    size_t stop_at;  /* once complete: no token after this byte can be shown */
    size_t max;      /* bytes shown */
    int rc;
};

#define NO_WINDOW SIZE_MAX

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

/* Collects matches; once a window holds every query word, the analysis stops
 * (returns 1) at the first token past what that window can show. */
static int on_token(const cari_token *t, void *payload)
{
    struct finder *f = payload;
    if (f->complete != NO_WINDOW && t->start > f->stop_at)
        return 1;
    if (f->nmatches > 0 ? t->start - f->matches[0].start > SNIPPET_SCAN_PAST_FIRST
                        : t->start > SNIPPET_SCAN_WITHOUT_MATCH)
        return 1;
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
    if (f->complete != NO_WINDOW)
        return 0;
    size_t first = f->nmatches - 1;
    while (first > 0 && t->end - f->matches[first - 1].start <= f->window)
        first--;
    if (distinct_words(f, first, f->nmatches) == f->nwords) {
        f->complete = first;
        f->stop_at = f->matches[first].start + f->max;
    }
    return 0;
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

static size_t char_start(const char *text, size_t at)
{
    while (at > 0 && ((unsigned char)text[at] & 0xC0) == 0x80)
        at--;
    return at;
}

static size_t next_char(const char *text, size_t len, size_t at)
{
    at++;
    while (at < len && ((unsigned char)text[at] & 0xC0) == 0x80)
        at++;
    return at;
}

/* Where to end the snippet: at a space near `at` (looking back at most
 * `slack` bytes), else at a character boundary; always after `start`. */
static size_t cut_end(const char *text, size_t len, size_t start, size_t at, size_t slack)
{
    if (at >= len)
        return len;
    for (size_t i = at; i > start && at - i <= slack; i--)
        if (is_space((unsigned char)text[i]))
            return i;
    size_t c = char_start(text, at);
    return c > start ? c : next_char(text, len, start);
}

/* Where to start: at `at` when a word begins there, else at the next word
 * (never past `limit`, the first match, which begins a word). */
static size_t cut_start(const char *text, size_t at, size_t limit)
{
    size_t i = at;
    if (i > 0 && !is_space((unsigned char)text[i - 1]))
        while (i < limit && !is_space((unsigned char)text[i]))
            i++;
    while (i < limit && is_space((unsigned char)text[i]))
        i++;
    return i;
}

/* The byte range to show, within the text without its surrounding space [lo, hi). */
static void choose_range(const struct finder *f, const char *text, size_t lo, size_t hi,
                         size_t *start, size_t *end)
{
    *start = lo;
    if (f->nmatches > 0 && hi - lo > f->max) {
        size_t best = f->complete != NO_WINDOW ? f->complete : best_window(f);
        size_t first = f->matches[best].start;
        size_t want = first - lo > SNIPPET_LEAD ? first - SNIPPET_LEAD : lo;
        if (hi - want < f->max) /* near the end: show the last max bytes */
            want = hi - f->max;
        *start = cut_start(text, want, first);
    }
    *end = *start + f->max < hi ? cut_end(text, hi, *start, *start + f->max, f->max / 4) : hi;
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

static void render(const struct finder *f, const char *text, size_t lo, size_t start, size_t end,
                   size_t hi, const cari_snippet_opts *o, buf *out)
{
    const char *open = o && o->open ? o->open : "[";
    const char *close = o && o->close ? o->close : "]";
    const char *ellipsis = o && o->ellipsis ? o->ellipsis : "\xE2\x80\xA6";
    int last_space = 1;
    if (start > lo)
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
    if (end < hi)
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
    struct finder f = { .window = max - max / 4, .complete = NO_WINDOW, .max = max };
    collect_words(&f, q->root);
    int rc = cari_analyze(q->analyzer, text, len, on_token, &f);
    if (f.rc != 0 || rc < 0) {
        free(f.matches);
        return f.rc != 0 ? f.rc : rc;
    }
    size_t lo = 0, hi = len, start, end;
    while (lo < hi && is_space((unsigned char)text[lo]))
        lo++;
    while (hi > lo && is_space((unsigned char)text[hi - 1]))
        hi--;
    choose_range(&f, text, lo, hi, &start, &end);
    buf b = BUF_INIT;
    render(&f, text, lo, start, end, hi, opts, &b);
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
