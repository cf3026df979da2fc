"""gunicorn settings, from the environment (`gunicorn -c config/gunicorn_conf.py config.wsgi`).

With PROMETHEUS_MULTIPROC_DIR set, each worker writes its metrics into that folder and /metrics
sums them: the folder is emptied when gunicorn starts, and a dead worker's files are retired.
"""

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "1"))
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "5"))
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))  # longer than nothing, shorter than nginx's upstream keepalive
backlog = int(os.environ.get("WEB_BACKLOG", "2048"))
# Django logs one line per request (logger loket.request, JSON in production, with the request id).
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
# gunicorn's control socket (one fixed path per user) would be shared by every server on a host;
# operators use signals (TERM: graceful stop, HUP: reload) instead.
control_socket_disable = True


def on_starting(server: Any) -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)  # counts of an earlier run must not be added in
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
