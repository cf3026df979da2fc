"""The staff pages that update themselves (counter, check-in desk, supervisor dashboard).

The same rule as the board (loket/onsite/board.py): a page polls its live part every two
seconds with If-None-Match, and the ETag is a fingerprint of what changes the part, not a
hash of the part. Almost every poll matches and answers 304 after three small queries:
today's ticket events of the office (count and newest: every ticket move writes one),
the office's counters (open, on break, stages) and the late arrivals waiting for a
supervisor. The local minute is part of it too, so waits and estimates that grow with the
clock are redrawn once a minute.
"""

import datetime as dt
import hashlib
import json

from django.db.models import Count, Max, Q
from django.utils import timezone

from loket.offices.models import Office
from loket.onsite.models import Counter, LateDecision, LateDecisionStatus, TicketEvent

# Change it when what a live part shows changes, so that pages open during a deploy redraw.
LIVE_FORMAT = 2
POLL_MS = 2000


def _day_start(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def live_fingerprint(office: Office, *parts: object) -> str:
    """The ETag of an office's live staff part (three queries); `parts` tell pages apart (a counter's number)."""
    now = office.local_now()
    events = TicketEvent.objects.filter(office=office, at__gte=_day_start(office, now.date())).aggregate(
        n=Count("pk"), newest=Max("pk")
    )
    counters = list(
        Counter.objects.filter(office=office).order_by("number").values_list("pk", "active", "on_break_since", "stages")
    )
    pending = LateDecision.objects.filter(office=office, status=LateDecisionStatus.PENDING).aggregate(
        n=Count("pk"), newest=Max("pk")
    )
    body = [LIVE_FORMAT, office.code, now.strftime("%Y-%m-%d %H:%M"), events, counters, pending, parts]
    digest = hashlib.sha256(json.dumps(body, separators=(",", ":"), default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def matches(header: str, etag: str) -> bool:
    """True when the If-None-Match header names this ETag (a weak form from a proxy counts too)."""
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def national_fingerprint() -> str:
    """The ETag of the national dashboard (two queries): every office's ticket events of the last
    day and a summary of all counters; the minute, as for an office."""
    now = timezone.now()
    events = TicketEvent.objects.filter(at__gte=now - dt.timedelta(hours=30)).aggregate(n=Count("pk"), newest=Max("pk"))
    counters = Counter.objects.aggregate(
        n=Count("pk"),
        open=Count("pk", filter=Q(active=True)),
        on_break=Count("pk", filter=Q(on_break_since__isnull=False)),
        newest_break=Max("on_break_since"),
    )
    body = [LIVE_FORMAT, now.strftime("%Y-%m-%d %H:%M"), events, counters]
    digest = hashlib.sha256(json.dumps(body, separators=(",", ":"), default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'
