/* analyzer.c - raw tokens to index terms: hyphenated words and dates into parts
 * plus a whole, reduplications into their base, Indonesian number forms, and
 * the stemming stage, memoised per distinct word because vocabulary is Zipfian. */
#include "core/analyzer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/hash.h"
#include "core/lexicon.h"
#include "core/stemmer.h"
#include "core/tokenizer.h"

#define ANALYZER_FAMILY "cari-id/2"

enum {
    MEMO_MAX_ENTRIES = 1 << 20, /* then the memo starts afresh: memory stays bounded */
    MEMO_MIN_CAP = 1024
};

/* The memo is a table of slots (an entry's index + 1, 0 empty: 4 bytes, so
 * the table stays small) over entries kept in the order their words were
 * first seen. Frequent words come early, so their entries share a few pages
 * and cache lines instead of being scattered over a table of many megabytes
 * (the lookups waited on those misses more than on anything else). A word's
 * first bytes are kept in its entry: most words are found without reading
 * the memo's text. */
enum { MEMO_HEAD = 16 };

struct memo_entry {
    uint32_t hash; /* the low bits of the word's hash */
    uint16_t word_len, root_len;
    uint32_t word_off, root_off; /* in memo_text */
    char head[MEMO_HEAD];        /* the word's first bytes, zero-padded */
    struct analyzer_word_tag tag; /* the caller's, zeroed when the word is added */
};

struct cari_analyzer {
    const struct stemmer_ops *stemmer;
    void *stemmer_state;
    uint32_t *memo_slots;
    size_t memo_cap; /* slots, a power of two */
    struct memo_entry *memo;
    size_t memo_count, memo_entries_cap;
    buf memo_text;
    char name[96];
};

int cari_analyzer_new(cari_analyzer **out) { return analyzer_new_with(out, &stemmer_hunspell_id); }

int analyzer_new_with(cari_analyzer **out, const struct stemmer_ops *stemmer)
{
    *out = NULL;
    cari_analyzer *a = calloc(1, sizeof *a);
    if (a == NULL)
        return error_oom();
    a->stemmer = stemmer;
    int rc = a->stemmer->open(&a->stemmer_state);
    if (rc != 0) {
        free(a);
        return rc;
    }
    snprintf(a->name, sizeof a->name, "%s %s", ANALYZER_FAMILY, a->stemmer->name);
    *out = a;
    return 0;
}

void cari_analyzer_free(cari_analyzer *a)
{
    if (a == NULL)
        return;
    a->stemmer->close(a->stemmer_state);
    free(a->memo_slots);
    free(a->memo);
    buf_free(&a->memo_text);
    free(a);
}

const char *cari_analyzer_name(const cari_analyzer *a) { return a->name; }

int analyzer_name_supported(const char *name)
{
    return strcmp(name, ANALYZER_FAMILY " hunspell-id") == 0;
}

static void memo_reset(cari_analyzer *a)
{
    memset(a->memo_slots, 0, a->memo_cap * sizeof *a->memo_slots);
    a->memo_count = 0;
    buf_clear(&a->memo_text);
}

static int memo_grow(cari_analyzer *a)
{
    size_t cap = a->memo_cap ? a->memo_cap * 2 : MEMO_MIN_CAP;
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return error_oom();
    for (size_t i = 0; i < a->memo_count; i++) {
        size_t j = a->memo[i].hash & (cap - 1);
        while (slots[j] != 0)
            j = (j + 1) & (cap - 1);
        slots[j] = (uint32_t)i + 1;
    }
    free(a->memo_slots);
    a->memo_slots = slots;
    a->memo_cap = cap;
    return 0;
}

static int memo_holds(const cari_analyzer *a, const struct memo_entry *e, uint32_t hash,
                      const char *word, size_t len)
{
    if (e->hash != hash || e->word_len != len)
        return 0;
    if (len <= MEMO_HEAD)
        return hash_same_bytes(e->head, word, len);
    return hash_same_bytes(e->head, word, MEMO_HEAD) &&
           hash_same_bytes(a->memo_text.data + e->word_off + MEMO_HEAD, word + MEMO_HEAD,
                           len - MEMO_HEAD);
}

