/* cari-index - build a search index of Indonesian documents; a thin shell over
 * libcari (sources, writer, verify, analyzer), using nothing but cari.h. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cari.h"
#include "cli/cli_util.h"

static const char usage[] =
    "Usage: cari-index [OPTIONS] -o INDEX INPUT...\n"
    "       cari-index --verify INDEX\n"
    "       cari-index --analyze TEXT...\n"
    "\n"
    "Builds one search index file from Indonesian documents. The file at INDEX is\n"
    "replaced only when the whole build succeeds; a failed or interrupted build\n"
    "leaves it as it was.\n"
    "\n"
    "Inputs (any number, in order):\n"
    "  FOLDER        every *.txt and *.txt.zst file below it, in path order; the id\n"
    "                is the path inside FOLDER without the extension; a first line\n"
    "                that reads as a heading (short, no closing punctuation, text\n"
    "                after it) is the title\n"
    "  FILE          JSON Lines, optionally zstd-compressed: one object per line with\n"
    "                \"id\" (string or number), optional \"title\" and \"text\"; other\n"
    "                string fields are stored and returned, other types skipped\n"
    "  -             JSON Lines on standard input\n"
    "A document whose id was seen before replaces the earlier one. Invalid UTF-8\n"
    "is replaced by U+FFFD, never fatal; malformed JSON stops the build with the\n"
    "file, line and byte, and so does a document (line or file) over 128 MiB.\n"
    "\n"
    "Options:\n"
    "  -o, --output INDEX    the index file to write\n"
    "  -q, --quiet           no progress line and no summary\n"
    "      --progress        show the progress line (documents, MB/s; of a file, a bar\n"
    "                        and the time left) even when stderr is not a terminal\n"
    "      --json            print the summary as one JSON object\n"
    "      --store-level N   zstd level of the document store, 1-19 (default 4)\n"
    "  -j, --threads N       threads analysing documents, 1-256 (default: the online\n"
    "                        cores); the index is the same, byte for byte, whatever N\n"
    "      --memory SIZE     memory budget, such as 512M or 2G (K, M, G: powers of 1024;\n"
    "                        default 1G, at least 1M); past it, inverted data goes to\n"
    "                        temporary files beside INDEX, merged at the end. Below\n"
    "                        about 64M (-j 1) or 96M (-j 2) the fixed buffers alone,\n"
    "                        the store's dictionary sample first, pass the budget\n"
    "      --verify INDEX    check every checksum and structure of INDEX\n"
    "      --analyze TEXT    show how TEXT is analysed, one token per line:\n"
    "                        position, surface, root term, exact term\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Exit status: 0 success, 1 bad input, 2 bad usage, 3 damaged or unreadable\n"
    "index (--verify), 4 system error (I/O, memory), 130 interrupted.\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct options {
    const char *output;
    const char *verify;
    int analyze;
    int quiet, progress, json;
    int store_level;
    unsigned threads;
    uint64_t memory;
};

/* Prints the error; a missing input is bad input here, not a missing index. */
static int fail(int rc)
{
    fprintf(stderr, "cari-index: %s\n", cari_error_last());
    return rc == CARI_ENOTFOUND ? CLI_EXIT_INPUT : cli_exit_code(rc);
}

/* ---- --analyze ---- */

struct analyze_out {
    const char *text;
};

static int print_token(const cari_token *t, void *payload)
{
    const struct analyze_out *a = payload;
    printf("%u\t%.*s\t%.*s\t%.*s\n", t->position, (int)(t->end - t->start), a->text + t->start,
           (int)t->root_len, t->root, (int)t->exact_len, t->exact);
    return 0;
}

static int run_analyze(int argc, char **argv)
{
    size_t len = 0;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *text = calloc(1, len + 1);
    if (text == NULL)
        return CLI_EXIT_SYSTEM;
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(text, " ");
        strcat(text, argv[i]);
    }
    cari_analyzer *a;
    int rc = cari_analyzer_new(&a);
    if (rc == 0) {
        struct analyze_out out = { text };
        rc = cari_analyze(a, text, strlen(text), print_token, &out);
        cari_analyzer_free(a);
    }
    free(text);
    return rc == 0 ? CLI_EXIT_OK : fail(rc);
}

/* ---- --verify ---- */

static int run_verify(const char *path)
{
    cari_index *ix;
    int rc = cari_index_open(&ix, path, CARI_OPEN_VERIFY);
    if (rc != 0) {
        fprintf(stderr, "cari-index: %s\n", cari_error_last());
        return cli_exit_code(rc);
    }
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    cari_index_stats_get(ix, &st);
    char docs[32], terms[32];
    cli_format_count(docs, sizeof docs, st.documents);
    cli_format_count(terms, sizeof terms, st.terms);
    printf("%s: ok, %s documents, %s terms, every checksum and structure verified\n", path, docs,
           terms);
    cari_index_close(ix);
    return CLI_EXIT_OK;
}

