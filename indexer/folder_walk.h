/* folder_walk.h - the text files below a folder, in byte order of their paths. */
#ifndef CARI_INDEXER_FOLDER_WALK_H
#define CARI_INDEXER_FOLDER_WALK_H

#include <stddef.h>
#include <stdint.h>

struct folder_entry {
    char *path; /* as opened */
    char *id;   /* relative to the folder, extension removed */
    uint64_t size;
};

typedef struct folder_listing {
    struct folder_entry *entries;
    size_t count, cap;
    uint64_t total_bytes;
} folder_listing;

/* Lists every *.txt and *.txt.zst file below `root` (following no symbolic
 * links to folders, so a cycle cannot trap the walk). */
int folder_list(folder_listing *out, const char *root);
void folder_listing_free(folder_listing *l);

#endif
