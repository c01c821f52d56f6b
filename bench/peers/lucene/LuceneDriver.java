// LuceneDriver.java - Lucene 8 (liblucene8-java) for the side-by-side benchmark.
//
//   java LuceneDriver index DIR [JSONL|-]            (plain or zstd)
//   java LuceneDriver query DIR QUERIES.tsv K or|and|phrase   > TREC run
//
// One IndexWriter (1 GB RAM buffer) over body = title "\n" text (TextField
// with positions, not stored) and the external id as binary doc values, with
// IndonesianAnalyzer (standard tokenizer, lower case, Indonesian stop words,
// IndonesianStemFilter), BM25Similarity, then forceMerge(1) so the index is as
// static as the others. There is no zstd in the JDK, so the input is read
// through a `zstd -dcf` child (which passes plain text through); its CPU time
// counts in the process tree. Queries: the classic QueryParser on the
// lower-cased, escaped text (plain words), default operator OR or AND; a
// phrase is that text in double quotes. IndexSearcher.search(q, K).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.*;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.BytesRef;

public class LuceneDriver {
    // ---- the id, title and text of one JSON line (other keys skipped) ----
    static final class Doc {
        String id, title = "", text = "";
    }

    static final class Json {
        final String s;
        int i;

        Json(String s) { this.s = s; }

        void ws() { while (i < s.length() && " \t\r".indexOf(s.charAt(i)) >= 0) i++; }

        boolean at(char c) { ws(); return i < s.length() && s.charAt(i) == c; }

        String string() {
            StringBuilder b = new StringBuilder();
            for (i++; i < s.length();) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                if (i >= s.length()) return null;
                char e = s.charAt(i++);
                if (e == 'u') {
                    if (i + 4 > s.length()) return null;
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                } else {
                    int k = "nrtbf".indexOf(e);
                    b.append(k >= 0 ? "\n\r\t\b\f".charAt(k) : e);
                }
            }
            return null;
        }

        // a string's text, a scalar's spelling, null for an object or array
        String value() {
            char c = s.charAt(i);
            if (c == '"') return string();
            int start = i, depth = 0;
            if (c != '{' && c != '[') {
                while (i < s.length() && ",} \t\r".indexOf(s.charAt(i)) < 0) i++;
                return s.substring(start, i);
            }
            for (; i < s.length(); i++) {
                c = s.charAt(i);
                if (c == '"') { string(); i--; }
                else if (c == '{' || c == '[') depth++;
                else if ((c == '}' || c == ']') && --depth == 0) { i++; return null; }
            }
            throw new IllegalArgumentException("unterminated value");
        }

