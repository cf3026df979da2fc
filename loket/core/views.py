"""/healthz and /readyz for load balancers (see health.py)."""

from collections.abc import Callable
from typing import ClassVar

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from loket.core.health import readiness


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    status, checks = readiness()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == "down" else 200)


class HealthCheckMiddleware:
    """First in MIDDLEWARE: probes are answered before the host check and the HTTPS redirect.

    A load balancer probes each app server by its address over plain HTTP; with
    ALLOWED_HOSTS and SECURE_SSL_REDIRECT in force it would otherwise get 400 or 301.
    """

    PATHS: ClassVar[dict[str, Callable[[HttpRequest], HttpResponse]]] = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.PATHS.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