/* ---- building ---- */

struct build {
    const struct options *opt;
    cari_writer *writer;
    uint64_t docs;
    uint64_t input_bytes; /* decoded bytes of the inputs done so far */
    double started, last_progress;
    int show_progress;
    int reported; /* the error was printed already */
};

enum { BAR_WIDTH = 24 };

/* "[#########               ] 37%" */
static void print_bar(double fraction)
{
    char bar[BAR_WIDTH + 1];
    int full = (int)(fraction * BAR_WIDTH + 0.5);
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < full ? '#' : ' ';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, " [%s] %3.0f%%", bar, 100.0 * fraction);
}

/* At most four times a second, or now with `force` (at the end of an input,
 * so that even a short build shows its line once). */
static void progress_line(struct build *b, cari_source *src, int input, int ninputs, int force)
{
    double now = cli_now();
    if (!b->show_progress || (!force && now - b->last_progress < 0.25))
        return;
    b->last_progress = now;
    uint64_t read, total, decoded;
    cari_source_progress(src, &read, &total, &decoded);
    double secs = now - b->started;
    double mbs = secs > 0 ? (double)(b->input_bytes + decoded) / 1e6 / secs : 0;
    char docs[32], bytes[32];
    cli_format_count(docs, sizeof docs, b->docs);
    cli_format_bytes(bytes, sizeof bytes, b->input_bytes + decoded);
    fprintf(stderr, "\r\033[Kcari-index: %s document%s, %s, %.1f MB/s", docs, b->docs == 1 ? "" : "s",
            bytes, mbs);
    if (ninputs > 1)
        fprintf(stderr, ", input %d/%d", input + 1, ninputs);
    /* of a compressed file, `read` is the compressed offset: the ETA holds */
    if (total > 0 && read <= total) {
        double rate = secs > 0 ? (double)read / secs : 0;
        print_bar((double)read / (double)total);
        if (read < total && rate > 0)
            fprintf(stderr, ", about %.0f s left", (double)(total - read) / rate);
    }
    fflush(stderr);
}

static int add_input(struct build *b, const char *path, int input, int ninputs)
{
    cari_source *src;
    int rc = cari_source_open(&src, path);
    if (rc != 0)
        return rc;
    const char *id;
    size_t id_len, nfields;
    const cari_field *fields;
    while (!interrupted && (rc = cari_source_next(src, &id, &id_len, &fields, &nfields)) == 0) {
        if ((rc = cari_writer_add(b->writer, id, id_len, fields, nfields)) != 0) {
            /* the writer does not know where the document came from: say it */
            fprintf(stderr, "cari-index: %s: %s\n", cari_source_location(src), cari_error_last());
            b->reported = 1;
            break;
        }
        b->docs++;
        progress_line(b, src, input, ninputs, 0);
    }
    if (rc == CARI_ITEROVER)
        progress_line(b, src, input, ninputs, 1);
    uint64_t decoded;
    cari_source_progress(src, NULL, NULL, &decoded);
    b->input_bytes += decoded;
    cari_source_close(src);
    return rc == CARI_ITEROVER ? 0 : rc;
}

static void print_summary(const struct build *b, const char *path, double secs)
{
    cari_index *ix;
    cari_index_stats st = { .version = CARI_INDEX_STATS_VERSION };
    if (cari_index_open(&ix, path, 0) == 0) {
        cari_index_stats_get(ix, &st);
        cari_index_close(ix);
    }
    double mbs = secs > 0 ? (double)b->input_bytes / 1e6 / secs : 0;
    if (b->opt->json) {
        printf("{\"index\":");
        cli_json_string(stdout, path, strlen(path));
        printf(",\"documents\":%llu,\"terms\":%llu,\"postings\":%llu,\"input_bytes\":%llu,"
               "\"index_bytes\":%llu,\"doc_store_bytes\":%llu,\"seconds\":%.3f,\"mb_per_s\":%.2f}\n",
               (unsigned long long)st.documents, (unsigned long long)st.terms,
               (unsigned long long)st.postings, (unsigned long long)b->input_bytes,
               (unsigned long long)st.file_bytes, (unsigned long long)st.doc_store_bytes, secs, mbs);
        return;
    }
    char docs[32], terms[32], postings[32], in[32], out[32], store[32];
    cli_format_count(docs, sizeof docs, st.documents);
    cli_format_count(terms, sizeof terms, st.terms);
    cli_format_count(postings, sizeof postings, st.postings);
    cli_format_bytes(in, sizeof in, b->input_bytes);
    cli_format_bytes(out, sizeof out, st.file_bytes);
    cli_format_bytes(store, sizeof store, st.doc_store_bytes);
    printf("%s: %s documents, %s distinct terms, %s postings\n", path, docs, terms, postings);
    printf("%s: %s of input -> %s index (%s of it stored documents) in %.2f s, %.1f MB/s\n",
           path, in, out, store, secs, mbs);
}

