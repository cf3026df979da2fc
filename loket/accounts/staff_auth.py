"""Staff sign-in: a password, then a 6-digit code from an authenticator app (TOTP).

The codes themselves are django-otp's (its TOTP device plugin); this module adds what the
office needs around them: the lock-out shared with the applicant login (per account and
address, in the shared cache), an audit entry for every failed and successful step, and the
enrolment of a first device at first login.
"""

import datetime as dt
import hashlib
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.accounts import lockout
from loket.accounts.models import StaffRole, User
from loket.accounts.selectors import user_by_login
from loket.audit.services import audit_record, ip_or_none
from loket.core.errors import DomainError, Throttled

DEVICE_NAME = "Authenticator"


def may_sign_in_as_staff(user: User) -> bool:
    """An active account with a staff role at an office (or nationally), or one allowed into the admin."""
    return user.is_active and (user.is_staff or StaffRole.objects.filter(user=user).exists())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def enrolment_device(user: User) -> TOTPDevice | None:
    """The authenticator an administrator opened for this staff member to set up, while still open.

    Enrolment is never open by itself: otherwise whoever learns a new officer's password
    first could bind his own phone to the account. An administrator opens it (a new officer,
    a lost phone) and it closes after LOKET_STAFF_ENROL_HOURS.
    """
    since = timezone.now() - dt.timedelta(hours=settings.LOKET_STAFF_ENROL_HOURS)
    return TOTPDevice.objects.filter(user=user, confirmed=False, created_at__gte=since).order_by("-pk").first()


def staff_enrolment_open(*, user: User, by: User, ip: str | None = None) -> TOTPDevice:
    """Let `user` set up a (new) authenticator at his next login; any earlier one stops working."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    audit_record(
        actor=by,
        action="staff.totp.opened",
        target_type="account",
        target_id=user.pk,
        ip=ip_or_none(ip or ""),
    )
    return device


def device_secret(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def device_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, drawn here: the secret never leaves the server."""
    # omitsize: a viewBox only, so the stylesheet sizes the code without cropping it.
    svg: str = segno.make(device.config_url, error="m").svg_inline(border=4, omitsize=True)
    return svg


def _code_key(user: User) -> str:
    # The code step counts failures apart from the password step: a right password must not
    # reset the count of wrong codes.
    return hashlib.sha256(f"totp:user:{user.pk}".encode()).hexdigest()


def staff_password_check(*, login: str, password: str, ip: str) -> User:
    """The staff account behind these credentials (first step), under the login lock-out."""
    who = lockout.login_key(login)
    lockout.login_allowed(who=who, ip=ip)
    user = authenticate(None, username=login, password=password)
    if not isinstance(user, User) or not may_sign_in_as_staff(user):
        lockout.login_failed(who=who, ip=ip)
        known = user if isinstance(user, User) else user_by_login(login)
        if known is not None and may_sign_in_as_staff(known):
            _log(known, "staff.login.password", ip, allowed=False)
        raise DomainError("invalid_credentials", _("Email atau kata sandi salah."), field="password", status=401)
    lockout.login_succeeded(who=who, ip=ip)
    return user


def staff_code_check(*, user: User, device: TOTPDevice, code: str, ip: str) -> None:
    """Check a TOTP code of this device (second step, or confirming a new device); DomainError on `code`."""
    who = _code_key(user)
    try:
        lockout.login_allowed(who=who, ip=ip)
    except Throttled as error:
        raise DomainError("throttled", error.message, field="code", status=429) from error
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        raise DomainError(
            "throttled", _("Terlalu banyak kode salah. Tunggu sebentar lalu coba lagi."), field="code", status=429
        )
    if not device.verify_token(code.strip().replace(" ", "")):
        lockout.login_failed(who=who, ip=ip)
        _log(user, "staff.login.code", ip, allowed=False)
        raise DomainError("invalid_code", _("Kode salah atau sudah kedaluwarsa."), field="code", status=401)
    lockout.login_succeeded(who=who, ip=ip)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per person: setting up a new one retires any other.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        _log(user, "staff.totp.enrolled", ip)
    _log(user, "staff.login", ip)


def staff_enrolment_refused(*, user: User, ip: str) -> None:
    """Record a right password for an account with no authenticator and no open enrolment."""
    _log(user, "staff.totp.not_open", ip, allowed=False)


def _log(user: User, action: str, ip: str, *, allowed: bool = True) -> None:
    audit_record(
        actor=user, action=action, target_type="account", target_id=user.pk, ip=ip_or_none(ip), allowed=allowed
    )
