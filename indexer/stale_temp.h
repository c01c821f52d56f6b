/* stale_temp.h - removing the temporary files that killed builds left behind. */
#ifndef CARI_INDEXER_STALE_TEMP_H
#define CARI_INDEXER_STALE_TEMP_H

/* Removes every `path`.tmp-PID beside `path` whose process no longer exists.
 * A file of a live process (another build running now) is left alone.
 * Best effort: a folder that cannot be read or a file that cannot be removed
 * is skipped, since the build itself does not depend on it. Returns the
 * number of files removed. */
int stale_temp_remove(const char *path);

#endif
