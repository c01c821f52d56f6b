/* CLI tests: cari-index and cari-query run as a user runs them, on samples/,
 * checking what they print, which documents, and what they exit with. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/common/test_util.h"

#define ID000 "000_5aca90321db24b7b"
#define ID001 "001_c7aacca5a8cc5693"
#define ID002 "002_0dae2cce8c8e6931"
#define ID003 "003_bbff8ebabdd1624f"
#define ID004 "004_393e21a6b6f560b6"

static char *dir, *index_path;

static void build_samples_with_cli(void)
{
    dir = test_tmpdir();
    index_path = test_path(dir, "samples.cari");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s -o %s %s", TEST_CARI_INDEX, index_path, TEST_SAMPLES);
    char *out, *err;
    int code = test_run(cmd, NULL, &out, &err);
    cr_assert_eq(code, 0, "cari-index failed (%d): %s", code, err);
    free(out);
    free(err);
}

static void cleanup(void)
{
    test_rmtree(dir);
    free(index_path);
    free(dir);
}

TestSuite(cli, .init = build_samples_with_cli, .fini = cleanup);

/* Runs cari-query with `args` on the samples index; returns stdout. */
static char *query(const char *args, int expect_code)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s %s", TEST_CARI_QUERY, index_path, args);
    char *out, *err;
    int code = test_run(cmd, NULL, &out, &err);
    cr_assert_eq(code, expect_code, "%s: exit %d, stderr: %s", cmd, code, err);
    free(err);
    return out;
}

/* The ids of a --json run, in order, joined by ",". */
static char *json_ids(const char *out)
{
    char *ids = calloc(1, strlen(out) + 1);
    for (const char *p = out; (p = strstr(p, "\"id\":\"")) != NULL;) {
        p += 6;
        const char *q = strchr(p, '"');
        if (*ids)
            strcat(ids, ",");
        strncat(ids, p, (size_t)(q - p));
    }
    return ids;
}

static int compare(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

/* The same, sorted: for "exactly these documents, in any order". */
static char *json_ids_sorted(const char *out)
{
    char *ids = json_ids(out), *parts[64], *save = NULL;
    size_t n = 0;
    for (char *t = strtok_r(ids, ",", &save); t != NULL && n < 64; t = strtok_r(NULL, ",", &save))
        parts[n++] = t;
    qsort(parts, n, sizeof *parts, compare);
    char *sorted = calloc(1, strlen(out) + 1);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(sorted, ",");
        strcat(sorted, parts[i]);
    }
    free(ids);
    return sorted;
}

static void expect_docs(const char *q, const char *expected)
{
    char args[512];
    snprintf(args, sizeof args, "--json -- '%s'", q);
    char *out = query(args, 0);
    char *ids = json_ids_sorted(out);
    cr_assert_str_eq(ids, expected, "query %s", q);
    free(ids);
    free(out);
}

Test(cli, golden_queries_on_samples)
{
    expect_docs("Gerasimov", ID000 "," ID001 "," ID004);
    expect_docs("Peskov", ID000);
    expect_docs("Zelensky", ID001);
    expect_docs("Kursk", ID000 "," ID001 "," ID002 "," ID003 "," ID004);
    expect_docs("\"Kim Jong Un\"", ID000 "," ID001 "," ID002 "," ID003 "," ID004);
    expect_docs("KCNA", ID001 "," ID002 "," ID004);
    expect_docs("Gerasimov AND Trump", ID000);
    expect_docs("Kursk -Pyongyang", ID002);
}

Test(cli, text_output_has_rank_score_id_title_and_one_line_snippet)
{
    char *out = query("--color never Peskov", 0);
    /* one hit: "1  <score>  <id>" then the snippet indented under it */
    char id[64];
    float score;
    int rank;
    cr_assert_eq(sscanf(out, "%d %f %63s", &rank, &score, id), 3, "%s", out);
    cr_assert_eq(rank, 1);
    cr_assert_gt(score, 0);
    cr_assert_str_eq(id, ID000);
    const char *snippet = strchr(out, '\n') + 1;
    cr_assert(strncmp(snippet, "   ", 3) == 0, "%s", out);
    cr_assert_not_null(strstr(snippet, "[Peskov]"), "%s", out);
    cr_assert_eq(strchr(snippet, '\n'), out + strlen(out) - 1, "the snippet is one line: %s", out);
    free(out);

    out = query("--color never -k 1 Pujian", 0);
    cr_assert_not_null(strstr(out, ID003 "  Pujian Putin untuk Tentara Korea Utara dalam Perang di Ukraina\n"),
                       "the title follows the id: %s", out);
    free(out);
}

