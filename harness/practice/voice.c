/*
 * voice.c - see voice.h.
 *
 * PocketSphinx: Debian 12 ships 0.8+5prealpha (the pre-1.0 API:
 * cmd_ln_init + ps_init, ps_start_utt(ps) without an id), with sphinxad for
 * the microphone.  espeak-ng 1.51: the synchronous mode hands samples to a
 * callback, which is how a WAV is made without a sound device.
 *
 * Neither is linked: both are loaded with dlopen() the first time a call
 * needs them (as curl_dl.c does for libcurl).  Linked, they and their
 * dependencies (PulseAudio, ALSA, pcaudio: a dozen libraries) would be
 * mapped into every process the binary starts, including the interpreters
 * a submission's multiprocessing spawns inside the sandbox, where they
 * cannot load.  The headers are still used for the types; each function is
 * called through a pointer of the declared type (__typeof__).
 */
#include "voice.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef PH_HAVE_ESPEAK
#include <espeak-ng/speak_lib.h>
#endif
#ifdef PH_HAVE_POCKETSPHINX
#include <pocketsphinx.h>
#include <sphinxbase/ad.h>
#include <sphinxbase/err.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/ngram_model.h>
#endif

#include <dlfcn.h>

#ifdef PH_HAVE_ESPEAK
static struct {
    __typeof__(&espeak_Initialize) Initialize;
    __typeof__(&espeak_SetSynthCallback) SetSynthCallback;
    __typeof__(&espeak_SetVoiceByName) SetVoiceByName;
    __typeof__(&espeak_SetParameter) SetParameter;
    __typeof__(&espeak_Synth) Synth;
    __typeof__(&espeak_Synchronize) Synchronize;
} es;
#define espeak_Initialize (es.Initialize)
#define espeak_SetSynthCallback (es.SetSynthCallback)
#define espeak_SetVoiceByName (es.SetVoiceByName)
#define espeak_SetParameter (es.SetParameter)
#define espeak_Synth (es.Synth)
#define espeak_Synchronize (es.Synchronize)
#endif
#ifdef PH_HAVE_POCKETSPHINX
static struct {
    __typeof__(&cmd_ln_init) f_cmd_ln_init;
    __typeof__(&cmd_ln_free_r) f_cmd_ln_free_r;
    __typeof__(&err_set_logfp) f_err_set_logfp;
    __typeof__(&logmath_init) f_logmath_init;
    __typeof__(&logmath_free) f_logmath_free;
    __typeof__(&logmath_log_to_ln) f_logmath_log_to_ln;
    __typeof__(&ngram_model_read) f_ngram_model_read;
    __typeof__(&ngram_model_free) f_ngram_model_free;
    __typeof__(&ngram_model_get_counts) f_ngram_model_get_counts;
    __typeof__(&ngram_word) f_ngram_word;
    __typeof__(&ngram_prob) f_ngram_prob;
    __typeof__(&ps_args) f_ps_args;
    __typeof__(&ps_init) f_ps_init;
    __typeof__(&ps_start_utt) f_ps_start_utt;
    __typeof__(&ps_process_raw) f_ps_process_raw;
    __typeof__(&ps_end_utt) f_ps_end_utt;
    __typeof__(&ps_get_hyp) f_ps_get_hyp;
    __typeof__(&ps_free) f_ps_free;
    __typeof__(&ps_seg_iter) f_ps_seg_iter;
    __typeof__(&ps_seg_next) f_ps_seg_next;
    __typeof__(&ps_seg_word) f_ps_seg_word;
    __typeof__(&ps_seg_frames) f_ps_seg_frames;
    __typeof__(&ps_seg_free) f_ps_seg_free;
    __typeof__(&ad_open_sps) f_ad_open_sps;
    __typeof__(&ad_start_rec) f_ad_start_rec;
    __typeof__(&ad_read) f_ad_read;
    __typeof__(&ad_close) f_ad_close;
} sx;
#define cmd_ln_init (sx.f_cmd_ln_init)
#define cmd_ln_free_r (sx.f_cmd_ln_free_r)
#define err_set_logfp (sx.f_err_set_logfp)
#define logmath_init (sx.f_logmath_init)
#define logmath_free (sx.f_logmath_free)
#define logmath_log_to_ln (sx.f_logmath_log_to_ln)
#define ngram_model_read (sx.f_ngram_model_read)
#define ngram_model_free (sx.f_ngram_model_free)
#define ngram_model_get_counts (sx.f_ngram_model_get_counts)
#define ngram_word (sx.f_ngram_word)
#define ngram_prob (sx.f_ngram_prob)
#define ps_args (sx.f_ps_args)
#define ps_init (sx.f_ps_init)
#define ps_start_utt (sx.f_ps_start_utt)
#define ps_process_raw (sx.f_ps_process_raw)
#define ps_end_utt (sx.f_ps_end_utt)
#define ps_get_hyp (sx.f_ps_get_hyp)
#define ps_free (sx.f_ps_free)
#define ps_seg_iter (sx.f_ps_seg_iter)
#define ps_seg_next (sx.f_ps_seg_next)
#define ps_seg_word (sx.f_ps_seg_word)
#define ps_seg_frames (sx.f_ps_seg_frames)
#define ps_seg_free (sx.f_ps_seg_free)
#define ad_open_sps (sx.f_ad_open_sps)
#define ad_start_rec (sx.f_ad_start_rec)
#define ad_read (sx.f_ad_read)
#define ad_close (sx.f_ad_close)
#endif

