/* The in-memory hashing the analyzer's memo and the inverter rely on, and the
 * tags the memo keeps for the indexer: the same word finds its own tag again,
 * other words never share it, and only stemmed words have one. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/analyzer.h"
#include "core/hash.h"

/* hash_bytes as it was written first (a byte copy of the tail): the tables
 * must keep the same values, so that their layouts do not change. */
static uint64_t reference_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull ^ (len * 0x9e3779b97f4a7c15ull);
    while (len >= 8) {
        uint64_t w = 0;
        for (int i = 0; i < 8; i++)
            w |= (uint64_t)p[i] << (8 * i);
        h = (h ^ w) * 0x100000001b3ull;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)p[i] << (8 * i);
    h = (h ^ w) * 0x100000001b3ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

Test(memo, hash_of_every_length_matches_the_reference)
{
    unsigned char bytes[80];
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof bytes; i++) {
        s = s * 1103515245u + 12345u;
        bytes[i] = (unsigned char)(s >> 16);
    }
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len + off <= 72; len++)
            cr_assert_eq(hash_bytes(bytes + off, len), reference_hash(bytes + off, len),
                         "offset %zu, length %zu", off, len);
    cr_assert_neq(hash_bytes("ab", 2), hash_bytes("ba", 2));
    cr_assert_neq(hash_bytes("a", 1), hash_bytes("a\0", 2)); /* the length counts */
}

Test(memo, same_bytes_finds_a_difference_at_every_position)
{
    char a[48], b[48];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (char)('a' + i % 26);
    for (size_t len = 0; len <= 40; len++) {
        memcpy(b, a, sizeof a);
        cr_assert(hash_same_bytes(a, b, len), "length %zu", len);
        for (size_t at = 0; at < len; at++) {
            memcpy(b, a, sizeof a);
            b[at] ^= 0x40;
            cr_assert_not(hash_same_bytes(a, b, len), "length %zu, difference at %zu", len, at);
        }
        /* bytes past the length do not count */
        memcpy(b, a, sizeof a);
        b[len] ^= 0x40;
        cr_assert(hash_same_bytes(a, b, len), "length %zu, difference after", len);
    }
}

struct seen {
    size_t tagged, untagged, first_sightings;
    char words[8][32]; /* the word noted in tag number i + 1 */
    size_t nwords;
};

/* Notes each new stemmed word in its tag; a tag already noted must be its own. */
static int check_tag(const cari_token *t, struct analyzer_word_tag *tag, void *payload)
{
    struct seen *s = payload;
    if (tag == NULL) {
        s->untagged++;
        return 0;
    }
    s->tagged++;
    if (tag->generation == 0) {
        cr_assert_eq(tag->exact_term, 0);
        cr_assert_eq(tag->root_term, 0);
        cr_assert_lt(s->nwords, 8);
        memcpy(s->words[s->nwords], t->exact, t->exact_len);
        s->words[s->nwords][t->exact_len] = '\0';
        *tag = (struct analyzer_word_tag){ 7, (uint32_t)++s->nwords, 99 };
        s->first_sightings++;
        return 0;
    }
    cr_assert_eq(tag->generation, 7);
    cr_assert_eq(tag->root_term, 99);
    cr_assert_leq(tag->exact_term, s->nwords);
    const char *noted = s->words[tag->exact_term - 1];
    cr_assert(strlen(noted) == t->exact_len && memcmp(noted, t->exact, t->exact_len) == 0,
              "the tag of \"%s\" is that of \"%.*s\"", noted, (int)t->exact_len, t->exact);
    return 0;
}

Test(memo, a_word_finds_its_own_tag_again)
{
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    struct seen s = { 0 };
    const char *text = "Pasukan menegaskan pasukan 2025 Kim Jong-un menegaskan teman-teman PASUKAN";
    cr_assert_eq(analyzer_run(a, text, strlen(text), 0, check_tag, &s, NULL), CARI_OK);
    /* pasukan menegaskan kim jong un: stemmed words, tagged (jong-un's whole is not) */
    cr_assert_eq(s.first_sightings, 5);
    cr_assert_str_eq(s.words[0], "pasukan");
    cr_assert_str_eq(s.words[1], "menegaskan");
    /* pasukan x3, menegaskan x2, kim, jong, un */
    cr_assert_eq(s.tagged, 8);
    /* 2025, jong-un (the whole), teman-teman (a reduplication) */
    cr_assert_eq(s.untagged, 3);
    /* a second text: the tags are still there */
    s.first_sightings = s.tagged = s.untagged = 0;
    const char *again = "pasukan kim";
    cr_assert_eq(analyzer_run(a, again, strlen(again), 0, check_tag, &s, NULL), CARI_OK);
    cr_assert_eq(s.first_sightings, 0);
    cr_assert_eq(s.tagged, 2);
    cari_analyzer_free(a);
}

struct tag_count {
    size_t distinct, tagged;
    uint32_t expect; /* the tag the next word must have, 0 in the first pass */
};

static int count_tags(const cari_token *t, struct analyzer_word_tag *tag, void *payload)
{
    (void)t;
    struct tag_count *c = payload;
    cr_assert_not_null(tag);
    if (tag->generation == 0) {
        tag->generation = 1;
        tag->exact_term = (uint32_t)++c->distinct;
    } else {
        cr_assert_eq(tag->exact_term, c->expect, "word %u has the tag of word %u", c->expect,
                     tag->exact_term);
        c->expect++;
    }
    c->tagged++;
    return 0;
}

Test(memo, tags_survive_the_memo_growing)
{
    /* 6000 distinct words (the memo grows from 1024 slots several times),
     * twice: the second pass finds every tag set, none new */
    cari_analyzer *a;
    cr_assert_eq(cari_analyzer_new(&a), CARI_OK);
    size_t cap = 6000 * 12;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    size_t n = 0;
    for (int i = 0; i < 6000; i++)
        n += (size_t)snprintf(text + n, cap - n, "ka%c%c%cri ", 'a' + i % 26, 'a' + i / 26 % 26,
                              'a' + i / 676 % 26);
    struct tag_count c = { 0, 0, 0 };
    cr_assert_eq(analyzer_run(a, text, n, 0, count_tags, &c, NULL), CARI_OK);
    cr_assert_eq(c.distinct, 6000);
    cr_assert_eq(c.tagged, 6000);
    c.expect = 1;
    cr_assert_eq(analyzer_run(a, text, n, 0, count_tags, &c, NULL), CARI_OK);
    cr_assert_eq(c.distinct, 6000);
    cr_assert_eq(c.tagged, 12000);
    cr_assert_eq(c.expect, 6001);
    free(text);
    cari_analyzer_free(a);
}
