"""Observation checks for context-managers.

Each check_<name>(sub, h) calls the submission and returns plain data; the C
supervisor compares it with the reference's observation.  The checks run in
the check runner, outside the submission's process: `sub` is a proxy, and a
`with sub.Timer() as t:` block here enters and leaves the Timer in the
worker by two requests while the block itself (the sleeps) runs here, timed
by the runner.  temporary() mutates the caller's dict, which must live next
to the submission: those scenarios are `@inside` functions, shipped to the
worker and run there as one request each.  Durations reported by the
candidate's Timer are never compared with the reference's: they are left
out of the comparison ("ignore") and judged by rules against the known
sleep and the wall time the harness measured around the same block.
"""

import time

from pyharness.checklib import inside
from pyharness.remote import Remote

SLEEP_S = 0.05


class Boom(Exception):
    """The exception the checks raise inside `with` blocks."""


def _type_name(value):
    """The type's name of a value, also of one that stayed in the worker."""
    if type(value) is Remote:
        return value._tp
    return type(value).__name__


def _seconds(value):
    """The Timer's elapsed value as a number a rule can read (None when it is not one)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


# --------------------------------------------------------------------------- Timer

def check_timer_measures(sub, h):
    def timed_block():
        with sub.Timer() as t:
            time.sleep(SLEEP_S)
        return t

    t = h.measure("block", timed_block)
    elapsed = getattr(t, "elapsed", None)
    return {"elapsed_type": _type_name(elapsed), "elapsed_s": _seconds(elapsed)}


def check_timer_exception(sub, h):
    def raising_block():
        err = Boom("raised inside the block")
        t = None
        try:
            with sub.Timer() as t:
                time.sleep(SLEEP_S)
                raise err
        except BaseException as exc:  # what reached the caller is the observation
            return t, type(exc).__name__, exc is err
        return t, "no exception reached the caller", False

    t, seen, same_object = h.measure("raising_block", raising_block)
    elapsed = getattr(t, "elapsed", None)

    # __exit__ itself, called the way the with statement calls it.
    cm = sub.Timer()
    cm.__enter__()
    err = Boom("direct")
    try:
        suppresses = bool(cm.__exit__(Boom, err, err.__traceback__))
    except Boom:
        suppresses = False  # re-raising also lets the exception through
    return {
        "propagated": seen,
        "same_exception_object": same_object,
        "elapsed_type": _type_name(elapsed),
        "elapsed_s": _seconds(elapsed),
        "exit_suppresses": suppresses,
    }


def check_timer_other_exits(sub, h):
    seen = {}

    for _ in range(3):
        with sub.Timer() as t_break:
            break
    seen["break"] = _type_name(t_break.elapsed)

    def early_return():
        with sub.Timer() as t:
            return t
    seen["return"] = _type_name(early_return().elapsed)

    t_kbd = None
    try:
        with sub.Timer() as t_kbd:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        seen["keyboard_interrupt"] = "propagated"
    else:
        seen["keyboard_interrupt"] = "swallowed"
    seen["keyboard_interrupt_elapsed"] = _type_name(getattr(t_kbd, "elapsed", None))

    class Custom(LookupError):
        def __init__(self, code):
            super().__init__(code)
            self.code = code

    try:
        with sub.Timer():
            raise Custom(42)
    except LookupError as exc:
        seen["custom"] = [type(exc).__name__, getattr(exc, "code", None)]
    else:
        seen["custom"] = "swallowed"
    return seen


def check_timer_independent(sub, h):
    """Two overlapping Timers: the outer one spans 0.04 s of sleep, the inner one 0.01 s."""

    def overlapping():
        with sub.Timer() as outer:
            time.sleep(0.03)
            with sub.Timer() as inner:
                time.sleep(0.01)
        return outer, inner

    outer, inner = h.measure("overlapping", overlapping)
    return {
        "outer_s": _seconds(getattr(outer, "elapsed", None)),
        "inner_s": _seconds(getattr(inner, "elapsed", None)),
        "distinct_objects": outer is not inner,
    }


# --------------------------------------------------------------------------- temporary
#
# Each scenario runs in the worker (the settings dict is the submission's to
# mutate) and returns what it saw; the check returns that as its observation.
# Dicts are copied with dict(...) at each step: a plain copy of the state.


@inside
def temporary_basic(sub):
    settings = {"lr": 0.001, "batch_size": 32, "optimizer": "adam"}
    before = dict(settings)
    with sub.temporary(settings, lr=0.1, warmup_steps=100) as cfg:
        during = dict(settings)
        as_is_same_dict = cfg is settings
    return {"before": before, "inside": during, "as_binds_same_dict": as_is_same_dict,
            "after": dict(settings), "restored": settings == before,
            "added_key_removed": "warmup_steps" not in settings}


def check_temporary_basic(sub, h):
    return temporary_basic(sub)


@inside
def temporary_exception(sub):
    class Boom(Exception):
        pass

    settings = {"lr": 0.001, "epochs": 10}
    err = Boom("step failed")
    seen, same = "no exception reached the caller", False
    during = None
    try:
        with sub.temporary(settings, lr=1.0, debug=True):
            during = dict(settings)
            raise err
    except BaseException as exc:
        seen, same = type(exc).__name__, exc is err
    return {"inside": during, "propagated": seen, "same_exception_object": same,
            "after": dict(settings)}


def check_temporary_exception(sub, h):
    return temporary_exception(sub)


@inside
def temporary_nesting(sub, v):
    class Boom(Exception):
        pass

    s = {"lr": v[0], "batch_size": 32, "precision": "fp32"}
    trace = []
    with sub.temporary(s, lr=v[1], debug=True):
        trace.append(["level1 in", dict(s)])
        with sub.temporary(s, lr=v[2], batch_size=8, seed=v[3]):
            trace.append(["level2 in", dict(s)])
            with sub.temporary(s, debug=False, seed=2, precision="bf16", extra="x"):
                trace.append(["level3 in", dict(s)])
            trace.append(["level2 after 3", dict(s)])
        trace.append(["level1 after 2", dict(s)])
    trace.append(["outside", dict(s)])

    # Exceptions raised in inner levels, caught at different depths.
    seen = []
    with sub.temporary(s, lr=0.5):
        try:
            with sub.temporary(s, lr=0.6, tmp=1):
                with sub.temporary(s, lr=0.7, tmp=2, other=3):
                    raise Boom("deep")
        except Boom:
            seen.append(["caught at level1", dict(s)])
        try:
            with sub.temporary(s, batch_size=1):
                try:
                    with sub.temporary(s, batch_size=2, tmp=9):
                        raise ValueError("inner")
                except ValueError:
                    seen.append(["caught at level2", dict(s)])
                raise KeyError("middle")
        except KeyError:
            seen.append(["caught at level1 again", dict(s)])
    seen.append(["outside", dict(s)])
    return {"trace": trace, "exceptions": seen}


def check_temporary_nesting(sub, h):
    return temporary_nesting(sub, _values(h, "nesting"))


@inside
def temporary_none_vs_missing(sub, v):
    s = {"scheduler": None, "lr": v[0], "steps": 0, "name": "", "flag": False}
    out = {}
    with sub.temporary(s, scheduler="cosine", warmup=None):
        out["inside"] = dict(s)
        out["warmup_present_inside"] = "warmup" in s
    out["after"] = dict(s)
    out["scheduler_present_after"] = "scheduler" in s
    out["warmup_present_after"] = "warmup" in s

    with sub.temporary(s, steps=5, name="run", flag=True, lr=None):
        out["falsy_inside"] = dict(s)
    out["falsy_after"] = dict(s)

    with sub.temporary(s, lr=v[0]):  # the same value it already had
        pass
    with sub.temporary(s):  # no overrides at all
        out["no_overrides_inside"] = dict(s)
    out["final"] = dict(s)
    return out


def check_temporary_none_vs_missing(sub, h):
    return temporary_none_vs_missing(sub, _values(h, "none_vs_missing"))


@inside
def temporary_identity(sub, v):
    layers = [512, 256, v[3]]
    schedule = {"kind": "step", "every": 10}
    settings = {"layers": layers, "schedule": schedule, "lr": v[0]}
    alias = settings
    with sub.temporary(settings, layers=[64], schedule=None, new=[1, 2]) as cfg:
        during = {
            "as_binds_same_dict": cfg is settings,
            "caller_dict_mutated": settings.get("layers") == [64] and "new" in settings,
            "alias_sees_override": alias.get("layers") == [64],
        }
        settings["layers"].append(32)  # the block mutates the override value...
        settings["layers"] = [8]  # ...and rebinds an overridden key itself
    return {
        "inside": during,
        "layers_is_same_object": settings.get("layers") is layers,
        "schedule_is_same_object": settings.get("schedule") is schedule,
        "layers_value": settings.get("layers"),
        "layers_unchanged": layers == [512, 256, v[3]],
        "keys": sorted(settings),
    }


def check_temporary_identity(sub, h):
    return temporary_identity(sub, _values(h, "identity"))


@inside
def temporary_leaves_other_keys(sub, v):
    s = {"lr": v[0], "epochs": v[3], "name": "base", "seed": 1}
    with sub.temporary(s, lr=v[1], debug=True):
        s["epochs"] = v[3] + 10  # changed inside, not overridden
        s["added_inside"] = "kept"  # a new key the block adds
        del s["name"]  # a key the block removes
    after = dict(s)
    with sub.temporary(s, seed=2):
        s["epochs"] = 30
    return {"after": after, "after_second": dict(s)}


def check_temporary_leaves_other_keys(sub, h):
    """Keys the block changes but that were not overridden stay as the block left them."""
    return temporary_leaves_other_keys(sub, _values(h, "leaves_other_keys"))


def _values(h, salt):
    """Values for a hidden scenario drawn from the grading's seed (three
    floats, one whole number), so that its observation cannot be known in
    advance: the same for the reference and the candidate."""
    rng = h.rng(salt)
    return [round(rng.uniform(1e-4, 1e-1), 6), round(rng.uniform(0.2, 2.0), 4),
            round(rng.uniform(2.0, 9.0), 3), rng.randrange(2, 1000)]


# Enter/exit pairs per timed run: more on the small dict, where a copy is
# cheap, so that copying it shows above the clock's noise (the rules scale
# by the ratio, 5).
RESTORE_PAIRS = {"keys_small": 1_000, "keys_large": 200}
# The two dict sizes are drawn per grading, log-uniformly from these ranges:
# a temporary() that tells the timed dicts apart by a fixed size cannot know
# which sizes this grading uses (red team 10's shape_copy).
RESTORE_SMALL = (600, 6_000)
RESTORE_LARGE = (40_000, 150_000)


def _log_uniform(rng, low, high):
    import math

    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


def restore_sizes(h):
    """(small, large): the dict sizes of this grading, the same for the
    reference and the candidate."""
    rng = h.rng("restore-sizes")
    return _log_uniform(rng, *RESTORE_SMALL), _log_uniform(rng, *RESTORE_LARGE)


@inside
def settings_of_size(size, seed):
    """A settings dict of `size` keys drawn from `seed`, made in the worker,
    behind a handle (a holder object, so the dict stays there instead of
    crossing by value), with the names of one existing key and one new key
    to override: unknown to the submission before the check draws them.
    `tag` names the keys (`param_<tag>_<i>`), so that a timed request can
    name its own keys to override."""
    import random
    import types

    rng = random.Random(seed)
    tag = rng.getrandbits(32)
    settings = {f"param_{tag:x}_{i}": rng.random() for i in range(size)}
    return types.SimpleNamespace(settings=settings, tag=tag,
                                 key=f"param_{tag:x}_{rng.randrange(size)}",
                                 new_key=f"flag_{rng.getrandbits(32):x}")


def _seed(h, salt):
    return h.rng(salt).getrandbits(64)


@inside
def restore_pairs(sub, holder, pick, flag, pairs):
    """The timed loop; returns the dict's size after it and how many blocks
    saw both overrides (a temporary() that skips big dicts gains nothing).
    Which existing key and which new key are overridden arrive with this
    request (`pick`, `flag`, drawn by the runner), so the block's work is not
    known before its clock starts; only the dict, which must exist at its
    size before the span for the span to time the restore and not the build,
    was made ahead."""
    settings = holder.settings
    key, new_key = f"param_{holder.tag:x}_{pick % len(settings)}", f"flag_{flag:x}"
    overrides = {key: 0.5, new_key: True}
    saw = 0
    for _ in range(pairs):
        with sub.temporary(settings, **overrides):
            saw += settings.get(key) == 0.5 and settings.get(new_key) is True
    return [len(settings), saw]


def check_temporary_restore_cost(sub, h):
    """Enter/exit cost with two overrides on a small dict (600-6,000 keys,
    1,000 pairs) and a large one (40,000-150,000 keys, 200 pairs), both sizes
    drawn per grading: the cost per pair must not grow with the size, nor
    shrink (a copy made only below some size).

    CPU time of the worker, read by the runner from the worker's CPU clock
    once the request is answered (exact from outside, and blind to waiting
    for a core: the wall time of a sub-millisecond request on a loaded
    machine is mostly scheduling), median of 3 runs each on a dict of its
    own drawn from the grading's seed, made in the worker before the timed
    requests (the keys to override travel in the timed request): a restore
    that copies or rebuilds the whole dict costs 100 times more on the large
    one."""

    def make(size, pairs):
        def fresh(run):
            rng = h.rng(f"restore-keys-{size}-{run}")
            return (sub, settings_of_size(size, _seed(h, f"restore-{size}-{run}")),
                    rng.randrange(size), rng.getrandbits(32), pairs)
        return fresh

    sizes, saw = [], []
    for label, size in zip(("keys_small", "keys_large"), restore_sizes(h)):
        after, blocks = h.measure(label, restore_pairs, repeat=3,
                                  fresh=make(size, RESTORE_PAIRS[label]))
        sizes.append(after)
        saw.append(blocks)
    return {"sizes_after": sizes, "blocks_that_saw_the_overrides": saw}


SPEED_PAIRS = 10**5
SPEED_SIZES = (300, 1_500)  # the speed check's dict size, drawn per grading (log-uniform)


@inside
def enter_exit(sub, size, seed, pairs):
    """The timed loop, on a dict of `size` keys drawn here from `seed` (the
    request carries its own input: nothing of it is in the worker before the
    clock starts; a 500-key dict costs well under a millisecond to make, next
    to the pairs' hundred or more); returns whether the dict is back as it
    was and how many blocks saw both overrides (the work cannot be skipped
    for a faster time)."""
    holder = settings_of_size(size, seed)
    settings, key, new_key = holder.settings, holder.key, holder.new_key
    overrides = {key: 0.5, new_key: True}
    before = dict(settings)
    saw = 0
    for _ in range(pairs):
        with sub.temporary(settings, **overrides):
            saw += settings.get(key) == 0.5 and settings.get(new_key) is True
    return [settings == before, saw]


def check_temporary_speed(sub, h):
    """10^5 enter/exit pairs on a config of 300-1,500 keys (drawn per grading)
    with two overrides (one new key).

    CPU time (single-threaded code), median of 3 runs, each on a dict of its
    own drawn from the grading's seed (keys, values and which key is
    overridden) inside the timed request."""

    size = _log_uniform(h.rng("speed-size"), *SPEED_SIZES)

    def fresh(run):
        return (sub, size, _seed(h, f"speed-{run}"), SPEED_PAIRS)

    restored, saw = h.measure("enter_exit_1e5", enter_exit, repeat=3, fresh=fresh)
    return {"restored": restored, "blocks_that_saw_the_overrides": saw}