struct sym {
    const char *name;
    void **slot;
};

/* dlopen the first of `libs` that loads and find every symbol of `syms`;
 * 0, or -1 with a message naming what is missing. */
static int load_syms(const char *const *libs, const struct sym *syms, struct ph_err *err)
{
    void *h = NULL;

    for (size_t i = 0; libs[i] != NULL && h == NULL; i++)
        h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return ph_errf(err, PH_EUSAGE, "%s cannot be loaded (%s): install it", libs[0], dlerror()),
               -1;
    for (size_t i = 0; syms[i].name != NULL; i++) {
        *syms[i].slot = dlsym(h, syms[i].name);
        if (*syms[i].slot == NULL)
            return ph_errf(err, PH_EUSAGE, "%s: no %s (an unexpected version)", libs[0],
                           syms[i].name),
                   -1;
    }
    return 0;
}

#ifdef PH_HAVE_ESPEAK
static int tts_load(struct ph_err *err)
{
    static const char *const libs[] = {"libespeak-ng.so.1", "libespeak-ng.so", NULL};
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    const struct sym syms[] = {
        {"espeak_Initialize", (void **)&es.Initialize},
        {"espeak_SetSynthCallback", (void **)&es.SetSynthCallback},
        {"espeak_SetVoiceByName", (void **)&es.SetVoiceByName},
        {"espeak_SetParameter", (void **)&es.SetParameter},
        {"espeak_Synth", (void **)&es.Synth},
        {"espeak_Synchronize", (void **)&es.Synchronize},
        {NULL, NULL},
    };

    if (state == 0)
        state = load_syms(libs, syms, err) == 0 ? 1 : -1;
    else if (state < 0)
        ph_errf(err, PH_EUSAGE, "libespeak-ng.so.1 cannot be loaded: install libespeak-ng1");
    return state > 0 ? 0 : -1;
}
#endif

#ifdef PH_HAVE_POCKETSPHINX
static int asr_load(struct ph_err *err)
{
    static const char *const base[] = {"libsphinxbase.so.3", "libsphinxbase.so", NULL};
    static const char *const psl[] = {"libpocketsphinx.so.3", "libpocketsphinx.so", NULL};
    static const char *const ad[] = {"libsphinxad.so.3", "libsphinxad.so", NULL};
    static int state;
    const struct sym base_syms[] = {
        {"cmd_ln_init", (void **)&sx.f_cmd_ln_init},
        {"cmd_ln_free_r", (void **)&sx.f_cmd_ln_free_r},
        {"err_set_logfp", (void **)&sx.f_err_set_logfp},
        {"logmath_init", (void **)&sx.f_logmath_init},
        {"logmath_free", (void **)&sx.f_logmath_free},
        {"logmath_log_to_ln", (void **)&sx.f_logmath_log_to_ln},
        {"ngram_model_read", (void **)&sx.f_ngram_model_read},
        {"ngram_model_free", (void **)&sx.f_ngram_model_free},
        {"ngram_model_get_counts", (void **)&sx.f_ngram_model_get_counts},
        {"ngram_word", (void **)&sx.f_ngram_word},
        {"ngram_prob", (void **)&sx.f_ngram_prob},
        {NULL, NULL},
    };
    const struct sym ps_syms[] = {
        {"ps_args", (void **)&sx.f_ps_args},
        {"ps_init", (void **)&sx.f_ps_init},
        {"ps_start_utt", (void **)&sx.f_ps_start_utt},
        {"ps_process_raw", (void **)&sx.f_ps_process_raw},
        {"ps_end_utt", (void **)&sx.f_ps_end_utt},
        {"ps_get_hyp", (void **)&sx.f_ps_get_hyp},
        {"ps_free", (void **)&sx.f_ps_free},
        {"ps_seg_iter", (void **)&sx.f_ps_seg_iter},
        {"ps_seg_next", (void **)&sx.f_ps_seg_next},
        {"ps_seg_word", (void **)&sx.f_ps_seg_word},
        {"ps_seg_frames", (void **)&sx.f_ps_seg_frames},
        {"ps_seg_free", (void **)&sx.f_ps_seg_free},
        {NULL, NULL},
    };
    const struct sym ad_syms[] = {
        {"ad_open_sps", (void **)&sx.f_ad_open_sps},
        {"ad_start_rec", (void **)&sx.f_ad_start_rec},
        {"ad_read", (void **)&sx.f_ad_read},
        {"ad_close", (void **)&sx.f_ad_close},
        {NULL, NULL},
    };

    if (state == 0)
        state = load_syms(base, base_syms, err) == 0 && load_syms(psl, ps_syms, err) == 0 &&
                        load_syms(ad, ad_syms, err) == 0
                    ? 1
                    : -1;
    else if (state < 0)
        ph_errf(err, PH_EUSAGE, "PocketSphinx cannot be loaded: install libpocketsphinx3");
    return state > 0 ? 0 : -1;
}
#endif

