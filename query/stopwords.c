/* stopwords.c - the words a query leaves out unless it is quoted, prefixed or
 * made of nothing else. Documents keep them all (phrases such as "Kim Jong
 * Un" or "yang di pertuan" need their positions); at query time they only
 * add noise: a question's kapan or siapakah is in no answer, and di, yang
 * are in almost every document. Chosen on the TyDi QA questions outside the
 * test split (bench/eval_tydiqa.sh tune): nDCG@10 +0.04. */
#include "query/stopwords.h"

#include <stdlib.h>
#include <string.h>

/* sorted, for bsearch */
static const char *const stopwords[] = {
    "adalah", "apa", "apakah", "atau", "bagaimana", "bagaimanakah", "berapa", "berapakah",
    "dalam", "dan", "dari", "dengan", "di", "dimana", "dimanakah", "ialah", "ini", "itu",
    "juga", "kapan", "kapankah", "ke", "kenapa", "mana", "manakah", "mengapa", "oleh", "pada",
    "saja", "sebagai", "siapa", "siapakah", "tersebut", "untuk", "yang",
};

static int compare(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

int query_is_stopword(const char *word, size_t len)
{
    char w[16];
    while (len > 0 && strchr("?!.,;:", word[len - 1]) != NULL)
        len--;
    if (len == 0 || len >= sizeof w)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = word[i];
        if ((c | 0x20) < 'a' || (c | 0x20) > 'z')
            return 0;
        w[i] = (char)(c | 0x20);
    }
    w[len] = '\0';
    return bsearch(w, stopwords, sizeof stopwords / sizeof *stopwords, sizeof *stopwords, compare) != NULL;
}