        Doc doc() {
            Doc d = new Doc();
            if (!at('{')) return null;
            for (i++; at('"');) {
                String key = string();
                if (key == null || !at(':')) return null;
                i++;
                ws();
                if (i >= s.length()) return null;
                String v = value();
                if (key.equals("id")) d.id = v;
                else if (key.equals("title") && v != null) d.title = v;
                else if (key.equals("text") && v != null) d.text = v;
                if (at(',')) { i++; continue; }
                return at('}') && d.id != null && !d.id.isEmpty() ? d : null;
            }
            return null;
        }
    }

    static Process child; // the zstd that reads the input

    static BufferedReader open(String path) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("zstd", "-dcfq");
        if (path != null && !path.equals("-")) pb.command().addAll(List.of("--", path));
        else pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        child = pb.start();
        return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8), 1 << 20);
    }

    static long dirBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void index(String dir, String input) throws Exception {
        long t0 = System.nanoTime();
        Path p = Paths.get(dir);
        Files.createDirectories(p);
        IndexWriterConfig cfg = new IndexWriterConfig(new IndonesianAnalyzer());
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        cfg.setRAMBufferSizeMB(1024);
        cfg.setSimilarity(new BM25Similarity());
        long n = 0, line = 0;
        try (MMapDirectory d = new MMapDirectory(p); IndexWriter w = new IndexWriter(d, cfg);
             BufferedReader in = open(input)) {
            for (String s; (s = in.readLine()) != null;) {
                line++;
                Doc doc = s.isBlank() ? null : new Json(s).doc();
                if (doc == null) {
                    System.err.println("LuceneDriver: line " + line + " skipped: not a document with an id");
                    continue;
                }
                Document ld = new Document();
                ld.add(new BinaryDocValuesField("id", new BytesRef(doc.id)));
                ld.add(new TextField("body", doc.title + "\n" + doc.text, Field.Store.NO));
                w.addDocument(ld);
                n++;
            }
            if (child.waitFor() != 0) throw new IOException("zstd could not read " + input);
            w.forceMerge(1);
        }
        System.out.printf(Locale.ROOT, "docs=%d index_seconds=%.3f index_bytes=%d%n", n,
                (System.nanoTime() - t0) / 1e9, dirBytes(p));
    }

    // ---- queries ----
    static final class Searcher {
        final DirectoryReader reader;
        final IndexSearcher searcher;
        final QueryParser parser;
        final boolean phrase;

        Searcher(String dir, String mode) throws IOException {
            reader = DirectoryReader.open(new MMapDirectory(Paths.get(dir)));
            searcher = new IndexSearcher(reader);
            searcher.setSimilarity(new BM25Similarity());
            searcher.setQueryCache(null); // each query is answered, not remembered
            parser = new QueryParser("body", new IndonesianAnalyzer());
            parser.setDefaultOperator(mode.equals("and") ? QueryParser.Operator.AND : QueryParser.Operator.OR);
            phrase = mode.equals("phrase");
        }

        // the top k as external ids and scores, the timed part
        int search(String text, int k, String[] ids, float[] scores) throws Exception {
            String words = QueryParser.escape(text.toLowerCase(Locale.ROOT));
            ScoreDoc[] hits = searcher.search(parser.parse(phrase ? "\"" + words + "\"" : words), k).scoreDocs;
            List<LeafReaderContext> leaves = reader.leaves();
            // doc values only move forward: look the ids up in doc order
            Integer[] order = new Integer[hits.length];
            for (int j = 0; j < hits.length; j++) order[j] = j;
            Arrays.sort(order, (x, y) -> Integer.compare(hits[x].doc, hits[y].doc));
            int leaf = -1;
            BinaryDocValues dv = null;
            for (int j : order) {
                int li = ReaderUtil.subIndex(hits[j].doc, leaves);
                if (li != leaf) dv = DocValues.getBinary(leaves.get(leaf = li).reader(), "id");
                ids[j] = dv.advanceExact(hits[j].doc - leaves.get(li).docBase) ? dv.binaryValue().utf8ToString() : "?";
                scores[j] = hits[j].score;
            }
            return hits.length;
        }
    }

    static void query(String dir, String queries, int k, String mode) throws Exception {
        long t0 = System.nanoTime();
        Searcher s = new Searcher(dir, mode);
        List<String[]> qs = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(queries), StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab >= 0) qs.add(new String[] {line.substring(0, tab), line.substring(tab + 1).strip()});
        }
        System.err.printf(Locale.ROOT, "open_ms=%.3f%n", (System.nanoTime() - t0) / 1e6);
        double[] ms = new double[qs.size()];
        String[] ids = new String[k];
        float[] scores = new float[k];
        StringBuilder out = new StringBuilder(1 << 16);
        int warmup = Integer.parseInt(Optional.ofNullable(System.getenv("WARMUP")).filter(v -> !v.isEmpty()).orElse("0"));
        for (int pass = 0; pass <= warmup; pass++) {
            for (int i = 0; i < qs.size(); i++) {
                long a = System.nanoTime();
                int n = 0;
                try {
                    n = s.search(qs.get(i)[1], k, ids, scores);
                } catch (org.apache.lucene.queryparser.classic.ParseException e) {
                    if (pass == warmup) System.err.println("LuceneDriver: query " + qs.get(i)[0] + ": " + e.getMessage());
                }
                ms[i] = (System.nanoTime() - a) / 1e6;
                for (int j = 0; pass == warmup && j < n; j++)
                    out.append(qs.get(i)[0]).append(" Q0 ").append(ids[j]).append(' ').append(j + 1)
                       .append(' ').append(scores[j]).append(" lucene\n");
            }
        }
        PrintStream o = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
        o.print(out);
        o.flush();
        report(ms);
    }

    // the same line and nearest-rank percentiles as common/drv.h
    static void report(double[] ms) {
        double total = 0;
        for (double x : ms) total += x;
        Arrays.sort(ms);
        System.err.printf(Locale.ROOT, "queries=%d total_seconds=%.6f p50_ms=%.4f p99_ms=%.4f%n", ms.length,
                total / 1e3, percentile(ms, 50), percentile(ms, 99));
    }

    static double percentile(double[] sorted, double p) {
        int n = sorted.length, rank = (int) (p / 100.0 * n + 0.999999);
        return n == 0 ? 0 : sorted[Math.min(n, Math.max(1, rank)) - 1];
    }

    public static void main(String[] a) throws Exception {
        if (a.length >= 2 && a.length <= 3 && a[0].equals("index")) {
            index(a[1], a.length == 3 ? a[2] : null);
        } else if (a.length == 5 && a[0].equals("query") && List.of("or", "and", "phrase").contains(a[4])) {
            query(a[1], a[2], Integer.parseInt(a[3]), a[4]);
        } else {
            System.err.println("usage: LuceneDriver index DIR [JSONL] | query DIR QUERIES.tsv K or|and|phrase");
            System.exit(2);
        }
    }
}
