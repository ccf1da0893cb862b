/*
 * fuzz_exercise.c - libFuzzer target for exercise.json (exercise_load in
 * exercise.c).  Exercise folders may come from outside (an instructor's
 * bank), so their parser must reject anything with a message, never crash.
 * The input is written as exercise.json in a private folder with an empty
 * checks.py beside it.  Seeds: tests/fuzz/corpus/exercise/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "exercise.h"

static char dir[64];

static int write_all(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    size_t n;

    if (f == NULL)
        return -1;
    n = fwrite(data, 1, size, f);
    fclose(f);
    return n == size ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    struct exercise *ex = NULL;
    struct ph_err err = {0};

    if (dir[0] == '\0') {
        snprintf(dir, sizeof dir, "/tmp/ph-fuzz-exercise-XXXXXX");
        if (mkdtemp(dir) == NULL)
            abort();
        snprintf(path, sizeof path, "%s/checks.py", dir);
        if (write_all(path, (const uint8_t *)"", 0) != 0)
            abort();
    }
    snprintf(path, sizeof path, "%s/exercise.json", dir);
    if (write_all(path, data, size) != 0)
        return 0;
    if (exercise_load(dir, &ex, &err) == PH_OK)
        exercise_free(ex);
    return 0;
}
