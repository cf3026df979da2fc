"""A database that is briefly unreachable is answered with 503 and Retry-After, never a 500.

The API answers JSON ({"code": "unavailable", ...}); pages get a short bilingual page that
needs neither the database nor a session. `DatabaseFaultMiddleware` catches a view's
database fault; `server_error` (handler500) catches one raised anywhere else (another
middleware, a session save) and keeps every other 500 under /api/ JSON too.
"""

import json
import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

from loket.core.db import DB_FAULTS

logger = logging.getLogger("loket.faults")

RETRY_AFTER_SECONDS = 5


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"code": "unavailable", "message": _("Layanan sedang sibuk. Coba lagi sebentar lagi.")}
        response = HttpResponse(json.dumps(body), status=503, content_type="application/json")
    else:
        response = HttpResponse(render_to_string("core/unavailable.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseFaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DB_FAULTS):
            logger.warning("database fault on %s %s: %s", request.method, request.path, type(exception).__name__)
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while handling the uncaught exception, so sys.exc_info() has it."""
    error = sys.exc_info()[1]
    if isinstance(error, DB_FAULTS):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        body = {"code": "server_error", "message": _("Terjadi kesalahan di server. Coba lagi nanti.")}
        return HttpResponse(json.dumps(body), status=500, content_type="application/json")
    return django_server_error(request)
