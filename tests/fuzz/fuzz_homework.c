/*
 * fuzz_homework.c - libFuzzer target for homework.json (homework_parse in
 * homework.c): an instructor's file must be refused with a message naming
 * the field, never crash.  Seeds: tests/fuzz/corpus/homework/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "homework.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct homework *hw = NULL;
    struct ph_err err = {0};
    char *text = malloc(size + 1);
    int days = 0;

    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (homework_parse("homework.json", "/nonexistent", text, &hw, &err) == PH_OK) {
        (void)homework_late_percent(hw, hw->due + 100000, &days);
        for (size_t i = 0; i < hw->nex; i++)
            (void)homework_check_vis(hw, i, "x", 1);
        homework_free(hw);
    }
    free(text);
    return 0;
}
