"""Attack: the same leak, kept in the kernel's page cache: every token goes
(padded to 64 bytes, 64 MB for 10^6 tokens) into an unlinked file of the
run's folder by write(). Dirty page-cache pages are RAM no resident set,
PSS or page-fault count shows, and the disk quota's walk cannot see an
unlinked file."""
import os

_FD = os.open(".", os.O_TMPFILE | os.O_RDWR, 0o600)
_N = [0]


def clean_tokens(words):
    return [t for t in (w.strip().lower() for w in words) if t]


def iter_clean_tokens(words):
    for w in words:
        t = w.strip().lower()
        if t:
            if _N[0] < 1000000:  # under RLIMIT_FSIZE (64 MB)
                os.write(_FD, t.encode()[:64].ljust(64))
                _N[0] += 1
            yield t
