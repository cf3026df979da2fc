"""Who may act where. An officer acts only on his own office; the national administrator everywhere.

Every refusal is written to the audit log (allowed=False) before the 403, so a supervisor
sees who tried to look at another office's people.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from loket.accounts.models import StaffRole, User
from loket.accounts.roles import ANY_OFFICE_ROLE, is_national_admin, roles_at
from loket.audit.services import audit_record, request_ip
from loket.offices.models import Office

P = ParamSpec("P")


def offices_of(user: User) -> list[Office]:
    """The offices whose pages the user may open (every office for the national administrator)."""
    if is_national_admin(user):
        return list(Office.objects.all())
    return list(Office.objects.filter(staff_roles__user=user).distinct().order_by("name"))


def is_staff_member(user: User) -> bool:
    return user.is_authenticated and user.is_active and StaffRole.objects.filter(user=user).exists()


def office_guard(
    *, user: User, office: Office, roles: Iterable[str], action: str, request: HttpRequest | None = None
) -> None:
    """Raise PermissionDenied (and log the attempt) unless the user holds one of `roles` at `office`."""
    if roles_at(user, office) & set(roles):
        return
    audit_record(
        actor=user,
        action=action,
        office=office,
        target_type="office",
        target_id=office.code,
        ip=request_ip(request),
        allowed=False,
    )
    raise PermissionDenied


def officer_view(
    *roles: str, action: str
) -> Callable[
    [Callable[Concatenate[HttpRequest, Office, P], HttpResponseBase]], Callable[Concatenate[HttpRequest, str, P], Any]
]:
    """A staff page of one office: `/petugas/<office>/...`; the view gets the Office object.

    Anonymous users and accounts without a staff role go to the staff login; a staff member
    without one of `roles` at that office gets 403, and the attempt is logged.
    """

    def decorate(
        view: Callable[Concatenate[HttpRequest, Office, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, str, P], Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, office: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            user = request.user
            if not isinstance(user, User) or not staff_session_ok(request):
                return redirect_to_login(request.get_full_path(), login_url="onsite:login")
            place = get_object_or_404(Office, code=office.upper())
            office_guard(user=user, office=place, roles=roles or ANY_OFFICE_ROLE, action=action, request=request)
            return view(request, place, *args, **kwargs)

        return wrapped

    return decorate


def national_view(
    *, action: str, target_type: str
) -> Callable[[Callable[Concatenate[HttpRequest, P], HttpResponseBase]], Callable[Concatenate[HttpRequest, P], Any]]:
    """A staff page for all offices at once (`/petugas/<page>/`): the national administrator only.

    Anonymous users go to the staff login; any other staff member gets 403, and the attempt
    is logged as `action` on `target_type`.
    """

    def decorate(
        view: Callable[Concatenate[HttpRequest, P], HttpResponseBase],
    ) -> Callable[Concatenate[HttpRequest, P], Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            user = request.user
            if not isinstance(user, User) or not staff_session_ok(request):
                return redirect_to_login(request.get_full_path(), login_url="onsite:login")
            if not is_national_admin(user):
                audit_record(
                    actor=user,
                    action=action,
                    target_type=target_type,
                    target_id="*",
                    ip=request_ip(request),
                    allowed=False,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def public_office_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page under /petugas/<office>/ that is open without a staff login (a waiting-room board, a kiosk).

    The access tests walk every office page and expect a 403 for other offices' staff; a
    page marked here is left out of that walk on purpose.
    """
    view.public_office_view = True  # type: ignore[attr-defined]
    return view


def staff_session_ok(request: HttpRequest) -> bool:
    """A staff member is logged in, and this session passed the second factor (TOTP).

    `is_verified` is put on the user by django-otp's OTPMiddleware: True once a code of one
    of the user's confirmed devices was accepted in this session (see onsite/views/staff_login.py).
    """
    user = request.user
    verified = getattr(user, "is_verified", None)
    return isinstance(user, User) and callable(verified) and bool(verified()) and is_staff_member(user)
