"""The staff start page: which offices this officer works at, and what he may open there."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from loket.accounts.models import User
from loket.onsite.access import is_national_admin, offices_of, roles_at, staff_session_ok


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not staff_session_ok(request):
        return redirect("onsite:login")
    offices = [(office, sorted(roles_at(user, office))) for office in offices_of(user)]
    return render(request, "onsite/home.html", {"offices": offices, "national_admin": is_national_admin(user)})
