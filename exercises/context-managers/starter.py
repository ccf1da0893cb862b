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


# ---- how this exercise is graded (generated from exercise.json by tools/statements.py) ----
# Correctness (60 points) is the weighted share of these checks that pass; each is compared
# with the reference solution's behaviour:
#   - timer_measures (6.7 points, stopped after 20 s): with Timer() as t: a block that
#     sleeps 0.05 s leaves t.elapsed, a float in seconds, consistent with the wall time the
#     harness measured
#   - timer_exception (6.7 points, stopped after 20 s): when the block raises, the same
#     exception reaches the caller, t.elapsed is still set, and __exit__ returns a false
#     value
#   - timer_other_exits (2.2 points, stopped after 20 s): elapsed is set after break, return
#     and KeyboardInterrupt; exceptions of any type (also BaseException) propagate unchanged
#   - timer_independent (4.4 points, stopped after 20 s): two overlapping Timers each
#     measure their own block (0.04 s outer, 0.01 s inner), checked against the harness's
#     wall time
#   - temporary_basic (6.7 points, stopped after 20 s): temporary() applies the overrides to
#     the same dict for the block, binds that dict with `as`, and restores it afterwards
#     (new keys removed)
#   - temporary_exception (6.7 points, stopped after 20 s): when the block raises, the
#     settings are restored and the same exception reaches the caller
#   - temporary_nesting (6.7 points, stopped after 20 s): three nested levels restore each
#     outer level exactly, also when exceptions leave inner levels and are caught at
#     different depths
#   - temporary_none_vs_missing (4.4 points, stopped after 20 s): a key holding None is
#     restored to None, a key overridden to None that did not exist is removed; falsy
#     values, unchanged values and no overrides
#   - temporary_identity (4.4 points, stopped after 20 s): the caller's dict object is
#     mutated in place (never replaced) and restored values are the very same objects
#   - temporary_leaves_other_keys (4.4 points, stopped after 20 s): keys the block changes,
#     adds or deletes without overriding them stay as the block left them; only overridden
#     keys are restored
#   - temporary_restore_cost (4.4 points, stopped after 30 s): restore cost follows the
#     number of overrides, not the size of the dict: an enter/exit pair with two overrides
#     costs about the same on a large dict (40,000 to 150,000 keys, 200 pairs) as on a small
#     one (600 to 6,000 keys, 1,000 pairs), both sizes drawn anew for every grading
#   - temporary_speed (2.2 points, stopped after 45 s): 10^5 enter/exit pairs of temporary()
#     with two overrides on a dict of 300 to 1,500 keys (drawn for every grading): CPU time,
#     median of 3 runs, against the reference
# Performance (20 points), only once the check temporary_speed passes: CPU time of 10^5
# enter/exit pairs of temporary(), median of 3 runs; full marks at 2.50x slower than the
# reference or better, none at 6.67x slower or worse, linear in between.
# Explanation (20 points): your written answer to the exercise's question, scored against
# its rubric.
# ---- end of the grading terms ----
