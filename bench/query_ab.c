/* query_ab.c - per-query latency of two builds of libcari, A and B, in one
 * process: each query runs in A then in B, REPS times, and its best time in
 * each is kept. On a machine shared with other work, noise hits both builds
 * alike and the best of a few runs is what each build can do; a process per
 * build would compare two different moments. Times cover what the --batch
 * mode of cari-query times: parse, search, the top k's external ids.
 *
 * Usage: query_ab A.so B.so INDEX QUERIES.tsv [--and] [REPS]
 * Prints "qid<TAB>best_ms_A<TAB>best_ms_B<TAB>query" per query, then on
 * standard error p50 and p99 of the best times of each and their ratio B/A.
 * With B_INDEX set in the environment, B opens that index instead (a build of
 * another format version: the same documents in each build's own file).
 * A_DOC_ID_API=1 (or B_...) says that build's cari_index_doc_id is the one
 * before format 5, returning a pointer (bench/query_ab.sh sets it).
 * Built and run by bench/query_ab.sh. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The few entry points used, resolved in each build by name (cari.h's types
 * stay opaque here: the two builds need not agree on them). */
struct build {
    void *ix;
    int (*index_open)(void **, const char *, unsigned);
    int (*query_parse)(void **, const void *, const char *, size_t, unsigned);
    int (*search)(void **, void *, const void *);
    void (*results_free)(void *);
    void (*query_free)(void *);
    size_t (*results_count)(const void *);
    uint32_t (*results_doc)(const void *, size_t);
    /* cari_index_doc_id: the caller's buffer (format 5 on), or the old
     * pointer into the mapping (doc_id_pointer, DOC_ID_API=1 for this build) */
    int (*doc_id)(const void *, uint32_t, char *, size_t, size_t *);
    const char *(*doc_id_pointer)(const void *, uint32_t, size_t *);
};

/* Below any CARI_ID_MAX + 1. */
enum { ID_BUFFER = 4096 };

static void *symbol(void *lib, const char *name)
{
    void *p = dlsym(lib, name);
    if (p == NULL) {
        fprintf(stderr, "query_ab: %s: %s\n", name, dlerror());
        exit(2);
    }
    return p;
}

static void load(struct build *b, const char *so, const char *index, const char *api)
{
    void *lib = dlopen(so, RTLD_NOW | RTLD_LOCAL); /* local: both builds' symbols coexist */
    if (lib == NULL) {
        fprintf(stderr, "query_ab: %s\n", dlerror());
        exit(2);
    }
    *(void **)&b->index_open = symbol(lib, "cari_index_open");
    *(void **)&b->query_parse = symbol(lib, "cari_query_parse");
    *(void **)&b->search = symbol(lib, "cari_search");
    *(void **)&b->results_free = symbol(lib, "cari_results_free");
    *(void **)&b->query_free = symbol(lib, "cari_query_free");
    *(void **)&b->results_count = symbol(lib, "cari_results_count");
    *(void **)&b->results_doc = symbol(lib, "cari_results_doc");
    const char *v = getenv(api);
    if (v != NULL && strcmp(v, "1") == 0)
        *(void **)&b->doc_id_pointer = symbol(lib, "cari_index_doc_id");
    else
        *(void **)&b->doc_id = symbol(lib, "cari_index_doc_id");
    if (b->index_open(&b->ix, index, 0) != 0) {
        fprintf(stderr, "query_ab: %s cannot open %s\n", so, index);
        exit(3);
    }
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One query in one build, timed; a malformed query counts as 0 ms in both. */
static double run_one(const struct build *b, const char *text, unsigned flags)
{
    void *q, *r;
    double t0 = now_ms();
    if (b->query_parse(&q, b->ix, text, strlen(text), flags) != 0)
        return 0;
    int rc = b->search(&r, q, NULL);
    b->query_free(q);
    if (rc != 0)
        return 0;
    char id[ID_BUFFER];
    for (size_t i = 0; i < b->results_count(r); i++) {
        if (b->doc_id_pointer != NULL)
            b->doc_id_pointer(b->ix, b->results_doc(r, i), NULL);
        else
            b->doc_id(b->ix, b->results_doc(r, i), id, sizeof id, NULL);
    }
    double t1 = now_ms();
    b->results_free(r);
    return t1 - t0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank, as cari-query --batch computes its percentiles. */
static double percentile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, compare_double);
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    return n == 0 ? 0 : v[rank == 0 ? 0 : rank - 1];
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: query_ab A.so B.so INDEX QUERIES.tsv [--and] [REPS]\n");
        return 2;
    }
    unsigned flags = argc > 5 && strcmp(argv[5], "--and") == 0 ? 1u : 0u; /* CARI_QUERY_AND */
    int reps = argc > 5 + (int)flags ? atoi(argv[5 + flags]) : 7;
    reps = reps > 0 ? reps : 7;
    struct build a = { 0 }, b = { 0 };
    load(&a, argv[1], argv[3], "A_DOC_ID_API");
    const char *b_index = getenv("B_INDEX");
    load(&b, argv[2], b_index != NULL && *b_index != '\0' ? b_index : argv[3], "B_DOC_ID_API");
    FILE *f = fopen(argv[4], "r");
    if (f == NULL) {
        fprintf(stderr, "query_ab: cannot open %s\n", argv[4]);
        return 2;
    }
    char *line = NULL, **texts = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (strchr(line, '\t') == NULL)
            continue;
        texts = realloc(texts, (n + 1) * sizeof *texts);
        texts[n++] = strdup(line);
    }
    fclose(f);
    free(line);
    double *best_a = calloc(n ? n : 1, sizeof *best_a), *best_b = calloc(n ? n : 1, sizeof *best_b);
    for (int pass = 0; pass < 3; pass++) /* warm-up: the page cache and both builds' code */
        for (size_t i = 0; i < n; i++) {
            run_one(&a, strchr(texts[i], '\t') + 1, flags);
            run_one(&b, strchr(texts[i], '\t') + 1, flags);
        }
    for (size_t i = 0; i < n; i++) {
        char *tab = strchr(texts[i], '\t');
        for (int k = 0; k < reps; k++) {
            double ta = run_one(&a, tab + 1, flags), tb = run_one(&b, tab + 1, flags);
            best_a[i] = k == 0 || ta < best_a[i] ? ta : best_a[i];
            best_b[i] = k == 0 || tb < best_b[i] ? tb : best_b[i];
        }
        *tab = '\0';
        printf("%s\t%.4f\t%.4f\t%s\n", texts[i], best_a[i], best_b[i], tab + 1);
    }
    double a50 = percentile(best_a, n, 50), a99 = percentile(best_a, n, 99);
    double b50 = percentile(best_b, n, 50), b99 = percentile(best_b, n, 99);
    fprintf(stderr, "queries=%zu best of %d: A p50_ms=%.4f p99_ms=%.4f  B p50_ms=%.4f p99_ms=%.4f  "
                    "B/A p50 %.2f p99 %.2f\n",
            n, reps, a50, a99, b50, b99, a50 > 0 ? b50 / a50 : 0, a99 > 0 ? b99 / a99 : 0);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(best_a);
    free(best_b);
    return 0;
}
