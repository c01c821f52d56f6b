/* json_parse_line: ids, string fields, escapes, skipped values, and the exact
 * byte and message of every kind of malformed line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/json_line.h"

/* The parser decodes in place: the line each test parses is a copy, kept
 * (for the fields that point into it) until the next one. */
static char *held;

static char *hold(const char *line, size_t len)
{
    free(held);
    held = malloc(len + 1);
    cr_assert_not_null(held);
    memcpy(held, line, len);
    held[len] = '\0';
    return held;
}

static void drop_held(void)
{
    free(held);
    held = NULL;
}

TestSuite(json_line, .fini = drop_held);

/* Parses `len` bytes of `line`; asserts success. */
static void parse_ok(json_doc *d, const char *line, size_t len)
{
    size_t at = 12345;
    const char *msg = NULL;
    int rc = json_parse_line(d, hold(line, len), len, &at, &msg);
    cr_assert_eq(rc, 0, "parse of [%.*s] failed: rc %d at %zu: %s", (int)len, line, rc, at,
                 msg ? msg : "(null)");
}

/* Parses `len` bytes of `line`; asserts CARI_EINPUT at byte `want_at` with `want_msg`. */
static void parse_fails(const char *line, size_t len, size_t want_at, const char *want_msg)
{
    json_doc d = { 0 };
    size_t at = 12345;
    const char *msg = NULL;
    int rc = json_parse_line(&d, hold(line, len), len, &at, &msg);
    cr_assert_eq(rc, CARI_EINPUT, "[%.*s]: rc %d, expected CARI_EINPUT", (int)len, line, rc);
    cr_assert_not_null(msg, "[%.*s]: no message", (int)len, line);
    cr_assert_str_eq(msg, want_msg, "[%.*s]: message", (int)len, line);
    cr_assert_eq(at, want_at, "[%.*s] (%s): error at %zu, expected %zu", (int)len, line, msg, at,
                 want_at);
    json_doc_free(&d);
}

#define OK(d, lit) parse_ok((d), (lit), sizeof(lit) - 1)
#define FAILS(lit, at, msg) parse_fails((lit), sizeof(lit) - 1, (at), (msg))

static void assert_id(json_doc *d, const char *want, size_t want_len)
{
    cr_assert(d->has_id, "no id, expected [%.*s]", (int)want_len, want);
    cr_assert_eq(d->id_len, want_len, "id length %zu, expected %zu", d->id_len, want_len);
    cr_assert_eq(memcmp(d->id, want, want_len), 0, "id [%.*s], expected [%.*s]", (int)d->id_len,
                 d->id, (int)want_len, want);
}

#define ASSERT_ID(d, lit) assert_id((d), (lit), sizeof(lit) - 1)

static void assert_field(const cari_field *f, const char *name, const char *value, size_t len)
{
    cr_assert_str_eq(f->name, name);
    cr_assert_eq(f->value_len, len, "field %s: length %zu, expected %zu", name, f->value_len, len);
    cr_assert_eq(memcmp(f->value, value, len), 0, "field %s: [%.*s], expected [%.*s]", name,
                 (int)f->value_len, f->value, (int)len, value);
}

#define ASSERT_FIELD(f, name, lit) assert_field((f), (name), (lit), sizeof(lit) - 1)

/* The only field of the parsed line must be `name` = `value`. */
static void assert_single_field(json_doc *d, const char *name, const char *value, size_t len)
{
    size_t n = 99;
    const cari_field *f = json_doc_fields(d, &n);
    cr_assert_eq(n, 1, "%zu fields, expected 1", n);
    assert_field(&f[0], name, value, len);
}

#define ASSERT_SINGLE(d, name, lit) assert_single_field((d), (name), (lit), sizeof(lit) - 1)

Test(json_line, normal_object)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"doc-1\",\"title\":\"Judul\",\"text\":\"Isi berita.\",\"lang\":\"id\","
           "\"url\":\"https://x.id/a\"}");
    ASSERT_ID(&d, "doc-1");
    size_t n = 0;
    const cari_field *f = json_doc_fields(&d, &n);
    cr_assert_eq(n, 4);
    ASSERT_FIELD(&f[0], "title", "Judul");
    ASSERT_FIELD(&f[1], "text", "Isi berita.");
    ASSERT_FIELD(&f[2], "lang", "id");
    ASSERT_FIELD(&f[3], "url", "https://x.id/a");
    json_doc_free(&d);
}

