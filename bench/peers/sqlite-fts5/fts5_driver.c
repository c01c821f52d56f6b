/* fts5_driver.c - SQLite FTS5 (libsqlite3) for the side-by-side benchmark.
 *
 *   fts5_driver index DB [JSONL|-]           (plain or zstd)
 *   fts5_driver query DB QUERIES.tsv K or|and|phrase   > TREC run
 *
 * A contentless FTS5 table over body = title "\n" text with
 * unicode61 remove_diacritics 2 (SQLite has no Indonesian stemmer) and
 * detail=full (positions, needed for phrases and bm25), a rowid -> id table,
 * then 'optimize' and VACUUM, so the index is as static as the others.
 * Query words come from the FTS5 tokenizer itself, each quoted: joined by
 * OR / AND, or by + (FTS5's phrase operator). Ranked by ORDER BY rank (bm25). */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <sys/stat.h>

#include "../common/drv.h"

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        drv_die(sql, err);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        drv_die(sql, sqlite3_errmsg(db));
    return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        drv_die("insert", sqlite3_errmsg(db));
    sqlite3_reset(st);
}

static int run_index(const char *path, const char *input)
{
    double t0 = drv_now();
    sqlite3 *db;
    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        drv_die("cannot create", path);
    exec_sql(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
                 "PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY;"
                 "CREATE VIRTUAL TABLE fts USING fts5(body, content='', detail=full,"
                 " tokenize='unicode61 remove_diacritics 2');"
                 "CREATE TABLE ids(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL);"
                 "INSERT INTO fts(fts, rank) VALUES('hashsize', 268435456);" /* fewer, larger segments */
                 "BEGIN");
    sqlite3_stmt *body = prepare(db, "INSERT INTO fts(rowid, body) VALUES(?1, ?2)");
    sqlite3_stmt *ids = prepare(db, "INSERT INTO ids(rowid, id) VALUES(?1, ?2)");
    struct drv_input in;
    struct drv_doc d = { 0 };
    long long n = 0, text_bytes = 0;
    size_t len;
    char *line;
    drv_input_open(&in, input);
    while ((line = drv_input_line(&in, &len)) != NULL) {
        if (drv_doc_parse(&d, line) != 0) {
            fprintf(stderr, "fts5_driver: line %lld skipped: not a document with an id\n", in.line_no);
            continue;
        }
        sqlite3_bind_int64(body, 1, ++n);
        sqlite3_bind_text(body, 2, d.body.p, (int)d.body.n, SQLITE_STATIC);
        step_done(db, body);
        sqlite3_bind_int64(ids, 1, n);
        sqlite3_bind_text(ids, 2, d.id.p, (int)d.id.n, SQLITE_STATIC);
        step_done(db, ids);
        text_bytes += (long long)(d.title.n + d.text.n);
    }
    drv_input_close(&in);
    drv_doc_free(&d);
    sqlite3_finalize(body);
    sqlite3_finalize(ids);
    exec_sql(db, "COMMIT; INSERT INTO fts(fts) VALUES('optimize'); VACUUM");
    sqlite3_close(db);
    struct stat st;
    stat(path, &st);
    printf("docs=%lld text_bytes=%lld index_seconds=%.3f index_bytes=%lld\n", n, text_bytes,
           drv_now() - t0, (long long)st.st_size);
    return 0;
}

struct query_text {
    struct drv_buf *match;
    const char *join;
    int words;
};

static int add_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
    struct query_text *q = (struct query_text *)ctx;
    (void)start, (void)end;
    if (flags & FTS5_TOKEN_COLOCATED)
        return SQLITE_OK;
    if (q->words++)
        drv_put(q->match, q->join, strlen(q->join));
    drv_put(q->match, "\"", 1);
    for (int i = 0; i < n; i++)
        drv_put(q->match, tok[i] == '"' ? "\"\"" : tok + i, tok[i] == '"' ? 2 : 1);
    drv_put(q->match, "\"", 1);
    return SQLITE_OK;
}

static fts5_api *fts5(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = prepare(db, "SELECT fts5(?1)");
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (api == NULL)
        drv_die("no fts5 API", NULL);
    return api;
}

