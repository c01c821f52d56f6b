/* stem_rules.c - Indonesian affix rules checked against the headword list:
 * every way of reading a word as prefixes + root + suffix + clitics is tried,
 * with the sound changes of meN-/peN- undone (menegaskan: t-egas, mengirim:
 * k-irim, memutuskan: p-utus), and the headword that keeps most letters of
 * the word wins, so roots that only look affixed (pasukan: pasuk, not pasu)
 * keep theirs. No root found: the word stays as written, because a stem that is
 * no word only merges unrelated words. */
#include "core/stem_rules.h"

#include <string.h>

#include "core/lexicon.h"

enum { MIN_ROOT = 3, MAX_WORD = 64 };

struct best {
    const char *word; /* the surface, to tell how many letters a prefix took */
    char root[MAX_WORD + 1];
    size_t len, kept, at, head; /* kept: letters of the word in the root */
};

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

static int starts(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

/* Offers `head` + s[0..n) as a root. The root that keeps most letters of the
 * word wins (pasukan: pasuk-an, not pasu-kan); of equals, the one that starts
 * earlier (berikan: beri-kan, not ber-ikan), then the one that restores no
 * letter (mengusir: usir, not kusir), then the first offered. */
static void offer(struct best *b, const char *head, const char *s, size_t n)
{
    size_t h = strlen(head), at = (size_t)(s - b->word);
    if (h + n < MIN_ROOT || h + n > MAX_WORD || n < b->kept)
        return;
    if (n == b->kept && (at > b->at || (at == b->at && h >= b->head)))
        return;
    char w[MAX_WORD + 1];
    memcpy(w, head, h);
    memcpy(w + h, s, n);
    if (!lexicon_is_root(w, h + n))
        return;
    memcpy(b->root, w, h + n);
    b->len = h + n;
    b->kept = n;
    b->at = at;
    b->head = h;
}

/* Confixes Indonesian does not form (ber-i, di-an, ke-i, ke-kan, meN-an, se-i, se-kan, ter-an). */
static int confix_ok(const char *prefix, const char *suffix)
{
    static const char *const bad[][2] = { { "ber", "i" },  { "di", "an" }, { "ke", "i" },
                                          { "ke", "kan" }, { "me", "an" }, { "se", "i" },
                                          { "se", "kan" }, { "ter", "an" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strcmp(prefix, bad[i][0]) == 0 && strcmp(suffix, bad[i][1]) == 0)
            return 0;
    return 1;
}

/* ber-/per-/ter- and their be-/pe-/te- forms before r (berasal: asal,
 * berencana: rencana), bel-/pel- before ajar. */
static void strip_r_prefix(struct best *b, const char *s, size_t n, const char *p3)
{
    if (p3[0] != 't' && n == 7 && s[0] == p3[0] && memcmp(s + 1, "elajar", 6) == 0)
        offer(b, "", s + 3, n - 3);
    if (!starts(s, n, p3))
        return;
    offer(b, "", s + 3, n - 3);
    offer(b, "", s + 2, n - 2);
}

/* be-/pe- before a syllable ending in -er (bekerja, pekerja, beserta). */
static void strip_be_cer(struct best *b, const char *s, size_t n)
{
    if (n > 5 && (starts(s, n, "be") || starts(s, n, "pe")) && !is_vowel(s[2]) && s[2] != 'r' &&
        s[3] == 'e' && s[4] == 'r')
        offer(b, "", s + 2, n - 2);
}

/* Second-order prefixes, after di-, meN-, ke-, se-, ter-: per-, ber-, ter-. */
static void strip_second(struct best *b, const char *s, size_t n)
{
    offer(b, "", s, n);
    strip_r_prefix(b, s, n, "per");
    strip_r_prefix(b, s, n, "ber");
    strip_r_prefix(b, s, n, "ter");
    strip_be_cer(b, s, n);
}

/* meN- and peN- (p is "me" or "pe"): the nasal and the consonant it replaced. */
static void strip_nasal(struct best *b, const char *s, size_t n)
{
    const char *r = s + 2;
    size_t m = n - 2;
    if (m < 2)
        return;
    if (strchr("lrwym", r[0]) != NULL || (r[0] == 'n' && r[1] != 'g'))
        strip_second(b, r, m); /* melihat, memulai: mulai, menilai, menyatakan: nyata */
    if (starts(r, m, "nge") && m > 4) {
        size_t had = b->len;
        offer(b, "", r + 3, m - 3); /* mengebom, mengetahui: tahu (not ketahu) */
        if (b->len != had)
            return;
    }
    if (starts(r, m, "ng")) {
        if (is_vowel(r[2]))
            offer(b, "k", r + 2, m - 2), offer(b, "", r + 2, m - 2);
        else if (strchr("ghk", r[2]) != NULL)
            offer(b, "", r + 2, m - 2);
    } else if (starts(r, m, "ny") && is_vowel(r[2])) {
        offer(b, "s", r + 2, m - 2);
    } else if (r[0] == 'n') {
        if (is_vowel(r[1]))
            offer(b, "t", r + 1, m - 1); /* a vowel-initial root takes meng- */
        else if (strchr("cdjstz", r[1]) != NULL)
            offer(b, "", r + 1, m - 1);
    } else if (r[0] == 'm') {
        if (is_vowel(r[1]))
            offer(b, "p", r + 1, m - 1);
        else if (strchr("bfvp", r[1]) != NULL)
            strip_second(b, r + 1, m - 1); /* memperkuat: per-kuat */
    }
}

static int numeral(const char *s, size_t n)
{
    static const char *const words[] = { "satu",  "dua",     "tiga",     "empat",   "lima",
                                         "enam",  "tujuh",   "delapan",  "sembilan", "sepuluh",
                                         "seratus", "seribu", "sebelas", "lapan" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return 1;
    return 0;
}

/* Every prefix reading of s, a word without its clitics and the suffix `suf`
 * ("", "kan", "an", "i": some confixes do not exist). */
static void strip_prefixes(struct best *b, const char *s, size_t n, const char *suf)
{
    if (n > MIN_ROOT || strcmp(suf, "an") != 0)
        offer(b, "", s, n); /* -an alone leaves four letters at least (asean) */
    if (n < 4)
        return;
    if (starts(s, n, "di") && confix_ok("di", suf))
        strip_second(b, s + 2, n - 2);
    if (starts(s, n, "ke") && confix_ok("ke", suf) && (strcmp(suf, "an") == 0 || numeral(s + 2, n - 2)))
        strip_second(b, s + 2, n - 2);
    if (starts(s, n, "se") && confix_ok("se", suf))
        strip_second(b, s + 2, n - 2);
    if (starts(s, n, "kau") && *suf == '\0')
        offer(b, "", s + 3, n - 3);
    else if (starts(s, n, "ku") && *suf == '\0')
        offer(b, "", s + 2, n - 2);
    if (confix_ok("ter", suf))
        strip_r_prefix(b, s, n, "ter");
    if (confix_ok("ber", suf)) {
        strip_r_prefix(b, s, n, "ber");
        strip_be_cer(b, s, n);
    }
    strip_r_prefix(b, s, n, "per");
    if (starts(s, n, "me") && confix_ok("me", suf))
        strip_nasal(b, s, n);
    if (starts(s, n, "pe")) {
        strip_nasal(b, s, n);
        offer(b, "", s + 2, n - 2); /* pejuang, pelaku */
    }
}

static void strip_suffixes(struct best *b, const char *s, size_t n)
{
    static const char *const suffixes[] = { "", "kan", "an", "i" };
    for (size_t i = 0; i < 4; i++) {
        size_t k = strlen(suffixes[i]);
        if (n < k + MIN_ROOT || memcmp(s + n - k, suffixes[i], k) != 0)
            continue;
        strip_prefixes(b, s, n - k, suffixes[i]);
    }
}

size_t stem_rules(const char *word, size_t len, char *out)
{
    static const char *const particles[] = { "", "lah", "kah", "pun" };
    static const char *const possessives[] = { "", "nya", "ku", "mu" };
    struct best b = { word, "", 0, 0, 0, 0 };
    if (len > MAX_WORD || lexicon_is_root(word, len))
        return 0;
    for (size_t i = 0; i < 4; i++) {
        size_t k = strlen(particles[i]);
        if (len < k + MIN_ROOT || memcmp(word + len - k, particles[i], k) != 0)
            continue;
        for (size_t j = 0; j < 4; j++) {
            size_t q = strlen(possessives[j]), n = len - k - q;
            if (len - k < q + MIN_ROOT || memcmp(word + n, possessives[j], q) != 0)
                continue;
            strip_suffixes(&b, word, n);
        }
    }
    if (b.len == 0)
        return 0;
    memcpy(out, b.root, b.len);
    return b.len;
}
