/* fileio.c - see fileio.h. */
#include "fileio.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum ph_rc fileio_read(const char *path, size_t max, char **out, size_t *len, struct ph_err *err)
{
    enum ph_rc rc = PH_EINPUT;
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    char hs[32], hm[32];
    int fd;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return ph_errf(err, PH_EINPUT, "%s: no such file", path);
        return ph_errf(err, PH_EINPUT, "%s: cannot open: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        ph_errf(err, PH_EINPUT, "%s: cannot stat: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        ph_errf(err, PH_EINPUT, "%s: is a folder, expected a file", path);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        ph_errf(err, PH_EINPUT, "%s: not a regular file", path);
        goto out;
    }
    if ((size_t)st.st_size > max) {
        /* Byte counts, not rounded sizes: "1.0 MiB, the limit is 1.0 MiB" says nothing. */
        (void)hs;
        rc = ph_errf(err, PH_ELIMIT, "%s: %lld bytes, %lld over the limit of %s (%zu bytes)", path,
                     (long long)st.st_size, (long long)st.st_size - (long long)max,
                     fileio_human_size((double)max, hm, sizeof hm), max);
        goto out;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    /* Read to EOF but never past max: the file may grow while we read. */
    for (;;) {
        ssize_t n;
        if (got == (size_t)st.st_size) {
            char probe;
            n = read(fd, &probe, 1);
            if (n > 0) {
                rc = ph_errf(err, PH_EINPUT, "%s: changed while being read", path);
                goto out;
            }
            break;
        }
        n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ph_errf(err, PH_EINPUT, "%s: read failed: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *out = buf;
    *len = got;
    buf = NULL;
    rc = PH_OK;
out:
    free(buf);
    close(fd);
    return rc;
}

long fileio_read_small(const char *path, char *buf, size_t cap)
{
    ssize_t n;
    int fd;

    if (cap == 0)
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    do {
        n = read(fd, buf, cap - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return (long)n;
}

/* This process's /proc/self/status and clear_refs, opened before it lost
 * sight of /proc (fileio_keep_proc_self); `pid` tells a forked child that
 * the descriptors are its parent's entries, not its own. */
static struct {
    pid_t pid;
    int status;
    int clear_refs;
} kept = {0, -1, -1};

void fileio_keep_proc_self(void)
{
    if (kept.pid == getpid())
        return;
    /* A parent's: still open in this child, and not this child's figures. */
    if (kept.status >= 0)
        close(kept.status);
    if (kept.clear_refs >= 0)
        close(kept.clear_refs);
    kept.status = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    kept.clear_refs = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    kept.pid = getpid();
}

int fileio_proc_clear_refs(const char *value)
{
    int fd = kept.pid == getpid() ? kept.clear_refs : -1;
    int opened = fd < 0, ok;

    if (opened)
        fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ok = write(fd, value, strlen(value)) == (ssize_t)strlen(value);
    if (opened)
        close(fd);
    return ok;
}

/* The value of `key` ("VmRSS:") in status text `buf`, in bytes, or -1. */
static long long status_value(const char *buf, const char *key)
{
    const char *p = strstr(buf, key);

    if (p == NULL)
        return -1;
    return strtoll(p + strlen(key), NULL, 10) * 1024;
}

long long fileio_proc_status_bytes(const char *key)
{
    char buf[4096];
    ssize_t n;

    if (kept.pid != getpid() || kept.status < 0)
        return fileio_status_bytes("/proc/self/status", key);
    do {
        n = pread(kept.status, buf, sizeof buf - 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return status_value(buf, key);
}

#define TREE_DEPTH_MAX 256

/* One level of fileio_tree_usage: `dirfd` is consumed (closed). */
static int tree_walk(int dirfd, int depth, unsigned long long stop_bytes,
                     unsigned long long stop_entries, struct fileio_usage *u)
{
    DIR *d = fdopendir(dirfd);
    struct dirent *e;
    int over = 0;

    if (d == NULL) {
        close(dirfd);
        return 0;
    }
    while (!over && (e = readdir(d)) != NULL) {
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        u->entries++;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; /* gone since readdir */
        u->bytes += (unsigned long long)st.st_blocks * 512u;
        if (S_ISDIR(st.st_mode)) {
            int sub;

            if (depth + 1 >= TREE_DEPTH_MAX) {
                u->bytes = stop_bytes + 1;
                u->entries = stop_entries + 1;
                over = 1;
                break;
            }
            sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                over = tree_walk(sub, depth + 1, stop_bytes, stop_entries, u);
        }
        over = over || u->bytes > stop_bytes || u->entries > stop_entries;
    }
    closedir(d);
    return over;
}

int fileio_tree_usage(const char *path, unsigned long long stop_bytes,
                      unsigned long long stop_entries, struct fileio_usage *out)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    memset(out, 0, sizeof *out);
    if (fd < 0)
        return -1;
    (void)tree_walk(fd, 0, stop_bytes, stop_entries, out);
    return 0;
}

int fileio_status_fields(const char *path, const char *const *keys, long long *out, size_t n)
{
    char buf[4096];

    if (fileio_read_small(path, buf, sizeof buf) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = status_value(buf, keys[i]);
    return 0;
}

long long fileio_status_bytes(const char *path, const char *key)
{
    long long v;

    return fileio_status_fields(path, &key, &v, 1) == 0 ? v : -1;
}

int fileio_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

enum ph_rc fileio_write(const char *path, const void *buf, size_t len, struct ph_err *err)
{
    const char *p = buf;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0)
        return ph_errf(err, PH_EIO, "%s: cannot create: %s", path, strerror(errno));
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return ph_errf(err, PH_EIO, "%s: write failed: %s", path, strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    if (close(fd) != 0)
        return ph_errf(err, PH_EIO, "%s: close failed: %s", path, strerror(errno));
    return PH_OK;
}

size_t fileio_utf8_scrub(char *buf, size_t len)
{
    size_t off = 0, changed = 0;

    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\0') {
            buf[i] = '?';
            changed++;
        }
    }
    while (off < len) {
        long at = fileio_utf8_invalid_at(buf + off, len - off);

        if (at < 0)
            break;
        buf[off + (size_t)at] = '?';
        changed++;
        off += (size_t)at + 1;
    }
    return changed;
}

long fileio_utf8_invalid_at(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t need, k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return (long)i;
        }
        for (k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return (long)i;
        i += need + 1;
    }
    return -1;
}

const char *fileio_human_size(double bytes, char *buf, size_t cap)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = bytes < 0 ? -bytes : bytes;

    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%s%.0f B", bytes < 0 ? "-" : "", v);
    else
        snprintf(buf, cap, "%s%.1f %s", bytes < 0 ? "-" : "", v, units[u]);
    return buf;
}

/* Empty the directory open as `fd` of everything but subdirectories that are
 * not empty.  Sets *sub to the first of those (its name, copied into `sub`
 * of size `cap`) and returns 1, or returns 0 when the directory is empty of
 * all it can remove, -1 on error.  Entries on another device (a mount point)
 * are left alone.  `left` is the directory whose pass just ended (by
 * inode): if it is still there, something in it could not go, and -1 ends
 * the removal rather than enter it again. */
static int rm_entries(int fd, dev_t dev, ino_t left, char *sub, size_t cap)
{
    struct dirent *e;
    struct stat st;
    int dup_fd = dup(fd), found = 0;
    DIR *d;

    if (dup_fd < 0)
        return -1;
    d = fdopendir(dup_fd);
    if (d == NULL) {
        close(dup_fd);
        return -1;
    }
    rewinddir(d); /* the duplicate shares the offset the last pass left at the end */
    while (found == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            (void)unlinkat(fd, e->d_name, 0);
            continue;
        }
        if (st.st_dev != dev || unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0)
            continue;
        if (st.st_ino == left) {
            found = -1;
            break;
        }
        /* d_name holds at most NAME_MAX bytes, and `sub` has room for them */
        assert(strlen(e->d_name) < cap);
        memcpy(sub, e->d_name, strlen(e->d_name) + 1);
        found = 1;
    }
    closedir(d);
    return found;
}

int fileio_rmtree(const char *path)
{
    char sub[NAME_MAX + 1];
    struct stat st;
    ino_t left = 0;
    long depth = 0;
    int fd, rc = 0;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    /* One directory open at a time, by descriptor: a tree deeper than
     * PATH_MAX (a submission's folders of long names) is removed whole, with
     * no path built and no descriptor or stack frame per level.  O_NOFOLLOW
     * and AT_SYMLINK_NOFOLLOW: a symlink a submission planted is removed,
     * never followed. */
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (;;) {
        int r = rm_entries(fd, st.st_dev, left, sub, sizeof sub);
        int next;

        if (r < 0) {
            rc = -1;
            break;
        }
        left = 0;
        if (r == 1) {
            next = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (next < 0) {
                rc = -1;
                break;
            }
            depth++;
        } else {
            struct stat here;

            if (depth == 0)
                break;
            /* Back up one level; the parent's next pass removes this one
             * (now empty) or, if something in it could not go, skips it. */
            if (fstat(fd, &here) == 0)
                left = here.st_ino;
            next = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (next < 0) {
                rc = -1;
                break;
            }
            depth--;
        }
        close(fd);
        fd = next;
    }
    close(fd);
    if (rc == 0 && rmdir(path) != 0)
        rc = -1;
    return rc;
}

int fileio_is_file(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int fileio_is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

enum ph_rc fileio_check_writable(const char *path, const char *what, struct ph_err *err)
{
    char dir[4096];
    const char *slash;
    size_t n;

    if (path == NULL || path[0] == '\0')
        return ph_errf(err, PH_EINPUT, "%s: an empty path", what);
    if (fileio_is_dir(path))
        return ph_errf(err, PH_EINPUT, "%s %s: is a folder, expected a file path", what, path);
    if (access(path, F_OK) == 0) {
        if (access(path, W_OK) != 0)
            return ph_errf(err, PH_EINPUT, "%s %s: not writable: %s", what, path, strerror(errno));
        return PH_OK;
    }
    slash = strrchr(path, '/');
    if (slash == NULL) {
        dir[0] = '.';
        dir[1] = '\0';
    } else {
        n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof dir)
            return ph_errf(err, PH_EINPUT, "%s %s: path too long", what, path);
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    if (!fileio_is_dir(dir))
        return ph_errf(err, PH_EINPUT, "%s %s: the folder %s does not exist", what, path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return ph_errf(err, PH_EINPUT, "%s %s: cannot create files in %s: %s", what, path, dir,
                       strerror(errno));
    return PH_OK;
}

const char *fileio_human_duration(double ns, char *buf, size_t cap)
{
    static const struct {
        double div;
        const char *unit;
    } units[] = {{1, "ns"}, {1e3, "\xc2\xb5s"}, {1e6, "ms"}, {1e9, "s"}};
    size_t i = 0;
    double v;

    while (i + 1 < sizeof units / sizeof units[0] && ns >= units[i + 1].div * 0.9995)
        i++;
    v = ns / units[i].div;
    if (i == 0 || v >= 99.95)
        snprintf(buf, cap, "%.0f %s", v, units[i].unit);
    else if (v >= 9.995)
        snprintf(buf, cap, "%.1f %s", v, units[i].unit);
    else
        snprintf(buf, cap, "%.2f %s", v, units[i].unit);
    return buf;
}

int fileio_each_pid(int (*fn)(long pid, void *arg), void *arg)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int r = 0;

    if (d == NULL)
        return -1;
    for (e = readdir(d); e != NULL && r == 0; e = readdir(d)) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);

        if (*end == '\0' && pid > 0)
            r = fn(pid, arg);
    }
    closedir(d);
    return r;
}
