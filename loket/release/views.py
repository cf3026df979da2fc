"""The release page of an office (/petugas/<office>/rilis/): its rule, the days that open next,
"release now" (supervisor) and changing the rule (national administrator)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import StaffRoleKind, User
from loket.accounts.roles import is_national_admin
from loket.audit.services import request_ip
from loket.booking.selectors import released_until
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import office_guard, officer_view
from loket.release.forms import ReleaseNowForm, ReleaseRuleForm
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
                    messages.success(request, _("Aturan rilis disimpan."))
                    return redirect(request.path)
                status = 400
            else:
                now_form = ReleaseNowForm(request.POST)
                if not now_form.is_valid():
                    raise DomainError("invalid", _("Hari yang akan dirilis tidak dikenal."), field="date")
                day = now_form.cleaned_data["date"]
                release_now(by=user, office=office, day=day, ip=request_ip(request))
                messages.success(request, _("%(day)s dirilis sekarang.") % {"day": date_format(day, "l, j F Y")})
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