struct engine {
    sqlite3 *db;
    fts5_tokenizer tk;
    Fts5Tokenizer *tok;
    sqlite3_stmt *search, *id_of;
};

/* The top k of one query as external ids (owned by the caller), the timed part. */
static int search(struct engine *e, const char *text, const char *join, int k, char **ids,
                  double *scores)
{
    struct drv_buf match = { 0 };
    struct query_text q = { &match, join, 0 };
    int hits = 0;
    e->tk.xTokenize(e->tok, &q, FTS5_TOKENIZE_QUERY, text, (int)strlen(text), add_token);
    if (q.words > 0) {
        sqlite3_bind_text(e->search, 1, match.p, (int)match.n, SQLITE_STATIC);
        sqlite3_bind_int(e->search, 2, k);
        while (hits < k && sqlite3_step(e->search) == SQLITE_ROW) {
            sqlite3_bind_int64(e->id_of, 1, sqlite3_column_int64(e->search, 0));
            scores[hits] = -sqlite3_column_double(e->search, 1);
            ids[hits++] = sqlite3_step(e->id_of) == SQLITE_ROW
                              ? strdup((const char *)sqlite3_column_text(e->id_of, 0)) : strdup("?");
            sqlite3_reset(e->id_of);
        }
        sqlite3_reset(e->search);
    }
    free(match.p);
    return hits;
}

static void open_engine(struct engine *e, const char *path)
{
    if (sqlite3_open_v2(path, &e->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        drv_die("cannot open", path);
    exec_sql(e->db, "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-262144;");
    fts5_api *api = fts5(e->db);
    const char *args[] = { "remove_diacritics", "2" };
    void *user;
    if (api->xFindTokenizer(api, "unicode61", &user, &e->tk) != SQLITE_OK ||
        e->tk.xCreate(user, args, 2, &e->tok) != SQLITE_OK)
        drv_die("no unicode61 tokenizer", NULL);
    e->search = prepare(e->db, "SELECT rowid, rank FROM fts WHERE fts MATCH ?1 ORDER BY rank LIMIT ?2");
    e->id_of = prepare(e->db, "SELECT id FROM ids WHERE rowid=?1");
}

static int run_queries(const char *path, const char *qpath, int k, int mode)
{
    double t0 = drv_now();
    struct engine e;
    open_engine(&e, path);
    int nq;
    struct drv_query *qs = drv_queries_read(qpath, &nq);
    fprintf(stderr, "open_ms=%.3f\n", (drv_now() - t0) * 1e3);
    const char *join = mode == 'a' ? " AND " : mode == 'o' ? " OR " : " + ";
    char **ids = (char **)calloc((size_t)k, sizeof *ids);
    double *scores = (double *)calloc((size_t)k, sizeof *scores);
    double *ms = (double *)calloc((size_t)nq + 1, sizeof *ms);
    for (int pass = 0, warmup = drv_env_int("WARMUP", 0); pass <= warmup; pass++) {
        for (int i = 0; i < nq; i++) {
            double start = drv_now();
            int hits = search(&e, qs[i].text, join, k, ids, scores);
            ms[i] = (drv_now() - start) * 1e3;
            for (int j = 0; j < hits; j++) {
                if (pass == warmup)
                    printf("%s Q0 %s %d %.9g sqlite-fts5\n", qs[i].qid, ids[j], j + 1, scores[j]);
                free(ids[j]);
            }
        }
    }
    fflush(stdout);
    drv_report(ms, nq);
    drv_queries_free(qs, nq);
    free(ids), free(scores), free(ms);
    e.tk.xDelete(e.tok);
    sqlite3_finalize(e.search);
    sqlite3_finalize(e.id_of);
    sqlite3_close(e.db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "index") == 0)
        return run_index(argv[2], argc == 4 ? argv[3] : NULL);
    if (argc == 6 && strcmp(argv[1], "query") == 0 && atoi(argv[4]) > 0)
        return run_queries(argv[2], argv[3], atoi(argv[4]), drv_mode(argv[5]));
    fprintf(stderr, "usage: fts5_driver index DB [JSONL] | query DB QUERIES.tsv K or|and|phrase\n");
    return 2;
}
