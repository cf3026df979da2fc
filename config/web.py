"""Starts the app server: granian (WSGI), chosen by measurement (docs/benchmarks.md).

`python -m config.web` reads the settings from the environment and replaces itself with
granian, so signals reach granian directly (TERM: graceful stop within WEB_GRACEFUL_TIMEOUT).

    BIND                   host:port to listen on (127.0.0.1:8000)
    WEB_WORKERS            worker processes (1)
    WEB_THREADS            Django threads per worker (8)
    WEB_BACKLOG            listen backlog (2048)
    WEB_GRACEFUL_TIMEOUT   seconds a stopping worker may finish its requests (5)
    WEB_ACCESS_LOG         "on" for granian's own access log (Django logs one line per request)

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics into that folder and /metrics
sums them; the folder is emptied here, at start, so counts of an earlier run are not added in
(the files of a worker that died are dropped by /metrics itself, loket/ops/views.py).
"""

import os
import shutil
import sys
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name}: must be a whole number, not {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name}: must be at least 1, not {value}")
    return value


def command() -> list[str]:
    """The granian command line for the environment's settings."""
    bind = os.environ.get("BIND", "127.0.0.1:8000")
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise SystemExit(f"BIND: must be host:port, not {bind!r}")
    granian = str(Path(sys.executable).parent / "granian")
    args = [
        granian,
        "--interface", "wsgi",
        "--host", host.strip("[]"),
        "--port", port,
        "--workers", str(_int("WEB_WORKERS", 1)),
        "--blocking-threads", str(_int("WEB_THREADS", 8)),
        "--backlog", str(_int("WEB_BACKLOG", 2048)),
        "--workers-kill-timeout", str(_int("WEB_GRACEFUL_TIMEOUT", 5)),
        "--http", "1",
        "--no-ws",
        "--respawn-failed-workers",
    ]  # fmt: skip
    if os.environ.get("WEB_ACCESS_LOG", "").lower() in {"1", "on", "true", "yes"}:
        args.append("--access-log")
    return [*args, "config.wsgi:application"]


def main() -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)
    args = command()
    os.execv(args[0], args)  # noqa: S606 - our own venv's granian, arguments built above


if __name__ == "__main__":
    main()
