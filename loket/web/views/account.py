"""Joining and signing in: register, verify the email, log in, reset the password.

The NIK only ever travels in a POST body; every POST answers with a redirect to a
URL that carries no personal data (the email waiting for its code sits in the session).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as session_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loket.accounts import services
from loket.accounts.probes import nik_probe_guard
from loket.accounts.selectors import user_by_login
from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.ratelimit import client_ip, hit
from loket.web.forms import EmailForm, LoginForm, RegisterForm, ResetConfirmForm, VerifyForm

PENDING_EMAIL = "web:pending-email"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ip = client_ip(request)
            hit(scope="register", key=ip, limit=20, window_seconds=3600)
            with nik_probe_guard(ip=ip):
                user = services.applicant_register(**form.cleaned_data, language=get_language() or "id")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session[PENDING_EMAIL] = user.email
            messages.success(request, _("Akun dibuat. Kami mengirim kode verifikasi ke email Anda."))
            return redirect("web:verify")
    return render(request, "web/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, initial={"email": request.session.get(PENDING_EMAIL, "")})
    if request.method == "POST" and form.is_valid():
        try:
            hit(scope="verify", key=client_ip(request), limit=30, window_seconds=600)
            services.email_verify(email=form.cleaned_data["email"], code=form.cleaned_data["code"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            request.session.pop(PENDING_EMAIL, None)
            messages.success(request, _("Email terverifikasi. Silakan masuk."))
            return redirect("web:login")
    context = {
        "form": form,
        "resend": EmailForm(initial=form.initial),
        "minutes": settings.LOKET_VERIFY_CODE_TTL_MINUTES,
    }
    return render(request, "web/verify.html", context)


@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if form.is_valid():
        try:
            hit(scope="resend", key=client_ip(request), limit=10, window_seconds=3600)
            services.verification_resend(email=form.cleaned_data["email"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            request.session[PENDING_EMAIL] = form.cleaned_data["email"].strip().lower()
            messages.success(request, _("Jika email ini terdaftar dan belum terverifikasi, kode baru telah dikirim."))
    return redirect("web:verify")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        try:
            hit(scope="login", key=client_ip(request), limit=60, window_seconds=60)
            user = services.credentials_check(
                login=form.cleaned_data["login"], password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except DomainError as error:
            if error.code == "unverified":
                return _to_verification(request, login=form.cleaned_data["login"], message=error.message)
            add_domain_error(form, error)
        else:
            session_login(request, user)
            return redirect(next_url or "web:profile")
    return render(request, "web/login.html", {"form": form, "next": next_url})


def _to_verification(request: HttpRequest, *, login: str, message: str) -> HttpResponse:
    """The password was right but the email is unverified: on to the code, the email remembered."""
    user = user_by_login(login)
    if user is not None:
        request.session[PENDING_EMAIL] = user.email
    messages.error(request, message)
    return redirect("web:verify")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hit(scope="reset", key=client_ip(request), limit=10, window_seconds=3600)
            services.password_reset_request(email=form.cleaned_data["email"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Jika email ini terdaftar, kami telah mengirim kode pengaturan ulang."))
            return redirect("web:password_reset_confirm")
    return render(request, "web/password_reset.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    form = ResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hit(scope="reset-confirm", key=client_ip(request), limit=30, window_seconds=600)
            services.password_reset_confirm(**form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Kata sandi diganti. Silakan masuk dengan kata sandi baru."))
            return redirect("web:login")
    return render(request, "web/password_reset_confirm.html", {"form": form})
