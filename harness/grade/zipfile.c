/*
 * zipfile.c - see zipfile.h.
 *
 * Reads through the central directory (the authority on what a zip holds),
 * then each entry's local header for where its data starts.  Sizes come
 * from the directory and are checked against the file and the caller's cap
 * before anything is inflated, so a zip bomb costs at most the cap.  No
 * ZIP64, no encryption: a homework zip needs neither.
 */
#include "zipfile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fileio.h"

#define ZIP_FILE_MAX (64u * 1024 * 1024) /* a student's zip: code and a few pages */
#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define EOCD_MIN 22
#define CDIR_MIN 46
#define LOCAL_MIN 30

static uint32_t rd16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
    return rd16(p) | rd16(p + 2) << 16;
}

static int inflate_raw(const unsigned char *src, size_t srclen, char *dst, size_t dstlen)
{
    z_stream z;
    int ret;

    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return -1;
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)srclen;
    z.next_out = (Bytef *)dst;
    z.avail_out = (uInt)dstlen;
    ret = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    return ret == Z_STREAM_END && z.total_out == dstlen ? 0 : -1;
}

static void read_entry(const unsigned char *buf, size_t size, const unsigned char *cd,
                       size_t entry_max, struct zipfile_entry *e)
{
    uint32_t flags = rd16(cd + 8), method = rd16(cd + 10), crc = rd32(cd + 16);
    size_t csize = rd32(cd + 20), usize = rd32(cd + 24), off = rd32(cd + 42);
    size_t nlen, xlen;
    const unsigned char *data;

    if (usize > entry_max) {
        e->too_big = 1;
        e->len = usize;
        return;
    }
    if ((flags & 1u) || (method != 0 && method != 8) || off > size - LOCAL_MIN ||
        rd32(buf + off) != LOCAL_SIG) {
        e->bad = 1;
        return;
    }
    nlen = rd16(buf + off + 26);
    xlen = rd16(buf + off + 28);
    if (off + LOCAL_MIN + nlen + xlen > size || csize > size - (off + LOCAL_MIN + nlen + xlen)) {
        e->bad = 1;
        return;
    }
    data = buf + off + LOCAL_MIN + nlen + xlen;
    e->data = malloc(usize + 1);
    if (e->data == NULL) {
        e->bad = 1;
        return;
    }
    if (method == 0 ? (csize != usize || (memcpy(e->data, data, usize), 0))
                    : inflate_raw(data, csize, e->data, usize) != 0) {
        free(e->data);
        e->data = NULL;
        e->bad = 1;
        return;
    }
    if ((uint32_t)crc32(0L, (const Bytef *)e->data, (uInt)usize) != crc) {
        free(e->data);
        e->data = NULL;
        e->bad = 1;
        return;
    }
    e->data[usize] = '\0';
    e->len = usize;
}

enum ph_rc zipfile_read(const char *path, size_t entry_max, struct zipfile_entry **out, size_t *n,
                        struct ph_err *err)
{
    char *raw = NULL;
    const unsigned char *buf, *eocd = NULL, *cd;
    size_t size = 0, count, cdoff, cdsize, pos;
    struct zipfile_entry *ents = NULL;
    enum ph_rc rc;

    *out = NULL;
    *n = 0;
    rc = fileio_read(path, ZIP_FILE_MAX, &raw, &size, err);
    if (rc != PH_OK)
        return rc;
    buf = (const unsigned char *)raw;
    rc = PH_EINPUT;
    /* The end record sits in the last 22 + 65535 (comment) bytes. */
    for (size_t i = size >= EOCD_MIN ? size - EOCD_MIN + 1 : 0; i-- > 0;) {
        if (rd32(buf + i) == EOCD_SIG) {
            eocd = buf + i;
            break;
        }
        if (size - i > EOCD_MIN + 65535)
            break;
    }
    if (eocd == NULL) {
        ph_errf(err, rc, "%s: not a zip file", path);
        goto out;
    }
    count = rd16(eocd + 10);
    cdsize = rd32(eocd + 12);
    cdoff = rd32(eocd + 16);
    if (count > ZIPFILE_ENTRIES_MAX || cdoff > size || cdsize > size - cdoff) {
        ph_errf(err, rc, "%s: corrupt zip directory (or over %d entries)", path,
                ZIPFILE_ENTRIES_MAX);
        goto out;
    }
    ents = calloc(count ? count : 1, sizeof *ents);
    if (ents == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    pos = cdoff;
    for (size_t i = 0; i < count; i++) {
        size_t nlen, xlen, clen;
        cd = buf + pos;
        if (pos + CDIR_MIN > cdoff + cdsize || rd32(cd) != CDIR_SIG) {
            ph_errf(err, rc, "%s: corrupt zip directory at entry %zu", path, i);
            goto out;
        }
        nlen = rd16(cd + 28);
        xlen = rd16(cd + 30);
        clen = rd16(cd + 32);
        if (pos + CDIR_MIN + nlen + xlen + clen > cdoff + cdsize) {
            ph_errf(err, rc, "%s: corrupt zip directory at entry %zu", path, i);
            goto out;
        }
        ents[i].name = malloc(nlen + 1);
        if (ents[i].name == NULL) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory");
            goto out;
        }
        memcpy(ents[i].name, cd + CDIR_MIN, nlen);
        ents[i].name[nlen] = '\0';
        ents[i].is_dir = nlen > 0 && ents[i].name[nlen - 1] == '/';
        if (!ents[i].is_dir)
            read_entry(buf, size, cd, entry_max, &ents[i]);
        pos += CDIR_MIN + nlen + xlen + clen;
        *n = i + 1;
    }
    *out = ents;
    ents = NULL;
    rc = PH_OK;
out:
    if (ents != NULL)
        zipfile_entries_free(ents, *n);
    if (rc != PH_OK)
        *n = 0;
    free(raw);
    return rc;
}

