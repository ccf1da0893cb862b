/* Unit tests for proto.c: frames between worker and supervisor. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto.h"

Test(proto, round_trip_through_a_pipe)
{
    int p[2];
    cJSON *f = cJSON_CreateObject(), *got = NULL;
    struct proto_reader r;
    struct ph_err err = {0};
    char buf[4096];
    ssize_t n;

    cr_assert_eq(pipe(p), 0);
    cJSON_AddStringToObject(f, "t", "hello");
    cr_assert_eq(proto_write(p[1], f, &err), PH_OK);
    cr_assert_eq(proto_write(p[1], f, &err), PH_OK);
    close(p[1]);
    proto_reader_init(&r);
    n = read(p[0], buf, sizeof buf);
    cr_assert_gt(n, 8);
    /* Feed a byte at a time: frames may arrive split anywhere. */
    for (ssize_t i = 0; i < n; i++) {
        cr_assert_eq(proto_reader_feed(&r, buf + i, 1, &err), PH_OK);
        if (i < n / 2 - 1)
            cr_assert_eq(proto_reader_next(&r, &got, &err), 0);
    }
    cr_assert_eq(proto_reader_next(&r, &got, &err), 1);
    cr_assert_str_eq(cJSON_GetObjectItem(got, "t")->valuestring, "hello");
    cJSON_Delete(got);
    cr_assert_eq(proto_reader_next(&r, &got, &err), 1);
    cJSON_Delete(got);
    cr_assert_eq(proto_reader_next(&r, &got, &err), 0);
    cr_assert_eq(proto_reader_pending(&r), 0);
    proto_reader_cleanup(&r);
    cJSON_Delete(f);
    close(p[0]);
}

/* Queued frames arrive whole and in order, and the queue can be reused;
 * a buffer that must grow keeps what it held. */
Test(proto, queued_frames_arrive_in_order)
{
    int p[2];
    struct proto_out q = {0};
    struct proto_reader r;
    struct ph_err err = {0};
    cJSON *f = cJSON_CreateObject(), *got = NULL;
    char *big = malloc(10000), buf[32768];
    ssize_t n;

    cr_assert_eq(pipe(p), 0);
    memset(big, 'x', 9999);
    big[9999] = '\0';
    cJSON_AddStringToObject(f, "t", "a");
    cr_assert_eq(proto_queue(&q, f, &err), PH_OK);
    cJSON_AddStringToObject(f, "pad", big);
    cr_assert_eq(proto_queue(&q, f, &err), PH_OK);
    cr_assert_eq(proto_flush(&q, p[1], &err), PH_OK);
    cr_assert_eq(q.b.len, 0);
    cr_assert_eq(proto_flush(&q, p[1], &err), PH_OK); /* nothing queued: no write */
    close(p[1]);
    n = read(p[0], buf, sizeof buf);
    cr_assert_gt(n, 10000);
    proto_reader_init(&r);
    cr_assert_eq(proto_reader_feed(&r, buf, (size_t)n, &err), PH_OK);
    cr_assert_eq(proto_reader_next(&r, &got, &err), 1);
    cr_assert_null(cJSON_GetObjectItem(got, "pad"));
    cJSON_Delete(got);
    cr_assert_eq(proto_reader_next(&r, &got, &err), 1);
    cr_assert_eq(strlen(cJSON_GetObjectItem(got, "pad")->valuestring), 9999);
    cJSON_Delete(got);
    cr_assert_eq(read(p[0], buf, sizeof buf), 0);
    proto_reader_cleanup(&r);
    proto_out_cleanup(&q);
    cJSON_Delete(f);
    free(big);
    close(p[0]);
}

Test(proto, oversized_length_is_rejected)
{
    struct proto_reader r;
    struct ph_err err = {0};
    unsigned char hdr[4] = {0xff, 0xff, 0xff, 0x7f};
    cJSON *got = NULL;

    proto_reader_init(&r);
    cr_assert_eq(proto_reader_feed(&r, hdr, 4, &err), PH_OK);
    cr_assert_eq(proto_reader_next(&r, &got, &err), -1);
    cr_assert(strstr(err.msg, "frame length") != NULL);
    proto_reader_cleanup(&r);
}

Test(proto, garbage_and_non_objects_are_rejected)
{
    struct proto_reader r;
    struct ph_err err = {0};
    unsigned char frame[] = {3, 0, 0, 0, '[', '1', ']'};
    unsigned char junk[] = {4, 0, 0, 0, 'n', 'o', 'p', 'e'};
    cJSON *got = NULL;

    proto_reader_init(&r);
    proto_reader_feed(&r, frame, sizeof frame, &err);
    cr_assert_eq(proto_reader_next(&r, &got, &err), -1);
    proto_reader_cleanup(&r);
    proto_reader_init(&r);
    ph_err_clear(&err);
    proto_reader_feed(&r, junk, sizeof junk, &err);
    cr_assert_eq(proto_reader_next(&r, &got, &err), -1);
    proto_reader_cleanup(&r);
}

Test(proto, truncated_tail_is_pending)
{
    struct proto_reader r;
    struct ph_err err = {0};
    unsigned char part[] = {10, 0, 0, 0, '{', '"'};
    cJSON *got = NULL;

    proto_reader_init(&r);
    proto_reader_feed(&r, part, sizeof part, &err);
    cr_assert_eq(proto_reader_next(&r, &got, &err), 0);
    cr_assert_eq(proto_reader_pending(&r), sizeof part);
    proto_reader_cleanup(&r);
}

Test(proto, stream_cap)
{
    struct proto_reader r;
    struct ph_err err = {0};
    static char big[1 << 20];

    proto_reader_init(&r);
    for (int i = 0; i < 64; i++)
        cr_assert_eq(proto_reader_feed(&r, big, sizeof big, &err), PH_OK);
    cr_assert_eq(proto_reader_feed(&r, big, 1, &err), PH_ELIMIT);
    proto_reader_cleanup(&r);
}

Test(proto, a_status_set_by_a_writer_reads_back_as_the_same_enum)
{
    cJSON *f = cJSON_CreateObject();

    cr_assert_eq(proto_frame_status(f), PROTO_STATUS_MISSING);
    cr_assert_eq(proto_set_status(f, PROTO_STATUS_OK), 0);
    cr_assert_eq(proto_frame_status(f), PROTO_STATUS_OK);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(f, "status")->valuestring, "ok");
    /* a second set replaces the first: one "status" per frame */
    cr_assert_eq(proto_set_status(f, PROTO_STATUS_ERROR), 0);
    cr_assert_eq(proto_frame_status(f), PROTO_STATUS_ERROR);
    cr_assert_str_eq(proto_status_name(PROTO_STATUS_ERROR), "error");
    cr_assert_eq(cJSON_GetArraySize(f), 1);
    cr_assert_null(proto_status_name(PROTO_STATUS_MISSING));
    cJSON_Delete(f);
}
