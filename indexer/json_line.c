/* json_line.c - a small recursive-descent JSON parser for one object per
 * line. Strings are decoded in place, over the line's own bytes: a decoded
 * string is never longer than its JSON form, and each is written from its
 * first byte on, behind the parser. A copy of every value (as this parser
 * made into an arena before) was one more copy of a document of 100 MB in
 * memory; the line is the caller's to change, and dead once it is parsed. */
#include "indexer/json_line.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/unicode.h"

struct parser {
    char *s; /* the line, written behind p */
    const char *p, *end;
    json_doc *d;
    const char *msg;
    const char *at;
};

static int fail(struct parser *ps, const char *at, const char *msg)
{
    ps->at = at;
    ps->msg = msg;
    return CARI_EINPUT;
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
        ps->p++;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
    if (end - p < 4)
        return -1;
    unsigned r = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        r <<= 4;
        if (c >= '0' && c <= '9')
            r |= (unsigned)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            r |= (unsigned)((c | 0x20) - 'a' + 10);
        else
            return -1;
    }
    *v = r;
    return 0;
}

/* The \u escape at ps->p - 2 (one or a surrogate pair) as UTF-8 at out
 * (room for 4 bytes, where the escape's 6 or 12 were); *n its bytes. */
static int unicode_escape(struct parser *ps, char *out, size_t *n)
{
    const char *at = ps->p - 2;
    unsigned cp;
    if (hex4(ps->p, ps->end, &cp) != 0)
        return fail(ps, at, "bad \\u escape: four hex digits expected");
    ps->p += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
        unsigned lo;
        if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' &&
            hex4(ps->p + 2, ps->end, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            ps->p += 6;
        } else {
            cp = UNICODE_REPLACEMENT;
        }
    } else if (cp >= 0xDC00 && cp < 0xE000) {
        cp = UNICODE_REPLACEMENT;
    }
    *n = utf8_encode(cp, out);
    return 0;
}

/* Whether one of the eight bytes at p (any alignment) ends a run of plain
 * string bytes: a quote, a backslash or a control character. Each test is
 * exact about whether some byte matches (a borrow only follows a match). */
static int special8(const char *p)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t w, q, b;
    memcpy(&w, p, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    return ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high) != 0;
}

/* The line's byte at the parser's pointer q, to write to. */
static char *writable(struct parser *ps, const char *q) { return ps->s + (q - ps->s); }

/* Decodes the string at ps->p (its opening quote) in place and sets *value
 * and *len to it (value NULL: just skip it). Its bytes from the first after
 * the quote are rewritten, never one the parser has yet to read. */
static int parse_string(struct parser *ps, const char **value, size_t *len)
{
    const char *open = ps->p++;
    char *start = writable(ps, ps->p), *dst = start, spare[4];
    for (;;) {
        const char *q = ps->p;
        while (ps->end - q >= 8 && !special8(q)) /* most of a text: eight bytes at a time */
            q += 8;
        while (q < ps->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
        if (value != NULL && dst != ps->p) /* behind since an escape */
            memmove(dst, ps->p, (size_t)(q - ps->p));
        dst += q - ps->p;
        ps->p = q;
        if (q >= ps->end)
            return fail(ps, open, "string not closed before the end of the line");
        if (*q == '"') {
            ps->p++;
            if (value != NULL)
                *value = start, *len = (size_t)(dst - start);
            return 0;
        }
        if ((unsigned char)*q < 0x20)
            return fail(ps, q, "control character inside a string (escape it)");
        ps->p += 2;
        if (ps->p > ps->end)
            return fail(ps, q, "string not closed before the end of the line");
        char c = q[1], e;
        switch (c) {
        case '"': case '\\': case '/': e = c; break;
        case 'b': e = '\b'; break;
        case 'f': e = '\f'; break;
        case 'n': e = '\n'; break;
        case 'r': e = '\r'; break;
        case 't': e = '\t'; break;
        case 'u': {
            size_t n;
            int rc = unicode_escape(ps, value != NULL ? dst : spare, &n);
            if (rc != 0)
                return rc;
            dst += n;
            continue;
        }
        default: return fail(ps, q, "unknown escape in a string");
        }
        if (value != NULL)
            *dst = e;
        dst++;
    }
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int parse_number(struct parser *ps)
{
    const char *start = ps->p, *p = ps->p;
    if (p < ps->end && *p == '-')
        p++;
    if (p < ps->end && *p == '0')
        p++;
    else if (p < ps->end && is_digit(*p))
        while (p < ps->end && is_digit(*p))
            p++;
    else
        return fail(ps, start, "not a JSON value");
    if (p < ps->end && *p == '.') {
        if (++p >= ps->end || !is_digit(*p))
            return fail(ps, p, "digits expected after the decimal point");
        while (p < ps->end && is_digit(*p))
            p++;
    }
    if (p < ps->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < ps->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= ps->end || !is_digit(*p))
            return fail(ps, p, "digits expected in the exponent");
        while (p < ps->end && is_digit(*p))
            p++;
    }
    ps->p = p;
    return 0;
}

static int parse_literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, ps->p, "not a JSON value");
    ps->p += n;
    return 0;
}

