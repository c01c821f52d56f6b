/* sorted_union_count: the document frequency of a word's exact and root postings together. */
#include <criterion/criterion.h>

#include "core/sorted.h"

Test(sorted, union_counts_shared_values_once)
{
    uint32_t a[] = { 1, 3, 5, 7 }, b[] = { 2, 3, 7, 9, 11 };
    cr_assert_eq(sorted_union_count(a, 4, b, 5), 7);
    cr_assert_eq(sorted_union_count(b, 5, a, 4), 7);
    cr_assert_eq(sorted_union_count(a, 4, a, 4), 4);
    cr_assert_eq(sorted_union_count(a, 4, NULL, 0), 4);
    cr_assert_eq(sorted_union_count(NULL, 0, NULL, 0), 0);
    uint32_t c[] = { 0, UINT32_MAX - 1 }, d[] = { UINT32_MAX - 1 };
    cr_assert_eq(sorted_union_count(c, 2, d, 1), 2);
}
