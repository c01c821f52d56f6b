/* cli_util.h - what both command-line tools need beyond cari.h: JSON string
 * output, readable sizes, a clock, and exit codes. Not part of libcari. */
#ifndef CARI_CLI_UTIL_H
#define CARI_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes, the same for both tools (documented in their --help). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_INPUT = 1,   /* bad input data or a malformed query */
    CLI_EXIT_USAGE = 2,   /* bad options or arguments */
    CLI_EXIT_INDEX = 3,   /* the index is missing, damaged or of another version */
    CLI_EXIT_SYSTEM = 4,  /* I/O error, out of memory */
    CLI_EXIT_INTERRUPTED = 130
};

/* The exit code for a cari return code. */
int cli_exit_code(int rc);

/* Writes s[0..len) as a JSON string, quotes included. */
void cli_json_string(FILE *f, const char *s, size_t len);

/* "12.3 MB", "456 KB", "789 B" (powers of 1000). */
void cli_format_bytes(char *out, size_t cap, uint64_t bytes);

/* "1,234,567" */
void cli_format_count(char *out, size_t cap, uint64_t n);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* Parses a non-negative integer option value; -1 when it is not one. */
long cli_parse_count(const char *s, long max);

/* Parses a size: digits with an optional K, M or G suffix (powers of 1024,
 * "512M"); 0 when it is not one or is not in 1..max. */
uint64_t cli_parse_size(const char *s, uint64_t max);

#endif
