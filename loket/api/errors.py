"""Every error the API returns is JSON: {"code", "message", "field"?}, never a 500 for bad input."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from loket.core.db import DB_FAULTS
from loket.core.errors import DomainError, Throttled
from loket.core.faults import unavailable_response


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str | None:
    # ("body", "payload", "nik") -> "nik"; ("query", "days") -> "days"; ("file", "file") -> "file"
    if len(loc) > 1 and loc[0] == "file":
        loc = loc[1:]
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "payload")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        body: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.field:
            body["field"] = error.field
        body.update(error.extra)
        response = api.create_response(request, body, status=error.status)
        if isinstance(error, Throttled):
            response["Retry-After"] = str(error.retry_after)
        return response

    for fault in DB_FAULTS:
        # Also with DEBUG on (ninja would answer a plain-text traceback): a lost connection is a 503.
        api.add_exception_handler(fault, lambda request, error: unavailable_response(request))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(e.get("loc", ())), "reason": e.get("msg", "invalid"), "type": e.get("type")}
            for e in error.errors
        ]
        first = errors[0] if errors else {"field": None, "reason": "invalid"}
        body = {
            "code": "invalid",
            "message": f"{first['field']}: {first['reason']}" if first["field"] else str(first["reason"]),
            "field": first["field"],
            "errors": errors,
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, error: Exception) -> HttpResponse:
        return api.create_response(
            request, {"code": "too_large", "message": _("Permintaan terlalu besar.")}, status=413
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: Exception) -> HttpResponse:
        body = {"code": "unauthenticated", "message": _("Masuk terlebih dahulu (token tidak ada atau tidak berlaku).")}
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Exception) -> HttpResponse:
        return api.create_response(request, {"code": "not_found", "message": _("Tidak ditemukan.")}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code == 400:  # ninja's "Cannot parse request body"
            body = {"code": "invalid_json", "message": _("Isi permintaan bukan JSON yang valid.")}
        else:
            body = {"code": "error", "message": str(error)}
        return api.create_response(request, body, status=error.status_code)
