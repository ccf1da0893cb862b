/*
 * fuzz_zipfile.c - libFuzzer target for students' zips (zipfile_read in
 * zipfile.c): any bytes are refused with a message or read within the caps,
 * never a crash or an unbounded allocation.  Seeds: tests/fuzz/corpus/zipfile/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "zipfile.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct zipfile_entry *e = NULL;
    struct ph_err err = {0};
    size_t n = 0;
    FILE *f;

    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/ph-fuzz-zip-%d.zip", (int)getpid());
    }
    f = fopen(path, "wb");
    if (f == NULL)
        abort();
    if (size > 0 && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    if (zipfile_read(path, 4096, &e, &n, &err) == PH_OK)
        zipfile_entries_free(e, n);
    unlink(path);
    return 0;
}
