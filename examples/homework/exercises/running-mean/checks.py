"""Observation checks for running-mean."""
import collections
import itertools

from pyharness.checklib import CountingIterator, inside


@inside
def drain_means(sub, n):
    """Runs next to the submission: n items never cross the socket."""
    collections.deque(sub.running_mean(iter(range(n))), maxlen=0)


def check_basic(sub, h):
    return [round(x, 9) for x in sub.running_mean([2, 4, 6, 8, 1.5])]


def check_lazy(sub, h):
    src = CountingIterator(itertools.count(1))
    gen = sub.running_mean(src)
    before = src.pulled
    it = iter(gen)
    first = next(it)
    second = next(it)
    return {"before": before, "first": first, "second": second, "pulled_after_two": src.pulled}


def check_empty(sub, h):
    return list(sub.running_mean([]))


def check_memory_constant(sub, h):
    h.measure("n_1e3", drain_means, sub, 10**3)
    h.measure("n_1e5", drain_means, sub, 10**5)
    return None


def check_speed(sub, h):
    # CPU time: the code is single-threaded, and a neighbour's load moves its
    # wall time far more than its CPU time.  One run: five took a slow
    # student's check past its limit under ASan.
    h.measure("mean", drain_means, sub, 10**5)
    return None
