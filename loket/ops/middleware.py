"""Times and counts every request by its route pattern, counts booking outcomes, logs one line each."""

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch

from loket.core.requestid import noted_error_code
from loket.ops.metrics import BOOKING_ATTEMPTS, REQUEST_SECONDS, REQUESTS

log = logging.getLogger("loket.request")
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# The two ways to book: the API's POST /api/v1/bookings and the web flow's confirmation step.
_API_BOOKING = "api-v1:booking_create"
_WEB_BOOKING = "web:book_details"


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request ("/api/v1/bookings/<code>"), never the path itself:
    paths carry booking codes, which would make one series per booking."""
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    if match is not None:
        return "/" + match.route
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "(static)"
    return "(unmatched)"


def error_code_of(request: HttpRequest, response: HttpResponse) -> str | None:
    """The refusal's code: noted by a page, or read from the API's JSON error body."""
    noted = noted_error_code(request)
    if noted or response.status_code < 400 or not request.path.startswith("/api/"):
        return noted
    if not response.get("Content-Type", "").startswith("application/json") or response.streaming:
        return None
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def booking_outcome(request: HttpRequest, status: int, error_code: str | None) -> tuple[str, str] | None:
    """(channel, outcome) when this request was an attempt to book, else None."""
    match: ResolverMatch | None = getattr(request, "resolver_match", None)
    if request.method != "POST" or match is None:
        return None
    if match.view_name == _API_BOOKING:
        if status == 201:
            return "api", "booked"
        if status == 200:
            return "api", "replayed"
        return "api", error_code or f"http_{status}"
    if match.view_name == _WEB_BOOKING:
        if error_code:
            return "web", error_code
        if status == 302:  # to the booking proof
            return "web", "booked"
    return None  # the form's other steps (details, confirmation page) are not attempts


def record_request(
    method: str, route: str, status: int, elapsed: float, error_code: str | None, outcome: tuple[str, str] | None
) -> None:
    """Count and time one answered request and log its line (the middleware below, and the
    availability lane that answers without Django's middleware: loket/ops/lane.py)."""
    REQUEST_SECONDS.labels(route=route, method=method).observe(elapsed)
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    if outcome:
        BOOKING_ATTEMPTS.labels(channel=outcome[0], outcome=outcome[1]).inc()
    log.info(
        "%s %s %s %.1f ms",
        method,
        route,
        status,
        elapsed * 1000,
        extra={
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round(elapsed * 1000, 1),
            "error_code": error_code,
            "pii_free": True,  # every part above is a fixed word, a URL pattern or a number
        },
    )


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in _METHODS else "other"
        status = response.status_code
        error_code = error_code_of(request, response)
        record_request(
            method, route_of(request), status, elapsed, error_code, booking_outcome(request, status, error_code)
        )
        return response
