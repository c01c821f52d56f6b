/* A malformed query frees everything parsed before the error: a word before
 * an unclosed quote, a group never closed or only excluding (found by
 * fuzz_query_parse). Under AddressSanitizer the leak checker proves it;
 * without it, the messages are still checked. */
#include <criterion/criterion.h>
#include <string.h>

#include "cari.h"
#include "tests/query/query_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAKS_FOUND() __lsan_do_recoverable_leak_check()
#else
#define LEAKS_FOUND() 0
#endif

static struct qfix fx;

static void setup(void)
{
    static const struct test_doc docs[] = { { "d0", NULL, "kursk trump gerasimov" } };
    qfix_docs(&fx, docs, 1);
}
static void teardown(void) { qfix_close(&fx); }

TestSuite(query_error_cleanup, .init = setup, .fini = teardown);

static void assert_refused(const char *text, unsigned flags, const char *msg)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, fx.ix, text, strlen(text), flags), CARI_ESYNTAX, "%s", text);
    cr_assert_null(q);
    cr_assert_str_eq(cari_error_last(), msg, "%s", text);
}

Test(query_error_cleanup, words_parsed_before_the_error_are_freed)
{
    assert_refused("kursk trump\"gerasimov", CARI_QUERY_AND,
                   "query error at byte 11: the quote is never closed");
    assert_refused("kursk +trump\"x", 0, "query error at byte 12: the quote is never closed");
    assert_refused("kursk AND (trump gerasimov", 0, "query error at byte 10: '(' is never closed");
    assert_refused("kursk (trump", CARI_QUERY_AND, "query error at byte 6: '(' is never closed");
    assert_refused("kursk AND (-trump)", 0,
                   "query error at byte 10: a group needs a word that is not excluded");
    cr_assert_eq(LEAKS_FOUND(), 0, "a refused query leaked its nodes");
}
