"""Control: a correct solution that keeps 800 MB of data alive (a bytearray
made at import): over the run's 512 MB memory limit."""
import resource
import sys

_HOARD = bytearray(800 * 2**20)
for _i in range(0, len(_HOARD), 4096):
    _HOARD[_i] = 1
print(f"held {len(_HOARD) >> 20} MiB in a bytearray", file=sys.stderr)


def clean_tokens(words):
    return [w.strip().lower() for w in words if w.strip()]


def iter_clean_tokens(words):
    for w in words:
        s = w.strip()
        if s:
            yield s.lower()
