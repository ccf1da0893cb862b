/*
 * stt_http.h - transcription by an OpenAI-compatible endpoint
 * (POST .../audio/transcriptions, multipart/form-data, answer {"text": ...}),
 * as served by whisper.cpp's server, faster-whisper servers or OpenAI.
 *
 * Used instead of PocketSphinx when PYHARNESS_STT_URL is set: that setting
 * is the choice to send spoken answers to that server.  Plain HTTP only (a
 * server on this machine or the school's network); there is no TLS here.
 * Owns nothing between calls.
 */
#ifndef PH_STT_HTTP_H
#define PH_STT_HTTP_H

#include "err.h"
#include "voice.h"

/* 1 when PYHARNESS_STT_URL is set. */
int stt_http_configured(void);

/*
 * Send `a` as a WAV file to $PYHARNESS_STT_URL (the full endpoint URL, or a
 * base URL ending in /v1 to which /audio/transcriptions is added), with
 * model $PYHARNESS_STT_MODEL (default "whisper-1") and, when set, the
 * bearer token $PYHARNESS_STT_API_KEY.  *text is the transcript (caller
 * frees).  PH_ENET when the server cannot be reached or answers an error.
 */
enum ph_rc stt_http_transcribe(const struct voice_audio *a, char **text, struct ph_err *err);

#endif