/* Stems a word the memo does not hold and adds it to the memo. */
static int memo_add(cari_analyzer *a, uint32_t h, const char *word, size_t len,
                    struct memo_entry **out)
{
    const char *stem;
    size_t stem_len;
    int rc = a->stemmer->stem(a->stemmer_state, word, len, &stem, &stem_len);
    if (rc != 0)
        return rc;
    if (stem_len == 0 || stem_len > FORMAT_MAX_TERM)
        stem = word, stem_len = len;

    if (a->memo_count >= MEMO_MAX_ENTRIES || a->memo_text.len > (UINT32_MAX >> 2))
        memo_reset(a);
    if ((a->memo_count + 1) * 2 > a->memo_cap && (rc = memo_grow(a)) != 0)
        return rc;
    if ((rc = array_reserve((void **)&a->memo, &a->memo_entries_cap, a->memo_count + 1,
                            sizeof *a->memo)) != 0)
        return rc;
    struct memo_entry e = { h, (uint16_t)len, (uint16_t)stem_len, (uint32_t)a->memo_text.len, 0,
                            { 0 }, { 0, 0, 0 } };
    memcpy(e.head, word, len < MEMO_HEAD ? len : MEMO_HEAD);
    buf_append(&a->memo_text, word, len);
    e.root_off = (uint32_t)a->memo_text.len;
    buf_append(&a->memo_text, stem, stem_len);
    if (a->memo_text.rc != 0)
        return a->memo_text.rc;
    size_t j = h & (a->memo_cap - 1);
    while (a->memo_slots[j] != 0)
        j = (j + 1) & (a->memo_cap - 1);
    a->memo[a->memo_count] = e;
    *out = &a->memo[a->memo_count];
    a->memo_slots[j] = (uint32_t)++a->memo_count;
    return 0;
}

/* The memo's entry for a folded word of hash `h` (stemmed now if it holds
 * none yet); *out is valid until the next call. */
static int memo_find_hashed(cari_analyzer *a, uint32_t h, const char *word, size_t len,
                            struct memo_entry **out)
{
    size_t mask = a->memo_cap - 1;
    for (size_t j = h & mask; a->memo_cap > 0 && a->memo_slots[j] != 0; j = (j + 1) & mask) {
        struct memo_entry *e = &a->memo[a->memo_slots[j] - 1];
        if (memo_holds(a, e, h, word, len)) {
            *out = e;
            return 0;
        }
    }
    return memo_add(a, h, word, len, out);
}

static uint32_t word_hash(const char *word, size_t len) { return (uint32_t)hash_bytes(word, len); }

static int memo_find(cari_analyzer *a, const char *word, size_t len, struct memo_entry **out)
{
    return memo_find_hashed(a, word_hash(word, len), word, len, out);
}

static const char *memo_root(const cari_analyzer *a, const struct memo_entry *e)
{
    return (const char *)a->memo_text.data + e->root_off;
}

/* The root of a folded word; *root points into the memo until the next call. */
static int analyzer_root(cari_analyzer *a, const char *word, size_t len, const char **root,
                         size_t *root_len)
{
    struct memo_entry *e;
    int rc = memo_find(a, word, len, &e);
    if (rc == 0) {
        *root = memo_root(a, e);
        *root_len = e->root_len;
    }
    return rc;
}

/* 10.000 -> 10000 (a dot before exactly three digits groups thousands);
 * 2,5 -> 2.5 (the decimal comma); 3.5 stays. Dots and commas only ever stand
 * between digits here. Returns the new length (never longer). */
static size_t normalize_number(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            size_t j = i + 1;
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
            if (j - (i + 1) == 3)
                continue;
        }
        out[o++] = c == ',' ? '.' : c;
    }
    return o;
}

struct run {
    cari_analyzer *a;
    analyzer_token_fn fn;
    void *payload;
    uint32_t position;
};

static unsigned part_flags(const struct raw_part *p)
{
    unsigned f = 0;
    if (p->first_upper)
        f |= CARI_TOKEN_CAPITALIZED;
    if (p->letters >= 2 && p->uppers == p->letters)
        f |= CARI_TOKEN_ALLCAPS;
    if (p->letters == 0)
        f |= CARI_TOKEN_NUMBER;
    return f;
}

