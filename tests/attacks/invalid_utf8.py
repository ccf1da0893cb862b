"""Attack: report: invalid UTF-8 in the output must not break the JSON report."""
import os
import sys

os.write(1, b"\xff\xfe broken \xc3\x28 \xed\xa0\x80 \x00 nul\n")
os.write(2, b"\x80\x81 stderr\n")


def value():
    sys.stdout.buffer.write(b"\xf8\x88\x80\x80\x80\n")
    sys.stdout.flush()
    return [1, 2, 3]


def keys():
    raise ValueError("\udcff lone surrogate")