#ifndef PH_SPHINX_MODELDIR
#define PH_SPHINX_MODELDIR "/usr/share/pocketsphinx/model"
#endif

/* espeak-ng's voice for questions and synthesised answers (set_voice()). */
#define VOICE_TTS_NAME "en-us+klatt"
/* What the recogniser's acoustic model was trained on. */
#define VOICE_ASR_RATE 16000
/* Silence around synthesised speech: half a second at espeak-ng's 22050 Hz. */
#define VOICE_PAD_SAMPLES 11025
/* The noise floor added before recognition, in 16-bit steps (about -66 dBFS,
 * a quiet room through a cheap microphone).  The acoustic model was trained
 * on recordings, which never hold digital silence: frames of exact zeros have
 * a log energy of minus infinity (clamped), and with the cepstral mean taken
 * over the utterance they drag every other frame's features off.  espeak-ng
 * pads with such zeros and pauses between words with them; on 13 synthesised
 * answers the bank model's mean WER went from 0.45 to 0.07 with this floor
 * (0.45, 0.15, 0.08, 0.07, 0.07 at 0, 2, 8, 16, 32 steps).  Real microphone
 * audio is already that noisy, so for it this changes nothing that matters. */
#define VOICE_NOISE_FLOOR 16
/* A WAV file bigger than this is not a spoken answer. */
#define VOICE_WAV_MAX ((size_t)VOICE_SECONDS_MAX * 48000 * 2 * 2 + 4096)

void voice_audio_free(struct voice_audio *a)
{
    free(a->s);
    memset(a, 0, sizeof *a);
}

int voice_tts_built(void)
{
#ifdef PH_HAVE_ESPEAK
    return 1;
#else
    return 0;
#endif
}

int voice_asr_built(void)
{
#ifdef PH_HAVE_POCKETSPHINX
    return 1;
#else
    return 0;
#endif
}

const char *voice_missing(void)
{
    if (!voice_tts_built() && !voice_asr_built())
        return "built without libespeak-ng-dev and libpocketsphinx-dev: no voice";
    if (!voice_tts_built())
        return "built without libespeak-ng-dev: questions are not spoken";
    if (!voice_asr_built())
        return "built without libpocketsphinx-dev: spoken answers are not transcribed";
    return "";
}

const char *voice_general_dict(void)
{
    return PH_SPHINX_MODELDIR "/en-us/cmudict-en-us.dict";
}

const char *voice_general_lm(void)
{
    return PH_SPHINX_MODELDIR "/en-us/en-us.lm.bin";
}

void voice_unigrams_free(struct voice_unigrams *u)
{
    for (size_t i = 0; u->word != NULL && i < u->n; i++)
        free(u->word[i]);
    free(u->word);
    free(u->p);
    memset(u, 0, sizeof *u);
}

#ifdef PH_HAVE_POCKETSPHINX
/* A word a learner says: lowercase letters and inner apostrophes. */
static int plain_word(const char *w)
{
    if (w == NULL || !(w[0] >= 'a' && w[0] <= 'z'))
        return 0;
    for (const char *p = w; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '\''))
            return 0;
    return 1;
}

struct uni_ent {
    double p;
    int32 wid;
};

