/* tokenizer.h - splits UTF-8 text into raw tokens: folded runs of letters and
 * digits, with the joiners that keep a word together (hyphens between word
 * characters, apostrophes between letters, '.' ',' '/' between digits, '_'). */
#ifndef CARI_CORE_TOKENIZER_H
#define CARI_CORE_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "core/format.h"

enum { TOKENIZER_MAX_PARTS = 16 };

enum raw_token_flags {
    RAW_SENTENCE_START = 1 << 0, /* first token, or after . ! ? or a line break */
    RAW_HAS_SLASH = 1 << 1,      /* parts are joined by '/' (dates) somewhere */
};

struct raw_part {
    uint16_t text_off, text_len; /* in raw_token.text */
    size_t start, end;           /* byte span in the input */
    uint16_t letters, uppers, digits;
    uint8_t first_upper; /* the first letter is upper case */
};

struct raw_token {
    size_t start, end; /* byte span of the whole token in the input */
    unsigned flags;
    unsigned nparts;
    struct raw_part parts[TOKENIZER_MAX_PARTS];
    uint16_t len; /* folded text, parts separated by '-' or '/' */
    char text[FORMAT_MAX_TERM + 8];
};

typedef struct tokenizer {
    const uint8_t *base, *p, *end;
    int sentence_start;
} tokenizer;

void tokenizer_init(tokenizer *t, const char *text, size_t len);

/* Fills *tok with the next token; returns 0 when the text is used up. A run
 * longer than FORMAT_MAX_TERM folded bytes is cut into several tokens. */
int tokenizer_next(tokenizer *t, struct raw_token *tok);

#endif
