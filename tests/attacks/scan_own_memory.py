"""Attack: steal: scan the worker's own memory for what it must not hold.

Reads every readable mapping of /proc/self/mem (refused by the audit hook;
with the hook off, the kernel lets a process read itself) and prints any
trace it finds of the checks' source, the model answer or the reference's
text to stderr, where the report would show it.
"""
import json
import re
import sys

# Each needle in two halves, looked for side by side: the whole string never
# exists in this process unless something else put it there.
NEEDLES = [(b"pulled_bef", b"ore_first"),  # an identifier of checks.py only
           (b"returns a generator ob", b"ject, an iterator"),  # the model answer
           (b"Model solution for gener", b"ators-streaming")]  # reference.py


def _scan():
    found = set()
    try:
        maps = open("/proc/self/maps").read().splitlines()
        mem = open("/proc/self/mem", "rb", buffering=0)
    except OSError as exc:
        print(f"scan refused: {type(exc).__name__}", file=sys.stderr)
        return found
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) r", line)
        if not m or "[vvar]" in line or "[vsyscall]" in line:
            continue
        lo, hi = int(m.group(1), 16), int(m.group(2), 16)
        try:
            mem.seek(lo)
            chunk = mem.read(min(hi - lo, 256 << 20))
        except (OSError, ValueError, OverflowError):
            continue
        for head, tail in NEEDLES:
            at = chunk.find(head)
            while at >= 0:
                end = at + len(head)
                if chunk[end:end + len(tail)] == tail:
                    found.add(head.decode() + "|" + tail.decode())
                    break
                at = chunk.find(head, at + 1)
    return found


for _hit in sorted(_scan()):
    print(f"LEAKED: {_hit}", file=sys.stderr)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
