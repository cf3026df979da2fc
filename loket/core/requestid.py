"""A request id on every request: taken from the proxy's X-Request-ID or made here, logged, answered.

The id ties an operator's log lines (app servers, nginx, the client's report) to one request.
An incoming id is honoured only when it looks like an id (letters, digits, `-_.:`, at most
64 characters): anything else could smuggle text into the logs, and a fresh one is made.
"""

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str] = ContextVar("loket_request_id", default="-")


def current_request_id() -> str:
    """The id of the request this thread is serving ("-" outside a request)."""
    return _current.get()


def _incoming(request: HttpRequest) -> str | None:
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    return value if _VALID.fullmatch(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = _incoming(request) or uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


def note_error_code(request: HttpRequest, code: str) -> None:
    """A page that answers a refusal (e.g. `window_full`) notes its code for the logs and metrics."""
    request.loket_error_code = code  # type: ignore[attr-defined]


def noted_error_code(request: HttpRequest) -> str | None:
    return getattr(request, "loket_error_code", None)
