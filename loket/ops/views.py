"""GET /metrics for Prometheus: the request counts of every app server worker and the database reading."""

import ipaddress
import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from loket.ops.collectors import DatabaseCollector


def _allowed(request: HttpRequest) -> bool:
    """A Bearer token equal to LOKET_METRICS_TOKEN, or a direct peer in LOKET_METRICS_ALLOWED_IPS.

    REMOTE_ADDR is the connection's peer. X-Forwarded-For is not read here: behind nginx every
    peer is nginx, which is why the proxy refuses /metrics from outside (deploy/nginx).
    """
    token = settings.LOKET_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and secrets.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.LOKET_METRICS_ALLOWED_IPS:
        try:
            if peer in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


_PID_IN_NAME = re.compile(r"_(\d+)\.db$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def retire_dead_workers(folder: str) -> list[int]:
    """Drops the live gauges of workers that are gone (a worker the app server replaced).

    Counters and histograms of a dead worker stay: what it counted still happened. The app
    server has no hook for a worker's death that runs our code, so the scrape does it.
    """
    pids = {int(m.group(1)) for f in Path(folder).glob("*.db") if (m := _PID_IN_NAME.search(f.name))}
    dead = sorted(pid for pid in pids if not _alive(pid))
    for pid in dead:
        multiprocess.mark_process_dead(pid, folder)
    return dead


def _app_metrics() -> bytes:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        retire_dead_workers(folder)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return HttpResponse(_app_metrics() + generate_latest(database), content_type=CONTENT_TYPE_LATEST)
