"""The help page: what to bring, what happens at the office, late or ill, refunds and credits, FAQ."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loket.booking.models import Service
from loket.web.selectors import document_guide, fees_in_force


def help_page(request: HttpRequest) -> HttpResponse:
    context = {
        "documents": {value: document_guide(value) for value in Service.values},
        "fees": fees_in_force(on=timezone.localdate()),
        "credit_days": settings.LOKET_FEE_CREDIT_DAYS,
        "reschedule_max": settings.LOKET_RESCHEDULE_MAX,
        "payment_hours": settings.LOKET_PAYMENT_DEADLINE_MINUTES // 60,
        "payment_minutes": settings.LOKET_PAYMENT_DEADLINE_MINUTES,
    }
    return render(request, "web/help.html", context)