Test(json_line, parser_is_reusable_and_resets_between_lines)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"a\",\"title\":\"T\",\"extra\":\"E\"}");
    ASSERT_ID(&d, "a");
    OK(&d, "{\"text\":\"only text\"}");
    cr_assert_not(d.has_id, "the id of the previous line leaked into this one");
    ASSERT_SINGLE(&d, "text", "only text");
    json_doc_free(&d);
}

/* Values are decoded over the line itself, not copied: a document of 100 MB
 * is in memory once more, not twice (bench/index_scale.sh, its peak RSS). */
Test(json_line, values_are_decoded_in_place_over_the_line)
{
    static const char text[] =
        "{\"id\":7,\"t\\u0069tle\":\"a\\nb\",\"text\":\"\\u00e9t\\u00e9 \\ud83d\\ude00!\"}";
    size_t len = sizeof text - 1;
    json_doc d = { 0 };
    parse_ok(&d, text, len);
    const char *line = held;
    cr_assert_eq(d.id, line + 6, "the number id is the line's own bytes");
    size_t n = 0;
    const cari_field *f = json_doc_fields(&d, &n);
    cr_assert_eq(n, 2);
    ASSERT_FIELD(&f[0], "title", "a\nb");
    ASSERT_FIELD(&f[1], "text", "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80!");
    for (size_t i = 0; i < n; i++) {
        cr_assert(f[i].name > line && f[i].name < line + len, "field %zu: name not in the line", i);
        cr_assert(f[i].value > f[i].name && f[i].value + f[i].value_len < line + len,
                  "field %zu: value not in the line after its name", i);
    }
    json_doc_free(&d);
}

Test(json_line, simple_escapes)
{
    json_doc d = { 0 };
    OK(&d, "{\"text\":\"q\\\"b\\\\s\\/B\\bF\\fN\\nR\\rT\\t.\"}");
    ASSERT_SINGLE(&d, "text", "q\"b\\s/B\bF\fN\nR\rT\t.");
    json_doc_free(&d);
}

/* Plain string bytes are scanned eight at a time: a quote, an escape, a
 * control character or a byte >= 0x80 at every offset is still found. */
Test(json_line, string_ends_and_escapes_at_every_offset)
{
    char line[128], want[64];
    for (size_t at = 0; at < 40; at++) {
        json_doc d = { 0 };
        memset(want, 'x', at);
        memcpy(want + at, "\"\xC3\xA9y", 4);
        size_t n = (size_t)snprintf(line, sizeof line, "{\"text\":\"%.*s\\\"\xC3\xA9y\"}", (int)at,
                                    want);
        parse_ok(&d, line, n);
        assert_single_field(&d, "text", want, at + 4);
        n = (size_t)snprintf(line, sizeof line, "{\"text\":\"%.*s\"}", (int)at, want);
        parse_ok(&d, line, n);
        assert_single_field(&d, "text", want, at);
        json_doc_free(&d);
        n = (size_t)snprintf(line, sizeof line, "{\"text\":\"%.*s\t\"}", (int)at, want);
        parse_fails(line, n, 9 + at, "control character inside a string (escape it)");
        n = (size_t)snprintf(line, sizeof line, "{\"text\":\"%.*s", (int)at, want);
        parse_fails(line, n, 8, "string not closed before the end of the line");
    }
}

Test(json_line, escapes_in_keys_and_ids)
{
    json_doc d = { 0 };
    OK(&d, "{\"i\\u0064\":\"a\\\"b\",\"ti\\u0074le\":\"T\"}");
    ASSERT_ID(&d, "a\"b");
    ASSERT_SINGLE(&d, "title", "T");
    json_doc_free(&d);
}

