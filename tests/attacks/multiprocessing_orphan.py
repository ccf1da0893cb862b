"""Attack: leave behind: an orphaned multiprocessing child."""
import multiprocessing, time


def _linger():
    time.sleep(3600)


if __name__ != "__main__":
    _p = multiprocessing.get_context("fork").Process(target=_linger)
    _p.start()


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
