"""Reads about releases: which days open next, and when.

A day's seats open by the office's release rule (loket/booking/selectors.py released_until:
`release_time` office time, `horizon_days` ahead) or earlier by hand ("release now").
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from loket.booking.selectors import release_instant, released_until
from loket.offices.calendar import closures_between
from loket.offices.models import Office

# How far past the last open day the list looks for days with service.
LOOK_AHEAD_DAYS = 62


@dataclass(frozen=True)
class Release:
    date: dt.date
    opens_at: dt.datetime  # aware, in the office's zone
    join_from: dt.datetime  # its waiting room opens (LOKET_RELEASE_JOIN_MINUTES before)
    state: str  # "scheduled": the room not open yet; "joining": the room is open


def releases_upcoming(office: Office, *, count: int = 7, now_local: dt.datetime | None = None) -> list[Release]:
    """The next `count` days the release rule will open, each with its opening instant.

    Days without arrival windows, national holidays, cuti bersama and announced closures
    open nothing and are left out.
    """
    now_local = now_local or office.local_now()
    first = released_until(office, now_local) + dt.timedelta(days=1)
    last = first + dt.timedelta(days=LOOK_AHEAD_DAYS)
    served = set(office.windows.values_list("weekday", flat=True))
    closed = closures_between(office, first, last)
    found: list[Release] = []
    day = first
    while day <= last and len(found) < count:
        if day.weekday() in served and day not in closed:
            opens_at = release_instant(office, day)
            join_from = opens_at - dt.timedelta(minutes=settings.LOKET_RELEASE_JOIN_MINUTES)
            state = "joining" if join_from <= now_local and settings.LOKET_RELEASE_WAITING_ROOM else "scheduled"
            found.append(Release(date=day, opens_at=opens_at, join_from=join_from, state=state))
        day += dt.timedelta(days=1)
    return found


def next_release(office: Office, *, now_local: dt.datetime | None = None) -> Release | None:
    """The next day with service that opens, or None when none opens within LOOK_AHEAD_DAYS."""
    upcoming = releases_upcoming(office, count=1, now_local=now_local)
    return upcoming[0] if upcoming else None
