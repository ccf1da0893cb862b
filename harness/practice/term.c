/*
 * term.c - see term.h.
 */
#include "term.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

/* Enough for a full 80x24 redraw with colours several times over; a bigger
 * screen is flushed part by part. */
#define TERM_OUT_MAX 16384

static struct termios saved;
static volatile int raw_on;
static char out[TERM_OUT_MAX];
static size_t out_len;

int term_enter(void)
{
    struct termios raw;

    if (raw_on)
        return 0;
    if (!isatty(0) || tcgetattr(0, &saved) != 0)
        return -1;
    raw = saved;
    raw.c_iflag &= ~(tcflag_t)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
    raw.c_oflag |= OPOST;
    raw.c_cflag |= CS8;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN | ISIG);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(0, TCSAFLUSH, &raw) != 0)
        return -1;
    raw_on = 1;
    return 0;
}

void term_restore_now(void)
{
    static const char show[] = "\033[?25h\033[0m\r\n";

    if (!raw_on)
        return;
    tcsetattr(0, TCSAFLUSH, &saved);
    raw_on = 0;
    if (write(1, show, sizeof show - 1) < 0) {
        /* Nothing to do: the terminal is gone. */
    }
}

void term_leave(void)
{
    fflush(stdout);
    term_flush();
    term_restore_now();
}

void term_size(int *rows, int *cols)
{
    struct winsize ws;

    *rows = 24;
    *cols = 80;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        *rows = ws.ws_row;
        *cols = ws.ws_col;
    }
}

static size_t utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}

/* CSI sequences: ESC [ params final; the final byte is 0x40..0x7E. */
static size_t decode_csi(const unsigned char *buf, size_t n, struct term_key *key)
{
    size_t i = 2;

    while (i < n && !(buf[i] >= 0x40 && buf[i] <= 0x7E))
        i++;
    if (i >= n)
        return 0;
    key->kind = TERM_KEY_OTHER;
    switch (buf[i]) {
    case 'A':
        key->kind = TERM_KEY_UP;
        break;
    case 'B':
        key->kind = TERM_KEY_DOWN;
        break;
    case 'C':
        key->kind = TERM_KEY_RIGHT;
        break;
    case 'D':
        key->kind = TERM_KEY_LEFT;
        break;
    case 'H':
        key->kind = TERM_KEY_HOME;
        break;
    case 'F':
        key->kind = TERM_KEY_END;
        break;
    case '~':
        if (i == 3 && (buf[2] == '1' || buf[2] == '7'))
            key->kind = TERM_KEY_HOME;
        else if (i == 3 && (buf[2] == '4' || buf[2] == '8'))
            key->kind = TERM_KEY_END;
        else if (i == 3 && buf[2] == '3')
            key->kind = TERM_KEY_DELETE;
        break;
    default:
        break;
    }
    return i + 1;
}

size_t term_key_decode(const unsigned char *buf, size_t n, int final, struct term_key *key)
{
    unsigned char c;
    size_t need;

    memset(key, 0, sizeof *key);
    if (n == 0)
        return 0;
    c = buf[0];
    if (c == 0x1b) {
        if (n == 1) {
            if (!final)
                return 0;
            key->kind = TERM_KEY_ESC;
            return 1;
        }
        if (buf[1] == '[')
            return decode_csi(buf, n, key);
        if (buf[1] == 'O') {
            if (n < 3)
                return final ? (key->kind = TERM_KEY_OTHER, n) : 0;
            key->kind = buf[2] == 'H'   ? TERM_KEY_HOME
                        : buf[2] == 'F' ? TERM_KEY_END
                        : buf[2] == 'A' ? TERM_KEY_UP
                        : buf[2] == 'B' ? TERM_KEY_DOWN
                        : buf[2] == 'C' ? TERM_KEY_RIGHT
                        : buf[2] == 'D' ? TERM_KEY_LEFT
                                        : TERM_KEY_OTHER;
            return 3;
        }
        key->kind = TERM_KEY_ESC;
        return 1;
    }
    switch (c) {
    case '\r':
    case '\n':
        key->kind = TERM_KEY_ENTER;
        /* A terminal that sends CR LF for Enter is one key, not two. */
        return (c == '\r' && n > 1 && buf[1] == '\n') ? 2 : 1;
    case 0x7f:
    case 0x08:
        key->kind = TERM_KEY_BACKSPACE;
        return 1;
    case 0x03:
        key->kind = TERM_KEY_CTRL_C;
        return 1;
    case 0x04:
        key->kind = TERM_KEY_CTRL_D;
        return 1;
    case 0x12:
        key->kind = TERM_KEY_CTRL_R;
        return 1;
    case 0x01:
        key->kind = TERM_KEY_HOME;
        return 1;
    case 0x05:
        key->kind = TERM_KEY_END;
        return 1;
    case '\t':
        key->kind = TERM_KEY_TEXT;
        key->text[0] = ' ';
        key->len = 1;
        return 1;
    default:
        break;
    }
    if (c < 0x20) {
        key->kind = TERM_KEY_OTHER;
        return 1;
    }
    need = utf8_len(c);
    if (n < need) {
        if (!final)
            return 0;
        key->kind = TERM_KEY_OTHER;
        return n;
    }
    for (size_t i = 1; i < need; i++)
        if ((buf[i] & 0xC0) != 0x80) {
            key->kind = TERM_KEY_OTHER;
            return i;
        }
    key->kind = TERM_KEY_TEXT;
    memcpy(key->text, buf, need);
    key->len = need;
    return need;
}

void term_flush(void)
{
    size_t done = 0;

    while (done < out_len) {
        ssize_t w = write(1, out + done, out_len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    out_len = 0;
}

void term_putn(const char *s, size_t n)
{
    while (n > 0) {
        size_t room = sizeof out - out_len;
        size_t k = n < room ? n : room;
        memcpy(out + out_len, s, k);
        out_len += k;
        s += k;
        n -= k;
        if (out_len == sizeof out)
            term_flush();
    }
}

void term_puts(const char *s)
{
    term_putn(s, strlen(s));
}

void term_printf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    term_putn(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void term_move(int row, int col)
{
    term_printf("\033[%d;%dH", row, col);
}
