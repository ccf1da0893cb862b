"""Attack: network: name resolution."""
import socket
print(socket.getaddrinfo("example.com", 80))


def batched(iterable, size):
    """Deliberately wrong: an attack must never be graded as passing."""
    return [[0]]


def read_jsonl(path):
    return iter(())
