"""Staff sign-in at /petugas/masuk/: password, then the authenticator code (or its enrolment).

After the password the session only remembers who is half-way in (for a few minutes); the
account is logged in, and marked as past the second factor, only once a code is right. So
a stolen password alone opens nothing, not even the applicant pages.
"""

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.accounts.models import User
from loket.accounts.staff_auth import (
    confirmed_device,
    device_qr_svg,
    device_secret,
    enrolment_device,
    may_sign_in_as_staff,
    staff_code_check,
    staff_enrolment_refused,
    staff_password_check,
)
from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.ratelimit import client_ip, hit
from loket.onsite.access import is_staff_member, staff_session_ok

PENDING = "onsite:staff-pending"


class PasswordForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email dinas"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=gettext_lazy("Kata sandi"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kode 6 angka"),
        help_text=gettext_lazy("Dari aplikasi autentikator di ponsel Anda; berganti setiap 30 detik."),
        max_length=12,
        validators=[RegexValidator(r"^\s*\d{3}\s?\d{3}\s*$", gettext_lazy("Masukkan 6 angka."))],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": r"[0-9 ]*"}
        ),
    )


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return ""


def _pending(request: HttpRequest) -> User | None:
    """The staff member who gave the right password a moment ago, if still within the time for the code."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > settings.LOKET_STAFF_CODE_STEP_SECONDS:
        del request.session[PENDING]
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id).first()
    return user if user is not None and may_sign_in_as_staff(user) else None


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Waktu untuk kode sudah habis. Masukkan kata sandi lagi."))
    return redirect("onsite:login")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if staff_session_ok(request):
        return redirect(next_url or "onsite:home")
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hit(scope="staff-login", key=client_ip(request), limit=60, window_seconds=60)
            user = staff_password_check(
                login=form.cleaned_data["email"], password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if confirmed_device(user) is None and enrolment_device(user) is None:
                staff_enrolment_refused(user=user, ip=client_ip(request))
                form.add_error(
                    None,
                    _(
                        "Aplikasi autentikator untuk akun ini belum dibuka. "
                        "Minta administrator membuka pendaftaran autentikator Anda."
                    ),
                )
                return render(request, "onsite/login.html", {"form": form, "next": next_url}, status=403)
            request.session.cycle_key()
            request.session[PENDING] = {"user": user.pk, "at": time.time(), "next": next_url}
            return redirect("onsite:login_code" if confirmed_device(user) else "onsite:enrol")
    return render(request, "onsite/login.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    user = _pending(request)
    if user is None:
        return _expired(request)
    device = confirmed_device(user)
    if device is None:
        return redirect("onsite:enrol")
    form = CodeForm(request.POST or None)
    if _code_accepted(request, form, user, device):
        return _signed_in(request, user, device)
    return render(request, "onsite/login_code.html", {"form": form, "staff": user})


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """First login: set up an authenticator app from a QR code (or the secret typed by hand), then confirm a code."""
    user = _pending(request)
    if user is None:
        return _expired(request)
    if confirmed_device(user) is not None:
        # A password alone never replaces a confirmed authenticator; an administrator removes it first.
        return redirect("onsite:login_code")
    device = enrolment_device(user)
    if device is None:  # closed meanwhile (expired, or taken back by an administrator)
        return _expired(request)
    form = CodeForm(request.POST or None)
    if _code_accepted(request, form, user, device):
        messages.success(request, _("Aplikasi autentikator terpasang."))
        return _signed_in(request, user, device)
    context = {"form": form, "staff": user, "qr_svg": device_qr_svg(device), "secret": device_secret(device)}
    return render(request, "onsite/enrol.html", context)


def _code_accepted(request: HttpRequest, form: CodeForm, user: User, device: TOTPDevice) -> bool:
    """A posted code that is right for this device; a wrong one is answered next to the field."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        staff_code_check(user=user, device=device, code=form.cleaned_data["code"], ip=client_ip(request))
    except DomainError as error:
        add_domain_error(form, error)
        return False
    return True


def _signed_in(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    data = request.session.pop(PENDING, {})
    auth_login(request, user)
    otp_login(request, device)
    default = "onsite:home" if is_staff_member(user) else "admin:index"
    return redirect(_safe_next(request, str(data.get("next", ""))) or default)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("Anda sudah keluar."))
    return redirect("onsite:login")