static int run_build(const struct options *opt, int ninputs, char **inputs)
{
    struct build b = { .opt = opt, .started = cli_now() };
    b.show_progress = !opt->quiet && (opt->progress || isatty(STDERR_FILENO));
    cari_writer_opts wo = CARI_WRITER_OPTS_INIT;
    wo.store_level = opt->store_level;
    wo.threads = opt->threads;
    wo.memory = (size_t)opt->memory;
    int rc = cari_writer_open(&b.writer, opt->output, &wo);
    if (rc != 0)
        return fail(rc);
    for (int i = 0; i < ninputs && rc == 0 && !interrupted; i++)
        rc = add_input(&b, inputs[i], i, ninputs);
    if (b.show_progress)
        fprintf(stderr, "\r\033[K");
    int stopped = interrupted; /* once the commit has begun, it completes */
    if (rc == 0 && !stopped)
        rc = cari_writer_commit(b.writer);
    cari_writer_free(b.writer); /* without a commit this removes the temporary file */
    if (stopped) {
        fprintf(stderr, "cari-index: interrupted; %s was left as it was\n", opt->output);
        return CLI_EXIT_INTERRUPTED;
    }
    if (rc != 0 && b.reported)
        return cli_exit_code(rc);
    if (rc != 0)
        return fail(rc);
    if (!opt->quiet)
        print_summary(&b, opt->output, cli_now() - b.started);
    return CLI_EXIT_OK;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longs[] = {
        { "output", required_argument, NULL, 'o' }, { "quiet", no_argument, NULL, 'q' },
        { "progress", no_argument, NULL, 'P' },     { "json", no_argument, NULL, 'J' },
        { "store-level", required_argument, NULL, 'L' }, { "verify", required_argument, NULL, 'C' },
        { "analyze", no_argument, NULL, 'A' },      { "help", no_argument, NULL, 'h' },
        { "threads", required_argument, NULL, 'j' }, { "memory", required_argument, NULL, 'M' },
        { "version", no_argument, NULL, 'V' },      { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "o:j:qhV", longs, NULL)) != -1) {
        switch (c) {
        case 'o': opt->output = optarg; break;
        case 'q': opt->quiet = 1; break;
        case 'P': opt->progress = 1; break;
        case 'J': opt->json = 1; break;
        case 'C': opt->verify = optarg; break;
        case 'A': opt->analyze = 1; break;
        case 'L': {
            long v = cli_parse_count(optarg, 19);
            if (v < 1) {
                fprintf(stderr, "cari-index: --store-level takes a number from 1 to 19\n");
                return CLI_EXIT_USAGE;
            }
            opt->store_level = (int)v;
            break;
        }
        case 'j': {
            long v = cli_parse_count(optarg, 256);
            if (v < 1) {
                fprintf(stderr, "cari-index: -j takes a number of threads from 1 to 256\n");
                return CLI_EXIT_USAGE;
            }
            opt->threads = (unsigned)v;
            break;
        }
        case 'M':
            /* below 1 MiB nothing fits; a cap keeps size_t safe on 32-bit machines */
            opt->memory = cli_parse_size(optarg, SIZE_MAX);
            if (opt->memory < (1 << 20)) {
                fprintf(stderr, "cari-index: --memory takes a size of at least 1M, such as 512M or 2G\n");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage, stdout); exit(CLI_EXIT_OK);
        case 'V': printf("cari-index %s\n", cari_version()); exit(CLI_EXIT_OK);
        default: fputs("Try 'cari-index --help'.\n", stderr); return CLI_EXIT_USAGE;
        }
    }
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct options opt = { 0 };
    int rc = parse_options(argc, argv, &opt);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (opt.analyze) {
        if (optind >= argc) {
            fprintf(stderr, "cari-index: --analyze needs some text\n");
            return CLI_EXIT_USAGE;
        }
        return run_analyze(argc - optind, argv + optind);
    }
    if (opt.verify != NULL)
        return run_verify(opt.verify);
    if (opt.output == NULL || optind >= argc) {
        fprintf(stderr, "cari-index: %s\nTry 'cari-index --help'.\n",
                opt.output == NULL ? "no index file given (-o INDEX)" : "no input given");
        return CLI_EXIT_USAGE;
    }
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    return run_build(&opt, argc - optind, argv + optind);
}
