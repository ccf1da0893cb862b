/* fuzz_wav.c - the WAV reader behind `practice --answer-audio` and `voice
 * transcribe` (voice_wav_parse): any bytes give audio or an error, never a
 * read past the buffer. */
#include <stddef.h>
#include <stdint.h>

#include "voice.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct voice_audio a;
    struct ph_err err;

    ph_err_clear(&err);
    if (voice_wav_parse(data, size, "fuzz.wav", &a, &err) == PH_OK)
        voice_audio_free(&a);
    return 0;
}
