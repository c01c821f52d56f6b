/* array.c - growing a plain C array. */
#include "core/array.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"

int array_reserve(void **data, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return error_set(CARI_ELIMIT, "array of %zu elements too large", need);
        n *= 2;
    }
    void *p = realloc(*data, n * elem);
    if (p == NULL)
        return error_oom();
    *data = p;
    *cap = n;
    return 0;
}
