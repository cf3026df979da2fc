"""Starts Loket as it runs past one machine, on this one: granian app servers and a worker
sharing PostgreSQL and Redis, behind nginx from Debian with deploy/nginx/loket-proxy.conf.

Used by test_cluster.py. Every process runs in its own session so it (and only it) can be
stopped; every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from loket.core.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self, sig: int = signal.SIGTERM, *, wait: float = 15) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, sig)  # its own session: only this server and its workers
        try:
            self.popen.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


@dataclass
class Cluster:
    folder: Path
    env: dict[str, str]
    apps: list[tuple[Process, str]] = field(default_factory=list)  # (app server, base url)
    worker: Process | None = None
    events: Process | None = None  # manage.py booking_events: the application, bill and messages of bookings
    nginx: Process | None = None
    proxy: str = ""

    def start(self, processes: list[str], *, log_name: str) -> Process:
        log = self.folder / f"{log_name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                processes, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return Process(log_name, popen, log)

    def start_app(self, index: int) -> None:
        port = free_port()
        multiproc = self.folder / f"metrics-{index}"
        env = {**self.env, "BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(multiproc)}
        log = self.folder / f"app{index}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "config.web"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.apps.append((Process(f"app{index}", popen, log), f"http://127.0.0.1:{port}"))

    def start_nginx(self) -> None:
        assert NGINX
        port = free_port()
        upstreams = "\n".join(
            f"    server {url.removeprefix('http://')} max_fails=1 fail_timeout=10s;" for _p, url in self.apps
        )
        # nginx's workers drop root for "nobody": they must be able to write their temp and cache folders.
        self.folder.chmod(0o755)
        for name in ("client_body", "proxy_temp", "fastcgi_temp", "uwsgi_temp", "scgi_temp", "micro"):
            (self.folder / name).mkdir(exist_ok=True)
            (self.folder / name).chmod(0o777)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"""
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {self.folder}/nginx-access.log;
    client_body_temp_path {self.folder}/client_body;
    proxy_temp_path {self.folder}/proxy_temp;
    fastcgi_temp_path {self.folder}/fastcgi_temp;
    uwsgi_temp_path {self.folder}/uwsgi_temp;
    scgi_temp_path {self.folder}/scgi_temp;
    proxy_cache_path {self.folder}/micro levels=1 keys_zone=loket_micro:1m max_size=10m inactive=60s;
    upstream loket_app {{
{upstreams}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {ROOT}/deploy/nginx/loket-proxy.conf;
    }}
}}
"""
        )
        self.nginx = self.start([NGINX, "-p", str(self.folder), "-c", str(conf), "-g", "daemon off;"], log_name="nginx")
        self.proxy = f"http://127.0.0.1:{port}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for process, url in [*self.apps, *([(self.nginx, self.proxy)] if self.nginx else [])]:
            assert process is not None
            while True:
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited: {process.log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{url}/api/v1/offices", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} did not answer: {process.log.read_text()[-2000:]}")
                time.sleep(0.2)

    def stop(self) -> None:
        processes = [p for p in [self.nginx, self.worker, self.events, *(p for p, _u in self.apps)] if p is not None]
        for process in processes:  # all at once: each takes a few seconds to stop gracefully
            if process.popen.poll() is None:
                os.killpg(process.popen.pid, signal.SIGTERM)
        for process in processes:
            # The worker may be inside a task that retries a payment provider nobody runs here.
            process.stop(wait=3 if process is self.worker else 15)
