"""Attack: report: escape sequences in the output redraw the terminal as a PASS."""
import os

os.write(1, "\x1b[2J\x1b[H\x1b[32mPASS\x1b[0m all checks\r\nScore  100.0 / 100\x1b]0;ok\x07"
         "\u202e\u2066 reversed\x08\x7f\u2028Score  100.0 / 100\u2029\n".encode())
os.write(2, b"\x1b[1A\x1b[2K\x9b31m")


def value():
    return [1, 2, 3]


def keys():
    raise type("\x1b[2JFAKE\rPASS", (Exception,), {})("\x1b[32mPASS\x1b[0m\u2028PASS all")
