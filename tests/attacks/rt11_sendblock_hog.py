"""Attack (b, f; hook on): the runner writes a request on a blocking socket;
one larger than the socket's buffer (the speed check's corpus, ~0.7 MB)
blocks it in write() until the worker reads, and its quota sampler is a
Python SIGALRM handler with SA_RESTART: the write is restarted, nothing is
weighed.  The submission serves the run with its own loop (a subclass of
pyharness.remote._Worker, see context-managers/import_takeover.py) that,
after answering the first big request, does not read the next one for 3 s:
six children hold 6 x 200 MiB (1.2 GiB, over the 512 MiB limit) meanwhile,
then exit, and the loop reads on.  top_words itself is correct and fast."""
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
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            try:
                time.sleep(0.05)
                block = b"\x01" * (MIB << 20)
                os.write(2, b"HOG holding\n")
                time.sleep(HOLD_S)
                del block
            except BaseException as e:
                os.write(2, ("HOG failed %r\n" % (e,)).encode())
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)


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
