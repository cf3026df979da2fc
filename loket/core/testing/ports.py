"""A free local TCP port for a server a test starts (gunicorn, nginx, a PostgreSQL replica)."""

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