Test(cli, json_output_carries_every_field_in_rank_order)
{
    char *out = query("--json -k 3 Kursk", 0);
    int lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    cr_assert_eq(lines, 3, "%s", out);
    const char *head = "{\"query\":\"Kursk\",\"rank\":1,\"id\":\"";
    cr_assert(strncmp(out, head, strlen(head)) == 0, "%s", out);
    cr_assert_not_null(strstr(out, "\"rank\":3,"));
    cr_assert_not_null(strstr(out, "\"snippet\":\""));
    cr_assert_not_null(strstr(out, "[Kursk]"));
    cr_assert_not_null(strstr(out, "\"fields\":{}"));
    free(out);
}

Test(cli, color_marks_matches_only_when_asked)
{
    char *out = query("--color always Zelensky", 0);
    cr_assert_not_null(strstr(out, "\033[1mZelensky\033[0m"), "%s", out);
    free(out);
    out = query("Zelensky", 0); /* auto, and stdout is a file */
    cr_assert_null(strchr(out, '\033'), "%s", out);
    cr_assert_not_null(strstr(out, "[Zelensky]"));
    free(out);
}

Test(cli, queries_from_standard_input)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --no-snippet %s", TEST_CARI_QUERY, index_path);
    char *out, *err;
    int code = test_run(cmd, "Peskov\n\nZelensky\n", &out, &err);
    cr_assert_eq(code, 0, "%s", err);
    cr_assert_not_null(strstr(out, "# Peskov\n1"), "%s", out);
    cr_assert_not_null(strstr(out, "\n\n# Zelensky\n1"), "%s", out);
    cr_assert_not_null(strstr(out, ID001), "%s", out);
    free(out);
    free(err);

    code = test_run(cmd, "Peskov\n\"Kim\nZelensky\n", &out, &err);
    cr_assert_eq(code, 1, "a malformed query makes the exit status 1");
    cr_assert_not_null(strstr(err, "the quote is never closed"), "%s", err);
    cr_assert_not_null(strstr(out, ID001), "the queries after it still run: %s", out);
    free(out);
    free(err);
}

Test(cli, batch_mode_prints_a_trec_run_and_timings)
{
    char *qdir = test_tmpdir();
    char *qfile = test_path(qdir, "q.tsv");
    const char *queries = "q1\tPeskov\nq2\tKCNA\n";
    test_write_file(qfile, queries, strlen(queries));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s --batch %s -k 2 --warmup 1", TEST_CARI_QUERY, index_path, qfile);
    char *out, *err;
    int code = test_run(cmd, NULL, &out, &err);
    cr_assert_eq(code, 0, "%s", err);
    char expected_first[128];
    snprintf(expected_first, sizeof expected_first, "q1 Q0 %s 1 ", ID000);
    cr_assert(strncmp(out, expected_first, strlen(expected_first)) == 0, "%s", out);
    cr_assert_not_null(strstr(out, " cari\nq2 Q0 " ID004 " 1 "), "%s", out);
    cr_assert_not_null(strstr(out, "\nq2 Q0 "), "%s", out);
    int lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')) != NULL; p++)
        lines++;
    cr_assert_eq(lines, 3, "one line for Peskov, two for KCNA: %s", out);
    cr_assert_not_null(strstr(err, "open_ms="), "%s", err);
    cr_assert_not_null(strstr(err, "queries=2 total_seconds="), "%s", err);
    cr_assert_not_null(strstr(err, " p50_ms="), "%s", err);
    cr_assert_not_null(strstr(err, " p99_ms="), "%s", err);
    free(out);
    free(err);
    test_rmtree(qdir);
    free(qfile);
    free(qdir);
}

