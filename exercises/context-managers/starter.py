"""Context managers: timing a block and temporarily overriding settings.

Implement both.  Neither may ever swallow an exception raised inside the
`with` block: it must reach the caller unchanged.
"""


class Timer:
    """Measure the wall-clock duration of a `with` block.

        with Timer() as t:
            train_one_epoch()
        print(t.elapsed)          # seconds, a float

    `with Timer() as t` binds the Timer itself.  When the block ends, however
    it ends (normally, by return/break, or by raising), `t.elapsed` holds the
    seconds spent in the block as a float (use a monotonic wall clock such as
    time.perf_counter(): a block that sleeps 0.05 s reports about 0.05).  An
    exception raised in the block propagates with its type: __exit__ returns a
    false value.  Two Timers in use at the same time do not interfere.
    """

    def __enter__(self):
        raise NotImplementedError

    def __exit__(self, exc_type, exc, tb):
        raise NotImplementedError


def temporary(settings, **overrides):
    """Context manager: apply `overrides` to the dict `settings` for the block.

        with temporary(config, lr=0.1, debug=True) as cfg:
            ...                   # config["lr"] == 0.1; cfg is config

    On entry, settings.update(overrides) is applied to the same dict object
    (it is mutated in place, never replaced) and `as` binds that same dict.
    On exit, however the block ends (also when it raises, and the exception
    still propagates), every overridden key gets back its previous value
    (the very same object), and keys that did not exist before are removed
    again.  A key that existed with the value None keeps the value None: "absent"
    and "None" are different states.  Uses nest: each level restores what
    the level outside it had.  Only the overridden keys are restored: a key
    that was not overridden but that the block changed, added or deleted
    stays as the block left it.  Restoring costs time proportional to the
    number of overrides, not to the size of `settings`.
    """
    raise NotImplementedError