void zipfile_entries_free(struct zipfile_entry *e, size_t n)
{
    if (e == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].data);
    }
    free(e);
}

/* ---- writer ------------------------------------------------------------ */

struct zipfile_writer {
    FILE *f;
    char *path;
    unsigned char *cdir; /* central directory, built as entries are added */
    size_t cdlen, cdcap;
    size_t count;
    uint32_t offset;
    int failed;
};

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8 & 0xff);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

enum ph_rc zipfile_writer_open(const char *path, struct zipfile_writer **out, struct ph_err *err)
{
    struct zipfile_writer *w = calloc(1, sizeof *w);

    *out = NULL;
    if (w == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    w->path = strdup(path);
    w->f = fopen(path, "wb");
    if (w->f == NULL || w->path == NULL) {
        int e = errno;
        if (w->f != NULL)
            fclose(w->f);
        free(w->path);
        free(w);
        return ph_errf(err, PH_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    *out = w;
    return PH_OK;
}

enum ph_rc zipfile_writer_add(struct zipfile_writer *w, const char *name, const void *data,
                              size_t len, unsigned mode, struct ph_err *err)
{
    unsigned char lh[LOCAL_MIN], ch[CDIR_MIN];
    size_t nlen = strlen(name);
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)data, (uInt)len);

    if (len > 0xffffffffu || w->offset > 0x7fffffffu || nlen > 0xffff)
        return ph_errf(err, PH_ELIMIT, "%s: %s: too big for a zip without ZIP64", w->path, name);
    memset(lh, 0, sizeof lh);
    put32(lh, LOCAL_SIG);
    put16(lh + 4, 20);
    put16(lh + 12, 0x21); /* 1980-01-01: a fixed date keeps the zip reproducible */
    put32(lh + 14, crc);
    put32(lh + 18, (uint32_t)len);
    put32(lh + 22, (uint32_t)len);
    put16(lh + 26, (uint32_t)nlen);
    memset(ch, 0, sizeof ch);
    put32(ch, CDIR_SIG);
    put16(ch + 4, 3u << 8 | 20); /* made by Unix: the external attributes carry the mode */
    put16(ch + 6, 20);
    put16(ch + 14, 0x21);
    put32(ch + 16, crc);
    put32(ch + 20, (uint32_t)len);
    put32(ch + 24, (uint32_t)len);
    put16(ch + 28, (uint32_t)nlen);
    put32(ch + 38, (0100000u | (mode & 0777u)) << 16);
    put32(ch + 42, w->offset);
    if (w->cdlen + CDIR_MIN + nlen > w->cdcap) {
        size_t cap = (w->cdcap + CDIR_MIN + nlen) * 2;
        unsigned char *p = realloc(w->cdir, cap);
        if (p == NULL)
            return ph_errf(err, PH_ENOMEM, "out of memory");
        w->cdir = p;
        w->cdcap = cap;
    }
    memcpy(w->cdir + w->cdlen, ch, CDIR_MIN);
    memcpy(w->cdir + w->cdlen + CDIR_MIN, name, nlen);
    w->cdlen += CDIR_MIN + nlen;
    if (fwrite(lh, 1, sizeof lh, w->f) != sizeof lh || fwrite(name, 1, nlen, w->f) != nlen ||
        (len > 0 && fwrite(data, 1, len, w->f) != len)) {
        w->failed = 1;
        return ph_errf(err, PH_EIO, "%s: write failed: %s", w->path, strerror(errno));
    }
    w->offset += (uint32_t)(LOCAL_MIN + nlen + len);
    w->count++;
    return PH_OK;
}

enum ph_rc zipfile_writer_close(struct zipfile_writer *w, struct ph_err *err)
{
    unsigned char eocd[EOCD_MIN];
    enum ph_rc rc = PH_OK;

    memset(eocd, 0, sizeof eocd);
    put32(eocd, EOCD_SIG);
    put16(eocd + 8, (uint32_t)w->count);
    put16(eocd + 10, (uint32_t)w->count);
    put32(eocd + 12, (uint32_t)w->cdlen);
    put32(eocd + 16, w->offset);
    if (w->failed || fwrite(w->cdir, 1, w->cdlen, w->f) != w->cdlen ||
        fwrite(eocd, 1, sizeof eocd, w->f) != sizeof eocd)
        rc = ph_errf(err, PH_EIO, "%s: write failed", w->path);
    if (fclose(w->f) != 0 && rc == PH_OK)
        rc = ph_errf(err, PH_EIO, "%s: write failed: %s", w->path, strerror(errno));
    free(w->cdir);
    free(w->path);
    free(w);
    return rc;
}
