/* tokenizer.c - one pass over the text, no allocation. */
#include "core/tokenizer.h"

#include "core/unicode.h"

void tokenizer_init(tokenizer *t, const char *text, size_t len)
{
    t->base = t->p = (const uint8_t *)text;
    t->end = t->p + len;
    t->sentence_start = 1;
}

struct cursor {
    uint32_t cp;
    size_t len;
    enum unicode_class klass;
};

static struct cursor peek(const uint8_t *p, const uint8_t *end)
{
    struct cursor c = { 0, 0, UC_SEP };
    if (p < end && *p < 0x80) { /* most of the text: no decoding, no search */
        c.cp = *p;
        c.len = 1;
        c.klass = (enum unicode_class)unicode_ascii_classes[*p];
    } else if (p < end) {
        c.len = utf8_decode(p, end, &c.cp);
        c.klass = unicode_class_of(c.cp);
    }
    return c;
}

/* ASCII digits and the fullwidth ones that fold to them */
static int is_digit(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }

/* Whether the joiner `j`, between the code points `prev` and `next`, keeps the token going. */
static int joins(const struct cursor *j, uint32_t prev, const struct cursor *next)
{
    if (next->klass != UC_WORD)
        return 0;
    switch (j->klass) {
    case UC_HYPHEN:
    case UC_UNDERSCORE: return 1;
    case UC_APOS: return !is_digit(prev) && !is_digit(next->cp);
    case UC_DOT:
    case UC_COMMA:
    case UC_SLASH: return is_digit(prev) && is_digit(next->cp);
    default: return 0;
    }
}

/* Moves past separators, noting whether a sentence ended among them. */
static void skip_separators(tokenizer *t)
{
    while (t->p < t->end) {
        if (*t->p == ' ') { /* the most common separator */
            t->p++;
            continue;
        }
        struct cursor c = peek(t->p, t->end);
        if (c.klass == UC_WORD)
            return;
        t->p += c.len;
        /* "detik.com": a full stop right before a word ends no sentence */
        if (c.cp == '\n' || ((c.cp == '.' || c.cp == '!' || c.cp == '?') &&
                             peek(t->p, t->end).klass != UC_WORD))
            t->sentence_start = 1;
    }
}

static void part_begin(struct raw_token *tok, size_t start)
{
    struct raw_part *part = &tok->parts[tok->nparts++];
    *part = (struct raw_part){ .text_off = tok->len, .start = start };
}

static void part_end(struct raw_token *tok, size_t end)
{
    struct raw_part *part = &tok->parts[tok->nparts - 1];
    part->text_len = (uint16_t)(tok->len - part->text_off);
    part->end = end;
}

/* The hot path: the run of ASCII letters and digits at p, folded into the
 * token in one loop; returns the bytes taken (fewer than the run when the
 * token is full). */
static size_t append_ascii_run(struct raw_token *tok, const uint8_t *p, const uint8_t *end)
{
    struct raw_part *part = &tok->parts[tok->nparts - 1];
    size_t room = (size_t)FORMAT_MAX_TERM - tok->len;
    if ((size_t)(end - p) < room)
        room = (size_t)(end - p);
    char *out = tok->text + tok->len;
    unsigned letters = part->letters, uppers = part->uppers, digits = part->digits;
    size_t i = 0;
    for (; i < room; i++) {
        uint8_t c = p[i];
        if ((unsigned)(c - '0') < 10u) {
            digits++;
            out[i] = (char)c;
            continue;
        }
        uint8_t lower = c | 0x20;
        if ((unsigned)(lower - 'a') >= 26u)
            break;
        unsigned upper = c < 'a';
        if (letters == 0)
            part->first_upper = (uint8_t)upper;
        letters++;
        uppers += upper;
        out[i] = (char)lower;
    }
    part->letters = (uint16_t)letters;
    part->uppers = (uint16_t)uppers;
    part->digits = (uint16_t)digits;
    tok->len = (uint16_t)(tok->len + i);
    return i;
}

static int ascii_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Appends the folded form of a word code point; 0 when the token is full. */
static int append_word(struct raw_token *tok, uint32_t cp)
{
    char folded[8];
    int upper;
    size_t n = unicode_fold(cp, folded, &upper);
    if (tok->len + n > FORMAT_MAX_TERM)
        return 0;
    struct raw_part *part = &tok->parts[tok->nparts - 1];
    if (is_digit(cp)) {
        part->digits++;
    } else {
        if (part->letters == 0)
            part->first_upper = (uint8_t)upper;
        part->letters++;
        part->uppers = (uint16_t)(part->uppers + (upper != 0));
    }
    for (size_t i = 0; i < n; i++)
        tok->text[tok->len++] = folded[i];
    return 1;
}

int tokenizer_next(tokenizer *t, struct raw_token *tok)
{
    skip_separators(t);
    if (t->p >= t->end)
        return 0;
    tok->start = (size_t)(t->p - t->base);
    tok->flags = t->sentence_start ? RAW_SENTENCE_START : 0;
    tok->nparts = 0;
    tok->len = 0;
    t->sentence_start = 0;
    part_begin(tok, tok->start);

    uint32_t prev = 0;
    while (t->p < t->end) {
        if (ascii_alnum(*t->p)) {
            size_t n = append_ascii_run(tok, t->p, t->end);
            if (n == 0)
                break; /* full: the rest of the run becomes the next token */
            t->p += n;
            prev = t->p[-1];
            continue;
        }
        struct cursor c = peek(t->p, t->end);
        if (c.klass == UC_WORD) {
            if (!append_word(tok, c.cp))
                break; /* full: the rest of the run becomes the next token */
            prev = c.cp;
            t->p += c.len;
            continue;
        }
        if (c.klass == UC_MARK || c.klass == UC_IGNORE) {
            t->p += c.len;
            continue;
        }
        struct cursor next = peek(t->p + c.len, t->end);
        if (!joins(&c, prev, &next))
            break;
        int splits = c.klass == UC_HYPHEN || c.klass == UC_SLASH;
        if (splits && tok->nparts == TOKENIZER_MAX_PARTS)
            break;
        if (c.klass != UC_APOS) {
            /* room for the joiner and the longest folded code point after it,
             * so that no part is left empty */
            if (tok->len + 1 + 8 > FORMAT_MAX_TERM)
                break;
            if (splits)
                part_end(tok, (size_t)(t->p - t->base));
            tok->text[tok->len++] = c.klass == UC_HYPHEN ? '-' : (char)c.cp;
            if (splits) {
                if (c.klass == UC_SLASH)
                    tok->flags |= RAW_HAS_SLASH;
                part_begin(tok, (size_t)(t->p + c.len - t->base));
            }
        }
        t->p += c.len;
    }
    tok->end = (size_t)(t->p - t->base);
    part_end(tok, tok->end);
    tok->text[tok->len] = '\0';
    return 1;
}
