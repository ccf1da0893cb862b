/*
 * zipfile.h - just enough of the ZIP format for homework: read a student's
 * zip (stored or deflated entries) into memory with caps, and write the
 * Gradescope autograder zip (stored entries).  Owns the zlib dependency.
 */
#ifndef PH_ZIPFILE_H
#define PH_ZIPFILE_H

#include <stddef.h>

#include "err.h"

#define ZIPFILE_ENTRIES_MAX 512 /* a homework zip, not an archive of a disk */

struct zipfile_entry {
    char *name; /* path inside the zip, as stored */
    char *data; /* NULL when `too_big` or `bad` */
    size_t len;
    int too_big; /* its uncompressed size is over the caller's cap */
    int bad;     /* corrupt, encrypted, or a method other than stored/deflate */
    int is_dir;
};

/*
 * Read every entry of the zip at `path`.  Entries over `entry_max` bytes are
 * listed with too_big set and no data.  PH_EINPUT when the file is not a
 * zip or its directory is corrupt.  On success *out is an array of *n the
 * caller frees with zipfile_entries_free().
 */
enum ph_rc zipfile_read(const char *path, size_t entry_max, struct zipfile_entry **out, size_t *n,
                        struct ph_err *err);

void zipfile_entries_free(struct zipfile_entry *e, size_t n);

struct zipfile_writer;

/* Create `path` for writing; caller ends with zipfile_writer_close(). */
enum ph_rc zipfile_writer_open(const char *path, struct zipfile_writer **out, struct ph_err *err);

/* Add a file (stored); `mode` is its Unix mode (0755 for scripts). */
enum ph_rc zipfile_writer_add(struct zipfile_writer *w, const char *name, const void *data,
                              size_t len, unsigned mode, struct ph_err *err);

/* Write the central directory and close.  Frees `w` on every path. */
enum ph_rc zipfile_writer_close(struct zipfile_writer *w, struct ph_err *err);

#endif
