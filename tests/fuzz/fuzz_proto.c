/*
 * fuzz_proto.c - libFuzzer target for the worker-to-supervisor framing
 * (proto_reader in proto.c): the bytes a hostile submission can write to the
 * result pipe.  Input is fed in chunks whose sizes come from the input, so
 * frame boundaries land everywhere.  Seeds: tests/fuzz/corpus/proto/.
 */
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct proto_reader r;
    struct ph_err err = {0};
    size_t off = 0;

    proto_reader_init(&r);
    while (off < size) {
        size_t chunk = (size_t)(data[off] % 61) + 1;
        cJSON *frame = NULL;
        int got;

        if (chunk > size - off)
            chunk = size - off;
        if (proto_reader_feed(&r, data + off, chunk, &err) != PH_OK)
            break;
        off += chunk;
        for (got = proto_reader_next(&r, &frame, &err); got == 1;
             got = proto_reader_next(&r, &frame, &err)) {
            cJSON_Delete(frame);
            frame = NULL;
        }
        if (got < 0)
            break;
    }
    (void)proto_reader_pending(&r);
    proto_reader_cleanup(&r);
    return 0;
}
