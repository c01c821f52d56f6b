/* cari-query - search an index built by cari-index; a thin shell over libcari
 * (index, query, search, documents, snippets), using nothing but cari.h. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cari.h"
#include "cli/cli_util.h"

static const char usage[] =
    "Usage: cari-query [OPTIONS] INDEX [QUERY...]\n"
    "       cari-query [OPTIONS] INDEX --batch QUERIES.tsv\n"
    "       cari-query --stats INDEX\n"
    "\n"
    "Searches INDEX and prints the best documents by BM25, each with its rank,\n"
    "score, id, title and a snippet. The words of QUERY are joined by spaces;\n"
    "without QUERY, one query is read from each line of standard input. Options\n"
    "go before the query; put -- before a query that starts with '-'.\n"
    "\n"
    "Query language:\n"
    "  word              the word or any form with the same root (menyampaikan:\n"
    "                    sampai, disampaikan...)\n"
    "  \"a phrase\"        the words next to each other, in this order\n"
    "  a b               documents with a or b (with --and: both)\n"
    "  a AND b, a OR b   explicit operators (upper case); AND binds tighter than OR\n"
    "  a NOT b, a -b     a without b\n"
    "  +a b              a required, b optional (raises the score)\n"
    "  ( ... )           grouping\n"
    "\n"
    "Options:\n"
    "  -k, --top N         how many documents to show (default 10)\n"
    "      --and           words side by side must all match\n"
    "      --keep-stopwords  search for apa, yang, di... too (left out by default\n"
    "                      unless quoted, prefixed or all the query has)\n"
    "      --json          one JSON object per hit: query, rank, id, score, title,\n"
    "                      snippet, and the other stored fields\n"
    "      --color WHEN    mark matched words in bold: auto (on a terminal), always, never\n"
    "      --no-snippet    leave the snippets out\n"
    "      --show-query    print the parsed form of each query first\n"
    "      --k1 X, --b X   BM25 parameters (defaults 1.2 and 0.75)\n"
    "      --batch FILE    run the \"id<TAB>query\" lines of FILE and print a TREC run\n"
    "                      (qid Q0 docid rank score cari); on stderr the timing:\n"
    "                      queries=N total_seconds=S p50_ms=X p99_ms=Y\n"
    "      --warmup N      with --batch: untimed passes over the queries first\n"
    "      --stats         print name=value figures of INDEX: documents, terms,\n"
    "                      postings, tokens and its bytes by part, which add up to\n"
    "                      file_bytes\n"
    "  -h, --help          show this help\n"
    "  -V, --version       show the version\n"
    "\n"
    "Exit status: 0 success (also when nothing matches), 1 malformed query,\n"
    "2 bad usage, 3 the index is missing, damaged or of another version,\n"
    "4 system error (I/O, memory).\n";

struct options {
    const char *color_when;
    size_t k;
    unsigned flags;
    int json, color, snippets, show_query;
    float k1, b;
    const char *batch;
    long warmup;
    int stats;
};

static int fail(int rc)
{
    fprintf(stderr, "cari-query: %s\n", cari_error_last());
    return cli_exit_code(rc);
}

/* ---- printing hits ---- */

static void print_other_fields(const cari_document *d)
{
    const char *value;
    size_t len;
    const char *name;
    int first = 1;
    printf(",\"fields\":{");
    for (size_t i = 0; (name = cari_document_field_at(d, i, &value, &len)) != NULL; i++) {
        if (strcmp(name, "title") == 0 || strcmp(name, "text") == 0)
            continue;
        if (!first)
            putchar(',');
        first = 0;
        cli_json_string(stdout, name, strlen(name));
        putchar(':');
        cli_json_string(stdout, value, len);
    }
    putchar('}');
}

