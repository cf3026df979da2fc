"""A request id on every request: taken from the proxy's X-Request-ID or made here, logged, answered.

The id ties an operator's log lines (app servers, nginx, the client's report) to one request.
An incoming id is honoured only when it looks like an id (letters, digits, `-_.:`, at most
64 characters): anything else could smuggle text into the logs, and a fresh one is made.
"""

import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: ContextVar[str] = ContextVar("loket_request_id", default="-")


def current_request_id() -> str:
    """The id of the request this thread is serving ("-" outside a request)."""
    return _current.get()


def request_id_for(meta: Mapping[str, Any]) -> str:
    """The proxy's id when it looks like one, else a new one (`meta`: the WSGI environ)."""
    value = meta.get("HTTP_X_REQUEST_ID", "")
    return value if isinstance(value, str) and _VALID.fullmatch(value) else uuid.uuid4().hex


@contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    """current_request_id() is `request_id` inside the block (for the log lines written there)."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.META)
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_id_bound(request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


def note_error_code(request: HttpRequest, code: str) -> None:
    """A page that answers a refusal (e.g. `window_full`) notes its code for the logs and metrics."""
    request.loket_error_code = code  # type: ignore[attr-defined]


def noted_error_code(request: HttpRequest) -> str | None:
    return getattr(request, "loket_error_code", None)
