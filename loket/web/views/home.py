"""The public front page: what Loket does, the service guide, fees and the office finder."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from loket.booking.models import Service
from loket.web.forms import OfficeSearchForm
from loket.web.selectors import document_guide, fees_in_force, offices_matching


def home(request: HttpRequest) -> HttpResponse:
    search = OfficeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {
        "search": search,
        "query": query,
        "offices": offices_matching(query, language=get_language() or "id"),
        "documents": {value: document_guide(value) for value in Service.values},
        "fees": fees_in_force(on=timezone.localdate()),
    }
    return render(request, "web/home.html", context)
