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

Test(dynbuf, formatted_and_string_appends_of_any_length)
{
    struct dynbuf b;
    struct ph_err err = {0};
    char longword[3000];

    memset(longword, 'w', sizeof longword - 1);
    longword[sizeof longword - 1] = '\0';
    dynbuf_init(&b, 1 << 16);
    cr_assert_eq(dynbuf_addf(&b, &err, "%d-%s", 42, "x"), PH_OK);
    cr_assert_eq(dynbuf_addstr(&b, "|", &err), PH_OK);
    /* Longer than the formatter's stack buffer: formatted whole, not cut. */
    cr_assert_eq(dynbuf_addf(&b, &err, "<%s>", longword), PH_OK);
    cr_assert_eq(b.len, 5 + sizeof longword - 1 + 2);
    cr_assert_eq(strncmp(b.buf, "42-x|<www", 9), 0);
    cr_assert_eq(b.buf[b.len - 1], '>');
    cr_assert_eq(dynbuf_failed(&b), PH_OK);
    dynbuf_free(&b);
}

Test(dynbuf, a_failed_append_stays_failed_until_reset)
{
    struct dynbuf b;
    struct ph_err err = {0};

    dynbuf_init(&b, 10);
    cr_assert_eq(dynbuf_addstr(&b, "12345", NULL), PH_OK);
    cr_assert_eq(dynbuf_addf(&b, NULL, "%s", "678901"), PH_ELIMIT);
    /* Later appends that would fit fail too: a caller checks once at the end. */
    cr_assert_eq(dynbuf_addstr(&b, "1", &err), PH_ELIMIT);
    cr_assert_str_eq(err.msg, "more than 10 bytes");
    cr_assert_eq(dynbuf_add_truncated(&b, "1", 1), 0);
    cr_assert_eq(dynbuf_failed(&b), PH_ELIMIT);
    cr_assert_null(b.buf);
    dynbuf_reset(&b);
    cr_assert_eq(dynbuf_failed(&b), PH_OK);
    cr_assert_eq(dynbuf_addstr(&b, "ok", NULL), PH_OK);
    cr_assert_str_eq(b.buf, "ok");
    /* A long formatted append past the cap is refused without formatting it. */
    char big[64];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cr_assert_eq(dynbuf_addf(&b, NULL, "%s%s%s%s%s", big, big, big, big, big), PH_ELIMIT);
    dynbuf_free(&b);
    cr_assert_eq(dynbuf_failed(&b), PH_OK);
}
