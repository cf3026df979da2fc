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

from loket.core.db import db_instant, read_rows
from loket.offices.models import Office
from loket.onsite.models import Counter, LateDecision, LateDecisionStatus, TicketEvent

# Change it when what a live part shows changes, so that pages open during a deploy redraw.
LIVE_FORMAT = 2


def _day_start(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def live_fingerprint(office: Office, *parts: object) -> str:
    """The ETag of an office's live staff part (three queries); `parts` tell pages apart (a counter's number).

    The statements are written out (core.db.read_rows), as the board's: nearly every poll ends here."""
    now = office.local_now()
    ((count, newest),) = read_rows(
        TicketEvent,
        f"SELECT COUNT(id), MAX(id) FROM {TicketEvent._meta.db_table} WHERE office_id = %s AND at >= %s",  # noqa: S608
        [office.pk, db_instant(TicketEvent, _day_start(office, now.date()))],
    )
    counters = read_rows(
        Counter,
        f"SELECT id, active, on_break_since, stages FROM {Counter._meta.db_table}"  # noqa: S608 (table names only)
        " WHERE office_id = %s ORDER BY number",
        [office.pk],
    )
    ((waiting, newest_waiting),) = read_rows(
        LateDecision,
        f"SELECT COUNT(id), MAX(id) FROM {LateDecision._meta.db_table} WHERE office_id = %s AND status = %s",  # noqa: S608
        [office.pk, LateDecisionStatus.PENDING.value],
    )
    events = {"n": count, "newest": newest}
    pending = {"n": waiting, "newest": newest_waiting}
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
