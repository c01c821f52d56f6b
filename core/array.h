/* array.h - growing a plain C array. */
#ifndef CARI_CORE_ARRAY_H
#define CARI_CORE_ARRAY_H

#include <stddef.h>

/* Makes room for `need` elements of `elem` bytes in *data (capacity *cap,
 * doubling). Returns 0, CARI_ENOMEM or CARI_ELIMIT. */
int array_reserve(void **data, size_t *cap, size_t need, size_t elem);

#endif
