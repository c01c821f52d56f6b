/* cari_writer at scale: any number of threads and any memory budget write the
 * same bytes; run files are removed on success, on failure and, when a crash
 * left them, by the next build. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cari.h"
#include "indexer/stale_files.h"
#include "indexer/writer_internal.h"
#include "tests/common/test_util.h"

/* Pseudo-Indonesian words: stems from syllables, with affixes the stemmer
 * removes, reduplications, hyphenated names and numbers, in a Zipf-like mix. */
static const char *const syllables[] = { "ba", "ka", "ta", "ri", "lu", "ma", "sa", "ni",
                                         "po", "de", "gu", "ra", "ja", "we", "ha", "li" };
static const char *const prefixes[] = { "", "", "", "me", "di", "ber", "ter", "pe" };
static const char *const suffixes[] = { "", "", "", "kan", "an", "nya", "i", "lah" };

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void append_word(char *text, size_t *len, uint32_t *seed)
{
    uint32_t r = next_rand(seed);
    unsigned rank = (r % 1000) * (r % 1000) / 1000; /* small ranks are frequent */
    char stem[32] = "";
    for (unsigned k = rank + 1; k > 0; k /= 16)
        strcat(stem, syllables[k % 16]);
    const char *pre = prefixes[(r >> 10) % 8], *suf = suffixes[(r >> 13) % 8];
    switch ((r >> 16) % 23) {
    case 0: *len += (size_t)sprintf(text + *len, "%s-%s ", stem, stem); break;
    case 1: *len += (size_t)sprintf(text + *len, "Kim %s-un ", stem); break;
    case 2: *len += (size_t)sprintf(text + *len, "%u.%03u ", r % 97, r % 1000); break;
    case 3: *len += (size_t)sprintf(text + *len, "%s%s%s. ", pre, stem, suf); break;
    default: *len += (size_t)sprintf(text + *len, "%s%s%s ", pre, stem, suf); break;
    }
}

enum { NDOCS = 1500, NDISTINCT = 1482 /* ids once repeats are dropped */ };

/* Builds NDOCS documents (every 41st re-uses an earlier id: the last one wins)
 * with `threads` and `memory`; returns the index's bytes. */
static char *build(const char *path, unsigned threads, size_t memory, size_t *len)
{
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = threads;
    o.memory = memory;
    cari_writer *w = NULL;
    int rc = cari_writer_open(&w, path, &o);
    cr_assert_eq(rc, 0, "open: %s", cari_error_last());
    uint32_t seed = 7;
    static char text[128 * 1024];
    for (unsigned d = 0; d < NDOCS; d++) {
        size_t n = 0, words = 20 + next_rand(&seed) % (d % 100 == 0 ? 4000 : 200);
        for (size_t i = 0; i < words; i++)
            append_word(text, &n, &seed);
        char title[64], id[32];
        size_t tn = 0;
        append_word(title, &tn, &seed);
        snprintf(id, sizeof id, "doc%u", d % 41 == 40 ? d / 2 : d);
        cari_field f[] = { { "title", title, tn }, { "text", text, n }, { "url", id, strlen(id) } };
        rc = cari_writer_add(w, id, strlen(id), f, 3);
        cr_assert_eq(rc, 0, "add %s: %s", id, cari_error_last());
    }
    rc = cari_writer_commit(w);
    cr_assert_eq(rc, 0, "commit: %s", cari_error_last());
    cari_writer_free(w);
    char *bytes = test_read_file(path, len);
    cr_assert_not_null(bytes);
    return bytes;
}

/* How many entries of `dir` start with `prefix`. */
static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void assert_same(const char *a, size_t alen, const char *b, size_t blen, const char *what)
{
    cr_assert_eq(alen, blen, "%s: %zu bytes, not %zu", what, blen, alen);
    cr_assert_eq(memcmp(a, b, alen), 0, "%s: the bytes differ", what);
}

