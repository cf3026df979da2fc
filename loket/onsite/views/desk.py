"""Small helpers shared by the check-in, counter and kiosk pages."""

from typing import cast

from django.http import HttpRequest

from loket.accounts.models import User
from loket.audit.services import request_ip
from loket.core.errors import DomainError


def staff_user(request: HttpRequest) -> User:
    # officer_view has let only a logged-in staff member through.
    return cast(User, request.user)


def client_ip(request: HttpRequest) -> str | None:
    return request_ip(request)


def error_status(error: DomainError) -> int:
    """The HTTP status a refused page action answers with: always a 4xx."""
    return error.status if 400 <= error.status < 500 else 422


def id_param(raw: str) -> int | None:
    """A database id from a query or form value; None for anything else (never an overflow)."""
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None
