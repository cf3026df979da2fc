"""What the benchmarks share: the PostgreSQL database, app server, CPU accounting, percentiles.

Used by bench/rush.py and bench/board.py (see docs/benchmarks.md). Everything stays on
127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import math
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def database_url(db_name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{db_name}"


def app_env(db_name: str) -> dict[str, str]:
    """The environment the app server, migrate and the seeders run with: production-like, rate limits off."""
    env = dict(os.environ)
    env.pop("REDIS_URL", None)  # local-memory cache per worker process, as documented
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(db_name),
        LOKET_RATE_LIMITS="off",
        DEBUG="off",
        LOKET_DEV="on",
        LOKET_AVAILABILITY_CACHE_SECONDS="2",
        DB_CONN_MAX_AGE="60",
        PYTHONUNBUFFERED="1",
        # The benchmark's collectstatic goes here, not to var/static: WhiteNoise serves files
        # found there first, and the browser tests of a checkout would get yesterday's scripts.
        STATIC_ROOT=str(OUT / "static"),
    )
    return env


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database -------------------------------------------------------------------------------


def admin_connect() -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True)


def db_connect(db_name: str) -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=db_name, autocommit=True)


def recreate_database(db_name: str) -> None:
    with admin_connect() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db_name}")


def drop_database(db_name: str) -> None:
    with admin_connect() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


def migrate(db_name: str) -> None:
    """Migrate, and collect the static files as a deployment does (error pages use them)."""
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=app_env(db_name), check=True, timeout=300)


# --- app server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((PG_HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    log_path: Path


def start_app_server(
    workers: int, threads: int, db_name: str, probe_path: str, log_name: str = "app-server.log"
) -> Server:
    """The production app server (granian, as config/web.py runs it) on a free local port."""
    return start_server("granian", workers, threads, db_name, probe_path, log_name=log_name)


SERVERS = ("gunicorn", "granian", "uvicorn")


def server_command(kind: str, workers: int, threads: int, port: int) -> list[str]:
    """The app servers that fit Django, as compared in docs/benchmarks.md."""
    bin_dir = Path(sys.executable).parent
    if kind == "gunicorn":  # WSGI, gthread workers
        return [str(bin_dir / "gunicorn"), "config.wsgi:application", "--workers", str(workers), "--threads",
                str(threads), "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "--timeout", "60"]  # fmt: skip
    if kind == "granian":  # WSGI on a Rust HTTP server; Django runs in its blocking threads
        return [str(bin_dir / "granian"), "--interface", "wsgi", "config.wsgi:application", "--workers", str(workers),
                "--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port), "--no-ws"]  # fmt: skip
    if kind == "uvicorn":  # ASGI; Django's sync views run in a thread pool
        return [str(bin_dir / "uvicorn"), "config.asgi:application", "--workers", str(workers), "--host",
                "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    raise SystemExit(f"unknown app server {kind}")


def start_server(kind: str, workers: int, threads: int, db_name: str, probe_path: str, *, log_name: str = "") -> Server:
    """An app server on a free local port; returns once `probe_path` answers 200."""
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = OUT / (log_name or f"{kind}.log")
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            server_command(kind, workers, threads, port),
            cwd=ROOT,
            env=app_env(db_name),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{kind} exited with {process.returncode}; see {log_path}")
        try:
            if httpx.get(f"{server.base_url}{probe_path}", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"{kind} did not answer within 60 s; see {log_path}")


def stop_server(server: Server) -> None:
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)  # its own session: only the server and its workers
        server.process.wait(timeout=5)


# --- CPU accounting (reads /proc; Linux only) -------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, int, float] | None:
    """(command, parent pid, user+system CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


def wait_for_quiet(max_wait: float) -> float:
    """Wait (at most `max_wait` s) until other processes use < 15% of the machine; return that share."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + max_wait
    for attempt in range(1_000_000):
        before = machine_busy()
        time.sleep(2)
        share = (machine_busy() - before) / (2 * cores)
        if share < 0.15 or time.monotonic() >= deadline:
            break
        if attempt % 10 == 0:
            log(f"other processes keep {share:.0%} of the CPUs busy; waiting up to {max_wait:.0f} s for quiet")
    return share


def cpu_snapshot(server_pid: int, extra_pids: tuple[int, ...] = (), proxy_pid: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by app server (master + workers), all postgres processes, the
    processes in `extra_pids` ("extra"), the reverse proxy `proxy_pid` and its workers ("proxy")
    and the machine."""
    totals = {"server": 0.0, "postgres": 0.0, "extra": 0.0, "proxy": 0.0, "machine": machine_busy()}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        stat = _stat(pid)
        if stat is None:
            continue
        name, ppid, seconds = stat
        if int(pid) == server_pid or ppid == server_pid:
            totals["server"] += seconds
        elif proxy_pid is not None and proxy_pid in (int(pid), ppid):
            totals["proxy"] += seconds
        elif int(pid) in extra_pids:
            totals["extra"] += seconds
        elif name.startswith("postgres"):
            totals["postgres"] += seconds
    return totals


# --- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency_line(label: str, values: list[float]) -> str:
    return (
        f"  {label:<28} n={len(values):>5}  p50={percentile(values, 50):7.1f} ms  "
        f"p95={percentile(values, 95):7.1f} ms  p99={percentile(values, 99):7.1f} ms  "
        f"max={percentile(values, 100):7.1f} ms"
    )
