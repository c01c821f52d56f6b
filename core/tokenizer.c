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

struct run_counts {
    unsigned letters, uppers, digits;
    uint8_t first_upper;
};

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>

/* The one bits of a 16-bit mask, inline: the compiler's builtin is a call
 * into libgcc on CPUs the build cannot assume have POPCNT. */
static unsigned ones16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

/* Bit i of the mask: byte i lies in [lo, hi] (bytes of 0x80 and above, negative
 * as signed bytes, never do). */
static unsigned byte_range_mask(__m128i c, char lo, char hi)
{
    __m128i in = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8((char)(lo - 1))),
                               _mm_cmplt_epi8(c, _mm_set1_epi8((char)(hi + 1))));
    return (unsigned)_mm_movemask_epi8(in);
}

/* The run's first bytes 16 at a time, while 16 fit in `room`: a word seldom
 * needs more than one step, and its end costs no mispredicted branch per
 * byte. Folding is an OR of 0x20 (it leaves digits as they are); the bytes
 * stored past the run are overwritten or lie past the token's end. Returns
 * the bytes taken; *ended: the run ended there. */
static size_t ascii_run_16(const uint8_t *p, size_t room, char *out, struct run_counts *n,
                           int *ended)
{
    size_t i = 0;
    *ended = 0;
    while (room - i >= 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned dm = byte_range_mask(c, '0', '9'), um = byte_range_mask(c, 'A', 'Z');
        unsigned lm = byte_range_mask(c, 'a', 'z');
        unsigned run = (unsigned)__builtin_ctz(~(dm | um | lm) | 0x10000u);
        unsigned keep = (1u << run) - 1, letters = (um | lm) & keep;
        if (n->letters == 0 && letters != 0)
            n->first_upper = (uint8_t)((um >> __builtin_ctz(letters)) & 1);
        n->letters += ones16(letters);
        n->uppers += ones16(um & keep);
        n->digits += ones16(dm & keep);
        _mm_storeu_si128((__m128i *)(void *)(out + i), _mm_or_si128(c, _mm_set1_epi8(0x20)));
        i += run;
        if (run < 16) {
            *ended = 1;
            break;
        }
    }
    return i;
}
#else
static size_t ascii_run_16(const uint8_t *p, size_t room, char *out, struct run_counts *n,
                           int *ended)
{
    (void)p, (void)room, (void)out, (void)n;
    *ended = 0;
    return 0;
}
#endif

/* The hot path: the run of ASCII letters and digits at p, folded into the
 * token 16 bytes at a time, then byte by byte; returns the bytes taken (fewer
 * than the run when the token is full). */
static size_t append_ascii_run(struct raw_token *tok, const uint8_t *p, const uint8_t *end)
{
    struct raw_part *part = &tok->parts[tok->nparts - 1];
    size_t room = (size_t)FORMAT_MAX_TERM - tok->len;
    if ((size_t)(end - p) < room)
        room = (size_t)(end - p);
    char *out = tok->text + tok->len;
    struct run_counts n = { part->letters, part->uppers, part->digits, part->first_upper };
    int ended;
    size_t i = ascii_run_16(p, room, out, &n, &ended);
    part->first_upper = n.first_upper;
    unsigned letters = n.letters, uppers = n.uppers, digits = n.digits;
    if (ended)
        room = i;
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