Test(cli, exit_codes_mean_something)
{
    char *out, *err;
    cr_assert_eq(test_run(TEST_CARI_QUERY, NULL, NULL, &err), 2, "no arguments: usage");
    cr_assert_not_null(strstr(err, "no index given"));
    free(err);
    cr_assert_eq(test_run(TEST_CARI_QUERY " --bogus x", NULL, NULL, NULL), 2);
    cr_assert_eq(test_run(TEST_CARI_QUERY " -k 0 x y", NULL, NULL, NULL), 2);
    cr_assert_eq(test_run(TEST_CARI_QUERY " /nonexistent/index Kursk", NULL, NULL, &err), 3);
    cr_assert_not_null(strstr(err, "/nonexistent/index: no such index"), "%s", err);
    free(err);
    out = query("'\"Kim Jong'", 1);
    free(out);
    cr_assert_eq(test_run(TEST_CARI_INDEX, NULL, NULL, &err), 2);
    cr_assert_not_null(strstr(err, "no index file given"), "%s", err);
    free(err);
    cr_assert_eq(test_run(TEST_CARI_INDEX " -o /tmp/x.cari", NULL, NULL, NULL), 2, "no input");
    cr_assert_eq(test_run(TEST_CARI_INDEX " -o /tmp/x.cari /nonexistent.jsonl", NULL, NULL, &err), 1,
                 "a missing input is bad input");
    cr_assert_not_null(strstr(err, "cannot open /nonexistent.jsonl: no such file or folder"), "%s", err);
    free(err);
    cr_assert_eq(test_run(TEST_CARI_INDEX " --verify /nonexistent.cari", NULL, NULL, NULL), 3,
                 "a missing index to verify");
    cr_assert_eq(test_run(TEST_CARI_INDEX " --store-level 99 -o /tmp/x.cari x", NULL, NULL, NULL), 2);

    /* no hits is a success, with a word on stderr */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s nonexistentword", TEST_CARI_QUERY, index_path);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0);
    cr_assert_str_eq(out, "");
    cr_assert_not_null(strstr(err, "no document matches"), "%s", err);
    free(out);
    free(err);
}

Test(cli, help_and_version)
{
    char *out;
    cr_assert_eq(test_run(TEST_CARI_QUERY " --help", NULL, &out, NULL), 0);
    cr_assert_not_null(strstr(out, "Usage: cari-query"));
    cr_assert_not_null(strstr(out, "Query language:"));
    cr_assert_not_null(strstr(out, "Exit status:"));
    free(out);
    cr_assert_eq(test_run(TEST_CARI_INDEX " --help", NULL, &out, NULL), 0);
    cr_assert_not_null(strstr(out, "Usage: cari-index"));
    cr_assert_not_null(strstr(out, "Exit status:"));
    free(out);
    cr_assert_eq(test_run(TEST_CARI_INDEX " --version", NULL, &out, NULL), 0);
    cr_assert_str_eq(out, "cari-index " CARI_VERSION_STRING "\n");
    free(out);
}

Test(cli, index_summary_and_json_summary)
{
    char cmd[1024], *out, *err;
    char *path = test_path(dir, "again.cari");
    snprintf(cmd, sizeof cmd, "%s -o %s %s", TEST_CARI_INDEX, path, TEST_SAMPLES);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, ": 5 documents, "), "%s", out);
    cr_assert_not_null(strstr(out, " distinct terms, "), "%s", out);
    cr_assert_not_null(strstr(out, " MB/s"), "%s", out);
    cr_assert_null(strchr(err, '\r'), "no progress line when stderr is not a terminal");
    free(out);
    free(err);

    snprintf(cmd, sizeof cmd, "%s --json -o %s %s", TEST_CARI_INDEX, path, TEST_SAMPLES);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\"documents\":5,"), "%s", out);
    cr_assert_not_null(strstr(out, "\"input_bytes\":"), "%s", out);
    cr_assert_not_null(strstr(out, "\"index_bytes\":"), "%s", out);
    cr_assert_not_null(strstr(out, "\"mb_per_s\":"), "%s", out);
    free(out);
    free(err);

    snprintf(cmd, sizeof cmd, "%s --progress -o %s %s", TEST_CARI_INDEX, path, TEST_SAMPLES);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    const char *progress = "\r\033[Kcari-index: 1 document, ";
    cr_assert(strncmp(err, progress, strlen(progress)) == 0, "--progress: %s", err);
    free(out);
    free(err);

    snprintf(cmd, sizeof cmd, "%s --progress -q -o %s %s", TEST_CARI_INDEX, path, TEST_SAMPLES);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, "", "--quiet prints no summary");
    free(out);
    free(err);
    free(path);
}

