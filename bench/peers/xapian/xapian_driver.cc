// xapian_driver.cc - Xapian 1.4 (libxapian) for the side-by-side benchmark.
//
//   xapian_driver index DIR [JSONL|-]           (plain or zstd)
//   xapian_driver query DIR QUERIES.tsv K or|and|phrase   > TREC run
//
// Glass database of body = title "\n" text through TermGenerator with the
// Snowball "indonesian" stemmer (STEM_SOME, Xapian's default: words with
// positions plus Z-prefixed stems), the external id as document data,
// flushed every 5000 documents (the fastest setting on the 146 MB corpus),
// then compacted (FULLER) so the index is as static as the others.
// Queries: QueryParser with the same stemmer, no query syntax (flags 0) for
// or/and; a phrase is the text in double quotes with FLAG_PHRASE. BM25Weight
// with Xapian's defaults.
#include <xapian.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../common/drv.h"

namespace fs = std::filesystem;

static long long dir_bytes(const std::string &dir)
{
    long long n = 0;
    for (const auto &f : fs::recursive_directory_iterator(dir))
        if (f.is_regular_file())
            n += (long long)f.file_size();
    return n;
}

static long long add_documents(Xapian::WritableDatabase &db, const char *input, long long *text_bytes)
{
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("indonesian"));
    tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    struct drv_input in;
    struct drv_doc d = {};
    long long n = 0;
    size_t len;
    char *line;
    drv_input_open(&in, input);
    while ((line = drv_input_line(&in, &len)) != NULL) {
        if (drv_doc_parse(&d, line) != 0) {
            fprintf(stderr, "xapian_driver: line %lld skipped: not a document with an id\n", in.line_no);
            continue;
        }
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(std::string(d.body.p, d.body.n));
        doc.set_data(std::string(d.id.p, d.id.n));
        db.add_document(doc);
        *text_bytes += (long long)(d.title.n + d.text.n);
        n++;
    }
    drv_input_close(&in);
    drv_doc_free(&d);
    return n;
}

static int run_index(const std::string &dir, const char *input)
{
    double t0 = drv_now();
    setenv("XAPIAN_FLUSH_THRESHOLD", "5000", 0);
    std::string raw = dir + "/raw", db_dir = dir + "/db";
    fs::remove_all(dir);
    fs::create_directories(dir);
    long long n, text_bytes = 0;
    {
        Xapian::WritableDatabase db(raw, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
        n = add_documents(db, input, &text_bytes);
        db.commit();
    }
    Xapian::Database(raw).compact(db_dir, Xapian::DBCOMPACT_NO_RENUMBER | Xapian::Compactor::FULLER);
    fs::remove_all(raw);
    printf("docs=%lld text_bytes=%lld index_seconds=%.3f index_bytes=%lld\n", n, text_bytes,
           drv_now() - t0, dir_bytes(dir));
    return 0;
}

// The top k of one query as external ids, the timed part.
static size_t search(Xapian::Enquire &enq, Xapian::QueryParser &qp, const char *text, int mode,
                     int k, std::vector<std::pair<std::string, double>> &hits)
{
    hits.clear();
    Xapian::Query q = mode == 'p' ? qp.parse_query("\"" + std::string(text) + "\"",
                                                   Xapian::QueryParser::FLAG_PHRASE)
                                  : qp.parse_query(text, 0);
    if (q.empty())
        return 0;
    enq.set_query(q);
    Xapian::MSet ms = enq.get_mset(0, (Xapian::doccount)k);
    for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
        hits.emplace_back(it.get_document().get_data(), it.get_weight());
    return hits.size();
}

static int run_queries(const std::string &dir, const char *qpath, int k, int mode)
{
    double t0 = drv_now();
    Xapian::Database db(dir + "/db");
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BM25Weight());
    Xapian::QueryParser qp;
    qp.set_stemmer(Xapian::Stem("indonesian"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_database(db);
    qp.set_default_op(mode == 'a' ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
    int nq;
    struct drv_query *qs = drv_queries_read(qpath, &nq);
    fprintf(stderr, "open_ms=%.3f\n", (drv_now() - t0) * 1e3);
    std::vector<double> ms((size_t)nq + 1);
    std::vector<std::pair<std::string, double>> hits;
    for (int pass = 0, warmup = drv_env_int("WARMUP", 0); pass <= warmup; pass++) {
        for (int i = 0; i < nq; i++) {
            double start = drv_now();
            size_t n = search(enq, qp, qs[i].text, mode, k, hits);
            ms[(size_t)i] = (drv_now() - start) * 1e3;
            for (size_t j = 0; pass == warmup && j < n; j++)
                printf("%s Q0 %s %zu %.9g xapian\n", qs[i].qid, hits[j].first.c_str(), j + 1,
                       hits[j].second);
        }
    }
    fflush(stdout);
    drv_report(ms.data(), nq);
    drv_queries_free(qs, nq);
    return 0;
}

int main(int argc, char **argv)
{
    try {
        if (argc >= 3 && argc <= 4 && strcmp(argv[1], "index") == 0)
            return run_index(argv[2], argc == 4 ? argv[3] : NULL);
        if (argc == 6 && strcmp(argv[1], "query") == 0 && atoi(argv[4]) > 0)
            return run_queries(argv[2], argv[3], atoi(argv[4]), drv_mode(argv[5]));
    } catch (const Xapian::Error &e) {
        drv_die("xapian", e.get_description().c_str());
    }
    fprintf(stderr, "usage: xapian_driver index DIR [JSONL] | query DIR QUERIES.tsv K or|and|phrase\n");
    return 2;
}
