"""Attack: network: TCP to the test's loopback listener."""
import socket
for port in range(47123, 47131):
    s = socket.create_connection(("127.0.0.1", port), timeout=1)
    s.sendall(b"escaped")


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
