/* test_util.c - see test_util.h. Failures abort the test through Criterion. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "tests/common/test_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *test_tmpdir(void)
{
    char *dir = strdup("/tmp/cari-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    return dir;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void test_rmtree(const char *path) { nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

char *test_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void test_build_samples(const char *path)
{
    cari_writer *w;
    cari_source *src;
    cr_assert_eq(cari_writer_open(&w, path, NULL), 0, "%s", cari_error_last());
    cr_assert_eq(cari_source_open(&src, TEST_SAMPLES), 0, "%s", cari_error_last());
    const char *id;
    size_t id_len, n;
    const cari_field *fields;
    int rc;
    while ((rc = cari_source_next(src, &id, &id_len, &fields, &n)) == 0)
        cr_assert_eq(cari_writer_add(w, id, id_len, fields, n), 0, "%s", cari_error_last());
    cr_assert_eq(rc, CARI_ITEROVER, "%s", cari_error_last());
    cari_source_close(src);
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
}

void test_build_docs(const char *path, const struct test_doc *docs, size_t n)
{
    cari_writer *w;
    cr_assert_eq(cari_writer_open(&w, path, NULL), 0, "%s", cari_error_last());
    for (size_t i = 0; i < n; i++) {
        cari_field f[2];
        size_t nf = 0;
        if (docs[i].title != NULL)
            f[nf++] = (cari_field){ "title", docs[i].title, strlen(docs[i].title) };
        if (docs[i].text != NULL)
            f[nf++] = (cari_field){ "text", docs[i].text, strlen(docs[i].text) };
        cr_assert_eq(cari_writer_add(w, docs[i].id, strlen(docs[i].id), f, nf), 0, "%s",
                     cari_error_last());
    }
    cr_assert_eq(cari_writer_commit(w), 0, "%s", cari_error_last());
    cari_writer_free(w);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *search_ids(const cari_index *ix, const char *query, unsigned flags, size_t k, int sorted)
{
    cari_query *q;
    cr_assert_eq(cari_query_parse(&q, ix, query, strlen(query), flags), 0, "%s: %s", query,
                 cari_error_last());
    cari_search_opts o = CARI_SEARCH_OPTS_INIT;
    o.k = k;
    cari_results *r;
    cr_assert_eq(cari_search(&r, q, &o), 0, "%s: %s", query, cari_error_last());
    size_t n = cari_results_count(r);
    const char **ids = calloc(n + 1, sizeof *ids);
    char *id_text = malloc((n + 1) * (CARI_ID_MAX + 1));
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        ids[i] = test_doc_id(ix, cari_results_doc(r, i), id_text + i * (CARI_ID_MAX + 1));
        cr_assert_not_null(ids[i], "%s", cari_error_last());
        len += strlen(ids[i]) + 1;
    }
    if (sorted)
        qsort(ids, n, sizeof *ids, compare_strings);
    char *out = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, ",");
        strcat(out, ids[i]);
    }
    free(ids);
    free(id_text);
    cari_results_free(r);
    cari_query_free(q);
    return out;
}

const char *test_doc_id(const cari_index *ix, uint32_t doc, char *buf)
{
    return cari_index_doc_id(ix, doc, buf, CARI_ID_MAX + 1, NULL) == 0 ? buf : NULL;
}

char *test_search(const cari_index *ix, const char *query, unsigned flags, size_t k)
{
    return search_ids(ix, query, flags, k, 0);
}

char *test_search_sorted(const cari_index *ix, const char *query, unsigned flags, size_t k)
{
    return search_ids(ix, query, flags, k, 1);
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap + 1);
    size_t got;
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = realloc(data, (cap *= 2) + 1);
    }
    fclose(f);
    data[n] = '\0';
    if (len != NULL)
        *len = n;
    return data;
}

/* A mapping's first line is "start-end perms ...", in hex without 0x; the
 * lines of its figures start with a capital letter. */
char *test_smaps_of(const void *addr)
{
    char *all = test_read_file("/proc/self/smaps", NULL), *found = NULL;
    for (char *line = all; line != NULL && *line != '\0' && found == NULL;) {
        char *next = strchr(line, '\n');
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && (uintptr_t)addr >= lo &&
            (uintptr_t)addr < hi) {
            char *end = next;
            while (end != NULL && end[1] >= 'A' && end[1] <= 'Z')
                end = strchr(end + 1, '\n');
            size_t n = end != NULL ? (size_t)(end - line) : strlen(line);
            found = strndup(line, n);
        }
        line = next != NULL ? next + 1 : NULL;
    }
    free(all);
    return found;
}

long test_smaps_number(const char *smaps, const char *field)
{
    const char *at = smaps != NULL ? strstr(smaps, field) : NULL;
    return at != NULL ? strtol(at + strlen(field), NULL, 10) : -1;
}

void test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

int test_run(const char *cmd, const char *stdin_data, char **out, char **err)
{
    char *dir = test_tmpdir();
    char *in_path = test_path(dir, "stdin"), *out_path = test_path(dir, "stdout"),
         *err_path = test_path(dir, "stderr");
    test_write_file(in_path, stdin_data ? stdin_data : "", stdin_data ? strlen(stdin_data) : 0);
    size_t n = strlen(cmd) + 3 * strlen(in_path) + 64;
    char *full = malloc(n);
    snprintf(full, n, "(%s) <%s >%s 2>%s", cmd, in_path, out_path, err_path);
    int status = system(full);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    char *o = test_read_file(out_path, NULL), *e = test_read_file(err_path, NULL);
    if (out != NULL)
        *out = o;
    else
        free(o);
    if (err != NULL)
        *err = e;
    else
        free(e);
    test_rmtree(dir);
    free(full);
    free(in_path);
    free(out_path);
    free(err_path);
    free(dir);
    return code;
}
