/* drv.h - what the C and C++ peer drivers share, so that every engine sees
 * the same documents, the same queries and the same clock:
 *   - drv_input: JSON Lines from a file or stdin, plain or zstd (detected by
 *     its magic number, decompressed in the process as cari does)
 *   - drv_doc_parse: the "id" (string or number), "title" and "text" of one
 *     line, JSON escapes decoded; body = title "\n" text
 *   - drv_queries_read: "qid<TAB>query" lines
 *   - drv_now, drv_report: monotonic clock, nearest-rank p50/p99 on stderr
 * Header-only (static functions) because the drivers are single files in two
 * languages; it compiles as C11 and as C++17. A driver that cannot go on
 * prints why and exits 1 (bad input) or 2 (bad usage): these are programs,
 * not the library. */
#ifndef BENCH_DRV_H
#define BENCH_DRV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

static void drv_die(const char *what, const char *detail)
{
    fprintf(stderr, "driver: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static void *drv_grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    if ((p = realloc(p, c * size)) == NULL)
        drv_die("out of memory", NULL);
    *cap = c;
    return p;
}

struct drv_buf {
    char *p;
    size_t n, cap;
};

static void drv_put(struct drv_buf *b, const char *s, size_t n)
{
    b->p = (char *)drv_grow(b->p, &b->cap, b->n + n + 1, 1);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

/* ---- input: lines of a plain or zstd stream ---- */

struct drv_input {
    FILE *f;
    ZSTD_DCtx *z; /* NULL for plain input */
    struct drv_buf raw, text; /* compressed bytes; decompressed, not yet returned */
    size_t raw_pos, text_pos;
    long long line_no;
};

static size_t drv_fill_raw(struct drv_input *in)
{
    in->raw.p = (char *)drv_grow(in->raw.p, &in->raw.cap, 1 << 17, 1);
    in->raw.n = fread(in->raw.p, 1, in->raw.cap, in->f);
    in->raw_pos = 0;
    if (ferror(in->f))
        drv_die("read error", NULL);
    return in->raw.n;
}

static void drv_input_open(struct drv_input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->f = (path == NULL || strcmp(path, "-") == 0) ? stdin : fopen(path, "rb");
    if (in->f == NULL)
        drv_die("cannot open", path);
    static const unsigned char magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
    if (drv_fill_raw(in) >= 4 && memcmp(in->raw.p, magic, 4) == 0)
        in->z = ZSTD_createDCtx();
}

/* Appends more decompressed (or plain) bytes to in->text; 0 at the end. */
static int drv_more(struct drv_input *in)
{
    if (in->raw_pos == in->raw.n && drv_fill_raw(in) == 0)
        return 0;
    if (in->z == NULL) {
        drv_put(&in->text, in->raw.p, in->raw.n);
        in->raw_pos = in->raw.n;
        return 1;
    }
    ZSTD_inBuffer src = { in->raw.p, in->raw.n, in->raw_pos };
    in->text.p = (char *)drv_grow(in->text.p, &in->text.cap, in->text.n + (1 << 18), 1);
    ZSTD_outBuffer dst = { in->text.p + in->text.n, in->text.cap - in->text.n - 1, 0 };
    size_t rc = ZSTD_decompressStream(in->z, &dst, &src);
    if (ZSTD_isError(rc))
        drv_die("zstd", ZSTD_getErrorName(rc));
    in->raw_pos = src.pos;
    in->text.n += dst.pos;
    in->text.p[in->text.n] = 0;
    return 1;
}

/* The next line without its newline (NUL-terminated, valid until the next
 * call), or NULL at the end of the input. */
static char *drv_input_line(struct drv_input *in, size_t *len)
{
    for (;;) {
        char *start = in->text.p + in->text_pos;
        char *nl = in->text.n > in->text_pos
                       ? (char *)memchr(start, '\n', in->text.n - in->text_pos) : NULL;
        if (nl != NULL) {
            *nl = 0;
            *len = (size_t)(nl - start);
            in->text_pos += *len + 1;
            in->line_no++;
            return start;
        }
        if (in->text_pos > 0) { /* keep the unfinished line, drop what was returned */
            memmove(in->text.p, start, in->text.n - in->text_pos);
            in->text.n -= in->text_pos;
            in->text_pos = 0;
        }
        if (!drv_more(in)) {
            if (in->text.n == 0)
                return NULL;
            drv_put(&in->text, "\n", 1); /* a last line without a newline */
        }
    }
}

static void drv_input_close(struct drv_input *in)
{
    if (in->f != stdin)
        fclose(in->f);
    ZSTD_freeDCtx(in->z);
    free(in->raw.p);
    free(in->text.p);
}

/* ---- one JSON Lines document ---- */

struct drv_doc {
    struct drv_buf id, title, text, body, key; /* body = title "\n" text */
};

static const char *drv_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

static void drv_utf8(struct drv_buf *b, unsigned long c)
{
    char t[4];
    size_t n;
    if (c < 0x80) {
        t[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        t[0] = (char)(0xC0 | c >> 6), t[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        t[0] = (char)(0xE0 | c >> 12), t[1] = (char)(0x80 | (c >> 6 & 0x3F));
        t[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        t[0] = (char)(0xF0 | c >> 18), t[1] = (char)(0x80 | (c >> 12 & 0x3F));
        t[2] = (char)(0x80 | (c >> 6 & 0x3F)), t[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    drv_put(b, t, n);
}

static const char *drv_hex4(const char *s, unsigned long *v)
{
    char h[5] = { 0 };
    char *end;
    for (int i = 0; i < 4; i++)
        if ((h[i] = s[i]) == 0)
            return NULL;
    *v = strtoul(h, &end, 16);
    return end == h + 4 ? s + 4 : NULL;
}

/* s at the opening quote; the decoded string goes to out (NULL: skipped). */
static const char *drv_string(const char *s, struct drv_buf *out)
{
    for (s++;;) {
        const char *q = s + strcspn(s, "\"\\");
        if (out && q > s)
            drv_put(out, s, (size_t)(q - s));
        if (*q == '"')
            return q + 1;
        if (*q == 0 || q[1] == 0)
            return NULL;
        char c = q[1];
        unsigned long u, lo;
        s = q + 2;
        if (c == 'u') {
            if ((s = drv_hex4(s, &u)) == NULL)
                return NULL;
            if (u >= 0xD800 && u < 0xDC00 && s[0] == '\\' && s[1] == 'u' &&
                drv_hex4(s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            } else if (u >= 0xD800 && u < 0xE000) {
                u = 0xFFFD;
            }
            if (out)
                drv_utf8(out, u);
        } else if (out) {
            const char *from = "nrtbf", *to = "\n\r\t\b\f";
            const char *at = strchr(from, c);
            char d = at && c ? to[at - from] : c;
            drv_put(out, &d, 1);
        }
    }
}

/* Skips any value; a string or a scalar is copied to out when out != NULL. */
static const char *drv_value(const char *s, struct drv_buf *out)
{
    if (*s == '"')
        return drv_string(s, out);
    if (*s == '{' || *s == '[') {
        int depth = 0;
        for (; *s; s++) {
            if (*s == '"' && (s = drv_string(s, NULL)) == NULL)
                return NULL;
            if (*s == '{' || *s == '[')
                depth++;
            else if ((*s == '}' || *s == ']') && --depth == 0)
                return s + 1;
        }
        return NULL;
    }
    size_t n = strcspn(s, ",} \t\r");
    if (n == 0)
        return NULL;
    if (out)
        drv_put(out, s, n);
    return s + n;
}

/* 0 on success, -1 on a line that is not a JSON object. */
static int drv_doc_parse(struct drv_doc *d, const char *s)
{
    d->id.n = d->title.n = d->text.n = d->body.n = 0;
    int rc = -1;
    s = drv_ws(s);
    if (*s++ != '{')
        return -1;
    for (s = drv_ws(s); *s == '"';) {
        d->key.n = 0;
        if ((s = drv_string(s, &d->key)) == NULL || *(s = drv_ws(s)) != ':')
            break;
        s = drv_ws(s + 1);
        struct drv_buf *to = d->key.n == 2 && !memcmp(d->key.p, "id", 2) ? &d->id
                             : d->key.n == 5 && !memcmp(d->key.p, "title", 5) ? &d->title
                             : d->key.n == 4 && !memcmp(d->key.p, "text", 4) ? &d->text : NULL;
        if (to)
            to->n = 0;
        if ((s = drv_value(s, to)) == NULL)
            break;
        s = drv_ws(s);
        if (*s == ',')
            s = drv_ws(s + 1);
        else if (*s == '}')
            rc = d->id.n > 0 ? 0 : -1;
        if (*s == '}' || *s != '"')
            break;
    }
    drv_put(&d->body, d->title.p ? d->title.p : "", d->title.n);
    drv_put(&d->body, "\n", 1);
    drv_put(&d->body, d->text.p ? d->text.p : "", d->text.n);
    return rc;
}

static void drv_doc_free(struct drv_doc *d)
{
    free(d->id.p);
    free(d->title.p);
    free(d->text.p);
    free(d->body.p);
    free(d->key.p);
}

/* ---- queries and timing ---- */

struct drv_query {
    char *qid, *text;
};

static struct drv_query *drv_queries_read(const char *path, int *count)
{
    struct drv_input in;
    drv_input_open(&in, path);
    struct drv_query *q = NULL;
    size_t cap = 0, n = 0, len;
    char *line;
    while ((line = drv_input_line(&in, &len)) != NULL) {
        char *tab = strchr(line, '\t');
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = 0;
        if (tab == NULL)
            continue;
        *tab = 0;
        q = (struct drv_query *)drv_grow(q, &cap, n + 1, sizeof *q);
        q[n].qid = strdup(line);
        q[n].text = strdup(tab + 1);
        n++;
    }
    drv_input_close(&in);
    *count = (int)n;
    return q;
}

static void drv_queries_free(struct drv_query *q, int count)
{
    for (int i = 0; i < count; i++)
        free(q[i].qid), free(q[i].text);
    free(q);
}

static double drv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int drv_by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p % of the values at or below it. */
static double drv_percentile(const double *sorted, int n, double p)
{
    int rank = (int)(p / 100.0 * n + 0.999999);
    return n == 0 ? 0.0 : sorted[(rank < 1 ? 1 : rank > n ? n : rank) - 1];
}

/* The final stderr line every query driver prints (ms sorts in place). */
static void drv_report(double *ms, int n)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += ms[i];
    qsort(ms, (size_t)n, sizeof *ms, drv_by_value);
    fprintf(stderr, "queries=%d total_seconds=%.6f p50_ms=%.4f p99_ms=%.4f\n", n, total / 1e3,
            drv_percentile(ms, n, 50), drv_percentile(ms, n, 99));
}

/* "or", "and" or "phrase"; anything else is bad usage. */
static int drv_mode(const char *s)
{
    if (strcmp(s, "or") == 0 || strcmp(s, "and") == 0 || strcmp(s, "phrase") == 0)
        return s[0];
    fprintf(stderr, "driver: mode must be or, and or phrase, not %s\n", s);
    exit(2);
}

static int drv_env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}

#endif
