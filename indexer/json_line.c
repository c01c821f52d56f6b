/* json_line.c - a small recursive-descent JSON parser for one object per line. */
#include "indexer/json_line.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/unicode.h"

struct parser {
    const char *s, *p, *end;
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

static int unicode_escape(struct parser *ps, buf *out)
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
    char tmp[4];
    buf_append(out, tmp, utf8_encode(cp, tmp));
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

/* Decodes the string at ps->p (its opening quote) into out (NULL: just skip). */
static int parse_string(struct parser *ps, buf *out)
{
    const char *open = ps->p++;
    for (;;) {
        const char *q = ps->p;
        while (ps->end - q >= 8 && !special8(q)) /* most of a text: eight bytes at a time */
            q += 8;
        while (q < ps->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
        if (out != NULL)
            buf_append(out, ps->p, (size_t)(q - ps->p));
        ps->p = q;
        if (q >= ps->end)
            return fail(ps, open, "string not closed before the end of the line");
        if (*q == '"') {
            ps->p++;
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
            buf scratch = BUF_INIT;
            int rc = unicode_escape(ps, out != NULL ? out : &scratch);
            buf_free(&scratch);
            if (rc != 0)
                return rc;
            continue;
        }
        default: return fail(ps, q, "unknown escape in a string");
        }
        if (out != NULL)
            buf_byte(out, (uint8_t)e);
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
            int rc = parse_string(ps, NULL);
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
    case '"': return parse_string(ps, NULL);
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
static int set_field(json_doc *d, size_t name_off, size_t value_off, size_t value_len)
{
    const char *name = (const char *)d->arena.data + name_off;
    for (size_t i = 0; i < d->nrefs; i++) {
        if (strcmp((const char *)d->arena.data + d->refs[i].name_off, name) == 0) {
            d->refs[i].value_off = value_off;
            d->refs[i].value_len = value_len;
            return 0;
        }
    }
    int rc = array_reserve((void **)&d->refs, &d->refs_cap, d->nrefs + 1, sizeof *d->refs);
    if (rc != 0)
        return rc;
    d->refs[d->nrefs++] = (struct json_field_ref){ name_off, value_off, value_len };
    return 0;
}

static void drop_field(json_doc *d, const char *name)
{
    for (size_t i = 0; i < d->nrefs; i++) {
        if (strcmp((const char *)d->arena.data + d->refs[i].name_off, name) == 0) {
            d->refs[i] = d->refs[--d->nrefs];
            return;
        }
    }
}

/* The value of member `name`: strings are kept, the id may be a number,
 * title and text must be strings (or null); other types are skipped. */
static int parse_member_value(struct parser *ps, size_t name_off)
{
    json_doc *d = ps->d;
    const char *name = (const char *)d->arena.data + name_off;
    int is_id = strcmp(name, "id") == 0;
    const char *at = ps->p;
    if (*ps->p == '"') {
        size_t value_off = d->arena.len;
        int rc = parse_string(ps, &d->arena);
        if (rc != 0)
            return rc;
        size_t value_len = d->arena.len - value_off;
        if (is_id) {
            d->has_id = 1, d->id_off = value_off, d->id_len = value_len;
            return 0;
        }
        return set_field(d, name_off, value_off, value_len);
    }
    if (is_id && (*ps->p == '-' || is_digit(*ps->p))) {
        int rc = parse_number(ps);
        if (rc == 0) {
            d->has_id = 1, d->id_off = d->arena.len, d->id_len = (size_t)(ps->p - at);
            buf_append(&d->arena, at, d->id_len);
        }
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
        size_t name_off = ps->d->arena.len;
        int rc = parse_string(ps, &ps->d->arena);
        if (rc != 0)
            return rc;
        buf_byte(&ps->d->arena, 0);
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':')
            return fail(ps, ps->p, "':' expected after an object key");
        ps->p++;
        skip_ws(ps);
        if (ps->p >= ps->end)
            return fail(ps, ps->p, "value expected before the end of the line");
        if ((rc = parse_member_value(ps, name_off)) != 0)
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

int json_parse_line(json_doc *d, const char *line, size_t len, size_t *error_at,
                    const char **error_msg)
{
    struct parser ps = { line, line, line + len, d, NULL, NULL };
    buf_clear(&d->arena);
    d->nrefs = 0;
    d->has_id = 0;
    int rc = parse_object(&ps);
    if (rc == 0) {
        skip_ws(&ps);
        if (ps.p < ps.end)
            rc = fail(&ps, ps.p, "text after the end of the object");
    }
    if (rc == 0 && d->arena.rc != 0)
        return d->arena.rc;
    if (rc != 0) {
        *error_at = (size_t)(ps.at - line);
        *error_msg = ps.msg;
    }
    return rc;
}

const cari_field *json_doc_fields(json_doc *d, size_t *n)
{
    if (array_reserve((void **)&d->fields, &d->fields_cap, d->nrefs + 1, sizeof *d->fields) != 0) {
        *n = 0;
        return NULL;
    }
    for (size_t i = 0; i < d->nrefs; i++) {
        d->fields[i].name = (const char *)d->arena.data + d->refs[i].name_off;
        d->fields[i].value = (const char *)d->arena.data + d->refs[i].value_off;
        d->fields[i].value_len = d->refs[i].value_len;
    }
    *n = d->nrefs;
    return d->fields;
}

void json_doc_free(json_doc *d)
{
    buf_free(&d->arena);
    free(d->refs);
    free(d->fields);
    memset(d, 0, sizeof *d);
}