static int print_hit(const struct options *opt, const cari_index *ix, cari_query *q,
                     const char *query, size_t rank, uint32_t doc, float score, int rank_width)
{
    char id[CARI_ID_MAX + 1];
    size_t id_len;
    int rc = cari_index_doc_id(ix, doc, id, sizeof id, &id_len);
    if (rc != 0)
        return rc;
    cari_document *d;
    rc = cari_document_get(&d, ix, doc);
    if (rc != 0)
        return rc;
    size_t title_len = 0;
    const char *title = cari_document_field(d, "title", &title_len);
    char *snippet = NULL;
    size_t snippet_len = 0;
    cari_snippet_opts so = CARI_SNIPPET_OPTS_INIT;
    if (opt->color && !opt->json)
        so.open = "\033[1m", so.close = "\033[0m";
    if (opt->snippets)
        rc = cari_snippet(&snippet, &snippet_len, q, d, &so);
    if (rc == 0 && opt->json) {
        printf("{\"query\":");
        cli_json_string(stdout, query, strlen(query));
        printf(",\"rank\":%zu,\"id\":", rank);
        cli_json_string(stdout, id, id_len);
        printf(",\"score\":%.4f,\"title\":", score);
        cli_json_string(stdout, title != NULL ? title : "", title_len);
        if (opt->snippets) {
            printf(",\"snippet\":");
            cli_json_string(stdout, snippet, snippet_len);
        }
        print_other_fields(d);
        printf("}\n");
    } else if (rc == 0) {
        printf("%*zu  %7.4f  %.*s", rank_width, rank, score, (int)id_len, id);
        if (title != NULL)
            printf("  %.*s", (int)title_len, title);
        putchar('\n');
        if (opt->snippets && snippet_len > 0)
            printf("%*s  %s\n", rank_width, "", snippet);
    }
    cari_free(snippet);
    cari_document_free(d);
    return rc;
}

static int run_query(const struct options *opt, const cari_index *ix, const char *text)
{
    cari_query *q;
    int rc = cari_query_parse(&q, ix, text, strlen(text), opt->flags);
    if (rc != 0)
        return rc;
    if (opt->show_query)
        printf("query: %s\n", cari_query_describe(q));
    cari_search_opts so = CARI_SEARCH_OPTS_INIT;
    so.k = opt->k;
    so.k1 = opt->k1;
    so.b = opt->b;
    cari_results *r;
    rc = cari_search(&r, q, &so);
    if (rc == 0) {
        size_t n = cari_results_count(r);
        int width = n >= 100 ? 3 : n >= 10 ? 2 : 1;
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = print_hit(opt, ix, q, text, i + 1, cari_results_doc(r, i), cari_results_score(r, i),
                           width);
        if (n == 0 && !opt->json)
            fprintf(stderr, "cari-query: no document matches %s\n", cari_query_describe(q));
        cari_results_free(r);
    }
    cari_query_free(q);
    fflush(stdout);
    return rc;
}

/* Queries from standard input, one per line; a malformed one is reported and skipped. */
static int run_stdin(const struct options *opt, const cari_index *ix)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int status = CLI_EXIT_OK, first = 1;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (!opt->json) {
            printf("%s# %s\n", first ? "" : "\n", line);
            first = 0;
        }
        int rc = run_query(opt, ix, line);
        if (rc == CARI_ESYNTAX) {
            fprintf(stderr, "cari-query: %s\n", cari_error_last());
            status = CLI_EXIT_INPUT;
        } else if (rc != 0) {
            free(line);
            return fail(rc);
        }
    }
    free(line);
    return status;
}

/* ---- --batch: a TREC run and the timing of each query in the process ---- */

struct batch {
    char **qids, **texts;
    size_t n, cap;
};

static int read_batch(struct batch *b, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "cari-query: cannot open %s\n", path);
        return CLI_EXIT_USAGE;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t len;
    int status = CLI_EXIT_OK;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *tab = strchr(line, '\t');
        if (len == 0)
            continue;
        if (tab == NULL || tab == line) {
            fprintf(stderr, "cari-query: %s:%zu: expected \"id<TAB>query\"\n", path, lineno);
            status = CLI_EXIT_INPUT;
            break;
        }
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 256;
            b->qids = realloc(b->qids, b->cap * sizeof *b->qids);
            b->texts = realloc(b->texts, b->cap * sizeof *b->texts);
            if (b->qids == NULL || b->texts == NULL)
                return CLI_EXIT_SYSTEM;
        }
        *tab = '\0';
        b->qids[b->n] = strdup(line);
        b->texts[b->n++] = strdup(tab + 1);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return status;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* nearest-rank percentile of sorted values */
static double percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    return v[rank == 0 ? 0 : rank - 1];
}

/* The external ids of one query's hits, each followed by its NUL in `text`. */
struct id_list {
    char *text;
    size_t len, cap;
    size_t *starts; /* of each hit's id in text, room for k */
};

/* Appends the id of the hit-th result, doc. */
static int id_list_add(struct id_list *l, const cari_index *ix, size_t hit, uint32_t doc)
{
    if (l->cap - l->len < CARI_ID_MAX + 1) {
        size_t cap = l->cap ? 2 * l->cap : 16 * (CARI_ID_MAX + 1);
        char *p = realloc(l->text, cap);
        if (p == NULL)
            return CARI_ENOMEM;
        l->text = p;
        l->cap = cap;
    }
    size_t len;
    int rc = cari_index_doc_id(ix, doc, l->text + l->len, CARI_ID_MAX + 1, &len);
    if (rc == 0) {
        l->starts[hit] = l->len;
        l->len += len + 1;
    }
    return rc;
}

