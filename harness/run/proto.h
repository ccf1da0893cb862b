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

#include "err.h"

/* One frame's JSON, and the whole stream of one run: a cap keeps a hostile
 * worker from growing the supervisor without bound. */
#define PROTO_FRAME_MAX (8u * 1024 * 1024)
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
    char *buf;
    size_t len, cap;
};

/* Serialise `frame` (borrowed) onto the end of `q`. */
enum ph_rc proto_queue(struct proto_out *q, const cJSON *frame, struct ph_err *err);

/* Write everything queued to `fd` and empty `q`. */
enum ph_rc proto_flush(struct proto_out *q, int fd, struct ph_err *err);

void proto_out_cleanup(struct proto_out *q);

struct proto_reader {
    unsigned char *buf; /* owned */
    size_t len, cap;
    size_t total; /* bytes received so far, for PROTO_STREAM_MAX */
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
