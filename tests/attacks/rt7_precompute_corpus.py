"""ATTACK: a slow top_words (the control's) that precomputes its answer off the
clock.  Through the caller frames' f_locals the submission wraps the worker's
request loop (_Worker.run); whenever a request carries a corpus (a list of
1,000 documents or more, then a list of stopwords), it computes the top 25
for it before the request runs.  Where a corpus reaches the worker in a
request before the timed one (red-team pass 6's precompute_corpus), the timed
call returns the answer at once; a timed request that carries its own input
pays for the precomputation on its own clock."""
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


_cache = {}


def _key(docs, k):
    if type(docs) is not list or len(docs) < 1000:
        return None
    return (len(docs), docs[0], docs[len(docs) // 2], docs[-1], k)


def _precompute(args):
    lists = [a for a in args if type(a) is list]
    for i, docs in enumerate(lists):
        if _key(docs, 25) is not None and i + 1 < len(lists):
            _cache[_key(docs, 25)] = _slow_top_words(docs, 25, lists[i + 1])


def _hook():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        f = e.__traceback__.tb_frame
    while f is not None:
        slf = f.f_locals.get("self")
        if type(slf).__name__ == "_Worker" and "run" not in vars(slf):
            real = slf.run

            def run(op, msg):
                try:
                    if "a" in msg:
                        _precompute(list(slf.decode(msg["a"])))
                except Exception:
                    pass
                return real(op, msg)

            slf.run = run
            return
        f = f.f_back


def top_words(docs, k, stopwords):
    _hook()
    key = _key(docs, k)
    if key is not None and key in _cache:
        return list(_cache[key])
    return _slow_top_words(docs, k, stopwords)
