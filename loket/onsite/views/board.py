"""The waiting-room board (public, no login): the page for the TV and the JSON it polls.

The page renders the current state itself (and reloads every few seconds without
JavaScript); board.js then polls `data.json` every second with If-None-Match and redraws
and speaks only when the state changed. A poll whose ETag still matches costs three
queries and builds nothing (see loket/onsite/board.py).
"""

import math

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from loket.core.replica import on_replica
from loket.offices.models import Office
from loket.onsite.board import board_check, board_office, board_state
from loket.onsite.voice import CLIP_FORMAT, CLIPS

BOARD_LANGUAGES = ("id", "en")
# Short names that fit one line at the bottom of the screen.
SERVICES = [
    ("A", _("Paspor baru")),
    ("B", _("Penggantian")),
    ("C", _("Pengambilan")),
    ("P", _("Prioritas")),
    ("E", _("Percepatan")),
]


def _office_or_404(code: str) -> Office:
    office = board_office(code)
    if office is None:
        raise Http404("unknown office")
    return office


def grid_columns(counters: int) -> int:
    """Columns of the counter grid: as square as a landscape screen allows (1, 2, 2, 2, 3, 3, 4…)."""
    return max(1, min(counters, math.ceil(math.sqrt(counters * 1.2))))


@require_GET
def board_page(request: HttpRequest, office: str) -> HttpResponse:
    place = _office_or_404(office)
    state = on_replica(lambda: board_state(place))
    # A screen in an Indonesian office speaks Indonesian whatever the TV's browser prefers;
    # ?bahasa=en shows the English labels (the voice stays Indonesian).
    language = request.GET.get("bahasa", "id")
    language = language if language in BOARD_LANGUAGES else "id"
    with translation.override(language):
        context = {
            "office": place,
            "state": state,
            "services": [(letter, label, state.waiting[letter]) for letter, label in SERVICES],
            "cols": grid_columns(len(state.counters)),
            "language": language,
            "board_json": {"etag": state.etag, **state.as_json()},
            "clip_urls": {name: static(f"onsite/voice/{name}.{CLIP_FORMAT}") for name in CLIPS},
            "labels": {
                "counter": str(_("Loket")),
                "noCalls": str(_("Belum ada panggilan")),
                "noCounters": str(_("Belum ada loket aktif")),
                "onBreak": str(_("Istirahat")),
                "going": str(_("Menuju loket ini:")),
                "locale": "id-ID" if language == "id" else "en-GB",
            },
        }
        response = render(request, "onsite/board.html", context)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def board_data(request: HttpRequest, office: str) -> HttpResponse:
    place = _office_or_404(office)
    day = place.local_today()
    counters, etag = on_replica(lambda: board_check(place, day))
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()  # the usual answer: three queries, no state built
    else:
        response = JsonResponse(on_replica(lambda: board_state(place, day, (counters, etag)).as_json()))
    response["ETag"] = etag
    # Every poll must reach Loket (a cached answer would hide a call): revalidate always.
    response["Cache-Control"] = "no-cache"
    return response
