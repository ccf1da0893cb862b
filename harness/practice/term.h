/*
 * term.h - the terminal: raw mode, its size, keys, and buffered output.
 *
 * Raw mode is entered once per session and always left (term_leave is safe
 * to call twice and from a signal path through term_restore_now), so a
 * crash or Ctrl-C never leaves the learner's shell without echo.  Key
 * decoding is a pure function of the bytes read, for tests.  Owns the saved
 * termios state (file static: there is one controlling terminal).
 */
#ifndef PH_TERM_H
#define PH_TERM_H

#include <stddef.h>

/* Enter raw mode on fd 0 (no echo, no line buffering, no signals from
 * Ctrl-C, which arrives as a key).  0 on success, -1 when stdin is not a
 * terminal. */
int term_enter(void);

/* Back to the saved mode, cursor shown.  Safe to call when not entered. */
void term_leave(void);

/* Async-signal-safe restore for fatal signals. */
void term_restore_now(void);

/* Rows and columns of the terminal on fd 1 (80x24 when unknown). */
void term_size(int *rows, int *cols);

enum term_key_kind {
    TERM_KEY_TEXT, /* printable UTF-8 in key.text */
    TERM_KEY_ENTER,
    TERM_KEY_BACKSPACE,
    TERM_KEY_DELETE,
    TERM_KEY_LEFT,
    TERM_KEY_RIGHT,
    TERM_KEY_UP,
    TERM_KEY_DOWN,
    TERM_KEY_HOME,
    TERM_KEY_END,
    TERM_KEY_CTRL_C,
    TERM_KEY_CTRL_D,
    TERM_KEY_CTRL_R, /* record a spoken answer */
    TERM_KEY_ESC,
    TERM_KEY_OTHER, /* a sequence we do not use */
};

struct term_key {
    enum term_key_kind kind;
    char text[8];
    size_t len;
};

/*
 * Decode the first key of `buf[0..n)`.  Returns the bytes it used, or 0 when
 * the bytes are the start of a longer sequence that has not fully arrived
 * (read more, or after a short wait treat a lone ESC as TERM_KEY_ESC by
 * calling again with `final` set).
 */
size_t term_key_decode(const unsigned char *buf, size_t n, int final, struct term_key *key);

/* Output, buffered until term_flush(); capped (a screen is a few KiB). */
void term_puts(const char *s);
void term_putn(const char *s, size_t n);
void term_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void term_move(int row, int col); /* 1-based */
void term_flush(void);

#endif
