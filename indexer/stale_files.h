/* stale_files.h - temporary files that a crashed build left beside an index. */
#ifndef CARI_INDEXER_STALE_FILES_H
#define CARI_INDEXER_STALE_FILES_H

/* Removes INDEX.tmp-PID and INDEX.run-PID-* files of `index_path` whose
 * process is gone; files of living processes stay. Best effort: failures are
 * ignored, as they do not stop a new build. Returns how many it removed. */
int stale_files_remove(const char *index_path);

/* The process id in the temporary file `name` of index `base` (base "x.cari",
 * name "x.cari.run-123-0-1": 123), or 0
 * when `name` is not such a file. For tests. */
long stale_files_pid(const char *name, const char *base);

#endif
