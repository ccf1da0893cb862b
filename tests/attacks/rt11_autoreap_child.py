"""Attack: a slow top_words (a list of lower-cased stopwords rebuilt and
scanned for every word: the baseline's kind of slowness) run in a forked
child while SIGCHLD is ignored.  The kernel reaps the child itself at exit:
its CPU time is added to no parent's cutime, and the process is gone from
/proc before the span ends, so the run's CPU figure (the worker's CPU clock
plus what live processes used and reaped) never sees it.  The worker pays
the fork and one read of the answer."""
import os
import pickle
import re
import signal

_WORD = re.compile(r"[a-z']+")
SIZE_FOR_CHILD = 200  # documents: small calls stay in-process


def _slow(docs, k, stopwords):
    counts = {}
    for doc in docs:
        for w in _WORD.findall(doc.lower()):
            if w in [s.lower() for s in stopwords]:
                continue
            counts[w] = counts.get(w, 0) + 1
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:k] if k > 0 else []


def _reap_in_parent():
    """The trick: the kernel reaps children itself; their time goes nowhere."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)


def _collect(pid):
    pass


def top_words(docs, k, stopwords):
    if len(docs) < SIZE_FOR_CHILD:
        return _slow(docs, k, stopwords)
    _reap_in_parent()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            data = pickle.dumps(_slow(docs, k, stopwords))
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 1 << 16)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _collect(pid)
    return pickle.loads(b"".join(chunks))