Test(cli, progress_bar_threads_and_memory_budget)
{
    char *input = test_path(dir, "five.jsonl");
    const char *lines = "{\"id\":\"a\",\"text\":\"kucing tidur di atas meja\"}\n"
                        "{\"id\":\"b\",\"text\":\"anjing menggonggong\"}\n"
                        "{\"id\":\"c\",\"title\":\"Kursk\",\"text\":\"pasukan bergerak\"}\n"
                        "{\"id\":\"a\",\"text\":\"kucing bangun\"}\n"
                        "{\"id\":\"d\",\"text\":\"menyampaikan pesan\"}\n";
    test_write_file(input, lines, strlen(lines));
    char *one = test_path(dir, "one.cari"), *two = test_path(dir, "two.cari");
    char cmd[2048], *out, *err;
    snprintf(cmd, sizeof cmd, "%s -q -j 1 -o %s %s", TEST_CARI_INDEX, one, input);
    cr_assert_eq(test_run(cmd, NULL, NULL, &err), 0, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, "%s --progress -j 2 --memory 1M -o %s %s", TEST_CARI_INDEX, two, input);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    /* the last line of a file of known size: a full bar, no time left */
    const char *full = "\r\033[Kcari-index: 5 documents, 212 B, ";
    const char *at = strstr(err, full);
    cr_assert_not_null(at, "%s", err);
    cr_assert_not_null(strstr(at, " MB/s [########################] 100%\r\033[K"), "%s", err);
    size_t n1, n2;
    char *b1 = test_read_file(one, &n1), *b2 = test_read_file(two, &n2);
    cr_assert(n1 == n2 && memcmp(b1, b2, n1) == 0, "-j 2 --memory 1M wrote other bytes");
    free(b1);
    free(b2);
    free(out);
    free(err);

    const char *bad[] = { "-j 0", "-j 300", "--memory 12X", "--memory 512K", "--memory 0",
                          "--memory 1MB", "--memory -1G" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "%s %s -o %s %s", TEST_CARI_INDEX, bad[i], two, input);
        cr_assert_eq(test_run(cmd, NULL, NULL, &err), 2, "%s is bad usage", bad[i]);
        cr_assert_not_null(strstr(err, bad[i][1] == 'j' ? "-j takes" : "--memory takes"), "%s", err);
        free(err);
    }
    free(one);
    free(two);
    free(input);
}

Test(cli, bad_json_names_file_line_and_byte_and_keeps_the_old_index)
{
    char *jsonl = test_path(dir, "bad.jsonl"), *target = test_path(dir, "keep.cari");
    const char *data = "{\"id\":\"a\",\"text\":\"satu\"}\n"
                       "{\"id\":\"b\",\"text\":\"dua\"}\n"
                       "{\"id\":\"c\" \"text\":\"tiga\"}\n";
    test_write_file(jsonl, data, strlen(data));
    char cmd[1024], *err;
    snprintf(cmd, sizeof cmd, "cp %s %s", index_path, target);
    cr_assert_eq(system(cmd), 0);
    size_t before_len, after_len;
    char *before = test_read_file(target, &before_len);

    snprintf(cmd, sizeof cmd, "%s -o %s %s", TEST_CARI_INDEX, target, jsonl);
    cr_assert_eq(test_run(cmd, NULL, NULL, &err), 1);
    char expected[512];
    snprintf(expected, sizeof expected, "%s: line 3, byte 11: ',' or '}' expected", jsonl);
    cr_assert_not_null(strstr(err, expected), "%s", err);
    free(err);

    char *after = test_read_file(target, &after_len);
    cr_assert_eq(after_len, before_len);
    cr_assert(memcmp(before, after, before_len) == 0, "the previous index is untouched");
    snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
    char *out;
    test_run(cmd, NULL, &out, NULL);
    cr_assert_str_eq(out, "0\n", "no temporary file is left behind");
    free(out);
    free(before);
    free(after);
    free(jsonl);
    free(target);
}

Test(cli, jsonl_from_standard_input_and_invalid_utf8)
{
    char *path = test_path(dir, "stdin.cari");
    char cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, "%s -q -o %s -", TEST_CARI_INDEX, path);
    const char *docs = "{\"id\":\"x1\",\"title\":\"Judul\",\"text\":\"Warga Kediri \xff\xfe menolak\",\"source\":\"uji\"}\n";
    cr_assert_eq(test_run(cmd, docs, NULL, &err), 0, "%s", err);
    free(err);
    snprintf(cmd, sizeof cmd, "%s --json %s menolak", TEST_CARI_QUERY, path);
    cr_assert_eq(test_run(cmd, NULL, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "\"id\":\"x1\""), "%s", out);
    cr_assert_not_null(strstr(out, "\"title\":\"Judul\""), "%s", out);
    cr_assert_not_null(strstr(out, "Kediri \xef\xbf\xbd\xef\xbf\xbd [menolak]"),
                       "invalid bytes are stored as U+FFFD: %s", out);
    cr_assert_not_null(strstr(out, "\"fields\":{\"source\":\"uji\"}"), "%s", out);
    free(out);
    free(err);
    free(path);
}

