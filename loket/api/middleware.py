"""Answers under /api/ are JSON, also those Django or ninja make before any view runs."""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

_CODES = {404: "not_found", 405: "method_not_allowed"}


class JsonApiErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in _CODES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            messages = {404: _("Tidak ditemukan."), 405: _("Metode HTTP ini tidak didukung di alamat ini.")}
            body = {"code": _CODES[response.status_code], "message": messages[response.status_code]}
            json_response = HttpResponse(json.dumps(body), status=response.status_code, content_type="application/json")
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
