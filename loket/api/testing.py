"""A test client that sends bearer-token API calls through the API's own handler, as
config/wsgi.py does (loket/api/handler.py), and everything else through Django's."""

from typing import Any

from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from loket.api.handler import ApiMiddleware, is_api_call


class ApiClientHandler(ApiMiddleware, ClientHandler):
    """The test client's handler with api_middleware()."""


class RoutingClientHandler:
    def __init__(self, enforce_csrf_checks: bool) -> None:
        self.pages = ClientHandler(enforce_csrf_checks)
        self.api = ApiClientHandler(enforce_csrf_checks)

    def __call__(self, environ: dict[str, Any]) -> HttpResponse:
        handler = self.api if is_api_call(environ) else self.pages
        return handler(environ)  # type: ignore[return-value]


class ApiClient(Client):
    def __init__(self, enforce_csrf_checks: bool = False, **kwargs: Any) -> None:
        super().__init__(enforce_csrf_checks, **kwargs)
        self.handler = RoutingClientHandler(enforce_csrf_checks)  # type: ignore[assignment]