Test(writer_scale, threads_and_budgets_write_the_same_bytes, .timeout = 240)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    size_t n1, n;
    char *one = build(path, 1, 0, &n1);
    cr_assert_gt(n1, 300 * 1024, "the input is too small to need several batches");
    struct { unsigned threads; size_t memory; const char *what; } runs[] = {
        { 4, 0, "4 threads" },
        { 2, 0, "2 threads" },
        { 2, 8u << 20, "2 threads, --memory 8M" },
        { 1, 600 * 1024, "1 thread, spilling every few documents" },
        { 4, 4u << 20, "4 threads, spilling" },
        { 3, 1, "3 threads, spilling after every document (more runs than are merged at once)" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char *other = build(path, runs[i].threads, runs[i].memory, &n);
        assert_same(one, n1, other, n, runs[i].what);
        cr_assert_eq(count_files(dir, "ix.cari"), 1, "%s: files left beside the index", runs[i].what);
        free(other);
    }
    /* what was built is right, not merely the same: every id once, in the order of its last document */
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_verify(ix), 0, "%s", cari_error_last());
    cr_assert_eq(cari_index_doc_count(ix), NDISTINCT);
    char *hits = test_search(ix, "Kim", 0, 3);
    cr_assert_neq(strlen(hits), 0);
    free(hits);
    uint32_t last = cari_index_doc_count(ix) - 1;
    cr_assert_str_eq(TEST_DOC_ID(ix, last), "doc1499");
    cari_index_close(ix);
    test_rmtree(dir);
    free(one);
    free(path);
    free(dir);
}

Test(writer_scale, the_last_of_a_repeated_id_wins_with_threads)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = 4;
    o.memory = 1;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0);
    for (int i = 0; i < 1500; i++) {
        char id[16], text[64];
        snprintf(id, sizeof id, "d%d", i % 500);
        snprintf(text, sizeof text, "kata%d umum", i);
        cari_field f[] = { { "text", text, strlen(text) } };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), f, 1), 0, "%s", cari_error_last());
    }
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, 0), 0);
    cr_assert_eq(cari_index_doc_count(ix), 500);
    char *hits = test_search(ix, "kata1499", 0, 10);
    cr_assert_str_eq(hits, "d499");
    free(hits);
    hits = test_search(ix, "kata999", 0, 10); /* replaced by kata1499 */
    cr_assert_str_eq(hits, "");
    free(hits);
    hits = test_search(ix, "kata1000", 0, 10);
    cr_assert_str_eq(hits, "d0");
    free(hits);
    cari_index_close(ix);
    test_rmtree(dir);
    free(path);
    free(dir);
}

/* Adds documents enough for a few runs under a tiny budget. */
static cari_writer *writer_with_runs(const char *path, unsigned threads)
{
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = threads;
    o.memory = 1;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0);
    for (int i = 0; i < 1200; i++) {
        char id[16], text[64];
        snprintf(id, sizeof id, "d%d", i);
        snprintf(text, sizeof text, "kata%d umum menyampaikan", i);
        cari_field f[] = { { "text", text, strlen(text) } };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), f, 1), 0, "%s", cari_error_last());
    }
    return w;
}

Test(writer_scale, runs_are_removed_when_the_build_is_abandoned)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = writer_with_runs(path, 1);
    cr_assert_gt(count_files(dir, "ix.cari.run-"), 2, "no runs were spilled");
    cari_writer_free(w);
    cr_assert_eq(count_files(dir, ""), 2, "files left: only . and .. should be");
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer_scale, runs_are_removed_when_the_commit_fails)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    cari_writer *w = writer_with_runs(path, 1);
    char name[256];
    snprintf(name, sizeof name, "ix.cari.run-%ld-0-0", (long)getpid());
    char *run = test_path(dir, name);
    cr_assert_eq(unlink(run), 0, "no run %s", run);
    int rc = cari_writer_commit(w);
    cr_assert_eq(rc, CARI_EIO, "rc %d (%s)", rc, cari_error_last());
    cr_assert(strstr(cari_error_last(), name) != NULL, "%s", cari_error_last());
    cari_writer_free(w);
    cr_assert_eq(count_files(dir, ""), 2, "files left beside the failed index");
    test_rmtree(dir);
    free(run);
    free(path);
    free(dir);
}

static long dead_pid(void)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return (long)pid;
}

