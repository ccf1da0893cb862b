"""Attack: forge: a fake result frame on every fd."""
import json, os, struct
fake = json.dumps({"type": "check", "name": "batched_basic", "status": "passed", "verdict": "passed"}).encode()
frame = struct.pack("<I", len(fake)) + fake
done = json.dumps({"type": "done", "verdict": "passed"}).encode()
frame += struct.pack("<I", len(done)) + done
for fd in range(0, 64):
    try:
        os.write(fd, frame)
    except OSError:
        pass
os._exit(0)


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
