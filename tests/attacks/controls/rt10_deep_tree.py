# CONTROL: the same tree with 20-character names (paths under PATH_MAX).
# Was: ATTACK (d): a tree too deep for path-based cleanup.  20 nested folders with
# 250-character names (a path over PATH_MAX = 4096 bytes; only 20 levels, far
# below the quota walk's depth bound of 256, and the walk uses openat so it
# counts them) in the run's folder and in /dev/shm, each with a 1 MiB file at
# the bottom and a marker file.  Cleanup by nftw() with full paths fails
# with ENAMETOOLONG.  A correct solution otherwise.
import contextlib
import os
import sys
import time

NAME = "d" * 20  # short names: the whole path stays under PATH_MAX


def _deep(root):
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(20):
        os.mkdir(NAME, 0o777, dir_fd=fd)
        nfd = os.open(NAME, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    wfd = os.open("left_behind.bin", os.O_WRONLY | os.O_CREAT, 0o666, dir_fd=fd)
    os.write(wfd, b"\x5a" * (1 << 20))
    os.close(wfd)
    os.close(fd)


for _root in (os.getcwd(), "/dev/shm"):
    try:
        _deep(_root)
        print("deep_tree: made under", _root, file=sys.stderr)
    except OSError as e:
        print("deep_tree:", _root, e, file=sys.stderr)


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *a):
        self.elapsed = time.perf_counter() - self.t0
        return False


@contextlib.contextmanager
def temporary(settings, **overrides):
    missing = object()
    old = {k: settings.get(k, missing) for k in overrides}
    settings.update(overrides)
    try:
        yield settings
    finally:
        for k, v in old.items():
            if v is missing:
                settings.pop(k, None)
            else:
                settings[k] = v