Test(writer_scale, stale_files_of_dead_builds_are_removed)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    long dead = dead_pid(), alive = (long)getppid();
    char names[6][96];
    snprintf(names[0], 96, "ix.cari.tmp-%ld", dead);
    snprintf(names[1], 96, "ix.cari.run-%ld-0-3", dead);
    snprintf(names[2], 96, "ix.cari.run-%ldm0", dead); /* not a name the writer makes */
    snprintf(names[3], 96, "ix.cari.run-%ld-1-0", alive);
    snprintf(names[4], 96, "other.cari.tmp-%ld", dead);
    snprintf(names[5], 96, "ix.cari.tmpx-%ld", dead);
    for (int i = 0; i < 6; i++) {
        char *p = test_path(dir, names[i]);
        test_write_file(p, "x", 1);
        free(p);
    }
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, NULL), 0);
    cari_writer_free(w);
    struct stat st;
    for (int i = 0; i < 6; i++) {
        char *p = test_path(dir, names[i]);
        int gone = i < 2;
        cr_assert_eq(stat(p, &st) != 0, gone, "%s should %s", names[i], gone ? "be gone" : "stay");
        free(p);
    }
    test_rmtree(dir);
    free(path);
    free(dir);
}

Test(writer_scale, temporary_names_and_their_process)
{
    cr_assert_eq(stale_files_pid("ix.cari.tmp-123", "ix.cari"), 123);
    cr_assert_eq(stale_files_pid("ix.cari.run-45-0-7", "ix.cari"), 45);
    cr_assert_eq(stale_files_pid("ix.cari.run-45-m2", "ix.cari"), 45);
    cr_assert_eq(stale_files_pid("ix.cari.run-45m2", "ix.cari"), 0);
    cr_assert_eq(stale_files_pid("ix.cari.tmp-", "ix.cari"), 0);
    cr_assert_eq(stale_files_pid("ix.cari.tmp--5", "ix.cari"), 0);
    cr_assert_eq(stale_files_pid("ix.cari", "ix.cari"), 0);
    cr_assert_eq(stale_files_pid("iy.cari.tmp-5", "ix.cari"), 0);
}

Test(writer_scale, a_large_document_among_small_ones_is_stored_whole)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    size_t big_len = 3u << 20;
    char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++) /* "kata0 kata1 ... " with a rare word at the end */
        big[i] = "abcdefgh "[i % 9];
    memcpy(big + big_len - 9, " ujungnya", 9);
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = 2;
    o.memory = 2u << 20;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0);
    const char *ids[] = { "kecil1", "besar", "kecil2" };
    for (int i = 0; i < 3; i++) {
        cari_field f[] = { { "text", i == 1 ? big : "dokumen kecil", i == 1 ? big_len : 13 } };
        cr_assert_eq(cari_writer_add(w, ids[i], strlen(ids[i]), f, 1), 0, "%s", cari_error_last());
    }
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    char *hits = test_search(ix, "ujungnya", 0, 10);
    cr_assert_str_eq(hits, "besar");
    free(hits);
    hits = test_search_sorted(ix, "kecil", 0, 10);
    cr_assert_str_eq(hits, "kecil1,kecil2");
    free(hits);
    for (uint32_t d = 0; d < 3; d++) {
        cari_document *doc = NULL;
        cr_assert_eq(cari_document_get(&doc, ix, d), 0, "%s", cari_error_last());
        size_t len;
        const char *text = cari_document_field(doc, "text", &len);
        cr_assert_eq(len, d == 1 ? big_len : 13);
        cr_assert_eq(memcmp(text, d == 1 ? big : "dokumen kecil", len), 0, "doc %u differs", d);
        cari_document_free(doc);
    }
    cari_index_close(ix);
    test_rmtree(dir);
    free(big);
    free(path);
    free(dir);
}

/* How a build handled its large documents (inverter_pool.c). */
struct large_docs {
    size_t copied, lent, peak, cap;
};

/* Builds small documents around two of `big_len` bytes of words (a rare
 * one at their end) with `threads` and `memory`, and overwrites each big
 * one's text as soon as cari_writer_add returns: a writer that still read
 * it afterwards would index or store the overwritten bytes. Returns the
 * index's bytes; *large, how the pool took the big ones. */