static int cmp_uni(const void *a, const void *b)
{
    const struct uni_ent *x = a, *y = b;

    if (x->p != y->p)
        return x->p > y->p ? -1 : 1;
    return x->wid < y->wid ? -1 : x->wid > y->wid;
}
#endif

enum ph_rc voice_general_unigrams(size_t top, struct voice_unigrams *out, struct ph_err *err)
{
    memset(out, 0, sizeof *out);
#ifdef PH_HAVE_POCKETSPHINX
    logmath_t *lmath = NULL;
    ngram_model_t *m = NULL;
    struct uni_ent *v = NULL;
    size_t nv = 0;
    enum ph_rc rc = PH_ENOMEM;

    if (asr_load(err) != 0)
        return PH_EUSAGE;
    err_set_logfp(NULL); /* sphinxbase's INFO lines; transcription sets -logfn anyway */
    lmath = logmath_init(1.0001, 0, 0);
    if (lmath == NULL)
        goto oom;
    m = ngram_model_read(NULL, voice_general_lm(), NGRAM_AUTO, lmath);
    if (m == NULL) {
        rc = ph_errf(err, PH_EIO,
                     "%s: cannot read the general language model "
                     "(is pocketsphinx-en-us installed?)",
                     voice_general_lm());
        goto out;
    }
    uint32 nw = ngram_model_get_counts(m)[0];
    v = malloc((nw > 0 ? nw : 1) * sizeof *v);
    if (v == NULL)
        goto oom;
    for (uint32 i = 0; i < nw; i++) {
        const char *w = ngram_word(m, (int32)i);
        if (!plain_word(w))
            continue;
        const char *one[1] = {w};
        v[nv].p = exp(logmath_log_to_ln(lmath, ngram_prob(m, one, 1)));
        v[nv].wid = (int32)i;
        nv++;
    }
    qsort(v, nv, sizeof *v, cmp_uni);
    if (top < nv)
        nv = top;
    out->word = calloc(nv > 0 ? nv : 1, sizeof *out->word);
    out->p = calloc(nv > 0 ? nv : 1, sizeof *out->p);
    if (out->word == NULL || out->p == NULL)
        goto oom;
    for (size_t i = 0; i < nv; i++) {
        out->word[i] = strdup(ngram_word(m, v[i].wid));
        if (out->word[i] == NULL)
            goto oom;
        out->p[i] = v[i].p;
        out->n = i + 1;
    }
    rc = PH_OK;
    goto out;
oom:
    rc = ph_errf(err, PH_ENOMEM, "out of memory reading the general language model");
out:
    if (rc != PH_OK)
        voice_unigrams_free(out);
    free(v);
    if (m != NULL)
        ngram_model_free(m);
    if (lmath != NULL)
        logmath_free(lmath);
    return rc;
#else
    (void)top;
    return ph_errf(err, PH_EUSAGE, "%s", voice_missing());
#endif
}

static int append(struct voice_audio *a, size_t *cap, const int16_t *s, size_t n)
{
    if (a->n + n > (size_t)VOICE_SECONDS_MAX * 48000)
        return -1;
    if (a->n + n > *cap) {
        size_t ncap = *cap != 0 ? *cap * 2 : 65536;
        while (ncap < a->n + n)
            ncap *= 2;
        int16_t *ns = realloc(a->s, ncap * sizeof *ns);
        if (ns == NULL)
            return -1;
        a->s = ns;
        *cap = ncap;
    }
    memcpy(a->s + a->n, s, n * sizeof *s);
    a->n += n;
    return 0;
}

#ifdef PH_HAVE_ESPEAK
struct synth_sink {
    struct voice_audio *a;
    size_t cap;
    int failed;
};

/* The synthesis in progress: espeak-ng's synchronous mode calls back on the
 * caller's thread, and not every call carries an event with user data. */
static struct synth_sink *cur_sink;

static int synth_cb(short *wav, int n, espeak_EVENT *ev)
{
    struct synth_sink *sink = cur_sink;

    (void)ev;
    if (sink == NULL || wav == NULL || n <= 0)
        return 0;
    if (append(sink->a, &sink->cap, wav, (size_t)n) != 0) {
        sink->failed = 1;
        return 1; /* abort synthesis */
    }
    return 0;
}

static int synth_rate;

/*
 * The voice: espeak-ng's American English with the Klatt formant synthesiser
 * (the "klatt" variant), or PYHARNESS_VOICE_NAME.  The recogniser's acoustic
 * model hears it far better than espeak-ng's default voice: on the 33
 * synthesised answers of tests/data/spoken_answers.md and spoken_heldout.md,
 * bank-model WER 0.39 -> 0.23 and the typed-vs-spoken score gap 2.1 -> 0.7
 * (docs/practice.md).  Other variants measured: klatt2-6 0.22-0.24, m1 0.40,
 * m3 0.43, plain "en" 0.52.  Speaking rates of 120-150 words a minute did
 * not help either voice.
 */
