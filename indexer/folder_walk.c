/* folder_walk.c - a recursive listing with readdir, sorted at the end so that
 * the document order (and the index bytes) do not depend on the file system. */
#include "indexer/folder_walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/array.h"
#include "core/error.h"

enum { WALK_MAX_DEPTH = 64 };

static size_t text_extension(const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".txt") == 0)
        return 4;
    if (n > 8 && strcmp(name + n - 8, ".txt.zst") == 0)
        return 8;
    return 0;
}

static int add_file(folder_listing *l, const char *path, size_t root_len, size_t ext,
                    uint64_t size)
{
    int rc = array_reserve((void **)&l->entries, &l->cap, l->count + 1, sizeof *l->entries);
    if (rc != 0)
        return rc;
    const char *rel = path + root_len;
    while (*rel == '/')
        rel++;
    struct folder_entry *e = &l->entries[l->count];
    e->path = strdup(path);
    e->id = strndup(rel, strlen(rel) - ext);
    e->size = size;
    if (e->path == NULL || e->id == NULL) {
        free(e->path);
        free(e->id);
        return error_oom();
    }
    l->count++;
    l->total_bytes += size;
    return 0;
}

static int walk(folder_listing *l, const char *dir, size_t root_len, int depth)
{
    if (depth > WALK_MAX_DEPTH)
        return error_set(CARI_ELIMIT, "%s: folders nested deeper than %d", dir, WALK_MAX_DEPTH);
    DIR *d = opendir(dir);
    if (d == NULL)
        return error_set_errno(errno, "cannot read folder %s", dir);
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .. and hidden files */
        size_t n = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(n);
        if (path == NULL) {
            rc = error_oom();
            break;
        }
        snprintf(path, n, "%s/%s", dir, de->d_name);
        struct stat st;
        int is_link = 0;
        if (lstat(path, &st) != 0) {
            rc = error_set_errno(errno, "cannot read %s", path);
        } else {
            /* a link to a file is read; a link to a folder is not walked (no cycles) */
            if (S_ISLNK(st.st_mode))
                is_link = 1, st.st_mode = stat(path, &st) == 0 ? st.st_mode : 0;
            if (S_ISDIR(st.st_mode) && !is_link)
                rc = walk(l, path, root_len, depth + 1);
            else if (S_ISREG(st.st_mode) && text_extension(de->d_name) > 0)
                rc = add_file(l, path, root_len, text_extension(de->d_name), (uint64_t)st.st_size);
        }
        free(path);
    }
    if (rc == 0 && errno != 0)
        rc = error_set_errno(errno, "cannot read folder %s", dir);
    closedir(d);
    return rc;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct folder_entry *)a)->id, ((const struct folder_entry *)b)->id);
}

int folder_list(folder_listing *out, const char *root)
{
    memset(out, 0, sizeof *out);
    size_t root_len = strlen(root);
    while (root_len > 1 && root[root_len - 1] == '/')
        root_len--;
    char *r = strndup(root, root_len);
    if (r == NULL)
        return error_oom();
    int rc = walk(out, r, root_len, 0);
    free(r);
    if (rc != 0) {
        folder_listing_free(out);
        return rc;
    }
    if (out->count > 1)
        qsort(out->entries, out->count, sizeof *out->entries, by_id);
    return 0;
}

void folder_listing_free(folder_listing *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->entries[i].path);
        free(l->entries[i].id);
    }
    free(l->entries);
    memset(l, 0, sizeof *l);
}
