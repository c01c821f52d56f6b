/* The build refuses to go on without the dictionary it generates the lexicon
 * from, and says which Debian package to install: no silent degrade. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/test_util.h"

Test(build_config, missing_hunspell_id_fails_naming_the_package)
{
    char *dir = test_tmpdir(), cmd[2048], *out, *err;
    snprintf(cmd, sizeof cmd,
             "cmake -S %s -B %s/build -DCARI_BUILD_TESTS=OFF -DCARI_HUNSPELL_DIR=%s/none",
             CARI_SOURCE_DIR, dir, dir);
    int code = test_run(cmd, NULL, &out, &err);
    cr_assert_neq(code, 0, "configure succeeded without the dictionary: %s", out);
    cr_assert_not_null(strstr(err, "hunspell-id not found"), "%s", err);
    cr_assert_not_null(strstr(err, "install the"), "%s", err);
    cr_assert_not_null(strstr(err, "Debian package hunspell-id"), "%s", err);
    free(out);
    free(err);
    test_rmtree(dir);
    free(dir);
}