static void set_voice(void)
{
    const char *name = getenv("PYHARNESS_VOICE_NAME");

    if (name != NULL && name[0] != '\0' && espeak_SetVoiceByName(name) == EE_OK)
        return;
    if (espeak_SetVoiceByName(VOICE_TTS_NAME) != EE_OK && espeak_SetVoiceByName("en-us") != EE_OK)
        espeak_SetVoiceByName("en");
}
#endif

enum ph_rc voice_synth(const char *text, struct voice_audio *out, struct ph_err *err)
{
    memset(out, 0, sizeof *out);
#ifdef PH_HAVE_ESPEAK
    struct synth_sink sink = {out, 0, 0};

    if (tts_load(err) != 0)
        return PH_EUSAGE;
    if (synth_rate == 0) {
        synth_rate =
            espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
        if (synth_rate <= 0) {
            synth_rate = 0;
            return ph_errf(err, PH_EIO,
                           "espeak-ng: cannot initialise (is espeak-ng-data "
                           "installed?)");
        }
        espeak_SetSynthCallback(synth_cb);
        set_voice();
        const char *rate = getenv("PYHARNESS_VOICE_RATE");
        if (rate != NULL && rate[0] != '\0')
            espeak_SetParameter(espeakRATE, (int)strtol(rate, NULL, 10), 0);
    }
    /* Half a second of silence on both sides: the recogniser estimates the
     * background level from the start, and clipped edges lose words. */
    int16_t quiet[VOICE_PAD_SAMPLES];
    memset(quiet, 0, sizeof quiet);
    if (append(out, &sink.cap, quiet, VOICE_PAD_SAMPLES) != 0)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    cur_sink = &sink;
    if (espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) !=
            EE_OK ||
        espeak_Synchronize() != EE_OK || sink.failed) {
        cur_sink = NULL;
        voice_audio_free(out);
        return ph_errf(err, PH_EIO, "espeak-ng: synthesis failed%s",
                       sink.failed ? " (over the length limit)" : "");
    }
    cur_sink = NULL;
    if (append(out, &sink.cap, quiet, VOICE_PAD_SAMPLES) != 0) {
        voice_audio_free(out);
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    out->rate = synth_rate;
    return PH_OK;
#else
    (void)text;
    return ph_errf(err, PH_EUSAGE, "%s", voice_missing());
#endif
}

enum ph_rc voice_speak(const char *text, struct ph_err *err)
{
#ifdef PH_HAVE_ESPEAK
    /* Called in a child of its own (runner.c): playback mode for this process only. */
    const char *rate = getenv("PYHARNESS_VOICE_RATE");

    if (tts_load(err) != 0)
        return PH_EUSAGE;
    if (espeak_Initialize(AUDIO_OUTPUT_SYNCH_PLAYBACK, 0, NULL, espeakINITIALIZE_DONT_EXIT) <= 0)
        return ph_errf(err, PH_EIO, "espeak-ng: no audio output");
    set_voice();
    if (rate != NULL && rate[0] != '\0')
        espeak_SetParameter(espeakRATE, (int)strtol(rate, NULL, 10), 0);
    if (espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL) !=
            EE_OK ||
        espeak_Synchronize() != EE_OK)
        return ph_errf(err, PH_EIO, "espeak-ng: cannot play (no sound device?)");
    return PH_OK;
#else
    (void)text;
    return ph_errf(err, PH_EUSAGE, "%s", voice_missing());
#endif
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

enum ph_rc voice_wav_parse(const unsigned char *buf, size_t len, const char *path,
                           struct voice_audio *out, struct ph_err *err)
{
    size_t pos = 12;
    int channels = 0, bits = 0, fmt = 0;
    long rate = 0;
    const unsigned char *data = NULL;
    size_t data_len = 0;

