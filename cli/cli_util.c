/* cli_util.c - helpers shared by cari-index and cari-query. */
#include "cli_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cari.h"

int cli_exit_code(int rc)
{
    switch (rc) {
    case CARI_OK: return CLI_EXIT_OK;
    case CARI_EINPUT:
    case CARI_ESYNTAX:
    case CARI_ELIMIT: return CLI_EXIT_INPUT;
    case CARI_EINVAL: return CLI_EXIT_USAGE;
    case CARI_ECORRUPT:
    case CARI_EVERSION:
    case CARI_ENOTFOUND: return CLI_EXIT_INDEX;
    default: return CLI_EXIT_SYSTEM;
    }
}

void cli_json_string(FILE *f, const char *s, size_t len)
{
    putc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7F)
                fprintf(f, "\\u%04x", c);
            else
                putc(c, f);
        }
    }
    putc('"', f);
}

void cli_format_bytes(char *out, size_t cap, uint64_t bytes)
{
    if (bytes >= 1000000000ull)
        snprintf(out, cap, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1000000)
        snprintf(out, cap, "%.1f MB", bytes / 1e6);
    else if (bytes >= 1000)
        snprintf(out, cap, "%.1f KB", bytes / 1e3);
    else
        snprintf(out, cap, "%llu B", (unsigned long long)bytes);
}

void cli_format_count(char *out, size_t cap, uint64_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long cli_parse_count(const char *s, long max)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0 || v > max)
        return -1;
    return v;
}

uint64_t cli_parse_size(const char *s, uint64_t max)
{
    if (s == NULL || *s < '0' || *s > '9')
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end != '\0') {
        const char *units = "KMG", *u = strchr(units, *end & ~0x20);
        if (u == NULL || end[1] != '\0')
            return 0;
        shift = 10 * (unsigned)(u - units + 1);
    }
    if (errno != 0 || v == 0 || v > (max >> shift))
        return 0;
    return (uint64_t)v << shift;
}