/* One query from its string to the top-k external ids, the part that is timed. */
static int batch_one(const struct options *opt, const cari_index *ix, const char *text,
                     cari_results **r, struct id_list *ids)
{
    cari_query *q;
    int rc = cari_query_parse(&q, ix, text, strlen(text), opt->flags);
    if (rc != 0)
        return rc;
    cari_search_opts so = CARI_SEARCH_OPTS_INIT;
    so.k = opt->k;
    so.k1 = opt->k1;
    so.b = opt->b;
    rc = cari_search(r, q, &so);
    cari_query_free(q);
    ids->len = 0;
    for (size_t i = 0; rc == 0 && i < cari_results_count(*r); i++)
        rc = id_list_add(ids, ix, i, cari_results_doc(*r, i));
    return rc;
}

static int run_batch(const struct options *opt, const cari_index *ix, double open_ms)
{
    struct batch b = { 0 };
    int status = read_batch(&b, opt->batch);
    struct id_list ids = { .starts = calloc(opt->k, sizeof *ids.starts) };
    double *times = calloc(b.n ? b.n : 1, sizeof *times);
    if (ids.starts == NULL || times == NULL)
        status = CLI_EXIT_SYSTEM;
    fprintf(stderr, "open_ms=%.3f\n", open_ms);
    for (long pass = 0; status == CLI_EXIT_OK && pass <= opt->warmup; pass++) {
        int timed = pass == opt->warmup;
        for (size_t i = 0; i < b.n; i++) {
            cari_results *r = NULL;
            double t0 = cli_now();
            int rc = batch_one(opt, ix, b.texts[i], &r, &ids);
            double t1 = cli_now();
            if (rc != 0 && timed)
                fprintf(stderr, "cari-query: query %s: %s\n", b.qids[i], cari_error_last());
            if (rc == CARI_ECORRUPT || rc == CARI_ENOMEM)
                status = fail(rc);
            for (size_t j = 0; timed && rc == 0 && j < cari_results_count(r); j++)
                printf("%s Q0 %s %zu %.4f cari\n", b.qids[i], ids.text + ids.starts[j], j + 1,
                       cari_results_score(r, j));
            times[i] = (t1 - t0) * 1000.0;
            cari_results_free(r);
        }
    }
    if (status == CLI_EXIT_OK) {
        double total = 0;
        for (size_t i = 0; i < b.n; i++)
            total += times[i];
        qsort(times, b.n, sizeof *times, compare_double);
        fprintf(stderr, "queries=%zu total_seconds=%.6f p50_ms=%.4f p99_ms=%.4f\n", b.n,
                total / 1000.0, percentile(times, b.n, 50), percentile(times, b.n, 99));
    }
    for (size_t i = 0; i < b.n; i++) {
        free(b.qids[i]);
        free(b.texts[i]);
    }
    free(b.qids);
    free(b.texts);
    free(ids.text);
    free(ids.starts);
    free(times);
    return status;
}

/* ---- --stats ---- */

