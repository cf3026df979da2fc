"""The signed-in applicant's bookings: the list, cancelling, and the proof."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.booking import services
from loket.booking.selectors import bookings_of
from loket.core.errors import DomainError
from loket.web.views.profile import _user


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    return render(request, "web/bookings.html", {"bookings": bookings_of(_user(request))})


@login_required
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    try:
        booking = services.booking_cancel(user=_user(request), code=request.POST.get("code", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pemesanan %(code)s dibatalkan.") % {"code": booking.code})
    return redirect("web:bookings")
