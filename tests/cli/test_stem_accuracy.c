/* The analyzer's roots against the gold file (a copy of
 * ../shared/analysis/stems-dev.tsv): the counts reached, exactly, so that any
 * regression (or an improvement nobody recorded) fails. bench/stem_score
 * prints the same per category. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/test_util.h"

#define STEM_SCORE CARI_BINARY_DIR "/stem_score"
#define GOLD CARI_SOURCE_DIR "/tests/data/stems-dev.tsv"

static char *score(const char *options)
{
    char cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, "%s %s %s", STEM_SCORE, options, GOLD);
    int code = test_run(cmd, NULL, &out, &err);
    cr_assert_eq(code, 0, "%s: exit %d: %s", cmd, code, err);
    free(err);
    return out;
}

static void expect_line(const char *out, const char *line)
{
    cr_assert_not_null(strstr(out, line), "want <%s> in:\n%s", line, out);
}

Test(stem_accuracy, with_the_table)
{
    char *out = score("");
    expect_line(out, "overall 319/321 = 99.4%\n");
    /* every family of names stays exact; libstemmer kept 17 of 41 */
    expect_line(out, "  name-place-id              18/18  \n");
    expect_line(out, "  name-foreign               16/16  \n");
    expect_line(out, "  meN-t                      10/10  \n");
    expect_line(out, "  redup-affixed               5/5   \n");
    free(out);
}

Test(stem_accuracy, rules_and_headwords_alone)
{
    char *out = score("--rules");
    expect_line(out, "overall 305/321 = 95.0%\n");
    expect_line(out, "  meN-t                      10/10  \n");
    expect_line(out, "  name-place-id              13/18  \n"); /* what the table is for */
    expect_line(out, "  r-boundary                  7/7   \n");
    free(out);
}

Test(stem_accuracy, misses_are_the_known_ones)
{
    /* hunspell lists berlaku and apakah as headwords; the gold wants laku, apa */
    char *out = score("--errors");
    expect_line(out, "miss\tclitic-lookalike\tberlaku\texpected laku\tgot berlaku\n");
    expect_line(out, "miss\tclitic-particle\tapakah\texpected apa\tgot apakah\n");
    cr_assert_eq(strstr(strstr(out, "miss\tclitic-particle") + 1, "miss\t"), NULL, "%s", out);
    free(out);
}

Test(stem_accuracy, snowball_baseline)
{
    /* libstemmer inside the same chain (reduplication folding, hyphenated
     * wholes): what the table and the rules are measured against; raw
     * libstemmer scores 173 */
    char *out = score("--snowball");
    expect_line(out, "overall 185/321 = 57.6%\n");
    expect_line(out, "  name-place-id               1/18  \n"); /* kediri -> diri, maluku -> malu */
    free(out);
}