Test(json_line, unicode_escapes)
{
    json_doc d = { 0 };
    OK(&d, "{\"text\":\"caf\\u00e9 \\u00E9 \\u0041\\u20ac\\u0800\\u07ff\"}");
    ASSERT_SINGLE(&d, "text", "caf\xC3\xA9 \xC3\xA9 A\xE2\x82\xAC\xE0\xA0\x80\xDF\xBF");
    json_doc_free(&d);
}

Test(json_line, surrogate_pair)
{
    json_doc d = { 0 };
    OK(&d, "{\"text\":\"x\\ud83d\\ude00y\"}");
    ASSERT_SINGLE(&d, "text", "x\xF0\x9F\x98\x80y");
    OK(&d, "{\"text\":\"\\uD800\\uDC00\\uDBFF\\uDFFF\"}");
    ASSERT_SINGLE(&d, "text", "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
    json_doc_free(&d);
}

Test(json_line, lone_surrogates_become_replacement_characters)
{
    json_doc d = { 0 };
    /* a high surrogate followed by a plain character */
    OK(&d, "{\"text\":\"a\\ud83db\"}");
    ASSERT_SINGLE(&d, "text", "a\xEF\xBF\xBD" "b");
    /* a lone low surrogate */
    OK(&d, "{\"text\":\"a\\ude00b\"}");
    ASSERT_SINGLE(&d, "text", "a\xEF\xBF\xBD" "b");
    /* a high surrogate at the end of the string */
    OK(&d, "{\"text\":\"a\\ud83d\"}");
    ASSERT_SINGLE(&d, "text", "a\xEF\xBF\xBD");
    /* a high surrogate followed by an escape that is not a low surrogate: that one is kept */
    OK(&d, "{\"text\":\"\\ud83d\\u0041\"}");
    ASSERT_SINGLE(&d, "text", "\xEF\xBF\xBD" "A");
    /* two high surrogates, then a low one: the second pairs */
    OK(&d, "{\"text\":\"\\ud800\\ud83d\\ude00\"}");
    ASSERT_SINGLE(&d, "text", "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    json_doc_free(&d);
}

Test(json_line, numeric_ids_become_their_text)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":42}");
    ASSERT_ID(&d, "42");
    OK(&d, "{\"id\":-7,\"text\":\"t\"}");
    ASSERT_ID(&d, "-7");
    ASSERT_SINGLE(&d, "text", "t");
    OK(&d, "{\"id\":1.5e3}");
    ASSERT_ID(&d, "1.5e3");
    OK(&d, "{\"id\": 0 }");
    ASSERT_ID(&d, "0");
    OK(&d, "{\"id\":-0.25E-2}");
    ASSERT_ID(&d, "-0.25E-2");
    json_doc_free(&d);
}

Test(json_line, null_id_means_no_id)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":null,\"text\":\"t\"}");
    cr_assert_not(d.has_id);
    ASSERT_SINGLE(&d, "text", "t");
    /* a later null cancels an earlier id (the last key wins) */
    OK(&d, "{\"id\":\"a\",\"id\":null}");
    cr_assert_not(d.has_id);
    json_doc_free(&d);
}

Test(json_line, null_drops_a_field)
{
    json_doc d = { 0 };
    size_t n = 99;
    OK(&d, "{\"id\":\"a\",\"title\":null,\"text\":\"t\"}");
    ASSERT_ID(&d, "a");
    ASSERT_SINGLE(&d, "text", "t");
    OK(&d, "{\"title\":\"T\",\"text\":\"t\",\"title\":null}");
    ASSERT_SINGLE(&d, "text", "t");
    OK(&d, "{\"lang\":\"id\",\"lang\":null}");
    json_doc_fields(&d, &n);
    cr_assert_eq(n, 0);
    json_doc_free(&d);
}

Test(json_line, other_types_are_skipped)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"a\",\"n\":12.5,\"b\":true,\"f\":false,\"meta\":{\"x\":[1,2,{\"y\":null}],"
           "\"z\":\"s\\u00e9\",\"e\":{}},\"list\":[],\"text\":\"t\",\"tags\":[\"a\",\"b\"]}");
    ASSERT_ID(&d, "a");
    ASSERT_SINGLE(&d, "text", "t");
    json_doc_free(&d);
}

