"""The public page of one office: today's places left per class, the express cut-offs and fee."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from loket.booking.classes import class_places
from loket.booking.selectors import day_plans_cached, next_available_cached
from loket.core.replica import on_replica
from loket.web.proof import address_of
from loket.web.selectors import express_fee_in_force
from loket.web.views.booking_flow import office_or_404


def office_page(request: HttpRequest, office: str) -> HttpResponse:
    place = office_or_404(office)
    today = place.local_today()
    plan = on_replica(lambda: day_plans_cached(place, today, 1)[0])
    context = {
        "office": place,
        "address": address_of(place),
        "today": today,
        "plan": plan,
        "online_left": sum(w.remaining for w in plan.windows) if plan.open else 0,
        "classes": on_replica(lambda: class_places(place, today)),
        "express_fee": express_fee_in_force(on=today),
        "next_available": next_available_cached(place),
    }
    return render(request, "web/office.html", context)