static int skip_value(struct parser *ps, int depth);

/* An array or an object, validated and thrown away. */
static int skip_container(struct parser *ps, int depth)
{
    char close = *ps->p == '{' ? '}' : ']';
    int object = close == '}';
    if (depth >= JSON_MAX_DEPTH)
        return fail(ps, ps->p, "nested deeper than 256 levels");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, ps->p, "object key (a string) expected");
            int rc = parse_string(ps, NULL, NULL);
            if (rc != 0)
                return rc;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, ps->p, "':' expected after an object key");
            ps->p++;
        }
        int rc = skip_value(ps, depth + 1);
        if (rc != 0)
            return rc;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return 0;
        }
        return fail(ps, ps->p, object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static int skip_value(struct parser *ps, int depth)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, ps->p, "value expected before the end of the line");
    switch (*ps->p) {
    case '"': return parse_string(ps, NULL, NULL);
    case '{': case '[': return skip_container(ps, depth);
    case 't': return parse_literal(ps, "true");
    case 'f': return parse_literal(ps, "false");
    case 'n': return parse_literal(ps, "null");
    default: return parse_number(ps);
    }
}

static int is_indexed_field(const char *name)
{
    return strcmp(name, "title") == 0 || strcmp(name, "text") == 0;
}

/* Adds or replaces (a repeated key: the last one wins) a string field. */
static int set_field(json_doc *d, const char *name, const char *value, size_t value_len)
{
    for (size_t i = 0; i < d->nfields; i++) {
        if (strcmp(d->fields[i].name, name) == 0) {
            d->fields[i].value = value;
            d->fields[i].value_len = value_len;
            return 0;
        }
    }
    int rc = array_reserve((void **)&d->fields, &d->fields_cap, d->nfields + 1, sizeof *d->fields);
    if (rc != 0)
        return rc;
    d->fields[d->nfields++] = (cari_field){ name, value, value_len };
    return 0;
}

static void drop_field(json_doc *d, const char *name)
{
    for (size_t i = 0; i < d->nfields; i++) {
        if (strcmp(d->fields[i].name, name) == 0) {
            d->fields[i] = d->fields[--d->nfields];
            return;
        }
    }
}

/* The value of member `name`: strings are kept, the id may be a number,
 * title and text must be strings (or null); other types are skipped. */
static int parse_member_value(struct parser *ps, const char *name)
{
    json_doc *d = ps->d;
    int is_id = strcmp(name, "id") == 0;
    const char *at = ps->p;
    if (*ps->p == '"') {
        const char *value;
        size_t len;
        int rc = parse_string(ps, &value, &len);
        if (rc != 0)
            return rc;
        if (is_id) {
            d->has_id = 1, d->id = value, d->id_len = len;
            return 0;
        }
        return set_field(d, name, value, len);
    }
    if (is_id && (*ps->p == '-' || is_digit(*ps->p))) {
        int rc = parse_number(ps);
        if (rc == 0)
            d->has_id = 1, d->id = at, d->id_len = (size_t)(ps->p - at);
        return rc;
    }
    if (*ps->p == 'n') {
        int rc = parse_literal(ps, "null");
        if (rc == 0 && is_id)
            d->has_id = 0;
        else if (rc == 0)
            drop_field(d, name);
        return rc;
    }
    if (is_id)
        return fail(ps, at, "\"id\" must be a string or a number");
    if (is_indexed_field(name))
        return fail(ps, at, strcmp(name, "title") == 0 ? "\"title\" must be a string"
                                                         : "\"text\" must be a string");
    drop_field(d, name); /* the last value of a repeated key wins, even a skipped one */
    return skip_value(ps, 1);
}

static int parse_object(struct parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != '{')
        return fail(ps, ps->p, "a JSON object ('{') expected");
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"')
            return fail(ps, ps->p, "object key (a string) expected");
        const char *name;
        size_t name_len;
        int rc = parse_string(ps, &name, &name_len);
        if (rc != 0)
            return rc;
        writable(ps, name)[name_len] = '\0'; /* at most its closing quote, read already */
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return fail(ps, ps->p, "':' expected after an object key");
        ps->p++;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return fail(ps, ps->p, "value expected before the end of the line");
        if ((rc = parse_member_value(ps, name)) != 0)
            return rc;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return 0;
        }
        return fail(ps, ps->p, "',' or '}' expected");
    }
}

int json_parse_line(json_doc *d, char *line, size_t len, size_t *error_at, const char **error_msg)
{
    struct parser ps = { line, line, line + len, d, NULL, NULL };
    d->nfields = 0;
    d->has_id = 0;
    int rc = parse_object(&ps);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p < ps.end)
            rc = fail(&ps, ps.p, "text after the end of the object");
    }
    if (rc == CARI_EINPUT) {
        *error_at = (size_t)(ps.at - line);
        *error_msg = ps.msg;
    }
    return rc;
}

void json_doc_free(json_doc *d)
{
    free(d->fields);
    memset(d, 0, sizeof *d);
}