Test(json_line, skipped_values_are_validated)
{
    FAILS("{\"meta\":{\"x\":}}", 13, "not a JSON value");
    FAILS("{\"meta\":{\"x\" 1}}", 13, "':' expected after an object key");
    FAILS("{\"meta\":{1:2}}", 9, "object key (a string) expected");
    FAILS("{\"meta\":[1 2]}", 11, "',' or ']' expected");
    FAILS("{\"meta\":{\"a\":1]}", 14, "',' or '}' expected");
    FAILS("{\"meta\":[\"a\\q\"]}", 11, "unknown escape in a string");
    FAILS("{\"n\":tru}", 5, "not a JSON value");
    FAILS("{\"n\":nul}", 5, "not a JSON value");
    FAILS("{\"n\":1.}", 7, "digits expected after the decimal point");
    FAILS("{\"n\":1e+}", 8, "digits expected in the exponent");
    FAILS("{\"n\":-}", 5, "not a JSON value");
    FAILS("{\"n\":+1}", 5, "not a JSON value");
    FAILS("{\"n\":01}", 6, "',' or '}' expected");
    FAILS("{\"n\":[1,}", 8, "not a JSON value");
}

Test(json_line, title_and_text_must_be_strings)
{
    FAILS("{\"title\": 5}", 10, "\"title\" must be a string");
    FAILS("{\"id\":\"a\",\"text\":[1]}", 17, "\"text\" must be a string");
    FAILS("{\"text\":{}}", 8, "\"text\" must be a string");
    FAILS("{\"title\":true}", 9, "\"title\" must be a string");
    FAILS("{\"id\":true}", 6, "\"id\" must be a string or a number");
    FAILS("{\"id\":[\"a\"]}", 6, "\"id\" must be a string or a number");
}

Test(json_line, repeated_keys_last_wins)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"a\",\"text\":\"first\",\"title\":\"T\",\"text\":\"second\",\"id\":\"b\"}");
    ASSERT_ID(&d, "b");
    size_t n = 0;
    const cari_field *f = json_doc_fields(&d, &n);
    cr_assert_eq(n, 2);
    ASSERT_FIELD(&f[0], "text", "second");
    ASSERT_FIELD(&f[1], "title", "T");
    OK(&d, "{\"id\":\"x\",\"id\":7}");
    ASSERT_ID(&d, "7");
    OK(&d, "{\"id\":7,\"id\":\"x\"}");
    ASSERT_ID(&d, "x");
    json_doc_free(&d);
}

/* {"lang":"id","lang":5} is {"lang":5}: a number, which is skipped, so no
 * "lang" field is left (as {"lang":"id","lang":null} leaves none). */
Test(json_line, repeated_key_with_a_skipped_value_last_wins)
{
    json_doc d = { 0 };
    size_t n = 99;
    OK(&d, "{\"lang\":\"id\",\"lang\":5}");
    json_doc_fields(&d, &n);
    cr_expect_eq(n, 0, "{\"lang\":\"id\",\"lang\":5}: the earlier string value of a repeated key "
                       "survived a later non-string value (%zu field(s) left)", n);
    OK(&d, "{\"lang\":\"id\",\"lang\":{\"a\":1}}");
    json_doc_fields(&d, &n);
    cr_expect_eq(n, 0, "{\"lang\":\"id\",\"lang\":{\"a\":1}}: the earlier string value survived "
                       "a later object value (%zu field(s) left)", n);
    OK(&d, "{\"id\":\"x\",\"text\":\"t\",\"lang\":\"id\",\"lang\":[1],\"text\":\"u\"}");
    ASSERT_ID(&d, "x");
    size_t m = 0;
    const cari_field *f = json_doc_fields(&d, &m);
    cr_expect_eq(m, 1, "%zu fields, expected text only", m);
    ASSERT_FIELD(&f[0], "text", "u");
    json_doc_free(&d);
}