static int print_stats(const cari_index *ix)
{
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    int rc = cari_index_stats_get(ix, &st);
    if (rc != 0)
        return fail(rc);
    const struct {
        const char *name;
        uint64_t value;
    } rows[] = {
        { "documents", st.documents },
        { "terms", st.terms },
        { "postings", st.postings },
        { "tokens", st.tokens },
        { "term_dictionary_bytes", st.term_dictionary_bytes },
        { "postings_bytes", st.postings_bytes },
        { "positions_bytes", st.positions_bytes },
        { "doc_lengths_bytes", st.doc_lengths_bytes },
        { "doc_store_bytes", st.doc_store_bytes },
        { "other_bytes", st.other_bytes },
        { "file_bytes", st.file_bytes },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        printf("%s=%llu\n", rows[i].name, (unsigned long long)rows[i].value);
    return CLI_EXIT_OK;
}

/* ---- options ---- */

static int parse_float(const char *s, float lo, float hi, float *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (float)v;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    enum { O_AND = 256, O_KEEPSTOP, O_JSON, O_COLOR, O_NOSNIP, O_SHOW, O_K1, O_B, O_BATCH, O_WARMUP, O_STATS };
    static const struct option longs[] = {
        { "top", required_argument, NULL, 'k' },   { "and", no_argument, NULL, O_AND },
        { "keep-stopwords", no_argument, NULL, O_KEEPSTOP },
        { "json", no_argument, NULL, O_JSON },     { "color", required_argument, NULL, O_COLOR },
        { "no-snippet", no_argument, NULL, O_NOSNIP }, { "show-query", no_argument, NULL, O_SHOW },
        { "k1", required_argument, NULL, O_K1 },   { "b", required_argument, NULL, O_B },
        { "batch", required_argument, NULL, O_BATCH }, { "warmup", required_argument, NULL, O_WARMUP },
        { "stats", no_argument, NULL, O_STATS },
        { "help", no_argument, NULL, 'h' },        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "+k:hV", longs, NULL)) != -1) {
        long v;
        switch (c) {
        case 'k':
            if ((v = cli_parse_count(optarg, 1000000)) < 1)
                return fprintf(stderr, "cari-query: -k takes a number from 1 to 1000000\n"), CLI_EXIT_USAGE;
            opt->k = (size_t)v;
            break;
        case O_AND: opt->flags |= CARI_QUERY_AND; break;
        case O_KEEPSTOP: opt->flags |= CARI_QUERY_KEEP_STOPWORDS; break;
        case O_JSON: opt->json = 1; break;
        case O_COLOR: opt->color_when = optarg; break;
        case O_NOSNIP: opt->snippets = 0; break;
        case O_SHOW: opt->show_query = 1; break;
        case O_K1:
            if (parse_float(optarg, 0, 100, &opt->k1) != 0)
                return fprintf(stderr, "cari-query: --k1 takes a number from 0 to 100\n"), CLI_EXIT_USAGE;
            break;
        case O_B:
            if (parse_float(optarg, 0, 1, &opt->b) != 0)
                return fprintf(stderr, "cari-query: --b takes a number from 0 to 1\n"), CLI_EXIT_USAGE;
            break;
        case O_BATCH: opt->batch = optarg; break;
        case O_STATS: opt->stats = 1; break;
        case O_WARMUP:
            if ((opt->warmup = cli_parse_count(optarg, 1000)) < 0)
                return fprintf(stderr, "cari-query: --warmup takes a number from 0 to 1000\n"), CLI_EXIT_USAGE;
            break;
        case 'h': fputs(usage, stdout); exit(CLI_EXIT_OK);
        case 'V': printf("cari-query %s\n", cari_version()); exit(CLI_EXIT_OK);
        default: fputs("Try 'cari-query --help'.\n", stderr); return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

static int decide_color(struct options *opt)
{
    if (strcmp(opt->color_when, "always") == 0)
        opt->color = 1;
    else if (strcmp(opt->color_when, "auto") == 0)
        opt->color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    else if (strcmp(opt->color_when, "never") != 0)
        return fprintf(stderr, "cari-query: --color takes auto, always or never\n"), CLI_EXIT_USAGE;
    return CLI_EXIT_OK;
}

/* Joins the query arguments with spaces. */
static char *join_words(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    for (int i = 0; s != NULL && i < argc; i++) {
        if (i > 0)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* each hit decompresses a store block of 128 KiB to some MiB; from the heap,
     * the next hit reuses the pages the last one touched instead of faulting
     * in fresh ones from mmap (a tenth of a one-shot query's time) */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
    struct options opt = { .color_when = "auto", .k = 10, .snippets = 1, .k1 = -1, .b = -1 };
    /* options may come before and after INDEX; the first word of the query
     * ends them (or "--", for a query that starts with '-') */
    int status = parse_options(argc, argv, &opt);
    if (status != CLI_EXIT_OK)
        return status;
    if (optind >= argc) {
        fprintf(stderr, "cari-query: no index given\nTry 'cari-query --help'.\n");
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[optind++];
    if ((status = parse_options(argc, argv, &opt)) != CLI_EXIT_OK ||
        (status = decide_color(&opt)) != CLI_EXIT_OK)
        return status;
    double t0 = cli_now();
    cari_index *ix;
    int rc = cari_index_open(&ix, path, 0);
    if (rc != 0)
        return fail(rc);
    double open_ms = (cli_now() - t0) * 1000.0;
    if (opt.stats) {
        status = print_stats(ix);
    } else if (opt.batch != NULL) {
        status = run_batch(&opt, ix, open_ms);
    } else if (optind < argc) {
        char *text = join_words(argc - optind, argv + optind);
        rc = text != NULL ? run_query(&opt, ix, text) : CARI_ENOMEM;
        free(text);
        status = rc == 0 ? CLI_EXIT_OK : fail(rc);
    } else {
        status = run_stdin(&opt, ix);
    }
    cari_index_close(ix);
    return status;
}