    memset(out, 0, sizeof *out);
    if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0)
        return ph_errf(err, PH_EINPUT, "%s: not a WAV file (no RIFF/WAVE header)", path);
    while (pos + 8 <= len) {
        uint32_t sz = le32(buf + pos + 4);
        const unsigned char *body = buf + pos + 8;
        size_t avail = len - pos - 8;
        if (memcmp(buf + pos, "fmt ", 4) == 0 && sz >= 16 && avail >= 16) {
            fmt = le16(body);
            channels = le16(body + 2);
            rate = (long)le32(body + 4);
            bits = le16(body + 14);
        } else if (memcmp(buf + pos, "data", 4) == 0) {
            data = body;
            /* Streams written live often leave the size 0 or too big. */
            data_len = (sz == 0 || sz > avail) ? avail : sz;
            break;
        }
        if (sz > avail)
            break;
        pos += 8 + (size_t)sz + (sz & 1);
    }
    if (fmt == 0 || data == NULL)
        return ph_errf(err, PH_EINPUT, "%s: a WAV file without %s chunk", path,
                       fmt == 0 ? "a \"fmt \"" : "a \"data\"");
    if ((fmt != 1 && fmt != 0xFFFE) || bits != 16 || channels < 1 || channels > 2 || rate < 8000 ||
        rate > 48000)
        return ph_errf(err, PH_EINPUT,
                       "%s: unsupported WAV (format %d, %d bits, %d channels, %ld Hz): "
                       "16-bit PCM, mono or stereo, 8-48 kHz is needed",
                       path, fmt, bits, channels, rate);
    out->n = data_len / (size_t)(2 * channels);
    out->s = malloc((out->n > 0 ? out->n : 1) * sizeof *out->s);
    if (out->s == NULL) {
        out->n = 0;
        return ph_errf(err, PH_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < out->n; i++) {
        int v = 0;
        for (int c = 0; c < channels; c++)
            v += (int16_t)le16(data + (i * (size_t)channels + (size_t)c) * 2);
        out->s[i] = (int16_t)(v / channels);
    }
    out->rate = (int)rate;
    return PH_OK;
}

enum ph_rc voice_wav_read(const char *path, struct voice_audio *out, struct ph_err *err)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0;
    enum ph_rc rc = PH_EINPUT;

    memset(out, 0, sizeof *out);
    if (f == NULL)
        return ph_errf(err, PH_EINPUT, "%s: %s", path, strerror(errno));
    buf = malloc(VOICE_WAV_MAX);
    if (buf == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    len = fread(buf, 1, VOICE_WAV_MAX, f);
    if (ferror(f)) {
        rc = ph_errf(err, PH_EIO, "%s: read failed", path);
        goto out;
    }
    if (len == VOICE_WAV_MAX) {
        rc =
            ph_errf(err, PH_EINPUT, "%s: longer than %d seconds of audio", path, VOICE_SECONDS_MAX);
        goto out;
    }
    rc = voice_wav_parse(buf, len, path, out, err);
out:
    free(buf);
    fclose(f);
    return rc;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

enum ph_rc voice_wav_write(const char *path, const struct voice_audio *a, struct ph_err *err)
{
    unsigned char h[44];
    FILE *f;
    uint32_t bytes = (uint32_t)(a->n * 2);
    int ok;

    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + bytes);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    h[20] = 1; /* PCM */
    h[21] = 0;
    h[22] = 1; /* mono */
    h[23] = 0;
    put32(h + 24, (uint32_t)a->rate);
    put32(h + 28, (uint32_t)a->rate * 2);
    h[32] = 2;
    h[33] = 0;
    h[34] = 16;
    h[35] = 0;
    memcpy(h + 36, "data", 4);
    put32(h + 40, bytes);
    f = fopen(path, "wb");
    if (f == NULL)
        return ph_errf(err, PH_EIO, "%s: %s", path, strerror(errno));
    ok = fwrite(h, 1, sizeof h, f) == sizeof h;
    for (size_t i = 0; ok && i < a->n; i++) {
        unsigned char s[2] = {(unsigned char)(a->s[i] & 0xff),
                              (unsigned char)((uint16_t)a->s[i] >> 8)};
        ok = fwrite(s, 1, 2, f) == 2;
    }
    if (fclose(f) != 0 || !ok)
        return ph_errf(err, PH_EIO, "%s: write failed", path);
    return PH_OK;
}

#ifdef PH_HAVE_POCKETSPHINX
/* Linear-interpolation resampling with a 3-tap smoothing first when going
 * down (espeak-ng's 22050 Hz has little energy above 8 kHz anyway).
 * Measured against the alternatives on the 33 synthesised tuning answers
 * (bank-model WER, default voice / klatt): this 0.39 / 0.23; a 48-tap
 * Blackman-windowed sinc low-passed at 7.6 kHz 0.45 / 0.27 (at 8 kHz 0.45);
 * no resampling, PocketSphinx at -samprate 22050 -nfft 1024, 0.44 / 0.27.
 * The acoustic model only looks at 130-6800 Hz, and what aliasing the 3-tap
 * filter lets through is not where the errors come from. */
