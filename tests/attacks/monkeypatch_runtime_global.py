"""Attack: forge: replace the runtime's reference to the C module with a fake."""
import types

import pyharness.harness as hh

fake = types.SimpleNamespace(measure_into=lambda label, repeat, fn, args, kwargs: fn(*args))
hh._pyharness = fake


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