/* Emits one term; words with letters and no digits are stemmed. */
static int emit_hashed(struct run *r, uint32_t position, unsigned flags, size_t start, size_t end,
                       const char *exact, size_t exact_len, int stem, uint32_t hash)
{
    cari_token t = { position, flags, start, end, exact, exact_len, exact, exact_len };
    if (!stem)
        return r->fn(&t, NULL, r->payload);
    struct memo_entry *e;
    int rc = memo_find_hashed(r->a, hash, exact, exact_len, &e);
    if (rc != 0)
        return rc;
    t.root = memo_root(r->a, e);
    t.root_len = e->root_len;
    return r->fn(&t, &e->tag, r->payload);
}

static int emit(struct run *r, uint32_t position, unsigned flags, size_t start, size_t end,
                const char *exact, size_t exact_len, int stem)
{
    uint32_t h = stem ? word_hash(exact, exact_len) : 0;
    return emit_hashed(r, position, flags, start, end, exact, exact_len, stem, h);
}

static int stemmable(const struct raw_part *p) { return p->letters > 0 && p->digits == 0; }

/* The whole of a date written d/m/yyyy, d-m-yyyy or yyyy-m-d, as yyyy-mm-dd,
 * so every spelling of a day meets the others; 0 when the parts are no date. */
static size_t iso_date(const struct raw_token *tok, char parts[][FORMAT_MAX_TERM + 1],
                       const size_t *lens, char *out)
{
    if (tok->nparts != 3)
        return 0;
    for (unsigned i = 0; i < 3; i++)
        if (tok->parts[i].letters != 0 || lens[i] == 0 || memchr(parts[i], '.', lens[i]) != NULL)
            return 0;
    int year_first = lens[0] == 4;
    const char *y = parts[year_first ? 0 : 2], *d = parts[year_first ? 2 : 0];
    if (lens[year_first ? 0 : 2] != 4 || lens[1] > 2 || lens[year_first ? 2 : 0] > 2)
        return 0;
    int day = atoi(d), month = atoi(parts[1]), year = atoi(y);
    static const int days_in[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days_in[month - 1] ||
        (month == 2 && day == 29 && !leap))
        return 0;
    return (size_t)snprintf(out, 16, "%.4s-%02d-%02d", y, month, day);
}

static int all_parts_equal(const struct raw_token *tok, char parts[][FORMAT_MAX_TERM + 1],
                           const size_t *lens)
{
    for (unsigned i = 1; i < tok->nparts; i++)
        if (lens[i] != lens[0] || memcmp(parts[i], parts[0], lens[0]) != 0)
            return 0;
    return 1;
}

/* teman-teman: one position, the exact term is the whole, the root `base`. */
static int emit_reduplication(struct run *r, const struct raw_token *tok, const char *base,
                              size_t base_len, const char *whole, size_t whole_len, unsigned flags)
{
    cari_token t = { r->position++, flags | CARI_TOKEN_REDUPLICATED, tok->start, tok->end,
                     whole, whole_len, base, base_len };
    return r->fn(&t, NULL, r->payload);
}

static int differ_little(const char *x, const char *y, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        d += x[i] != y[i];
    return d <= 2;
}

/* A form the lexicon derives from a word written twice (kemerah-merahan:
 * merah-merah): the length of that word, else 0. */
static size_t lexicon_reduplicated(const char *whole, size_t whole_len, const char **root)
{
    size_t n;
    if (!lexicon_form_root_of(whole, whole_len, root, &n) || n % 2 == 0)
        return 0;
    size_t half = n / 2;
    return (*root)[half] == '-' && memcmp(*root, *root + half + 1, half) == 0 ? half : 0;
}

/* The base of a reduplication of two words (root into `base`, *base_len 0
 * when the token is none): the same root (bahu-membahu, berlari-lari), the
 * second's root ending the first (kemerah-merahan), a sound change of a root
 * (sayur-mayur), or a form the lexicon knows as one. */