static int16_t *resample(const struct voice_audio *a, size_t *n_out)
{
    double ratio = (double)a->rate / VOICE_ASR_RATE;
    size_t n = (size_t)((double)a->n / ratio);
    int16_t *o = malloc((n > 0 ? n : 1) * sizeof *o);

    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        double x = (double)i * ratio;
        size_t k = (size_t)x;
        double fr = x - (double)k;
        double s0 = a->s[k < a->n ? k : a->n - 1];
        double s1 = a->s[k + 1 < a->n ? k + 1 : a->n - 1];
        if (ratio > 1.0 && k > 0 && k + 1 < a->n)
            s0 = 0.25 * a->s[k - 1] + 0.5 * a->s[k] + 0.25 * a->s[k + 1];
        double v = s0 + (s1 - s0) * fr;
        o[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    *n_out = n;
    return o;
}

/* Add the noise floor in place; a fixed seed keeps transcripts reproducible. */
static void add_noise_floor(int16_t *s, size_t n)
{
    uint32_t x = 2463534242u;

    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        int v = s[i] + (int)(x % (2 * VOICE_NOISE_FLOOR + 1)) - VOICE_NOISE_FLOOR;
        s[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}
#endif

#ifdef PH_HAVE_POCKETSPHINX
/* A word of the transcript, not a filler: "<sil>", "<s>", "</s>", "[NOISE]", "++UH++". */
static int spoken_word(const char *w)
{
    return w != NULL && w[0] != '\0' && w[0] != '<' && w[0] != '[' && w[0] != '+';
}

/* Pauses between two words, in 10 ms frames, that become punctuation
 * (voice.h).  PYHARNESS_VOICE_PAUSES="SENTENCE,COMMA" overrides, to measure. */
static void pause_frames(int *sentence, int *comma)
{
    const char *e = getenv("PYHARNESS_VOICE_PAUSES");
    char *end;

    *sentence = VOICE_PAUSE_SENTENCE;
    *comma = VOICE_PAUSE_COMMA;
    if (e == NULL || *e == '\0')
        return;
    long a = strtol(e, &end, 10);
    if (end == e || *end != ',')
        return;
    const char *b0 = end + 1;
    long b = strtol(b0, &end, 10);
    if (end == b0 || *end != '\0' || a <= 0 || b <= 0 || a > 1000 || b > 1000)
        return;
    *sentence = (int)a;
    *comma = (int)b;
}

/* The best hypothesis of `ps` as text, with a pause of VOICE_PAUSE_SENTENCE
 * frames or more between two words written as ". " and one of
 * VOICE_PAUSE_COMMA as ", ".  NULL when out of memory. */
static char *punctuated_hyp(ps_decoder_t *ps)
{
    size_t cap = 256, n = 0;
    char *out = malloc(cap);
    int last_end = -1, sentence, comma;

    if (out == NULL)
        return NULL;
    out[0] = '\0';
    pause_frames(&sentence, &comma);
    for (ps_seg_t *seg = ps_seg_iter(ps); seg != NULL; seg = ps_seg_next(seg)) {
        const char *w = ps_seg_word(seg);
        int sf, ef;
        size_t wl;
        if (!spoken_word(w))
            continue;
        ps_seg_frames(seg, &sf, &ef);
        wl = strcspn(w, "("); /* "read(2)": the dictionary's second pronunciation */
        if (n + wl + 4 > cap) {
            char *nb;
            cap = (n + wl + 4) * 2;
            nb = realloc(out, cap);
            if (nb == NULL) {
                ps_seg_free(seg);
                free(out);
                return NULL;
            }
            out = nb;
        }
        if (n > 0) {
            int gap = sf - last_end - 1;
            if (gap >= sentence)
                out[n++] = '.';
            else if (gap >= comma)
                out[n++] = ',';
            out[n++] = ' ';
        }
        memcpy(out + n, w, wl);
        n += wl;
        out[n] = '\0';
        last_end = ef;
    }
    if (n > 0) {
        out[n++] = '.';
        out[n] = '\0';
    }
    return out;
}
#endif

enum ph_rc voice_transcribe(const struct voice_audio *a, const char *lm, const char *dict,
                            char **text, struct ph_err *err)
{
    *text = NULL;
#ifdef PH_HAVE_POCKETSPHINX
    cmd_ln_t *cfg = NULL;
    ps_decoder_t *ps = NULL;
    int16_t *pcm = NULL;
    size_t n = 0;
    const char *hyp;
    int32 score;
    enum ph_rc rc = PH_EIO;

    if (a->n == 0 || a->rate <= 0)
        return ph_errf(err, PH_EINPUT, "no audio to transcribe");
    if (asr_load(err) != 0)
        return PH_EUSAGE;
    if (a->rate == VOICE_ASR_RATE) {
        n = a->n;
        pcm = malloc(n * sizeof *pcm);
        if (pcm != NULL)
            memcpy(pcm, a->s, n * sizeof *pcm);
    } else {
        pcm = resample(a, &n);
    }
    if (pcm == NULL)
        return ph_errf(err, PH_ENOMEM, "out of memory");
    add_noise_floor(pcm, n);
    cfg = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", PH_SPHINX_MODELDIR "/en-us/en-us", "-lm",
                      lm != NULL ? lm : PH_SPHINX_MODELDIR "/en-us/en-us.lm.bin", "-dict",
                      dict != NULL ? dict : voice_general_dict(), "-logfn", "/dev/null", NULL);
    if (cfg == NULL) {
        rc = ph_errf(err, PH_EIO, "pocketsphinx: bad configuration (model in %s)",
                     PH_SPHINX_MODELDIR);
        goto out;
    }
    ps = ps_init(cfg);
    if (ps == NULL) {
        rc = ph_errf(err, PH_EIO,
                     "pocketsphinx: cannot load the recogniser (acoustic model in %s/en-us, "
                     "language model %s): is pocketsphinx-en-us installed?",
                     PH_SPHINX_MODELDIR, lm != NULL ? lm : "en-us.lm.bin");
        goto out;
    }
    if (ps_start_utt(ps) < 0 || ps_process_raw(ps, pcm, n, FALSE, TRUE) < 0 || ps_end_utt(ps) < 0) {
        rc = ph_errf(err, PH_EIO, "pocketsphinx: decoding failed");
        goto out;
    }
    hyp = ps_get_hyp(ps, &score);
    *text = hyp != NULL ? punctuated_hyp(ps) : strdup("");
    if (*text == NULL) {
        rc = ph_errf(err, PH_ENOMEM, "out of memory");
        goto out;
    }
    rc = PH_OK;
out:
    if (ps != NULL)
        ps_free(ps);
    if (cfg != NULL)
        cmd_ln_free_r(cfg);
    free(pcm);
    return rc;
#else
    (void)a;
    (void)lm;
    (void)dict;
    return ph_errf(err, PH_EUSAGE, "%s", voice_missing());
#endif
}

enum ph_rc voice_record(double max_seconds, volatile int *stop, struct voice_audio *out,
                        struct ph_err *err)
{
    memset(out, 0, sizeof *out);
#ifdef PH_HAVE_POCKETSPHINX
    ad_rec_t *ad;
    int16 buf[2048];
    size_t cap = 0, quiet = 0;
    int heard = 0;
    enum ph_rc rc = PH_EIO;

    if (asr_load(err) != 0)
        return PH_EUSAGE;
    ad = ad_open_sps(VOICE_ASR_RATE);
    if (ad == NULL)
        return ph_errf(err, PH_EIO, "no microphone (the default audio input cannot be opened)");
    if (ad_start_rec(ad) < 0) {
        rc = ph_errf(err, PH_EIO, "the microphone cannot start recording");
        goto out;
    }
    out->rate = VOICE_ASR_RATE;
    while ((double)out->n < max_seconds * VOICE_ASR_RATE && (stop == NULL || !*stop)) {
        int32 k = ad_read(ad, buf, (int32)(sizeof buf / sizeof buf[0]));
        double energy = 0;
        if (k < 0) {
            rc = ph_errf(err, PH_EIO, "the microphone stopped");
            goto out;
        }
        if (k == 0) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
            continue;
        }
        for (int32 i = 0; i < k; i++)
            energy += (double)buf[i] * buf[i];
        energy = sqrt(energy / k);
        /* Speech is well above a quiet room's ~100 RMS; 1.5 s below it ends. */
        if (energy > 500) {
            heard = 1;
            quiet = 0;
        } else if (heard) {
            quiet += (size_t)k;
        }
        if (append(out, &cap, buf, (size_t)k) != 0) {
            rc = ph_errf(err, PH_ENOMEM, "out of memory recording");
            goto out;
        }
        if (heard && quiet > VOICE_ASR_RATE * 3 / 2)
            break;
    }
    rc = PH_OK;
out:
    ad_close(ad);
    if (rc != PH_OK)
        voice_audio_free(out);
    return rc;
#else
    (void)max_seconds;
    (void)stop;
    return ph_errf(err, PH_EUSAGE, "%s", voice_missing());
#endif
}
