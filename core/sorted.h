/* sorted.h - operations on increasing arrays of document numbers. */
#ifndef CARI_CORE_SORTED_H
#define CARI_CORE_SORTED_H

#include <stddef.h>
#include <stdint.h>

/* How many distinct values the two increasing arrays hold together. */
static inline size_t sorted_union_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        uint32_t x = a[i], y = b[j];
        i += x <= y;
        j += y <= x;
        n++;
    }
    return n + (na - i) + (nb - j);
}

#endif
