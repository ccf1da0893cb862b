"""Control: the child is waited for (its CPU is reaped into the worker's).

Was: Attack (hook on): clean_tokens on a big list runs in a forked child
while SIGCHLD is ignored (auto-reaped: its CPU is counted nowhere); the
parent only unpickles the answer.  A deliberately slow cleaning (each token
cleaned three times) is used, to show the slowness disappears."""
import os
import pickle
import signal

BIG = 50000


def _slow_clean(words):
    out = []
    for w in words:
        t = w.strip().lower()
        t = t.strip().lower()
        t = t.strip().lower()
        if t:
            out.append(t)
    return out


def _reap_setup():
    pass


def _collect(pid):
    os.waitpid(pid, 0)


def clean_tokens(words):
    if type(words) is not list or len(words) < BIG:
        return _slow_clean(words)
    _reap_setup()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            data = pickle.dumps(_slow_clean(words), protocol=5)
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 1 << 20)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _collect(pid)
    return pickle.loads(b"".join(chunks))


def iter_clean_tokens(words):
    for w in words:
        t = w.strip().lower()
        if t:
            yield t
