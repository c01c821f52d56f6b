/* rice.h - the code of POSITIONS (docs/FORMAT.md, section 9): one run per
 * postings block, each value Rice-coded with the parameter k of its document,
 * which comes from the document's norm and frequency alone (nothing is
 * stored for it). A run holds the quotients (v >> k, in unary) forward from
 * its first byte and the low parts (k bits each) backward from its last, so
 * that a reader finds a document's low parts from the lengths of the
 * documents before it and its quotients by counting one bits, without
 * decoding the values before it, and without knowing where the other stream
 * ends. A k per document follows both the first position (~uniform in the
 * document) and the gaps (~length / tf) better than one k per 128 values
 * mixing both (bench/positions_size.c: 21.3 MiB against 23.0 MiB). */
#ifndef CARI_CORE_RICE_H
#define CARI_CORE_RICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/endian.h"

enum { RICE_MAX_K = 31 };

/* floor(log2(floor(11 (L + 1) / 16))), 0 below 2, for L the length of each
 * norm byte (core/norms.h): a table, as a reader computes k for every
 * document it passes. */
extern const uint8_t rice_norm_k[256];

/* The k of a document of norm byte `norm` holding `tf` values: its norm's k
 * less floor(log2(tf)), 0 below; near log2(ln 2 x the mean gap), the best k
 * for geometric gaps. The norm (NORMS: a quarter the bytes of DOC_LENGTHS,
 * read by BM25 too) rather than the exact length: as small. At most 30. */
static inline unsigned rice_doc_k(uint8_t norm, uint32_t tf)
{
    int k = (int)rice_norm_k[norm] - (31 - __builtin_clz(tf | 1));
    return k > 0 ? (unsigned)k : 0;
}

/* The bytes of one run of v[0..n), value i coded with k[i] (<= RICE_MAX_K). */
size_t rice_run_size(const uint32_t *v, const uint8_t *k, size_t n);

/* Appends that run to `out` (nothing when n is 0). */
void rice_run_encode(buf *out, const uint32_t *v, const uint8_t *k, size_t n);

/* A reader over one run in [start, end). Every read is checked against the
 * run; damage makes the calls return -1. */
typedef struct rice_run {
    const uint8_t *start, *end;
    uint64_t bits;     /* 8 (end - start) */
    uint64_t quotient; /* the bit of the next quotient */
} rice_run;

void rice_run_start(rice_run *r, const uint8_t *start, const uint8_t *end);

/* Moves past n quotients (n one bits). */
typedef int rice_skip_fn(rice_run *r, uint64_t n);

/* The fastest skip this CPU runs (the hardware popcount when it has one),
 * chosen on each call: keep the pointer. */
rice_skip_fn *rice_skipper(void);

/* The portable skip, and the one for CPUs with POPCNT (the portable one when
 * the compiler cannot build it): they agree on every input. */
int rice_skip_portable(rice_run *r, uint64_t n);
int rice_skip_popcnt(rice_run *r, uint64_t n);

/* Reads the next n values of one document coded with k, whose low parts end
 * `low_before` bits before the run's end (the low bits of the run's values
 * before them). Returns 0 or -1. */
int rice_run_read(rice_run *r, uint64_t low_before, unsigned k, uint32_t *out, uint32_t n);

/* After the run's last value, whose low parts take `low_bits` in all:
 * whether the run ends exactly there (its quotients, zero bits, then the low
 * parts, in the fewest whole bytes). */
int rice_run_complete(const rice_run *r, uint64_t low_bits);

#endif
