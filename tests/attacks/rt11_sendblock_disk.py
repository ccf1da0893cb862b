"""Attack (b, f; hook on): the runner writes a request on a blocking socket;
one larger than the socket's buffer (the speed check's corpus, ~0.7 MB)
blocks it in write() until the worker reads, and its quota sampler is a
Python SIGALRM handler with SA_RESTART: the write is restarted, nothing is
weighed.  The submission serves the run with its own loop (a subclass of
pyharness.remote._Worker, see context-managers/import_takeover.py) that,
after answering the first big request, does not read the next one for 3 s:
600 MiB of files are written in the run's folder
(over its disk quota) meanwhile, then removed, and the loop reads on.  top_words itself is correct and fast."""
import os
import re
import sys
import threading
import time
from collections import Counter

_WORD = re.compile(r"[a-z']+")
HOLD_S = 3.0
CHILDREN = 6
MIB = 200


def top_words(docs, k, stopwords):
    stop = {s.lower() for s in stopwords}
    counts = Counter(w for d in docs for w in _WORD.findall(d.lower()) if w not in stop)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:k] if k > 0 else []


def _hog():
    """10 files of 60 MiB in the run's folder for 3 s, then removed."""
    names = []
    chunk = b"\x01" * (1 << 20)
    try:
        for i in range(10):
            name = "blob%d.bin" % i
            with open(name, "wb") as f:
                for _ in range(60):
                    f.write(chunk)
            names.append(name)
        os.write(2, b"DISK holding 600 MiB\n")
        time.sleep(HOLD_S)
    except BaseException as e:
        # A file system the size of the quota refuses the rest: hold what
        # it took (past the quota by its margin) for the same time.
        os.write(2, ("DISK failed %r, holding what was written\n" % (e,)).encode())
        names = [n for n in ("blob%d.bin" % i for i in range(10)) if os.path.exists(n)]
        time.sleep(HOLD_S)
    finally:
        for name in names:
            try:
                os.remove(name)
            except OSError:
                pass


def _takeover():
    import pyharness.remote as remote
    from pyharness.runtime import describe_exception

    class Worker(remote._Worker):
        hog_next = False
        hogged = False

        def read(self, timeout_s=None, call=None):
            if STALL and self.hog_next and not self.hogged:
                self.hogged = True
                _hog()  # not reading meanwhile: the runner is stuck in write()
            return super().read(timeout_s, call)

        def run(self, op, msg):
            if not STALL and self.hog_next and not self.hogged:
                self.hogged = True
                _hog()  # the request read: the runner waits for the reply, weighing
            value = super().run(op, msg)
            args = msg.get("a")
            if op == "inside" and type(args) is list and len(args) > 1 \
                    and type(args[1]) is list and len(args[1]) >= 1000:
                self.hog_next = True
            return value

    w = Worker(3, sys.modules[__name__], lambda e: describe_exception(e, "submission.py"),
               lambda: [])
    w.wire.send({"op": "ready", "callables": ["top_words"]})
    w.serve()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


STALL = True
_takeover()