Test(json_line, structural_errors)
{
    FAILS("[1]", 0, "a JSON object ('{') expected");
    FAILS("", 0, "a JSON object ('{') expected");
    FAILS("  \"id\"", 2, "a JSON object ('{') expected");
    FAILS("{\"id\" \"a\"}", 6, "':' expected after an object key");
    FAILS("{\"id\"}", 5, "':' expected after an object key");
    FAILS("{\"id\":\"a\" \"b\":\"c\"}", 10, "',' or '}' expected");
    FAILS("{\"id\":\"a\";\"b\":\"c\"}", 9, "',' or '}' expected");
    FAILS("{id:\"a\"}", 1, "object key (a string) expected");
    FAILS("{\"id\":\"a\",}", 10, "object key (a string) expected");
    FAILS("{,}", 1, "object key (a string) expected");
}

Test(json_line, string_errors)
{
    FAILS("{\"id\":\"abc", 6, "string not closed before the end of the line");
    FAILS("{\"id\":\"abc\\", 10, "string not closed before the end of the line");
    FAILS("{\"id\":\"abc\\\"}", 6, "string not closed before the end of the line");
    FAILS("{\"ab", 1, "string not closed before the end of the line");
    FAILS("{\"id\":\"a\tb\"}", 8, "control character inside a string (escape it)");
    FAILS("{\"id\":\"a\nb\"}", 8, "control character inside a string (escape it)");
    FAILS("{\"text\":\"ok\x01\"}", 11, "control character inside a string (escape it)");
    FAILS("{\"id\":\"a\\xb\"}", 8, "unknown escape in a string");
    FAILS("{\"id\":\"a\\U0041\"}", 8, "unknown escape in a string");
    FAILS("{\"id\":\"\\u12g4\"}", 7, "bad \\u escape: four hex digits expected");
    FAILS("{\"id\":\"ab\\u12\"}", 9, "bad \\u escape: four hex digits expected");
    FAILS("{\"id\":\"ab\\u12", 9, "bad \\u escape: four hex digits expected");
    /* an error in the second half of a surrogate pair is an error too */
    FAILS("{\"id\":\"\\ud83d\\uzzzz\"}", 13, "bad \\u escape: four hex digits expected");
}

Test(json_line, trailing_text_after_the_object)
{
    FAILS("{\"id\":\"a\"} x", 11, "text after the end of the object");
    FAILS("{\"id\":\"a\"}{\"id\":\"b\"}", 10, "text after the end of the object");
    FAILS("{}}", 2, "text after the end of the object");
    FAILS("{} ,", 3, "text after the end of the object");
}

Test(json_line, truncated_lines)
{
    FAILS("{", 1, "object key (a string) expected");
    FAILS("{\"id\":", 6, "value expected before the end of the line");
    FAILS("{\"id\":  ", 8, "value expected before the end of the line");
    FAILS("{\"id\":\"a\"", 9, "',' or '}' expected");
    FAILS("{\"id\":\"a\",", 10, "object key (a string) expected");
    FAILS("{\"id\":\"a\",\"meta\":[", 18, "value expected before the end of the line");
    FAILS("{\"meta\":{\"a\":[1,{", 17, "object key (a string) expected");
    FAILS("{\"n\":1.", 7, "digits expected after the decimal point");
    FAILS("{\"n\":1e", 7, "digits expected in the exponent");
    FAILS("{\"n\":tr", 5, "not a JSON value");
    /* the length, not a NUL, ends the line */
    const char line[] = "{\"id\":\"a\"}";
    parse_fails(line, 5, 5, "':' expected after an object key");
}

/* `{"a":` then `depth` arrays (or objects), closed again. */
static char *nested(int depth, int objects)
{
    size_t n = 16 + (size_t)depth * 8;
    char *s = malloc(n);
    size_t k = (size_t)sprintf(s, "{\"a\":");
    for (int i = 0; i < depth; i++)
        k += (size_t)sprintf(s + k, "%s", objects ? "{\"b\":" : "[");
    s[k++] = '1';
    for (int i = 0; i < depth; i++)
        s[k++] = objects ? '}' : ']';
    s[k++] = '}';
    s[k] = '\0';
    return s;
}

