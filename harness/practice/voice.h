/*
 * voice.h - speech in and out: espeak-ng speaks, PocketSphinx listens.
 *
 * Everything here is optional at build time: without libespeak-ng the
 * synthesis calls fail with PH_EUSAGE ("built without ..."), without
 * libpocketsphinx the recognition calls do, and `doctor` says which is
 * missing.  Audio is 16-bit mono PCM.  Recognition wants 16 kHz and
 * resamples what it is given.  Only voice.c includes the engines' headers.
 * Owns nothing between calls (each call initialises what it needs: the
 * recogniser is loaded per transcription, which costs about a second).
 */
#ifndef PH_VOICE_H
#define PH_VOICE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* A spoken answer longer than this is cut: a written one is a few minutes
 * of speech at most. */
#define VOICE_SECONDS_MAX 600
/* A pause between two recognised words of at least VOICE_PAUSE_SENTENCE
 * 10 ms frames is written as the end of a sentence, one of at least
 * VOICE_PAUSE_COMMA as a comma (PYHARNESS_VOICE_PAUSES="SENTENCE,COMMA" to
 * measure others).  The scorer reads sentences: a transcript without them is
 * one long sentence, where a point's words always count as said together
 * and a third point in one sentence earns half.  espeak-ng's Klatt voice
 * pauses 24-35 frames after a full stop, 9-17 at a comma, 3-8 between words;
 * people pause longer.  On the 39 right answers of the tuning sets the
 * typed-vs-spoken gap went 0.97 -> 0.73 with sentences (commas changed no
 * score; they are kept for the reader). */
#define VOICE_PAUSE_SENTENCE 20
#define VOICE_PAUSE_COMMA 12

struct voice_audio {
    int16_t *s;
    size_t n;
    int rate;
};

void voice_audio_free(struct voice_audio *a);

/* Which engines this build has (1/0), and a one-line description of what is
 * missing for doctor (static storage; "" when nothing is). */
int voice_tts_built(void);
int voice_asr_built(void);
const char *voice_missing(void);

/* Synthesise `text` (UTF-8) with espeak-ng, American English. */
enum ph_rc voice_synth(const char *text, struct voice_audio *out, struct ph_err *err);

/* Speak `text` through the sound device; returns when done.  PH_EIO when
 * there is no audio output. */
enum ph_rc voice_speak(const char *text, struct ph_err *err);

/* RIFF/WAVE, PCM 16-bit, mono or stereo (mixed down); errors name `path`. */
enum ph_rc voice_wav_read(const char *path, struct voice_audio *out, struct ph_err *err);

/* The same from bytes in memory (borrowed); `path` only names them in
 * messages.  Untrusted input: every chunk size is checked against `len`. */
enum ph_rc voice_wav_parse(const unsigned char *buf, size_t len, const char *path,
                           struct voice_audio *out, struct ph_err *err);
enum ph_rc voice_wav_write(const char *path, const struct voice_audio *a, struct ph_err *err);

/*
 * Transcribe with PocketSphinx.  `lm` and `dict` are an ARPA (or binary)
 * model and its dictionary; NULL for both means the general English model
 * Debian ships.  *text is the hypothesis, lowercase words (caller frees).
 */
enum ph_rc voice_transcribe(const struct voice_audio *a, const char *lm, const char *dict,
                            char **text, struct ph_err *err);

/* The general model's dictionary (the source of the bank model's words). */
const char *voice_general_dict(void);

/* The general English model Debian ships (en-us.lm.bin). */
const char *voice_general_lm(void);

/* Words of the general model with their unigram probabilities. */
struct voice_unigrams {
    char **word; /* owned */
    double *p;   /* owned; p[i] of word[i], most likely first */
    size_t n;
};

/*
 * The `top` most likely plain words (lowercase letters and apostrophes) of
 * the general model with their unigram probabilities, most likely first:
 * the everyday vocabulary the bank model mixes in for words the bank never
 * uses.  Caller frees with voice_unigrams_free().
 */
enum ph_rc voice_general_unigrams(size_t top, struct voice_unigrams *out, struct ph_err *err);
void voice_unigrams_free(struct voice_unigrams *u);

/*
 * Record from the default microphone until `max_seconds` pass, or 1.5 s of
 * silence follow speech, or `*stop` becomes non-zero.  PH_EIO when there is
 * no microphone.
 */
enum ph_rc voice_record(double max_seconds, volatile int *stop, struct voice_audio *out,
                        struct ph_err *err);

#endif