static int reduplication_base(cari_analyzer *a, char parts[][FORMAT_MAX_TERM + 1],
                              const size_t *lens, const char *whole, size_t whole_len,
                              char *base, size_t *base_len)
{
    const char *r;
    size_t n, n0;
    char r0[FORMAT_MAX_TERM + 1];
    *base_len = 0;
    int rc = analyzer_root(a, parts[0], lens[0], &r, &n0);
    if (rc != 0)
        return rc;
    memcpy(r0, r, n0);
    if ((rc = analyzer_root(a, parts[1], lens[1], &r, &n)) != 0)
        return rc;
    int same = n == n0 && memcmp(r, r0, n) == 0;
    int ends = n >= 3 && lens[0] > n && memcmp(parts[0] + lens[0] - n, r, n) == 0;
    int sound = lens[0] == lens[1] && lens[0] >= 4 && differ_little(parts[0], parts[1], lens[0]) &&
                lexicon_is_root(parts[0], lens[0]);
    if (same || ends)
        memcpy(base, r, *base_len = n);
    else if (sound)
        memcpy(base, r0, *base_len = n0);
    else if ((n = lexicon_reduplicated(whole, whole_len, &r)) > 0)
        memcpy(base, r, *base_len = n);
    return 0;
}

/* A word written twice, or a reduplication of two words, as one term. */
static int try_reduplication(struct run *r, const struct raw_token *tok,
                             char parts[][FORMAT_MAX_TERM + 1], const size_t *lens,
                             const char *whole, size_t whole_len, unsigned flags, int *done)
{
    char base[FORMAT_MAX_TERM + 1];
    size_t base_len = 0;
    *done = 0;
    if ((tok->flags & RAW_HAS_SLASH) || !stemmable(&tok->parts[0]))
        return 0;
    int rc = 0;
    if (all_parts_equal(tok, parts, lens)) {
        const char *root;
        if ((rc = analyzer_root(r->a, parts[0], lens[0], &root, &base_len)) != 0)
            return rc;
        memcpy(base, root, base_len);
    } else if (tok->nparts == 2 && stemmable(&tok->parts[1])) {
        rc = reduplication_base(r->a, parts, lens, whole, whole_len, base, &base_len);
    }
    if (rc != 0 || base_len == 0)
        return rc;
    *done = 1;
    return emit_reduplication(r, tok, base, base_len, whole, whole_len, flags);
}

static int emit_compound(struct run *r, const struct raw_token *tok, unsigned sentence)
{
    char parts[TOKENIZER_MAX_PARTS][FORMAT_MAX_TERM + 1];
    size_t lens[TOKENIZER_MAX_PARTS];
    char whole[FORMAT_MAX_TERM + TOKENIZER_MAX_PARTS + 1], date[16];
    size_t whole_len = 0;
    for (unsigned i = 0; i < tok->nparts; i++) {
        const struct raw_part *p = &tok->parts[i];
        lens[i] = normalize_number(tok->text + p->text_off, p->text_len, parts[i]);
        parts[i][lens[i]] = '\0';
        if (i > 0)
            whole[whole_len++] = '-';
        memcpy(whole + whole_len, parts[i], lens[i]);
        whole_len += lens[i];
    }
    unsigned first = part_flags(&tok->parts[0]) | sentence;
    int slash = (tok->flags & RAW_HAS_SLASH) != 0, done;
    int rc = try_reduplication(r, tok, parts, lens, whole, whole_len, first, &done);
    if (rc != 0 || done)
        return rc;
    size_t date_len = iso_date(tok, parts, lens, date);
    if (date_len > 0)
        memcpy(whole, date, whole_len = date_len);
    else if (slash)
        whole_len = 0; /* 1/2, 24/7: parts only */
    uint32_t base = r->position;
    for (unsigned i = 0; i < tok->nparts; i++) {
        const struct raw_part *p = &tok->parts[i];
        unsigned f = part_flags(p) | CARI_TOKEN_PART | (i == 0 ? sentence : 0);
        rc = emit(r, base + i, f, p->start, p->end, parts[i], lens[i], stemmable(p));
        if (rc == 0 && i == 0 && whole_len > 0 && whole_len <= FORMAT_MAX_TERM)
            rc = emit(r, base, first | CARI_TOKEN_WHOLE, tok->start, tok->end, whole, whole_len, 0);
        if (rc != 0)
            return rc;
    }
    r->position = base + tok->nparts;
    return 0;
}

/* A token of one part. A plain word (letters, no digits) is emitted from the
 * token's own text, which normalize_number would leave as it is, with the
 * hash the lookahead took of it: the memo's lookup is most of its cost. */
