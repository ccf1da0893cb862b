"""ATTACK: the same slow top_words, run in a forked child for each call.
The graded figure is cand.measure.corpus.cpu_ns: the worker's own CPU clock.
The child's CPU is not the worker's, so slow code scores as fast."""
import os
import pickle
import re


def _slow_top_words(docs, k, stopwords):
    stop = [s.lower() for s in stopwords]
    counts = {}
    for _ in range(8):  # deliberately slow: the whole job eight times
        counts = {}
        for doc in docs:
            for w in re.findall(r"[a-z']+", doc.lower()):
                if w in stop:  # list scan: slow
                    continue
                counts[w] = counts.get(w, 0) + 1
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:k] if k > 0 else []


def top_words(docs, k, stopwords):
    if len(docs) < 1000:
        return _slow_top_words(docs, k, stopwords)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        data = pickle.dumps(_slow_top_words(docs, k, stopwords))
        view = memoryview(data)
        while view:
            view = view[os.write(w, view):]
        os._exit(0)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 1 << 16)   # blocks: no CPU of the worker's
        if not b:
            break
        chunks.append(b)
    os.close(r)
    os.waitpid(pid, 0)
    return pickle.loads(b"".join(chunks))
