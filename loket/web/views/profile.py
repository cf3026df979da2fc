"""The signed-in applicant's own pages: profile and household."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from loket.accounts import services
from loket.accounts.forms import HouseholdForm
from loket.accounts.models import User
from loket.accounts.probes import nik_probe_guard
from loket.accounts.selectors import holder_of, household_of
from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.idempotency import form_once
from loket.core.ratelimit import client_ip, hit
from loket.notify.selectors import preference_for
from loket.notify.services import preference_update
from loket.privacy.services import account_delete, account_export
from loket.web.forms import AccountDeleteForm, ChannelsForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
@form_once()
def profile(request: HttpRequest) -> HttpResponse:
    """The account's facts, and the channels it is told on (email, SMS, WhatsApp)."""
    user = _user(request)
    saved = preference_for(user)
    chosen = [name for name in ("email", "sms", "whatsapp") if getattr(saved, name)]
    form = ChannelsForm(request.POST if request.method == "POST" else None, initial={"channels": chosen})
    if request.method == "POST" and form.is_valid():
        picked = set(form.cleaned_data["channels"])
        try:
            preference_update(user=user, email="email" in picked, sms="sms" in picked, whatsapp="whatsapp" in picked)
        except DomainError as error:
            form.add_error("channels", error.message)  # the service names one channel; the form has one field
        else:
            messages.success(request, _("Saluran pemberitahuan disimpan."))
            return redirect("web:profile")
    return render(request, "web/profile.html", {"account": user, "holder": holder_of(user), "channels": form})


@login_required
@require_http_methods(["GET", "POST"])
@form_once()
def household(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ip = client_ip(request)
            hit(scope="household-add", key=str(user.pk), limit=30, window_seconds=3600)
            hit(scope="household-add-ip", key=ip, limit=60, window_seconds=3600)
            with nik_probe_guard(ip=ip, account_id=user.pk):
                member = services.household_add(user=user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s ditambahkan.") % {"name": member.full_name})
            return redirect("web:household")
    return render(request, "web/household.html", {"form": form, "members": household_of(user)})


@login_required
@require_POST
@form_once()
def household_remove(request: HttpRequest) -> HttpResponse:
    try:
        services.household_remove(user=_user(request), person_id=int(request.POST.get("person", "")))
    except ValueError:
        messages.error(request, _("Anggota keluarga tidak ditemukan."))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Anggota keluarga dihapus."))
    return redirect("web:household")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The applicant's data as a JSON file (UU PDP: a copy of one's personal data)."""
    body = json.dumps(account_export(user=_user(request)), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="data-saya-loket.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_page(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=_user(request), password=form.cleaned_data["password"], ip=client_ip(request))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            logout(request)
            messages.success(request, _("Akun Anda telah dihapus."))
            return redirect("web:home")
    return render(request, "web/account_delete.html", {"form": form})
