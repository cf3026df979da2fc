"""The closures page of an office (/petugas/<office>/penutupan/): the days it is closed from today on
(its own and nationwide, each with how many people booked on it were told) and closing one more,
by its supervisor; audited (loket/booking/closures.py)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import request_ip
from loket.booking.closures import closure_add, closures_upcoming
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import officer_view
from loket.release.forms import ClosureForm


@officer_view(StaffRoleKind.SUPERVISOR, action="closures.open")
@require_http_methods(["GET", "POST"])
def closures_page(request: HttpRequest, office: Office) -> HttpResponse:
    assert isinstance(request.user, User)  # officer_view let only staff through
    form = ClosureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                closure, told = closure_add(
                    by=request.user,
                    office=office,
                    day=form.cleaned_data["date"],
                    reason=form.cleaned_data["reason"],
                    ip=request_ip(request),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("%(day)s ditutup. %(told)d orang yang sudah memesan hari itu diberi tahu.")
                    % {"day": datefmt.long_date(closure.date), "told": told},
                )
                return redirect(request.path)
    context = {"office": office, "form": form, "closures": closures_upcoming(office)}
    return render(request, "release/closures.html", context, status=status)
