/* stopwords.h - the function and question words a query leaves out. */
#ifndef CARI_QUERY_STOPWORDS_H
#define CARI_QUERY_STOPWORDS_H

#include <stddef.h>

/* Whether a query word, as typed (any case, trailing punctuation allowed), is
 * a stop word: apa, siapakah, yang, di... */
int query_is_stopword(const char *word, size_t len);

#endif