Test(cli, stats_add_up_to_the_file_size)
{
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s --stats %s", TEST_CARI_QUERY, index_path);
    cr_assert_eq(test_run(cmd, NULL, &out, NULL), 0);
    const char *names[] = { "term_dictionary_bytes", "postings_bytes", "positions_bytes",
                            "doc_lengths_bytes", "doc_store_bytes", "other_bytes" };
    unsigned long long sum = 0, v, file = 0, docs = 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char key[64];
        snprintf(key, sizeof key, "\n%s=", names[i]);
        const char *p = strstr(out, key);
        cr_assert_not_null(p, "%s missing: %s", names[i], out);
        cr_assert_eq(sscanf(p + strlen(key), "%llu", &v), 1);
        sum += v;
    }
    cr_assert_eq(sscanf(strstr(out, "file_bytes=") + 11, "%llu", &file), 1);
    cr_assert_eq(sscanf(out, "documents=%llu", &docs), 1, "%s", out);
    cr_assert_eq(docs, 5);
    cr_assert_eq(sum, file, "%s", out);
    size_t len;
    free(test_read_file(index_path, &len));
    cr_assert_eq(file, len);
    free(out);
}

Test(cli, verify_and_analyze)
{
    char cmd[1024], *out, *err;
    snprintf(cmd, sizeof cmd, "%s --verify %s", TEST_CARI_INDEX, index_path);
    cr_assert_eq(test_run(cmd, NULL, &out, NULL), 0);
    cr_assert_not_null(strstr(out, ": ok, 5 documents"), "%s", out);
    free(out);

    char *broken = test_path(dir, "broken.cari");
    size_t len;
    char *data = test_read_file(index_path, &len);
    data[len / 2] ^= 0x40;
    test_write_file(broken, data, len);
    snprintf(cmd, sizeof cmd, "%s --verify %s", TEST_CARI_INDEX, broken);
    cr_assert_eq(test_run(cmd, NULL, NULL, &err), 3);
    cr_assert_not_null(strstr(err, "corrupt index: section "), "%s", err);
    free(err);
    free(data);
    free(broken);

    cr_assert_eq(test_run(TEST_CARI_INDEX " --analyze 'Kim Jong-un, teman-teman'", NULL, &out, NULL), 0);
    cr_assert_str_eq(out, "0\tKim\tkim\tkim\n"
                          "1\tJong\tjong\tjong\n"
                          "1\tJong-un\tjong-un\tjong-un\n"
                          "2\tun\tun\tun\n"
                          "3\tteman-teman\tteman\tteman-teman\n");
    free(out);
    /* position, surface as written, root, exact: names stay, roots keep their letters */
    cr_assert_eq(test_run(TEST_CARI_INDEX " --analyze 'Pemerintah Maluku menegaskan,' "
                                          "'PERUNDINGAN pasukannya di Kediri'",
                          NULL, &out, NULL), 0);
    cr_assert_str_eq(out, "0\tPemerintah\tperintah\tpemerintah\n"
                          "1\tMaluku\tmaluku\tmaluku\n"
                          "2\tmenegaskan\ttegas\tmenegaskan\n"
                          "3\tPERUNDINGAN\trunding\tperundingan\n"
                          "4\tpasukannya\tpasuk\tpasukannya\n"
                          "5\tdi\tdi\tdi\n"
                          "6\tKediri\tkediri\tkediri\n");
    free(out);
}

/* Phrases (of inflected words, reduplications, hyphenated and dated whole
 * forms), --and and snippets give what cari gave before inflected exact keys
 * lost their positions and positions were Rice-coded (format 2): the golden
 * files are the output of format 1's cari-query on the same samples, with the
 * documents, their order and snippets unchanged since; the scores are those
 * of format 4, where no form of a root counts more than another. */
Test(cli, positions_code_changes_no_result)
{
    char *queries = test_read_file(TEST_DATA "/positions-queries.txt", NULL);
    cr_assert_not_null(queries);
    const char *modes[][2] = { { "", "/positions-golden-or.json" },
                               { "--and", "/positions-golden-and.json" } };
    for (size_t m = 0; m < 2; m++) {
        char cmd[2048], path[1024];
        snprintf(cmd, sizeof cmd, "%s --json -k 5 %s %s", TEST_CARI_QUERY, modes[m][0], index_path);
        snprintf(path, sizeof path, "%s%s", TEST_DATA, modes[m][1]);
        char *want = test_read_file(path, NULL), *out, *err;
        cr_assert_not_null(want);
        int code = test_run(cmd, queries, &out, &err);
        cr_assert_eq(code, 0, "%s: %s", cmd, err);
        cr_assert_str_eq(out, want, "%s differs from %s", cmd, path);
        free(want);
        free(out);
        free(err);
    }
    free(queries);
}
