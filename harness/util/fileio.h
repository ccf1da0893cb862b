/*
 * fileio.h - reading whole files with a cap, and small path helpers.
 *
 * Every file the host reads from outside (exercise.json, submissions,
 * answers, configs) comes through fileio_read so that its size is capped and
 * its errors name the file.
 */
#ifndef PH_FILEIO_H
#define PH_FILEIO_H

#include <stddef.h>

#include "err.h"

/*
 * Read all of `path` into a new NUL-terminated buffer.  Fails with PH_EINPUT
 * naming the file when it is missing, unreadable, not a regular file, or
 * larger than `max` bytes (PH_ELIMIT in that case).  Caller frees *out.
 */
enum ph_rc fileio_read(const char *path, size_t max, char **out, size_t *len, struct ph_err *err);

/*
 * Read a small file (a /proc entry) into `buf`, NUL-terminated, at most
 * cap - 1 bytes.  Returns the length, or -1.  Safe after fork: open, read
 * and close only, no allocation.
 */
long fileio_read_small(const char *path, char *buf, size_t cap);

/* A "Key:  N kB" field of /proc/self/status (key with its colon, "VmHWM:"),
 * in bytes; -1 when unreadable or missing. */
/* Keep descriptors of /proc/self/status and /proc/self/clear_refs, so that
 * fileio_proc_status_bytes() and fileio_proc_clear_refs() keep working once
 * this process can no longer open /proc (a run's Landlock domain).  A forked
 * child keeps its own by calling it again. */
void fileio_keep_proc_self(void);

/* What a folder holds: its blocks on disk in bytes and its entries (files,
 * folders, links), counted without following links.  The walk stops as soon
 * as either passes its `stop_` bound (a run over its quota need not be
 * counted to the end): the figures are then at least that.  0, or -1 when
 * `path` cannot be opened.  A tree deeper than 256 levels counts as over
 * both bounds. */
struct fileio_usage {
    unsigned long long bytes;
    unsigned long long entries;
};
int fileio_tree_usage(const char *path, unsigned long long stop_bytes,
                      unsigned long long stop_entries, struct fileio_usage *out);

/* Call fn(pid, arg) for each process /proc lists, until it returns
 * nonzero.  Returns that value, 0 if it never did, -1 if /proc is
 * unreadable.  The one /proc walk of the sandbox (ending a run's processes)
 * and of the measurements (weighing them). */
int fileio_each_pid(int (*fn)(long pid, void *arg), void *arg);

/* Write `value` to this process's clear_refs; 1 on success, else 0. */
int fileio_proc_clear_refs(const char *value);

long long fileio_proc_status_bytes(const char *key);
/* The same field of the status file at `path` (another process's). */
long long fileio_status_bytes(const char *path, const char *key);
/* Several fields of the status file at `path` from one read: out[i] is
 * keys[i]'s value in bytes (-1 when missing).  0, or -1 when unreadable. */
int fileio_status_fields(const char *path, const char *const *keys, long long *out, size_t n);

/* Write all `len` bytes to `fd`, retrying short writes and EINTR.  0 or -1. */
int fileio_write_all(int fd, const void *buf, size_t len);

/* Write `len` bytes to `path` (created 0600 or truncated).  */
enum ph_rc fileio_write(const char *path, const void *buf, size_t len, struct ph_err *err);

/* PH_OK when fileio_write(path) can be expected to succeed: an existing
 * file is writable, or the folder it would go into is; PH_EINPUT naming
 * `what` (e.g. "--out") and the reason otherwise.  Creates nothing. */
enum ph_rc fileio_check_writable(const char *path, const char *what, struct ph_err *err);

/* Offset of the first byte that is not valid UTF-8, or -1 when all of it is. */
long fileio_utf8_invalid_at(const char *buf, size_t len);

/* Make `buf` (len bytes) valid UTF-8 in place: each byte that starts no
 * valid sequence, and each NUL, becomes '?'.  Returns how many changed. */
size_t fileio_utf8_scrub(char *buf, size_t len);

/* Human-readable size: "1.2 MiB", "512 B".  Writes into `buf`; returns it. */
const char *fileio_human_size(double bytes, char *buf, size_t cap);

/* Human-readable duration with three significant digits: "840 µs", "12.3 ms",
 * "4.20 s".  Writes into `buf`; returns it. */
const char *fileio_human_duration(double ns, char *buf, size_t cap);

/* Remove `path` and everything below it; symlinks are removed, never followed. */
int fileio_rmtree(const char *path);

/* 1 when `path` exists and is a regular file / folder. */
int fileio_is_file(const char *path);
int fileio_is_dir(const char *path);

#endif