static char *build_around_big(const char *path, size_t big_len, unsigned threads, size_t memory,
                              size_t *len, struct large_docs *large)
{
    char *big = malloc(big_len + 64);
    cr_assert_not_null(big);
    uint32_t seed = 11;
    cari_writer_opts o = CARI_WRITER_OPTS_INIT;
    o.threads = threads;
    o.memory = memory;
    cari_writer *w = NULL;
    cr_assert_eq(cari_writer_open(&w, path, &o), 0, "%s", cari_error_last());
    char text[4096], id[16];
    for (int d = 0; d < 60; d++) {
        int is_big = d == 20 || d == 40;
        size_t n = 0, tn = 0;
        while (is_big && n < big_len - 64)
            append_word(big, &n, &seed);
        if (is_big)
            n += (size_t)sprintf(big + n, "ujungnya");
        for (int i = 0; i < 200; i++)
            append_word(text, &tn, &seed);
        snprintf(id, sizeof id, is_big ? "besar%d" : "kecil%d", d);
        cari_field f[] = { { "text", is_big ? big : text, is_big ? n : tn } };
        cr_assert_eq(cari_writer_add(w, id, strlen(id), f, 1), 0, "%s", cari_error_last());
        if (is_big)
            memset(big, 'z', n);
    }
    *large = (struct large_docs){ w->pool.large_copied, w->pool.large_lent, w->pool.large_peak,
                                  w->pool.large_cap };
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
    free(big);
    char *bytes = test_read_file(path, len);
    cr_assert_not_null(bytes);
    return bytes;
}

/* A document of 8 MiB or more (inverter_pool.c, BATCH_LENT) is copied for
 * the analysers when it fits in a sixteenth of the budget beside the other
 * copies still being analysed (one at a time at 160M), else analysed from
 * the caller's memory before cari_writer_add returns; both give the bytes
 * of one thread. */
Test(writer_scale, a_large_document_copied_or_lent_writes_the_same_bytes, .timeout = 240)
{
    char *dir = test_tmpdir();
    char *path = test_path(dir, "ix.cari");
    size_t n1, n, big = 9u << 20;
    struct large_docs large;
    char *one = build_around_big(path, big, 1, 0, &n1, &large);
    cr_assert_eq(large.copied + large.lent, 0, "one thread analyses every document itself");
    struct {
        unsigned threads;
        size_t memory, copied, peak_at_most;
        const char *what;
    } runs[] = {
        { 2, 0, 2, 2 * big, "2 threads, copied" },
        { 2, 160u << 20, 2, big, "2 threads, room for one copy" },
        { 3, 4u << 20, 0, 0, "3 threads, lent, spilling" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        char *other = build_around_big(path, big, runs[i].threads, runs[i].memory, &n, &large);
        assert_same(one, n1, other, n, runs[i].what);
        cr_assert_eq(large.copied, runs[i].copied, "%s", runs[i].what);
        cr_assert_eq(large.lent, 2 - runs[i].copied, "%s", runs[i].what);
        cr_assert_leq(large.peak, runs[i].peak_at_most, "%s", runs[i].what);
        cr_assert_leq(large.peak, large.cap, "%s", runs[i].what);
        cr_assert(runs[i].copied == 0 || large.peak > big - 64, "%s", runs[i].what);
        free(other);
    }
    cari_index *ix = NULL;
    cr_assert_eq(cari_index_open(&ix, path, CARI_OPEN_VERIFY), 0, "%s", cari_error_last());
    char *hits = test_search_sorted(ix, "ujungnya", 0, 10);
    cr_assert_str_eq(hits, "besar20,besar40");
    free(hits);
    for (uint32_t d = 20; d <= 40; d += 20) {
        cari_document *doc = NULL;
        cr_assert_eq(cari_document_get(&doc, ix, d), 0, "%s", cari_error_last());
        size_t len;
        const char *text = cari_document_field(doc, "text", &len);
        cr_assert_gt(len, big - 64);
        cr_assert_eq(memcmp(text + len - 8, "ujungnya", 8), 0);
        cr_assert_eq(memchr(text, 'z', len), NULL, "the text stored is the one given");
        cari_document_free(doc);
    }
    cari_index_close(ix);
    test_rmtree(dir);
    free(one);
    free(path);
    free(dir);
}
