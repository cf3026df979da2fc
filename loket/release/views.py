"""The release page of an office (/petugas/<office>/rilis/): its rule, the days that open next,
"release now" (supervisor) and changing the rule (national administrator); the hoarding report
(/petugas/<office>/calo/, every office at /petugas/calo/), each view audited."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from loket.accounts.models import Relation, StaffRoleKind, User
from loket.accounts.nik import mask_nik
from loket.accounts.roles import is_national_admin
from loket.audit.services import audit_record, request_ip
from loket.booking.selectors import released_until
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import national_view, office_guard, officer_view
from loket.release.forms import ReleaseNowForm, ReleaseRuleForm
from loket.release.hoarding import account_bookings, hoarding_report
from loket.release.selectors import releases_upcoming
from loket.release.services import release_now, release_rule_set

SUPERVISOR = StaffRoleKind.SUPERVISOR


def _officer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # officer_view let only staff through
    return request.user


@officer_view(SUPERVISOR, action="release.open")
@require_http_methods(["GET", "POST"])
def release_page(request: HttpRequest, office: Office) -> HttpResponse:
    user = _officer(request)
    national = is_national_admin(user)
    rule_form = ReleaseRuleForm(
        request.POST if request.POST.get("action") == "rule" else None,
        initial={"release_time": office.release_time, "horizon_days": office.horizon_days},
    )
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rule":
                if not national:
                    # Only the national administrator changes the rule: refused and logged.
                    office_guard(user=user, office=office, roles=(), action="release.rule", request=request)
                if rule_form.is_valid():
                    release_rule_set(by=user, office=office, ip=request_ip(request), **rule_form.cleaned_data)
                    messages.success(request, _("Aturan pembukaan kuota disimpan."))
                    return redirect(request.path)
                status = 400
            else:
                now_form = ReleaseNowForm(request.POST)
                if not now_form.is_valid():
                    raise DomainError(
                        "invalid",
                        _("Hari yang akan dibuka tidak dikenal. Muat ulang halaman dan pilih lagi."),
                        field="date",
                    )
                day = now_form.cleaned_data["date"]
                release_now(by=user, office=office, day=day, ip=request_ip(request))
                messages.success(request, _("Kuota %(day)s dibuka sekarang.") % {"day": datefmt.long_date(day)})
                return redirect(request.path)
        except DomainError as error:
            if error.field in rule_form.fields and request.POST.get("action") == "rule":
                rule_form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
                return redirect(request.path)
            status = error.status
    context = {
        "office": office,
        "open_until": released_until(office, office.local_now()),
        "releases": releases_upcoming(office),
        "rule_form": rule_form if national else None,
    }
    return render(request, "release/release.html", context, status=status)


PATTERNS = [
    ("shared_phone", gettext_lazy("Banyak akun dengan satu nomor HP")),
    ("shared_address", gettext_lazy("Banyak akun dengan satu alamat")),
    ("shared_client", gettext_lazy("Banyak akun dari satu alamat jaringan (ruang tunggu)")),
    ("cancel_no_show", gettext_lazy("Akun yang berulang kali membatalkan atau tidak hadir")),
    ("same_minutes", gettext_lazy("Pemesanan satu hari oleh akun yang dibuat pada menit yang sama")),
    ("fast_pass", gettext_lazy("Izin ruang tunggu yang berulang kali dipakai dalam satu detik setelah diterima")),
]


def _report(request: HttpRequest, office: Office | None) -> HttpResponse:
    report = hoarding_report(office=office)
    audit_record(
        actor=_officer(request),
        action="hoarding.view",
        office=office,
        target_type="report",
        target_id=office.code if office else "*",
        after={kind: len(found) for kind, found in report.items()},
        ip=request_ip(request),
    )
    sections = [(kind, label, report[kind]) for kind, label in PATTERNS]
    return render(request, "release/hoarding.html", {"office": office, "sections": sections})


def _account(request: HttpRequest, office: Office | None, account: int) -> HttpResponse:
    user = get_object_or_404(User, pk=account, is_staff=False)
    audit_record(
        actor=_officer(request),
        action="hoarding.account",
        office=office,
        target_type="account",
        target_id=user.pk,
        ip=request_ip(request),
    )
    holder = user.people.filter(relation=Relation.SELF).first()
    context = {
        "office": office,
        "account": user,
        "nik": mask_nik(holder.nik) if holder else "",
        "bookings": account_bookings(user, office),
    }
    return render(request, "release/hoarding_account.html", context)


@officer_view(SUPERVISOR, action="hoarding.open")
@require_GET
def hoarding_office(request: HttpRequest, office: Office) -> HttpResponse:
    return _report(request, office)


@officer_view(SUPERVISOR, action="hoarding.open")
@require_GET
def hoarding_office_account(request: HttpRequest, office: Office, account: int) -> HttpResponse:
    return _account(request, office, account)


@national_view(action="hoarding.national.open", target_type="report")
@require_GET
def hoarding_national(request: HttpRequest) -> HttpResponse:
    return _report(request, None)


@national_view(action="hoarding.national.open", target_type="report")
@require_GET
def hoarding_national_account(request: HttpRequest, account: int) -> HttpResponse:
    return _account(request, None, account)
