/* header_check.c - cari.h must compile on its own with -std=c11 -pedantic -Werror. */
#include "cari.h"

int cari_header_check_compiles(void);
int cari_header_check_compiles(void) { return CARI_OK; }
