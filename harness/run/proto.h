/*
 * proto.h - the framing of messages from a worker to the supervisor.
 *
 * A frame is a 4-byte little-endian length followed by that many bytes of
 * JSON.  The worker writes frames from C only; the supervisor reads them with
 * a capped reader and treats anything malformed as a broken worker, never as
 * a result.  The message vocabulary is documented in worker.h.
 */
#ifndef PH_PROTO_H
#define PH_PROTO_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "dynbuf.h"
#include "err.h"

/* The frames a worker sends, in order (worker.h documents their fields). */
enum proto_frame_type {
    PROTO_FRAME_UNKNOWN, /* no "t", or one not below: a malformed stream */
    PROTO_FRAME_HELLO,
    PROTO_FRAME_IMPORT,
    PROTO_FRAME_BEGIN,
    PROTO_FRAME_CHECK,
    PROTO_FRAME_END,
};

/* How an import or a check went, as its frame's "status" says. */
enum proto_status {
    PROTO_STATUS_MISSING, /* no frame, or no valid "status" */
    PROTO_STATUS_OK,
    PROTO_STATUS_ERROR,
};

/* The message an exception raised by the sandbox's audit hook starts with
 * (sandbox_audit.c): a blocked operation, judged as a rejection. */
#define PROTO_BLOCKED_PREFIX "pyharness sandbox:"

/* The type of `frame` (borrowed, may be NULL). */
enum proto_frame_type proto_frame_type(const cJSON *frame);

/* "hello", "import", ...: the "t" of a frame of that type; static storage. */
const char *proto_frame_type_name(enum proto_frame_type t);

/* The "status" of an import or check frame (borrowed, may be NULL). */
enum proto_status proto_frame_status(const cJSON *frame);

/* "ok", "error": the "status" a frame carries for `s` (not
 * PROTO_STATUS_MISSING, which has none: NULL); static storage. */
const char *proto_status_name(enum proto_status s);

/* Set the "status" of `frame` (borrowed) to `s`, replacing any there: the
 * one way a frame writer spells a status.  0, or -1 out of memory. */
int proto_set_status(cJSON *frame, enum proto_status s);

/* 1 when an exception message is the sandbox's refusal of an operation. */
int proto_is_blocked(const char *message);

/* One frame's JSON, and the whole stream of one run: a cap keeps a hostile
 * worker from growing the supervisor without bound. */
#define PROTO_FRAME_MAX (8u * 1024 * 1024)
#define PROTO_HEADER_LEN 4 /* the little-endian length before each frame */
#define PROTO_STREAM_MAX (64u * 1024 * 1024)

/* Serialise `frame` (borrowed) and write it whole to `fd`, retrying on EINTR. */
enum ph_rc proto_write(int fd, const cJSON *frame, struct ph_err *err);

/*
 * Frames queued to go in one write.  Each write wakes the reader, so a
 * worker sends what it has only where the supervisor must know it (before
 * candidate code runs again), not frame by frame.  Zero-initialise; the
 * buffer is owned.
 */
struct proto_out {
    struct dynbuf b; /* capped at PROTO_STREAM_MAX once used */
};

/* Serialise `frame` (borrowed) onto the end of `q`. */
enum ph_rc proto_queue(struct proto_out *q, const cJSON *frame, struct ph_err *err);

/* Write everything queued to `fd` and empty `q`. */
enum ph_rc proto_flush(struct proto_out *q, int fd, struct ph_err *err);

void proto_out_cleanup(struct proto_out *q);

struct proto_reader {
    struct dynbuf b; /* bytes not yet forming a frame */
    size_t total;    /* bytes received so far, for PROTO_STREAM_MAX */
};

void proto_reader_init(struct proto_reader *r);
void proto_reader_cleanup(struct proto_reader *r);

/* Append received bytes.  PH_ELIMIT past PROTO_STREAM_MAX. */
enum ph_rc proto_reader_feed(struct proto_reader *r, const void *data, size_t n,
                             struct ph_err *err);

/*
 * Take the next complete frame.  Returns 1 and a new cJSON in *frame (caller
 * frees with cJSON_Delete), 0 when more bytes are needed, or -1 with `err`
 * set when the stream is malformed (oversized length, bad JSON, not an
 * object).
 */
int proto_reader_next(struct proto_reader *r, cJSON **frame, struct ph_err *err);

/* Bytes received but not yet forming a frame (a truncated tail at EOF). */
size_t proto_reader_pending(const struct proto_reader *r);

#endif