static int emit_simple(struct run *r, const struct raw_token *tok, unsigned sentence,
                       const uint32_t *plain_hash)
{
    const struct raw_part *p = &tok->parts[0];
    unsigned flags = part_flags(p) | sentence;
    if (plain_hash != NULL)
        return emit_hashed(r, r->position++, flags, tok->start, tok->end, tok->text, tok->len, 1,
                           *plain_hash);
    char text[FORMAT_MAX_TERM + 1];
    size_t len = normalize_number(tok->text, tok->len, text);
    return emit(r, r->position++, flags, tok->start, tok->end, text, len, stemmable(p));
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* Tokens are read a little ahead of their analysis, so that the memo's slot
 * of a word two tokens on and then its entry (one token on) are fetched from
 * memory while the current token is analysed: on a large vocabulary the
 * lookups otherwise wait on those two misses, one after the other. */
enum { AHEAD = 3 };

struct lookahead {
    struct raw_token tok[AHEAD];
    uint32_t hash[AHEAD]; /* of a plain word's text */
    uint8_t plain[AHEAD]; /* a plain word: its text is what the memo is asked for */
};

static void note_ahead(struct lookahead *la, size_t i)
{
    const struct raw_token *tok = &la->tok[i];
    /* (a word with letters and no digits: normalize_number leaves it as it is) */
    la->plain[i] = tok->nparts == 1 && stemmable(&tok->parts[0]);
    if (la->plain[i])
        la->hash[i] = word_hash(tok->text, tok->len);
}

static void fetch_slot(const cari_analyzer *a, const struct lookahead *la, size_t i)
{
    if (la->plain[i] && a->memo_cap > 0)
        PREFETCH(&a->memo_slots[la->hash[i] & (a->memo_cap - 1)]);
}

static void fetch_entry(const cari_analyzer *a, const struct lookahead *la, size_t i)
{
    if (!la->plain[i] || a->memo_cap == 0)
        return;
    uint32_t idx = a->memo_slots[la->hash[i] & (a->memo_cap - 1)];
    if (idx != 0)
        PREFETCH(&a->memo[idx - 1]);
}

int analyzer_run(cari_analyzer *a, const char *text, size_t len, uint32_t first_position,
                 analyzer_token_fn fn, void *payload, uint32_t *next_position)
{
    struct run r = { a, fn, payload, first_position };
    tokenizer t;
    struct lookahead la;
    size_t head = 0, n = 0;
    int rc = 0;
    tokenizer_init(&t, text, len);
    while (n < AHEAD && tokenizer_next(&t, &la.tok[n]))
        note_ahead(&la, n++);
    while (rc == 0 && n > 0) {
        const struct raw_token *tok = &la.tok[head];
        if (n > 2)
            fetch_slot(a, &la, (head + 2) % AHEAD);
        if (n > 1)
            fetch_entry(a, &la, (head + 1) % AHEAD);
        if (r.position > UINT32_MAX - TOKENIZER_MAX_PARTS - 1) {
            rc = error_set(CARI_ELIMIT, "more than 4 billion tokens in one document");
            break;
        }
        unsigned sentence = (tok->flags & RAW_SENTENCE_START) ? CARI_TOKEN_SENTENCE_START : 0;
        rc = tok->nparts == 1 ? emit_simple(&r, tok, sentence, la.plain[head] ? &la.hash[head] : NULL)
                              : emit_compound(&r, tok, sentence);
        /* the slot just analysed takes the next token, the last in line (while
         * the text lasts the ring is full: n < AHEAD only once it is used up) */
        if (n == AHEAD && tokenizer_next(&t, &la.tok[head]))
            note_ahead(&la, head);
        else
            n--;
        head = (head + 1) % AHEAD;
    }
    if (next_position != NULL)
        *next_position = r.position;
    return rc;
}

struct public_run {
    cari_token_fn fn;
    void *payload;
};

static int call_public(const cari_token *t, struct analyzer_word_tag *tag, void *payload)
{
    (void)tag;
    const struct public_run *p = payload;
    return p->fn(t, p->payload);
}

int cari_analyze(cari_analyzer *a, const char *text, size_t len, cari_token_fn fn, void *payload)
{
    if (a == NULL || (text == NULL && len > 0) || fn == NULL)
        return error_set(CARI_EINVAL, "cari_analyze: NULL argument");
    struct public_run p = { fn, payload };
    return analyzer_run(a, text, len, 0, call_public, &p, NULL);
}
