/* norms.h - one-byte document lengths (Lucene's SmallFloat.intToByte4): exact
 * below 24, then a 4-bit mantissa; the byte order is the length order. */
#ifndef CARI_CORE_NORMS_H
#define CARI_CORE_NORMS_H

#include <stdint.h>

uint8_t norm_encode(uint32_t length);
uint32_t norm_decode(uint8_t norm);

#endif
