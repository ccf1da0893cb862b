# ATTACK (b)/(f): 1.5 GiB kept by the run under its 512 MB memory limit, in
# System V shared memory (the run's private IPC namespace), filled at import
# 32 MiB at a time and detached after each chunk: in no process's RSS/PSS, not
# in /dev/shm, not an open file.  The solution itself is the honest one.
# Needs ctypes (audit hook off).
import ctypes

_libc = ctypes.CDLL(None, use_errno=True)
_libc.shmat.restype = ctypes.c_void_p
_libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
_libc.shmdt.argtypes = [ctypes.c_void_p]
_libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
CHUNK = 32 << 20
TOTAL = 1536 << 20
_ids = []
for _ in range(TOTAL // CHUNK):
    sid = _libc.shmget(0, CHUNK, 0o1000 | 0o600)
    if sid < 0:
        raise OSError(ctypes.get_errno(), "shmget")
    addr = _libc.shmat(sid, None, 0)
    ctypes.memset(addr, 0x5A, CHUNK)
    _libc.shmdt(ctypes.c_void_p(addr))
    _ids.append(sid)
# Proof that the pages are there: read one byte back from every segment.
_check = 0
for sid in _ids:
    addr = _libc.shmat(sid, None, 0)
    _check += ctypes.c_ubyte.from_address(addr + CHUNK - 1).value
    _libc.shmdt(ctypes.c_void_p(addr))
import sys
print(f"sysv_hoard: {len(_ids)} segments, {len(_ids) * CHUNK >> 20} MiB held, check {_check}", file=sys.stderr)


def clean_tokens(words):
    return [t for t in map(str.lower, map(str.strip, words)) if t]


def iter_clean_tokens(words):
    return (t for t in map(str.lower, map(str.strip, words)) if t)
