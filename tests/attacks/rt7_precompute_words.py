"""ATTACK: a slow clean_tokens (the control's) that cleans its input off the
clock.  Through the caller frames' f_locals the submission wraps the worker's
request loop (_Worker.run); after every request it looks at what the request
made (a namespace holding a list of 100,000 words or more, as the speed
check's word boxes did) and cleans that list at once, so the timed call on
it returns the answer it already has.  A timed request that draws its own
words finds nothing made ahead."""

_cache = {}


def _slow_clean(words):
    out = []
    for _ in range(8):  # deliberately slow: the whole job eight times
        out = [t for w in words if (t := w.strip().lower())]
    return out


def _look(result):
    words = getattr(result, "words", None)
    if type(words) is list and len(words) >= 100_000:
        _cache[id(words)] = (words, _slow_clean(words))


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
                result = real(op, msg)
                try:
                    _look(result)
                    for box in (result if type(result) is list else ()):
                        _look(box)
                except Exception:
                    pass
                return result

            slf.run = run
            return
        f = f.f_back


def clean_tokens(words):
    _hook()
    got = _cache.get(id(words))
    if got is not None and got[0] is words:
        return list(got[1])
    return _slow_clean(words)


def iter_clean_tokens(words):
    return (t for w in words if (t := w.strip().lower()))
