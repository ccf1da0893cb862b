/* Unit tests for dynbuf.c: the capped growable buffer. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"

Test(dynbuf, grows_and_keeps_a_terminating_nul)
{
    struct dynbuf b;
    struct ph_err err = {0};
    char chunk[5000];

    memset(chunk, 'a', sizeof chunk);
    dynbuf_init(&b, 1 << 20);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(dynbuf_add(&b, chunk, sizeof chunk, &err), PH_OK);
    cr_assert_eq(b.len, 50000);
    cr_assert_eq(b.buf[b.len], '\0');
    dynbuf_consume(&b, 49999);
    cr_assert_eq(b.len, 1);
    cr_assert_str_eq(b.buf, "a");
    dynbuf_free(&b);
}

Test(dynbuf, past_its_cap_it_refuses_and_frees)
{
    struct dynbuf b;
    struct ph_err err = {0};

    dynbuf_init(&b, 8);
    cr_assert_eq(dynbuf_add(&b, "12345678", 8, &err), PH_OK);
    cr_assert_eq(dynbuf_add(&b, "9", 1, &err), PH_ELIMIT);
    cr_assert_null(b.buf);
    cr_assert_eq(b.len, 0);
}

Test(dynbuf, truncated_adds_keep_what_fits)
{
    struct dynbuf b;
    size_t len;
    char *p;

    dynbuf_init(&b, 6);
    cr_assert_eq(dynbuf_add_truncated(&b, "abcd", 4), 4);
    cr_assert_eq(dynbuf_add_truncated(&b, "efgh", 4), 2);
    cr_assert_eq(dynbuf_add_truncated(&b, "ijkl", 4), 0);
    p = dynbuf_take(&b, &len);
    cr_assert_eq(len, 6);
    cr_assert_str_eq(p, "abcdef");
    cr_assert_null(b.buf);
    free(p);
}

Test(dynbuf, a_zeroed_buffer_has_the_default_cap)
{
    struct dynbuf b = {0};
    struct ph_err err = {0};

    cr_assert_eq(dynbuf_add(&b, "x", 1, &err), PH_OK);
    cr_assert_eq(b.max, 0);
    dynbuf_reset(&b);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.buf, "");
    dynbuf_free(&b);
    dynbuf_free(NULL);
}