Test(json_line, nesting_up_to_256_levels)
{
    /* the line's object is level 1: 255 nested values make 256 levels */
    json_doc d = { 0 };
    char *ok = nested(JSON_MAX_DEPTH - 1, 0);
    parse_ok(&d, ok, strlen(ok));
    free(ok);
    ok = nested(JSON_MAX_DEPTH - 1, 1);
    parse_ok(&d, ok, strlen(ok));
    free(ok);
    size_t n = 9;
    json_doc_fields(&d, &n);
    cr_assert_eq(n, 0);
    json_doc_free(&d);
}

Test(json_line, nesting_deeper_than_256_levels_is_an_error)
{
    char *deep = nested(JSON_MAX_DEPTH, 0);
    /* the 256th '[' starts level 257: byte 5 + 255 */
    parse_fails(deep, strlen(deep), 5 + 255, "nested deeper than 256 levels");
    free(deep);
    deep = nested(JSON_MAX_DEPTH, 1);
    /* each level is `{"b":` (5 bytes): the 256th '{' is at 5 + 255 * 5 */
    parse_fails(deep, strlen(deep), 5 + 255 * 5, "nested deeper than 256 levels");
    free(deep);
    /* far deeper (no stack overflow): still the 256th bracket */
    char *huge = malloc(200010);
    memcpy(huge, "{\"a\":", 5);
    memset(huge + 5, '[', 200000);
    parse_fails(huge, 200005, 5 + 255, "nested deeper than 256 levels");
    free(huge);
}

Test(json_line, invalid_utf8_is_kept_as_bytes)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"\xff\",\"text\":\"a\xff\xc3" "b\xed\xa0\x80z\"}");
    ASSERT_ID(&d, "\xff");
    ASSERT_SINGLE(&d, "text", "a\xff\xc3" "b\xed\xa0\x80z");
    json_doc_free(&d);
}

Test(json_line, whitespace_around_tokens)
{
    json_doc d = { 0 };
    OK(&d, " \t{ \"id\" :\t\"a\" , \r\n \"text\"\n:  \"b c\"  ,\"n\" : [ 1 , { } , [ ] ] }\t \r");
    ASSERT_ID(&d, "a");
    ASSERT_SINGLE(&d, "text", "b c");
    json_doc_free(&d);
}

Test(json_line, empty_object)
{
    json_doc d = { 0 };
    OK(&d, "{}");
    cr_assert_not(d.has_id);
    size_t n = 9;
    json_doc_fields(&d, &n);
    cr_assert_eq(n, 0);
    OK(&d, " { \t } ");
    cr_assert_not(d.has_id);
    json_doc_free(&d);
}

Test(json_line, empty_strings)
{
    json_doc d = { 0 };
    OK(&d, "{\"id\":\"\",\"\":\"v\",\"text\":\"\"}");
    cr_assert(d.has_id);
    cr_assert_eq(d.id_len, 0);
    size_t n = 0;
    const cari_field *f = json_doc_fields(&d, &n);
    cr_assert_eq(n, 2);
    ASSERT_FIELD(&f[0], "", "v");
    ASSERT_FIELD(&f[1], "text", "");
    json_doc_free(&d);
}

Test(json_line, many_fields_and_long_values)
{
    /* enough to grow the fields several times, and long values */
    size_t cap = 1 << 20;
    char *line = malloc(cap);
    size_t k = (size_t)sprintf(line, "{\"id\":\"big\"");
    for (int i = 0; i < 200; i++) {
        k += (size_t)sprintf(line + k, ",\"f%03d\":\"", i);
        memset(line + k, 'a' + i % 26, 1000);
        k += 1000;
        line[k++] = '"';
    }
    line[k++] = '}';
    json_doc d = { 0 };
    parse_ok(&d, line, k);
    ASSERT_ID(&d, "big");
    size_t n = 0;
    const cari_field *f = json_doc_fields(&d, &n);
    cr_assert_eq(n, 200);
    for (int i = 0; i < 200; i++) {
        char name[8];
        sprintf(name, "f%03d", i);
        cr_assert_str_eq(f[i].name, name);
        cr_assert_eq(f[i].value_len, 1000);
        for (size_t j = 0; j < 1000; j++)
            cr_assert_eq(f[i].value[j], 'a' + i % 26);
    }
    json_doc_free(&d);
    free(line);
}
