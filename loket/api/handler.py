"""A client program's API call gets a Django handler of its own, without what only pages need.

A call to /api/ that carries `Authorization: Bearer` and no session cookie comes from the app
or a script, and is authenticated by its token alone (loket/api/security.py). It has no
session to load, no CSRF token to check, no flash messages, no kiosk lock, no second factor,
no static file and no HTML to compress: the middleware for those
(settings.LOKET_PAGE_ONLY_MIDDLEWARE) is left out of its handler; the rest of MIDDLEWARE (the
request id, the metrics, the security and privacy headers, the language, the Content-Length,
the JSON errors, the database faults) is the same. Everything else, pages, the staff's
session calls and signed webhooks included, goes through the full MIDDLEWARE. A booking in a
release-day rush is such a call; docs/benchmarks.md has what it saves.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def api_middleware() -> list[str]:
    """MIDDLEWARE without what only pages need, in MIDDLEWARE's order."""
    page_only = set(settings.LOKET_PAGE_ONLY_MIDDLEWARE)
    return [name for name in settings.MIDDLEWARE if name not in page_only]


class ApiMiddleware:
    """For a Django handler class: load api_middleware() instead of MIDDLEWARE."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler.load_middleware reads settings.MIDDLEWARE: it is given the API's list for
        # the time of this call only (once, when the handler is made, before any request).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = api_middleware()
        try:
            super().load_middleware(is_async)  # type: ignore[misc]
        finally:
            settings.MIDDLEWARE = full


class ApiCallHandler(ApiMiddleware, WSGIHandler):
    """Django's WSGI handler with api_middleware()."""


def is_api_call(environ: dict[str, Any]) -> bool:
    """A bearer-token call to /api/ without a session cookie."""
    if not environ.get("PATH_INFO", "").startswith("/api/"):
        return False
    if environ.get("HTTP_AUTHORIZATION", "")[:7].lower() != "bearer ":
        return False
    return settings.SESSION_COOKIE_NAME + "=" not in environ.get("HTTP_COOKIE", "")


class ApiCalls:
    """A WSGI app: bearer-token API calls to their own handler, everything else to `pages`."""

    def __init__(self, pages: WsgiApp) -> None:
        self.pages = pages
        self.api = ApiCallHandler()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        app = self.api if is_api_call(environ) else self.pages
        return app(environ, start_response)
